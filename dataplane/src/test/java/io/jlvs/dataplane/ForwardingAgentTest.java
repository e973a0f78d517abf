package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.port.InMemoryPort;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.proto.ParseVerdict;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.ConnStats;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DestStats;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.jlvs.dataplane.TestFrames.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardingAgentTest
{
    private static final long PORT_MAC = 0x02_00_00_00_00_02L;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_64L;
    private static final long[] RS_MAC = {0x02_00_00_00_00_0BL, 0x02_00_00_00_00_0CL, 0x02_00_00_00_00_0DL};
    private static final int DIP = ip("198.18.0.2");
    private static final int VIP = ip("198.18.0.10");
    private static final int CIP = ip("198.18.0.100");
    private static final int[] RIP = {ip("198.18.0.11"), ip("198.18.0.12"), ip("198.18.0.13")};

    private final DataplaneCounters counters = DataplaneCounters.onHeap(1024);
    private final CachedEpochClock clock = new CachedEpochClock();
    private InMemoryPort port;
    private ConnTable conns;
    private AtomicCounter[] agentCounters;
    private AtomicCounter[] verdictCounters;
    private DestStats[] destStats;
    private ConnStats serviceStats;
    private ForwardingAgent agent;

    @BeforeEach
    void setUp()
    {
        clock.update(1_000_000);
        port = new InMemoryPort("mem0", PORT_MAC, 512);
        conns = new ConnTable(new ConnTable.Context().capacity(10_000).conclude());
        agentCounters = counters.newAgentCounters(0, "fwd-0");
        verdictCounters = counters.newVerdictCounters(0, "fwd-0");
        destStats = new DestStats[3];
        for (int i = 0; i < 3; i++)
        {
            destStats[i] = counters.newDestStats(0, "fwd-0", i + 1, "rs" + (i + 1));
        }
        serviceStats = counters.newServiceStats(0, "fwd-0", 1, "svc");
        agent = newAgent(compile(1, "wrr"));
    }

    /**
     * The VIP's service with rs1..rs3 at weights 3:2:1, compiled as the control plane does on every change: new
     * Service and Dest objects, the same ids and counters. Kernel list order, the last added first: rs1 was added
     * last here so it is at the head.
     */
    private ForwardingSnapshot compile(final long version, final String scheduler)
    {
        final Dest[] dests = new Dest[3];
        final int[] weights = {3, 2, 1};
        for (int i = 0; i < 3; i++)
        {
            dests[i] = Dest.builder(i + 1).address(PacketView.AF_INET, 0, RIP[i] & 0xFFFF_FFFFL).port(80)
                .weight(weights[i]).stats(destStats[i]).build();
        }
        final Service svc = new Service(6, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 80, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create(scheduler), dests, serviceStats);
        return ForwardingSnapshot.of(version, RouteTable.of(DIP, 24), svc);
    }

    private ForwardingAgent newAgent(final ForwardingSnapshot snapshot)
    {
        return newAgent(snapshot, IpvsSysctls.DEFAULTS);
    }

    private ForwardingAgent newAgent(final ForwardingSnapshot snapshot, final IpvsSysctls sysctls)
    {
        return new ForwardingAgent(new ForwardingAgent.Context()
            .roleName("fwd-0")
            .port(port)
            .conns(conns)
            .timeouts(new ConnTimeouts())
            .neighbours(new NeighbourTable())
            .snapshot(snapshot)
            .counters(agentCounters)
            .dropsByVerdict(verdictCounters)
            .epochClock(clock)
            .nanoClock(new SystemNanoClock())
            .sysctls(sysctls));
    }

    @AfterEach
    void tearDown()
    {
        agent.release();
        conns.close();
        port.close();
    }

    private long count(final LbCounterDescriptor d)
    {
        return agentCounters[d.ordinal()].get();
    }

    /** Runs the first cycle (announcements and ARP requests) and answers the requests for the real servers. */
    private void resolveRealServers()
    {
        agent.doWork();
        final List<byte[]> out = port.takeTransmitted();
        int requests = 0;
        for (final byte[] f : out)
        {
            final int tpa = ((f[38] & 0xFF) << 24) | ((f[39] & 0xFF) << 16) | ((f[40] & 0xFF) << 8) | (f[41] & 0xFF);
            for (int i = 0; i < 3; i++)
            {
                if (tpa == RIP[i])
                {
                    requests++;
                    port.inject(TestFrames.arpReply(PORT_MAC, RS_MAC[i], RIP[i], DIP));
                }
            }
        }
        assertEquals(3, requests, "one ARP request per real server");
        agent.doWork();
        port.takeTransmitted();
    }

    @Test
    void shouldAnnounceLocalAddressesAndRequestRealServersOnStart()
    {
        agent.doWork();
        final List<byte[]> out = port.takeTransmitted();
        assertEquals(2 + 3, out.size(), "gratuitous ARP for DIP and VIP, requests for three real servers");
        for (final byte[] f : out)
        {
            assertEquals(0xFFFF_FFFF_FFFFL, TestFrames.mac(f, 0));
            assertEquals(PORT_MAC, TestFrames.mac(f, 6));
            assertEquals(60, f.length);
        }
        assertEquals(5, count(LbCounterDescriptor.ARP_REQUESTS_SENT));
    }

    @Test
    void shouldAnswerArpForTheVipAndTheDipOnly()
    {
        agent.doWork();
        port.takeTransmitted();
        port.inject(TestFrames.arpRequest(CLIENT_MAC, CIP, VIP));
        port.inject(TestFrames.arpRequest(CLIENT_MAC, CIP, DIP));
        port.inject(TestFrames.arpRequest(CLIENT_MAC, CIP, ip("198.18.0.99")));
        agent.doWork();
        final List<byte[]> out = port.takeTransmitted();
        assertEquals(2, out.size());
        final byte[] reply = out.get(0);
        assertEquals(CLIENT_MAC, TestFrames.mac(reply, 0));
        assertEquals(PORT_MAC, TestFrames.mac(reply, 6));
        assertEquals(2, reply[21], "ARP reply");
        assertEquals(PORT_MAC, TestFrames.mac(reply, 22), "sender MAC is the port's");
        assertArrayEquals(new byte[] {(byte)198, 18, 0, 10}, Arrays.copyOfRange(reply, 28, 32), "sender is the VIP");
        assertEquals(CLIENT_MAC, TestFrames.mac(reply, 32));
        assertEquals(1, count(LbCounterDescriptor.ARP_NOT_FOR_US));
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldForwardNewConnectionsByWeightRewritingMacsAndTtl()
    {
        resolveRealServers();
        final int[] perServer = new int[3];
        for (int c = 0; c < 300; c++)
        {
            final byte[] syn = TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 10_000 + c, VIP, 80, 0x02, 0);
            port.inject(syn);
            agent.doWork();
            final List<byte[]> out = port.takeTransmitted();
            assertEquals(1, out.size());
            final byte[] fwd = out.get(0);
            assertEquals(PORT_MAC, TestFrames.mac(fwd, 6));
            assertArrayEquals(Arrays.copyOfRange(TestFrames.routed(syn), 12, syn.length),
                Arrays.copyOfRange(fwd, 12, fwd.length), "DR leaves the IP packet untouched but for its TTL");
            final long dst = TestFrames.mac(fwd, 0);
            for (int i = 0; i < 3; i++)
            {
                if (dst == RS_MAC[i])
                {
                    perServer[i]++;
                }
            }
        }
        assertArrayEquals(new int[] {150, 100, 50}, perServer);
        assertEquals(300, agent.connections());
        assertEquals(150, destStats[0].conns());
        assertEquals(150, destStats[0].activeConns(), "SYN_RECV counts as active (tcp_state_active)");
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldKeepAFlowOnItsRealServerAndCountItsStates()
    {
        resolveRealServers();
        final int[] flags = {0x02, 0x10, 0x18, 0x18, 0x11, 0x10};
        long firstDest = -1;
        for (final int f : flags)
        {
            port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 40_000, VIP, 80, f, f == 0x18 ? 100 : 0));
            agent.doWork();
            clock.advance(10);
            final List<byte[]> out = port.takeTransmitted();
            assertEquals(1, out.size());
            final long dst = TestFrames.mac(out.get(0), 0);
            if (firstDest == -1)
            {
                firstDest = dst;
            }
            assertEquals(firstDest, dst);
        }
        assertEquals(1, agent.connections());
        assertEquals(1, count(LbCounterDescriptor.CONN_CACHE_MISSES), "only the SYN asked the table of record");
        assertEquals(RS_MAC[0], firstDest);
        assertEquals(0, destStats[0].activeConns(), "FIN_WAIT is inactive");
        assertEquals(1, destStats[0].inactConns());
        assertEquals(6, destStats[0].inPkts());
    }

    @Test
    void shouldCountAndDropMalformedFramesWithoutLeaking()
    {
        resolveRealServers();
        final byte[] good = TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 5000, VIP, 80, 0x02, 0);
        final byte[] truncatedIp = Arrays.copyOf(good, 20);
        final byte[] badIhl = good.clone();
        badIhl[14] = 0x44;
        final byte[] longTotal = good.clone();
        longTotal[16] = (byte)0x7F;
        final byte[] unknownType = good.clone();
        unknownType[12] = (byte)0x88;
        unknownType[13] = (byte)0xB5;
        final byte[] tiny = Arrays.copyOf(good, 10);
        for (final byte[] f : List.of(truncatedIp, badIhl, longTotal, unknownType, tiny))
        {
            port.inject(f);
        }
        agent.doWork();
        assertTrue(port.takeTransmitted().isEmpty());
        assertEquals(5, count(LbCounterDescriptor.DROPPED_MALFORMED));
        assertEquals(1, verdictCounters[ParseVerdict.TRUNCATED_IP].get());
        assertEquals(1, verdictCounters[ParseVerdict.BAD_IHL].get());
        assertEquals(1, verdictCounters[ParseVerdict.BAD_IP_LENGTH].get());
        assertEquals(1, verdictCounters[ParseVerdict.UNKNOWN_ETHERTYPE].get());
        assertEquals(1, verdictCounters[ParseVerdict.TRUNCATED_ETHERNET].get());
        assertEquals(0, agent.connections());
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldDropWhatIsNotForAServiceOrNotASyn()
    {
        resolveRealServers();
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 5000, VIP, 443, 0x02, 0));
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 5001, VIP, 80, 0x10, 0));
        port.inject(TestFrames.tcp(0x02_00_00_00_00_99L, CLIENT_MAC, CIP, 5002, VIP, 80, 0x02, 0));
        agent.doWork();
        assertTrue(port.takeTransmitted().isEmpty());
        assertEquals(1, count(LbCounterDescriptor.NOT_FOR_SERVICE));
        assertEquals(1, count(LbCounterDescriptor.NO_CONN_NOT_SYN));
        assertEquals(1, count(LbCounterDescriptor.NOT_OUR_MAC));
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldAnswerPingsToTheVipAndTheDipWithValidChecksums()
    {
        resolveRealServers();
        port.inject(TestFrames.icmpEcho(PORT_MAC, CLIENT_MAC, CIP, VIP, 63));
        port.inject(TestFrames.icmpEcho(PORT_MAC, CLIENT_MAC, CIP, DIP, 1));
        port.inject(TestFrames.icmpEcho(PORT_MAC, CLIENT_MAC, CIP, ip("198.18.0.77"), 64));
        agent.doWork();
        final List<byte[]> out = port.takeTransmitted();
        assertEquals(2, out.size(), "an echo to an address the director does not hold is not answered");
        for (final byte[] reply : out)
        {
            final var seg = java.lang.foreign.MemorySegment.ofArray(reply);
            assertEquals(CLIENT_MAC, TestFrames.mac(reply, 0));
            assertEquals(PORT_MAC, TestFrames.mac(reply, 6));
            assertEquals(0, reply[34], "echo reply");
            assertEquals(64, reply[22], "TTL reset");
            assertArrayEquals(new byte[] {(byte)198, 18, 0, 100}, Arrays.copyOfRange(reply, 30, 34), "back to the client");
            assertTrue(io.jlvs.dataplane.proto.InetChecksum.isIpv4HeaderChecksumValid(seg, 14));
            assertEquals(0xFFFF, io.jlvs.dataplane.proto.InetChecksum.sum(seg, 34, 24, 0), "ICMP checksum");
        }
        assertEquals(2, count(LbCounterDescriptor.ICMP_ECHO_REPLIES));
        assertEquals(1, count(LbCounterDescriptor.NOT_FOR_SERVICE));
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldCountFramesTheDeviceRefuses()
    {
        resolveRealServers();
        port.txCapacity(1);
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 6000, VIP, 80, 0x02, 0));
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 6001, VIP, 80, 0x02, 0));
        agent.doWork();
        assertEquals(1, port.takeTransmitted().size());
        assertEquals(1, count(LbCounterDescriptor.TX_FULL));
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldExpireConnectionsAndReleaseTheirCounts()
    {
        resolveRealServers();
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 7000, VIP, 80, 0x02, 0));
        agent.doWork();
        port.takeTransmitted();
        assertEquals(1, destStats[0].activeConns());
        clock.advance(59_000);
        agent.doWork();
        assertEquals(1, agent.connections(), "SYN_RECV lasts 60 s");
        clock.advance(2_000);
        for (int i = 0; i < 100 && agent.connections() > 0; i++)
        {
            clock.advance(20); // the expiry walks the cache once a second: a pending connection ends within it
            agent.doWork();
        }
        port.takeTransmitted();
        assertEquals(0, agent.connections(), "SYN_RECV times out after 60 s");
        assertEquals(0, destStats[0].activeConns());
        assertEquals(0, destStats[0].inactConns());
        assertEquals(1, count(LbCounterDescriptor.CONNS_EXPIRED));
    }

    @Test
    void shouldNotExpireALiveFlowOnTheTablesLaggingCopy()
    {
        resolveRealServers();
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 7100, VIP, 80, 0x02, 0));
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 7100, VIP, 80, 0x10, 0));
        agent.doWork();
        // ESTABLISHED (900 s) written to the table now; packets every 10 s stay inside the 60 s write-back
        // interval, so the table's copy keeps the first expiry while the cache moves on
        for (int i = 0; i < 5; i++)
        {
            clock.advance(10_000);
            port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 7100, VIP, 80, 0x18, 10));
            agent.doWork();
        }
        port.takeTransmitted();
        clock.advance(900_000 - 50_000 + 5_000);
        runExpiry();
        assertEquals(1, agent.connections(), "alive: the cache saw a packet 50 s after the table's copy was written");
        assertEquals(1, destStats[0].activeConns());

        clock.advance(50_000);
        runExpiry();
        assertEquals(0, agent.connections(), "expired 900 s after its last packet");
        assertEquals(0, destStats[0].activeConns());
    }

    private void runExpiry()
    {
        for (int i = 0; i < 200; i++)
        {
            clock.advance(1);
            agent.doWork();
        }
        port.takeTransmitted();
    }

    @Test
    void shouldGoOnWithRoundRobinAcrossAnIdenticalRecompiledSnapshot()
    {
        assertTrue(agent.offer(compile(2, "rr")));
        resolveRealServers();
        final int[] chosen = new int[9];
        for (int c = 0; c < chosen.length; c++)
        {
            if (c == 4)
            {
                assertTrue(agent.offer(compile(3, "rr")));
            }
            chosen[c] = newConnection(20_000 + c);
        }
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2}, chosen, "rr goes on after rs1, not from the head");
        assertEquals(3, agent.snapshot().version());
        assertEquals(2, count(LbCounterDescriptor.SNAPSHOTS_APPLIED));
        assertEquals(9, agent.connections());
    }

    @Test
    void shouldGoOnWithWeightedRoundRobinAcrossIdenticalRecompiledSnapshots()
    {
        resolveRealServers();
        final int[] cycle = {0, 1, 2, 0, 0, 1}; // built as ldirectord builds it: each once, then 3:2:1
        for (int c = 0; c < 60; c++)
        {
            if (c == 4 || c == 11 || c == 25 || c == 26)
            {
                assertTrue(agent.offer(compile(2 + c, "wrr")));
            }
            assertEquals(cycle[c % cycle.length], newConnection(30_000 + c), "connection " + c);
        }
        assertEquals(4, count(LbCounterDescriptor.SNAPSHOTS_APPLIED));
        assertEquals(20, destStats[1].conns(), "the counters are the same across snapshots");
    }

    /** A SYN from a new client port, forwarded in one cycle: the index of the real server it went to. */
    private int newConnection(final int clientPort)
    {
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, clientPort, VIP, 80, 0x02, 0));
        agent.doWork();
        final List<byte[]> ipFrames = port.takeTransmitted().stream().filter((f) -> f[12] == 0x08 && f[13] == 0).toList();
        assertEquals(1, ipFrames.size(), "forwarded, not dropped");
        final long dst = TestFrames.mac(ipFrames.get(0), 0);
        for (int i = 0; i < RS_MAC.length; i++)
        {
            if (dst == RS_MAC[i])
            {
                return i;
            }
        }
        throw new AssertionError("sent to an unknown MAC " + Long.toHexString(dst));
    }

    /** A new agent on {@code snapshot} with the given sysctls, the real servers resolved. */
    private ForwardingAgent agentWith(final ForwardingSnapshot snapshot, final IpvsSysctls sysctls)
    {
        agent.release();
        agent = newAgent(snapshot, sysctls);
        agent.doWork(); // announcements and ARP requests; the real servers answer
        port.takeTransmitted();
        for (int i = 0; i < 3; i++)
        {
            port.inject(TestFrames.arpReply(PORT_MAC, RS_MAC[i], RIP[i], DIP));
        }
        agent.doWork();
        port.takeTransmitted();
        return agent;
    }

    private int forwarded(final byte[] frame)
    {
        port.inject(frame);
        agent.doWork();
        return (int)port.takeTransmitted().stream().filter((f) -> f[12] == 0x08 && f[13] == 0).count();
    }

    /**
     * tcp_conn_schedule: only a SYN starts a connection, any packet but a RST with sloppy_tcp; sctp_conn_schedule:
     * only an INIT, any packet with sloppy_sctp.
     */
    @Test
    void shouldStartConnectionsOnlyAsTheKernelDoesUnlessSloppy()
    {
        assertEquals(0, forwarded(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 9000, VIP, 80, 0x10, 0)), "an ACK alone");
        assertEquals(1, count(LbCounterDescriptor.NO_CONN_NOT_SYN));
        agentWith(compile(5, "rr"), IpvsSysctls.DEFAULTS.withStart(1, true, false));
        assertEquals(1, forwarded(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 9001, VIP, 80, 0x10, 0)),
            "sloppy_tcp: an ACK starts one");
        assertEquals(0, forwarded(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 9002, VIP, 80, 0x14, 0)), "never a RST");
        assertEquals(2, count(LbCounterDescriptor.NO_CONN_NOT_SYN));

        final Dest[] dests = {Dest.builder(7).address(PacketView.AF_INET, 0, RIP[0] & 0xFFFF_FFFFL).port(2905)
            .weight(1).stats(destStats[0]).build()};
        final ForwardingSnapshot sctp = ForwardingSnapshot.of(6, RouteTable.of(DIP, 24), new Service(132,
            PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 2905, 0, 0, 0, 0xFFFF_FFFFL, Schedulers.create("rr"), dests,
            serviceStats));
        agentWith(sctp, IpvsSysctls.DEFAULTS);
        assertEquals(0, forwarded(TestFrames.sctp(PORT_MAC, CLIENT_MAC, CIP, 5000, VIP, 2905, 0)), "DATA first");
        assertEquals(1, count(LbCounterDescriptor.NO_CONN_NOT_INIT));
        assertEquals(1, forwarded(TestFrames.sctp(PORT_MAC, CLIENT_MAC, CIP, 5000, VIP, 2905, 1)), "INIT");
        assertEquals(1, forwarded(TestFrames.sctp(PORT_MAC, CLIENT_MAC, CIP, 5000, VIP, 2905, 0)), "then DATA");
        agentWith(sctp, IpvsSysctls.DEFAULTS.withStart(1, false, true));
        assertEquals(1, forwarded(TestFrames.sctp(PORT_MAC, CLIENT_MAC, CIP, 5001, VIP, 2905, 0)),
            "sloppy_sctp: DATA starts one");
    }

    /**
     * One-packet scheduling: each datagram of one flow is scheduled apart (rr: rs1, rs2, rs3, rs1) and no connection
     * is remembered; without it the flow's datagrams follow their connection.
     */
    @Test
    void shouldScheduleEachDatagramApartWithOnePacketScheduling()
    {
        for (final boolean ops : new boolean[] {true, false})
        {
            final Dest[] dests = new Dest[3];
            for (int i = 0; i < 3; i++)
            {
                dests[i] = Dest.builder(i + 1).address(PacketView.AF_INET, 0, RIP[i] & 0xFFFF_FFFFL).port(53)
                    .weight(1).onePacket(ops).stats(destStats[i]).build();
            }
            final Service dns = new Service(17, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 53, 0,
                ops ? Service.F_ONEPACKET : 0, 0, 0xFFFF_FFFFL, Schedulers.create("rr"), dests, serviceStats);
            assertTrue(agent.offer(ForwardingSnapshot.of(ops ? 2 : 3, RouteTable.of(DIP, 24), dns)));
            if (ops)
            {
                resolveRealServers();
            }
            final long before = agent.connections();
            final StringBuilder chosen = new StringBuilder();
            for (int n = 0; n < 4; n++)
            {
                port.inject(io.jlvs.dataplane.xmit.Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, 17, CIP, VIP,
                    new byte[0], io.jlvs.dataplane.xmit.Wire.udp(CIP, VIP, ops ? 5353 : 5354, 53,
                        io.jlvs.dataplane.xmit.Wire.payload(12), true)));
                agent.doWork();
                final List<byte[]> ip = port.takeTransmitted().stream().filter((f) -> f[12] == 0x08 && f[13] == 0)
                    .toList();
                assertEquals(1, ip.size(), "forwarded");
                for (int i = 0; i < RS_MAC.length; i++)
                {
                    if (TestFrames.mac(ip.get(0), 0) == RS_MAC[i])
                    {
                        chosen.append(i + 1);
                    }
                }
            }
            if (ops)
            {
                assertEquals("1231", chosen.toString(), "one flow, each datagram scheduled apart");
                assertEquals(before, agent.connections(), "no connection remembered");
            }
            else
            {
                assertEquals(4, chosen.length());
                assertEquals(chosen.charAt(0), chosen.charAt(3), "one connection: " + chosen);
                assertEquals(before + 1, agent.connections());
            }
        }
        assertEquals(5, count(LbCounterDescriptor.CONNS_CREATED), "four one-packet connections, then one");
    }

    @Test
    void shouldAdoptANewSnapshotBetweenBursts()
    {
        resolveRealServers();
        final Dest only = Dest.builder(9).address(PacketView.AF_INET, 0, RIP[2] & 0xFFFF_FFFFL).port(80)
                .weight(1).stats(counters.newDestStats(0, "fwd-0", 9, "rs3b")).build();
        final Service svc = new Service(6, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 80, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create("rr"), new Dest[] {only}, counters.newServiceStats(0, "fwd-0", 2, "svc2"));
        assertTrue(agent.offer(ForwardingSnapshot.of(2, RouteTable.of(DIP, 24), svc)));
        port.inject(TestFrames.tcp(PORT_MAC, CLIENT_MAC, CIP, 8000, VIP, 80, 0x02, 0));
        agent.doWork();
        final List<byte[]> ipFrames = port.takeTransmitted().stream().filter((f) -> f[12] == 0x08 && f[13] == 0).toList();
        assertEquals(1, ipFrames.size());
        assertEquals(RS_MAC[2], TestFrames.mac(ipFrames.get(0), 0));
        assertEquals(2, agent.snapshot().version());
        assertEquals(1, count(LbCounterDescriptor.SNAPSHOTS_APPLIED));
    }
}
