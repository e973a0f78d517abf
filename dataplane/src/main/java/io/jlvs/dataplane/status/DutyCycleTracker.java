package io.jlvs.dataplane.status;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Measures a forwarding agent's duty cycle: keeps the longest cycle seen and counts cycles over a
 * threshold, the way Aeron's conductor tracks stalls. A long cycle means packets waited in the NIC ring.
 */
public final class DutyCycleTracker
{
    private final AtomicCounter maxCycleTimeNs;
    private final AtomicCounter thresholdExceeded;
    private final long thresholdNs;
    private long lastNs;
    private long max;

    public DutyCycleTracker(final AtomicCounter maxCycleTimeNs, final AtomicCounter thresholdExceeded,
        final long thresholdNs)
    {
        this.maxCycleTimeNs = maxCycleTimeNs;
        this.thresholdExceeded = thresholdExceeded;
        this.thresholdNs = thresholdNs;
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
        }
        lastNs = nowNs;
    }
}
