package io.jlvs.dataplane.icmp;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.proto.IcmpFlyweight;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.Egress;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Turns a packet the director will not forward into the ICMP error its sender gets, in the packet's own buffer, as
 * the kernel's {@code icmp_send()} answers for IPVS: port unreachable when a service has no real server left
 * ({@code ip_vs_leave}), fragmentation needed when a tunnelled packet would not fit, time exceeded when the TTL ran
 * out.
 * <pre>
 *   before:  | L2 |  original IP packet ...                          |
 *   after:   | L2 | IP (20) | ICMP (8) | original IP packet, cut to fit 576 bytes |
 * </pre>
 * The buffer grows by 28 bytes at its front (the L2 header moves, the original stays where it is) and is cut to
 * the 576 bytes an ICMP error may take, as Linux cuts it. The error goes back to the station the packet came from,
 * from {@code source}: the VIP the client sent to, as the kernel answers from the local address a packet was for.
 * IPv6 the same way with ICMPv6 ({@code icmp6_send}): 48 bytes grow at the front, the whole cut to the 1280 bytes
 * of IPv6's minimum MTU, the checksum over the IPv6 pseudo-header. Errors other than fragmentation needed and
 * packet too big pass the {@link IcmpRateLimiter}. One per agent; nothing allocated.
 */
public final class IcmpErrorSender
{
    /** The most an ICMP error may take, IP header included (RFC 1812, and Linux). */
    public static final int MAX_ERROR_LENGTH = 576;
    static final int ERROR_HEADERS = Ipv4Flyweight.MIN_HEADER_LENGTH + IcmpFlyweight.HEADER_LENGTH;
    static final int TTL = 64;
    /** IPTOS_PREC_INTERNETCONTROL, and the TOS bits of the original kept (IPTOS_TOS_MASK), as Linux sets them. */
    static final int TOS_PRECEDENCE = 0xC0;
    static final int TOS_MASK = 0x1E;

    private final PacketPort port;
    private final Egress egress;
    private final IcmpRateLimiter limiter;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final Ipv6Flyweight ip6 = new Ipv6Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final AtomicCounter sent;
    private final AtomicCounter rateLimited;
    private final AtomicCounter notSent;
    private final AtomicCounter ttlExceeded;
    private long nowMs;

    public IcmpErrorSender(
        final PacketPort port, final Egress egress, final IcmpRateLimiter limiter, final AtomicCounter[] counters)
    {
        this.port = port;
        this.egress = egress;
        this.limiter = limiter;
        this.sent = counters[LbCounterDescriptor.ICMP_ERRORS_SENT.ordinal()];
        this.rateLimited = counters[LbCounterDescriptor.ICMP_RATE_LIMITED.ordinal()];
        this.ttlExceeded = counters[LbCounterDescriptor.TTL_EXCEEDED.ordinal()];
        this.notSent = counters[LbCounterDescriptor.ICMP_NOT_SENT.ordinal()];
    }

    /** The agent's clock, once a cycle. */
    public void nowMs(final long nowMs)
    {
        this.nowMs = nowMs;
    }

    /**
     * Rewrites {@code p} into "destination unreachable, {@code code}" to its sender.
     *
     * @param mtu for {@link IcmpFlyweight#CODE_FRAGMENTATION_NEEDED}: the next-hop MTU; else 0.
     * @return true when {@code p} is now the error, to be sent; false when it is to be freed (counted).
     */
    public boolean unreachable(final Packet p, final int code, final int mtu, final int source)
    {
        final boolean limited = code != IcmpFlyweight.CODE_FRAGMENTATION_NEEDED;
        return send(p, IcmpFlyweight.DEST_UNREACHABLE, code, mtu & 0xFFFF, source, limited);
    }

    /** Rewrites {@code p}, whose TTL ran out, into "time exceeded in transit" to its sender. */
    public boolean timeExceeded(final Packet p, final int source)
    {
        ttlExceeded.incrementRelease();
        return send(p, IcmpFlyweight.TIME_EXCEEDED, 0, 0, source, true);
    }

    private boolean send(
        final Packet p, final int type, final int code, final int restOfHeader, final int source, final boolean limited)
    {
        final PacketView v = p.view;
        // never an error about an error, nor to a broadcast or multicast source (RFC 1122 3.2.2), nor about a
        // fragment but the first (RFC 1812 4.3.2.7: the client could not tell which packet it was)
        if (!mayAnswer(v.af == PacketView.AF_INET && !isIcmpError(p) && isUnicastSource(v.saddrV4()) &&
            v.fragment != PacketView.LATER_FRAGMENT, limited))
        {
            return false;
        }
        final int l2 = v.l3Offset;
        final int quoted = Math.min(v.l3Length, MAX_ERROR_LENGTH - ERROR_HEADERS);
        final int originalTos = ip.wrap(p.seg, p.l3()).tos();
        final int client = v.saddrV4();
        if (!makeRoom(p, ERROR_HEADERS, quoted))
        {
            return false;
        }
        final MemorySegment seg = p.seg;

        final long at = p.frame + l2;
        final int totalLength = ERROR_HEADERS + quoted;
        ip.wrap(seg, at)
            .versionIhl(0x45)
            .tos((originalTos & TOS_MASK) | TOS_PRECEDENCE)
            .totalLength(totalLength)
            .id(0)
            .flagsFragmentOffset(0)
            .ttl(TTL)
            .protocol(IpProtocol.ICMP)
            .checksum(0)
            .srcAddr(source)
            .dstAddr(client);
        InetChecksum.writeIpv4HeaderChecksum(seg, at);
        icmp.wrap(seg, at + Ipv4Flyweight.MIN_HEADER_LENGTH).type(type).code(code).checksum(0).restOfHeader(restOfHeader);
        icmp.checksum(InetChecksum.checksum(seg, at + Ipv4Flyweight.MIN_HEADER_LENGTH,
            IcmpFlyweight.HEADER_LENGTH + quoted, 0));
        // the view now describes the error, for the caller's counting
        v.l4Offset = l2 + Ipv4Flyweight.MIN_HEADER_LENGTH;
        v.l3Length = totalLength;
        v.protocol = IpProtocol.ICMP;
        sent.incrementRelease();
        return true;
    }

