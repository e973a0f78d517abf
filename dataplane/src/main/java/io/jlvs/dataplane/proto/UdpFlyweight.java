package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;

/**
 * UDP header (RFC 768).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Source Port          |       Destination Port        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Length             |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Length covers header and data. Over IPv4 a checksum of 0 means "none" and must stay 0 through NAT;
 * a computed checksum of 0 goes on the wire as 0xFFFF ({@link InetChecksum#udpWireChecksum(int)}).
 */
public final class UdpFlyweight
{
    public static final int SRC_PORT_OFFSET = 0;
    public static final int DST_PORT_OFFSET = 2;
    public static final int LENGTH_OFFSET = 4;
    public static final int CHECKSUM_OFFSET = 6;
    public static final int HEADER_LENGTH = 8;

    private MemorySegment seg;
    private long base;

    public UdpFlyweight wrap(final MemorySegment seg, final long base)
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

    public UdpFlyweight srcPort(final int v)
    {
        seg.set(U16, base + SRC_PORT_OFFSET, (short)v);
        return this;
    }

    public int dstPort()
    {
        return Short.toUnsignedInt(seg.get(U16, base + DST_PORT_OFFSET));
    }

    public UdpFlyweight dstPort(final int v)
    {
        seg.set(U16, base + DST_PORT_OFFSET, (short)v);
        return this;
    }

    public int length()
    {
        return Short.toUnsignedInt(seg.get(U16, base + LENGTH_OFFSET));
    }

    public UdpFlyweight length(final int v)
    {
        seg.set(U16, base + LENGTH_OFFSET, (short)v);
        return this;
    }

    public int checksum()
    {
        return Short.toUnsignedInt(seg.get(U16, base + CHECKSUM_OFFSET));
    }

    public UdpFlyweight checksum(final int v)
    {
        seg.set(U16, base + CHECKSUM_OFFSET, (short)v);
        return this;
    }
}
