package io.jlvs.dataplane;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.bindings.dpdk.LvsShim;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.proto.ParseVerdict;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DestStats;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static io.jlvs.dataplane.TestFrames.ip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The forwarding agent over a real DPDK ethdev in this JVM: a net_ring port whose rx ring the test fills with
 * crafted mbufs and whose tx ring it empties. Checks bytes out, counters, and that every mbuf goes back to the
 * pool. Skips without DPDK, except under CI=true, where it fails naming the missing capability.
 */
class DpdkForwardingTest
{
    private static final long CLIENT_MAC = 0x02_00_00_00_00_64L;
    private static final long[] RS_MAC = {0x02_00_00_00_00_0BL, 0x02_00_00_00_00_0CL, 0x02_00_00_00_00_0DL};
    private static final long BROADCAST = 0xFFFF_FFFF_FFFFL;
    private static final int DIP = ip("198.18.0.2");
    private static final int VIP = ip("198.18.0.10");
    private static final int CIP = ip("198.18.0.100");
    private static final int[] RIP = {ip("198.18.0.11"), ip("198.18.0.12"), ip("198.18.0.13")};
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH_ACK = 0x18;
    private static final int FIN_ACK = 0x11;
    private static final int MBUFS = 1023;
    private static final int RING_SIZE = 256;
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(20);

    private static Dpdk dpdk;

    private final DataplaneCounters counters = DataplaneCounters.onHeap(1024);
    private final CachedEpochClock clock = new CachedEpochClock();
    private final AtomicInteger agentLcore = new AtomicInteger(Integer.MIN_VALUE);
    private final AtomicInteger agentCpus = new AtomicInteger(Integer.MIN_VALUE);
    private final AtomicReference<Thread> agentThread = new AtomicReference<>();
    private DpdkRingRig rig;
    private long portMac;
    private ConnTable conns;
    private AtomicCounter[] agentCounters;
    private AtomicCounter[] verdictCounters;
    private DestStats[] destStats;
    private ForwardingAgent agent;
    private int agentCpu;

    @BeforeAll
    static void initEal()
    {
        dpdk = DpdkTestEal.dpdk();
    }

    @BeforeEach
    void setUp()
    {
        clock.update(1_000_000);
        rig = new DpdkRingRig(dpdk, MBUFS, RING_SIZE);
        portMac = rig.mac;
        conns = new ConnTable(new ConnTable.Context().capacity(10_000).conclude());
        agentCounters = counters.newAgentCounters(0, "fwd-0");
        verdictCounters = counters.newVerdictCounters(0, "fwd-0");
        destStats = new DestStats[3];
        final Dest[] dests = new Dest[3];
        final int[] weights = {3, 2, 1};
        for (int i = 0; i < 3; i++)
        {
            destStats[i] = counters.newDestStats(0, "fwd-0", i + 1, "rs" + (i + 1));
            dests[i] = Dest.builder(i + 1).address(PacketView.AF_INET, 0, RIP[i] & 0xFFFF_FFFFL).port(80)
                .weight(weights[i]).stats(destStats[i]).build();
        }
        final Service svc = new Service(6, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 80, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create("wrr"), dests, counters.newServiceStats(0, "fwd-0", 1, "svc"));
        // What a director's agent does on its own thread before the first cycle (see Director): take an lcore
        // id, so the mempool has a per-lcore cache for it, and pin to its core. The CPU is one this JVM may use.
        agentCpu = LvsShim.lvs_current_cpu();
        final Runnable onStart = () ->
        {
            agentThread.set(Thread.currentThread());
            dpdk.registerCurrentThread();
            Dpdk.pinCurrentThread(agentCpu);
            agentLcore.set(Dpdk.currentLcoreId());
            agentCpus.set(LvsShim.lvs_current_thread_cpu_count());
        };
        agent = new ForwardingAgent(new ForwardingAgent.Context()
            .roleName("fwd-0")
            .port(rig.port)
            .conns(conns)
            .timeouts(new ConnTimeouts())
            .neighbours(new NeighbourTable())
            .snapshot(ForwardingSnapshot.of(1, RouteTable.of(DIP, 24), svc))
            .counters(agentCounters)
            .dropsByVerdict(verdictCounters)
            .epochClock(clock)
            .nanoClock(new SystemNanoClock())
            .onStart(onStart));
    }

