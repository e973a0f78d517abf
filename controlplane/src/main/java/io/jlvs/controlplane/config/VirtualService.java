package io.jlvs.controlplane.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code virtual} (or {@code virtual6}) section of ldirectord.cf.
 *
 * @param line        line of the {@code virtual} directive
 * @param family      INET for {@code virtual}, INET6 for {@code virtual6}
 * @param address     the virtual IP (resolved if a host name was written); null for a fwmark service
 * @param port        the virtual port (0 only if persistent); 0 for a fwmark service
 * @param fwmark      firewall mark, 1..4294967295 held as an unsigned int; 0 for an address:port service
 * @param protocol    TCP, UDP or FWM (ldirectord's default: fwm for marks, udp for port 53, else tcp)
 * @param scheduler   ipvsadm scheduler name, ldirectord's default "wrr" (not ipvsadm's "wlc")
 * @param schedFlags  {@code schedflags} as {@link SchedFlags} bits (ipvsadm's {@code -b}), 0 for none
 * @param ops         {@code ops = yes}: one-packet scheduling (ipvsadm's {@code -o}), UDP services only
 * @param persistent  persistence timeout in seconds, if {@code persistent} is set
 * @param netmask     persistence granularity, if {@code netmask} is set (ldirectord passes it only with persistent)
 * @param reals       real servers in file order, ranges expanded
 * @param check       health-check settings with defaults applied
 * @param quiescent   effective quiescent: the virtual's, else the global one
 * @param fallback    effective fallback: the virtual's, else the global fallback (fallback6 for IPv6), port defaulted
 */
public record VirtualService(
    int line,
    AddressFamily family,
    InetAddress address,
    int port,
    int fwmark,
    ServiceProtocol protocol,
    String scheduler,
    int schedFlags,
    boolean ops,
    OptionalInt persistent,
    Optional<Netmask> netmask,
    List<RealServer> reals,
    HealthCheck check,
    boolean quiescent,
    Optional<Fallback> fallback,
    Optional<java.nio.file.Path> fallbackCommand,
    EmailAlert emailAlert,
    boolean cleanStop,
    Optional<java.nio.file.Path> monitorFile)
{
    public static final String DEFAULT_SCHEDULER = "wrr";

    public VirtualService
    {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(persistent, "persistent");
        Objects.requireNonNull(netmask, "netmask");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(emailAlert, "emailAlert");
        Objects.requireNonNull(monitorFile, "monitorFile");
        Objects.requireNonNull(fallback, "fallback");
        reals = List.copyOf(reals);
        if (protocol.ldirectordName() == null)
        {
            throw new IllegalArgumentException("ldirectord has no protocol " + protocol);
        }
        if ((protocol == ServiceProtocol.FWM) != (fwmark != 0))
        {
            throw new IllegalArgumentException("protocol fwm if and only if fwmark is set");
        }
        if (fwmark == 0 && address == null)
        {
            throw new IllegalArgumentException("address required for a non-fwmark service");
        }
    }

    public boolean isFwmark()
    {
        return fwmark != 0;
    }

    /** @return ldirectord's id of the service: "tcp:192.168.0.200:80", "udp:[2001:db8::1]:53", "fwm:1", "fwm6:2" */
    public String id()
    {
        if (isFwmark())
        {
            return "fwm" + (family == AddressFamily.INET6 ? "6" : "") + ":" + Integer.toUnsignedString(fwmark);
        }
        final String a = InetLiterals.ntop(address);
        final String host = family == AddressFamily.INET6 ? "[" + a + "]" : a;
        return protocol.ldirectordName() + ":" + host + ":" + port;
    }
}
