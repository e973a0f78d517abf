package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.Wire;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.jlvs.dataplane.AgentsRig.CIP;
import static io.jlvs.dataplane.AgentsRig.CLIENT_MAC;
import static io.jlvs.dataplane.AgentsRig.DIP;
import static io.jlvs.dataplane.AgentsRig.DR_MAC;
import static io.jlvs.dataplane.AgentsRig.DR_RIP;
import static io.jlvs.dataplane.AgentsRig.NAT_MAC;
import static io.jlvs.dataplane.AgentsRig.NAT_RIP;
import static io.jlvs.dataplane.AgentsRig.PORT_MAC;
import static io.jlvs.dataplane.AgentsRig.VIP;
import static io.jlvs.dataplane.AgentsRig.VIP_NAT;
import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Several agents on one port's queues, each owning the connections {@link ConnOwner} gives it: packets that arrive
 * on another agent's queue (the NIC spreads by the whole tuple, not by owner) reach the owner over the rings; each
 * connection is scheduled, counted and expired by its owner alone; NAT replies cross to the owner; neighbours learned
 * on one queue are known to all; a full ring drops and counts.
 */
class MultiAgentTest
{
    private static final byte[] NO_OPTIONS = new byte[0];
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;

    private static byte[] fromClient(final int vip, final int sport, final int flags)
    {
        return Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, TCP, CIP, vip, NO_OPTIONS,
            Wire.tcp(CIP, vip, sport, 80, flags, Wire.payload(0)));
    }

    private static byte[] fromNatServer(final int dport, final int flags)
    {
        return Wire.ipv4Frame(PORT_MAC, NAT_MAC, 0, 64, DF, TCP, NAT_RIP, CIP, NO_OPTIONS,
            Wire.tcp(NAT_RIP, CIP, 8080, dport, flags, Wire.payload(0)));
    }

    private static int owner(final int sport, final int agents)
    {
        return ConnOwner.of(0, CIP & 0xFFFF_FFFFL, sport, agents);
    }

    /** What rr on a fresh list of three gives dest {@code d} out of {@code n} connections. */
    private static int rrShare(final int n, final int d)
    {
        return n / 3 + (d < n % 3 ? 1 : 0);
    }

    private static int macIndex(final byte[] f)
    {
        final long mac = Wire.mac(f, 0);
        for (int d = 0; d < 3; d++)
        {
            if (mac == DR_MAC[d])
            {
                return d;
            }
        }
        throw new AssertionError("not to a DR real server: " + Long.toHexString(mac));
    }

    @ParameterizedTest(name = "{0} agents")
    @ValueSource(ints = {2, 4})
    void shouldScheduleCountAndKeepEachConnectionOnItsOwner(final int agents)
    {
        try (AgentsRig rig = new AgentsRig(agents, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            final int flows = 600;
            final int[] owned = new int[agents];
            final long[] received = new long[agents];
            int crossing = 0;
            for (int i = 0; i < flows; i++)
            {
                final int sport = 10_000 + i;
                final int queue = i % agents; // the NIC's choice, unrelated to the owner
                owned[owner(sport, agents)]++;
                crossing += owner(sport, agents) == queue ? 0 : 1;
                received[queue]++;
                rig.queues[queue].inject(fromClient(VIP, sport, SYN));
            }
            final List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());

            assertEquals(flows, out.size(), "every SYN forwarded once");
            final int[] perDest = new int[3];
            out.forEach((f) -> perDest[macIndex(f)]++);
            for (int d = 0; d < 3; d++)
            {
                int expected = 0;
                for (int a = 0; a < agents; a++)
                {
                    expected += rrShare(owned[a], d);
                    // a SYN_RECV connection counts as active, as in kernels since 4.x
                    assertEquals(rrShare(owned[a], d), rig.destStats[a][d].activeConns(), "agent " + a + " dest " + d);
                    assertEquals(rrShare(owned[a], d), rig.destStats[a][d].conns(), "agent " + a + " dest " + d);
                    assertEquals(0, rig.destStats[a][d].inactConns());
                }
                assertEquals(expected, perDest[d], "frames to real server " + (d + 1));
            }
            for (int a = 0; a < agents; a++)
            {
                assertTrue(owned[a] > 0, "every agent owns some of 600 flows");
                assertEquals(owned[a], rig.agent[a].connections(), "agent " + a + "'s connections");
                assertEquals(owned[a], rig.count(a, LbCounterDescriptor.CONNS_CREATED));
                assertEquals(received[a], rig.count(a, LbCounterDescriptor.RX_PACKETS), "received counted once");
            }
            assertTrue(crossing > 0);
            assertEquals(crossing, rig.sum(LbCounterDescriptor.REDIRECTED));
            assertEquals(crossing, rig.sum(LbCounterDescriptor.REDIRECTED_IN));
            assertEquals(0, rig.sum(LbCounterDescriptor.REDIRECT_RING_FULL));
            assertEquals(0, rig.tables.size(), "no connection in the tables of record before its second packet");

            // the next packets of each flow, on another queue this time, find their connections
            for (int i = 0; i < flows; i++)
            {
                rig.queues[(i + 1) % agents].inject(fromClient(VIP, 10_000 + i, ACK));
            }
            assertEquals(flows, AgentsRig.ipv4(rig.runUntilQuiet()).size());
            for (int a = 0; a < agents; a++)
            {
                final int self = a;
                assertEquals(owned[a], rig.tables.table(a).size(), "agent " + a + "'s table, from the second packets");
                rig.tables.table(a).forEach((k, e) ->
                {
                    assertEquals(self, ConnOwner.of(k, agents), "only its own connections in agent " + self + "'s table");
                    return true;
                });
            }
            final long[] listed = new long[1];
            rig.tables.forEach((k, e) ->
            {
                listed[0]++;
                return true;
            });
            assertEquals(flows, listed[0], "the listing sees every agent's connections");
            assertEquals(flows, rig.sum(LbCounterDescriptor.CONNS_CREATED), "no connection made twice");
            assertEquals(0, rig.inUse(), "no buffer lost on the way between agents");
        }
    }

    @Test
    void shouldCarryNatRepliesToTheAgentOwningTheConnection()
    {
        try (AgentsRig rig = new AgentsRig(2, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            for (int owner = 0; owner < 2; owner++)
            {
                int sport = 20_000;
                while (owner(sport, 2) != owner)
                {
                    sport++;
                }
                final int other = 1 - owner;
                // the request arrives on the other agent's queue, and so does the reply
                rig.queues[other].inject(fromClient(VIP_NAT, sport, SYN));
                List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
                assertEquals(1, out.size());
                assertEquals(NAT_MAC, Wire.mac(out.get(0), 0));
                assertEquals(NAT_RIP, u32(out.get(0), 30));
                assertEquals(8080, u16(out.get(0), 36));

                rig.queues[other].inject(fromNatServer(sport, SYN | ACK));
                out = AgentsRig.ipv4(rig.runUntilQuiet());
                assertEquals(1, out.size(), "the reply was found by the owner");
                assertEquals(CLIENT_MAC, Wire.mac(out.get(0), 0));
                assertEquals(VIP_NAT, u32(out.get(0), 26));
                assertEquals(80, u16(out.get(0), 34));
                assertTrue(Wire.l4ChecksumOk(out.get(0), 14));

                rig.queues[owner].inject(fromClient(VIP_NAT, sport, ACK));
                assertEquals(1, AgentsRig.ipv4(rig.runUntilQuiet()).size());

                final ConnEntry e = new ConnEntry();
                assertTrue(rig.tables.table(owner).lookup(new ConnKey().setV4(TCP, CIP, sport, VIP_NAT, 80), e));
                assertEquals(ConnState.ESTABLISHED, e.state());
                assertEquals(1, rig.destStats[owner][3].activeConns());
                assertEquals(2, rig.destStats[owner][3].inPkts());
                assertEquals(1, rig.destStats[owner][3].outPkts());
                assertEquals(0, rig.destStats[other][3].conns() + rig.destStats[other][3].inPkts() +
                    rig.destStats[other][3].outPkts(), "nothing on the other");
                assertEquals(owner, rig.destStats[other][3].activeConns(), "the other's: its own connection, if any");
                // reset the owner's counts for the next round's arithmetic
                rig.destStats[owner][3].zero();
            }
            assertEquals(0, rig.sum(LbCounterDescriptor.NO_CONN_OUT));
            assertEquals(0, rig.inUse());
        }
    }

    @Test
    void shouldExpireConnectionsOnlyByTheirOwner()
    {
        final int agents = 4;
        try (AgentsRig rig = new AgentsRig(agents, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            final int flows = 400;
            final int[] owned = new int[agents];
            for (int i = 0; i < flows; i++)
            {
                owned[owner(30_000 + i, agents)]++;
                rig.queues[i % agents].inject(fromClient(VIP, 30_000 + i, SYN));
            }
            rig.runUntilQuiet();

            // past SYN_RECV's 60 s: only agent 0 runs its expiry
            rig.clock.advance(61_000 + 2_000);
            for (int i = 0; i < 100; i++)
            {
                rig.clock.advance(1);
                rig.agent[0].doWork();
            }
            assertEquals(0, rig.agent[0].connections(), "agent 0 expired its own");
            assertEquals(owned[0], rig.count(0, LbCounterDescriptor.CONNS_EXPIRED));
            for (int d = 0; d < 3; d++)
            {
                assertEquals(0, rig.destStats[0][d].activeConns(), "agent 0's counts back to zero, not below");
                assertEquals(0, rig.destStats[0][d].inactConns(), "agent 0's counts back to zero, not below");
            }
            for (int a = 1; a < agents; a++)
            {
                assertEquals(owned[a], rig.agent[a].connections(), "agent " + a + "'s connections untouched");
                long active = 0;
                for (int d = 0; d < 3; d++)
                {
                    active += rig.destStats[a][d].activeConns();
                }
                assertEquals(owned[a], active, "agent " + a + "'s counts untouched");
                assertEquals(0, rig.count(a, LbCounterDescriptor.CONNS_EXPIRED));
            }

            rig.runUntilQuiet();
            assertEquals(0, rig.tables.size());
            assertEquals(flows, rig.sum(LbCounterDescriptor.CONNS_EXPIRED));
            for (int a = 0; a < agents; a++)
            {
                assertEquals(owned[a], rig.count(a, LbCounterDescriptor.CONNS_EXPIRED));
                for (int d = 0; d < 3; d++)
                {
                    assertEquals(0, rig.destStats[a][d].inactConns());
                    assertEquals(0, rig.destStats[a][d].activeConns());
                }
            }
        }
    }

    @Test
    void shouldTellEveryAgentOfANeighbourLearnedOnOneQueue()
    {
        try (AgentsRig rig = new AgentsRig(2, RedirectRings.DEFAULT_CAPACITY, false))
        {
            rig.runUntilQuiet(); // announcements and requests
            // every reply arrives on queue 0, as RSS puts non-IP frames
            rig.queues[0].inject(TestFrames.arpReply(PORT_MAC, CLIENT_MAC, CIP, DIP));
            for (int d = 0; d < 3; d++)
            {
                rig.queues[0].inject(TestFrames.arpReply(PORT_MAC, DR_MAC[d], DR_RIP[d], DIP));
            }
            rig.runUntilQuiet();
            for (int d = 0; d < 3; d++)
            {
                assertEquals(DR_MAC[d], rig.neighbours[1].lookup(DR_RIP[d]), "agent 1 learned rs" + (d + 1));
            }
            int sport = 40_000;
            while (owner(sport, 2) != 1)
            {
                sport++;
            }
            rig.queues[1].inject(fromClient(VIP, sport, SYN));
            final List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
            assertEquals(1, out.size());
            assertEquals(DR_MAC[0], Wire.mac(out.get(0), 0));
            assertEquals(0, rig.sum(LbCounterDescriptor.NO_NEIGHBOUR));
        }
    }

    @Test
    void shouldDropAndCountWhatTheOwnersFullRingRefuses()
    {
        try (AgentsRig rig = new AgentsRig(2, RedirectRings.MIN_CAPACITY, true))
        {
            rig.runUntilQuiet();
            final int packets = 1024;
            int sport = 50_000;
            for (int i = 0; i < packets; sport++)
            {
                if (owner(sport, 2) == 1)
                {
                    rig.queues[0].inject(fromClient(VIP, sport, SYN));
                    i++;
                }
            }
            // only agent 0 runs: its bursts pile up in agent 1's inbox until it is full
            for (int i = 0; i < packets / ForwardingAgent.BURST; i++)
            {
                rig.agent[0].doWork();
            }
            final long redirected = rig.count(0, LbCounterDescriptor.REDIRECTED);
            final long full = rig.count(0, LbCounterDescriptor.REDIRECT_RING_FULL);
            assertTrue(redirected > 0 && full > 0, redirected + " handed over, " + full + " refused");
            assertEquals(packets, redirected + full);
            assertEquals(redirected, AgentsRig.ipv4(rig.runUntilQuiet()).size(), "what was handed over is forwarded");
            assertEquals(0, rig.inUse(), "what was refused is freed");
        }
    }

    private static void awaitSum(final AgentsRig rig, final LbCounterDescriptor d, final long value)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (rig.sum(d) < value && System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
    }

    /** Until {@code value} frames were sent besides the ARP requests (which TX_PACKETS counts too). */
    private static void awaitForwarded(final AgentsRig rig, final long value) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (rig.sum(LbCounterDescriptor.TX_PACKETS) - rig.sum(LbCounterDescriptor.ARP_REQUESTS_SENT) < value &&
            System.nanoTime() < deadline)
        {
            Thread.sleep(5);
        }
    }

    @Test
    void shouldForwardEveryPacketWithEachAgentOnItsOwnThread() throws Exception
    {
        final int agents = 2;
        // inboxes as large as the 4000 packets the test lets be in flight: it counts updates, not ring overflow
        try (AgentsRig rig = new AgentsRig(agents, 64 * 1024, true))
        {
            rig.runUntilQuiet();
            final List<Throwable> errors = new CopyOnWriteArrayList<>();
            final ErrorHandler onError = errors::add;
            final List<AgentRunner> runners = new ArrayList<>();
            for (int a = 0; a < agents; a++)
            {
                runners.add(new AgentRunner(new BusySpinIdleStrategy(), onError, null, rig.agent[a]));
            }
            runners.forEach(AgentRunner::startOnThread);
            final int flows = 2_000;
            final int packetsPerFlow = 3;
            try
            {
                for (int p = 0; p < packetsPerFlow; p++)
                {
                    for (int i = 0; i < flows; i++)
                    {
                        while (rig.inUse() > 4_000)
                        {
                            Thread.onSpinWait(); // the pool is 8192: let the agents catch up
                        }
                        rig.queues[(i * 7 + p) % agents].inject(fromClient(VIP, 1_000 + i, 0 == p ? SYN : ACK));
                    }
                    // a flow's packets may take different queues: its SYN must have made the connection before
                    // its ACKs can arrive (the NIC of a real director keeps a flow on one queue)
                    if (0 == p)
                    {
                        awaitSum(rig, LbCounterDescriptor.CONNS_CREATED, flows);
                    }
                    else
                    {
                        awaitForwarded(rig, (long)flows * (p + 1));
                    }
                }
            }
            finally
            {
                runners.forEach(AgentRunner::close);
            }
            assertEquals(List.of(), errors);
            long frames = 0;
            for (int a = 0; a < agents; a++)
            {
                frames += AgentsRig.ipv4(rig.queues[a].takeTransmitted()).size();
            }
            assertEquals((long)flows * packetsPerFlow, frames, rig.nonZeroCounters());
            assertEquals(flows, rig.sum(LbCounterDescriptor.CONNS_CREATED), "each flow made once, by its owner");
            assertEquals(flows, rig.tables.size());
            long conns = 0;
            long inPkts = 0;
            for (int a = 0; a < agents; a++)
            {
                for (int d = 0; d < 3; d++)
                {
                    conns += rig.destStats[a][d].conns();
                    inPkts += rig.destStats[a][d].inPkts();
                }
            }
            assertEquals(flows, conns, "no lost counter update");
            assertEquals((long)flows * packetsPerFlow, inPkts, "no lost counter update");
            assertEquals(rig.sum(LbCounterDescriptor.REDIRECTED), rig.sum(LbCounterDescriptor.REDIRECTED_IN));
            assertEquals(0, rig.inUse());
        }
    }
}
