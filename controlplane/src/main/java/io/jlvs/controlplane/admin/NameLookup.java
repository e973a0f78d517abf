package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.EtcServices;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.ServiceProtocol;

import java.net.InetAddress;

/**
 * Reverse lookups for listings without {@code -n}: ipvsadm prints a host name (gethostbyaddr) and a service name
 * (getservbyport) where one exists, the number otherwise.
 */
public interface NameLookup
{
    /** Never resolves: what {@code -n} prints. */
    NameLookup NUMERIC = new NameLookup()
    {
        @Override
        public String hostName(final InetAddress address)
        {
            return null;
        }

        @Override
        public String serviceName(final int port, final ServiceProtocol protocol)
        {
            return null;
        }
    };

    /** @return the host name of {@code address}, or null to print the address */
    String hostName(InetAddress address);

    /** @return the service name of {@code port}, or null to print the number */
    String serviceName(int port, ServiceProtocol protocol);

    /** @return reverse DNS through InetAddress and service names from /etc/services */
    static NameLookup system()
    {
        return new NameLookup()
        {
            @Override
            public String hostName(final InetAddress address)
            {
                final InetAddress a = InetLiterals.byAddress(address.getAddress());
                final String name = a.getCanonicalHostName();
                return name.equals(a.getHostAddress()) ? null : name;
            }

            @Override
            public String serviceName(final int port, final ServiceProtocol protocol)
            {
                return protocol == null ? null : EtcServices.system().name(port, protocol.servicesName()).orElse(null);
            }
        };
    }
}
