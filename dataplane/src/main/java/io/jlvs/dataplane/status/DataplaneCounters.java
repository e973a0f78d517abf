package io.jlvs.dataplane.status;

import io.jlvs.dataplane.proto.ParseVerdict;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.nio.ByteBuffer;

/**
 * Allocates every dataplane counter: per-agent descriptors, per-verdict drops, and the per-agent stats
 * of each service and real server. Only the control plane thread allocates; each counter then has one
 * writer, its agent.
 */
public final class DataplaneCounters
{
    /** Agrona type ids; the key of stats counters holds (agent index, object id, field). */
    public static final int TYPE_DROP_VERDICT = 1001;
    public static final int TYPE_SERVICE_STAT = 1002;
    public static final int TYPE_DEST_STAT = 1003;
    /** A bucket of an agent's cycle-time histogram; the key holds (agent index, bucket), bucket -1 the total time. */
    public static final int TYPE_CYCLE_HISTOGRAM = 1005;

    private static final String[] CONN_FIELDS = {"conns", "inpkts", "outpkts", "inbytes", "outbytes"};
    private static final String[] DEST_GAUGES = {"activeconns", "inactconns", "persistconns"};

    private final CountersManager manager;

    public DataplaneCounters(final CountersManager manager)
    {
        this.manager = manager;
    }

    /** Counters on the heap, for tests and tools that need no shared memory. */
    public static DataplaneCounters onHeap(final int maxCounters)
    {
        return new DataplaneCounters(new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(maxCounters * CountersManager.METADATA_LENGTH)),
            new UnsafeBuffer(ByteBuffer.allocateDirect(maxCounters * CountersManager.COUNTER_LENGTH))));
    }

    public CountersManager manager()
    {
        return manager;
    }

    /** One counter per {@link LbCounterDescriptor}, indexed by ordinal. */
    public AtomicCounter[] newAgentCounters(final int agentIndex, final String roleName)
    {
        final LbCounterDescriptor[] descriptors = LbCounterDescriptor.values();
        final AtomicCounter[] counters = new AtomicCounter[descriptors.length];
        for (final LbCounterDescriptor d : descriptors)
        {
            counters[d.ordinal()] = d.newCounter(manager, agentIndex, roleName);
        }
        return counters;
    }

    /**
     * One drop counter per parser verdict that is a drop ({@link ParseVerdict#isDrop}), indexed by verdict and
     * labelled "roleName: Dropped: <verdict label>"; null for the verdicts that are not drops.
     */
    public AtomicCounter[] newVerdictCounters(final int agentIndex, final String roleName)
    {
        final AtomicCounter[] counters = new AtomicCounter[ParseVerdict.COUNT];
        for (int v = 0; v < ParseVerdict.COUNT; v++)
        {
            if (ParseVerdict.isDrop(v))
            {
                final int verdict = v;
                counters[v] = manager.newCounter(
                    roleName + ": Dropped: " + ParseVerdict.label(v), TYPE_DROP_VERDICT,
                    (key) ->
                    {
                        key.putInt(0, agentIndex);
                        key.putInt(4, verdict);
                    });
            }
        }
        return counters;
    }

    /**
     * An agent's cycle-time histogram: {@link DutyCycleTracker#BUCKETS} counters ("fwd-0: Duty cycles up to 4 us")
     * then the total time of the cycles counted ("fwd-0: Duty cycle time, total (ns)").
     */
    public AtomicCounter[] newCycleHistogram(final int agentIndex, final String roleName)
    {
        final AtomicCounter[] counters = new AtomicCounter[DutyCycleTracker.BUCKETS + 1];
        for (int b = 0; b <= DutyCycleTracker.BUCKETS; b++)
        {
            final int bucket = b == DutyCycleTracker.BUCKETS ? -1 : b;
            final String label = bucket < 0 ? "Duty cycle time, total (ns)" : b == DutyCycleTracker.BUCKETS - 1 ?
                "Duty cycles over " + (DutyCycleTracker.upperBoundNs(b - 1) / 1000) + " us" :
                "Duty cycles up to " + (DutyCycleTracker.upperBoundNs(b) / 1000) + " us";
            counters[b] = manager.newCounter(roleName + ": " + label, TYPE_CYCLE_HISTOGRAM,
                (key) ->
                {
                    key.putInt(0, agentIndex);
                    key.putInt(4, bucket);
                });
        }
        return counters;
    }

    public ConnStats newServiceStats(final int agentIndex, final String roleName, final int serviceId,
        final String label)
    {
        final AtomicCounter[] c = newStats(agentIndex, roleName, serviceId, label, TYPE_SERVICE_STAT, CONN_FIELDS, 0);
        return new ConnStats(c[0], c[1], c[2], c[3], c[4]);
    }

    public DestStats newDestStats(final int agentIndex, final String roleName, final int destId,
        final String label)
    {
        final AtomicCounter[] c = newStats(agentIndex, roleName, destId, label, TYPE_DEST_STAT, CONN_FIELDS, 0);
        final AtomicCounter[] g = newStats(agentIndex, roleName, destId, label, TYPE_DEST_STAT, DEST_GAUGES, CONN_FIELDS.length);
        return new DestStats(c[0], c[1], c[2], c[3], c[4], g[0], g[1], g[2]);
    }

    private AtomicCounter[] newStats(
        final int agentIndex,
        final String roleName,
        final int objectId,
        final String label,
        final int typeId,
        final String[] fields,
        final int fieldBase)
    {
        final AtomicCounter[] counters = new AtomicCounter[fields.length];
        for (int i = 0; i < fields.length; i++)
        {
            final int field = fieldBase + i;
            counters[i] = manager.newCounter(
                roleName + ": " + label + " " + fields[i], typeId,
                (key) ->
                {
                    key.putInt(0, agentIndex);
                    key.putInt(4, objectId);
                    key.putInt(8, field);
                });
        }
        return counters;
    }
}
