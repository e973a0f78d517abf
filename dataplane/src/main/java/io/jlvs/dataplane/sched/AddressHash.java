package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;

/**
 * What the hashing schedulers (sh, dh, mh) share with the kernel's: an IPv6 address folded to 32 bits by XOR of its four words,
 * then Knuth's multiplicative hash by 2654435761 ({@code ip_vs_sh_hashkey()}, {@code ip_vs_dh_hashkey()}), of which
 * the table index keeps the low bits. The same client then maps to the same bucket on a jlvs and a kernel director.
 */
final class AddressHash
{
    /** 2654435761, the golden ratio of 2^32: the low 32 bits of the kernel's unsigned long product are these. */
    static final int GOLDEN = 0x9E37_79B1;

    private AddressHash()
    {
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
