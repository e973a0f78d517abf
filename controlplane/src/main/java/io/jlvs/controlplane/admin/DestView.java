package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.dataplane.conn.FwdMethod;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One destination (real server) of a service, as {@code ipvsadm -L} sees it. The 32-bit counters are printed as
 * unsigned, as ipvsadm's {@code %u}.
 *
 * @param af             family of the destination (may differ from the service's only for tunnels)
 * @param address        destination address
 * @param port           destination port
 * @param forward        forwarding method: its {@link FwdMethod#listName()} is the Forward column
 * @param weight         weight
 * @param upperThreshold -x, 0 = none
 * @param lowerThreshold -y, 0 = none
 * @param activeConns    connections in ESTABLISHED
 * @param inactConns     other connections
 * @param persistConns   persistence templates pointing at it
 * @param stats          totals
 * @param rate           rates
 * @param tunnel         tunnel settings, for {@link FwdMethod#TUNNEL} only (null means {@link TunnelView#IPIP})
 */
public record DestView(
    AddressFamily af,
    InetAddress address,
    int port,
    FwdMethod forward,
    int weight,
    int upperThreshold,
    int lowerThreshold,
    int activeConns,
    int inactConns,
    int persistConns,
    StatsView stats,
    RateView rate,
    TunnelView tunnel)
{
    public DestView
    {
        Objects.requireNonNull(af, "af");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forward, "forward");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(rate, "rate");
        if (AddressFamily.of(address) != af)
        {
            throw new IllegalArgumentException("address " + address + " is not " + af);
        }
        if (forward == FwdMethod.TUNNEL && tunnel == null)
        {
            tunnel = TunnelView.IPIP;
        }
    }

    /** A destination with zero counters, the usual case in tests and for a freshly compiled table. */
    public static DestView of(final InetAddress address, final int port, final FwdMethod forward, final int weight)
    {
        return new DestView(AddressFamily.of(address), address, port, forward, weight, 0, 0, 0, 0, 0,
            StatsView.ZERO, RateView.ZERO, null);
    }
}
