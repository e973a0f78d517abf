package io.jlvs.controlplane.config;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One {@code real} (or {@code real6}) server of a virtual service. A range {@code a.b.c.d->a.b.c.e} yields one
 * RealServer per address, all carrying the line of the range.
 *
 * @param line           line of the {@code real} directive in the file
 * @param address        the real server's address (resolved if a host name was written)
 * @param port           its port. When omitted: the virtual service's port (ldirectord passes ":0", and ipvsadm and
 *                       the kernel then use the virtual port), 0 for a fwmark service. For gate/ipip on a non-fwmark
 *                       service it is always the virtual port, as ipvsadm forces it
 * @param forwarding     gate, masq or ipip
 * @param weight         0..65535, default 1 (0 = quiescent)
 * @param lowerThreshold {@code <l:N>}, ipvsadm {@code -y}; 0 = unset
 * @param upperThreshold {@code <u:N>}, ipvsadm {@code -x}; 0 = unset
 * @param request        per-real request overriding the virtual's, normalised like ldirectord's (leading "/")
 * @param receive        per-real receive regexp overriding the virtual's
 */
public record RealServer(
    int line,
    InetAddress address,
    int port,
    ForwardingMethod forwarding,
    int weight,
    int lowerThreshold,
    int upperThreshold,
    Optional<String> request,
    Optional<String> receive)
{
    public static final int DEFAULT_WEIGHT = 1;
    public static final int MAX_WEIGHT = 65535;

    public RealServer
    {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(receive, "receive");
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
    }

    public AddressFamily family()
    {
        return AddressFamily.of(address);
    }
}
