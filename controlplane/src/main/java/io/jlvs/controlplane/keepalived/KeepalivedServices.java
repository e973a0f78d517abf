package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.CheckType;
import io.jlvs.controlplane.config.Credentials;
import io.jlvs.controlplane.config.EmailAlert;
import io.jlvs.controlplane.config.Fallback;
import io.jlvs.controlplane.config.GlobalSettings;
import io.jlvs.controlplane.config.HealthCheck;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.controlplane.config.VirtualService;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A keepalived.conf as the director's table holds it: each virtual server (each member of a group) a virtual service,
 * its real servers and its sorry server as keepalived gives them to IPVS, and, beside it, which keepalived virtual
 * server each service came from, for {@link KeepalivedHealth}. The services carry no ldirectord check: keepalived's
 * checkers run per real server.
 *
 * @param keepalived the file as read
 * @param config     the services, in file order (a group's members in the group's order)
 * @param origins    for each service's {@link VirtualService#id()}, the virtual server it came from
 */
public record KeepalivedServices(KeepalivedConfig keepalived, LdirectordConfig config,
    Map<String, KeepalivedVirtualServer> origins)
{
    /** No ldirectord check: keepalived's checkers decide. */
    static final HealthCheck NO_CHECK = new HealthCheck(CheckType.ON, 0, "none", "/", "", "GET", Optional.empty(),
        OptionalInt.empty(), HealthCheck.DEFAULT_CHECK_TIMEOUT, HealthCheck.DEFAULT_NEGOTIATE_TIMEOUT,
        GlobalSettings.DEFAULT_CHECK_INTERVAL, 1, HealthCheck.DEFAULT_CHECK_COMMAND, Credentials.NONE);

    public KeepalivedServices
    {
        origins = Map.copyOf(origins);
    }

    /** The services of {@code keepalived}. */
    public static KeepalivedServices of(final KeepalivedConfig keepalived)
    {
        final List<VirtualService> services = new ArrayList<>();
        final Map<String, KeepalivedVirtualServer> origins = new HashMap<>();
        final EmailAlert alert = emailAlert(keepalived.globals());
        for (final KeepalivedVirtualServer kvs : keepalived.virtualServers())
        {
            if (null == kvs.group())
            {
                add(services, origins, kvs, kvs.address(), kvs.port(), kvs.fwmark(), kvs.family(), alert);
                continue;
            }
            for (final VirtualServerGroup.Member m : keepalived.groups().get(kvs.group()).members())
            {
                add(services, origins, kvs, m.address(), m.port(), m.fwmark(),
                    null != m.family() ? m.family() : kvs.family(), alert);
            }
        }
        final GlobalSettings global = new GlobalSettings(GlobalSettings.DEFAULT_CHECK_INTERVAL, OptionalInt.empty(),
            OptionalInt.empty(), GlobalSettings.DEFAULT_FAILURE_COUNT, false, false, Optional.empty(), Optional.empty(),
            "", Optional.empty(), Optional.empty(), false, emailAlert(keepalived.globals()), false, false);
        return new KeepalivedServices(keepalived, new LdirectordConfig(keepalived.file(), global, services,
            keepalived.warnings()), origins);
    }

    /**
     * keepalived's notification_email as the director's e-mail alerts (its SMTP relay, its sender): a real server's
     * change is mailed, as keepalived's smtp_alert of a real server is on by default.
     */
    private static EmailAlert emailAlert(final KeepalivedGlobals g)
    {
        if (g.notificationEmail().isEmpty() || g.smtpServer().isEmpty())
        {
            return EmailAlert.NONE;
        }
        return new EmailAlert(String.join(",", g.notificationEmail()), g.notificationEmailFrom(), 0, EmailAlert.ALL,
            g.smtpServer());
    }

    private static void add(final List<VirtualService> services, final Map<String, KeepalivedVirtualServer> origins,
        final KeepalivedVirtualServer kvs, final InetAddress address, final int port, final int fwmark,
        final AddressFamily family, final EmailAlert alert)
    {
        final ServiceProtocol protocol = 0 != fwmark ? ServiceProtocol.FWM : kvs.protocol();
        final int servicePort = 0 != fwmark ? 0 : port;
        final List<RealServer> reals = new ArrayList<>();
        for (final KeepalivedRealServer r : kvs.reals())
        {
            reals.add(real(r, servicePort, fwmark));
        }
        final Optional<Fallback> sorry = kvs.sorryServer().map((s) ->
            new Fallback(s.address(), 0 == s.port() ? servicePort : s.port(), s.forwarding()));
        final VirtualService vs = new VirtualService(line(kvs.where()), family, 0 != fwmark ? null : address,
            servicePort, fwmark, protocol, kvs.scheduler(), kvs.schedFlags(), kvs.ops() && protocol == ServiceProtocol.UDP,
            kvs.persistenceTimeout(), kvs.granularity(), reals, NO_CHECK, false, sorry, Optional.empty(), alert,
            false, Optional.empty());
        services.add(vs);
        origins.put(vs.id(), kvs);
    }

    /**
     * A real server as keepalived gives it to IPVS, ipvsadm's rule: a DR or TUN real server takes its service's port
     * (each member's, in a group; none, for a fwmark), a NAT one keeps its own.
     */
    private static RealServer real(final KeepalivedRealServer r, final int servicePort, final int fwmark)
    {
        final boolean masq = r.forwarding() == io.jlvs.dataplane.conn.FwdMethod.MASQ;
        final int port = 0 != fwmark ? (masq ? r.port() : 0) : !masq || 0 == r.port() ? servicePort : r.port();
        return new RealServer(line(r.where()), r.address(), port, r.forwarding(), r.weight(), r.lowerThreshold(),
            r.upperThreshold(), Optional.empty(), Optional.empty(), r.tunnelType(), r.tunnelPort(), r.tunnelChecksum());
    }

    /** The line of "FILE:LINE". */
    static int line(final String where)
    {
        return Integer.parseInt(where.substring(where.lastIndexOf(':') + 1));
    }
}
