package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Addresses;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.conn.ConnEntryDescriptor.CONTROL_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DADDR_HI_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DADDR_LO_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DAF_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DEST_ID_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DPORT_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.EXPIRES_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.FLAGS_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.FWMARK_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.IN_PKTS_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.N_CONTROL_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.STATE_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.SYNC_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.TIMEOUT_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U16;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U32;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U64;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U8;

/**
 * The fixed-size value of a connection: where it goes and what IPVS tracks about it. The counterpart of the
 * fields of {@code struct ip_vs_conn} that outlive a packet. Its stored form is described once, by
 * {@link ConnEntryDescriptor}: {@link #readFrom}/{@link #writeTo} move it between the fields and that layout (the
 * flow cache's slots), and the marshaller writes the same offsets. Plain fields, because the state machine reads and
 * writes them several times a packet: measured, a flyweight over a heap copy cost the agent about 40 ns a packet.
 * <p>
 * {@link ConnTable#lookup(ConnKey, ConnEntry)} copies the stored entry into it, the agent changes it, and
 * {@link ConnTable#update(ConnKey, ConnEntry)} writes it back.
 * <ul>
 * <li>{@code flags}: IPVS {@code IP_VS_CONN_F_*} bits ({@link ConnFlags}); the forwarding method is
 *     {@code flags & FWD_MASK} ({@link FwdMethod}), as in the kernel, and picks the transmit method.</li>
 * <li>{@code state}: {@link ConnState}, per protocol.</li>
 * <li>{@code timeoutSec}: the current state's timeout; {@code expiresMs}: epoch ms after which the entry may be
 *     expired (meaningful across restarts, unlike a monotonic clock).</li>
 * <li>{@code inPkts}: packets from the client, as far as written back.</li>
 * <li>{@code destId}: the real server's stable id, to find it and its counters.</li>
 * <li>{@code fwmark}: the service's firewall mark (0 when none), carried by the sync protocol.</li>
 * <li>{@code control}: for a connection of a persistent service, the persistence template that controls it (the
 *     kernel's {@code cp->control}), as {@link TemplateRef} encodes it; 0 when none. {@code nControl}: for a template,
 *     how many connections it controls (the kernel's {@code n_control}), which keeps it from expiring.</li>
 * <li>{@code syncEndMs}, {@code oldState}: the kernel's {@code sync_endtime} (epoch ms of the timer last reported to
 *     the backup, its low two bits the resend count) and {@code old_state} (the state last reported), by which
 *     {@link io.jlvs.dataplane.sync.SyncNeeded} decides when to sync. Stored in one word: the state in the top byte,
 *     since epoch ms need 41 bits.</li>
 * </ul>
 */
public final class ConnEntry
{
    private static final long SYNC_END_MASK = (1L << 56) - 1;

