package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.icmp.IcmpErrorSender;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * NAT ("masquerading", ipvsadm -m), the kernel's {@code ip_vs_nat_xmit()} and, for the replies,
 * {@code handle_response()}: towards the real server the destination becomes the real server's address and port;
 * its replies, which reach the director because it is their gateway, get the VIP and the virtual port back as
 * their source and go on to the client. Checksums follow the rewrites ({@link NatRewrite}), the TTL is decremented
 * as a router does, both ways. ICMP errors about a NAT connection are translated the same way, inside and out
 * ({@code ip_vs_nat_icmp}).
 */
public final class NatXmit implements Xmit
{
    private final Egress egress;
    private final IcmpErrorSender icmp;
    private final AtomicCounter unsupported;
    private final AtomicCounter ttlExceeded;

    public NatXmit(final Egress egress, final IcmpErrorSender icmp, final AtomicCounter[] counters)
    {
        this.egress = egress;
        this.icmp = icmp;
        this.unsupported = counters[LbCounterDescriptor.UNSUPPORTED_FWD.ordinal()];
        this.ttlExceeded = counters[LbCounterDescriptor.TTL_EXCEEDED.ordinal()];
    }

    /** A client's packet to the real server: destination address and port rewritten. */
    @Override
    public boolean xmit(final Packet p, final ConnEntry conn, final Dest dest)
    {
        final PacketView v = p.view;
        if (!translatable(v) || dest.af() != v.af)
        {
            unsupported.incrementRelease();
            return false;
        }
        if (!IpForward.decrementTtl(p.seg, p.l3(), v.af))
        {
            return v.af == PacketView.AF_INET ? icmp.timeExceeded(p, v.daddrV4()) :
                icmp.timeExceeded6(p, v.daddrHi, v.daddrLo);
        }
        if (v.af == PacketView.AF_INET6)
        {
            if (v.fragment == PacketView.LATER_FRAGMENT)
            {
                NatRewrite.rewriteAddressV6(p.seg, p.l3(), NatRewrite.DESTINATION, conn.daddrHi(), conn.daddrLo());
            }
            else
            {
                NatRewrite.rewriteV6(p.seg, p.l3(), p.l4(), v.protocol, NatRewrite.DESTINATION, conn.daddrHi(),
                    conn.daddrLo(), conn.dport());
            }
            return egress.toDest(p.seg, p.frame, dest);
        }
        if (v.fragment == PacketView.LATER_FRAGMENT)
        {
            NatRewrite.rewriteAddressV4(p.seg, p.l3(), NatRewrite.DESTINATION, (int)conn.daddrLo());
        }
        else
        {
            NatRewrite.rewriteV4(p.seg, p.l3(), p.l4(), v.protocol, l4Length(v), NatRewrite.DESTINATION,
                (int)conn.daddrLo(), conn.dport(), v.fragment == PacketView.NOT_FRAGMENT);
        }
        return egress.toDest(p.seg, p.frame, dest);
    }

