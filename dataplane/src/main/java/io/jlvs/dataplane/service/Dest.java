package io.jlvs.dataplane.service;

import io.jlvs.dataplane.status.DestStats;

/**
 * A real server of one virtual service as one forwarding agent sees it: the kernel's
 * {@code struct ip_vs_dest}. Built by the control plane into a snapshot; the owning agent alone
 * mutates its scheduler-visible state.
 */
public final class Dest
{
    /** Forwarding methods, as IPVS's IP_VS_CONN_F_FWD_MASK values. */
    public static final int FWD_MASQ = 0;
    public static final int FWD_LOCALNODE = 1;
    public static final int FWD_TUNNEL = 2;
    public static final int FWD_DROUTE = 3;

    /** IP_VS_DEST_F_AVAILABLE: the dest is in its service (not being removed). */
    public static final int F_AVAILABLE = 0x0001;
    /** IP_VS_DEST_F_OVERLOAD: connections exceed the upper threshold; no new ones. */
    public static final int F_OVERLOAD = 0x0002;

    private final int id;
    private final int af;
    private final long addrHi;
    private final long addrLo;
    private final int port;
    private final int fwdMethod;
    private final int upperThreshold;
    private final int lowerThreshold;
    private final DestStats stats;
    private int weight;
    private int flags = F_AVAILABLE;

    /**
     * @param id        stable identity across snapshots, stored in connections to find the dest again.
     * @param stats     this agent's counters for the dest (connections, packets, bytes, active/inactive).
     */
    public Dest(
        final int id,
        final int af,
        final long addrHi,
        final long addrLo,
        final int port,
        final int fwdMethod,
        final int weight,
        final int upperThreshold,
        final int lowerThreshold,
        final DestStats stats)
    {
        this.id = id;
        this.af = af;
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.fwdMethod = fwdMethod;
        this.weight = weight;
        this.upperThreshold = upperThreshold;
        this.lowerThreshold = lowerThreshold;
        this.stats = stats;
    }

    public int id()
    {
        return id;
    }

    public int af()
    {
        return af;
    }

    public long addrHi()
    {
        return addrHi;
    }

    public long addrLo()
    {
        return addrLo;
    }

    /** IPv4 address; meaningful when af is AF_INET. */
    public int addrV4()
    {
        return (int)addrLo;
    }

    public int port()
    {
        return port;
    }

    public int fwdMethod()
    {
        return fwdMethod;
    }

    public int weight()
    {
        return weight;
    }

    public void weight(final int weight)
    {
        this.weight = weight;
    }

    public int upperThreshold()
    {
        return upperThreshold;
    }

    public int lowerThreshold()
    {
        return lowerThreshold;
    }

    public int flags()
    {
        return flags;
    }

    public boolean isOverloaded()
    {
        return (flags & F_OVERLOAD) != 0;
    }

    public void flags(final int flags)
    {
        this.flags = flags;
    }

    public DestStats stats()
    {
        return stats;
    }

    public long activeConns()
    {
        return stats.activeConns();
    }

    public long inactConns()
    {
        return stats.inactConns();
    }

    /**
     * The kernel's {@code ip_vs_dest_conn_overhead()}: an active connection costs 256 times an inactive one.
     */
    public long connOverhead()
    {
        return (stats.activeConns() << 8) + stats.inactConns();
    }

    @Override
    public String toString()
    {
        return "Dest{id=" + id + ", " + Addresses.toString(af, addrHi, addrLo, port) + ", weight=" + weight + '}';
    }
}