    private int flags;
    private int state;
    private int daf;
    private int dport;
    private long daddrHi;
    private long daddrLo;
    private int timeoutSec;
    private int inPkts;
    private long expiresMs;
    private int control;
    private int nControl;
    private long syncEndMs;
    private int oldState;
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
        control = 0;
        nControl = 0;
        syncEndMs = 0;
        oldState = 0;
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
        control = other.control;
        nControl = other.nControl;
        syncEndMs = other.syncEndMs;
        oldState = other.oldState;
        destId = other.destId;
        fwmark = other.fwmark;
        return this;
    }

    /** Reads the stored form at {@code at} in {@code seg}. */
    public ConnEntry readFrom(final MemorySegment seg, final long at)
    {
        flags = seg.get(U32, at + FLAGS_OFFSET);
        state = Byte.toUnsignedInt(seg.get(U8, at + STATE_OFFSET));
        daf = Byte.toUnsignedInt(seg.get(U8, at + DAF_OFFSET));
        dport = Short.toUnsignedInt(seg.get(U16, at + DPORT_OFFSET));
        daddrHi = seg.get(U64, at + DADDR_HI_OFFSET);
        daddrLo = seg.get(U64, at + DADDR_LO_OFFSET);
        timeoutSec = seg.get(U32, at + TIMEOUT_OFFSET);
        inPkts = seg.get(U32, at + IN_PKTS_OFFSET);
        expiresMs = seg.get(U64, at + EXPIRES_OFFSET);
        control = seg.get(U32, at + CONTROL_OFFSET);
        nControl = seg.get(U32, at + N_CONTROL_OFFSET);
        unpackSync(seg.get(U64, at + SYNC_OFFSET));
        destId = seg.get(U32, at + DEST_ID_OFFSET);
        fwmark = seg.get(U32, at + FWMARK_OFFSET);
        return this;
    }

    /** Writes the stored form at {@code at} in {@code seg}. */
    public void writeTo(final MemorySegment seg, final long at)
    {
        seg.set(U32, at + FLAGS_OFFSET, flags);
        seg.set(U8, at + STATE_OFFSET, (byte)state);
        seg.set(U8, at + DAF_OFFSET, (byte)daf);
        seg.set(U16, at + DPORT_OFFSET, (short)dport);
        seg.set(U64, at + DADDR_HI_OFFSET, daddrHi);
        seg.set(U64, at + DADDR_LO_OFFSET, daddrLo);
        seg.set(U32, at + TIMEOUT_OFFSET, timeoutSec);
        seg.set(U32, at + IN_PKTS_OFFSET, inPkts);
        seg.set(U64, at + EXPIRES_OFFSET, expiresMs);
        seg.set(U32, at + CONTROL_OFFSET, control);
        seg.set(U32, at + N_CONTROL_OFFSET, nControl);
        seg.set(U64, at + SYNC_OFFSET, packedSync());
        seg.set(U32, at + DEST_ID_OFFSET, destId);
        seg.set(U32, at + FWMARK_OFFSET, fwmark);
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

    /** {@code flags & FWD_MASK}, a {@link FwdMethod#flags()} value. */
    public int fwdMethod()
    {
        return flags & ConnFlags.FWD_MASK;
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

    /** Address family of the real server (it may differ from the service's, as IPVS allows for tunnels). */
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
        return daf(PacketView.AF_INET).daddr(0, addr & 0xFFFF_FFFFL);
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

    /** The template controlling this connection ({@link TemplateRef}), 0 when none. */
    public int control()
    {
        return control;
    }

    public ConnEntry control(final int control)
    {
        this.control = control;
        return this;
    }

    /** A template's count of the connections it controls. */
    public int nControl()
    {
        return nControl;
    }

    public ConnEntry nControl(final int nControl)
    {
        this.nControl = nControl;
        return this;
    }

    /** The kernel's {@code sync_endtime}: epoch ms of the timer last reported, low two bits the resend count. */
    public long syncEndMs()
    {
        return syncEndMs;
    }

    public ConnEntry syncEndMs(final long syncEndMs)
    {
        this.syncEndMs = syncEndMs & SYNC_END_MASK;
        return this;
    }

    /** The state last reported to the backup, the kernel's {@code old_state}. */
    public int oldState()
    {
        return oldState;
    }

    public ConnEntry oldState(final int oldState)
    {
        this.oldState = oldState & 0xFF;
        return this;
    }

    /** {@link #syncEndMs} and {@link #oldState} as stored: the state in the top byte. */
    public long packedSync()
    {
        return ((long)oldState << 56) | syncEndMs;
    }

    public ConnEntry unpackSync(final long packed)
    {
        syncEndMs = packed & SYNC_END_MASK;
        oldState = (int)(packed >>> 56);
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
            inPkts == that.inPkts && expiresMs == that.expiresMs && control == that.control &&
            nControl == that.nControl &&
            syncEndMs == that.syncEndMs && oldState == that.oldState && destId == that.destId && fwmark == that.fwmark;
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
        final FwdMethod fwd = FwdMethod.ofFlags(flags);
        return "ConnEntry{d=" + Addresses.ntop(daf == 0 ? PacketView.AF_INET : daf, daddrHi, daddrLo) + ":" +
            dport + ", fwd=" + (null == fwd ? "?" : fwd.listName()) + ", flags=0x" + Integer.toHexString(flags) +
            ", state=" + state + ", timeout=" + timeoutSec + "s, expires=" + expiresMs +
            ", inPkts=" + inPkts + ", destId=" + destId + ", fwmark=" + fwmark +
            (0 != control ? ", control=0x" + Integer.toHexString(control) : "") +
            (isTemplate() ? ", nControl=" + nControl : "") + "}";
    }
}
