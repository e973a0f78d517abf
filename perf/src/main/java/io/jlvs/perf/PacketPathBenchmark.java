package io.jlvs.perf;

import io.jlvs.dataplane.ForwardingAgent;
import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.IpvsIn;
import io.jlvs.dataplane.Persistence;
import io.jlvs.dataplane.conn.TemplateTable;
import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.icmp.IcmpErrorSender;
import io.jlvs.dataplane.icmp.IcmpRateLimiter;
import io.jlvs.dataplane.proto.PacketParser;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.proto.ParseVerdict;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.DrXmit;
import io.jlvs.dataplane.xmit.Egress;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The director's per-packet path, piece by piece and whole, on one thread, over 64-byte TCP frames of
 * {@code flows} established connections (ACKs, as in the packet-rate bench):
 * <ul>
 * <li>{@code parse}: {@link PacketParser} over a frame that is in cache (the NIC/memif just wrote it);</li>
 * <li>{@code serviceLookup}: {@link ServiceTable#find} for the VIP;</li>
 * <li>{@code connLookupHit}: {@link ConnTable#lookup} of an established flow, flows visited in a random order;</li>
 * <li>{@code ipvsIn}: {@link IpvsIn#onPacket} for a hit: the key's hash (the burst classifier's part) + the flow
 *     cache or connection table + state machine + stats;</li>
 * <li>{@code drRewrite}: {@link DrXmit#xmit}: the TTL, the next hop's MAC from the neighbour table, the two
 *     MACs;</li>
 * <li>{@code connExpireCall}: one {@link ConnTable#expire} call with {@link ForwardingAgent#EXPIRE_LIMIT}, which
 *     the agent makes every duty cycle (so its cost is per burst, not per packet);</li>
 * <li>{@code agentPerPacket}: {@link ForwardingAgent#doWork()} over a {@link LoopbackPort} handing out bursts of
 *     32 frames round robin over the flows, each written afresh into its buffer as a NIC would; reported per
 *     packet (doWork / 32), expiry and housekeeping included.</li>
 * </ul>
 * {@code entriesPerSegment} 0 is Chronicle's choice (what the real director uses); 64 is the small-segment
 * setting {@link ConnTable}'s Javadoc recommends for cheap expiry resumption.
 * <pre>
 * java @perf/target/jlvs.jvm.args -cp 'perf/target/jlvs-perf-0.1.0-SNAPSHOT.jar:perf/target/lib/*' \
 *   org.openjdk.jmh.Main PacketPathBenchmark -wi 2 -i 3 -f 1 -w 2s -r 2s
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
@State(Scope.Thread)
public class PacketPathBenchmark
{
    private static final int HOT_FRAMES = 1024;
    private static final int BURST = ForwardingAgent.BURST;

    @Param({"100000"})
    public int flows;

    @Param({"0", "64"})
    public long entriesPerSegment;

    private Arena arena;
    private MemorySegment hotFrames;
    private MemorySegment agentFrames;
    private ConnTable conns;
    private TemplateTable templates;
    private ServiceTable services;
    private Service service;
    private IpvsIn ipvs;
    private DrXmit dr;
    private LoopbackPort port;
    private ForwardingAgent agent;
    private final PacketParser parser = new PacketParser();
    private final PacketView view = new PacketView();
    private final Packet packet = new Packet();
    private final Packet hotPacket = new Packet();
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final ConnTable.ExpiryListener expiryListener = (k, e) -> { };
    private int[] order;
    private int hot;
    private int next;
    private long nowMs;

    @Setup(Level.Trial)
    public void setUp()
    {
        arena = Arena.ofShared();
        hotFrames = BenchFrames.build(arena, HOT_FRAMES, 0x10);
        agentFrames = BenchFrames.build(arena, flows, 0x10);
        conns = new ConnTable(new ConnTable.Context()
            .capacity(Math.max(1 << 18, 2L * flows))
            .entriesPerSegment(entriesPerSegment)
            .conclude());

        final DataplaneCounters counters = DataplaneCounters.onHeap(1024);
        final AtomicCounter[] agentCounters = counters.newAgentCounters(0, "fwd-0");
        final AtomicCounter[] verdictCounters = counters.newVerdictCounters(0, "fwd-0");
        final Dest[] dests = new Dest[BenchTopology.RIP.length];
        for (int i = 0; i < dests.length; i++)
        {
            dests[i] = Dest.builder(i + 1)
                .addressV4(BenchTopology.RIP[i])
                .port(BenchTopology.VPORT)
                .fwdMethod(FwdMethod.DROUTE)
                .weight(BenchTopology.WEIGHTS[i])
                .stats(counters.newDestStats(0, "fwd-0", i + 1, "rs" + (i + 1)))
                .build();
        }
        service = new Service(6, PacketView.AF_INET, 0, BenchTopology.VIP & 0xFFFF_FFFFL,
            BenchTopology.VPORT, 0, 0, 0, 0xFFFF_FFFFL, Schedulers.create("wrr"), dests,
            counters.newServiceStats(0, "fwd-0", 1, "vip"));
        final ForwardingSnapshot snapshot = ForwardingSnapshot.of(1, RouteTable.of(BenchTopology.DIP, 24), service);
        services = snapshot.services();
        final AtomicCounter[] benchCounters = counters.newAgentCounters(1, "bench");
        templates = new TemplateTable(TemplateTable.context(1024, null));
        ipvs = new IpvsIn(
            new AgentConnTable(conns, new FlowCache(conns.capacity()),
                benchCounters[LbCounterDescriptor.CONN_CACHE_MISSES.ordinal()]),
            new Persistence(templates.writer(0, 1)),
            new ConnStateMachine(new ConnTimeouts()),
            benchCounters,
            null);

        // establish every flow as the generator does: a SYN, then an ACK
        nowMs = System.currentTimeMillis();
        final MemorySegment one = arena.allocate(BenchFrames.LENGTH, 64);
        packet.seg = one;
        packet.frame = 0;
        packet.length = BenchFrames.LENGTH;
        for (int f = 0; f < flows; f++)
        {
            for (final int flags : new int[] {0x02, 0x10})
            {
                BenchFrames.write(one, 0, f, flags);
                if (parser.parse(one, 0, BenchFrames.LENGTH, packet.view) != ParseVerdict.IPV4)
                {
                    throw new IllegalStateException("flow " + f + " does not parse");
                }
                packet.tag = FlowCache.tagOf(packet.key.setFromPacket(packet.view));
                if (ipvs.onPacket(packet, service, services, nowMs) != IpvsIn.FORWARD)
                {
                    throw new IllegalStateException("flow " + f + " not established");
                }
            }
        }
        if (conns.size() != flows)
        {
            throw new IllegalStateException("table has " + conns.size() + " entries, expected " + flows);
        }

        order = new int[flows];
        for (int i = 0; i < flows; i++)
        {
            order[i] = i;
        }
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = flows - 1; i > 0; i--)
        {
            final int j = random.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }

        final NeighbourTable neighbours = new NeighbourTable();
        for (int i = 0; i < BenchTopology.RIP.length; i++)
        {
            neighbours.learn(BenchTopology.RIP[i], BenchTopology.RS_MAC[i], Long.MAX_VALUE / 2);
        }
        port = new LoopbackPort(BenchTopology.DIR_MAC, agentFrames, flows);

        final Egress egress = new Egress(BenchTopology.DIR_MAC, neighbours, (sender, target) -> { },
            (hi, lo) -> { }, snapshot.routes(), benchCounters);
        egress.nowMs(nowMs);
        dr = new DrXmit(egress, new IcmpErrorSender(port, egress, new IcmpRateLimiter(), benchCounters),
            benchCounters);
        hotPacket.seg = hotFrames;
        hotPacket.length = BenchFrames.LENGTH;
        if (parser.parse(hotFrames, 0, BenchFrames.LENGTH, hotPacket.view) != ParseVerdict.IPV4)
        {
            throw new IllegalStateException("hot frame does not parse");
        }

        agent = new ForwardingAgent(new ForwardingAgent.Context()
            .roleName("fwd-0")
            .port(port)
            .conns(conns)
            .timeouts(new ConnTimeouts())
            .neighbours(neighbours)
            .snapshot(snapshot)
            .counters(agentCounters)
            .dropsByVerdict(verdictCounters)
            .epochClock(new SystemEpochClock())
            .nanoClock(new SystemNanoClock()));
        agent.doWork();
        if (agentCounters[LbCounterDescriptor.TX_PACKETS.ordinal()].get() != BURST)
        {
            throw new IllegalStateException("agent did not forward its first burst: " +
                agentCounters[LbCounterDescriptor.NO_CONN_NOT_SYN.ordinal()].get() + " without conn, " +
                agentCounters[LbCounterDescriptor.NO_NEIGHBOUR.ordinal()].get() + " without neighbour");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        agent.release();
        port.close();
        conns.close();
        templates.close();
        arena.close();
    }

    private int nextFlow()
    {
        final int f = order[next];
        next = next + 1 == order.length ? 0 : next + 1;
        return f;
    }

    @Benchmark
    public int parse()
    {
        final long at = (long)hot * BenchFrames.LENGTH;
        hot = (hot + 1) & (HOT_FRAMES - 1);
        return parser.parse(hotFrames, at, BenchFrames.LENGTH, view);
    }

    @Benchmark
    public Service serviceLookup()
    {
        return services.find(6, PacketView.AF_INET, 0, BenchTopology.VIP & 0xFFFF_FFFFL, BenchTopology.VPORT);
    }

    @Benchmark
    public boolean connLookupHit()
    {
        final int f = nextFlow();
        key.setV4(6, BenchTopology.clientAddr(f), BenchTopology.clientPort(f), BenchTopology.VIP,
            BenchTopology.VPORT);
        return conns.lookup(key, entry);
    }

    @Benchmark
    public int ipvsIn()
    {
        final int f = nextFlow();
        final PacketView v = packet.view;
        v.af = PacketView.AF_INET;
        v.protocol = 6;
        v.saddrHi = 0;
        v.saddrLo = BenchTopology.clientAddr(f) & 0xFFFF_FFFFL;
        v.daddrHi = 0;
        v.daddrLo = BenchTopology.VIP & 0xFFFF_FFFFL;
        v.sport = BenchTopology.clientPort(f);
        v.dport = BenchTopology.VPORT;
        v.tcpFlags = 0x10;
        v.frameLength = BenchFrames.LENGTH;
        v.l3Length = BenchFrames.LENGTH - 14;
        packet.tag = FlowCache.tagOf(packet.key.setFromPacket(v));
        return ipvs.onPacket(packet, service, services, nowMs);
    }

    /** Over the hot frames, each TTL put back first (DR decrements it, and at 1 would answer ICMP instead). */
    @Benchmark
    public boolean drRewrite()
    {
        final long at = (long)hot * BenchFrames.LENGTH;
        hot = (hot + 1) & (HOT_FRAMES - 1);
        hotFrames.set(ValueLayout.JAVA_BYTE, at + 14 + 8, (byte)64);
        hotPacket.frame = at;
        return dr.xmit(hotPacket, entry, service.dests()[hot % 3]);
    }

    @Benchmark
    public int connExpireCall()
    {
        return conns.expire(nowMs, ForwardingAgent.EXPIRE_LIMIT, expiryListener);
    }

    @Benchmark
    @OperationsPerInvocation(BURST)
    public int agentPerPacket()
    {
        return agent.doWork();
    }
}
