package io.jlvs.dataplane.capture;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * Which frames a capture keeps: a conjunction of tcpdump's primitives ({@code [src|dst] host|net}, {@code [src|dst]
 * port}, {@code ip ip6 arp tcp udp sctp icmp icmp6}) read from the frame as it is on the wire, as tcpdump reads it:
 * behind up to two VLAN tags, the outer headers of a tunnelled packet, ARP's addresses for {@code host} and
 * {@code net}, ports only on a first fragment and only where IPv6's next header is the transport. Immutable; its terms are primitive arrays, so matching allocates nothing.
 */
public final class CaptureFilter
{
    public static final int SRC = 1;
    public static final int DST = 2;
    public static final int EITHER = SRC | DST;

    private static final int ETHER_TYPE = 0;
    private static final int IP_PROTOCOL = 1;
    private static final int NET4 = 2;
    private static final int NET6 = 3;
    private static final int PORT = 4;

    private static final int ETH_IPV4 = 0x0800;
    private static final int ETH_IPV6 = 0x86DD;
    private static final int ETH_ARP = 0x0806;
    private static final int ETH_VLAN = 0x8100;
    private static final int ETH_QINQ = 0x88A8;
    private static final int IPPROTO_TCP = 6;
    private static final int IPPROTO_UDP = 17;
    private static final int IPPROTO_SCTP = 132;

    /** Keeps every frame. */
    public static final CaptureFilter ALL = new CaptureFilter(new int[0], new int[0], new long[0], new long[0],
        new long[0], new long[0], "");

    private final int[] kind;
    private final int[] dir;
    private final long[] a;
    private final long[] b;
    private final long[] maskA;
    private final long[] maskB;
    private final String text;

    private CaptureFilter(final int[] kind, final int[] dir, final long[] a, final long[] b, final long[] maskA,
        final long[] maskB, final String text)
    {
        this.kind = kind;
        this.dir = dir;
        this.a = a;
        this.b = b;
        this.maskA = maskA;
        this.maskB = maskB;
        this.text = text;
    }

    /** This filter and frames of that Ethernet type ({@code ip}, {@code ip6}, {@code arp}). */
    public CaptureFilter etherType(final int type, final String word)
    {
        return with(ETHER_TYPE, EITHER, type, 0, 0, 0, word);
    }

    /** This filter and IP packets of that protocol ({@code tcp}: 6, either family). */
    public CaptureFilter ipProtocol(final int protocol, final String word)
    {
        return with(IP_PROTOCOL, EITHER, protocol, 0, 0, 0, word);
    }

    /** This filter and IPv4 packets whose source and/or destination is in {@code address/prefix}. */
    public CaptureFilter net4(final int address, final int prefix, final int direction, final String words)
    {
        final long mask = 0 == prefix ? 0 : (0xFFFF_FFFFL << (32 - prefix)) & 0xFFFF_FFFFL;
        return with(NET4, direction, address & mask, 0, mask, 0, words);
    }

    /** This filter and IPv6 packets whose source and/or destination is in {@code hi:lo/prefix}. */
    public CaptureFilter net6(final long hi, final long lo, final int prefix, final int direction, final String words)
    {
        final long maskHi = prefix >= 64 ? -1L : (0 == prefix ? 0 : -1L << (64 - prefix));
        final long maskLo = prefix <= 64 ? 0 : (128 == prefix ? -1L : -1L << (128 - prefix));
        return with(NET6, direction, hi & maskHi, lo & maskLo, maskHi, maskLo, words);
    }

    /** This filter and TCP, UDP or SCTP packets whose source and/or destination port is {@code port}. */
    public CaptureFilter port(final int port, final int direction, final String words)
    {
        return with(PORT, direction, port, 0, 0, 0, words);
    }

    private CaptureFilter with(final int k, final int d, final long va, final long vb, final long ma, final long mb,
        final String words)
    {
        final int n = kind.length;
        final int[] k2 = Arrays.copyOf(kind, n + 1);
        final int[] d2 = Arrays.copyOf(dir, n + 1);
        final long[] a2 = Arrays.copyOf(a, n + 1);
        final long[] b2 = Arrays.copyOf(b, n + 1);
        final long[] ma2 = Arrays.copyOf(maskA, n + 1);
        final long[] mb2 = Arrays.copyOf(maskB, n + 1);
        k2[n] = k;
        d2[n] = d;
        a2[n] = va;
        b2[n] = vb;
        ma2[n] = ma;
        mb2[n] = mb;
        return new CaptureFilter(k2, d2, a2, b2, ma2, mb2, text.isEmpty() ? words : text + " and " + words);
    }

