package io.jlvs.controlplane.config;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Address family of a service or server: {@code AF_INET} or {@code AF_INET6}. */
public enum AddressFamily
{
    INET,
    INET6;

    public static AddressFamily of(final InetAddress address)
    {
        return address instanceof Inet6Address ? INET6 : INET;
    }
}
