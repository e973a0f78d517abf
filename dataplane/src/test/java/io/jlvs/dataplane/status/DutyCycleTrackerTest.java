package io.jlvs.dataplane.status;

import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The agents' duty cycle: its longest, those over the threshold, and the histogram of all of them. */
class DutyCycleTrackerTest
{
    @Test
    void shouldPutEachCycleInTheFirstBucketWhoseBoundItDoesNotPass()
    {
        assertEquals(0, DutyCycleTracker.bucketOf(1));
        assertEquals(0, DutyCycleTracker.bucketOf(1_000));
        assertEquals(1, DutyCycleTracker.bucketOf(1_001));
        assertEquals(1, DutyCycleTracker.bucketOf(2_000));
        assertEquals(2, DutyCycleTracker.bucketOf(2_001));
        assertEquals(14, DutyCycleTracker.bucketOf(16_384_000));
        assertEquals(15, DutyCycleTracker.bucketOf(16_384_001));
        assertEquals(15, DutyCycleTracker.bucketOf(Long.MAX_VALUE / 2));
        for (int b = 0; b < DutyCycleTracker.BUCKETS - 1; b++)
        {
            assertEquals(b, DutyCycleTracker.bucketOf(DutyCycleTracker.upperBoundNs(b)), "bound " + b);
            assertEquals(b + 1, DutyCycleTracker.bucketOf(DutyCycleTracker.upperBoundNs(b) + 1), "past bound " + b);
        }
    }

    @Test
    void shouldCountEveryCycleWithItsTime()
    {
        final DataplaneCounters counters = DataplaneCounters.onHeap(256);
        final AtomicCounter[] h = counters.newCycleHistogram(0, "fwd-0");
        final AtomicCounter max = counters.manager().newCounter("max");
        final AtomicCounter over = counters.manager().newCounter("over");
        final DutyCycleTracker t = new DutyCycleTracker(max, over, 1_000_000, java.util.Arrays.copyOf(h, 16), h[16]);
        long now = 1_000_000_000L;
        t.update(now);
        for (final long cycle : new long[] {500, 1_500, 1_500, 3_000_000, 40_000_000})
        {
            now += cycle;
            t.update(now);
        }
        assertEquals(1, h[0].get());
        assertEquals(2, h[1].get());
        assertEquals(1, h[12].get(), "3 ms: up to 4096 us");
        assertEquals(1, h[15].get(), "40 ms: over 16384 us");
        assertEquals(500 + 1_500 + 1_500 + 3_000_000 + 40_000_000, h[16].get(), "their total time");
        assertEquals(40_000_000, max.get());
        assertEquals(2, over.get());
    }
}
