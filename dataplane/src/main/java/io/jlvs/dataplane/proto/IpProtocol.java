package io.jlvs.dataplane.proto;

/**
 * IANA protocol numbers as they appear in the IPv4 protocol field and the IPv6 next-header chain.
 */
public final class IpProtocol
{
    public static final int IPV6_HOP_BY_HOP = 0;
    public static final int ICMP = 1;
    /** IP-in-IP, the outer protocol of TUN forwarding. */
    public static final int IPIP = 4;
    public static final int TCP = 6;
    public static final int UDP = 17;
    /** IPv6-in-IP, the outer protocol of TUN forwarding for IPv6. */
    public static final int IPV6 = 41;
    public static final int IPV6_ROUTING = 43;
    public static final int IPV6_FRAGMENT = 44;
    public static final int GRE = 47;
    /** VRRP (RFC 5798): the director's own, handed to its kernel by the host path. */
    public static final int VRRP = 112;
    public static final int ESP = 50;
    public static final int AH = 51;
    public static final int ICMPV6 = 58;
    public static final int IPV6_NO_NEXT_HEADER = 59;
    public static final int IPV6_DEST_OPTIONS = 60;
    public static final int SCTP = 132;
    public static final int IPV6_MOBILITY = 135;
    public static final int HIP = 139;
    public static final int SHIM6 = 140;
    public static final int EXPERIMENTAL_1 = 253;
    public static final int EXPERIMENTAL_2 = 254;

    private IpProtocol()
    {
    }

    /**
     * True for the IPv6 extension headers that share the generic
     * {@code next header | hdr ext len (8-octet units beyond the first 8)} shape, so a walker can skip
     * them without understanding them (RFC 8200 section 4, RFC 6564). The fragment header (fixed 8
     * bytes) and AH (length in 4-octet units) are not in this set: they need their own handling.
     */
    public static boolean isGenericIpv6ExtensionHeader(final int nextHeader)
    {
        return switch (nextHeader)
        {
            case IPV6_HOP_BY_HOP, IPV6_ROUTING, IPV6_DEST_OPTIONS, IPV6_MOBILITY, HIP, SHIM6,
                 EXPERIMENTAL_1, EXPERIMENTAL_2 -> true;
            default -> false;
        };
    }
}
