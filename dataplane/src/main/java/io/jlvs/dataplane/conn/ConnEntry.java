package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;

/**
 * The fixed-size value of a connection: where it goes and what IPVS tracks about it. The counterpart of the
 * fields of {@code struct ip_vs_conn} that outlive a packet.
 * <p>
 * A reusable flyweight: {@link ConnTable#lookup(ConnKey, ConnEntry)} copies the stored entry into it, the agent
 * changes it, and {@link ConnTable#update(ConnKey, ConnEntry)} writes it back. The stored form is
 * {@link #ENCODED_LENGTH} bytes (see {@link ConnEntryMarshaller}).
 * <ul>
 * <li>{@code flags}: IPVS {@code IP_VS_CONN_F_*} bits ({@link ConnFlags}); the forwarding method is
 *     {@code flags & FWD_MASK}, as in the kernel.</li>
 * <li>{@code state}: {@link ConnState}, per protocol.</li>
 * <li>{@code timeoutSec}: the current state's timeout; {@code expiresMs}: epoch ms after which the entry may be
 *     expired (meaningful across restarts, unlike a monotonic clock).</li>
 * <li>{@code inPkts}: packets from the client, as far as written back.</li>
 * <li>{@code destId}: the agent's index of the real server, for its counters.</li>
 * <li>{@code fwmark}: the service's firewall mark (0 when none), carried by the sync protocol.</li>
 * <li>{@code lastSyncMs}: when the entry was last sent to the backup (0 never).</li>
 * </ul>
 */
public final class ConnEntry
{
    /**
     * Stored layout, little-endian:
     * <pre>
     *  0 flags u32   |  4 state u8 | 5 daf u8 | 6 dport u16
     *  8 daddrHi u64 | 16 daddrLo u64
     * 24 timeoutSec u32 | 28 inPkts u32
     * 32 expiresMs u64  | 40 createdMs u64 | 48 lastSyncMs u64
     * 56 destId u32  | 60 fwmark u32
     * </pre>
     */
    public static final int ENCODED_LENGTH = 64;

    private int flags;
    private int state;
    private int daf;
    private int dport;
    private long daddrHi;
    private long daddrLo;
    private int timeoutSec;
    private int inPkts;
    private long expiresMs;
    private long createdMs;
    private long lastSyncMs;
    private int destId;
    private int fwmark;

    /** Clears every field. */
    public ConnEntry reset()
    {
        flags = 0;
        state = 0;
        daf = 0;
        dport = 0;
        daddrHi = 0;
        daddrLo = 0;
        timeoutSec = 0;
        inPkts = 0;
        expiresMs = 0;
        createdMs = 0;
        lastSyncMs = 0;
        destId = 0;
        fwmark = 0;
        return this;
    }

    public ConnEntry copyFrom(final ConnEntry other)
    {
        flags = other.flags;
        state = other.state;
        daf = other.daf;
        dport = other.dport;
        daddrHi = other.daddrHi;
        daddrLo = other.daddrLo;
        timeoutSec = other.timeoutSec;
        inPkts = other.inPkts;
        expiresMs = other.expiresMs;
        createdMs = other.createdMs;
        lastSyncMs = other.lastSyncMs;
        destId = other.destId;
        fwmark = other.fwmark;
        return this;
    }

    public int flags()
    {
        return flags;
    }

    public ConnEntry flags(final int flags)
    {
        this.flags = flags;
        return this;
    }

    /** {@code flags & FWD_MASK}: {@link ConnFlags#MASQ}, {@link ConnFlags#LOCALNODE}, {@link ConnFlags#TUNNEL}, ... */
    public int fwdMethod()
    {
        return flags & ConnFlags.FWD_MASK;
    }

    public ConnEntry fwdMethod(final int fwdMethod)
    {
        this.flags = (flags & ~ConnFlags.FWD_MASK) | (fwdMethod & ConnFlags.FWD_MASK);
        return this;
    }

    public boolean isInactive()
    {
        return (flags & ConnFlags.INACTIVE) != 0;
    }

    public boolean isTemplate()
    {
        return (flags & ConnFlags.TEMPLATE) != 0;
    }

    public int state()
    {
        return state;
    }

    public ConnEntry state(final int state)
    {
        this.state = state & 0xFF;
        return this;
    }

