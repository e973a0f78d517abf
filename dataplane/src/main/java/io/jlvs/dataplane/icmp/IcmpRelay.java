package io.jlvs.dataplane.icmp;

import io.jlvs.dataplane.IpvsIn;
import io.jlvs.dataplane.IpvsOut;
import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.proto.IcmpFlyweight;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.NatXmit;
import io.jlvs.dataplane.xmit.Xmit;
import io.jlvs.dataplane.xmit.XmitTable;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * ICMP errors about connections, as the kernel's {@code ip_vs_in_icmp()} and {@code ip_vs_out_icmp()} handle them.
 * <ul>
 * <li>An error sent to a VIP (a router between the director and the client could not deliver a reply, or asks
 *     for a smaller MTU) is about a reply the real server sent from the VIP: the quoted packet, read backwards, is
 *     the connection's key. The error goes to the connection's real server: unchanged by DR and TUN (their
 *     transmit method), translated for NAT ({@link NatXmit#icmpIn}).</li>
 * <li>An error from a NAT real server about a client's packet is translated back ({@link NatXmit#icmpOut}) and
 *     goes to the client.</li>
 * </ul>
 * Only destination unreachable, source quench and time exceeded are relayed, as in the kernel. An error must quote
 * an IPv4 header and the first 4 bytes (the ports) of a TCP or UDP header, and its checksum must be right; anything
 * else is counted and dropped, and nothing is read beyond the packet.
 */
public final class IcmpRelay
{
    /** The quoted transport bytes needed: the two ports. */
    static final int QUOTED_PORTS = 4;

    private final IpvsIn in;
    private final IpvsOut out;
    private final XmitTable xmits;
    private final NatXmit nat;
    private final ConnKey quoted = new ConnKey();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final AtomicCounter relayed;
    private final AtomicCounter malformed;
    private final AtomicCounter noConn;
    private final AtomicCounter notRelayed;
    private long inner;

    public IcmpRelay(
        final IpvsIn in, final IpvsOut out, final XmitTable xmits, final NatXmit nat, final AtomicCounter[] counters)
    {
        this.in = in;
        this.out = out;
        this.xmits = xmits;
        this.nat = nat;
        this.relayed = counters[LbCounterDescriptor.ICMP_RELAYED.ordinal()];
        this.malformed = counters[LbCounterDescriptor.ICMP_MALFORMED.ordinal()];
        this.noConn = counters[LbCounterDescriptor.ICMP_NO_CONN.ordinal()];
        this.notRelayed = counters[LbCounterDescriptor.ICMP_FOR_VIP.ordinal()];
    }

    /** The key read by the last {@link #quote}: the connection's own, or its reply direction's. */
    public ConnKey quoted()
    {
        return quoted;
    }

    /** ICMPv6 destination unreachable, packet too big, time exceeded: what {@code ip_vs_in_icmp_v6} relays. */
    public static boolean isRelayedV6(final int type)
    {
        return type == 1 || type == 2 || type == 3;
    }

    /** {@link #quote} of an ICMPv6 error: it quotes an IPv6 header whose next header is TCP or UDP, and the ports. */
    private boolean quoteV6(final Packet p, final boolean fromRealServer)
    {
        final PacketView v = p.view;
        final MemorySegment seg = p.seg;
        final long at = p.l4();
        final int icmpLength = v.l3Length - (v.l4Offset - v.l3Offset);
        if (v.protocol != IpProtocol.ICMPV6 || !isRelayedV6(Byte.toUnsignedInt(seg.get(U8, at))))
        {
            notRelayed.incrementRelease();
            return false;
        }
        inner = at + IcmpFlyweight.HEADER_LENGTH;
        final int room = icmpLength - IcmpFlyweight.HEADER_LENGTH;
        if (room < Ipv6Flyweight.HEADER_LENGTH + QUOTED_PORTS || (seg.get(U8, inner) & 0xF0) != 0x60 ||
            InetChecksum.sum(seg, at, icmpLength, InetChecksum.pseudoHeaderSum6(
                v.saddrHi, v.saddrLo, v.daddrHi, v.daddrLo, IpProtocol.ICMPV6, icmpLength)) != 0xFFFF)
        {
            malformed.incrementRelease();
            return false;
        }
        final int protocol = Byte.toUnsignedInt(seg.get(U8, inner + Ipv6Flyweight.NEXT_HEADER_OFFSET));
        if (protocol != IpProtocol.TCP && protocol != IpProtocol.UDP)
        {
            malformed.incrementRelease();
            return false;
        }
        final long srcHi = seg.get(U64, inner + Ipv6Flyweight.SRC_ADDR_OFFSET);
        final long srcLo = seg.get(U64, inner + Ipv6Flyweight.SRC_ADDR_OFFSET + 8);
        final long dstHi = seg.get(U64, inner + Ipv6Flyweight.DST_ADDR_OFFSET);
        final long dstLo = seg.get(U64, inner + Ipv6Flyweight.DST_ADDR_OFFSET + 8);
        final int sport = Short.toUnsignedInt(seg.get(U16, inner + Ipv6Flyweight.HEADER_LENGTH));
        final int dport = Short.toUnsignedInt(seg.get(U16, inner + Ipv6Flyweight.HEADER_LENGTH + 2));
        if (fromRealServer)
        {
            quoted.setOut(protocol, PacketView.AF_INET6, srcHi, srcLo, sport, dstHi, dstLo, dport);
        }
        else
        {
            quoted.set(protocol, PacketView.AF_INET6, dstHi, dstLo, dport, srcHi, srcLo, sport);
        }
        return true;
    }

    /** True for the ICMP types the kernel relays: destination unreachable, source quench, time exceeded. */
    public static boolean isRelayed(final int type)
    {
        return type == IcmpFlyweight.DEST_UNREACHABLE || type == IcmpFlyweight.SOURCE_QUENCH ||
            type == IcmpFlyweight.TIME_EXCEEDED;
    }

    /**
     * An ICMP error to one of the director's addresses, whose {@link #quote} was read: relayed to the real server of
     * the connection it is about.
     *
     * @return true when {@code p} is ready to send.
     */
    public boolean onErrorToVip(final Packet p, final ServiceTable services, final long nowMs)
    {
        if (!in.onIcmp(quoted, p.view.l3Length, services, nowMs))
        {
            noConn.incrementRelease();
            return false;
        }
        final boolean sent;
        if (in.entry().fwdMethod() == FwdMethod.MASQ.flags())
        {
            sent = nat.icmpIn(p, inner, in.entry(), in.dest());
        }
        else
        {
            final Xmit xmit = xmits.of(in.entry().flags());
            sent = null != xmit && xmit.xmit(p, in.entry(), in.dest());
        }
        if (sent)
        {
            relayed.incrementRelease();
        }
        return sent;
    }

    /**
     * An ICMP error from a NAT real server, whose {@link #quote} was read: translated and relayed to the client of
     * the connection it is about.
     *
     * @return true when {@code p} is ready to send.
     */
    public boolean onErrorFromRealServer(final Packet p, final ServiceTable services, final long nowMs)
    {
        if (!out.onIcmp(quoted, p.view.l3Length, services, nowMs))
        {
            noConn.incrementRelease();
            return false;
        }
        final boolean sent = nat.icmpOut(p, inner, out.key());
        if (sent)
        {
            relayed.incrementRelease();
        }
        return sent;
    }

    /**
     * Checks the error and reads the connection key from its quoted packet ({@link #quoted()}): for an error to a
     * VIP the quoted packet went from the VIP to the client (its own key, reversed); for an error from a real server
     * it went from the client to the real server (the reply-direction key). The key names the connection's owner,
     * so an agent reads it before it relays the error or hands it to the owner.
     *
     * @return false when the error is not one to relay, or malformed (counted; drop it).
     */
    public boolean quote(final Packet p, final boolean fromRealServer)
    {
        final PacketView v = p.view;
        final MemorySegment seg = p.seg;
        final long at = p.l4();
        final int icmpLength = v.l3Length - (v.l4Offset - v.l3Offset);
        if (v.af == PacketView.AF_INET6)
        {
            return quoteV6(p, fromRealServer);
        }
        if (v.af != PacketView.AF_INET || !isRelayed(icmp.wrap(seg, at).type()))
        {
            notRelayed.incrementRelease();
            return false;
        }
        final int room = icmpLength - IcmpFlyweight.HEADER_LENGTH;
        if (room < Ipv4Flyweight.MIN_HEADER_LENGTH + QUOTED_PORTS)
        {
            malformed.incrementRelease();
            return false;
        }
        inner = at + IcmpFlyweight.HEADER_LENGTH;
        final int versionIhl = Byte.toUnsignedInt(seg.get(U8, inner));
        final int ihl = (versionIhl & 0x0F) << 2;
        final int protocol = Byte.toUnsignedInt(seg.get(U8, inner + Ipv4Flyweight.PROTOCOL_OFFSET));
        if ((versionIhl >>> 4) != Ipv4Flyweight.VERSION || ihl < Ipv4Flyweight.MIN_HEADER_LENGTH ||
            ihl + QUOTED_PORTS > room || (protocol != IpProtocol.TCP && protocol != IpProtocol.UDP) ||
            InetChecksum.sum(seg, at, icmpLength, 0) != 0xFFFF)
        {
            malformed.incrementRelease();
            return false;
        }
        final long src = Integer.toUnsignedLong(seg.get(U32, inner + Ipv4Flyweight.SRC_ADDR_OFFSET));
        final long dst = Integer.toUnsignedLong(seg.get(U32, inner + Ipv4Flyweight.DST_ADDR_OFFSET));
        final int sport = Short.toUnsignedInt(seg.get(U16, inner + ihl));
        final int dport = Short.toUnsignedInt(seg.get(U16, inner + ihl + 2));
        if (fromRealServer)
        {
            quoted.setOut(protocol, PacketView.AF_INET, 0, src, sport, 0, dst, dport);
        }
        else
        {
            quoted.set(protocol, PacketView.AF_INET, 0, dst, dport, 0, src, sport);
        }
        return true;
    }
}
