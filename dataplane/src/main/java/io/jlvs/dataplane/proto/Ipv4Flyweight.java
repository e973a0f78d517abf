package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * IPv4 header (RFC 791, DSCP/ECN per RFC 2474 and RFC 3168).
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |Version|  IHL  |   DSCP    |ECN|          Total Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Identification        |0|D|M|     Fragment Offset     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Time to Live |    Protocol   |        Header Checksum        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Source Address                          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination Address                        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |              Options (IHL * 4 - 20 bytes)       |    Padding  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Addresses are ints in network order (the first octet most significant). 16-bit fields are returned
 * unsigned. Setters do not touch the checksum: see {@link InetChecksum}.
 */
public final class Ipv4Flyweight
{
    public static final int VERSION_IHL_OFFSET = 0;
    public static final int TOS_OFFSET = 1;
    public static final int TOTAL_LENGTH_OFFSET = 2;
    public static final int ID_OFFSET = 4;
    public static final int FLAGS_FRAGMENT_OFFSET_OFFSET = 6;
    public static final int TTL_OFFSET = 8;
    public static final int PROTOCOL_OFFSET = 9;
    public static final int CHECKSUM_OFFSET = 10;
    public static final int SRC_ADDR_OFFSET = 12;
    public static final int DST_ADDR_OFFSET = 16;
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int MAX_HEADER_LENGTH = 60;
    public static final int VERSION = 4;
    public static final int MIN_IHL = 5;

    /** Don't Fragment, in the flags/fragment-offset half-word. */
    public static final int FLAG_DF = 0x4000;
    /** More Fragments, in the flags/fragment-offset half-word. */
    public static final int FLAG_MF = 0x2000;
    public static final int FRAGMENT_OFFSET_MASK = 0x1FFF;

    private MemorySegment seg;
    private long base;

    public Ipv4Flyweight wrap(final MemorySegment seg, final long base)
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

    public int version()
    {
        return versionIhl() >>> 4;
    }

    public Ipv4Flyweight version(final int version)
    {
        return versionIhl((version << 4) | (versionIhl() & 0x0F));
    }

    /** Header length in 32-bit words. */
    public int ihl()
    {
        return versionIhl() & 0x0F;
    }

    public Ipv4Flyweight ihl(final int ihl)
    {
        return versionIhl((versionIhl() & 0xF0) | (ihl & 0x0F));
    }

    /** The whole first byte: version in the high nibble, IHL in the low. */
    public int versionIhl()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + VERSION_IHL_OFFSET));
    }

    public Ipv4Flyweight versionIhl(final int v)
    {
        seg.set(U8, base + VERSION_IHL_OFFSET, (byte)v);
        return this;
    }

    /** Header length in bytes: {@code ihl() * 4}. */
    public int headerLength()
    {
        return ihl() << 2;
    }

    /** Bytes of options (and their padding) after the 20-byte fixed header. */
    public int optionsLength()
    {
        return headerLength() - MIN_HEADER_LENGTH;
    }

    /** The whole second byte (DSCP and ECN), the old type-of-service field. */
    public int tos()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + TOS_OFFSET));
    }

    public Ipv4Flyweight tos(final int v)
    {
        seg.set(U8, base + TOS_OFFSET, (byte)v);
        return this;
    }

    public int dscp()
    {
        return tos() >>> 2;
    }

    public Ipv4Flyweight dscp(final int dscp)
    {
        return tos((dscp << 2) | (tos() & 0x03));
    }

    public int ecn()
    {
        return tos() & 0x03;
    }

    public Ipv4Flyweight ecn(final int ecn)
    {
        return tos((tos() & 0xFC) | (ecn & 0x03));
    }

    public int totalLength()
    {
        return Short.toUnsignedInt(seg.get(U16, base + TOTAL_LENGTH_OFFSET));
    }

    public Ipv4Flyweight totalLength(final int v)
    {
        seg.set(U16, base + TOTAL_LENGTH_OFFSET, (short)v);
        return this;
    }

    public int id()
    {
        return Short.toUnsignedInt(seg.get(U16, base + ID_OFFSET));
    }

    public Ipv4Flyweight id(final int v)
    {
        seg.set(U16, base + ID_OFFSET, (short)v);
        return this;
    }

    /** The raw half-word holding the three flag bits and the 13-bit fragment offset. */
    public int flagsFragmentOffset()
    {
        return Short.toUnsignedInt(seg.get(U16, base + FLAGS_FRAGMENT_OFFSET_OFFSET));
    }

    public Ipv4Flyweight flagsFragmentOffset(final int v)
    {
        seg.set(U16, base + FLAGS_FRAGMENT_OFFSET_OFFSET, (short)v);
        return this;
    }

    /** The three flag bits (reserved, DF, MF) as a value 0..7. */
    public int flags()
    {
        return flagsFragmentOffset() >>> 13;
    }

    public Ipv4Flyweight flags(final int flags)
    {
        return flagsFragmentOffset((flags << 13) | (flagsFragmentOffset() & FRAGMENT_OFFSET_MASK));
    }

    public boolean dontFragment()
    {
        return (flagsFragmentOffset() & FLAG_DF) != 0;
    }

    public boolean moreFragments()
    {
        return (flagsFragmentOffset() & FLAG_MF) != 0;
    }

    /** Fragment offset in 8-byte units. */
    public int fragmentOffset()
    {
        return flagsFragmentOffset() & FRAGMENT_OFFSET_MASK;
    }

    public Ipv4Flyweight fragmentOffset(final int offset)
    {
        return flagsFragmentOffset((flagsFragmentOffset() & ~FRAGMENT_OFFSET_MASK) | (offset & FRAGMENT_OFFSET_MASK));
    }

    /** True for any fragment, first or not: MF set or a non-zero offset. */
    public boolean isFragment()
    {
        return (flagsFragmentOffset() & (FLAG_MF | FRAGMENT_OFFSET_MASK)) != 0;
    }

    public int ttl()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + TTL_OFFSET));
    }

    public Ipv4Flyweight ttl(final int v)
    {
        seg.set(U8, base + TTL_OFFSET, (byte)v);
        return this;
    }

    public int protocol()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + PROTOCOL_OFFSET));
    }

    public Ipv4Flyweight protocol(final int v)
    {
        seg.set(U8, base + PROTOCOL_OFFSET, (byte)v);
        return this;
    }

    public int checksum()
    {
        return Short.toUnsignedInt(seg.get(U16, base + CHECKSUM_OFFSET));
    }

    public Ipv4Flyweight checksum(final int v)
    {
        seg.set(U16, base + CHECKSUM_OFFSET, (short)v);
        return this;
    }

    public int srcAddr()
    {
        return seg.get(U32, base + SRC_ADDR_OFFSET);
    }

    public Ipv4Flyweight srcAddr(final int v)
    {
        seg.set(U32, base + SRC_ADDR_OFFSET, v);
        return this;
    }

    public int dstAddr()
    {
        return seg.get(U32, base + DST_ADDR_OFFSET);
    }

    public Ipv4Flyweight dstAddr(final int v)
    {
        seg.set(U32, base + DST_ADDR_OFFSET, v);
        return this;
    }
}
