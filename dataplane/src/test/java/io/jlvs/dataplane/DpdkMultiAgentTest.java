package io.jlvs.dataplane;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.Wire;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static io.jlvs.dataplane.AgentsRig.CIP;
import static io.jlvs.dataplane.AgentsRig.CLIENT_MAC;
import static io.jlvs.dataplane.AgentsRig.NAT_MAC;
import static io.jlvs.dataplane.AgentsRig.NAT_RIP;
import static io.jlvs.dataplane.AgentsRig.VIP;
import static io.jlvs.dataplane.AgentsRig.VIP_NAT;
import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two and four agents on the queues of one DPDK port ({@code net_ring} with a ring pair per queue, in process):
 * mbufs received on one queue are handed over the rings and sent on another, every connection is counted by its
 * owner exactly, NAT replies cross agents, and every mbuf goes back to the pool exactly once.
 */
class DpdkMultiAgentTest
{
    private static final byte[] NO_OPTIONS = new byte[0];
    private static Dpdk dpdk;

    @BeforeAll
    static void initEal()
    {
        dpdk = DpdkTestEal.dpdk();
    }

    @ParameterizedTest(name = "{0} agents")
    @ValueSource(ints = {2, 4})
    void shouldHandEachPacketToItsOwnerAcrossTheQueuesOfADpdkPort(final int agents)
    {
        try (DpdkRingRig ring = new DpdkRingRig(dpdk, 4095, 1024, agents))
        {
            try (AgentsRig rig = new AgentsRig(ring.ports, RedirectRings.DEFAULT_CAPACITY, true,
                () -> ring.takeTransmitted().stream().map(DpdkRingRig.Sent::bytes).toList()))
            {
                rig.runUntilQuiet();
                final int flows = 300;
                final int[] owned = new int[agents];
                int crossing = 0;
                int forwarded = 0;
                for (int i = 0; i < flows; i++)
                {
                    final int sport = 11_000 + i;
                    final int owner = ConnOwner.of(0, CIP & 0xFFFF_FFFFL, sport, agents);
                    owned[owner]++;
                    crossing += owner == i % agents ? 0 : 1;
                    ring.deliverTo(i % agents, ring.mbuf(Wire.ipv4Frame(ring.mac, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP,
                        NO_OPTIONS, Wire.tcp(CIP, VIP, sport, 80, 0x02, Wire.payload(0)))));
                    if (i % 100 == 99)
                    {
                        forwarded += AgentsRig.ipv4(rig.runUntilQuiet()).size(); // the rx rings hold 1024
                    }
                }
                forwarded += AgentsRig.ipv4(rig.runUntilQuiet()).size();
                assertEquals(0, ring.rxRingCount());
                assertEquals(flows, forwarded, "every SYN sent once, on some queue");
                for (int a = 0; a < agents; a++)
                {
                    assertEquals(owned[a], rig.count(a, LbCounterDescriptor.CONNS_CREATED), "agent " + a);
                    assertEquals(owned[a], rig.agent[a].connections());
                    long conns = 0;
                    for (int d = 0; d < 3; d++)
                    {
                        conns += rig.destStats[a][d].conns();
                    }
                    assertEquals(owned[a], conns, "agent " + a + "'s counts");
                }
                assertEquals(crossing, rig.sum(LbCounterDescriptor.REDIRECTED));
                assertEquals(crossing, rig.sum(LbCounterDescriptor.REDIRECTED_IN));

                // a NAT connection whose request and reply both arrive on a queue not its owner's
                int sport = 12_000;
                while (ConnOwner.of(0, CIP & 0xFFFF_FFFFL, sport, agents) == 0)
                {
                    sport++;
                }
                ring.deliverTo(0, ring.mbuf(Wire.ipv4Frame(ring.mac, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP_NAT,
                    NO_OPTIONS, Wire.tcp(CIP, VIP_NAT, sport, 80, 0x02, Wire.payload(0)))));
                List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
                assertEquals(1, out.size());
                assertEquals(NAT_MAC, Wire.mac(out.get(0), 0));
                ring.deliverTo(0, ring.mbuf(Wire.ipv4Frame(ring.mac, NAT_MAC, 0, 64, DF, TCP, NAT_RIP, CIP,
                    NO_OPTIONS, Wire.tcp(NAT_RIP, CIP, 8080, sport, 0x12, Wire.payload(0)))));
                out = AgentsRig.ipv4(rig.runUntilQuiet());
                assertEquals(1, out.size(), rig.nonZeroCounters());
                assertEquals(CLIENT_MAC, Wire.mac(out.get(0), 0));
                assertEquals(VIP_NAT, u32(out.get(0), 26));
                assertEquals(80, u16(out.get(0), 34));
                assertTrue(Wire.l4ChecksumOk(out.get(0), 14));
                assertEquals(0, rig.sum(LbCounterDescriptor.NO_CONN_OUT));
            }
            ring.assertEveryMbufBackExactlyOnce();
        }
    }
}
