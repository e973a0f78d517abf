package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * IPv6 fixed header (RFC 8200).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version| Traffic Class |              Flow Label               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Payload Length        |  Next Header  |   Hop Limit   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +              Source Address (srcAddrHi, srcAddrLo)            +
 * |                           128 bits                            |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * +           Destination Address (dstAddrHi, dstAddrLo)         +
 * |                           128 bits                            |
 * +                                                               +
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * 40 bytes. An address is two longs, {@code hi} holding its first 8 bytes in network order, as in
 * {@link PacketView}. The payload length excludes these 40 bytes but includes extension headers.
 */
public final class Ipv6Flyweight
{
    public static final int VERSION_CLASS_FLOW_OFFSET = 0;
    public static final int PAYLOAD_LENGTH_OFFSET = 4;
    public static final int NEXT_HEADER_OFFSET = 6;
    public static final int HOP_LIMIT_OFFSET = 7;
    public static final int SRC_ADDR_OFFSET = 8;
    public static final int DST_ADDR_OFFSET = 24;
    public static final int HEADER_LENGTH = 40;
    public static final int VERSION = 6;
    public static final int FLOW_LABEL_MASK = 0x000F_FFFF;

    private MemorySegment seg;
    private long base;

    public Ipv6Flyweight wrap(final MemorySegment seg, final long base)
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

    /** The first 32 bits: version, traffic class and flow label together. */
    public int versionClassFlow()
    {
        return seg.get(U32, base + VERSION_CLASS_FLOW_OFFSET);
    }

    public Ipv6Flyweight versionClassFlow(final int v)
    {
        seg.set(U32, base + VERSION_CLASS_FLOW_OFFSET, v);
        return this;
    }

    public int version()
    {
        return versionClassFlow() >>> 28;
    }

    public Ipv6Flyweight version(final int version)
    {
        return versionClassFlow((version << 28) | (versionClassFlow() & 0x0FFF_FFFF));
    }

    /** Traffic class: DSCP in the high six bits, ECN in the low two. */
    public int trafficClass()
    {
        return (versionClassFlow() >>> 20) & 0xFF;
    }

    public Ipv6Flyweight trafficClass(final int trafficClass)
    {
        return versionClassFlow((versionClassFlow() & 0xF00F_FFFF) | ((trafficClass & 0xFF) << 20));
    }

    public int flowLabel()
    {
        return versionClassFlow() & FLOW_LABEL_MASK;
    }

    public Ipv6Flyweight flowLabel(final int flowLabel)
    {
        return versionClassFlow((versionClassFlow() & ~FLOW_LABEL_MASK) | (flowLabel & FLOW_LABEL_MASK));
    }

    public int payloadLength()
    {
        return Short.toUnsignedInt(seg.get(U16, base + PAYLOAD_LENGTH_OFFSET));
    }

    public Ipv6Flyweight payloadLength(final int v)
    {
        seg.set(U16, base + PAYLOAD_LENGTH_OFFSET, (short)v);
        return this;
    }

    public int nextHeader()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + NEXT_HEADER_OFFSET));
    }

    public Ipv6Flyweight nextHeader(final int v)
    {
        seg.set(U8, base + NEXT_HEADER_OFFSET, (byte)v);
        return this;
    }

    public int hopLimit()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + HOP_LIMIT_OFFSET));
    }

    public Ipv6Flyweight hopLimit(final int v)
    {
        seg.set(U8, base + HOP_LIMIT_OFFSET, (byte)v);
        return this;
    }

    /** Writes a whole header: version 6, {@code trafficClass}, flow label 0, and the rest as given. */
    public Ipv6Flyweight header(final int trafficClass, final int payloadLength, final int nextHeader, final int hopLimit,
        final long srcHi, final long srcLo, final long dstHi, final long dstLo)
    {
        return versionClassFlow((VERSION << 28) | ((trafficClass & 0xFF) << 20))
            .payloadLength(payloadLength)
            .nextHeader(nextHeader)
            .hopLimit(hopLimit)
            .srcAddrHi(srcHi)
            .srcAddrLo(srcLo)
            .dstAddrHi(dstHi)
            .dstAddrLo(dstLo);
    }

    public long srcAddrHi()
    {
        return seg.get(U64, base + SRC_ADDR_OFFSET);
    }

    public Ipv6Flyweight srcAddrHi(final long v)
    {
        seg.set(U64, base + SRC_ADDR_OFFSET, v);
        return this;
    }

    public long srcAddrLo()
    {
        return seg.get(U64, base + SRC_ADDR_OFFSET + 8);
    }

    public Ipv6Flyweight srcAddrLo(final long v)
    {
        seg.set(U64, base + SRC_ADDR_OFFSET + 8, v);
        return this;
    }

    public long dstAddrHi()
    {
        return seg.get(U64, base + DST_ADDR_OFFSET);
    }

    public Ipv6Flyweight dstAddrHi(final long v)
    {
        seg.set(U64, base + DST_ADDR_OFFSET, v);
        return this;
    }

    public long dstAddrLo()
    {
        return seg.get(U64, base + DST_ADDR_OFFSET + 8);
    }

    public Ipv6Flyweight dstAddrLo(final long v)
    {
        seg.set(U64, base + DST_ADDR_OFFSET + 8, v);
        return this;
    }
}
