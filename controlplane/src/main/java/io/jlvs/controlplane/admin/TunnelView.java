package io.jlvs.controlplane.admin;

import java.util.Objects;

/**
 * Tunnel settings of a {@link Forward#TUNNEL} destination (kernel 5.2+: ipip, gue, gre).
 *
 * @param type     tunnel type, default ipip
 * @param port     GUE destination port, 0 otherwise
 * @param checksum checksum mode, default nocsum
 */
public record TunnelView(Type type, int port, Checksum checksum)
{
    /** The default tunnel: plain IP-in-IP. */
    public static final TunnelView IPIP = new TunnelView(Type.IPIP, 0, Checksum.NOCSUM);

    public TunnelView
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(checksum, "checksum");
    }

    /** {@code IP_VS_CONN_F_TUNNEL_TYPE_*}. */
    public enum Type
    {
        IPIP("ipip"),
        GUE("gue"),
        GRE("gre");

        private final String ipvsadmName;

        Type(final String ipvsadmName)
        {
            this.ipvsadmName = ipvsadmName;
        }

        public String ipvsadmName()
        {
            return ipvsadmName;
        }
    }

    /** {@code IP_VS_TUNNEL_ENCAP_FLAG_*}, with the --tun-info abbreviation and the -S option of each. */
    public enum Checksum
    {
        NOCSUM("-c", "--tun-nocsum"),
        CSUM("+c", "--tun-csum"),
        REMCSUM("r+c", "--tun-remcsum");

        private final String infoName;
        private final String saveOption;

        Checksum(final String infoName, final String saveOption)
        {
            this.infoName = infoName;
            this.saveOption = saveOption;
        }

        public String infoName()
        {
            return infoName;
        }

        public String saveOption()
        {
            return saveOption;
        }
    }
}
