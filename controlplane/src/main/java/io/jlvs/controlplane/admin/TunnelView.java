package io.jlvs.controlplane.admin;

import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;

import java.util.Objects;

/**
 * Tunnel settings of a {@link io.jlvs.dataplane.conn.FwdMethod#TUNNEL} destination as {@code ipvsadm -L --tun-info}
 * and {@code -S} show them (kernel 5.2+: ipip, gue, gre).
 *
 * @param type     tunnel type, default ipip
 * @param port     GUE destination port, 0 otherwise
 * @param checksum checksum mode, default nocsum
 */
public record TunnelView(TunnelType type, int port, TunnelChecksum checksum)
{
    /** The default tunnel: plain IP-in-IP. */
    public static final TunnelView IPIP = new TunnelView(TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);

    public TunnelView
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(checksum, "checksum");
    }
}