    /** Address family of the real server (it may differ from the service's, as IPVS allows). */
    public int daf()
    {
        return daf;
    }

    public ConnEntry daf(final int daf)
    {
        this.daf = daf & 0xFF;
        return this;
    }

    public long daddrHi()
    {
        return daddrHi;
    }

    public long daddrLo()
    {
        return daddrLo;
    }

    public ConnEntry daddr(final long hi, final long lo)
    {
        this.daddrHi = hi;
        this.daddrLo = lo;
        return this;
    }

    /** Sets an IPv4 real server ({@code daf = AF_INET}). */
    public ConnEntry daddrV4(final int addr)
    {
        this.daf = PacketView.AF_INET;
        this.daddrHi = 0;
        this.daddrLo = addr & 0xFFFF_FFFFL;
        return this;
    }

    public int dport()
    {
        return dport;
    }

    public ConnEntry dport(final int dport)
    {
        this.dport = dport & 0xFFFF;
        return this;
    }

    public int timeoutSec()
    {
        return timeoutSec;
    }

    public ConnEntry timeoutSec(final int timeoutSec)
    {
        this.timeoutSec = timeoutSec;
        return this;
    }

    public int inPkts()
    {
        return inPkts;
    }

    public ConnEntry inPkts(final int inPkts)
    {
        this.inPkts = inPkts;
        return this;
    }

    public long expiresMs()
    {
        return expiresMs;
    }

    public ConnEntry expiresMs(final long expiresMs)
    {
        this.expiresMs = expiresMs;
        return this;
    }

    public long createdMs()
    {
        return createdMs;
    }

    public ConnEntry createdMs(final long createdMs)
    {
        this.createdMs = createdMs;
        return this;
    }

    public long lastSyncMs()
    {
        return lastSyncMs;
    }

    public ConnEntry lastSyncMs(final long lastSyncMs)
    {
        this.lastSyncMs = lastSyncMs;
        return this;
    }

    public int destId()
    {
        return destId;
    }

    public ConnEntry destId(final int destId)
    {
        this.destId = destId;
        return this;
    }

    public int fwmark()
    {
        return fwmark;
    }

    public ConnEntry fwmark(final int fwmark)
    {
        this.fwmark = fwmark;
        return this;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof ConnEntry that))
        {
            return false;
        }
        return flags == that.flags && state == that.state && daf == that.daf && dport == that.dport &&
            daddrHi == that.daddrHi && daddrLo == that.daddrLo && timeoutSec == that.timeoutSec &&
            inPkts == that.inPkts && expiresMs == that.expiresMs && createdMs == that.createdMs &&
            lastSyncMs == that.lastSyncMs && destId == that.destId && fwmark == that.fwmark;
    }

    @Override
    public int hashCode()
    {
        long h = flags * 31L + state;
        h = h * 31 + daddrLo;
        h = h * 31 + dport;
        h = h * 31 + expiresMs;
        h = h * 31 + destId;
        return Long.hashCode(h);
    }

    @Override
    public String toString()
    {
        return "ConnEntry{d=" + addressToString(daf, daddrHi, daddrLo) + ":" + dport +
            ", fwd=" + ConnFlags.fwdName(flags) + ", flags=0x" + Integer.toHexString(flags) +
            ", state=" + state + ", timeout=" + timeoutSec + "s, expires=" + expiresMs +
            ", inPkts=" + inPkts + ", destId=" + destId + ", fwmark=" + fwmark + "}";
    }

    static String addressToString(final int af, final long hi, final long lo)
    {
        if (af == PacketView.AF_INET6)
        {
            final StringBuilder sb = new StringBuilder(39);
            for (int i = 0; i < 8; i++)
            {
                final long word = i < 4 ? hi : lo;
                final int group = (int)(word >>> (48 - 16 * (i & 3))) & 0xFFFF;
                if (i > 0)
                {
                    sb.append(':');
                }
                sb.append(Integer.toHexString(group));
            }
            return sb.toString();
        }

        final int a = (int)lo;
        return ((a >>> 24) & 0xFF) + "." + ((a >>> 16) & 0xFF) + "." + ((a >>> 8) & 0xFF) + "." + (a & 0xFF);
    }
}
