package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.PacketView;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * What every forwarded packet goes through, as the kernel's {@code decrement_ttl()} does for each IPVS transmit
 * method but the local one: the TTL (hop limit) is decremented, the IPv4 header checksum updated for it; a packet
 * that arrived with TTL 1 or 0 is not forwarded, its sender gets ICMP time exceeded.
 */
public final class IpForward
{
    private IpForward()
    {
    }

    /**
     * Decrements the TTL of the IP header at {@code ip}.
     *
     * @return false when the TTL was 1 or 0: the packet must not be forwarded (nothing is changed).
     */
    public static boolean decrementTtl(final MemorySegment seg, final long ip, final int af)
    {
        if (af == PacketView.AF_INET6)
        {
            final int hops = Byte.toUnsignedInt(seg.get(U8, ip + Ipv6Flyweight.HOP_LIMIT_OFFSET));
            if (hops <= 1)
            {
                return false;
            }
            seg.set(U8, ip + Ipv6Flyweight.HOP_LIMIT_OFFSET, (byte)(hops - 1));
            return true;
        }
        final int ttlProto = Short.toUnsignedInt(seg.get(U16, ip + Ipv4Flyweight.TTL_OFFSET));
        if ((ttlProto >>> 8) <= 1)
        {
            return false;
        }
        final int next = ttlProto - 0x100;
        seg.set(U16, ip + Ipv4Flyweight.TTL_OFFSET, (short)next);
        final int checksum = Short.toUnsignedInt(seg.get(U16, ip + Ipv4Flyweight.CHECKSUM_OFFSET));
        seg.set(U16, ip + Ipv4Flyweight.CHECKSUM_OFFSET, (short)InetChecksum.update16(checksum, ttlProto, next));
        return true;
    }
}
