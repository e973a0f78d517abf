package io.jlvs.dataplane.proto;

/**
 * What one received packet says about its flow, filled once by the parser and read by the
 * connection lookup and the schedulers: the counterpart of the kernel's {@code struct ip_vs_iphdr}.
 * <p>
 * Addresses of both families are held as two longs: IPv4 in the low 32 bits of {@code lo} with
 * {@code hi == 0}; IPv6 as the high and low 64 bits in network order. Ports are unsigned 16-bit
 * values. One instance per forwarding agent, reused for every packet.
 */
public final class PacketView
{
    public static final int AF_INET = 2;
    public static final int AF_INET6 = 10;

    public int af;
    public int protocol;
    public long saddrHi;
    public long saddrLo;
    public long daddrHi;
    public long daddrLo;
    public int sport;
    public int dport;
    /** TCP flags byte (FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10), 0 for other protocols. */
    public int tcpFlags;
    /** Offset of the L3 header from the start of the frame. */
    public int l3Offset;
    /** Offset of the L4 header from the start of the frame. */
    public int l4Offset;
    /** Length of the L3 packet (IPv4 total length, or IPv6 payload length plus 40). */
    public int l3Length;
    /** Length of the whole frame as received. */
    public int frameLength;
    /** {@link #NOT_FRAGMENT}, {@link #FIRST_FRAGMENT} (ports parsed) or {@link #LATER_FRAGMENT} (no ports). */
    public int fragment;
    /** A fragment's datagram id: IPv4's 16 bits, IPv6's 32. */
    public long fragmentId;
    /** A fragment's offset in its datagram's payload, in bytes. */
    public int fragmentOffset;
    /** A fragment's more-fragments flag: false on the last. */
    public boolean moreFragments;
    /**
     * The protocol field that keys a fragment's datagram: IPv4's protocol; the IPv6 fragment header's next header,
     * the same in every fragment (the first's {@link #protocol} may lie beyond more extension headers).
     */
    public int fragmentProtocol;
    /** Offset from the frame's start of a fragment's data: where {@link #fragmentOffset} counts from. */
    public int fragmentDataOffset;

    /** A whole datagram (an atomic IPv6 fragment is one too). */
    public static final int NOT_FRAGMENT = 0;
    /** A datagram's first fragment: offset 0, its transport header whole (the parser checked). */
    public static final int FIRST_FRAGMENT = 1;
    /** A later fragment: the transport header is in the first. */
    public static final int LATER_FRAGMENT = 2;

    /** Bytes of the datagram's fragmentable part this fragment carries. */
    public int fragmentLength()
    {
        return l3Offset + l3Length - fragmentDataOffset;
    }

    public int af()
    {
        return af;
    }

    public int protocol()
    {
        return protocol;
    }

    public long saddrHi()
    {
        return saddrHi;
    }

    public long saddrLo()
    {
        return saddrLo;
    }

    public long daddrHi()
    {
        return daddrHi;
    }

    public long daddrLo()
    {
        return daddrLo;
    }

    public int sport()
    {
        return sport;
    }

    public int dport()
    {
        return dport;
    }

    public int tcpFlags()
    {
        return tcpFlags;
    }

    /** The IPv4 source address; only meaningful when {@code af == AF_INET}. */
    public int saddrV4()
    {
        return (int)saddrLo;
    }

    /** The IPv4 destination address; only meaningful when {@code af == AF_INET}. */
    public int daddrV4()
    {
        return (int)daddrLo;
    }

    public void reset()
    {
        af = 0;
        protocol = 0;
        saddrHi = 0;
        saddrLo = 0;
        daddrHi = 0;
        daddrLo = 0;
        sport = 0;
        dport = 0;
        tcpFlags = 0;
        l3Offset = 0;
        l4Offset = 0;
        l3Length = 0;
        frameLength = 0;
        fragment = NOT_FRAGMENT;
        fragmentId = 0;
        fragmentOffset = 0;
        moreFragments = false;
        fragmentDataOffset = 0;
        fragmentProtocol = 0;
    }
}
