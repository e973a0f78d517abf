package io.jlvs.dataplane.status;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Measures a forwarding agent's duty cycle: keeps the longest cycle seen and counts cycles over a
 * threshold, the way Aeron's conductor tracks stalls. A long cycle means packets waited in the NIC ring.
 */
public final class DutyCycleTracker
{
    /** Buckets of the cycle-time histogram: up to 1, 2, 4 ... 16384 microseconds, then the rest. */
    public static final int BUCKETS = 16;

    private final AtomicCounter maxCycleTimeNs;
    private final AtomicCounter thresholdExceeded;
    private final long thresholdNs;
    /** Cycles per bucket, and their total time; null: no histogram. */
    private final AtomicCounter[] buckets;
    private final AtomicCounter totalNs;
    private long lastNs;
    private long max;

    public DutyCycleTracker(final AtomicCounter maxCycleTimeNs, final AtomicCounter thresholdExceeded,
        final long thresholdNs)
    {
        this(maxCycleTimeNs, thresholdExceeded, thresholdNs, null, null);
    }

    /**
     * @param buckets {@link #BUCKETS} counters of cycles by time ({@link #bucketOf}), or null for none
     * @param totalNs the time of all cycles counted, for the histogram's sum
     */
    public DutyCycleTracker(final AtomicCounter maxCycleTimeNs, final AtomicCounter thresholdExceeded,
        final long thresholdNs, final AtomicCounter[] buckets, final AtomicCounter totalNs)
    {
        this.maxCycleTimeNs = maxCycleTimeNs;
        this.thresholdExceeded = thresholdExceeded;
        this.thresholdNs = thresholdNs;
        this.buckets = buckets;
        this.totalNs = totalNs;
        if (null != buckets && buckets.length != BUCKETS)
        {
            throw new IllegalArgumentException(BUCKETS + " buckets, not " + buckets.length);
        }
    }

    /** The upper bound of a bucket in nanoseconds: 1000 << bucket; the last has none. */
    public static long upperBoundNs(final int bucket)
    {
        return bucket == BUCKETS - 1 ? Long.MAX_VALUE : 1000L << bucket;
    }

    /** The bucket of a cycle of {@code ns}: the first whose upper bound it does not pass. */
    public static int bucketOf(final long ns)
    {
        if (ns <= 1000)
        {
            return 0;
        }
        return Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros((ns - 1) / 1000));
    }

    public void update(final long nowNs)
    {
        if (lastNs != 0)
        {
            final long cycle = nowNs - lastNs;
            if (cycle > max)
            {
                max = cycle;
                maxCycleTimeNs.setRelease(cycle);
            }
            if (cycle > thresholdNs)
            {
                thresholdExceeded.incrementRelease();
            }
            if (null != buckets)
            {
                buckets[bucketOf(cycle)].incrementRelease(); // single writer: a plain add and store
                totalNs.getAndAddRelease(cycle);
            }
        }
        lastNs = nowNs;
    }
}
