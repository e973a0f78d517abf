package io.jlvs.dataplane;

import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.sync.SyncPolicy;
import io.jlvs.dataplane.xmit.Wire;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.jlvs.dataplane.AgentsRig.CIP;
import static io.jlvs.dataplane.AgentsRig.CLIENT_MAC;
import static io.jlvs.dataplane.AgentsRig.DIP;
import static io.jlvs.dataplane.AgentsRig.NAT_GW;
import static io.jlvs.dataplane.AgentsRig.PORT_MAC;
import static io.jlvs.dataplane.AgentsRig.VIP;
import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pair's virtual MAC (keepalived's {@code use_vmac}): the VIPs and floating addresses are answered and announced
 * from {@code 00:00:5e:00:01:<vrid>}, so the clients' neighbour entries survive a takeover; the director's own
 * addresses keep the port's MAC; frames to the virtual MAC are the port's own.
 */
class VirtualMacTest
{
    private static final long VMAC = 0x00_00_5E_00_01_33L;
    private static final long OTHER_MAC = 0x02_00_00_00_00_77L;
    private static final int SYN = 0x02;

    /** The sender MAC of the ARP reply for {@code ip} among {@code frames}, checking the Ethernet source agrees. */
    private static long replyMac(final List<byte[]> frames, final int ip)
    {
        for (final byte[] f : frames)
        {
            if (Wire.u16(f, 12) == 0x0806 && Wire.u16(f, 20) == 2 && Wire.u32(f, 28) == ip)
            {
                assertEquals(Wire.mac(f, 6), Wire.mac(f, 22), "Ethernet source and ARP sender agree");
                return Wire.mac(f, 22);
            }
        }
        throw new AssertionError("no ARP reply for " + Integer.toHexString(ip));
    }

    private static byte[] toVip(final long dstMac, final int sport)
    {
        return Wire.ipv4Frame(dstMac, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP, new byte[0],
            Wire.tcp(CIP, VIP, sport, 80, SYN, Wire.payload(0)));
    }

    @Test
    void shouldAnswerAndAnnounceTheVipsFromTheVirtualMacAndItsOwnAddressesFromThePorts()
    {
        try (AgentsRig rig = new AgentsRig(1, true, SyncPolicy.OFF))
        {
            rig.standby(true);
            assertTrue(AgentsRig.ipv4(rig.virtualMac(VMAC)).isEmpty());
            int announced = 0;
            final List<byte[]> serving = rig.standby(false);
            for (final byte[] f : serving)
            {
                if (Wire.u16(f, 12) == 0x0806 && Wire.u16(f, 20) == 1 && Wire.u32(f, 28) == Wire.u32(f, 38))
                {
                    final int ip = Wire.u32(f, 28);
                    final long expected = ip == DIP ? PORT_MAC : VMAC;
                    assertEquals(expected, Wire.mac(f, 6), "gratuitous ARP's source for " + Integer.toHexString(ip));
                    assertEquals(expected, Wire.mac(f, 22));
                    announced++;
                }
            }
            assertTrue(announced >= 3, "the DIP, the VIPs and the NAT gateway announced: " + announced);

            for (final int ip : new int[] {VIP, NAT_GW, DIP})
            {
                rig.queues[0].inject(SyncAgentsTest.arpRequestFor(ip));
            }
            final List<byte[]> replies = rig.runUntilQuiet();
            assertEquals(VMAC, replyMac(replies, VIP));
            assertEquals(VMAC, replyMac(replies, NAT_GW), "a floating address moves with the VIPs");
            assertEquals(PORT_MAC, replyMac(replies, DIP), "the director's own address keeps the port's MAC");
        }
    }

    @Test
    void shouldTakeFramesToTheVirtualMacAsThePortsOwn()
    {
        try (AgentsRig rig = new AgentsRig(1, true, SyncPolicy.OFF))
        {
            rig.virtualMac(VMAC);
            rig.queues[0].inject(toVip(VMAC, 50_000));
            rig.queues[0].inject(toVip(PORT_MAC, 50_001));
            rig.queues[0].inject(toVip(OTHER_MAC, 50_002));
            assertEquals(2, AgentsRig.ipv4(rig.runUntilQuiet()).size(), rig.nonZeroCounters());
            assertEquals(1, rig.sum(LbCounterDescriptor.NOT_OUR_MAC));

            rig.virtualMac(0);
            rig.queues[0].inject(toVip(VMAC, 50_003));
            assertTrue(AgentsRig.ipv4(rig.runUntilQuiet()).isEmpty(), "without it, another host's frame");
            assertEquals(2, rig.sum(LbCounterDescriptor.NOT_OUR_MAC));
        }
    }
}