    @AfterEach
    void tearDown()
    {
        if (null != agent)
        {
            agent.release();
        }
        if (null != conns)
        {
            conns.close();
        }
        if (null != rig)
        {
            rig.takeTransmitted();
            rig.close();
        }
    }

    private long count(final LbCounterDescriptor d)
    {
        return agentCounters[d.ordinal()].get();
    }

    private void assertNoMbufLeaked()
    {
        assertEquals(rig.inUseAtStart(), rig.inUse(), "mbufs in use (rte_mempool_in_use_count)");
    }

    /** No leak, and no double free: only for tests that never ran the agent on an lcore with a mempool cache. */
    private void assertEveryMbufBackExactlyOnce()
    {
        assertNoMbufLeaked();
        rig.assertEveryMbufBackExactlyOnce();
    }

    private byte[] syn(final int sport)
    {
        return TestFrames.tcp(portMac, CLIENT_MAC, CIP, sport, VIP, 80, SYN, 0);
    }

    /** Runs the first cycle (announcements and ARP requests) and answers the requests for the real servers. */
    private List<DpdkRingRig.Sent> resolveRealServers()
    {
        agent.doWork();
        final List<DpdkRingRig.Sent> requests = rig.takeTransmitted();
        answerArpRequests(requests);
        agent.doWork();
        assertEquals(List.of(), rig.takeTransmitted(), "ARP replies are learned, not answered");
        assertEquals(3, count(LbCounterDescriptor.ARP_REPLIES_RECEIVED));
        return requests;
    }

    private void answerArpRequests(final List<DpdkRingRig.Sent> frames)
    {
        final List<byte[]> replies = new ArrayList<>();
        for (final DpdkRingRig.Sent s : frames)
        {
            for (int i = 0; i < 3; i++)
            {
                if (tpa(s.bytes()) == RIP[i])
                {
                    replies.add(TestFrames.arpReply(portMac, RS_MAC[i], RIP[i], DIP));
                }
            }
        }
        assertEquals(3, replies.size(), "one ARP request per real server");
        rig.deliver(replies.toArray(byte[][]::new));
    }

    private static int tpa(final byte[] f)
    {
        return ((f[38] & 0xFF) << 24) | ((f[39] & 0xFF) << 16) | ((f[40] & 0xFF) << 8) | (f[41] & 0xFF);
    }

    private static int realServerOf(final byte[] forwarded)
    {
        final long dst = TestFrames.mac(forwarded, 0);
        for (int i = 0; i < 3; i++)
        {
            if (dst == RS_MAC[i])
            {
                return i;
            }
        }
        return fail("forwarded to unknown MAC " + Long.toHexString(dst));
    }

    /**
     * DR: destination MAC is the real server's, source MAC the port's, every byte after them untouched but the TTL
     * and the header checksum, as a router leaves them.
     */
    private void assertDirectRouted(final byte[] in, final DpdkRingRig.Sent out)
    {
        assertEquals(1, out.nbSegs());
        assertEquals(in.length, out.bytes().length, "data_len");
        assertEquals(in.length, out.pktLen(), "pkt_len");
        assertEquals(portMac, TestFrames.mac(out.bytes(), 6), "source MAC is the port's");
        assertArrayEquals(Arrays.copyOfRange(TestFrames.routed(in), 12, in.length),
            Arrays.copyOfRange(out.bytes(), 12, in.length), "DR leaves the IP packet untouched but for its TTL");
    }

