package io.jlvs.dataplane.service;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.status.DestStats;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;

import java.util.Objects;

/**
 * A real server of one virtual service as one forwarding agent sees it: the kernel's
 * {@code struct ip_vs_dest}. Built by the control plane into a snapshot ({@link #builder}); the owning agent alone
 * mutates its scheduler-visible state.
 */
public final class Dest
{
    /** IP_VS_DEST_F_AVAILABLE: the dest is in its service (not being removed). */
    public static final int F_AVAILABLE = 0x0001;
    /** IP_VS_DEST_F_OVERLOAD: connections exceed the upper threshold; no new ones. */
    public static final int F_OVERLOAD = 0x0002;

    private final int id;
    private final int af;
    private final long addrHi;
    private final long addrLo;
    private final int port;
    private final FwdMethod fwdMethod;
    private final int connFlags;
    private final TunnelType tunnelType;
    private final int tunnelPort;
    private final TunnelChecksum tunnelChecksum;
    private final int upperThreshold;
    private final int lowerThreshold;
    private final DestStats stats;
    /** Every agent's counters of this real server, for its thresholds; null: this agent's alone. */
    private final DestStats[] allAgents;
    private int weight;
    private final int lastWeight;
    private int flags = F_AVAILABLE;
    private int nextHopV4;
    private int sourceV4;
    private long nextHopHi6;
    private long nextHopLo6;
    private long sourceHi6;
    private long sourceLo6;
    private Service service;
    private NeighbourTable.Entry nextHopEntry;

    private Dest(final Builder b)
    {
        this.id = b.id;
        this.af = b.af;
        this.addrHi = b.addrHi;
        this.addrLo = b.addrLo;
        this.port = b.port;
        this.fwdMethod = Objects.requireNonNull(b.fwdMethod, "fwdMethod");
        this.connFlags = ConnFlags.destConnFlags(b.fwdMethod, b.onePacket);
        this.tunnelType = b.tunnelType;
        this.tunnelPort = b.tunnelPort;
        this.tunnelChecksum = b.tunnelChecksum;
        this.weight = b.weight;
        this.lastWeight = null == b.lastWeight ? b.weight : b.lastWeight;
        this.allAgents = b.allAgents;
        this.upperThreshold = b.upperThreshold;
        this.lowerThreshold = b.lowerThreshold;
        this.stats = Objects.requireNonNull(b.stats, "stats");
        this.nextHopV4 = af == PacketView.AF_INET ? (int)addrLo : 0;
        this.nextHopHi6 = af == PacketView.AF_INET6 ? addrHi : 0;
        this.nextHopLo6 = af == PacketView.AF_INET6 ? addrLo : 0;
    }

