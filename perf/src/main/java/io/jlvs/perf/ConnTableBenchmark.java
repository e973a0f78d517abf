package io.jlvs.perf;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.proto.IpProtocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The connection table on the fast path, one thread, as a forwarding agent uses it: set the reusable key from
 * packet fields, then look up (hit or miss), or write back, or insert and remove.
 * <p>
 * Keys are visited in a random order over the whole table so caches do not flatter the result (a hot set of a
 * thousand flows looks up in about 125 ns on the 2-core lab VM; a random one over 100k-1M entries pays several
 * cache and TLB misses on top). Run with the JVM flags of {@code jlvs.jvmFlags} (Chronicle needs them on JDK 25;
 * JMH's forks inherit the host JVM's flags), from {@code /work/main}:
 * <pre>
 * mvn -B -o -q -pl perf -am package -DskipTests
 * java $(sed -n 's:.*&lt;jlvs.jvmFlags&gt;\([^$].*\)&lt;/jlvs.jvmFlags&gt;.*:\1:p' pom.xml | head -1) \
 *     -cp "perf/target/jlvs-perf-0.1.0-SNAPSHOT.jar:perf/target/lib/*" org.openjdk.jmh.Main ConnTableBenchmark -rf text
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ConnTableBenchmark
{
    private static final int VIP = 0x0A00_0064;
    private static final long NOW = 1_700_000_000_000L;
    private static final int ORDER = 1 << 16;

    @Param({"100000", "1000000"})
    public int entries;

    /** Chronicle entries per segment (the table's default); 0 lets Chronicle choose. */
    @Param({"256"})
    public int entriesPerSegment;

    private ConnTable table;
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final ConnStateMachine fsm = new ConnStateMachine(new ConnTimeouts());
    private int[] hitOrder;
    private int[] missOrder;
    private int i;
    private final ConnTable.ExpiryListener listener = (k, e) -> {};

    @Setup(Level.Trial)
    public void setUp()
    {
        table = new ConnTable(new ConnTable.Context().capacity(entries + ORDER).entriesPerSegment(entriesPerSegment));
        final ConnEntry e = new ConnEntry()
            .flags(ConnFlags.destConnFlags(FwdMethod.DROUTE) & ~ConnFlags.INACTIVE)
            .state(ConnState.ESTABLISHED)
            .timeoutSec(900)
            .expiresMs(NOW + 900_000)
            .dport(80);
        for (int n = 0; n < entries; n++)
        {
            e.daddrV4(0x0A00_0100 + (n & 0xFF)).destId(n & 0xFF);
            if (!table.insert(key(n), e))
            {
                throw new IllegalStateException("table full at " + n);
            }
        }

        final SplittableRandom random = new SplittableRandom(42);
        hitOrder = new int[ORDER];
        missOrder = new int[ORDER];
        for (int n = 0; n < ORDER; n++)
        {
            hitOrder[n] = random.nextInt(entries);
            missOrder[n] = entries + n;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        table.close();
    }

    /** As {@code ConnKey.setFromPacket}: a client address and port per connection, one virtual service. */
    private ConnKey key(final int n)
    {
        return key.setV4(IpProtocol.TCP, 0xC0A8_0000 + (n >>> 14), 1024 + (n & 0x3FFF), VIP, 80);
    }

    private int next()
    {
        return i = (i + 1) & (ORDER - 1);
    }

    @Benchmark
    public boolean lookupHit()
    {
        return table.lookup(key(hitOrder[next()]), entry);
    }

    @Benchmark
    public boolean lookupMiss()
    {
        return table.lookup(key(missOrder[next()]), entry);
    }

    /** An established flow's packet when a write-back is due: lookup, state machine, update. */
    @Benchmark
    public boolean lookupStateUpdate()
    {
        final ConnKey k = key(hitOrder[next()]);
        table.lookup(k, entry);
        fsm.onPacket(entry, IpProtocol.TCP, ConnStateMachine.DIR_INPUT, 0x10, NOW);
        return table.update(k, entry);
    }

    /** One bounded expiry call of a duty cycle, 64 entries, none due (the steady state of a sweep). */
    @Benchmark
    public int expire64()
    {
        return table.expire(NOW, 64, listener);
    }

    /** A connection's life in the table without its packets: insert a new key, remove it. */
    @Benchmark
    public boolean insertRemove()
    {
        final ConnKey k = key(missOrder[next()]);
        return table.insert(k, entry) & table.remove(k);
    }
}
