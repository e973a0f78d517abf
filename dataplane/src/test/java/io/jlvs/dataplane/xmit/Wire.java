package io.jlvs.dataplane.xmit;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/**
 * Test frames built byte by byte, and checks of what comes out, with checksums summed here word by word: an
 * independent computation, not the code under test's.
 */
public final class Wire
{
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMP = 1;
    public static final int DF = 0x4000;

    private Wire()
    {
    }

    public static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return (Integer.parseInt(p[0]) << 24) | (Integer.parseInt(p[1]) << 16) | (Integer.parseInt(p[2]) << 8) |
            Integer.parseInt(p[3]);
    }

    public static byte[] hex(final String text)
    {
        return HexFormat.of().parseHex(text.replaceAll("\\s+", ""));
    }

    /** An Ethernet frame around an IPv4 packet, padded to 60 bytes, header checksum right. */
    public static byte[] ipv4Frame(
        final long dstMac, final long srcMac, final int tos, final int ttl, final int flagsFragment,
        final int protocol, final int saddr, final int daddr, final byte[] options, final byte[] l4)
    {
        final int ihl = 5 + options.length / 4;
        final int total = ihl * 4 + l4.length;
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        mac(b, dstMac);
        mac(b, srcMac);
        u16(b, 0x0800);
        b.write(0x40 | ihl);
        b.write(tos);
        u16(b, total);
        u16(b, 0x1234);
        u16(b, flagsFragment);
        b.write(ttl);
        b.write(protocol);
        u16(b, 0);
        u32(b, saddr);
        u32(b, daddr);
        b.writeBytes(options);
        b.writeBytes(l4);
        while (b.size() < 60)
        {
            b.write(0);
        }
        final byte[] f = b.toByteArray();
        final int c = ~sum(f, 14, ihl * 4, 0) & 0xFFFF;
        f[24] = (byte)(c >>> 8);
        f[25] = (byte)c;
        return f;
    }

    /** A TCP segment (20-byte header) with its checksum right for these addresses. */
    public static byte[] tcp(final int saddr, final int daddr, final int sport, final int dport, final int flags,
        final byte[] payload)
    {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, sport);
        u16(b, dport);
        u32(b, 0x11223344);
        u32(b, (flags & 0x10) != 0 ? 0x55667788 : 0);
        b.write(0x50);
        b.write(flags);
        u16(b, 64240);
        u16(b, 0);
        u16(b, 0);
        b.writeBytes(payload);
        final byte[] s = b.toByteArray();
        final int c = ~sum(s, 0, s.length, pseudo(saddr, daddr, TCP, s.length)) & 0xFFFF;
        s[16] = (byte)(c >>> 8);
        s[17] = (byte)c;
        return s;
    }

    /** A UDP datagram; with {@code checksum} false its checksum is 0 (none). */
    public static byte[] udp(final int saddr, final int daddr, final int sport, final int dport, final byte[] payload,
        final boolean checksum)
    {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        u16(b, sport);
        u16(b, dport);
        u16(b, 8 + payload.length);
        u16(b, 0);
        b.writeBytes(payload);
        final byte[] d = b.toByteArray();
        if (checksum)
        {
            int c = ~sum(d, 0, d.length, pseudo(saddr, daddr, UDP, d.length)) & 0xFFFF;
            c = c == 0 ? 0xFFFF : c;
            d[6] = (byte)(c >>> 8);
            d[7] = (byte)c;
        }
        return d;
    }

    /** An ICMP message with its checksum right: {@code mtu} is the next-hop MTU of a fragmentation-needed. */
    public static byte[] icmp(final int type, final int code, final int mtu, final byte[] quoted)
    {
        final byte[] m = new byte[8 + quoted.length];
        m[0] = (byte)type;
        m[1] = (byte)code;
        m[6] = (byte)(mtu >>> 8);
        m[7] = (byte)mtu;
        System.arraycopy(quoted, 0, m, 8, quoted.length);
        final int c = ~sum(m, 0, m.length, 0) & 0xFFFF;
        m[2] = (byte)(c >>> 8);
        m[3] = (byte)c;
        return m;
    }

    /**
     * Splits an Ethernet frame's IPv4 packet (no options, DF clear) into fragments carrying {@code chunk} bytes of
     * its payload each (a multiple of 8, the last takes the rest), each a frame with the same Ethernet header, its
     * IP header's length, MF, offset and checksum set. The kernel's {@code ip_fragment}, plainly.
     */
    public static java.util.List<byte[]> fragments(final byte[] frame, final int chunk)
    {
        final int total = u16(frame, 16);
        final int ihl = (frame[14] & 0x0F) * 4;
        final int payload = total - ihl;
        final java.util.List<byte[]> out = new java.util.ArrayList<>();
        for (int off = 0; off < payload; off += chunk)
        {
            final int n = Math.min(chunk, payload - off);
            final byte[] f = new byte[Math.max(60, 14 + ihl + n)];
            System.arraycopy(frame, 0, f, 0, 14 + ihl);
            System.arraycopy(frame, 14 + ihl + off, f, 14 + ihl, n);
            final int length = ihl + n;
            f[16] = (byte)(length >>> 8);
            f[17] = (byte)length;
            final int flags = (off + n < payload ? 0x2000 : 0) | (off >>> 3);
            f[20] = (byte)(flags >>> 8);
            f[21] = (byte)flags;
            f[24] = 0;
            f[25] = 0;
            final int c = ~sum(f, 14, ihl, 0) & 0xFFFF;
            f[24] = (byte)(c >>> 8);
            f[25] = (byte)c;
            out.add(f);
        }
        return out;
    }

    /** Puts fragments (frames, in any order) back into one IPv4 packet: header of the first, payload by offset. */
    public static byte[] reassemble(final java.util.List<byte[]> frames)
    {
        int end = 0;
        byte[] first = null;
        for (final byte[] f : frames)
        {
            final int ihl = (f[14] & 0x0F) * 4;
            final int off = (u16(f, 20) & 0x1FFF) << 3;
            end = Math.max(end, off + u16(f, 16) - ihl);
            if (off == 0)
            {
                first = f;
            }
        }
        if (null == first)
        {
            throw new AssertionError("no first fragment");
        }
        final int ihl = (first[14] & 0x0F) * 4;
        final byte[] ip = new byte[ihl + end];
        System.arraycopy(first, 14, ip, 0, ihl);
        for (final byte[] f : frames)
        {
            final int fihl = (f[14] & 0x0F) * 4;
            final int off = (u16(f, 20) & 0x1FFF) << 3;
            System.arraycopy(f, 14 + fihl, ip, ihl + off, u16(f, 16) - fihl);
        }
        ip[2] = (byte)(ip.length >>> 8);
        ip[3] = (byte)ip.length;
        ip[6] = 0;
        ip[7] = 0;
        return ip;
    }

    public static byte[] payload(final int length)
    {
        final byte[] p = new byte[length];
        for (int i = 0; i < length; i++)
        {
            p[i] = (byte)(i * 7 + 1);
        }
        return p;
    }

    public static int u8(final byte[] f, final int at)
    {
        return f[at] & 0xFF;
    }

    public static int u16(final byte[] f, final int at)
    {
        return ((f[at] & 0xFF) << 8) | (f[at + 1] & 0xFF);
    }

    public static int u32(final byte[] f, final int at)
    {
        return (u16(f, at) << 16) | u16(f, at + 2);
    }

    public static long mac(final byte[] f, final int at)
    {
        return ((long)u16(f, at) << 32) | (u32(f, at + 2) & 0xFFFF_FFFFL);
    }

    /** True when the IPv4 header at {@code l3} sums to 0xFFFF. */
    public static boolean ipv4ChecksumOk(final byte[] f, final int l3)
    {
        return sum(f, l3, (f[l3] & 0x0F) * 4, 0) == 0xFFFF;
    }

    /** True when the TCP or UDP checksum of the IPv4 packet at {@code l3} is right (a UDP 0 is not). */
    public static boolean l4ChecksumOk(final byte[] f, final int l3)
    {
        final int ihl = (f[l3] & 0x0F) * 4;
        final int total = u16(f, l3 + 2);
        final int protocol = u8(f, l3 + 9);
        final int l4Length = total - ihl;
        return sum(f, l3 + ihl, l4Length, pseudo(u32(f, l3 + 12), u32(f, l3 + 16), protocol, l4Length)) == 0xFFFF;
    }

    public static int pseudo(final int saddr, final int daddr, final int protocol, final int length)
    {
        long s = (saddr >>> 16) + (saddr & 0xFFFF) + (daddr >>> 16) + (daddr & 0xFFFF) + protocol + length;
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    /** RFC 1071 over bytes, plainly: the tests' own checksum, folded, not complemented. */
    public static int sum(final byte[] b, final int from, final int length, final int initial)
    {
        long s = initial;
        for (int i = 0; i < length; i += 2)
        {
            s += ((b[from + i] & 0xFF) << 8) | (i + 1 < length ? b[from + i + 1] & 0xFF : 0);
        }
        while ((s >>> 16) != 0)
        {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int)s;
    }

    private static void mac(final ByteArrayOutputStream b, final long mac)
    {
        for (int i = 5; i >= 0; i--)
        {
            b.write((int)(mac >>> (8 * i)));
        }
    }

    private static void u16(final ByteArrayOutputStream b, final int v)
    {
        b.write(v >>> 8);
        b.write(v);
    }

    private static void u32(final ByteArrayOutputStream b, final int v)
    {
        u16(b, v >>> 16);
        u16(b, v);
    }
}
