package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Hand-written captures, one header per line, with checksums worked out independently of
 * {@link InetChecksum} (plain 16-bit word sums), and helpers to place a frame in a segment of exactly
 * its length so any read past the end throws.
 */
final class Frames
{
    /** Who-has 192.168.1.1 tell 192.168.1.10, broadcast, padded to the 60-byte minimum. */
    static final String ARP_REQUEST = """
        ff ff ff ff ff ff 52 54 00 12 34 56 08 06
        00 01 08 00 06 04 00 01 52 54 00 12 34 56 c0 a8 01 0a 00 00 00 00 00 00 c0 a8 01 01
        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
        """;

    /** 10.0.0.2:51234 -> 10.0.0.100:80 SYN, DF, ttl 64; options MSS 1460, SACK-perm, TS, NOP, WS 7. */
    static final String TCP_SYN = """
        00 1b 21 3a 4f 10 52 54 00 12 34 56 08 00
        45 00 00 3c 1c 46 40 00 40 06 0a 11 0a 00 00 02 0a 00 00 64
        c8 22 00 50 9e 3b 1a 2c 00 00 00 00 a0 02 fa f0 13 ef 00 00
        02 04 05 b4 04 02 08 0a 00 19 a3 c7 00 00 00 00 01 03 03 07
        """;
    static final int TCP_SYN_IP_CHECKSUM = 0x0a11;
    static final int TCP_SYN_TCP_CHECKSUM = 0x13ef;

    /** 192.168.1.10:53211 -> 8.8.8.8:53, A? example.com, id 0x1a2b, RD. */
    static final String UDP_DNS_QUERY = """
        00 1b 21 3a 4f 10 52 54 00 12 34 56 08 00
        45 00 00 39 be ef 00 00 40 11 ea 02 c0 a8 01 0a 08 08 08 08
        cf db 00 35 00 25 74 38
        1a 2b 01 00 00 01 00 00 00 00 00 00 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01
        """;
    static final int UDP_DNS_IP_CHECKSUM = 0xea02;
    static final int UDP_DNS_UDP_CHECKSUM = 0x7438;

    /** 192.168.1.10 -> 192.168.1.1 echo request id 0x0d21 seq 1, ttl 128, 32 bytes of a..w a..i. */
    static final String ICMP_ECHO = """
        00 1b 21 3a 4f 10 52 54 00 12 34 56 08 00
        45 00 00 3c 3a 1f 00 00 80 01 7d 46 c0 a8 01 0a c0 a8 01 01
        08 00 40 3a 0d 21 00 01
        61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 70 71 72 73 74 75 76 77 61 62 63 64 65 66 67 68 69
        """;
    static final int ICMP_ECHO_IP_CHECKSUM = 0x7d46;
    static final int ICMP_ECHO_ICMP_CHECKSUM = 0x403a;

    /** 8.8.8.8 -> 192.168.1.10 port unreachable, quoting the DNS query's IP header and UDP header. */
    static final String ICMP_PORT_UNREACHABLE = """
        52 54 00 12 34 56 00 1b 21 3a 4f 10 08 00
        45 c0 00 38 00 01 00 00 39 01 af 42 08 08 08 08 c0 a8 01 0a
        03 03 b8 8e 00 00 00 00
        45 00 00 39 be ef 00 00 40 11 ea 02 c0 a8 01 0a 08 08 08 08
        cf db 00 35 00 25 74 38
        """;
    static final int ICMP_PORT_UNREACHABLE_ICMP_CHECKSUM = 0xb88e;

    /** [2001:db8::1]:40000 -> [2001:db8::80]:443 SYN, traffic class 0xb8 (EF), flow label 0x1f2a3. */
    static final String IPV6_TCP_SYN = """
        00 1b 21 3a 4f 10 52 54 00 12 34 56 86 dd
        6b 81 f2 a3 00 28 06 40
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 80
        9c 40 01 bb 01 02 03 04 00 00 00 00 a0 02 fd 20 0a 73 00 00
        02 04 05 a0 04 02 08 0a 01 e2 40 aa 00 00 00 00 01 03 03 07
        """;
    static final int IPV6_TCP_SYN_TCP_CHECKSUM = 0x0a73;

