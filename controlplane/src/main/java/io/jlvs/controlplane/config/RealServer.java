package io.jlvs.controlplane.config;

import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code real} (or {@code real6}) server of a virtual service. A range {@code a.b.c.d->a.b.c.e} yields one
 * RealServer per address, all carrying the line of the range.
 *
 * @param line           line of the {@code real} directive in the file; for one ipvsadm made, 0; for one of the file
 *                       that ipvsadm changed, the file's line negated
 * @param address        the real server's address (resolved if a host name was written)
 * @param port           its port. When omitted: the virtual service's port (ldirectord passes ":0", and ipvsadm and
 *                       the kernel then use the virtual port), 0 for a fwmark service. For gate/ipip on a non-fwmark
 *                       service it is always the virtual port, as ipvsadm forces it; masq keeps it (port mapping)
 * @param forwarding     gate ({@link FwdMethod#DROUTE}), masq ({@link FwdMethod#MASQ}) or ipip
 *                       ({@link FwdMethod#TUNNEL})
 * @param weight         0..65535, default 1 (0 = quiescent)
 * @param lowerThreshold {@code <l:N>}, ipvsadm {@code -y}; 0 = unset
 * @param upperThreshold {@code <u:N>}, ipvsadm {@code -x}; 0 = unset
 * @param request        per-real request overriding the virtual's, normalised like ldirectord's (leading "/")
 * @param receive        per-real receive regexp overriding the virtual's
 * @param tunnelType     {@code --tun-type} of an ipip real server (a jlvs extension), default ipip
 * @param tunnelPort     {@code --tun-port}, GUE's destination port; 0 otherwise
 * @param tunnelChecksum {@code --tun-nocsum} (default), {@code --tun-csum} or {@code --tun-remcsum}
 */
public record RealServer(
    int line,
    InetAddress address,
    int port,
    FwdMethod forwarding,
    int weight,
    int lowerThreshold,
    int upperThreshold,
    Optional<String> request,
    Optional<String> receive,
    TunnelType tunnelType,
    int tunnelPort,
    TunnelChecksum tunnelChecksum)
{
    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 65535;

    public RealServer
    {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(receive, "receive");
        Objects.requireNonNull(tunnelType, "tunnelType");
        Objects.requireNonNull(tunnelChecksum, "tunnelChecksum");
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port: " + port);
        }
        if (weight < 0 || weight > MAX_WEIGHT)
        {
            throw new IllegalArgumentException("weight: " + weight);
        }
        if (lowerThreshold < 0 || upperThreshold < 0)
        {
            throw new IllegalArgumentException("thresholds must not be negative");
        }
        if (tunnelPort < 0 || tunnelPort > 65535)
        {
            throw new IllegalArgumentException("tunnelPort: " + tunnelPort);
        }
        if (forwarding != FwdMethod.TUNNEL &&
            (tunnelType != TunnelType.IPIP || tunnelPort != 0 || tunnelChecksum != TunnelChecksum.NOCSUM))
        {
            throw new IllegalArgumentException("tunnel settings for a " + forwarding + " real server");
        }
    }

    /** A real server without tunnel settings (plain ipip if it is a tunnel one). */
    public RealServer(final int line, final InetAddress address, final int port, final FwdMethod forwarding,
        final int weight, final int lowerThreshold, final int upperThreshold, final Optional<String> request,
        final Optional<String> receive)
    {
        this(line, address, port, forwarding, weight, lowerThreshold, upperThreshold, request, receive,
            TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);
    }

    /** @return true for a real server ipvsadm made or changed: the table holds what it was told, not the file's */
    public boolean isByIpvsadm()
    {
        return line <= 0;
    }

    /** @return true for a real server of the file, changed by ipvsadm or not */
    public boolean isInFile()
    {
        return line != 0;
    }

    public AddressFamily family()
    {
        return AddressFamily.of(address);
    }
}