    /** No terms: every frame passes. */
    public boolean isAll()
    {
        return 0 == kind.length;
    }

    /**
     * Whether the frame of {@code length} bytes at {@code frame} in {@code seg} passes every term. The headers are
     * located once; each term reads only the fields it tests, and the first term that fails ends it, so a filter
     * that most frames fail (a protocol or a port) costs a few loads a frame.
     */
    public boolean matches(final MemorySegment seg, final long frame, final int length)
    {
        if (0 == kind.length)
        {
            return true;
        }
        if (length < 14)
        {
            return false;
        }
        final long end = frame + length;
        int etherType = Short.toUnsignedInt(seg.get(U16, frame + 12));
        long l3 = frame + 14;
        for (int tags = 0; tags < 2 && (etherType == ETH_VLAN || etherType == ETH_QINQ) && l3 + 4 <= end; tags++)
        {
            etherType = Short.toUnsignedInt(seg.get(U16, l3 + 2)); // 802.1Q, and 802.1ad's outer tag before it
            l3 += 4;
        }
        int family = 0;
        int protocol = -1;
        long l4 = -1;
        long src4 = -1;
        long dst4 = -1;
        if (etherType == ETH_IPV4 && l3 + 20 <= end && (seg.get(U8, l3) >> 4) == 4)
        {
            family = 4;
            protocol = Byte.toUnsignedInt(seg.get(U8, l3 + 9));
            src4 = l3 + 12;
            dst4 = l3 + 16;
            final boolean firstFragment = 0 == (seg.get(U16, l3 + 6) & 0x1FFF);
            l4 = firstFragment ? l3 + 4 * (seg.get(U8, l3) & 0xF) : -1;
        }
        else if (etherType == ETH_ARP && l3 + 28 <= end && seg.get(U16, l3 + 2) == ETH_IPV4)
        {
            src4 = l3 + 14; // tcpdump's host and net match ARP's sender and target protocol addresses
            dst4 = l3 + 24;
        }
        else if (etherType == ETH_IPV6 && l3 + 40 <= end && (seg.get(U8, l3) >> 4 & 0xF) == 6)
        {
            family = 6;
            protocol = Byte.toUnsignedInt(seg.get(U8, l3 + 6));
            l4 = l3 + 40;
        }
        final boolean hasPorts = l4 > 0 && l4 + 4 <= end &&
            (protocol == IPPROTO_TCP || protocol == IPPROTO_UDP || protocol == IPPROTO_SCTP);

        for (int i = 0; i < kind.length; i++)
        {
            final boolean pass = switch (kind[i])
            {
                case ETHER_TYPE -> etherType == a[i];
                case IP_PROTOCOL -> protocol == a[i];
                case NET4 -> src4 >= 0 && either(dir[i],
                    (Integer.toUnsignedLong(seg.get(U32, src4)) & maskA[i]) == a[i],
                    (Integer.toUnsignedLong(seg.get(U32, dst4)) & maskA[i]) == a[i]);
                case NET6 -> family == 6 && either(dir[i], in6(seg, l3 + 8, i), in6(seg, l3 + 24, i));
                case PORT -> hasPorts && either(dir[i], Short.toUnsignedInt(seg.get(U16, l4)) == a[i],
                    Short.toUnsignedInt(seg.get(U16, l4 + 2)) == a[i]);
                default -> false;
            };
            if (!pass)
            {
                return false;
            }
        }
        return true;
    }

    private boolean in6(final MemorySegment seg, final long address, final int term)
    {
        return (seg.get(U64, address) & maskA[term]) == a[term] && (seg.get(U64, address + 8) & maskB[term]) == b[term];
    }

    private static boolean either(final int direction, final boolean src, final boolean dst)
    {
        return ((direction & SRC) != 0 && src) || ((direction & DST) != 0 && dst);
    }

    /** The expression, as tcpdump would be given it; empty for {@link #ALL}. */
    @Override
    public String toString()
    {
        return text;
    }
}
