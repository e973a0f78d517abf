package io.jlvs.controlplane.config;

import io.jlvs.dataplane.service.Addresses;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literal parsing that never touches DNS, and inet_ntop-style printing. */
public final class InetLiterals
{
    private static final Pattern DOTTED_QUAD = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private InetLiterals()
    {
    }

    /** @return the address of a strict dotted quad "a.b.c.d" (each 0..255), or null */
    public static Inet4Address ipv4(final String text)
    {
        if (text == null || !DOTTED_QUAD.matcher(text).matches())
        {
            return null;
        }
        final String[] parts = text.split("\\.");
        final byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++)
        {
            final int octet = Integer.parseInt(parts[i]);
            if (octet > 255)
            {
                return null;
            }
            bytes[i] = (byte)octet;
        }
        return (Inet4Address)byAddress(bytes);
    }

    /**
     * @param text an IPv6 literal, with or without brackets, without a zone id
     * @return its address (IPv4-mapped forms stay IPv6), or null
     */
    public static Inet6Address ipv6(final String text)
    {
        if (text == null)
        {
            return null;
        }
        String s = text;
        if (s.length() > 2 && s.charAt(0) == '[' && s.charAt(s.length() - 1) == ']')
        {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches())
        {
            return null;
        }
        final InetAddress parsed;
        try
        {
            parsed = InetAddress.ofLiteral(s);
        }
        catch (final IllegalArgumentException ex)
        {
            return null;
        }
        if (parsed instanceof Inet6Address v6)
        {
            return v6;
        }
        final byte[] mapped = new byte[16];
        mapped[10] = (byte)0xff;
        mapped[11] = (byte)0xff;
        System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
        try
        {
            return Inet6Address.getByAddress(null, mapped, -1);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** @return the address of an IPv4 dotted quad or an IPv6 literal, or null if {@code text} is neither */
    public static InetAddress literal(final String text)
    {
        final InetAddress v4 = ipv4(text);
        return v4 != null ? v4 : ipv6(text);
    }

    /** @return {@code bytes} (4 or 16) as an address, never resolving a name */
    public static InetAddress byAddress(final byte[] bytes)
    {
        try
        {
            return bytes.length == 16 ? Inet6Address.getByAddress(null, bytes, -1) : InetAddress.getByAddress(bytes);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("address must have 4 or 16 bytes", ex);
        }
    }

    /** @return the IPv4 address as an int in host order (a.b.c.d = a<<24 | ...) */
    public static int toInt(final Inet4Address address)
    {
        final byte[] b = address.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** @return the IPv4 address of the host-order int {@code value} */
    public static Inet4Address fromInt(final int value)
    {
        return (Inet4Address)byAddress(new byte[] {
            (byte)(value >>> 24), (byte)(value >>> 16), (byte)(value >>> 8), (byte)value});
    }

    /**
     * Formats an address as glibc's inet_ntop does: dotted quad for IPv4; for IPv6 lower-case hex groups, the
     * first longest run of two or more zero groups shown as "::", and "::a.b.c.d" / "::ffff:a.b.c.d" for the
     * IPv4-compatible and IPv4-mapped forms. (Java's getHostAddress() never compresses zeros.)
     */
    public static String ntop(final InetAddress address)
    {
        return Addresses.ntop(address);
    }
}
