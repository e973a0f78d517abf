package io.jlvs.perf;

import io.jlvs.dataplane.ForwardingAgent;
import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.IpvsIn;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.proto.PacketParser;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.proto.ParseVerdict;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.DrXmit;
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
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The director's per-packet path, piece by piece and whole, on one thread, over 64-byte TCP frames of
 * {@code flows} established connections (ACKs, as in the packet-rate bench):
 * <ul>
 * <li>{@code parse}: {@link PacketParser} over a frame that is in cache (the NIC/memif just wrote it);</li>
 * <li>{@code serviceLookup}: {@link ServiceTable#find} for the VIP;</li>
 * <li>{@code connLookupHit}: {@link ConnTable#lookup} of an established flow, flows visited in a random order;</li>
 * <li>{@code ipvsIn}: {@link IpvsIn#onPacket} for a hit: service + connection lookup + state machine + stats;</li>
 * <li>{@code drRewrite}: {@link DrXmit#xmit}, the two MACs;</li>
 * <li>{@code connExpireCall}: one {@link ConnTable#expire} call with {@link ForwardingAgent#EXPIRE_LIMIT}, which
 *     the agent makes every duty cycle (so its cost is per burst, not per packet);</li>
 * <li>{@code agentPerPacket}: {@link ForwardingAgent#doWork()} over a {@link LoopbackPort} handing out bursts of
 *     32 frames round robin over the flows; reported per packet (doWork / 32), expiry and housekeeping included.</li>
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
    private ServiceTable services;
    private IpvsIn ipvs;
    private ForwardingAgent agent;
    private final PacketParser parser = new PacketParser();
    private final PacketView view = new PacketView();
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final DrXmit dr = new DrXmit(BenchTopology.DIR_MAC);
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
            dests[i] = new Dest(i + 1, PacketView.AF_INET, 0, BenchTopology.RIP[i] & 0xFFFF_FFFFL,
                BenchTopology.VPORT, Dest.FWD_DROUTE, BenchTopology.WEIGHTS[i], 0, 0,
                counters.newDestStats(0, "fwd-0", i + 1, "rs" + (i + 1)));
        }
        final Service svc = new Service(6, PacketView.AF_INET, 0, BenchTopology.VIP & 0xFFFF_FFFFL,
            BenchTopology.VPORT, 0, 0, 0, 0xFFFF_FFFFL, Schedulers.create("wrr"), dests,
            counters.newServiceStats(0, "fwd-0", 1, "vip"));
        final ForwardingSnapshot snapshot = ForwardingSnapshot.of(1, new int[] {BenchTopology.DIP}, svc);
        services = snapshot.services();
        ipvs = new IpvsIn(conns, new FlowCache(conns.capacity()), new ConnTimeouts(),
            counters.newAgentCounters(1, "bench"));

        // establish every flow as the generator does: a SYN, then an ACK
        nowMs = System.currentTimeMillis();
        final MemorySegment one = arena.allocate(BenchFrames.LENGTH, 64);
        for (int f = 0; f < flows; f++)
        {
            for (final int flags : new int[] {0x02, 0x10})
            {
                BenchFrames.write(one, 0, f, flags);
                if (parser.parse(one, 0, BenchFrames.LENGTH, view) != ParseVerdict.IPV4 ||
                    null == ipvs.onPacket(services, view, nowMs))
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
        final LoopbackPort port = new LoopbackPort(BenchTopology.DIR_MAC, agentFrames, flows);
        agent = new ForwardingAgent("fwd-0", port, conns, new ConnTimeouts(), neighbours, snapshot,
            BenchTopology.DIP, agentCounters, verdictCounters, new SystemEpochClock(), new SystemNanoClock(), null);
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
        conns.close();
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
    public Dest ipvsIn()
    {
        final int f = nextFlow();
        view.af = PacketView.AF_INET;
        view.protocol = 6;
        view.saddrHi = 0;
        view.saddrLo = BenchTopology.clientAddr(f) & 0xFFFF_FFFFL;
        view.daddrHi = 0;
        view.daddrLo = BenchTopology.VIP & 0xFFFF_FFFFL;
        view.sport = BenchTopology.clientPort(f);
        view.dport = BenchTopology.VPORT;
        view.tcpFlags = 0x10;
        view.frameLength = BenchFrames.LENGTH;
        return ipvs.onPacket(services, view, nowMs);
    }

    @Benchmark
    public void drRewrite()
    {
        final long at = (long)hot * BenchFrames.LENGTH;
        hot = (hot + 1) & (HOT_FRAMES - 1);
        dr.xmit(hotFrames, at, BenchTopology.RS_MAC[hot % 3]);
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
