package io.jlvs.controlplane.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.OptionalInt;

/**
 * Name resolution for configuration files and ipvsadm arguments. Host names are looked up only when the text is
 * not an IP literal, so a configuration written with addresses never waits for DNS.
 */
public interface Resolver
{
    /**
     * @param name   host name or IP literal (IPv6 without brackets)
     * @param family the family wanted
     * @return the first address of that family, or null if it cannot be resolved
     */
    InetAddress host(String name, AddressFamily family);

    /**
     * @param name     service name such as "http"
     * @param protocol "tcp", "udp", "sctp", or null for any
     * @return its port number
     */
    OptionalInt port(String name, String protocol);

    /** @return the resolver of this host: IP literals as they are, names via InetAddress (DNS, /etc/hosts), /etc/services */
    static Resolver system()
    {
        return new Resolver()
        {
            @Override
            public InetAddress host(final String name, final AddressFamily family)
            {
                final InetAddress literal = family == AddressFamily.INET6 ?
                    InetLiterals.ipv6(name) : InetLiterals.ipv4(name);
                if (literal != null)
                {
                    return literal;
                }
                if (InetLiterals.literal(name) != null || name.isEmpty())
                {
                    return null;
                }
                try
                {
                    for (final InetAddress a : InetAddress.getAllByName(name))
                    {
                        if (AddressFamily.of(a) == family)
                        {
                            return InetLiterals.byAddress(a.getAddress());
                        }
                    }
                }
                catch (final UnknownHostException ex)
                {
                    return null;
                }
                return null;
            }

            @Override
            public OptionalInt port(final String name, final String protocol)
            {
                return EtcServices.system().port(name, protocol);
            }
        };
    }
}
