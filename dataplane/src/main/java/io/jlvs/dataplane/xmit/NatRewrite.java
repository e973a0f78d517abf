package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.TcpFlyweight;
import io.jlvs.dataplane.proto.UdpFlyweight;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;

/**
 * Rewrites one end (source or destination) of a TCP or UDP packet, address and port, keeping every checksum
 * right, as the kernel's {@code tcp_dnat_handler}/{@code tcp_snat_handler} and their UDP twins do: the IPv4 header
 * checksum and the transport checksum updated incrementally (RFC 1624) for the changed words, except a UDP
 * checksum of 0 (none sent), which the kernel computes afresh over the whole datagram, and so does this; a UDP
 * checksum that comes out 0 is sent as 0xFFFF. The caller has checked that the headers are within the packet (the
 * parser does); the payload is read only for a UDP datagram without a checksum.
 * <p>
 * Fragments: the first carries the transport header, whose checksum covers the whole datagram; an incremental
 * update stays right for it, and a UDP checksum of 0 stays 0 (it cannot be computed from one fragment; 0 means
 * none over IPv4). A later fragment has only its address rewritten ({@link #rewriteAddressV4}).
 */
public final class NatRewrite
{
    /** Which end of the packet to rewrite. */
    public static final boolean SOURCE = true;
    public static final boolean DESTINATION = false;

    private NatRewrite()
    {
    }

    /**
     * Rewrites an IPv6 packet's source or destination address and port: no header checksum; the transport checksum,
     * whose pseudo-header holds the address, updated incrementally for the 128-bit address and the port.
     *
     * @param ip offset of the IPv6 header; {@code l4} of the TCP or UDP header.
     */
    public static void rewriteV6(
        final MemorySegment seg,
        final long ip,
        final long l4,
        final int protocol,
        final boolean source,
        final long newHi,
        final long newLo,
        final int newPort)
    {
        final long addrAt = ip + (source ? Ipv6Flyweight.SRC_ADDR_OFFSET : Ipv6Flyweight.DST_ADDR_OFFSET);
        final long oldHi = seg.get(U64, addrAt);
        final long oldLo = seg.get(U64, addrAt + 8);
        seg.set(U64, addrAt, newHi);
        seg.set(U64, addrAt + 8, newLo);
        final long portAt = l4 + (source ? 0 : 2);
        final int oldPort = Short.toUnsignedInt(seg.get(U16, portAt));
        seg.set(U16, portAt, (short)newPort);
        final long at = l4 + (protocol == IpProtocol.TCP ? TcpFlyweight.CHECKSUM_OFFSET : UdpFlyweight.CHECKSUM_OFFSET);
        int c = Short.toUnsignedInt(seg.get(U16, at));
        c = InetChecksum.update16(InetChecksum.update128(c, oldHi, oldLo, newHi, newLo), oldPort, newPort);
        seg.set(U16, at, (short)(protocol == IpProtocol.UDP ? InetChecksum.udpWireChecksum(c) : c));
    }

    /** Rewrites an IPv6 packet's address only: a later fragment's. */
    public static void rewriteAddressV6(final MemorySegment seg, final long ip, final boolean source, final long newHi,
        final long newLo)
    {
        final long addrAt = ip + (source ? Ipv6Flyweight.SRC_ADDR_OFFSET : Ipv6Flyweight.DST_ADDR_OFFSET);
        seg.set(U64, addrAt, newHi);
        seg.set(U64, addrAt + 8, newLo);
    }

    /**
     * Rewrites an IPv4 packet's source or destination address only (a later fragment's), the header checksum with it.
     *
     * @return the address it had.
     */
    public static int rewriteAddressV4(final MemorySegment seg, final long ip, final boolean source, final int newAddr)
    {
        final long addrAt = ip + (source ? Ipv4Flyweight.SRC_ADDR_OFFSET : Ipv4Flyweight.DST_ADDR_OFFSET);
        final int oldAddr = seg.get(U32, addrAt);
        seg.set(U32, addrAt, newAddr);
        final long ipChecksumAt = ip + Ipv4Flyweight.CHECKSUM_OFFSET;
        seg.set(U16, ipChecksumAt,
            (short)InetChecksum.update32(Short.toUnsignedInt(seg.get(U16, ipChecksumAt)), oldAddr, newAddr));
        return oldAddr;
    }

    /**
     * Rewrites an IPv4 packet's source or destination address and port.
     *
     * @param ip       offset of the IPv4 header.
     * @param l4       offset of the TCP or UDP header.
     * @param l4Length bytes from the transport header to the end of the IP packet.
     * @param whole    the packet is a whole datagram, not its first fragment.
     */
    public static void rewriteV4(
        final MemorySegment seg,
        final long ip,
        final long l4,
        final int protocol,
        final int l4Length,
        final boolean source,
        final int newAddr,
        final int newPort,
        final boolean whole)
    {
        final int oldAddr = rewriteAddressV4(seg, ip, source, newAddr);

        final long portAt = l4 + (source ? 0 : 2);
        final int oldPort = Short.toUnsignedInt(seg.get(U16, portAt));
        seg.set(U16, portAt, (short)newPort);
        if (protocol == IpProtocol.TCP)
        {
            final long at = l4 + TcpFlyweight.CHECKSUM_OFFSET;
            int c = Short.toUnsignedInt(seg.get(U16, at));
            c = InetChecksum.update32(c, oldAddr, newAddr);
            seg.set(U16, at, (short)InetChecksum.update16(c, oldPort, newPort));
        }
        else if (protocol == IpProtocol.UDP)
        {
            final long at = l4 + UdpFlyweight.CHECKSUM_OFFSET;
            final int c = Short.toUnsignedInt(seg.get(U16, at));
            if (c == 0 && !whole)
            {
                return; // a first fragment: no checksum stays none
            }
            if (c == 0)
            {
                seg.set(U16, at, (short)0);
                final int pseudo = InetChecksum.pseudoHeaderSum4(
                    seg.get(U32, ip + Ipv4Flyweight.SRC_ADDR_OFFSET), seg.get(U32, ip + Ipv4Flyweight.DST_ADDR_OFFSET),
                    IpProtocol.UDP, l4Length);
                seg.set(U16, at, (short)InetChecksum.udpWireChecksum(InetChecksum.l4Checksum(seg, l4, l4Length, pseudo)));
            }
            else
            {
                final int updated = InetChecksum.update16(InetChecksum.update32(c, oldAddr, newAddr), oldPort, newPort);
                seg.set(U16, at, (short)InetChecksum.udpWireChecksum(updated));
            }
        }
    }
}