    /**
     * A dest with stable id {@code id} (stored in connections to find the dest again): gatewaying, weight 1, no
     * thresholds, until told otherwise.
     */
    public static Builder builder(final int id)
    {
        return new Builder(id);
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

    public FwdMethod fwdMethod()
    {
        return fwdMethod;
    }

    /** The flags each new connection to this dest starts with, the kernel's {@code dest->conn_flags}. */
    public int connFlags()
    {
        return connFlags;
    }

    /** The encapsulation, for {@link FwdMethod#TUNNEL}. */
    public TunnelType tunnelType()
    {
        return tunnelType;
    }

    /** The GUE destination port ({@code --tun-port}), 0 otherwise. */
    public int tunnelPort()
    {
        return tunnelPort;
    }

    public TunnelChecksum tunnelChecksum()
    {
        return tunnelChecksum;
    }

    /**
     * The IPv4 address frames to this dest go to: the dest itself on a connected subnet, else the gateway. Set
     * when the snapshot is built, from the director's routes ({@link #route}).
     */
    public int nextHopV4()
    {
        return nextHopV4;
    }

    /** The director's address towards this dest: a tunnel's outer source. */
    public int sourceV4()
    {
        return sourceV4;
    }

    /** The IPv6 address frames to this IPv6 dest go to (high word): the dest itself, or the IPv6 gateway. */
    public long nextHopHi6()
    {
        return nextHopHi6;
    }

    public long nextHopLo6()
    {
        return nextHopLo6;
    }

    /** The director's IPv6 address towards this IPv6 dest: a tunnel's outer source. */
    public long sourceHi6()
    {
        return sourceHi6;
    }

    public long sourceLo6()
    {
        return sourceLo6;
    }

    /** Binds an IPv6 dest to its next hop ({@code 0, 0}: unreachable) and the director's address towards it. */
    public void route6(final long hi, final long lo, final long sourceHi, final long sourceLo)
    {
        this.nextHopHi6 = hi;
        this.nextHopLo6 = lo;
        this.sourceHi6 = sourceHi;
        this.sourceLo6 = sourceLo;
    }

    /** Binds the dest to its route: the next hop and the director's address towards it. */
    public void route(final int nextHopV4, final int sourceV4)
    {
        this.nextHopV4 = nextHopV4;
        this.sourceV4 = sourceV4;
    }

    /**
     * The next hop's neighbour entry as the agent's egress last found it, so a packet to this dest does not look the
     * next hop up again (the kernel keeps a dest's route in {@code dest->dest_dst}); the agent's alone.
     */
    public NeighbourTable.Entry nextHopEntry()
    {
        return nextHopEntry;
    }

    public void nextHopEntry(final NeighbourTable.Entry entry)
    {
        this.nextHopEntry = entry;
    }

    /** The service the dest belongs to, the kernel's {@code dest->svc}. */
    public Service service()
    {
        return service;
    }

    void service(final Service service)
    {
        this.service = service;
    }

    public int weight()
    {
        return weight;
    }

    public void weight(final int weight)
    {
        this.weight = weight;
    }

    /**
     * The kernel's {@code last_weight}: the weight it was added with, then its latest weight other than 0. A real
     * server quiesced to weight 0 keeps its place in mh's table by it.
     */
    public int lastWeight()
    {
        return lastWeight;
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

    /** {@code ip_vs_dest_totalconns()}: active and inactive connections, of every agent. */
    public long totalConns()
    {
        if (null == allAgents)
        {
            return stats.activeConns() + stats.inactConns();
        }
        long total = 0;
        for (final DestStats s : allAgents)
        {
            total += s.activeConns() + s.inactConns();
        }
        return total;
    }

    /** {@code ip_vs_bind_dest()}'s check, after a connection was counted: at the upper threshold it is overloaded. */
    public void bound()
    {
        if (upperThreshold != 0 && totalConns() >= upperThreshold)
        {
            flags |= F_OVERLOAD;
        }
    }

    /**
     * {@code ip_vs_unbind_dest()}'s check, after a connection was uncounted: below the lower threshold, or with none
     * below three quarters of the upper one, or with no thresholds at all, it takes connections again.
     */
    public void unbound()
    {
        if (lowerThreshold != 0)
        {
            if (totalConns() < lowerThreshold)
            {
                flags &= ~F_OVERLOAD;
            }
        }
        else if (upperThreshold != 0)
        {
            if (totalConns() * 4 < upperThreshold * 3L)
            {
                flags &= ~F_OVERLOAD;
            }
        }
        else
        {
            flags &= ~F_OVERLOAD;
        }
    }

    /**
     * The overload flag of the same real server in the snapshot before ({@code was}), kept as
     * {@code __ip_vs_update_dest()} keeps it: cleared when the upper threshold is gone or raised.
     */
    public void takeOverOverload(final Dest was)
    {
        if (was.isOverloaded() && upperThreshold != 0 && upperThreshold <= was.upperThreshold)
        {
            flags |= F_OVERLOAD;
        }
    }

    /**
     * The kernel's {@code ip_vs_dest_conn_overhead()}: an active connection costs 256 times an inactive one.
     */
    public long connOverhead()
    {
        return (stats.activeConns() << 8) + stats.inactConns();
    }

    /** True when {@code other} is this real server, perhaps in another snapshot: same family, address and port. */
    public boolean isSameRealServer(final Dest other)
    {
        return port == other.port && addrLo == other.addrLo && addrHi == other.addrHi && af == other.af;
    }

    @Override
    public String toString()
    {
        return "Dest{id=" + id + ", " + Addresses.toString(af, addrHi, addrLo, port) + ", " + fwdMethod.listName() +
            ", weight=" + weight + '}';
    }

    /** What a {@link Dest} is made of; the control plane fills one per real server and agent. */
    public static final class Builder
    {
        private final int id;
        private int af = PacketView.AF_INET;
        private long addrHi;
        private long addrLo;
        private int port;
        private FwdMethod fwdMethod = FwdMethod.DROUTE;
        private TunnelType tunnelType = TunnelType.IPIP;
        private int tunnelPort;
        private TunnelChecksum tunnelChecksum = TunnelChecksum.NOCSUM;
        private int weight = 1;
        private Integer lastWeight;
        private boolean onePacket;
        private DestStats[] allAgents;
        private int upperThreshold;
        private int lowerThreshold;
        private DestStats stats;

        private Builder(final int id)
        {
            this.id = id;
        }

        public Builder address(final int af, final long hi, final long lo)
        {
            this.af = af;
            this.addrHi = hi;
            this.addrLo = lo;
            return this;
        }

        public Builder addressV4(final int addr)
        {
            return address(PacketView.AF_INET, 0, addr & 0xFFFF_FFFFL);
        }

        public Builder port(final int port)
        {
            this.port = port;
            return this;
        }

        public Builder fwdMethod(final FwdMethod fwdMethod)
        {
            this.fwdMethod = fwdMethod;
            return this;
        }

        /** The encapsulation of a tunnel dest; {@code port} is GUE's destination port. */
        public Builder tunnel(final TunnelType type, final int port, final TunnelChecksum checksum)
        {
            this.tunnelType = Objects.requireNonNull(type, "type");
            this.tunnelPort = port;
            this.tunnelChecksum = Objects.requireNonNull(checksum, "checksum");
            return this;
        }

        public Builder weight(final int weight)
        {
            this.weight = weight;
            return this;
        }

        /** Every agent's counters of this real server (its own among them): thresholds count them all. */
        public Builder allAgents(final DestStats[] allAgents)
        {
            this.allAgents = allAgents.clone();
            return this;
        }

        /** Its service schedules each UDP packet apart ({@code ipvsadm -o}, ldirectord's {@code ops}). */
        public Builder onePacket(final boolean onePacket)
        {
            this.onePacket = onePacket;
            return this;
        }

        /** {@link Dest#lastWeight()}; by default the weight. */
        public Builder lastWeight(final int lastWeight)
        {
            this.lastWeight = lastWeight;
            return this;
        }

        public Builder thresholds(final int upper, final int lower)
        {
            this.upperThreshold = upper;
            this.lowerThreshold = lower;
            return this;
        }

        /** This agent's counters for the dest (connections, packets, bytes, active/inactive). */
        public Builder stats(final DestStats stats)
        {
            this.stats = stats;
            return this;
        }

        /**
         * @throws IllegalArgumentException for tunnel settings other than the default on a dest that does not
         *                                  tunnel, or a GUE tunnel without its port, as ipvsadm refuses them.
         */
        public Dest build()
        {
            final boolean defaultTunnel = tunnelType == TunnelType.IPIP && tunnelPort == 0 &&
                tunnelChecksum == TunnelChecksum.NOCSUM;
            if (fwdMethod != FwdMethod.TUNNEL && !defaultTunnel)
            {
                throw new IllegalArgumentException("tunnel settings on a " + fwdMethod.listName() + " dest");
            }
            if (tunnelType == TunnelType.GUE ? tunnelPort < 1 || tunnelPort > 0xFFFF : tunnelPort != 0)
            {
                throw new IllegalArgumentException("a GUE tunnel needs its port (1..65535), no other tunnel has one: " +
                    tunnelType.ipvsadmName() + " port " + tunnelPort);
            }
            return new Dest(this);
        }
    }
}
