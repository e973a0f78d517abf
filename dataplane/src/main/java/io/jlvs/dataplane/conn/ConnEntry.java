package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Addresses;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static io.jlvs.dataplane.conn.ConnEntryDescriptor.CREATED_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DADDR_HI_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DADDR_LO_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DAF_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DEST_ID_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.DPORT_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.EXPIRES_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.FLAGS_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.FWMARK_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.IN_PKTS_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.LAST_SYNC_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.LENGTH;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.STATE_OFFSET;
import static io.jlvs.dataplane.conn.ConnEntryDescriptor.TIMEOUT_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U16;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U32;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U64;

/**
 * The fixed-size value of a connection: where it goes and what IPVS tracks about it. The counterpart of the
 * fields of {@code struct ip_vs_conn} that outlive a packet, as a flyweight over its own
 * {@link ConnEntryDescriptor#LENGTH} bytes in the stored layout.
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
 * <li>{@code lastSyncMs}: when the entry was last sent to the backup (0 never).</li>
 * </ul>
 */
public final class ConnEntry
{
    private final byte[] bytes = new byte[LENGTH];
    private final MemorySegment seg = MemorySegment.ofArray(bytes);

    /** Clears every field. */
    public ConnEntry reset()
    {
        Arrays.fill(bytes, (byte)0);
        return this;
    }

    public ConnEntry copyFrom(final ConnEntry other)
    {
        System.arraycopy(other.bytes, 0, bytes, 0, LENGTH);
        return this;
    }

    /** The stored bytes, for the marshaller: do not keep. */
    public byte[] bytes()
    {
        return bytes;
    }

    /** The stored bytes as a segment, for the cache's copies: do not keep. */
    public MemorySegment segment()
    {
        return seg;
    }

    public int flags()
    {
        return seg.get(U32, FLAGS_OFFSET);
    }

    public ConnEntry flags(final int flags)
    {
        seg.set(U32, FLAGS_OFFSET, flags);
        return this;
    }

    /** {@code flags & FWD_MASK}, a {@link FwdMethod#flags()} value. */
    public int fwdMethod()
    {
        return flags() & ConnFlags.FWD_MASK;
    }

    public boolean isInactive()
    {
        return (flags() & ConnFlags.INACTIVE) != 0;
    }

    public boolean isTemplate()
    {
        return (flags() & ConnFlags.TEMPLATE) != 0;
    }

    public int state()
    {
        return Byte.toUnsignedInt(bytes[STATE_OFFSET]);
    }

    public ConnEntry state(final int state)
    {
        bytes[STATE_OFFSET] = (byte)state;
        return this;
    }

    /** Address family of the real server (it may differ from the service's, as IPVS allows for tunnels). */
    public int daf()
    {
        return Byte.toUnsignedInt(bytes[DAF_OFFSET]);
    }

    public ConnEntry daf(final int daf)
    {
        bytes[DAF_OFFSET] = (byte)daf;
        return this;
    }

    public long daddrHi()
    {
        return seg.get(U64, DADDR_HI_OFFSET);
    }

    public long daddrLo()
    {
        return seg.get(U64, DADDR_LO_OFFSET);
    }

    public ConnEntry daddr(final long hi, final long lo)
    {
        seg.set(U64, DADDR_HI_OFFSET, hi);
        seg.set(U64, DADDR_LO_OFFSET, lo);
        return this;
    }

    /** Sets an IPv4 real server ({@code daf = AF_INET}). */
    public ConnEntry daddrV4(final int addr)
    {
        return daf(PacketView.AF_INET).daddr(0, addr & 0xFFFF_FFFFL);
    }

    public int dport()
    {
        return Short.toUnsignedInt(seg.get(U16, DPORT_OFFSET));
    }

    public ConnEntry dport(final int dport)
    {
        seg.set(U16, DPORT_OFFSET, (short)dport);
        return this;
    }

    public int timeoutSec()
    {
        return seg.get(U32, TIMEOUT_OFFSET);
    }

    public ConnEntry timeoutSec(final int timeoutSec)
    {
        seg.set(U32, TIMEOUT_OFFSET, timeoutSec);
        return this;
    }

    public int inPkts()
    {
        return seg.get(U32, IN_PKTS_OFFSET);
    }

    public ConnEntry inPkts(final int inPkts)
    {
        seg.set(U32, IN_PKTS_OFFSET, inPkts);
        return this;
    }

    public long expiresMs()
    {
        return seg.get(U64, EXPIRES_OFFSET);
    }

    public ConnEntry expiresMs(final long expiresMs)
    {
        seg.set(U64, EXPIRES_OFFSET, expiresMs);
        return this;
    }

    public long createdMs()
    {
        return seg.get(U64, CREATED_OFFSET);
    }

    public ConnEntry createdMs(final long createdMs)
    {
        seg.set(U64, CREATED_OFFSET, createdMs);
        return this;
    }

    public long lastSyncMs()
    {
        return seg.get(U64, LAST_SYNC_OFFSET);
    }

    public ConnEntry lastSyncMs(final long lastSyncMs)
    {
        seg.set(U64, LAST_SYNC_OFFSET, lastSyncMs);
        return this;
    }

    public int destId()
    {
        return seg.get(U32, DEST_ID_OFFSET);
    }

    public ConnEntry destId(final int destId)
    {
        seg.set(U32, DEST_ID_OFFSET, destId);
        return this;
    }

    public int fwmark()
    {
        return seg.get(U32, FWMARK_OFFSET);
    }

    public ConnEntry fwmark(final int fwmark)
    {
        seg.set(U32, FWMARK_OFFSET, fwmark);
        return this;
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof ConnEntry that && Arrays.equals(bytes, that.bytes));
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString()
    {
        final FwdMethod fwd = FwdMethod.ofFlags(flags());
        return "ConnEntry{d=" + Addresses.ntop(daf() == 0 ? PacketView.AF_INET : daf(), daddrHi(), daddrLo()) + ":" +
            dport() + ", fwd=" + (null == fwd ? "?" : fwd.listName()) + ", flags=0x" + Integer.toHexString(flags()) +
            ", state=" + state() + ", timeout=" + timeoutSec() + "s, expires=" + expiresMs() +
            ", inPkts=" + inPkts() + ", destId=" + destId() + ", fwmark=" + fwmark() + "}";
    }
}
