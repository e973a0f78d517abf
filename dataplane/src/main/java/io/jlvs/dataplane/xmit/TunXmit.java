package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.icmp.IcmpErrorSender;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.IcmpFlyweight;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ThreadLocalRandom;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * Tunnelling (ipvsadm -i), the kernel's {@code ip_vs_tunnel_xmit()}: the client's packet, TTL decremented, goes to
 * the real server inside an outer IPv4 header from the director's address towards it, with GUE's or GRE's header
 * between when the real server asks for one ({@link TunnelType}). The real server decapsulates and, holding the
 * VIP, answers the client directly.
 * <pre>
 *   | L2 | inner IP ... |                 becomes
 *   | L2 | outer IPv4 | [UDP | GUE] or [GRE] | inner IP ... |       (any Ethernet padding dropped)
 * </pre>
 * The outer header, as the kernel writes it: TOS the inner one's with its ECN carried as Linux's
 * {@code INET_ECN_encapsulate} carries it, TTL the inner one's, DF copied from the inner packet (path MTU discovery on, the kernel's default); protocol 4 (IPIP, 41 for an
 * IPv6 inner packet), 17 (GUE) or 47 (GRE). GUE goes from a source port hashed from the flow, as
 * {@code udp_flow_src_port} picks one, to {@code --tun-port}; with {@code --tun-csum} (or {@code --tun-remcsum},
 * see {@link TunnelChecksum}) the UDP checksum is computed, else 0. GRE carries a checksum with {@code --tun-csum}.
 * <p>
 * A packet that would not fit the link once encapsulated: with DF, the client gets ICMP fragmentation needed with
 * the MTU left inside the tunnel, as {@code ensure_mtu_is_adequate} sends it, and the packet is dropped; without DF
 * the outer packet is fragmented ({@link Ipv4Fragmenter}).
 * <p>
 * An IPv6 real server gets an outer IPv6 header instead (the kernel's {@code ip_vs_tunnel_xmit_v6}): from the
 * director's IPv6 address towards it, traffic class as the TOS above, hop limit the inner packet's, next header 41
 * (IPv6 inner), 4 (IPv4 inner: the one case where a real server's family may differ from its service's, as the
 * kernel allows), 17 or 47. One that would not fit: an IPv6 inner packet (never fragmented on the way) is answered
 * with packet too big, an IPv4 one with DF with fragmentation needed; an IPv4 one without DF goes in fragments of the
 * outer IPv6 packet ({@link Ipv6Fragmenter}), as the kernel's {@code ip6_fragment} sends them.
 */
public final class TunXmit implements Xmit
{
    /** The local port range Linux picks tunnel source ports from ({@code ip_local_port_range}). */
    static final int SOURCE_PORT_MIN = 32768;
    static final int SOURCE_PORT_MAX = 60999;
    /** The kernel keeps room for remote checksum offload's private data in the MTU of a GUE tunnel that asks for it. */
    static final int REMCSUM_RESERVE = 8;
    static final int GRE_FLAG_CSUM = 0x8000;
    static final int ECN_MASK = 0x03;
    static final int ECN_CE = 0x03;
    static final int ECN_ECT0 = 0x02;

    private final PacketPort port;
    private final Egress egress;
    private final IcmpErrorSender icmp;
    private final Ipv4Fragmenter fragmenter;
    private final Ipv6Fragmenter fragmenter6;
    private final int mtu;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final Ipv6Flyweight ip6 = new Ipv6Flyweight();
    private final AtomicCounter unsupported;
    private final AtomicCounter noHeadroom;
    private final AtomicCounter tooBig;
    private int ipId;

    /**
     * @param mtu the link's MTU: the most an outer IP packet may be.
     */
    public TunXmit(
        final PacketPort port,
        final Egress egress,
        final IcmpErrorSender icmp,
        final Ipv4Fragmenter fragmenter,
        final Ipv6Fragmenter fragmenter6,
        final int mtu,
        final AtomicCounter[] counters)
    {
        this.port = port;
        this.egress = egress;
        this.icmp = icmp;
        this.fragmenter = fragmenter;
        this.fragmenter6 = fragmenter6;
        this.mtu = mtu;
        this.unsupported = counters[LbCounterDescriptor.UNSUPPORTED_FWD.ordinal()];
        this.noHeadroom = counters[LbCounterDescriptor.NO_HEADROOM.ordinal()];
        this.tooBig = counters[LbCounterDescriptor.TOO_BIG.ordinal()];
        this.ipId = ThreadLocalRandom.current().nextInt(0x10000); // each agent from its own place
    }

    @Override
    public boolean xmit(final Packet p, final ConnEntry conn, final Dest dest)
    {
        final PacketView v = p.view;
        final MemorySegment seg = p.seg;
        final boolean outerV6 = dest.af() == PacketView.AF_INET6;
        final boolean innerV4 = v.af == PacketView.AF_INET;
        if (!IpForward.decrementTtl(seg, p.l3(), v.af))
        {
            return innerV4 ? icmp.timeExceeded(p, v.daddrV4()) : icmp.timeExceeded6(p, v.daddrHi, v.daddrLo);
        }
        final TunnelType type = dest.tunnelType();
        final TunnelChecksum checksum = dest.tunnelChecksum();
        final int tunnelHeader = type.headerLength(checksum);
        final int innerLength = v.l3Length;
        final boolean df = !innerV4 ||
            (Short.toUnsignedInt(seg.get(U16, p.l3() + Ipv4Flyweight.FLAGS_FRAGMENT_OFFSET_OFFSET)) &
                Ipv4Flyweight.FLAG_DF) != 0;
        final int outerHeader = outerV6 ? Ipv6Flyweight.HEADER_LENGTH : Ipv4Flyweight.MIN_HEADER_LENGTH;
        final int room = mtu - outerHeader - tunnelHeader -
            (type == TunnelType.GUE && checksum == TunnelChecksum.REMCSUM ? REMCSUM_RESERVE : 0);
        if (innerLength > room && df)
        {
            tooBig.incrementRelease();
            if (!innerV4)
            {
                return icmp.packetTooBig6(p, room, v.daddrHi, v.daddrLo);
            }
            return df && icmp.unreachable(p, IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, room, v.daddrV4());
        }

        final int l2 = v.l3Offset;
        final int innerTos;
        final int ttl;
        if (innerV4)
        {
            innerTos = Byte.toUnsignedInt(seg.get(U8, p.l3() + Ipv4Flyweight.TOS_OFFSET));
            ttl = Byte.toUnsignedInt(seg.get(U8, p.l3() + Ipv4Flyweight.TTL_OFFSET));
        }
        else
        {
            innerTos = (Short.toUnsignedInt(seg.get(U16, p.l3())) >>> 4) & 0xFF;
            ttl = Byte.toUnsignedInt(seg.get(U8, p.l3() + Ipv6Flyweight.HOP_LIMIT_OFFSET));
        }
        if (p.length > l2 + innerLength)
        {
            p.length(port, l2 + innerLength); // Ethernet padding is not part of the inner packet
        }
        final int overhead = outerHeader + tunnelHeader;
        if (!p.prepend(port, overhead))
        {
            noHeadroom.incrementRelease();
            return false;
        }
        final MemorySegment out = p.seg;
        final long frame = p.frame;
        MemorySegment.copy(out, frame + overhead, out, frame, l2);
        out.set(U16, frame + l2 - 2,
            (short)(outerV6 ? EthernetFlyweight.ETHER_TYPE_IPV6 : EthernetFlyweight.ETHER_TYPE_IPV4));

        final long outer = frame + l2;
        final int outerLength = overhead + innerLength;
        final int innerProtocol = innerV4 ? IpProtocol.IPIP : IpProtocol.IPV6;
        final int protocol = switch (type)
        {
            case IPIP -> innerProtocol;
            case GUE -> IpProtocol.UDP;
            case GRE -> IpProtocol.GRE;
        };
        if (outerV6)
        {
            return xmitV6(p, dest, out, frame, outer, overhead, innerLength, innerTos, ttl, protocol, innerProtocol,
                innerV4, type, checksum) && (overhead + innerLength <= mtu || fragmenter6.fragment(p, l2, mtu));
        }
        final int source = dest.sourceV4();
        final int destination = dest.addrV4();
        ip.wrap(out, outer)
            .versionIhl(0x45)
            .tos(ecnEncapsulate(innerTos))
            .totalLength(outerLength)
            .id(nextId())
            .flagsFragmentOffset(df ? Ipv4Flyweight.FLAG_DF : 0)
            .ttl(ttl)
            .protocol(protocol)
            .checksum(0)
            .srcAddr(source)
            .dstAddr(destination);
        InetChecksum.writeIpv4HeaderChecksum(out, outer);

        final long at = outer + Ipv4Flyweight.MIN_HEADER_LENGTH;
        final int tunnelLength = outerLength - Ipv4Flyweight.MIN_HEADER_LENGTH;
        if (type == TunnelType.GUE)
        {
            writeGue(out, at, tunnelLength, innerProtocol, sourcePort(p.tag), dest.tunnelPort(),
                checksum != TunnelChecksum.NOCSUM, source, destination);
        }
        else if (type == TunnelType.GRE)
        {
            writeGre(out, at, tunnelLength, innerV4, checksum == TunnelChecksum.CSUM);
        }

        if (!egress.toDest(out, frame, dest))
        {
            return false;
        }
        return outerLength <= mtu || fragmenter.fragment(p, l2, mtu);
    }

    /** The outer IPv6 header and the tunnel header after it, addressed to the real server's next hop. */
    private boolean xmitV6(final Packet p, final Dest dest, final MemorySegment out, final long frame, final long outer,
        final int overhead, final int innerLength, final int innerTos, final int ttl, final int protocol,
        final int innerProtocol, final boolean innerV4, final TunnelType type, final TunnelChecksum checksum)
    {
        final int payloadLength = overhead - Ipv6Flyweight.HEADER_LENGTH + innerLength;
        ip6.wrap(out, outer).header(ecnEncapsulate(innerTos), payloadLength, protocol, ttl, dest.sourceHi6(),
            dest.sourceLo6(), dest.addrHi(), dest.addrLo());
        final long at = outer + Ipv6Flyweight.HEADER_LENGTH;
        if (type == TunnelType.GUE)
        {
            writeGue(out, at, payloadLength, innerProtocol, sourcePort(p.tag), dest.tunnelPort(), false, 0, 0);
            if (checksum != TunnelChecksum.NOCSUM)
            {
                final int pseudo = InetChecksum.pseudoHeaderSum6(dest.sourceHi6(), dest.sourceLo6(), dest.addrHi(),
                    dest.addrLo(), IpProtocol.UDP, payloadLength);
                out.set(U16, at + 6, (short)InetChecksum.udpWireChecksum(
                    InetChecksum.l4Checksum(out, at, payloadLength, pseudo)));
            }
        }
        else if (type == TunnelType.GRE)
        {
            writeGre(out, at, payloadLength, innerV4, checksum == TunnelChecksum.CSUM);
        }
        return egress.toDest(out, frame, dest);
    }

    /** UDP to the tunnel port, then the 4-byte GUE header (version 0, no options, the inner protocol). */
    private static void writeGue(
        final MemorySegment seg,
        final long udp,
        final int udpLength,
        final int innerProtocol,
        final int sourcePort,
        final int destinationPort,
        final boolean withChecksum,
        final int source,
        final int destination)
    {
        seg.set(U16, udp, (short)sourcePort);
        seg.set(U16, udp + 2, (short)destinationPort);
        seg.set(U16, udp + 4, (short)udpLength);
        seg.set(U16, udp + 6, (short)0);
        final long gue = udp + 8;
        seg.set(U8, gue, (byte)0);                      // version 0, C 0, hlen 0
        seg.set(U8, gue + 1, (byte)innerProtocol);      // proto/ctype
        seg.set(U16, gue + 2, (short)0);                // flags
        if (withChecksum)
        {
            final int pseudo = InetChecksum.pseudoHeaderSum4(source, destination, IpProtocol.UDP, udpLength);
            seg.set(U16, udp + 6, (short)InetChecksum.udpWireChecksum(InetChecksum.l4Checksum(seg, udp, udpLength, pseudo)));
        }
    }

    /** The GRE header (RFC 2784): the C flag and a checksum over GRE header and payload when asked for. */
    private static void writeGre(
        final MemorySegment seg, final long gre, final int greLength, final boolean innerV4, final boolean withChecksum)
    {
        seg.set(U16, gre, (short)(withChecksum ? GRE_FLAG_CSUM : 0));
        seg.set(U16, gre + 2, (short)(innerV4 ? EthernetFlyweight.ETHER_TYPE_IPV4 : EthernetFlyweight.ETHER_TYPE_IPV6));
        if (withChecksum)
        {
            seg.set(U16, gre + 4, (short)0);
            seg.set(U16, gre + 6, (short)0);
            seg.set(U16, gre + 4, (short)InetChecksum.checksum(seg, gre, greLength, 0));
        }
    }

    /** The inner TOS with its ECN field carried as Linux's {@code INET_ECN_encapsulate} does: as it is, but CE becomes ECT(0). */
    static int ecnEncapsulate(final int innerTos)
    {
        final int ecn = innerTos & ECN_MASK;
        return (innerTos & ~ECN_MASK) | (ecn == ECN_CE ? ECN_ECT0 : ecn);
    }

    /** A source port in Linux's local range from the flow's hash, so one flow keeps one port (and one RSS queue). */
    static int sourcePort(final long flowHash)
    {
        int hash = (int)(flowHash ^ (flowHash >>> 32));
        hash ^= hash << 16;
        return (int)(((hash & 0xFFFF_FFFFL) * (SOURCE_PORT_MAX - SOURCE_PORT_MIN)) >>> 32) + SOURCE_PORT_MIN;
    }

    private int nextId()
    {
        ipId = (ipId + 1) & 0xFFFF;
        return ipId;
    }
}
