package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.ServiceProtocol;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * One virtual service as {@code ipvsadm -L} sees it ({@code ipvs_service_entry_t}).
 *
 * @param protocol   TCP, UDP or SCTP; ignored (may be null) for a fwmark service
 * @param af         family; for a fwmark service INET6 prints "FWM  n IPv6"
 * @param address    virtual address; null for a fwmark service
 * @param port       virtual port
 * @param fwmark     firewall mark as an unsigned int, 0 for an address:port service
 * @param scheduler  scheduler name
 * @param schedFlags {@code IP_VS_SVC_F_SCHED1..3} bits ({@link io.jlvs.controlplane.config.SchedFlags}), named per scheduler on output
 * @param persistent {@code IP_VS_SVC_F_PERSISTENT}
 * @param timeout    persistence timeout, seconds
 * @param netmask    IPv4: the 32-bit mask (0xffffffff = none); IPv6: prefix length (128 = none)
 * @param peName     persistence engine ("" = none), e.g. "sip"
 * @param onePacket  {@code IP_VS_SVC_F_ONEPACKET} (-o, "ops")
 * @param stats      totals
 * @param rate       rates
 * @param dests      destinations (sorted on output unless --nosort)
 */
public record ServiceView(
    ServiceProtocol protocol,
    AddressFamily af,
    InetAddress address,
    int port,
    int fwmark,
    String scheduler,
    int schedFlags,
    boolean persistent,
    int timeout,
    int netmask,
    String peName,
    boolean onePacket,
    StatsView stats,
    RateView rate,
    List<DestView> dests)
{
    /** Netmask of a service without persistence granularity. */
    public static final int IPV4_HOST_MASK = 0xffffffff;
    public static final int IPV6_HOST_PREFIX = 128;

    public ServiceView
    {
        Objects.requireNonNull(af, "af");
        Objects.requireNonNull(scheduler, "scheduler");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(rate, "rate");
        peName = peName == null ? "" : peName;
        dests = List.copyOf(dests);
        if (fwmark == 0)
        {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(address, "address");
            if (AddressFamily.of(address) != af)
            {
                throw new IllegalArgumentException("address " + address + " is not " + af);
            }
        }
    }

    /** An address:port service without persistence, flags or counters. */
    public static ServiceView of(final ServiceProtocol protocol, final InetAddress address, final int port,
        final String scheduler, final List<DestView> dests)
    {
        final AddressFamily af = AddressFamily.of(address);
        return new ServiceView(protocol, af, address, port, 0, scheduler, 0, false, 0, hostMask(af), "", false,
            StatsView.ZERO, RateView.ZERO, dests);
    }

    /** A fwmark service without persistence, flags or counters. */
    public static ServiceView ofFwmark(final AddressFamily af, final int fwmark, final String scheduler,
        final List<DestView> dests)
    {
        return new ServiceView(null, af, null, 0, fwmark, scheduler, 0, false, 0, hostMask(af), "", false,
            StatsView.ZERO, RateView.ZERO, dests);
    }

    /** @return this service made persistent with {@code timeout} and {@code netmask} */
    public ServiceView withPersistence(final int timeout, final int netmask)
    {
        return new ServiceView(protocol, af, address, port, fwmark, scheduler, schedFlags, true, timeout, netmask,
            peName, onePacket, stats, rate, dests);
    }

    public static int hostMask(final AddressFamily af)
    {
        return af == AddressFamily.INET6 ? IPV6_HOST_PREFIX : IPV4_HOST_MASK;
    }
}
