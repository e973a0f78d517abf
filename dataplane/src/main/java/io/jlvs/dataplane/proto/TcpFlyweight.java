package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * TCP header (RFC 9293, ECN bits per RFC 3168).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Sequence Number                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Acknowledgment Number                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Data |       |C|E|U|A|P|R|S|F|                               |
 * | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 * |       |       |R|E|G|K|H|T|N|N|                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Checksum            |         Urgent Pointer        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Options (dataOffset * 4 - 20 bytes)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Ports and 16-bit fields are returned unsigned; sequence numbers as raw ints (compare them with
 * serial arithmetic). {@link #flags()} is the byte at offset 13, the same value
 * {@link PacketView#tcpFlags} holds.
 */
public final class TcpFlyweight
{
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int SEQ_OFFSET = 4;
    public static final int ACK_OFFSET = 8;
    public static final int DATA_OFFSET_OFFSET = 12;
    public static final int FLAGS_OFFSET = 13;
    public static final int WINDOW_OFFSET = 14;
    public static final int CHECKSUM_OFFSET = 16;
    public static final int URGENT_POINTER_OFFSET = 18;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int MIN_DATA_OFFSET = 5;

    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private MemorySegment seg;
    private long base;

    public TcpFlyweight wrap(final MemorySegment seg, final long base)
    {
        this.seg = seg;
        this.base = base;
        return this;
    }

    public MemorySegment segment()
    {
        return seg;
    }

    public long base()
    {
        return base;
    }

    public int srcPort()
    {
        return Short.toUnsignedInt(seg.get(U16, base + SRC_PORT_OFFSET));
    }

    public TcpFlyweight srcPort(final int v)
    {
        seg.set(U16, base + SRC_PORT_OFFSET, (short)v);
        return this;
    }

    public int dstPort()
    {
        return Short.toUnsignedInt(seg.get(U16, base + DST_PORT_OFFSET));
    }

    public TcpFlyweight dstPort(final int v)
    {
        seg.set(U16, base + DST_PORT_OFFSET, (short)v);
        return this;
    }

    public int seq()
    {
        return seg.get(U32, base + SEQ_OFFSET);
    }

    public TcpFlyweight seq(final int v)
    {
        seg.set(U32, base + SEQ_OFFSET, v);
        return this;
    }

    public int ack()
    {
        return seg.get(U32, base + ACK_OFFSET);
    }

    public TcpFlyweight ack(final int v)
    {
        seg.set(U32, base + ACK_OFFSET, v);
        return this;
    }

    /** Header length in 32-bit words (the high nibble of byte 12). */
    public int dataOffset()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + DATA_OFFSET_OFFSET)) >>> 4;
    }

    /** Sets the data offset, keeping the low nibble (reserved bits) of byte 12. */
    public TcpFlyweight dataOffset(final int words)
    {
        final long at = base + DATA_OFFSET_OFFSET;
        seg.set(U8, at, (byte)((words << 4) | (seg.get(U8, at) & 0x0F)));
        return this;
    }

    /** Header length in bytes: {@code dataOffset() * 4}. */
    public int headerLength()
    {
        return dataOffset() << 2;
    }

    /** Bytes of options after the 20-byte fixed header. */
    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** The flags byte: CWR ECE URG ACK PSH RST SYN FIN, most significant first. */
    public int flags()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + FLAGS_OFFSET));
    }

    public TcpFlyweight flags(final int v)
    {
        seg.set(U8, base + FLAGS_OFFSET, (byte)v);
        return this;
    }

    /** True when every bit of {@code mask} is set in {@link #flags()}. */
    public boolean hasFlags(final int mask)
    {
        return (flags() & mask) == mask;
    }

    public int window()
    {
        return Short.toUnsignedInt(seg.get(U16, base + WINDOW_OFFSET));
    }

    public TcpFlyweight window(final int v)
    {
        seg.set(U16, base + WINDOW_OFFSET, (short)v);
        return this;
    }

    public int checksum()
    {
        return Short.toUnsignedInt(seg.get(U16, base + CHECKSUM_OFFSET));
    }

    public TcpFlyweight checksum(final int v)
    {
        seg.set(U16, base + CHECKSUM_OFFSET, (short)v);
        return this;
    }

    public int urgentPointer()
    {
        return Short.toUnsignedInt(seg.get(U16, base + URGENT_POINTER_OFFSET));
    }

    public TcpFlyweight urgentPointer(final int v)
    {
        seg.set(U16, base + URGENT_POINTER_OFFSET, (short)v);
        return this;
    }
}
