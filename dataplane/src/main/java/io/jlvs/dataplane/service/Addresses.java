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

    /** The address as {@link #ntop(InetAddress)} writes it; for logs and listings, not the fast path. */
    public static String ntop(final int af, final long hi, final long lo)
    {
        return ntop(toInetAddress(af, hi, lo));
    }

    /** "a.b.c.d:port" or "[v6]:port", as ipvsadm -n prints them. */
    public static String toString(final int af, final long hi, final long lo, final int port)
    {
        final InetAddress a = toInetAddress(af, hi, lo);
        return a instanceof Inet4Address ? ntop(a) + ':' + port : '[' + ntop(a) + "]:" + port;
    }

    /**
     * The address as glibc's inet_ntop writes it, which is what ipvsadm prints: the longest run of two or
     * more zero words as "::" (the first of equal runs), lower-case hex, and IPv4-mapped or -compatible
     * addresses ending in dotted quad.
     */
    public static String ntop(final InetAddress address)
    {
        final byte[] b = address.getAddress();
        if (b.length == 4)
        {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        }
        final int[] words = new int[8];
        for (int i = 0; i < 8; i++)
        {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestBase = -1;
        int bestLen = 0;
        int curBase = -1;
        int curLen = 0;
        for (int i = 0; i < 8; i++)
        {
            if (words[i] == 0)
            {
                if (curBase == -1)
                {
                    curBase = i;
                    curLen = 1;
                }
                else
                {
                    curLen++;
                }
            }
            else if (curBase != -1)
            {
                if (bestBase == -1 || curLen > bestLen)
                {
                    bestBase = curBase;
                    bestLen = curLen;
                }
                curBase = -1;
            }
        }
        if (curBase != -1 && (bestBase == -1 || curLen > bestLen))
        {
            bestBase = curBase;
            bestLen = curLen;
        }
        if (bestBase != -1 && bestLen < 2)
        {
            bestBase = -1;
        }
        final StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++)
        {
            if (bestBase != -1 && i >= bestBase && i < bestBase + bestLen)
            {
                if (i == bestBase)
                {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0)
            {
                sb.append(':');
            }
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff)))
            {
                sb.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.')
                    .append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                return sb.toString();
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase != -1 && bestBase + bestLen == 8)
        {
            sb.append(':');
        }
        return sb.toString();
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

    /**
     * The mask of a prefix as {@link PacketView} holds addresses: its high word for IPv6 (0 for
     * IPv4), then its low word (an IPv4 mask in the low 32 bits).
     */
    public static long prefixMaskHi(final int af, final int prefix)
    {
        return af == PacketView.AF_INET6 ? topBits(prefix) : 0;
    }

    public static long prefixMaskLo(final int af, final int prefix)
    {
        return af == PacketView.AF_INET6 ? topBits(prefix - 64) : topBits(prefix) >>> 32;
    }

    /** A word's top {@code bits} bits set: none at 0 or below, all at 64 or above. */
    private static long topBits(final int bits)
    {
        if (bits <= 0)
        {
            return 0;
        }
        return bits >= 64 ? -1L : -1L << (64 - bits);
    }
}