    /** IPv6's minimum MTU: the most an ICMPv6 error may take. */
    public static final int MAX_ERROR_LENGTH_V6 = 1280;
    static final int ERROR_HEADERS_V6 = Ipv6Flyweight.HEADER_LENGTH + IcmpFlyweight.HEADER_LENGTH;
    static final int ICMPV6_DEST_UNREACHABLE = 1;
    static final int ICMPV6_PACKET_TOO_BIG = 2;
    static final int ICMPV6_TIME_EXCEEDED = 3;
    /** ICMPv6 destination unreachable's "port unreachable". */
    public static final int ICMPV6_CODE_PORT_UNREACHABLE = 4;

    /** ICMPv6 destination unreachable, {@code code}, from {@code (srcHi, srcLo)}; rate-limited. */
    public boolean unreachable6(final Packet p, final int code, final long srcHi, final long srcLo)
    {
        return send6(p, ICMPV6_DEST_UNREACHABLE, code, 0, srcHi, srcLo, true);
    }

    /** ICMPv6 packet too big with the MTU left; not rate-limited (path MTU discovery depends on it). */
    public boolean packetTooBig6(final Packet p, final int mtu, final long srcHi, final long srcLo)
    {
        return send6(p, ICMPV6_PACKET_TOO_BIG, 0, mtu, srcHi, srcLo, false);
    }

    /** ICMPv6 time exceeded (hop limit) in transit. */
    public boolean timeExceeded6(final Packet p, final long srcHi, final long srcLo)
    {
        ttlExceeded.incrementRelease();
        return send6(p, ICMPV6_TIME_EXCEEDED, 0, 0, srcHi, srcLo, true);
    }

    private boolean send6(final Packet p, final int type, final int code, final int restOfHeader, final long srcHi,
        final long srcLo, final boolean limited)
    {
        final PacketView v = p.view;
        final boolean aboutError = v.protocol == IpProtocol.ICMPV6 && v.fragment == PacketView.NOT_FRAGMENT &&
            Byte.toUnsignedInt(p.seg.get(ValueLayout.JAVA_BYTE, p.l4())) < 128;
        if (!mayAnswer(v.af == PacketView.AF_INET6 && !aboutError && (v.saddrHi >>> 56) != 0xFF &&
            (v.saddrHi | v.saddrLo) != 0 && v.fragment != PacketView.LATER_FRAGMENT, limited))
        {
            return false;
        }
        final int l2 = v.l3Offset;
        final int quoted = Math.min(v.l3Length, MAX_ERROR_LENGTH_V6 - ERROR_HEADERS_V6);
        final long clientHi = v.saddrHi;
        final long clientLo = v.saddrLo;
        if (!makeRoom(p, ERROR_HEADERS_V6, quoted))
        {
            return false;
        }
        final MemorySegment seg = p.seg;
        final long at = p.frame + l2;
        final int payload = IcmpFlyweight.HEADER_LENGTH + quoted;
        ip6.wrap(seg, at).header(0, payload, IpProtocol.ICMPV6, TTL, srcHi, srcLo, clientHi, clientLo);
        final long icmpAt = at + Ipv6Flyweight.HEADER_LENGTH;
        icmp.wrap(seg, icmpAt).type(type).code(code).checksum(0).restOfHeader(restOfHeader);
        icmp.checksum(InetChecksum.l4Checksum(seg, icmpAt, payload,
            InetChecksum.pseudoHeaderSum6(srcHi, srcLo, clientHi, clientLo, IpProtocol.ICMPV6, payload)));
        v.l4Offset = l2 + Ipv6Flyweight.HEADER_LENGTH;
        v.l3Length = Ipv6Flyweight.HEADER_LENGTH + payload;
        v.protocol = IpProtocol.ICMPV6;
        sent.incrementRelease();
        return true;
    }

    /** Whether an error may go out: {@code allowed} by what it is about, and within the limit when limited (counted). */
    private boolean mayAnswer(final boolean allowed, final boolean limited)
    {
        if (!allowed)
        {
            notSent.incrementRelease();
            return false;
        }
        if (limited && !limiter.tryAcquire(nowMs))
        {
            rateLimited.incrementRelease();
            return false;
        }
        return true;
    }

    /**
     * Grows the packet by {@code headers} at its front for the error's IP and ICMP headers (the link header moves
     * along and is addressed back to the sender) and cuts it to those and {@code quoted} bytes of the original.
     */
    private boolean makeRoom(final Packet p, final int headers, final int quoted)
    {
        final int l2 = p.view.l3Offset;
        if (!p.prepend(port, headers))
        {
            notSent.incrementRelease();
            return false;
        }
        MemorySegment.copy(p.seg, p.frame + headers, p.seg, p.frame, l2);
        egress.toSender(p.seg, p.frame);
        p.length(port, l2 + headers + quoted);
        return true;
    }

    private boolean isIcmpError(final Packet p)
    {
        final PacketView v = p.view;
        return v.protocol == IpProtocol.ICMP &&
            IcmpFlyweight.isIcmpv4Error(icmp.wrap(p.seg, p.l4()).type());
    }

    private static boolean isUnicastSource(final int addr)
    {
        final int first = addr >>> 24;
        return addr != 0 && addr != -1 && first < 224 && first != 127 && first != 0;
    }
}
