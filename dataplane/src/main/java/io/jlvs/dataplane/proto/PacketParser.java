package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * Validates a received Ethernet frame and classifies it into a {@link PacketView}, returning a
 * {@link ParseVerdict}: the counterpart of the kernel's {@code ip_rcv_core} checks plus IPVS's
 * {@code ip_vs_fill_iph_skb}.
 * <pre>
 *  offset                                                            offset + length
 *  |&lt;- l3Offset -&gt;|&lt;-------------- l3Length --------------&gt;|           |
 *  +-------------+----------+---------+------------------------+-----------+
 *  | Eth [+VLAN] | IPv4 hdr | (opts)  | L4 hdr | payload       | Eth pad   |
 *  |  14 or 18   | or IPv6 hdr + extension headers             | (ignored) |
 *  +-------------+----------+---------+------------------------+-----------+
 *                |&lt;--- l4Offset - l3Offset --&gt;|
 * </pre>
 * Offsets in the view are relative to the frame's first byte ({@code offset}). Every read is checked
 * against {@code [offset, offset + length)} before it is made, whatever the bytes claim: the DPDK
 * segment spans all memory, so the segment's own bounds check would not catch an overrun. Bytes after
 * the IP packet (Ethernet padding up to 60 bytes) are accepted and not part of {@code l3Length}.
 * <p>
 * Checks in order: Ethernet (one 802.1Q tag), then ARP (Ethernet/IPv4 only, request or reply), or
 * IPv4 (version, IHL, total length, header checksum unless disabled, fragments), or IPv6 (version,
 * payload length, extension headers walked up to {@link #MAX_IPV6_EXTENSION_HEADERS}, a non-atomic
 * fragment header), then the transport header: TCP data offset, UDP length (not above the IP payload;
 * a shorter UDP length leaves a surplus area, as in UDP options, and is accepted), ICMP/ICMPv6 and SCTP
 * minimum lengths. L4 checksums are not verified: the director does not terminate the flow.
 * <p>
 * One parser per forwarding agent; it holds no per-packet state and allocates nothing.
 */
public final class PacketParser
{
    /** Extension headers walked before giving up with {@link ParseVerdict#IPV6_EXT_CHAIN_TOO_LONG}. */
    public static final int MAX_IPV6_EXTENSION_HEADERS = 8;

    private static final int ICMP_MIN_LENGTH = IcmpFlyweight.HEADER_LENGTH;
    private static final int SCTP_COMMON_HEADER_LENGTH = 12;
    private static final int IPV6_EXT_MIN_LENGTH = 8;
    private static final int IPV6_FRAGMENT_OFFSET_MORE_MASK = 0xFFF9;

    private final boolean verifyIpv4Checksum;

    /** A parser that verifies IPv4 header checksums. */
    public PacketParser()
    {
        this(true);
    }

    /**
     * @param verifyIpv4Checksum false when the NIC has already verified it (DPDK's
     *                           {@code RTE_MBUF_F_RX_IP_CKSUM_GOOD}) and the caller dropped bad ones.
     */
    public PacketParser(final boolean verifyIpv4Checksum)
    {
        this.verifyIpv4Checksum = verifyIpv4Checksum;
    }

    public boolean verifyIpv4Checksum()
    {
        return verifyIpv4Checksum;
    }

    /**
     * Parses the frame of {@code length} bytes at {@code offset} in {@code seg} into {@code view}, which
     * is reset first. Never reads outside {@code [offset, offset + length)}.
     *
     * @return a {@link ParseVerdict} constant.
     */
    public int parse(final MemorySegment seg, final long offset, final int length, final PacketView view)
    {
        view.reset();
        view.frameLength = length;
        if (length < EthernetFlyweight.HEADER_LENGTH)
        {
            return ParseVerdict.TRUNCATED_ETHERNET;
        }

        int etherType = u16(seg, offset + EthernetFlyweight.ETHER_TYPE_OFFSET);
        int l3 = EthernetFlyweight.HEADER_LENGTH;
        if (etherType == EthernetFlyweight.ETHER_TYPE_VLAN)
        {
            if (length < EthernetFlyweight.VLAN_HEADER_LENGTH)
            {
                return ParseVerdict.TRUNCATED_ETHERNET;
            }
            etherType = u16(seg, offset + EthernetFlyweight.INNER_ETHER_TYPE_OFFSET);
            l3 = EthernetFlyweight.VLAN_HEADER_LENGTH;
        }
        view.l3Offset = l3;

        return switch (etherType)
        {
            case EthernetFlyweight.ETHER_TYPE_IPV4 -> parseIpv4(seg, offset, l3, length, view);
            case EthernetFlyweight.ETHER_TYPE_IPV6 -> parseIpv6(seg, offset, l3, length, view);
            case EthernetFlyweight.ETHER_TYPE_ARP -> parseArp(seg, offset + l3, length - l3, view);
            default -> ParseVerdict.UNKNOWN_ETHERTYPE;
        };
    }

    private static int parseArp(final MemorySegment seg, final long arp, final int available, final PacketView view)
    {
        if (available < ArpFlyweight.FIXED_LENGTH)
        {
            return ParseVerdict.TRUNCATED_ARP;
        }
        if (u16(seg, arp + ArpFlyweight.HTYPE_OFFSET) != ArpFlyweight.HTYPE_ETHERNET ||
            u16(seg, arp + ArpFlyweight.PTYPE_OFFSET) != ArpFlyweight.PTYPE_IPV4 ||
            u8(seg, arp + ArpFlyweight.HLEN_OFFSET) != ArpFlyweight.HLEN_ETHERNET ||
            u8(seg, arp + ArpFlyweight.PLEN_OFFSET) != ArpFlyweight.PLEN_IPV4)
        {
            return ParseVerdict.BAD_ARP;
        }
        if (available < ArpFlyweight.LENGTH)
        {
            return ParseVerdict.TRUNCATED_ARP;
        }
        final int oper = u16(seg, arp + ArpFlyweight.OPER_OFFSET);
        if (oper != ArpFlyweight.OPER_REQUEST && oper != ArpFlyweight.OPER_REPLY)
        {
            return ParseVerdict.BAD_ARP;
        }
        view.l3Length = ArpFlyweight.LENGTH;
        return ParseVerdict.ARP;
    }

    private int parseIpv4(
        final MemorySegment seg, final long frame, final int l3, final int frameLength, final PacketView view)
    {
        final int available = frameLength - l3;
        if (available < Ipv4Flyweight.MIN_HEADER_LENGTH)
        {
            return ParseVerdict.TRUNCATED_IP;
        }
        final long ip = frame + l3;
        final int versionIhl = u8(seg, ip + Ipv4Flyweight.VERSION_IHL_OFFSET);
        if ((versionIhl >>> 4) != Ipv4Flyweight.VERSION)
        {
            return ParseVerdict.BAD_IP_VERSION;
        }
        final int ihl = versionIhl & 0x0F;
        if (ihl < Ipv4Flyweight.MIN_IHL)
        {
            return ParseVerdict.BAD_IHL;
        }
        final int headerLength = ihl << 2;
        if (headerLength > available)
        {
            return ParseVerdict.TRUNCATED_IP;
        }
        final int totalLength = u16(seg, ip + Ipv4Flyweight.TOTAL_LENGTH_OFFSET);
        if (totalLength < headerLength || totalLength > available)
        {
            return ParseVerdict.BAD_IP_LENGTH;
        }
        if (verifyIpv4Checksum && !InetChecksum.isIpv4HeaderChecksumValid(seg, ip))
        {
            return ParseVerdict.BAD_IP_CHECKSUM;
        }

        final int protocol = u8(seg, ip + Ipv4Flyweight.PROTOCOL_OFFSET);
        view.af = PacketView.AF_INET;
        view.protocol = protocol;
        view.saddrLo = Integer.toUnsignedLong(seg.get(U32, ip + Ipv4Flyweight.SRC_ADDR_OFFSET));
        view.daddrLo = Integer.toUnsignedLong(seg.get(U32, ip + Ipv4Flyweight.DST_ADDR_OFFSET));
        view.l3Length = totalLength;
        final int l4 = l3 + headerLength;
        view.l4Offset = l4;

        final int fragment = u16(seg, ip + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET_OFFSET);
        if ((fragment & (Ipv4Flyweight.FLAG_MF | Ipv4Flyweight.FRAGMENT_OFFSET_MASK)) != 0)
        {
            view.fragmentId = u16(seg, ip + Ipv4Flyweight.ID_OFFSET);
            view.fragmentOffset = (fragment & Ipv4Flyweight.FRAGMENT_OFFSET_MASK) << 3;
            view.moreFragments = (fragment & Ipv4Flyweight.FLAG_MF) != 0;
            view.fragmentDataOffset = l4;
            view.fragmentProtocol = protocol;
            return fragment(seg, frame, l4, l3 + totalLength, protocol, ParseVerdict.IPV4, view);
        }

        return parseL4(seg, frame, l4, l3 + totalLength, protocol, ParseVerdict.IPV4, view, false);
    }

    private static int parseIpv6(
        final MemorySegment seg, final long frame, final int l3, final int frameLength, final PacketView view)
    {
        final int available = frameLength - l3;
        if (available < Ipv6Flyweight.HEADER_LENGTH)
        {
            return ParseVerdict.TRUNCATED_IP;
        }
        final long ip = frame + l3;
        if ((u8(seg, ip) >>> 4) != Ipv6Flyweight.VERSION)
        {
            return ParseVerdict.BAD_IP_VERSION;
        }
        final int l3Length = Ipv6Flyweight.HEADER_LENGTH + u16(seg, ip + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET);
        if (l3Length > available)
        {
            return ParseVerdict.BAD_IP_LENGTH;
        }

        view.af = PacketView.AF_INET6;
        view.saddrHi = seg.get(U64, ip + Ipv6Flyweight.SRC_ADDR_OFFSET);
        view.saddrLo = seg.get(U64, ip + Ipv6Flyweight.SRC_ADDR_OFFSET + 8);
        view.daddrHi = seg.get(U64, ip + Ipv6Flyweight.DST_ADDR_OFFSET);
        view.daddrLo = seg.get(U64, ip + Ipv6Flyweight.DST_ADDR_OFFSET + 8);
        view.l3Length = l3Length;

        final int end = l3 + l3Length;
        int nextHeader = u8(seg, ip + Ipv6Flyweight.NEXT_HEADER_OFFSET);
        int at = l3 + Ipv6Flyweight.HEADER_LENGTH;
        int count = 0;
        while (IpProtocol.isGenericIpv6ExtensionHeader(nextHeader) ||
            nextHeader == IpProtocol.IPV6_FRAGMENT || nextHeader == IpProtocol.AH)
        {
            view.protocol = nextHeader;
            view.l4Offset = at;
            if (count == MAX_IPV6_EXTENSION_HEADERS)
            {
                return ParseVerdict.IPV6_EXT_CHAIN_TOO_LONG;
            }
            count++;
            if (end - at < IPV6_EXT_MIN_LENGTH)
            {
                return ParseVerdict.TRUNCATED_IPV6_EXT;
            }
            final long ext = frame + at;
            final int following = u8(seg, ext);
            final int extLength;
            if (nextHeader == IpProtocol.IPV6_FRAGMENT)
            {
                extLength = IPV6_EXT_MIN_LENGTH;
                final int offsetMore = u16(seg, ext + 2);
                if ((offsetMore & IPV6_FRAGMENT_OFFSET_MORE_MASK) != 0 && view.fragment == PacketView.NOT_FRAGMENT)
                {
                    view.fragmentId = Integer.toUnsignedLong(seg.get(U32, ext + 4));
                    view.fragmentOffset = offsetMore & 0xFFF8;
                    view.moreFragments = (offsetMore & 1) != 0;
                    view.fragmentDataOffset = at + extLength;
                    view.fragmentProtocol = following;
                    view.fragment = PacketView.FIRST_FRAGMENT;
                    if (view.fragmentOffset != 0)
                    {
                        // the headers after the fragment header are the first fragment's
                        return fragment(seg, frame, at + extLength, end, following, ParseVerdict.IPV6, view);
                    }
                }
                // an atomic fragment (offset 0, M clear) is a whole packet: RFC 6946
            }
            else if (nextHeader == IpProtocol.AH)
            {
                extLength = (u8(seg, ext + 1) + 2) << 2;
            }
            else
            {
                extLength = (u8(seg, ext + 1) + 1) << 3;
            }
            if (extLength > end - at)
            {
                return ParseVerdict.TRUNCATED_IPV6_EXT;
            }
            at += extLength;
            nextHeader = following;
        }
        view.protocol = nextHeader;
        view.l4Offset = at;

        if (view.fragment != PacketView.NOT_FRAGMENT)
        {
            return fragment(seg, frame, at, end, nextHeader, ParseVerdict.IPV6, view);
        }
        return parseL4(seg, frame, at, end, nextHeader, ParseVerdict.IPV6, view, false);
    }

    /**
     * A fragment, its id, offset and flag already in the view: a later one carries no transport header (ports
     * zero); the first must carry its transport header whole, or it is {@link ParseVerdict#TINY_FRAGMENT}.
     */
    private static int fragment(
        final MemorySegment seg,
        final long frame,
        final int l4,
        final int end,
        final int protocol,
        final int classified,
        final PacketView view)
    {
        view.protocol = protocol;
        view.l4Offset = l4;
        if (view.fragmentOffset != 0)
        {
            view.fragment = PacketView.LATER_FRAGMENT;
            return classified;
        }
        view.fragment = PacketView.FIRST_FRAGMENT;
        final int verdict = parseL4(seg, frame, l4, end, protocol, classified, view, true);
        return verdict == ParseVerdict.TRUNCATED_L4 ? ParseVerdict.TINY_FRAGMENT : verdict;
    }

    private static int parseL4(
        final MemorySegment seg,
        final long frame,
        final int l4,
        final int end,
        final int protocol,
        final int classified,
        final PacketView view,
        final boolean firstFragment)
    {
        final int available = end - l4;
        final long at = frame + l4;
        switch (protocol)
        {
            case IpProtocol.TCP ->
            {
                if (available < TcpFlyweight.MIN_HEADER_LENGTH)
                {
                    return ParseVerdict.TRUNCATED_L4;
                }
                final int dataOffset = u8(seg, at + TcpFlyweight.DATA_OFFSET_OFFSET) >>> 4;
                if (dataOffset < TcpFlyweight.MIN_DATA_OFFSET || (dataOffset << 2) > available)
                {
                    return ParseVerdict.BAD_TCP_OFFSET;
                }
                view.sport = u16(seg, at + TcpFlyweight.SRC_PORT_OFFSET);
                view.dport = u16(seg, at + TcpFlyweight.DST_PORT_OFFSET);
                view.tcpFlags = u8(seg, at + TcpFlyweight.FLAGS_OFFSET);
                return classified;
            }
            case IpProtocol.UDP ->
            {
                if (available < UdpFlyweight.HEADER_LENGTH)
                {
                    return ParseVerdict.TRUNCATED_L4;
                }
                final int udpLength = u16(seg, at + UdpFlyweight.LENGTH_OFFSET);
                // a first fragment's UDP length is the whole datagram's, beyond the fragment
                if (udpLength < UdpFlyweight.HEADER_LENGTH || (udpLength > available && !firstFragment))
                {
                    return ParseVerdict.BAD_UDP_LENGTH;
                }
                view.sport = u16(seg, at + UdpFlyweight.SRC_PORT_OFFSET);
                view.dport = u16(seg, at + UdpFlyweight.DST_PORT_OFFSET);
                return classified;
            }
            case IpProtocol.SCTP ->
            {
                if (available < SCTP_COMMON_HEADER_LENGTH)
                {
                    return ParseVerdict.TRUNCATED_L4;
                }
                view.sport = u16(seg, at);
                view.dport = u16(seg, at + 2);
                return classified;
            }
            case IpProtocol.ICMP, IpProtocol.ICMPV6 ->
            {
                final int expected = classified == ParseVerdict.IPV4 ? IpProtocol.ICMP : IpProtocol.ICMPV6;
                if (protocol != expected)
                {
                    return ParseVerdict.UNSUPPORTED_L4;
                }
                return available < ICMP_MIN_LENGTH ? ParseVerdict.TRUNCATED_L4 : classified;
            }
            default ->
            {
                return ParseVerdict.UNSUPPORTED_L4;
            }
        }
    }

    private static int u8(final MemorySegment seg, final long at)
    {
        return Byte.toUnsignedInt(seg.get(U8, at));
    }

    private static int u16(final MemorySegment seg, final long at)
    {
        return Short.toUnsignedInt(seg.get(U16, at));
    }
}
