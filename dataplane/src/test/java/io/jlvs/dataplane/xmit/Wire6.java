package io.jlvs.dataplane.xmit;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** IPv6 frames for tests, built plainly byte by byte with their own checksum code, independent of the dataplane's. */
public final class Wire6
{
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;
    public static final int FRAGMENT = 44;

    private Wire6()
    {
    }

    public static byte[] addr(final String text)
    {
        try
        {
            return InetAddress.getByName(text).getAddress();
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(text, ex);
        }
    }

    public static long hi(final byte[] a)
    {
        return ByteBuffer.wrap(a).getLong(0);
    }

    public static long lo(final byte[] a)
    {
        return ByteBuffer.wrap(a).getLong(8);
    }

    /** An Ethernet frame around an IPv6 packet: {@code payload} follows the fixed header directly. */
    public static byte[] frame(final long dstMac, final long srcMac, final int hopLimit, final int nextHeader,
        final byte[] src, final byte[] dst, final byte[] payload)
    {
        final ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 5; i >= 0; i--)
        {
            b.write((int)(dstMac >>> (8 * i)));
        }
        for (int i = 5; i >= 0; i--)
        {
            b.write((int)(srcMac >>> (8 * i)));
        }
        b.write(0x86);
        b.write(0xDD);
        b.write(0x60);
        b.write(0);
        b.write(0);
        b.write(0);
        b.write(payload.length >>> 8);
        b.write(payload.length);
        b.write(nextHeader);
        b.write(hopLimit);
        b.writeBytes(src);
        b.writeBytes(dst);
        b.writeBytes(payload);
        while (b.size() < 60)
        {
            b.write(0);
        }
        return b.toByteArray();
    }

    /** A TCP segment (20-byte header) with its IPv6 checksum right. */
    public static byte[] tcp(final byte[] src, final byte[] dst, final int sport, final int dport, final int flags,
        final byte[] payload)
    {
        final byte[] t = new byte[20 + payload.length];
        t[0] = (byte)(sport >>> 8);
        t[1] = (byte)sport;
        t[2] = (byte)(dport >>> 8);
        t[3] = (byte)dport;
        t[12] = 0x50;
        t[13] = (byte)flags;
        t[14] = (byte)0xFF;
        System.arraycopy(payload, 0, t, 20, payload.length);
        final int c = ~Wire.sum(t, 0, t.length, pseudo(src, dst, TCP, t.length)) & 0xFFFF;
        t[16] = (byte)(c >>> 8);
        t[17] = (byte)c;
        return t;
    }

    /** An ICMPv6 message: type, code, then {@code body}, checksum right. */
    public static byte[] icmp(final byte[] src, final byte[] dst, final int type, final int code, final byte[] body)
    {
        final byte[] m = new byte[4 + body.length];
        m[0] = (byte)type;
        m[1] = (byte)code;
        System.arraycopy(body, 0, m, 4, body.length);
        final int c = ~Wire.sum(m, 0, m.length, pseudo(src, dst, ICMPV6, m.length)) & 0xFFFF;
        m[2] = (byte)(c >>> 8);
        m[3] = (byte)c;
        return m;
    }

    /** A neighbour solicitation's body for {@code target}, with a source link-layer address option. */
    public static byte[] solicitation(final byte[] target, final long mac)
    {
        final byte[] b = new byte[4 + 16 + 8];
        System.arraycopy(target, 0, b, 4, 16);
        b[20] = 1;
        b[21] = 1;
        for (int i = 0; i < 6; i++)
        {
            b[22 + i] = (byte)(mac >>> (8 * (5 - i)));
        }
        return b;
    }

    /** A solicited advertisement's body for {@code target}, with a target link-layer address option. */
    public static byte[] advertisement(final byte[] target, final long mac)
    {
        final byte[] b = solicitation(target, mac);
        b[0] = 0x60; // solicited, override
        b[20] = 2;
        return b;
    }

    public static int pseudo(final byte[] src, final byte[] dst, final int nextHeader, final int length)
    {
        int s = Wire.sum(src, 0, 16, 0);
        s = Wire.sum(dst, 0, 16, s);
        long acc = s + (length >>> 16) + (length & 0xFFFF) + nextHeader;
        while ((acc >>> 16) != 0)
        {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int)acc;
    }

    /** True when the upper-layer checksum of the frame's IPv6 packet (no extension headers) is right. */
    public static boolean checksumOk(final byte[] f)
    {
        final int length = Wire.u16(f, 18);
        final byte[] src = java.util.Arrays.copyOfRange(f, 22, 38);
        final byte[] dst = java.util.Arrays.copyOfRange(f, 38, 54);
        return Wire.sum(f, 54, length, pseudo(src, dst, Wire.u8(f, 20), length)) == 0xFFFF;
    }

    public static byte[] src(final byte[] f)
    {
        return java.util.Arrays.copyOfRange(f, 22, 38);
    }

    public static byte[] dst(final byte[] f)
    {
        return java.util.Arrays.copyOfRange(f, 38, 54);
    }
}
