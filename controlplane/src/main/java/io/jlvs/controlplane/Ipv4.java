package io.jlvs.controlplane;

import java.net.Inet4Address;

/** IPv4 address conversions for the control plane. */
final class Ipv4
{
    private Ipv4()
    {
    }

    static int toInt(final Inet4Address a)
    {
        final byte[] b = a.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}