    @Test
    void shouldLearnRealServersByArpAndForwardByWeightRewritingMacsAndTtl()
    {
        final List<DpdkRingRig.Sent> arp = resolveRealServers();
        assertEquals(5, arp.size(), "gratuitous ARP for DIP and VIP, requests for three real servers");
        final Set<Integer> targets = new HashSet<>();
        for (final DpdkRingRig.Sent s : arp)
        {
            assertEquals(60, s.bytes().length, "data_len of a locally made frame");
            assertEquals(60, s.pktLen(), "pkt_len set with data_len");
            assertEquals(1, s.nbSegs());
            assertEquals(BROADCAST, TestFrames.mac(s.bytes(), 0));
            assertEquals(portMac, TestFrames.mac(s.bytes(), 6));
            assertEquals(TestFrames.ETH_ARP, ((s.bytes()[12] & 0xFF) << 8) | (s.bytes()[13] & 0xFF));
            targets.add(tpa(s.bytes()));
        }
        assertEquals(Set.of(DIP, VIP, RIP[0], RIP[1], RIP[2]), targets);

        // 300 SYNs in bursts of 30; a third of them with no headroom and a third with 64 bytes, so the port must
        // find the data at buf_addr + data_off as the mbuf says, not at the pool's default headroom
        final int[] perServer = new int[3];
        for (int burst = 0; burst < 10; burst++)
        {
            final byte[][] in = new byte[30][];
            final MemorySegment[] mbufs = new MemorySegment[30];
            for (int i = 0; i < 30; i++)
            {
                in[i] = syn(10_000 + burst * 30 + i);
                mbufs[i] = switch (i % 3)
                {
                    case 0 -> rig.mbuf(in[i]);
                    case 1 -> rig.mbuf(in[i], 0);
                    default -> rig.mbuf(in[i], 64);
                };
            }
            rig.deliver(mbufs);
            agent.doWork();
            final List<DpdkRingRig.Sent> out = rig.takeTransmitted();
            assertEquals(30, out.size());
            for (int i = 0; i < 30; i++)
            {
                assertEquals(mbufs[i].address(), out.get(i).mbuf(), "forwarded in its own mbuf, in order");
                assertDirectRouted(in[i], out.get(i));
                perServer[realServerOf(out.get(i).bytes())]++;
            }
        }
        assertArrayEquals(new int[] {150, 100, 50}, perServer, "wrr 3:2:1");
        assertEquals(300, agent.connections());
        assertEquals(150, destStats[0].conns());
        assertEquals(100, destStats[1].conns());
        assertEquals(50, destStats[2].conns());
        assertEquals(303, count(LbCounterDescriptor.RX_PACKETS));
        assertEquals(305, count(LbCounterDescriptor.TX_PACKETS));
        assertEquals(0, count(LbCounterDescriptor.DROPPED_MALFORMED));
        final Dpdk.EthStats stats = dpdk.stats(rig.ring.portId());
        assertEquals(303, stats.ipackets(), "ethdev rx");
        assertEquals(305, stats.opackets(), "ethdev tx");
        assertEveryMbufBackExactlyOnce();
    }

    @Test
    void shouldKeepAFlowOnOneRealServerThroughAckDataAndFin()
    {
        resolveRealServers();
        final int[] flags = {SYN, ACK, PSH_ACK, PSH_ACK, FIN_ACK, ACK};
        for (final int f : flags)
        {
            final byte[] in = TestFrames.tcp(portMac, CLIENT_MAC, CIP, 40_000, VIP, 80, f, f == PSH_ACK ? 1000 : 0);
            rig.deliver(in);
            agent.doWork();
            clock.advance(10);
            final List<DpdkRingRig.Sent> out = rig.takeTransmitted();
            assertEquals(1, out.size());
            assertDirectRouted(in, out.get(0));
            assertEquals(0, realServerOf(out.get(0).bytes()), "the flow stays on rs1, wrr's first pick");
        }
        assertEquals(1, agent.connections());
        assertEquals(6, destStats[0].inPkts());
        assertEquals(0, destStats[0].activeConns(), "FIN_WAIT is inactive");
        assertEquals(1, destStats[0].inactConns());
        assertEveryMbufBackExactlyOnce();
    }

    @Test
    void shouldAnswerArpForTheVipInTheRequestsOwnMbuf()
    {
        agent.doWork();
        rig.takeTransmitted();
        final MemorySegment request = rig.mbuf(TestFrames.arpRequest(CLIENT_MAC, CIP, VIP));
        final MemorySegment notOurs = rig.mbuf(TestFrames.arpRequest(CLIENT_MAC, CIP, ip("198.18.0.99")));
        rig.deliver(request, notOurs);
        final int inUseBefore = rig.inUse();
        agent.doWork();
        assertEquals(inUseBefore - 1, rig.inUse(), "the reply needs no new mbuf; the other request is freed");
        final List<DpdkRingRig.Sent> out = rig.takeTransmitted();
        assertEquals(1, out.size());
        assertEquals(request.address(), out.get(0).mbuf());
        final byte[] reply = out.get(0).bytes();
        assertEquals(60, reply.length);
        assertEquals(CLIENT_MAC, TestFrames.mac(reply, 0));
        assertEquals(portMac, TestFrames.mac(reply, 6));
        assertEquals(2, reply[21], "ARP reply");
        assertEquals(portMac, TestFrames.mac(reply, 22), "sender MAC is the port's");
        assertArrayEquals(new byte[] {(byte)198, 18, 0, 10}, Arrays.copyOfRange(reply, 28, 32), "sender is the VIP");
        assertEquals(CLIENT_MAC, TestFrames.mac(reply, 32));
        assertEquals(CIP, tpa(reply));
        assertEquals(1, count(LbCounterDescriptor.ARP_REPLIES_SENT));
        assertEquals(1, count(LbCounterDescriptor.ARP_NOT_FOR_US));
        assertEveryMbufBackExactlyOnce();
    }

