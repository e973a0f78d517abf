package io.jlvs.controlplane.vrrp;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A VRRP advertisement over IPv4, version 3 (RFC 5798) or version 2 (RFC 3768, keepalived's default), read from a
 * received datagram (IP header first) or written without its IP header (the kernel adds it); or over IPv6, version 3
 * only, read without its IP header ({@link #parse6}: the raw IPv6 socket hands over the payload, and the hop limit,
 * source and destination beside it).
 * <pre>
 *  0                   1                   2                   3
 *  |Version| Type  | Virtual Rtr ID|   Priority    |Count IPvX Addr|
 *  v3: |(rsvd) |     Max Adver Int (centiseconds)  |   Checksum    |
 *  v2: |   Auth Type   |  Adver Int (s)|          Checksum             |
 *  |                       IPv4 Address(es)                        |
 *  v2: |                 Authentication Data (8 bytes)                 |
 * </pre>
 * The version 3 checksum covers the IPv4 or IPv6 pseudo-header; version 2's the message alone. Version 2's simple text
 * password (keepalived's {@code auth_type PASS}) is the 8 bytes of authentication data, zero-padded.
 * {@link #parse} says why a datagram is refused; one thread's: the fields are those of the last datagram parsed.
 */
public final class VrrpPacket
{
    public static final int PROTOCOL = 112;
    public static final int TYPE_ADVERTISEMENT = 1;
    public static final int AUTH_NONE = 0;
    public static final int AUTH_PASS = 1;
    public static final int TTL = 255;
    public static final int MAX_ADDRESSES = 20;

    /** Why a datagram was refused, in the order the checks run. */
    public enum Verdict
    {
        OK, TRUNCATED, TTL, VERSION, TYPE, VRID, CHECKSUM, AUTHENTICATION, INTERVAL
    }

    private int version;
    private int vrid;
    private int priority;
    private int intervalCs;
    private int source;
    private final int[] addresses = new int[255];
    private int addressCount;
    private final byte[] source6 = new byte[16];

    public int version()
    {
        return version;
    }

    public int vrid()
    {
        return vrid;
    }

    public int priority()
    {
        return priority;
    }

    /** The advertisement interval in centiseconds (version 2's seconds times 100). */
    public int intervalCs()
    {
        return intervalCs;
    }

    /** The sender's address, from the IP header. */
    public int source()
    {
        return source;
    }

    /** The IPv6 sender's address (its link-local one), after {@link #parse6}. */
    public byte[] source6()
    {
        return source6;
    }

    public int addressCount()
    {
        return addressCount;
    }

    public int address(final int i)
    {
        return addresses[i];
    }

    /**
     * Reads and checks a received datagram for the instance {@code expectedVrid} speaking {@code expectedVersion}:
     * whole, TTL 255, the version, an advertisement, the VRID, the checksum, version 2's password (null: none), and
     * version 2's interval equal to ours ({@code ownIntervalCs}), as RFC 3768 requires.
     */
    public Verdict parse(final byte[] d, final int length, final int expectedVersion, final int expectedVrid,
        final byte[] password, final int ownIntervalCs)
    {
        if (length < 20 || (d[0] & 0xF0) != 0x40)
        {
            return Verdict.TRUNCATED;
        }
        final int ihl = (d[0] & 0x0F) * 4;
        final int total = u16(d, 2);
        if (ihl < 20 || total > length || total < ihl + 8)
        {
            return Verdict.TRUNCATED;
        }
        if ((d[8] & 0xFF) != TTL)
        {
            return Verdict.TTL;
        }
        source = u32(d, 12);
        final int destination = u32(d, 16);
        final int v = ihl;
        version = (d[v] & 0xF0) >>> 4;
        if (version != expectedVersion)
        {
            return Verdict.VERSION; // before the length, which depends on the version
        }
        final int count = d[v + 3] & 0xFF;
        final int needed = 8 + count * 4 + (version == 2 ? 8 : 0);
        if (total - ihl < needed)
        {
            return Verdict.TRUNCATED;
        }
        if ((d[v] & 0x0F) != TYPE_ADVERTISEMENT)
        {
            return Verdict.TYPE;
        }
        vrid = d[v + 1] & 0xFF;
        if (vrid != expectedVrid)
        {
            return Verdict.VRID;
        }
        priority = d[v + 2] & 0xFF;
        final int vrrpLength = version == 2 ? needed : total - ihl;
        final int sum = version == 3 ? checksum(d, v, vrrpLength, source, destination) : checksum(d, v, vrrpLength, 0, 0);
        if (sum != 0)
        {
            return Verdict.CHECKSUM;
        }
        addressCount = count;
        for (int i = 0; i < count; i++)
        {
            addresses[i] = u32(d, v + 8 + i * 4);
        }
        if (version == 3)
        {
            intervalCs = u16(d, v + 4) & 0x0FFF;
            return Verdict.OK;
        }
        final int authType = d[v + 4] & 0xFF;
        intervalCs = (d[v + 5] & 0xFF) * 100;
        if (null == password ? authType != AUTH_NONE : authType != AUTH_PASS ||
            !Arrays.equals(d, v + 8 + count * 4, v + 16 + count * 4, pad(password), 0, 8))
        {
            return Verdict.AUTHENTICATION;
        }
        if (intervalCs != ownIntervalCs)
        {
            return Verdict.INTERVAL;
        }
        return Verdict.OK;
    }

    /**
     * Reads and checks an advertisement received over IPv6 for the instance {@code expectedVrid}: {@code d} is the
     * VRRP message (no IP header), {@code hopLimit}, {@code source} and {@code destination} come from the socket.
     * Version 3 only; the checks in {@link #parse}'s order.
     */
    public Verdict parse6(final byte[] d, final int length, final int hopLimit, final byte[] source,
        final byte[] destination, final int expectedVrid)
    {
        if (length < 8)
        {
            return Verdict.TRUNCATED;
        }
        if (hopLimit != TTL)
        {
            return Verdict.TTL;
        }
        version = (d[0] & 0xF0) >>> 4;
        if (version != 3)
        {
            return Verdict.VERSION;
        }
        final int count = d[3] & 0xFF;
        if (length < 8 + count * 16)
        {
            return Verdict.TRUNCATED;
        }
        if ((d[0] & 0x0F) != TYPE_ADVERTISEMENT)
        {
            return Verdict.TYPE;
        }
        vrid = d[1] & 0xFF;
        if (vrid != expectedVrid)
        {
            return Verdict.VRID;
        }
        priority = d[2] & 0xFF;
        if (checksum6(d, 0, length, source, destination) != 0)
        {
            return Verdict.CHECKSUM;
        }
        System.arraycopy(source, 0, source6, 0, 16);
        addressCount = count;
        intervalCs = u16(d, 4) & 0x0FFF;
        return Verdict.OK;
    }

    /**
     * Writes a version 3 advertisement for IPv6 (no IP header) into {@code out}.
     *
     * @param addresses   the IPv6 addresses, 16 bytes each.
     * @param source      the sender's link-local address (the pseudo-header).
     * @param destination ff02::12 or the unicast peer (the pseudo-header).
     * @return its length.
     */
    public static int write6(final byte[] out, final int vrid, final int priority, final int intervalCs,
        final byte[][] addresses, final byte[] source, final byte[] destination)
    {
        final int count = addresses.length;
        final int length = 8 + count * 16;
        Arrays.fill(out, 0, length, (byte)0);
        out[0] = (byte)((3 << 4) | TYPE_ADVERTISEMENT);
        out[1] = (byte)vrid;
        out[2] = (byte)priority;
        out[3] = (byte)count;
        putU16(out, 4, intervalCs & 0x0FFF);
        for (int i = 0; i < count; i++)
        {
            System.arraycopy(addresses[i], 0, out, 8 + i * 16, 16);
        }
        putU16(out, 6, checksum6(out, 0, length, source, destination));
        return length;
    }

    /** The Internet checksum of {@code length} bytes at {@code at} with the IPv6 pseudo-header (RFC 8200 8.1). */
    static int checksum6(final byte[] b, final int at, final int length, final byte[] source, final byte[] destination)
    {
        long sum = PROTOCOL + (length >>> 16) + (length & 0xFFFF);
        for (int i = 0; i < 16; i += 2)
        {
            sum += u16(source, i) + u16(destination, i);
        }
        return fold(sum, b, at, length);
    }

    /**
     * Writes an advertisement (no IP header) into {@code out}.
     *
     * @param source      the sender's primary address (version 3's pseudo-header).
     * @param destination 224.0.0.18 or the unicast peer (version 3's pseudo-header).
     * @return its length.
     */
    public static int write(final byte[] out, final int version, final int vrid, final int priority,
        final int intervalCs, final int[] addresses, final byte[] password, final int source, final int destination)
    {
        final int count = addresses.length;
        final int length = 8 + count * 4 + (version == 2 ? 8 : 0);
        Arrays.fill(out, 0, length, (byte)0);
        out[0] = (byte)((version << 4) | TYPE_ADVERTISEMENT);
        out[1] = (byte)vrid;
        out[2] = (byte)priority;
        out[3] = (byte)count;
        if (version == 3)
        {
            putU16(out, 4, intervalCs & 0x0FFF);
        }
        else
        {
            out[4] = (byte)(null == password ? AUTH_NONE : AUTH_PASS);
            out[5] = (byte)Math.max(1, intervalCs / 100);
        }
        for (int i = 0; i < count; i++)
        {
            putU32(out, 8 + i * 4, addresses[i]);
        }
        if (version == 2 && null != password)
        {
            System.arraycopy(pad(password), 0, out, 8 + count * 4, 8);
        }
        final int sum = version == 3 ? checksum(out, 0, length, source, destination) : checksum(out, 0, length, 0, 0);
        putU16(out, 6, sum);
        return length;
    }

    /** keepalived's auth_pass: at most 8 bytes, zero-padded. */
    static byte[] pad(final byte[] password)
    {
        return Arrays.copyOf(password, 8);
    }

    public static byte[] password(final String text)
    {
        return null == text ? null : pad(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** The Internet checksum of {@code length} bytes at {@code at}, with the IPv4 pseudo-header when source != 0. */
    static int checksum(final byte[] b, final int at, final int length, final int source, final int destination)
    {
        long sum = 0;
        if (0 != source)
        {
            sum += (source >>> 16) + (source & 0xFFFF) + (destination >>> 16) + (destination & 0xFFFF) + PROTOCOL +
                length;
        }
        return fold(sum, b, at, length);
    }

    private static int fold(final long pseudo, final byte[] b, final int at, final int length)
    {
        long sum = pseudo;
        for (int i = 0; i + 1 < length; i += 2)
        {
            sum += u16(b, at + i);
        }
        if ((length & 1) != 0)
        {
            sum += (b[at + length - 1] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)(~sum & 0xFFFF);
    }

    static int u16(final byte[] b, final int at)
    {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    static int u32(final byte[] b, final int at)
    {
        return (u16(b, at) << 16) | u16(b, at + 2);
    }

    private static void putU16(final byte[] b, final int at, final int v)
    {
        b[at] = (byte)(v >>> 8);
        b[at + 1] = (byte)v;
    }

    private static void putU32(final byte[] b, final int at, final int v)
    {
        putU16(b, at, v >>> 16);
        putU16(b, at + 2, v);
    }
}