    /**
     * A real server's reply to the client: source address and port become the virtual service's, from the
     * connection's own key.
     */
    public boolean xmitOut(final Packet p, final ConnKey key)
    {
        final PacketView v = p.view;
        if (!translatable(v))
        {
            unsupported.incrementRelease();
            return false;
        }
        if (!IpForward.decrementTtl(p.seg, p.l3(), v.af))
        {
            if (v.af == PacketView.AF_INET)
            {
                return icmp.timeExceeded(p, egress.routes().sourceFor(v.saddrV4()));
            }
            final int source = egress.routes().sourceIndexV6(v.saddrHi, v.saddrLo);
            return egress.routes().ipv6Addresses() > 0 ?
                icmp.timeExceeded6(p, egress.routes().addressHi6(source), egress.routes().addressLo6(source)) :
                hopLimitExceeded();
        }
        if (v.af == PacketView.AF_INET6)
        {
            if (v.fragment == PacketView.LATER_FRAGMENT)
            {
                NatRewrite.rewriteAddressV6(p.seg, p.l3(), NatRewrite.SOURCE, key.vaddrHi(), key.vaddrLo());
            }
            else
            {
                NatRewrite.rewriteV6(p.seg, p.l3(), p.l4(), v.protocol, NatRewrite.SOURCE, key.vaddrHi(),
                    key.vaddrLo(), key.vport());
            }
            return egress.toDestination6(p.seg, p.frame, v.daddrHi, v.daddrLo);
        }
        if (v.fragment == PacketView.LATER_FRAGMENT)
        {
            NatRewrite.rewriteAddressV4(p.seg, p.l3(), NatRewrite.SOURCE, (int)key.vaddrLo());
        }
        else
        {
            NatRewrite.rewriteV4(p.seg, p.l3(), p.l4(), v.protocol, l4Length(v), NatRewrite.SOURCE,
                (int)key.vaddrLo(), key.vport(), v.fragment == PacketView.NOT_FRAGMENT);
        }
        return egress.toDestination(p.seg, p.frame, v.daddrV4());
    }

    /**
     * An ICMP error to the VIP about a NAT connection, relayed to its real server: the outer destination and the
     * quoted packet's source (address and port) become the real server's.
     *
     * @param inner offset of the quoted IPv4 header, whose header and first 4 transport bytes are in the packet.
     */
    public boolean icmpIn(final Packet p, final long inner, final ConnEntry conn, final Dest dest)
    {
        if (p.view.af == PacketView.AF_INET6)
        {
            if (!IpForward.decrementTtl(p.seg, p.l3(), p.view.af))
            {
                return hopLimitExceeded();
            }
            translateIcmp6(p, inner, false, conn.daddrHi(), conn.daddrLo(), conn.dport());
            return egress.toDest(p.seg, p.frame, dest);
        }
        if (!IpForward.decrementTtl(p.seg, p.l3(), p.view.af))
        {
            return icmp.timeExceeded(p, p.view.daddrV4());
        }
        translateIcmp(p, inner, Ipv4Flyweight.DST_ADDR_OFFSET, Ipv4Flyweight.SRC_ADDR_OFFSET, 0,
            (int)conn.daddrLo(), conn.dport());
        return egress.toDest(p.seg, p.frame, dest);
    }

    /**
     * An ICMP error from a real server about a NAT connection, relayed to the client: the outer source and the
     * quoted packet's destination (address and port) become the virtual service's.
     */
    public boolean icmpOut(final Packet p, final long inner, final ConnKey key)
    {
        if (p.view.af == PacketView.AF_INET6)
        {
            if (!IpForward.decrementTtl(p.seg, p.l3(), p.view.af))
            {
                return hopLimitExceeded();
            }
            translateIcmp6(p, inner, true, key.vaddrHi(), key.vaddrLo(), key.vport());
            return egress.toDestination6(p.seg, p.frame, p.view.daddrHi, p.view.daddrLo);
        }
        if (!IpForward.decrementTtl(p.seg, p.l3(), p.view.af))
        {
            return icmp.timeExceeded(p, egress.routes().sourceFor(p.view.saddrV4()));
        }
        translateIcmp(p, inner, Ipv4Flyweight.SRC_ADDR_OFFSET, Ipv4Flyweight.DST_ADDR_OFFSET, 2,
            (int)key.vaddrLo(), key.vport());
        return egress.toDestination(p.seg, p.frame, p.view.daddrV4());
    }

