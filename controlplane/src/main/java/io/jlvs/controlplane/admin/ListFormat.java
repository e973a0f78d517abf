package io.jlvs.controlplane.admin;

/**
 * ipvsadm's listing format flags ({@code FMT_*}). When several output kinds are set, ipvsadm's precedence applies:
 * stats, then rate, then thresholds, then persistent-conn, then tun-info.
 *
 * @param numeric        -n: addresses and ports as numbers
 * @param stats          --stats
 * @param rate           --rate
 * @param thresholds     --thresholds
 * @param persistentConn --persistent-conn
 * @param tunInfo        --tun-info
 * @param exact          --exact: no K/M/G/T scaling
 * @param noSort         --nosort (sorting is the default; --sort does nothing)
 */
public record ListFormat(
    boolean numeric,
    boolean stats,
    boolean rate,
    boolean thresholds,
    boolean persistentConn,
    boolean tunInfo,
    boolean exact,
    boolean noSort)
{
    /** {@code ipvsadm} / {@code ipvsadm -L}: names resolved. */
    public static final ListFormat DEFAULT = new ListFormat(false, false, false, false, false, false, false, false);
    /** {@code ipvsadm -L -n}. */
    public static final ListFormat NUMERIC = new ListFormat(true, false, false, false, false, false, false, false);

    public ListFormat withStats()
    {
        return new ListFormat(numeric, true, rate, thresholds, persistentConn, tunInfo, exact, noSort);
    }

    public ListFormat withRate()
    {
        return new ListFormat(numeric, stats, true, thresholds, persistentConn, tunInfo, exact, noSort);
    }

    public ListFormat withThresholds()
    {
        return new ListFormat(numeric, stats, rate, true, persistentConn, tunInfo, exact, noSort);
    }

    public ListFormat withPersistentConn()
    {
        return new ListFormat(numeric, stats, rate, thresholds, true, tunInfo, exact, noSort);
    }

    public ListFormat withTunInfo()
    {
        return new ListFormat(numeric, stats, rate, thresholds, persistentConn, true, exact, noSort);
    }

    public ListFormat withExact()
    {
        return new ListFormat(numeric, stats, rate, thresholds, persistentConn, tunInfo, true, noSort);
    }

    public ListFormat withNoSort()
    {
        return new ListFormat(numeric, stats, rate, thresholds, persistentConn, tunInfo, exact, true);
    }
}
