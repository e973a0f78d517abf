package io.jlvs.dataplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.proto.IpProtocol;

/**
 * Whether an input packet's connection is to be reported to the backups now: the kernel's
 * {@code ip_vs_sync_conn_needed()}, with jiffies as epoch milliseconds.
 * <ul>
 * <li>TCP is reported only in ESTABLISHED, FIN_WAIT, CLOSE, CLOSE_WAIT and TIME_WAIT; a change into any of them
 *     but ESTABLISHED is reported at once;</li>
 * <li>otherwise at the {@code threshold}-th input packet and every {@code period} after it (templates regardless of
 *     the count), or, with {@code period} 0 and no refresh period, only at the threshold;</li>
 * <li>with a refresh period, a report whose timer moved less than {@code min(refresh, max(timeout / 2, 10 s))} since
 *     the last one is skipped, unless it is one of {@code retries} resends due an eighth of the period later.</li>
 * </ul>
 * A report updates the connection's {@link ConnEntry#syncEndMs} and {@link ConnEntry#oldState}, which the caller
 * saves with it. One-packet connections are never reported (the caller's test, as in {@code ip_vs_sync_conn}).
 */
public final class SyncNeeded
{
    /** TCP states worth a backup's knowing. */
    private static final int TCP_SYNCED_STATES = (1 << ConnState.ESTABLISHED) | (1 << ConnState.FIN_WAIT) |
        (1 << ConnState.CLOSE) | (1 << ConnState.CLOSE_WAIT) | (1 << ConnState.TIME_WAIT);
    private static final long MIN_REFRESH_DIFF_MS = 10_000;

    private SyncNeeded()
    {
    }

    /**
     * @param e      the connection after the packet's state transition.
     * @param pkts   its input packets, this one included ({@code in_pkts} after the increment).
     * @param nowMs  epoch ms.
     */
    public static boolean needed(
        final ConnEntry e, final int protocol, final int pkts, final SyncPolicy policy, final long nowMs)
    {
        final long orig = e.syncEndMs();
        final long timeoutMs = e.timeoutSec() * 1000L;
        long n = (nowMs + timeoutMs) & ~3L;
        final boolean template = (e.flags() & ConnFlags.TEMPLATE) != 0;
        boolean force = false;
        if (!template && protocol == IpProtocol.TCP)
        {
            final int state = e.state();
            if (state >= 31 || ((1 << state) & TCP_SYNCED_STATES) == 0)
            {
                return false;
            }
            force = state != e.oldState();
            if (force && state != ConnState.ESTABLISHED)
            {
                return report(e, n);
            }
        }

        final long refreshMs = policy.refreshPeriodSec() * 1000L;
        if (refreshMs > 0)
        {
            final long diff = n - orig;
            final long minDiff = Math.max(timeoutMs >> 1, MIN_REFRESH_DIFF_MS);
            if (Math.abs(diff) < Math.min(refreshMs, minDiff))
            {
                final int retries = (int)(orig & 3);
                if (retries >= policy.retries())
                {
                    return false;
                }
                if (nowMs < orig - timeoutMs + (refreshMs >> 3))
                {
                    return false;
                }
                n |= retries + 1;
            }
        }
        final int period = policy.period();
        if (period > 0)
        {
            if (!template && pkts % period != policy.threshold())
            {
                return false;
            }
        }
        else if (refreshMs == 0 && pkts != policy.threshold())
        {
            return false;
        }
        return report(e, n);
    }

    private static boolean report(final ConnEntry e, final long syncEnd)
    {
        e.oldState(e.state()).syncEndMs(syncEnd);
        return true;
    }
}