    /**
     * The kernel's {@code ip_vs_nat_icmp()}: rewrites one outer address, the matching address and port of the
     * quoted packet, recomputes the quoted IP header's checksum and the whole ICMP checksum, updates the outer
     * header's. The quoted transport checksum is left as it is, as the kernel leaves it.
     */
    private static void translateIcmp(
        final Packet p,
        final long inner,
        final int outerAddrOffset,
        final int innerAddrOffset,
        final int innerPortOffset,
        final int addr,
        final int port)
    {
        final MemorySegment seg = p.seg;
        final long ip = p.l3();
        final long outerAt = ip + outerAddrOffset;
        final int oldOuter = seg.get(U32, outerAt);
        seg.set(U32, outerAt, addr);
        final long checksumAt = ip + Ipv4Flyweight.CHECKSUM_OFFSET;
        seg.set(U16, checksumAt,
            (short)InetChecksum.update32(Short.toUnsignedInt(seg.get(U16, checksumAt)), oldOuter, addr));

        final int innerIhl = (seg.get(U8, inner) & 0x0F) << 2;
        seg.set(U32, inner + innerAddrOffset, addr);
        InetChecksum.writeIpv4HeaderChecksum(seg, inner);
        seg.set(U16, inner + innerIhl + innerPortOffset, (short)port);

        final long icmpAt = p.l4();
        final int icmpLength = p.view.l3Length - (p.view.l4Offset - p.view.l3Offset);
        seg.set(U16, icmpAt + 2, (short)0);
        seg.set(U16, icmpAt + 2, (short)InetChecksum.checksum(seg, icmpAt, icmpLength, 0));
    }

    /**
     * {@code ip_vs_nat_icmp_v6()}: the outer destination (to a real server) or source (from one) and the quoted
     * packet's matching address and port rewritten; the ICMPv6 checksum, which covers the outer addresses through
     * its pseudo-header, updated incrementally for all three.
     *
     * @param outerSource true for an error from a real server: the outer source, the quoted destination change.
     */
    private static void translateIcmp6(final Packet p, final long inner, final boolean outerSource, final long hi,
        final long lo, final int port)
    {
        final MemorySegment seg = p.seg;
        final long ip = p.l3();
        final long checksumAt = p.l4() + 2;
        int c = Short.toUnsignedInt(seg.get(U16, checksumAt));
        final long outerAt = ip + (outerSource ? Ipv6Flyweight.SRC_ADDR_OFFSET : Ipv6Flyweight.DST_ADDR_OFFSET);
        c = InetChecksum.update128(c, seg.get(U64, outerAt), seg.get(U64, outerAt + 8), hi, lo);
        seg.set(U64, outerAt, hi);
        seg.set(U64, outerAt + 8, lo);
        final long innerAt = inner + (outerSource ? Ipv6Flyweight.DST_ADDR_OFFSET : Ipv6Flyweight.SRC_ADDR_OFFSET);
        c = InetChecksum.update128(c, seg.get(U64, innerAt), seg.get(U64, innerAt + 8), hi, lo);
        seg.set(U64, innerAt, hi);
        seg.set(U64, innerAt + 8, lo);
        final long portAt = inner + Ipv6Flyweight.HEADER_LENGTH + (outerSource ? 2 : 0);
        c = InetChecksum.update16(c, Short.toUnsignedInt(seg.get(U16, portAt)), port);
        seg.set(U16, portAt, (short)port);
        seg.set(U16, checksumAt, (short)c);
    }

    /** An IPv6 hop limit ran out where no ICMPv6 error is sent (about an error): counted and dropped. */
    private boolean hopLimitExceeded()
    {
        ttlExceeded.incrementRelease();
        return false;
    }

    /**
     * TCP and UDP, over IPv4 and IPv6. SCTP waits for its CRC32c, which covers the ports and cannot be updated
     * incrementally as the kernel's {@code sctp_dnat_handler} recomputes it.
     */
    private static boolean translatable(final PacketView v)
    {
        return v.protocol == IpProtocol.TCP || v.protocol == IpProtocol.UDP;
    }

    static int l4Length(final PacketView v)
    {
        return v.l3Length - (v.l4Offset - v.l3Offset);
    }
}
