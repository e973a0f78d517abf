package io.jlvs.dataplane.xmit;

/**
 * The encapsulation of a tunnel ({@link io.jlvs.dataplane.conn.FwdMethod#TUNNEL}) real server, the kernel's
 * {@code IP_VS_CONN_F_TUNNEL_TYPE_*} (GUE since Linux 5.2, GRE since 5.3), named as {@code ipvsadm --tun-type} names
 * it. Each adds {@link #headerLength} bytes of its own after the outer IP header.
 * <pre>
 *   IPIP  outer IP | inner IP ...                                 RFC 2003 (RFC 2473 for an IPv6 inner packet)
 *   GUE   outer IP | UDP (to --tun-port) | GUE 4 | inner IP ...   draft-ietf-intarea-gue, Linux's fou
 *   GRE   outer IP | GRE 4 (8 with a checksum) | inner IP ...    RFC 2784
 * </pre>
 */
public enum TunnelType
{
    IPIP(0, "ipip"),
    GUE(1, "gue"),
    GRE(2, "gre");

    /** UDP and GUE headers. */
    public static final int GUE_OVERHEAD = 8 + 4;
    /** A GRE header without checksum; with one it is 4 bytes longer. */
    public static final int GRE_OVERHEAD = 4;

    private final int value;
    private final String ipvsadmName;

    TunnelType(final int value, final String ipvsadmName)
    {
        this.value = value;
        this.ipvsadmName = ipvsadmName;
    }

    /** The kernel's value, as the sync protocol and netlink carry it. */
    public int value()
    {
        return value;
    }

    /** "ipip", "gue" or "gre", as {@code --tun-type} takes it and {@code -L --tun-info} prints it. */
    public String ipvsadmName()
    {
        return ipvsadmName;
    }

    /** Bytes this encapsulation adds after the outer IP header. */
    public int headerLength(final TunnelChecksum checksum)
    {
        return switch (this)
        {
            case IPIP -> 0;
            case GUE -> GUE_OVERHEAD;
            case GRE -> GRE_OVERHEAD + (checksum == TunnelChecksum.CSUM ? 4 : 0);
        };
    }

    /** The type {@code --tun-type} names, or null. */
    public static TunnelType ofIpvsadmName(final String name)
    {
        for (final TunnelType t : values())
        {
            if (t.ipvsadmName.equals(name))
            {
                return t;
            }
        }
        return null;
    }
}
