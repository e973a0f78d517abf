package io.jlvs.controlplane.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** A resolver without DNS: literals, a few host names, a small /etc/services; records the names it was asked. */
final class StubResolver implements Resolver
{
    static final Map<String, String> HOSTS = Map.of(
        "lb.example.com", "192.0.2.80",
        "web1", "10.0.0.1",
        "web3", "10.0.0.3");
    static final Map<String, String> HOSTS6 = Map.of("web6a", "2001:db8::a", "web6b", "2001:db8::b");
    static final EtcServices SERVICES = EtcServices.of(List.of(
        "http 80/tcp www", "domain 53/tcp", "domain 53/udp", "https 443/tcp", "nntp 119/tcp"));

    final List<String> hostLookups = new ArrayList<>();

    @Override
    public InetAddress host(final String name, final AddressFamily family)
    {
        final InetAddress literal = family == AddressFamily.INET6 ? InetLiterals.ipv6(name) : InetLiterals.ipv4(name);
        if (literal != null)
        {
            return literal;
        }
        hostLookups.add(name);
        if (family == AddressFamily.INET6)
        {
            final String address6 = HOSTS6.get(name);
            return address6 == null ? null : InetLiterals.ipv6(address6);
        }
        final String address = HOSTS.get(name);
        return address == null ? null : InetLiterals.ipv4(address);
    }

    @Override
    public OptionalInt port(final String name, final String protocol)
    {
        return SERVICES.port(name, protocol);
    }
}