    @Test
    void shouldCountAndDropMalformedAndChainedFramesWithoutLeaking()
    {
        resolveRealServers();
        final long rxBefore = count(LbCounterDescriptor.RX_PACKETS);
        final byte[] good = syn(5000);

        final byte[] empty = new byte[0];
        final byte[] tiny = Arrays.copyOf(good, 10);
        final byte[] truncatedVlan = Arrays.copyOf(good, 16);
        truncatedVlan[12] = (byte)0x81;
        truncatedVlan[13] = 0x00;
        final byte[] unknownType = good.clone();
        unknownType[12] = (byte)0x88;
        unknownType[13] = (byte)0xB5;
        final byte[] truncatedArp = Arrays.copyOf(TestFrames.arpRequest(CLIENT_MAC, CIP, VIP), 14 + 20);
        final byte[] truncatedIp = Arrays.copyOf(good, 14 + 19);
        final byte[] badVersion = good.clone();
        badVersion[14] = 0x65;
        final byte[] badIhl = good.clone();
        badIhl[14] = 0x44;
        final byte[] ihlBeyondFrame = Arrays.copyOf(good, 14 + 40);
        ihlBeyondFrame[14] = 0x4F;
        final byte[] totalBeyondFrame = good.clone();
        totalBeyondFrame[16] = (byte)0x7F;
        // a frame filling the whole 2048-byte data room whose IP header claims 65535 bytes
        final byte[] totalBeyondBuffer = Arrays.copyOf(good, 2048);
        totalBeyondBuffer[16] = (byte)0xFF;
        totalBeyondBuffer[17] = (byte)0xFF;
        final byte[] badChecksum = good.clone();
        badChecksum[22]--;
        final byte[] fragment = good.clone(); // a first fragment too short for its TCP header (RFC 1858)
        fragment[20] = 0x20;
        fragment[16] = 0;
        fragment[17] = 28;
        InetChecksum.writeIpv4HeaderChecksum(MemorySegment.ofArray(fragment), 14);
        final byte[] tcpOffsetBeyondPacket = good.clone();
        tcpOffsetBeyondPacket[46] = (byte)0xF0;

        rig.deliver(empty, tiny, truncatedVlan, unknownType, truncatedArp, truncatedIp, badVersion, badIhl,
            ihlBeyondFrame, totalBeyondFrame, totalBeyondBuffer, badChecksum, fragment, tcpOffsetBeyondPacket);
        // a well-formed SYN, but in two segments: the forwarding path takes single-segment mbufs only
        rig.deliver(rig.chained(syn(5001), 34));
        assertEquals(15 + 1, rig.inUse() - rig.inUseAtStart(), "15 packets, one of them two mbufs");

        agent.doWork();
        assertEquals(List.of(), rig.takeTransmitted());
        assertEquals(15, count(LbCounterDescriptor.RX_PACKETS) - rxBefore);
        assertEquals(1, count(LbCounterDescriptor.CHAINED_MBUF));
        assertEquals(14, count(LbCounterDescriptor.DROPPED_MALFORMED));
        final int[] expected = new int[ParseVerdict.COUNT];
        expected[ParseVerdict.TRUNCATED_ETHERNET] = 3;
        expected[ParseVerdict.UNKNOWN_ETHERTYPE] = 1;
        expected[ParseVerdict.TRUNCATED_ARP] = 1;
        expected[ParseVerdict.TRUNCATED_IP] = 2;
        expected[ParseVerdict.BAD_IP_VERSION] = 1;
        expected[ParseVerdict.BAD_IHL] = 1;
        expected[ParseVerdict.BAD_IP_LENGTH] = 2;
        expected[ParseVerdict.BAD_IP_CHECKSUM] = 1;
        expected[ParseVerdict.TINY_FRAGMENT] = 1;
        expected[ParseVerdict.BAD_TCP_OFFSET] = 1;
        final int[] actual = new int[ParseVerdict.COUNT];
        for (int v = 0; v < ParseVerdict.COUNT; v++)
        {
            actual[v] = null == verdictCounters[v] ? 0 : (int)verdictCounters[v].get();
        }
        assertArrayEquals(expected, actual, "drops by verdict");
        assertEquals(0, agent.connections());
        assertEveryMbufBackExactlyOnce();
    }

