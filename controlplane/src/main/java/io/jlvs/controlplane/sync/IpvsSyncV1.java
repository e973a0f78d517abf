package io.jlvs.controlplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnVisitor;
import io.jlvs.dataplane.proto.PacketView;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel's own sync message, version 1 ({@code net/netfilter/ipvs/ip_vs_sync.c}), so that a jlvs director and a
 * kernel LVS director can back each other up (a migration's mixed pair). Big-endian on the wire:
 * <pre>
 *   header (8):  u8 reserved = 0 | u8 syncid | be16 size (the whole datagram) | u8 nr_conns | s8 version = 1 | u16 spare
 *   per connection, each starting on a 4-byte boundary:
 *     u8 type (0x80: IPv6) | u8 protocol | be16 ver_size (version 0 in the top 4 bits, the record's size below)
 *     be32 flags | be16 state | be16 cport | be16 vport | be16 dport | be32 fwmark | be32 timeout (s)
 *     caddr, vaddr, daddr (4 bytes each, or 16 for IPv6)                       (36 bytes, or 72)
 *     options: u8 type | u8 length | data: 1 = sequence data (24 bytes), 2 = PE data, 3 = PE name
 * </pre>
 * Reading follows the kernel's {@code ip_vs_process_message()} and {@code ip_vs_proc_sync_conn()}: the datagram's
 * size must be the header's, the version 1 and reserved 0, the syncid ours unless ours is 0; a record that runs past
 * the end, or has a version other than 0, ends the message; a record with options the kernel would refuse (twice the
 * same, a sequence option of another length) or a persistence engine (jlvs has none: the kernel too drops such a
 * record when it lacks the engine) is skipped. Protocol and state are the {@link io.jlvs.dataplane.sync.SyncApplier}'s
 * to check, as the kernel's applier does. No authentication: the kernel has none.
 * <p>
 * Writing caps a message at {@value #MAX_LENGTH} bytes, what a kernel master sends "for compatibility" (1500 less the
 * IP and UDP headers). One thread's.
 */
public final class IpvsSyncV1
{
    public static final int VERSION = 1;
    public static final int HEADER = 8;
    public static final int V4_RECORD = 36;
    public static final int V6_RECORD = 72;
    /** 1500 - 20 - 8: a kernel master's own cap. */
    public static final int MAX_LENGTH = 1472;
    public static final int DEFAULT_PORT = 8848;
    public static final String DEFAULT_GROUP = "224.0.0.81";
    static final int TYPE_INET6 = 0x80;
    static final int OPT_SEQ_DATA = 1;
    static final int OPT_PE_DATA = 2;
    static final int OPT_PE_NAME = 3;
    static final int SEQ_OPTION_LENGTH = 24;
    /** Flags never sent: HASHED and everything from bit 16 (NFCT...). */
    static final int SENT_FLAGS = 0xFFFF & ~ConnFlags.HASHED;

    /** Why a message, or a record in it, was refused. */
    public enum Verdict
    {
        OK, TRUNCATED, SIZE, VERSION, SYNC_ID, BOGUS_RECORD, OPTIONS
    }

    private final ByteBuffer out = ByteBuffer.allocate(MAX_LENGTH).order(ByteOrder.BIG_ENDIAN);
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private int count;
    private int syncId;
    private int recordsSkipped;

    /** Starts a message. */
    public void begin(final int syncId)
    {
        this.syncId = syncId;
        out.clear();
        out.position(HEADER);
        count = 0;
    }

    /**
     * Adds a connection.
     *
     * @return false when it does not fit (send the message, begin another) or the message has 255 already.
     */
    public boolean add(final ConnKey k, final ConnEntry e)
    {
        final boolean v6 = k.af() == PacketView.AF_INET6;
        final int size = v6 ? V6_RECORD : V4_RECORD;
        final int pad = (4 - (out.position() & 3)) & 3;
        if (count == 255 || out.position() + pad + size > MAX_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < pad; i++)
        {
            out.put((byte)0);
        }
        out.put((byte)(v6 ? TYPE_INET6 : 0));
        out.put((byte)k.protocol());
        out.putShort((short)(size & 0x0FFF));
        out.putInt(e.flags() & SENT_FLAGS & ~ConnFlags.SEQ_MASK); // jlvs keeps no NAT sequence offsets to send
        out.putShort((short)e.state());
        out.putShort((short)k.cport());
        out.putShort((short)k.vport());
        out.putShort((short)e.dport());
        out.putInt(e.fwmark());
        out.putInt(e.timeoutSec());
        putAddress(v6, k.caddrHi(), k.caddrLo());
        putAddress(v6, k.vaddrHi(), k.vaddrLo());
        putAddress(v6, e.daddrHi(), e.daddrLo());
        count++;
        return true;
    }

    private void putAddress(final boolean v6, final long hi, final long lo)
    {
        if (v6)
        {
            out.putLong(hi);
            out.putLong(lo);
        }
        else
        {
            out.putInt((int)lo);
        }
    }

    public int count()
    {
        return count;
    }

    /** Ends the message: its header written, ready to send as {@code buffer()[0, length)}. */
    public int end()
    {
        final int length = out.position();
        out.put(0, (byte)0);
        out.put(1, (byte)syncId);
        out.putShort(2, (short)length);
        out.put(4, (byte)count);
        out.put(5, (byte)VERSION);
        out.putShort(6, (short)0);
        return length;
    }

    public byte[] buffer()
    {
        return out.array();
    }

    /**
     * Reads a received datagram, handing each connection in it to {@code visitor} (the key and entry are reused).
     *
     * @param ownSyncId the backup's syncid: 0 takes every master's.
     * @return {@link Verdict#OK} when the message was read (records may have been skipped: {@link #recordsSkipped}),
     *     otherwise why it was dropped from where it failed; records before a failure were handed over, as the
     *     kernel applies them.
     */
    public Verdict read(final byte[] d, final int length, final int ownSyncId, final ConnVisitor visitor)
    {
        recordsSkipped = 0;
        if (length < HEADER)
        {
            return Verdict.TRUNCATED;
        }
        final ByteBuffer in = ByteBuffer.wrap(d, 0, length).order(ByteOrder.BIG_ENDIAN);
        if ((in.getShort(2) & 0xFFFF) != length)
        {
            return Verdict.SIZE;
        }
        if (ownSyncId != 0 && (in.get(1) & 0xFF) != ownSyncId)
        {
            return Verdict.SYNC_ID;
        }
        if (in.get(0) != 0 || in.get(5) != VERSION)
        {
            return Verdict.VERSION; // version 0, or a version not known
        }
        final int conns = in.get(4) & 0xFF;
        int p = HEADER;
        for (int i = 0; i < conns; i++)
        {
            if (p + 4 > length)
            {
                return Verdict.BOGUS_RECORD;
            }
            final int type = in.get(p) & 0xFF;
            final int verSize = in.getShort(p + 2) & 0xFFFF;
            final int size = verSize & 0x0FFF;
            final int end = p + size;
            if (end > length || (verSize >>> 12) != 0)
            {
                return Verdict.BOGUS_RECORD;
            }
            final boolean v6 = (type & TYPE_INET6) != 0;
            final int fixed = v6 ? V6_RECORD : V4_RECORD;
            if (size < fixed)
            {
                return Verdict.BOGUS_RECORD;
            }
            if (options(in, p + fixed, end))
            {
                decode(in, p, v6);
                visitor.onConn(key, entry);
            }
            else
            {
                recordsSkipped++;
            }
            p = (end + 3) & ~3;
        }
        return Verdict.OK;
    }

    /** Records skipped by the last {@link #read}: options the kernel refuses, or a persistence engine. */
    public int recordsSkipped()
    {
        return recordsSkipped;
    }

    /** Walks a record's options: false when the kernel would not take it. */
    private static boolean options(final ByteBuffer in, final int from, final int end)
    {
        boolean seq = false;
        int p = from;
        while (p < end)
        {
            if (p + 2 > end)
            {
                return false;
            }
            final int type = in.get(p) & 0xFF;
            final int len = in.get(p + 1) & 0xFF;
            if (p + 2 + len > end)
            {
                return false;
            }
            if (type == OPT_SEQ_DATA)
            {
                if (seq || len != SEQ_OPTION_LENGTH)
                {
                    return false;
                }
                seq = true;
            }
            else if (type == OPT_PE_DATA || type == OPT_PE_NAME)
            {
                return false; // a persistence engine (sip): jlvs has none, and the kernel skips it without one
            }
            else
            {
                return false; // an unknown option: the kernel's "Invalid option"
            }
            p += 2 + len;
        }
        return true;
    }

    private void decode(final ByteBuffer in, final int p, final boolean v6)
    {
        final int protocol = in.get(p + 1) & 0xFF;
        final int flags = in.getInt(p + 4);
        final int state = in.getShort(p + 8) & 0xFFFF;
        final int cport = in.getShort(p + 10) & 0xFFFF;
        final int vport = in.getShort(p + 12) & 0xFFFF;
        final int dport = in.getShort(p + 14) & 0xFFFF;
        final int fwmark = in.getInt(p + 16);
        final int timeout = in.getInt(p + 20);
        final int af = v6 ? PacketView.AF_INET6 : PacketView.AF_INET;
        if (v6)
        {
            key.set(protocol, af, in.getLong(p + 24), in.getLong(p + 32), cport, in.getLong(p + 40),
                in.getLong(p + 48), vport);
            entry.reset().daf(af).daddr(in.getLong(p + 56), in.getLong(p + 64));
        }
        else
        {
            key.set(protocol, af, 0, in.getInt(p + 24) & 0xFFFF_FFFFL, cport, 0, in.getInt(p + 28) & 0xFFFF_FFFFL,
                vport);
            entry.reset().daf(af).daddr(0, in.getInt(p + 32) & 0xFFFF_FFFFL);
        }
        // a state beyond a byte is the applier's "invalid state" as it is the kernel's
        entry.flags(flags).state(Math.min(state, 0xFF)).dport(dport).fwmark(fwmark)
            .timeoutSec(timeout < 0 ? Integer.MAX_VALUE : timeout);
    }
}
