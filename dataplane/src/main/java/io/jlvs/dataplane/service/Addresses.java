package io.jlvs.dataplane.service;

import io.jlvs.dataplane.proto.PacketView;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Converts between InetAddress and the two-long address form used on the fast path (see PacketView). */
public final class Addresses
{
    private Addresses()
    {
    }

    public static int af(final InetAddress address)
    {
        return address instanceof Inet6Address ? PacketView.AF_INET6 : PacketView.AF_INET;
    }

    public static long hi(final InetAddress address)
    {
        final byte[] b = address.getAddress();
        return b.length == 16 ? toLong(b, 0) : 0L;
    }

    public static long lo(final InetAddress address)
    {
        final byte[] b = address.getAddress();
        return b.length == 16 ? toLong(b, 8) : (toLong4(b) & 0xFFFF_FFFFL);
    }

    public static InetAddress toInetAddress(final int af, final long hi, final long lo)
    {
        try
        {
            if (af == PacketView.AF_INET6)
            {
                final byte[] b = new byte[16];
                for (int i = 0; i < 8; i++)
                {
                    b[i] = (byte)(hi >>> (56 - 8 * i));
                    b[8 + i] = (byte)(lo >>> (56 - 8 * i));
                }
                return InetAddress.getByAddress(b);
            }
            final int v = (int)lo;
            return InetAddress.getByAddress(new byte[] {(byte)(v >>> 24), (byte)(v >>> 16), (byte)(v >>> 8), (byte)v});
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException(ex);
        }
    }

    /** "a.b.c.d:port" or "[v6]:port", as ipvsadm -n prints them. */
    public static String toString(final int af, final long hi, final long lo, final int port)
    {
        final InetAddress a = toInetAddress(af, hi, lo);
        return a instanceof Inet4Address ? a.getHostAddress() + ':' + port : '[' + compress(a) + "]:" + port;
    }

    private static String compress(final InetAddress a)
    {
        return a.getHostAddress().replaceFirst("(^|:)(0(:|$)){2,}", "::").replaceFirst(":::", "::");
    }

    public static String ipv4ToString(final int v)
    {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
    }

    private static long toLong(final byte[] b, final int off)
    {
        long v = 0;
        for (int i = 0; i < 8; i++)
        {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    private static long toLong4(final byte[] b)
    {
        return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }
}