    @Test
    void shouldFreeAndCountWhatAFullTxRingRefusesMidBurst()
    {
        resolveRealServers();
        final int capacity = RING_SIZE - 1;
        rig.occupyTxRing(capacity - 3);
        final byte[][] in = {syn(6000), syn(6001), syn(6002), syn(6003), syn(6004)};
        final MemorySegment[] mbufs = new MemorySegment[in.length];
        for (int i = 0; i < in.length; i++)
        {
            mbufs[i] = rig.mbuf(in[i]);
        }
        rig.deliver(mbufs);
        final long txBefore = count(LbCounterDescriptor.TX_PACKETS);

        agent.doWork();
        assertEquals(3, count(LbCounterDescriptor.TX_PACKETS) - txBefore);
        assertEquals(2, count(LbCounterDescriptor.TX_FULL));
        assertEquals(capacity, rig.txRingCount());
        assertEquals(capacity, rig.inUse() - rig.inUseAtStart(), "the two refused were freed");

        final List<DpdkRingRig.Sent> out = rig.takeTransmitted();
        assertEquals(capacity, out.size());
        for (int i = 0; i < 3; i++)
        {
            assertEquals(mbufs[i].address(), out.get(capacity - 3 + i).mbuf(), "the burst's first three went out");
            assertDirectRouted(in[i], out.get(capacity - 3 + i));
        }
        assertEveryMbufBackExactlyOnce();
    }

    @Test
    void shouldForwardOnAnAgentRunnerThreadRegisteredWithDpdkAndPinnedLikeADirector() throws Exception
    {
        final Queue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), errors::add,
            agentCounters[LbCounterDescriptor.ERRORS.ordinal()], agent);
        final List<DpdkRingRig.Sent> sent = new ArrayList<>();
        final byte[][] in = {syn(7000), syn(7001), syn(7002), syn(7003), syn(7004), syn(7005)};
        try
        {
            AgentRunner.startOnThread(runner);
            awaitTrue(() -> agentLcore.get() != Integer.MIN_VALUE || !errors.isEmpty(), "agent onStart", errors);

            // the agent's first cycle broadcasts its ARP requests; answer them from the wire side
            awaitTrue(() -> takeUntil(sent, 5), "5 ARP frames from the agent", errors);
            answerArpRequests(sent);
            awaitTrue(() -> count(LbCounterDescriptor.ARP_REPLIES_RECEIVED) == 3, "3 ARP replies learned", errors);
            sent.clear();

            rig.deliver(in);
            awaitTrue(() -> takeUntil(sent, in.length), in.length + " SYNs forwarded", errors);
        }
        finally
        {
            runner.close();
        }
        assertEquals(List.of(), List.copyOf(errors));
        assertEquals("fwd-0", agentThread.get().getName(), "onStart ran on the runner's thread");
        assertTrue(agentLcore.get() >= 0, "rte_lcore_id() on the agent thread after rte_thread_register: " +
            agentLcore.get());
        assertTrue(agentLcore.get() != dpdk.onMainLcore(Dpdk::currentLcoreId), "an lcore of its own");
        assertEquals(1, agentCpus.get(), "pinned to CPU " + agentCpu);

        assertEquals(in.length, sent.size());
        final int[] perServer = new int[3];
        for (int i = 0; i < in.length; i++)
        {
            assertDirectRouted(in[i], sent.get(i));
            perServer[realServerOf(sent.get(i).bytes())]++;
        }
        assertArrayEquals(new int[] {3, 2, 1}, perServer, "wrr 3:2:1");
        rig.takeTransmitted();
        assertNoMbufLeaked();
    }

    private boolean takeUntil(final List<DpdkRingRig.Sent> sent, final int count)
    {
        sent.addAll(rig.takeTransmitted());
        return sent.size() >= count;
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what, final Queue<Throwable> errors)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            if (!errors.isEmpty())
            {
                final AssertionError e = new AssertionError("agent failed while waiting for " + what);
                errors.forEach(e::addSuppressed);
                throw e;
            }
            if (System.nanoTime() - deadline > 0)
            {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }
}
