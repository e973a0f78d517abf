package io.jlvs.dataplane.service;

import io.jlvs.dataplane.sched.Scheduler;
import io.jlvs.dataplane.status.ConnStats;

/**
 * A virtual service as one forwarding agent sees it: the kernel's {@code struct ip_vs_service}.
 * <p>
 * {@link #dests()} is in the kernel's list order: IPVS links a new real server at the head of the
 * service's list, so the most recently added comes first, and that order decides rr's and wrr's
 * choices. Each agent has its own copy, so scheduler state ({@link #schedData}) needs no lock.
 */
public final class Service
{
    /** IP_VS_SVC_F_PERSISTENT. */
    public static final int F_PERSISTENT = 0x0001;
    /** IP_VS_SVC_F_ONEPACKET. */
    public static final int F_ONEPACKET = 0x0004;
    /** IP_VS_SVC_F_SCHED1..3: the scheduler's own flags ({@code ipvsadm -b}). */
    public static final int F_SCHED1 = 0x0008;
    public static final int F_SCHED2 = 0x0010;
    public static final int F_SCHED3 = 0x0020;
    /** sh-fallback and sh-port; mh-fallback and mh-port are the same bits. */
    public static final int F_SCHED_SH_FALLBACK = F_SCHED1;
    public static final int F_SCHED_SH_PORT = F_SCHED2;
    public static final int F_SCHED_MH_FALLBACK = F_SCHED1;
    public static final int F_SCHED_MH_PORT = F_SCHED2;

    private final int protocol;
    private final int af;
    private final long addrHi;
    private final long addrLo;
    private final int port;
    private final int fwmark;
    private final int flags;
    private final int persistTimeout;
    private final long netmask;
    private final int persistPrefix;
    private final Scheduler scheduler;
    private final Dest[] dests;
    /** Real servers a reload removed that still hold connections: found by id, never scheduled. */
    private final Dest[] draining;
    private final ConnStats stats;

    /** Private state of the scheduler, set by {@link Scheduler#initService(Service)}. */
    public Object schedData;

    public Service(
        final int protocol,
        final int af,
        final long addrHi,
        final long addrLo,
        final int port,
        final int fwmark,
        final int flags,
        final int persistTimeout,
        final long netmask,
        final Scheduler scheduler,
        final Dest[] dests,
        final ConnStats stats)
    {
        this(protocol, af, addrHi, addrLo, port, fwmark, flags, persistTimeout, netmask, scheduler, dests, new Dest[0],
            stats);
    }

    /** As above, with real servers draining ({@link #draining()}). */
    public Service(
        final int protocol,
        final int af,
        final long addrHi,
        final long addrLo,
        final int port,
        final int fwmark,
        final int flags,
        final int persistTimeout,
        final long netmask,
        final Scheduler scheduler,
        final Dest[] dests,
        final Dest[] draining,
        final ConnStats stats)
    {
        this.protocol = protocol;
        this.af = af;
        this.addrHi = addrHi;
        this.addrLo = addrLo;
        this.port = port;
        this.fwmark = fwmark;
        this.flags = flags;
        this.persistTimeout = persistTimeout;
        this.netmask = netmask;
        this.persistPrefix = af == io.jlvs.dataplane.proto.PacketView.AF_INET6 ? (int)netmask :
            Integer.bitCount((int)netmask);
        this.scheduler = scheduler;
        this.dests = dests;
        this.draining = draining;
        this.stats = stats;
        for (final Dest d : dests)
        {
            d.service(this);
        }
        for (final Dest d : draining)
        {
            d.service(this);
            d.flags(d.flags() & ~Dest.F_AVAILABLE); // as a removed dest in the kernel's trash: no template holds it
        }
        scheduler.initService(this);
    }

    public int protocol()
    {
        return protocol;
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

    public int port()
    {
        return port;
    }

    public int fwmark()
    {
        return fwmark;
    }

    public int flags()
    {
        return flags;
    }

    public int persistTimeout()
    {
        return persistTimeout;
    }

    /** Persistence granularity: IPv4, the 32-bit mask; IPv6, the prefix length. */
    public long netmask()
    {
        return netmask;
    }

    /** The persistence granularity as a prefix length of the client's address (an IPv4 mask is contiguous). */
    public int persistPrefix()
    {
        return persistPrefix;
    }

    /** {@code IP_VS_SVC_F_PERSISTENT}. */
    public boolean isPersistent()
    {
        return (flags & F_PERSISTENT) != 0;
    }

    public Scheduler scheduler()
    {
        return scheduler;
    }

    /**
     * Real servers a reload removed while they held connections: those connections go on to them until they end,
     * and no scheduler sees them (the kernel keeps a removed real server in its trash for its connections alike,
     * but drops their packets; jlvs drains them unless told otherwise).
     */
    public Dest[] draining()
    {
        return draining;
    }

    /** Real servers in kernel list order (most recently added first). Do not modify. */
    public Dest[] dests()
    {
        return dests;
    }

    public ConnStats stats()
    {
        return stats;
    }

    /** Finds a dest by its stable id, or null. Not on the per-packet path for established flows. */
    public Dest destById(final int id)
    {
        for (final Dest d : dests)
        {
            if (d.id() == id)
            {
                return d;
            }
        }
        return null;
    }

    /**
     * The dest with this family, address and port, or null: the kernel's {@code ip_vs_lookup_dest()}, for a synced
     * connection, which names its real server by address. Not on the per-packet path.
     */
    public Dest destByAddress(final int af, final long addrHi, final long addrLo, final int port)
    {
        for (final Dest d : dests)
        {
            if (d.port() == port && d.addrLo() == addrLo && d.addrHi() == addrHi && d.af() == af)
            {
                return d;
            }
        }
        return null;
    }

    /**
     * Where the real server of {@code like} is in {@link #dests()}, or -1: the dest with the same family, address and
     * port, as the kernel's {@code ip_vs_lookup_dest()} identifies one. Not on the per-packet path.
     */
    public int indexOf(final Dest like)
    {
        for (int i = 0; i < dests.length; i++)
        {
            if (dests[i].isSameRealServer(like))
            {
                return i;
            }
        }
        return -1;
    }

    /** True when {@code other} is this virtual service in another snapshot: same protocol, address, port, fwmark. */
    public boolean isSameService(final Service other)
    {
        return protocol == other.protocol && af == other.af && addrHi == other.addrHi && addrLo == other.addrLo &&
            port == other.port && fwmark == other.fwmark;
    }

    @Override
    public String toString()
    {
        return "Service{" + protocol + ' ' + Addresses.toString(af, addrHi, addrLo, port) + ' ' + scheduler.name() + '}';
    }
}