    /** VLAN 100 (PCP 5): 10.1.0.5:5000 -> 10.1.0.9:6000 "ping", padded to 64 bytes. */
    static final String VLAN_UDP = """
        00 1b 21 3a 4f 10 52 54 00 12 34 56 81 00 a0 64 08 00
        45 00 00 20 00 42 40 00 40 11 26 7c 0a 01 00 05 0a 01 00 09
        13 88 17 70 00 0c e1 fd
        70 69 6e 67
        00 00 00 00 00 00 00 00 00 00 00 00 00 00
        """;

    /**
     * [2001:db8::1]:5353 -> [2001:db8::80]:5353 "mdns" behind hop-by-hop (router alert), destination
     * options (16 bytes of padding) and an atomic fragment header (offset 0, M clear, id 0x12345678).
     */
    static final String IPV6_EXT_UDP = """
        33 33 00 00 00 01 52 54 00 12 34 56 86 dd
        60 00 00 00 00 2c 00 01
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01
        20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 80
        3c 00 05 02 00 00 01 00
        2c 01 01 04 00 00 00 00 01 06 00 00 00 00 00 00
        11 00 00 00 12 34 56 78
        14 e9 14 e9 00 0c 9e 39 6d 64 6e 73
        """;
    static final int IPV6_EXT_UDP_UDP_CHECKSUM = 0x9e39;

    static final long DOC_NET_HI = 0x20010db800000000L;
    static final ValueLayout.OfByte BYTES = ValueLayout.JAVA_BYTE;

    private Frames()
    {
    }

    static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    /** A segment of exactly the frame's length over a private copy. */
    static MemorySegment segment(final byte[] frame)
    {
        return MemorySegment.ofArray(frame.clone());
    }

    static MemorySegment segment(final String frame)
    {
        return MemorySegment.ofArray(hex(frame));
    }

    static byte[] truncate(final byte[] frame, final int length)
    {
        return Arrays.copyOf(frame, length);
    }

    static byte[] concat(final byte[]... parts)
    {
        int length = 0;
        for (final byte[] p : parts)
        {
            length += p.length;
        }
        final byte[] out = new byte[length];
        int at = 0;
        for (final byte[] p : parts)
        {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    static byte[] set8(final byte[] frame, final int at, final int value)
    {
        final byte[] out = frame.clone();
        out[at] = (byte)value;
        return out;
    }

    static byte[] set16(final byte[] frame, final int at, final int value)
    {
        final byte[] out = frame.clone();
        out[at] = (byte)(value >>> 8);
        out[at + 1] = (byte)value;
        return out;
    }

    static int get16(final byte[] frame, final int at)
    {
        return ((frame[at] & 0xFF) << 8) | (frame[at + 1] & 0xFF);
    }

    /** Plain RFC 1071 word-by-word checksum, independent of {@link InetChecksum}. */
    static int naiveChecksum(final byte[] data, final int from, final int length)
    {
        return ~naiveSum(data, from, length, 0) & 0xFFFF;
    }

    static int naiveSum(final byte[] data, final int from, final int length, final int initial)
    {
        long sum = initial;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = data[from + i] & 0xFF;
            final int lo = i + 1 < length ? data[from + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    /** Rewrites the IPv4 header checksum of the header at {@code l3} after a test edited the header. */
    static byte[] fixIpv4Checksum(final byte[] frame, final int l3)
    {
        final byte[] out = frame.clone();
        out[l3 + 10] = 0;
        out[l3 + 11] = 0;
        final int checksum = naiveChecksum(out, l3, (out[l3] & 0x0F) * 4);
        out[l3 + 10] = (byte)(checksum >>> 8);
        out[l3 + 11] = (byte)checksum;
        return out;
    }

    static int ipv4(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }
}
