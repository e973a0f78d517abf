package io.jlvs.dataplane.icmp;

import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.IcmpFlyweight;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.PacketView;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Answers ICMP echo requests to the director's own addresses and its VIPs, as a kernel director does for
 * addresses it holds, so operators can ping them. The request becomes the reply in place: addresses and
 * MACs swapped, type 0, TTL reset, checksums updated incrementally (RFC 1624).
 */
public final class IcmpEchoResponder
{
    static final int REPLY_TTL = 64;

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final IcmpFlyweight icmp = new IcmpFlyweight();
    private final long portMac;

    public IcmpEchoResponder(final long portMac)
    {
        this.portMac = portMac;
    }

    static final int ECHO_REQUEST_V6 = 128;
    static final int ECHO_REPLY_V6 = 129;

    /** True when this parsed packet is an ICMP or ICMPv6 echo request (to be answered if it is for a local address). */
    public boolean isEchoRequest(final MemorySegment seg, final long frameOffset, final PacketView pkt)
    {
        if (pkt.l3Length - (pkt.l4Offset - pkt.l3Offset) < IcmpFlyweight.HEADER_LENGTH ||
            pkt.fragment != PacketView.NOT_FRAGMENT)
        {
            return false;
        }
        final int type = icmp.wrap(seg, frameOffset + pkt.l4Offset).type();
        return icmp.code() == 0 &&
            (pkt.af == PacketView.AF_INET ? type == IcmpFlyweight.ECHO_REQUEST : type == ECHO_REQUEST_V6);
    }

    /** Turns the echo request into its reply in place. */
    public void reply(final MemorySegment seg, final long frameOffset, final PacketView pkt)
    {
        eth.wrap(seg, frameOffset);
        eth.dstMac(eth.srcMac()).srcMac(portMac);
        if (pkt.af == PacketView.AF_INET6)
        {
            replyV6(seg, frameOffset, pkt);
            return;
        }

        ip.wrap(seg, frameOffset + pkt.l3Offset);
        final int src = ip.srcAddr();
        final int oldTtlProto = (ip.ttl() << 8) | ip.protocol();
        ip.srcAddr(ip.dstAddr()).dstAddr(src).ttl(REPLY_TTL);
        ip.checksum(InetChecksum.update16(ip.checksum(), oldTtlProto, (REPLY_TTL << 8) | ip.protocol()));

        icmp.wrap(seg, frameOffset + pkt.l4Offset);
        final int oldTypeCode = (icmp.type() << 8) | icmp.code();
        icmp.type(IcmpFlyweight.ECHO_REPLY);
        icmp.checksum(InetChecksum.update16(icmp.checksum(), oldTypeCode, IcmpFlyweight.ECHO_REPLY << 8));
    }

    /** Addresses swapped (the pseudo-header's sum is unchanged), hop limit reset, type 129. */
    private void replyV6(final MemorySegment seg, final long frameOffset, final PacketView pkt)
    {
        final long ip = frameOffset + pkt.l3Offset;
        final ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED;
        final long s0 = seg.get(u64, ip + Ipv6Flyweight.SRC_ADDR_OFFSET);
        final long s1 = seg.get(u64, ip + Ipv6Flyweight.SRC_ADDR_OFFSET + 8);
        seg.set(u64, ip + Ipv6Flyweight.SRC_ADDR_OFFSET, seg.get(u64, ip + Ipv6Flyweight.DST_ADDR_OFFSET));
        seg.set(u64, ip + Ipv6Flyweight.SRC_ADDR_OFFSET + 8, seg.get(u64, ip + Ipv6Flyweight.DST_ADDR_OFFSET + 8));
        seg.set(u64, ip + Ipv6Flyweight.DST_ADDR_OFFSET, s0);
        seg.set(u64, ip + Ipv6Flyweight.DST_ADDR_OFFSET + 8, s1);
        seg.set(ValueLayout.JAVA_BYTE, ip + Ipv6Flyweight.HOP_LIMIT_OFFSET, (byte)REPLY_TTL);
        icmp.wrap(seg, frameOffset + pkt.l4Offset);
        final int oldTypeCode = (icmp.type() << 8) | icmp.code();
        icmp.type(ECHO_REPLY_V6);
        icmp.checksum(InetChecksum.update16(icmp.checksum(), oldTypeCode, ECHO_REPLY_V6 << 8));
    }
}
