package io.jlvs.controlplane.config;

import java.util.Objects;

/**
 * Persistence granularity ({@code netmask} in ldirectord.cf, {@code -M} in ipvsadm), held as the kernel holds it:
 * for IPv4 {@code value} is the 32-bit mask (any bit pattern inet_aton accepts, e.g. {@code 0xffffff00} for
 * 255.255.255.0), for IPv6 it is the prefix length 1..128.
 */
public record Netmask(AddressFamily family, int value)
{
    public static final Netmask IPV4_HOST = new Netmask(AddressFamily.INET, 0xffffffff);
    public static final Netmask IPV6_HOST = new Netmask(AddressFamily.INET6, 128);

    public Netmask
    {
        Objects.requireNonNull(family, "family");
        if (family == AddressFamily.INET6 && (value < 1 || value > 128))
        {
            throw new IllegalArgumentException("IPv6 prefix length must be 1..128: " + value);
        }
    }

    /** @return the default granularity of a service of this family: /32 or /128 */
    public static Netmask hostMask(final AddressFamily family)
    {
        return family == AddressFamily.INET6 ? IPV6_HOST : IPV4_HOST;
    }

    /** @return "255.255.255.0" for IPv4, "64" for IPv6: the text ipvsadm prints after "mask" */
    @Override
    public String toString()
    {
        if (family == AddressFamily.INET6)
        {
            return Integer.toString(value);
        }
        return ((value >>> 24) & 0xff) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }
}
