package io.jlvs.dataplane.sync;

/**
 * Whether this director is a sync master, and when it reports a connection: the kernel's sysctls
 * {@code sync_threshold} ({@code threshold period}), {@code sync_refresh_period} and {@code sync_retries}, with
 * their defaults. Part of each {@link io.jlvs.dataplane.ForwardingSnapshot}: the control plane starts and stops the
 * master role by handing the agents a new snapshot.
 *
 * @param master           the agents report connections ({@code IP_VS_STATE_MASTER}).
 * @param threshold        {@code sync_threshold[0]}: a connection is reported at its {@code threshold}-th input
 *                         packet ...
 * @param period           {@code sync_threshold[1]}: ... and every {@code period} packets after (0: once).
 * @param refreshPeriodSec {@code sync_refresh_period}: with it, a report is skipped while the timer it would report
 *                         moved less than this and half the timeout (0: off).
 * @param retries          {@code sync_retries}: resends of a skipped report, 0..3.
 */
public record SyncPolicy(boolean master, int threshold, int period, int refreshPeriodSec, int retries)
{
    public static final int DEFAULT_THRESHOLD = 3;
    public static final int DEFAULT_PERIOD = 50;
    public static final int DEFAULT_REFRESH_PERIOD_SEC = 0;
    public static final int DEFAULT_RETRIES = 0;
    public static final int MAX_RETRIES = 3;

    /** Not a master: nothing is reported. */
    public static final SyncPolicy OFF =
        new SyncPolicy(false, DEFAULT_THRESHOLD, DEFAULT_PERIOD, DEFAULT_REFRESH_PERIOD_SEC, DEFAULT_RETRIES);

    public SyncPolicy
    {
        // proc_do_sync_threshold: 0 <= threshold, 0 <= period, and threshold < period unless period is 0
        if (threshold < 0 || period < 0 || (period != 0 && threshold >= period))
        {
            throw new IllegalArgumentException("sync_threshold: " + threshold + " " + period);
        }
        if (refreshPeriodSec < 0)
        {
            throw new IllegalArgumentException("sync_refresh_period: " + refreshPeriodSec);
        }
        if (retries < 0 || retries > MAX_RETRIES)
        {
            throw new IllegalArgumentException("sync_retries: " + retries);
        }
    }

    /** The same thresholds with the master role on or off. */
    public SyncPolicy master(final boolean on)
    {
        return new SyncPolicy(on, threshold, period, refreshPeriodSec, retries);
    }
}
