package io.jlvs.perf;

/**
 * Nanosecond latencies in log-linear buckets (16 to each power of two, so within 1/16 of the value), recorded
 * without allocating: the generator's record of how long its packets took to come back.
 */
final class LatencyHistogram
{
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private final long[] counts = new long[64 * SUB];
    private long total;

    void record(final long ns)
    {
        if (ns < 0)
        {
            return;
        }
        counts[index(ns)]++;
        total++;
    }

    long total()
    {
        return total;
    }

    void reset()
    {
        java.util.Arrays.fill(counts, 0);
        total = 0;
    }

    /** The value below which {@code fraction} of the recorded ones lie (the bucket's upper bound), 0 when none. */
    long percentile(final double fraction)
    {
        final long rank = (long)Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < counts.length; i++)
        {
            seen += counts[i];
            if (seen >= rank && seen > 0)
            {
                return upper(i);
            }
        }
        return 0;
    }

    static int index(final long ns)
    {
        if (ns < SUB)
        {
            return (int)ns;
        }
        final int exponent = 63 - Long.numberOfLeadingZeros(ns);
        final int sub = (int)(ns >>> (exponent - SUB_BITS)) & (SUB - 1);
        return (exponent - SUB_BITS + 1) * SUB + sub;
    }

    /** The largest value bucket {@code i} holds. */
    static long upper(final int i)
    {
        if (i < SUB)
        {
            return i;
        }
        final int exponent = i / SUB + SUB_BITS - 1;
        final long sub = i % SUB;
        return ((SUB + sub + 1) << (exponent - SUB_BITS)) - 1;
    }
}
