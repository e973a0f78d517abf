package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) header: both share the first 8 bytes.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Type      |     Code      |           Checksum            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                        Rest of Header                         |
 * |   echo: Identifier | Sequence; frag-needed: unused | Next-Hop  |
 * |   MTU; ICMPv6 packet-too-big: MTU; other errors: unused/pointer |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  errors only: the original datagram, from its IP header on    |
 * |  (at ORIGINAL_DATAGRAM_OFFSET; at least its first 8 L4 bytes) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * For an error ({@link #isIcmpv4Error(int)}, {@link #isIcmpv6Error(int)}) the embedded original
 * datagram starts at {@link #originalDatagramOffset()}: IPVS (ip_vs_in_icmp) looks the connection up
 * from that inner header with source and destination reversed. Its bounds are the caller's to check.
 */
public final class IcmpFlyweight
{
    public static final int TYPE_OFFSET = 0;
    public static final int CODE_OFFSET = 1;
    public static final int CHECKSUM_OFFSET = 2;
    public static final int REST_OF_HEADER_OFFSET = 4;
    public static final int IDENTIFIER_OFFSET = 4;
    public static final int SEQUENCE_OFFSET = 6;
    public static final int NEXT_HOP_MTU_OFFSET = 6;
    public static final int ORIGINAL_DATAGRAM_OFFSET = 8;
    public static final int HEADER_LENGTH = 8;

    public static final int ECHO_REPLY = 0;
    public static final int DEST_UNREACHABLE = 3;
    public static final int SOURCE_QUENCH = 4;
    public static final int REDIRECT = 5;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int PARAMETER_PROBLEM = 12;
    /** Code of {@link #DEST_UNREACHABLE}: the port is not served (what IPVS answers when no real server is left). */
    public static final int CODE_PORT_UNREACHABLE = 3;
    /** Code of {@link #DEST_UNREACHABLE}: fragmentation needed and DF set (path MTU discovery). */
    public static final int CODE_FRAGMENTATION_NEEDED = 4;

    public static final int V6_DEST_UNREACHABLE = 1;
    public static final int V6_PACKET_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_PARAMETER_PROBLEM = 4;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;

    private MemorySegment seg;
    private long base;

    public IcmpFlyweight wrap(final MemorySegment seg, final long base)
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

    public int type()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + TYPE_OFFSET));
    }

    public IcmpFlyweight type(final int v)
    {
        seg.set(U8, base + TYPE_OFFSET, (byte)v);
        return this;
    }

    public int code()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + CODE_OFFSET));
    }

    public IcmpFlyweight code(final int v)
    {
        seg.set(U8, base + CODE_OFFSET, (byte)v);
        return this;
    }

    public int checksum()
    {
        return Short.toUnsignedInt(seg.get(U16, base + CHECKSUM_OFFSET));
    }

    public IcmpFlyweight checksum(final int v)
    {
        seg.set(U16, base + CHECKSUM_OFFSET, (short)v);
        return this;
    }

    /** The four type-specific bytes after the checksum, as one int. */
    public int restOfHeader()
    {
        return seg.get(U32, base + REST_OF_HEADER_OFFSET);
    }

    public IcmpFlyweight restOfHeader(final int v)
    {
        seg.set(U32, base + REST_OF_HEADER_OFFSET, v);
        return this;
    }

    /** Echo request/reply identifier. */
    public int identifier()
    {
        return Short.toUnsignedInt(seg.get(U16, base + IDENTIFIER_OFFSET));
    }

    public IcmpFlyweight identifier(final int v)
    {
        seg.set(U16, base + IDENTIFIER_OFFSET, (short)v);
        return this;
    }

    /** Echo request/reply sequence number. */
    public int sequence()
    {
        return Short.toUnsignedInt(seg.get(U16, base + SEQUENCE_OFFSET));
    }

    public IcmpFlyweight sequence(final int v)
    {
        seg.set(U16, base + SEQUENCE_OFFSET, (short)v);
        return this;
    }

    /** ICMPv4 fragmentation-needed next-hop MTU (RFC 1191). */
    public int nextHopMtu()
    {
        return Short.toUnsignedInt(seg.get(U16, base + NEXT_HOP_MTU_OFFSET));
    }

    public IcmpFlyweight nextHopMtu(final int v)
    {
        seg.set(U16, base + NEXT_HOP_MTU_OFFSET, (short)v);
        return this;
    }

    /** Absolute offset in the segment of the embedded original datagram of an error message. */
    public long originalDatagramOffset()
    {
        return base + ORIGINAL_DATAGRAM_OFFSET;
    }

    /** True for the ICMPv4 error types that carry an original datagram (as the kernel's icmp_is_err). */
    public static boolean isIcmpv4Error(final int type)
    {
        return switch (type)
        {
            case DEST_UNREACHABLE, SOURCE_QUENCH, REDIRECT, TIME_EXCEEDED, PARAMETER_PROBLEM -> true;
            default -> false;
        };
    }

    /** True for ICMPv6 error messages: types below 128 (RFC 4443 section 2.1). */
    public static boolean isIcmpv6Error(final int type)
    {
        return type < 128;
    }
}
