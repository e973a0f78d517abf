package io.jlvs.dataplane.icmp;

import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.IcmpFlyweight;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.PacketView;

import java.lang.foreign.MemorySegment;

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

    /** True when this parsed IPv4 packet is an echo request (to be answered if it is for a local address). */
    public boolean isEchoRequest(final MemorySegment seg, final long frameOffset, final PacketView pkt)
    {
        return pkt.af == PacketView.AF_INET &&
            pkt.l3Length - (pkt.l4Offset - pkt.l3Offset) >= IcmpFlyweight.HEADER_LENGTH &&
            icmp.wrap(seg, frameOffset + pkt.l4Offset).type() == IcmpFlyweight.ECHO_REQUEST &&
            icmp.code() == 0;
    }

    /** Turns the echo request into its reply in place. */
    public void reply(final MemorySegment seg, final long frameOffset, final PacketView pkt)
    {
        eth.wrap(seg, frameOffset);
        eth.dstMac(eth.srcMac()).srcMac(portMac);

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
}
