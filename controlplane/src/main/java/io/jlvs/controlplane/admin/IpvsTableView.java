package io.jlvs.controlplane.admin;

import java.util.List;
import java.util.Objects;

/**
 * Everything {@link IpvsadmFormatter#run} may print, taken from the running director.
 *
 * @param version     version line data (size = connection table size)
 * @param services    services with their destinations, in any order
 * @param timeouts    tcp tcpfin udp timeouts
 * @param daemons     running sync daemons (empty: none)
 * @param connections connection entries, for -c
 */
public record IpvsTableView(VersionView version, List<ServiceView> services, TimeoutView timeouts,
    List<DaemonView> daemons, List<ConnView> connections)
{
    public IpvsTableView
    {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(timeouts, "timeouts");
        services = List.copyOf(services);
        daemons = List.copyOf(daemons);
        connections = List.copyOf(connections);
    }
}
