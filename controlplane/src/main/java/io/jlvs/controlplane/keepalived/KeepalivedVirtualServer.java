package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.Netmask;
import io.jlvs.controlplane.config.ServiceProtocol;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One keepalived {@code virtual_server}: {@code ip port}, {@code fwmark N} or {@code group NAME}, with keepalived's
 * defaults applied.
 *
 * @param where              "FILE:LINE" of its line
 * @param address            the virtual address; null for a fwmark or a group
 * @param port               the virtual port (0 with persistence: every port)
 * @param fwmark             the mark of {@code virtual_server fwmark N}; 0 otherwise
 * @param group              the {@code virtual_server_group} it serves; null otherwise
 * @param family             its family as keepalived settles it: its address's, else {@code ip_family}, else its
 *                           first real (or sorry) server's that is not tunnelled, else its group's, else IPv4
 * @param protocol           {@code protocol}, default TCP (FWM for a fwmark)
 * @param scheduler          {@code lvs_sched} (or {@code lb_algo}), keepalived's default wlc
 * @param schedFlags         {@code flag-1..3}, {@code sh-port}, {@code sh-fallback}, {@code mh-port},
 *                           {@code mh-fallback} as {@link io.jlvs.controlplane.config.SchedFlags} bits
 * @param ops                {@code ops}: one-packet scheduling, UDP only
 * @param persistenceTimeout {@code persistence_timeout} in seconds, if set
 * @param granularity        {@code persistence_granularity}, if set
 * @param virtualhost        {@code virtualhost}: the Host of its HTTP checkers, unless they name their own
 * @param quorum             the total weight of alive real servers below which the service is down, default 1
 * @param hysteresis         the margin around the quorum that a change must cross, default 0
 * @param quorumUp           {@code quorum_up}: run when the quorum is gained
 * @param quorumDown         {@code quorum_down}: run when it is lost
 * @param omega              {@code omega}: on shutdown, the down notifiers run
 * @param sorryServer        {@code sorry_server}: in the table while the quorum is lost
 * @param sorryServerInhibit {@code sorry_server_inhibit}: it stays in the table at weight 0 while not needed
 * @param reals              its real servers, in file order
 */
public record KeepalivedVirtualServer(
    String where,
    InetAddress address,
    int port,
    int fwmark,
    String group,
    AddressFamily family,
    ServiceProtocol protocol,
    String scheduler,
    int schedFlags,
    boolean ops,
    OptionalInt persistenceTimeout,
    Optional<Netmask> granularity,
    Optional<String> virtualhost,
    long quorum,
    long hysteresis,
    List<String> quorumUp,
    List<String> quorumDown,
    boolean omega,
    Optional<KeepalivedRealServer> sorryServer,
    boolean sorryServerInhibit,
    List<KeepalivedRealServer> reals)
{
    /** keepalived's scheduler when none is named, as its {@code check_data.c} sets it. */
    public static final String DEFAULT_SCHEDULER = "wlc";

    public KeepalivedVirtualServer
    {
        java.util.Objects.requireNonNull(family, "family");
        java.util.Objects.requireNonNull(protocol, "protocol");
        java.util.Objects.requireNonNull(scheduler, "scheduler");
        quorumUp = List.copyOf(quorumUp);
        quorumDown = List.copyOf(quorumDown);
        reals = List.copyOf(reals);
    }

    /** @return how keepalived names it in its log: "[192.0.2.1]:tcp:80", "FWM 1", "group VSG_1" */
    public String id()
    {
        if (null != group)
        {
            return "group " + group;
        }
        if (0 != fwmark)
        {
            return "FWM " + Integer.toUnsignedString(fwmark);
        }
        return "[" + io.jlvs.controlplane.config.InetLiterals.ntop(address) + "]:" +
            protocol.name().toLowerCase(java.util.Locale.ROOT) + ":" + port;
    }
}
