package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;

/**
 * The address hashing sh and dh share with the kernel: an IPv6 address folded to 32 bits by XOR of its four words,
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

    static int fold(final long hi, final long lo)
    {
        return (int)(hi >>> 32) ^ (int)hi ^ (int)(lo >>> 32) ^ (int)lo;
    }
}
