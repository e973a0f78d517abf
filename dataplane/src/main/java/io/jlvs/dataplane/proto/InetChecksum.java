package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624), over {@link MemorySegment}.
 * <pre>
 *  checksum = ~( one's-complement sum of the data as 16-bit big-endian words ) &amp; 0xFFFF
 *
 *  TCP/UDP pseudo-header, IPv4 (RFC 9293 3.1)      IPv6 (RFC 8200 8.1)
 *  +--------+--------+--------+--------+           +-----------------------------------+
 *  |          Source Address           |           |   Source Address (128 bits)       |
 *  +--------+--------+--------+--------+           +-----------------------------------+
 *  |        Destination Address        |           |   Destination Address (128 bits)  |
 *  +--------+--------+--------+--------+           +-----------------------------------+
 *  |  zero  |  Proto |    L4 Length    |           |   Upper-Layer Length (32 bits)    |
 *  +--------+--------+--------+--------+           +--------------------------+--------+
 *                                                  |      zero (24 bits)      |Next Hdr|
 *                                                  +--------------------------+--------+
 * </pre>
 * Vocabulary: a <em>sum</em> is the folded, uncomplemented one's-complement sum (0..0xFFFF) and can be
 * fed as {@code initial} into the next range; a <em>checksum</em> is its complement, as it goes on the
 * wire. When chaining ranges, every range but the last must have an even length. All methods are
 * static, allocation free, and read the segment with big-endian unaligned layouts.
 */
public final class InetChecksum
{
    private InetChecksum()
    {
    }

    /**
     * One's-complement sum of {@code length} bytes at {@code offset}, added to {@code initial} (an
     * earlier sum, treated as unsigned 32 bits), folded to 16 bits. An odd last byte is padded with a
     * zero byte on its right, as RFC 1071 says.
     */
    public static int sum(final MemorySegment seg, final long offset, final int length, final int initial)
    {
        long acc = Integer.toUnsignedLong(initial);
        long at = offset;
        int remaining = length;
        while (remaining >= 8)
        {
            final long v = seg.get(U64, at);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
            at += 8;
            remaining -= 8;
        }
        if (remaining >= 4)
        {
            acc += Integer.toUnsignedLong(seg.get(U32, at));
            at += 4;
            remaining -= 4;
        }
        if (remaining >= 2)
        {
            acc += Short.toUnsignedLong(seg.get(U16, at));
            at += 2;
            remaining -= 2;
        }
        if (remaining == 1)
        {
            acc += Byte.toUnsignedLong(seg.get(U8, at)) << 8;
        }
        return fold(acc);
    }

    /** Folds a (non-negative) wide one's-complement accumulator down to 16 bits with end-around carry. */
    public static int fold(final long acc)
    {
        long s = acc;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    /** The checksum of a range: the complement of {@link #sum}, e.g. over an ICMP message with initial 0. */
    public static int checksum(final MemorySegment seg, final long offset, final int length, final int initial)
    {
        return ~sum(seg, offset, length, initial) & 0xFFFF;
    }

    /**
     * Computes the IPv4 header checksum of the header at {@code ipOffset} (length from its IHL), as if
     * the checksum field were zero. Does not write it.
     */
    public static int ipv4HeaderChecksum(final MemorySegment seg, final long ipOffset)
    {
        final int headerLength = (seg.get(U8, ipOffset) & 0x0F) << 2;
        final int head = sum(seg, ipOffset, Ipv4Flyweight.CHECKSUM_OFFSET, 0);
        final int afterChecksum = Ipv4Flyweight.CHECKSUM_OFFSET + 2;
        return ~sum(seg, ipOffset + afterChecksum, headerLength - afterChecksum, head) & 0xFFFF;
    }

    /** Computes and writes the IPv4 header checksum; returns it. */
    public static int writeIpv4HeaderChecksum(final MemorySegment seg, final long ipOffset)
    {
        final int checksum = ipv4HeaderChecksum(seg, ipOffset);
        seg.set(U16, ipOffset + Ipv4Flyweight.CHECKSUM_OFFSET, (short)checksum);
        return checksum;
    }

    /** True when the IPv4 header at {@code ipOffset}, checksum included, sums to 0xFFFF. */
    public static boolean isIpv4HeaderChecksumValid(final MemorySegment seg, final long ipOffset)
    {
        final int headerLength = (seg.get(U8, ipOffset) & 0x0F) << 2;
        return sum(seg, ipOffset, headerLength, 0) == 0xFFFF;
    }

    /**
     * RFC 1624 equation 3: the new checksum after a 16-bit field covered by {@code checksum} changed
     * from {@code oldValue} to {@code newValue}: {@code HC' = ~(~HC + ~m + m')}.
     */
    public static int update16(final int checksum, final int oldValue, final int newValue)
    {
        final long acc = (~checksum & 0xFFFF) + (~oldValue & 0xFFFF) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** RFC 1624 for a changed 32-bit field (an IPv4 address, a TCP sequence number): both halves at once. */
    public static int update32(final int checksum, final int oldValue, final int newValue)
    {
        final long acc = (~checksum & 0xFFFF) +
            (~oldValue >>> 16) + (~oldValue & 0xFFFF) +
            (newValue >>> 16) + (newValue & 0xFFFF);
        return ~fold(acc) & 0xFFFF;
    }

    /** RFC 1624 for a changed 128-bit field (an IPv6 address as hi/lo longs). */
    public static int update128(
        final int checksum, final long oldHi, final long oldLo, final long newHi, final long newLo)
    {
        long acc = ~checksum & 0xFFFF;
        acc += wordSum(~oldHi) + wordSum(~oldLo) + wordSum(newHi) + wordSum(newLo);
        return ~fold(acc) & 0xFFFF;
    }

    /** Sum of the IPv4 TCP/UDP pseudo-header (uncomplemented, folded), the {@code initial} for the L4 range. */
    public static int pseudoHeaderSum4(final int srcAddr, final int dstAddr, final int protocol, final int l4Length)
    {
        final long acc = (srcAddr >>> 16) + (srcAddr & 0xFFFF) + (dstAddr >>> 16) + (dstAddr & 0xFFFF) +
            (protocol & 0xFF) + (l4Length & 0xFFFF);
        return fold(acc);
    }

    /** Sum of the IPv6 upper-layer pseudo-header (uncomplemented, folded); {@code l4Length} is 32 bits. */
    public static int pseudoHeaderSum6(
        final long srcHi, final long srcLo, final long dstHi, final long dstLo, final int nextHeader, final int l4Length)
    {
        final long acc = wordSum(srcHi) + wordSum(srcLo) + wordSum(dstHi) + wordSum(dstLo) +
            (l4Length >>> 16) + (l4Length & 0xFFFF) + (nextHeader & 0xFF);
        return fold(acc);
    }

    /**
     * Checksum of an L4 segment (header with its checksum field zeroed, plus data) seeded with a
     * pseudo-header sum: the value to write into the TCP/UDP/ICMPv6 checksum field.
     */
    public static int l4Checksum(final MemorySegment seg, final long l4Offset, final int l4Length, final int pseudoSum)
    {
        return checksum(seg, l4Offset, l4Length, pseudoSum);
    }

    /** True when an L4 segment, its checksum field included, plus the pseudo-header sums to 0xFFFF. */
    public static boolean isL4ChecksumValid(
        final MemorySegment seg, final long l4Offset, final int l4Length, final int pseudoSum)
    {
        return sum(seg, l4Offset, l4Length, pseudoSum) == 0xFFFF;
    }

    /** A computed UDP checksum of 0 is sent as 0xFFFF: 0 on the wire means "no checksum" (RFC 768). */
    public static int udpWireChecksum(final int checksum)
    {
        return checksum == 0 ? 0xFFFF : checksum;
    }

    private static long wordSum(final long v)
    {
        return (v >>> 48) + ((v >>> 32) & 0xFFFF) + ((v >>> 16) & 0xFFFF) + (v & 0xFFFF);
    }
}
