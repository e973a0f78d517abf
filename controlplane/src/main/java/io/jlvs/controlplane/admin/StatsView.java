package io.jlvs.controlplane.admin;

/**
 * Totals of a service or destination ({@code ip_vs_kstats}, 64-bit). Each value is an unsigned 64-bit count held
 * in a long.
 */
public record StatsView(long conns, long inPkts, long outPkts, long inBytes, long outBytes)
{
    public static final StatsView ZERO = new StatsView(0, 0, 0, 0, 0);
}
