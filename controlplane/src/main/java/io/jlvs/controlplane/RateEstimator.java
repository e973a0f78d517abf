package io.jlvs.controlplane;

import java.util.HashMap;
import java.util.Map;

/**
 * ipvsadm --rate: the kernel's rate estimator ({@code ip_vs_est.c}). Every 2 seconds each object's totals
 * are sampled and an exponentially weighted average of the per-second rate is kept, in the kernel's fixed
 * point (rates scaled by 2^10, bytes by 2^5; average moves a quarter of the way each tick).
 */
final class RateEstimator
{
    static final long TICK_MS = 2000;

    private final Map<Integer, Estimate> estimates = new HashMap<>();

    /** Feeds the totals (conns, inpkts, outpkts, inbytes, outbytes) of one object at one tick. */
    synchronized void sample(final int id, final long[] totals)
    {
        final Estimate e = estimates.computeIfAbsent(id, (k) -> new Estimate(totals));
        e.update(totals);
    }

    /** The current rates (cps, inpps, outpps, inBps, outBps) of an object; zeros before two samples. */
    synchronized long[] rates(final int id)
    {
        final Estimate e = estimates.get(id);
        return null == e ? new long[5] : e.rates();
    }

    /**
     * The kernel's ip_vs_zero_estimator: the estimate starts again from the next sample of the (zeroed) totals, at
     * rate 0.
     */
    synchronized void reset(final int id)
    {
        estimates.remove(id);
    }

    synchronized void retainOnly(final java.util.Set<Integer> ids)
    {
        estimates.keySet().retainAll(ids);
    }

    private static final class Estimate
    {
        private final long[] last = new long[5];
        private final long[] avg = new long[5];

        Estimate(final long[] totals)
        {
            System.arraycopy(totals, 0, last, 0, 5);
        }

        void update(final long[] totals)
        {
            for (int i = 0; i < 5; i++)
            {
                final long delta = Math.max(0, totals[i] - last[i]);
                last[i] = totals[i];
                final int shift = i < 3 ? 10 : 5;
                // per-second rate over a 2 s tick, scaled: (delta << shift) / 2
                final long rate = (delta << shift) >> 1;
                avg[i] += (rate - avg[i]) >> 2;
            }
        }

        /** As ip_vs_read_estimator rounds: (cps + 0x1FF) >> 10 for the counts, (bps + 0xF) >> 5 for the bytes. */
        long[] rates()
        {
            final long[] r = new long[5];
            for (int i = 0; i < 5; i++)
            {
                r[i] = i < 3 ? (avg[i] + 0x1FF) >> 10 : (avg[i] + 0xF) >> 5;
            }
            return r;
        }
    }
}
