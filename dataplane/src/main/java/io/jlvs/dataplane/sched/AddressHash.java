package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;

/**
 * What the hashing schedulers (sh, dh, mh) share with the kernel's: an IPv6 address folded to 32 bits by XOR of its
 * four words, then (sh, dh) the kernel's {@code hash_32()}, of which the table index is the top bits. Older kernels
 * kept the low bits of Knuth's product by 2654435761; Debian 12's 6.1 does not (KernelLvsPeerSystemTest compares the
 * two directors' choices). The same client then maps to the same bucket on a jlvs and a kernel director.
 */
final class AddressHash
{
    /** GOLDEN_RATIO_32 of the kernel's linux/hash.h (since 4.7), the factor of {@code hash_32()}. */
    static final int GOLDEN_RATIO_32 = 0x61C8_8647;

    private AddressHash()
    {
    }

    /** The kernel's {@code hash_32(value, bits)}: the top {@code bits} of the product, where they are most mixed. */
    static int hash32(final int value, final int bits)
    {
        return (value * GOLDEN_RATIO_32) >>> (32 - bits);
    }

    /** The source address as the kernel's {@code ntohl(addr_fold)}. */
    static int foldSource(final PacketView v)
    {
        return v.af == PacketView.AF_INET ? (int)v.saddrLo : fold(v.saddrHi, v.saddrLo);
    }

    /** The destination address, folded likewise. */
    static int foldDestination(final PacketView v)
    {
        return v.af == PacketView.AF_INET ? (int)v.daddrLo : fold(v.daddrHi, v.daddrLo);
    }

    /** The source port sh-port and mh-port hash: TCP's, UDP's or SCTP's; 0 for any other protocol. */
    static int sourcePort(final PacketView v)
    {
        return v.protocol == IpProtocol.TCP || v.protocol == IpProtocol.UDP || v.protocol == IpProtocol.SCTP ?
            v.sport : 0;
    }

    /** Their {@code is_unavailable()}: no weight, or overloaded; such a dest keeps its buckets but takes nothing. */
    static boolean isUnavailable(final Dest d)
    {
        return d.weight() <= 0 || d.isOverloaded();
    }

    static int fold(final long hi, final long lo)
    {
        return (int)(hi >>> 32) ^ (int)hi ^ (int)(lo >>> 32) ^ (int)lo;
    }
}
