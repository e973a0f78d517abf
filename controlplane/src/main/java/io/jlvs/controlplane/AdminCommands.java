package io.jlvs.controlplane;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.controlplane.admin.ConnView;
import io.jlvs.controlplane.admin.DestView;
import io.jlvs.controlplane.admin.IpvsTableView;
import io.jlvs.controlplane.admin.IpvsadmCommand;
import io.jlvs.controlplane.admin.IpvsadmFormatter;
import io.jlvs.controlplane.admin.IpvsadmOptions;
import io.jlvs.controlplane.admin.IpvsadmResult;
import io.jlvs.controlplane.admin.IpvsadmUsageException;
import io.jlvs.controlplane.admin.RateView;
import io.jlvs.controlplane.admin.ServiceView;
import io.jlvs.controlplane.admin.StatsView;
import io.jlvs.controlplane.admin.TimeoutView;
import io.jlvs.controlplane.admin.TunnelView;
import io.jlvs.controlplane.admin.VersionView;
import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.controlplane.config.VirtualService;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.service.Addresses;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the admin socket can be asked: {@code ipvsadm <args>} (listings in ipvsadm's exact format from the running
 * tables; changes done by the director as the kernel does them, with its refusals) and {@code reload} (re-read
 * ldirectord.cf and switch the dataplane to it without stopping). {@code -R} never comes here whole: the client
 * sends its lines one by one, as ipvsadm runs them.
 */
public final class AdminCommands
{
    /** The kernel IPVS version ipvsadm prints; the connection table has no buckets, so size is the capacity. */
    static final int IPVS_MAJOR = 1;
    static final int IPVS_MINOR = 2;
    static final int IPVS_PATCH = 1;

    private final Director director;
    private final IpvsadmFormatter formatter = new IpvsadmFormatter();
    private final RateEstimator rates = new RateEstimator();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor((r) ->
    {
        final Thread t = new Thread(r, "jlvs-rate-estimator");
        t.setDaemon(true);
        return t;
    });

    public AdminCommands(final Director director)
    {
        this.director = director;
        ticker.scheduleAtFixedRate(this::sampleRates, RateEstimator.TICK_MS, RateEstimator.TICK_MS,
            TimeUnit.MILLISECONDS);
    }

    /** Runs one request; the first word names the command. */
    public IpvsadmResult execute(final List<String> request)
    {
        if (request.isEmpty())
        {
            return IpvsadmResult.error(2, "jlvs: empty request\n");
        }
        final List<String> args = request.subList(1, request.size());
        return switch (request.get(0))
        {
            case "ipvsadm" -> ipvsadm(args);
            case "ipvsadm-restore-line" -> restoreLine(args);
            case "reload" -> reload();
            case "health" -> IpvsadmResult.ok(director.health().report());
            case "top" -> IpvsadmResult.ok(String.format(java.util.Locale.ROOT,
                "Connections: %d of %d (%.1f %%), table version %d%s%n%n", director.conns().size(),
                director.conns().capacity(), 100.0 * director.conns().size() / Math.max(1, director.conns().capacity()),
                director.table().version(), director.isStandby() ? ", standing by" : "") +
                io.jlvs.controlplane.admin.TopView.render(view(false).services()));
            case "sync" -> IpvsadmResult.ok(director.sync().report());
            case "state" -> state(args);
            default -> IpvsadmResult.error(2, "jlvs: unknown admin command '" + request.get(0) + "'\n");
        };
    }

    /** Added to the exit status of a restore line that does not parse: the restore stops there. */
    public static final int RESTORE_STOPS = 0x100;

    /**
     * One line of {@code ipvsadm -R}, as restore_table runs it: where ipvsadm would exit (a line that does not
     * parse or is itself a {@code -R}, {@code -h}, {@code -v}, {@code -L} of a missing service), the answer's status
     * is that exit's plus {@link #RESTORE_STOPS}, for the client to stop; a line the kernel refuses does not stop it.
     */
    private IpvsadmResult restoreLine(final List<String> args)
    {
        final IpvsadmCommand cmd;
        try
        {
            cmd = IpvsadmOptions.parse(args.toArray(String[]::new));
            if (cmd.command() == IpvsadmCommand.Command.RESTORE)
            {
                throw IpvsadmOptions.tryHelp(); // restore_table's "avoid infinite loop"
            }
        }
        catch (final IpvsadmUsageException ex)
        {
            return IpvsadmResult.error(RESTORE_STOPS + ex.exitStatus(), ex.getMessage());
        }
        final IpvsadmResult r = ipvsadm(args);
        final boolean exits = cmd.command() == IpvsadmCommand.Command.HELP ||
            cmd.command() == IpvsadmCommand.Command.VERSION ||
            (cmd.command() == IpvsadmCommand.Command.LIST && r.exitStatus() != 0);
        return exits ? new IpvsadmResult(RESTORE_STOPS + r.exitStatus(), r.out(), r.err()) : r;
    }

    private IpvsadmResult ipvsadm(final List<String> args)
    {
        final IpvsadmCommand cmd;
        try
        {
            cmd = IpvsadmOptions.parse(args.toArray(String[]::new));
        }
        catch (final IpvsadmUsageException ex)
        {
            return IpvsadmResult.error(ex.exitStatus(), ex.getMessage());
        }
        if (cmd.command() == IpvsadmCommand.Command.START_DAEMON)
        {
            final IpvsadmCommand.DaemonOptions d = cmd.daemon();
            final String mixed = IpvsadmEdits.daemonRefusal(director.table().services());
            if (null != mixed)
            {
                return IpvsadmResult.error(IpvsadmCommand.REFUSED_EXIT_STATUS, mixed + "\n");
            }
            final String error = director.sync().start(d.state(), d.mcastInterface(), d.syncId(), d.mcastGroup(),
                d.mcastPort(), d.syncMaxLen(), d.mcastTtl());
            return null == error ? IpvsadmResult.ok("") : IpvsadmResult.error(1, "ipvsadm: " + error + "\n");
        }
        if (cmd.command() == IpvsadmCommand.Command.STOP_DAEMON)
        {
            final String error = director.sync().stop(cmd.daemon().state());
            return null == error ? IpvsadmResult.ok("") : IpvsadmResult.error(1, "ipvsadm: " + error + "\n");
        }
        switch (cmd.command())
        {
            case ADD_SERVICE, EDIT_SERVICE, DELETE_SERVICE, FLUSH, ADD_SERVER, EDIT_SERVER, DELETE_SERVER ->
            {
                final String refusal = director.change(cmd);
                return null == refusal ? IpvsadmResult.ok("") :
                    IpvsadmResult.error(IpvsadmCommand.REFUSED_EXIT_STATUS, refusal + "\n");
            }
            case ZERO ->
            {
                return zero(cmd);
            }
            case SET_TIMEOUT ->
            {
                director.timeouts(cmd.timeouts().tcp(), cmd.timeouts().tcpFin(), cmd.timeouts().udp());
                return IpvsadmResult.ok("");
            }
            case RESTORE ->
            {
                // ipvsadm reads -R's input itself, line by line: one reaching the director is a -R inside a restore
                final var tryHelp = IpvsadmOptions.tryHelp();
                return IpvsadmResult.error(tryHelp.exitStatus(), tryHelp.getMessage());
            }
            default ->
            {
            }
        }
        final boolean connections = cmd.command() == IpvsadmCommand.Command.LIST &&
            cmd.listKind() == IpvsadmCommand.ListKind.CONNECTIONS;
        return formatter.run(cmd, view(connections));
    }

    /**
     * {@code ipvsadm -Z [service]}: the kernel's ip_vs_zero_service (the service and each of its real servers) or
     * ip_vs_zero_all; the connection, packet and byte counts and their rate estimates start again from zero.
     */
    private IpvsadmResult zero(final IpvsadmCommand cmd)
    {
        final TableCompiler.CompiledTable table = director.table();
        final String refusal = IpvsadmEdits.refusal(cmd, table.services(), false);
        if (null != refusal)
        {
            return IpvsadmResult.error(IpvsadmCommand.REFUSED_EXIT_STATUS, refusal + "\n");
        }
        if (null == cmd.service())
        {
            director.stats().zero(); // draining real servers too, as ip_vs_zero_all
        }
        for (final TableCompiler.CompiledService cs : table.services())
        {
            if (null != cmd.service() && !IpvsadmEdits.key(cs.config()).equals(IpvsadmEdits.key(cmd.service())))
            {
                continue;
            }
            director.stats().zeroService(cs.id());
            rates.reset(cs.id());
            for (final TableCompiler.CompiledDest cd : cs.dests())
            {
                director.stats().zeroDest(cd.id());
                rates.reset(cd.id());
            }
        }
        return IpvsadmResult.ok("");
    }

    /** {@code jlvs state [master|backup]}: shows or sets the pair's state (keepalived's MASTER and BACKUP). */
    private IpvsadmResult state(final List<String> args)
    {
        if (args.size() > 1 || (args.size() == 1 && !args.get(0).equals("master") && !args.get(0).equals("backup")))
        {
            return IpvsadmResult.error(2, "usage: jlvs state [master|backup]\n");
        }
        final var vrrp = director.vrrp();
        if (args.size() == 1)
        {
            if (null != vrrp)
            {
                return IpvsadmResult.error(1, "jlvs: VRRP decides the state (VRRP_Instance(" + vrrp.config().name() +
                    ") is " + vrrp.state() + "); stop the other director, or change priorities\n");
            }
            director.standby(args.get(0).equals("backup"));
        }
        return IpvsadmResult.ok((director.isStandby() ? "backup" : "master") + (null == vrrp ? "" :
            " (VRRP_Instance(" + vrrp.config().name() + ") " + vrrp.state() + ", vrid " + vrrp.config().vrid() +
            ", priority " + vrrp.config().priority() + (vrrp.config().useVmac() ? ", vmac " +
            Dpdk.formatMac(Dpdk.macBytes(vrrp.config().virtualMac())) : "") + ")") + "\n");
    }

    private IpvsadmResult reload()
    {
        if (null != director.keepalived())
        {
            return reloadKeepalived();
        }
        final LdirectordConfig next;
        final io.jlvs.dataplane.service.MarkRules marks;
        try
        {
            next = LdirectordConfigParser.parse(director.config().file());
            marks = io.jlvs.controlplane.config.MangleRules.read(director.settings());
        }
        catch (final ConfigException ex)
        {
            return IpvsadmResult.error(1, ex.getMessage() + "\n");
        }
        catch (final java.io.IOException ex)
        {
            return IpvsadmResult.error(1, "jlvs: cannot read the configuration: " + ex.getMessage() + "\n");
        }
        final var unsupported = TableCompiler.unsupported(next);
        if (!unsupported.isEmpty())
        {
            final StringBuilder sb = new StringBuilder();
            unsupported.forEach((d) -> sb.append(d).append('\n'));
            return IpvsadmResult.error(1, sb.toString());
        }
        director.reload(next, marks);
        return IpvsadmResult.ok("reloaded " + next.file() + "\n");
    }

    /** keepalived.conf read again, as keepalived's SIGHUP: refused whole, with file and line, when it has an error. */
    private IpvsadmResult reloadKeepalived()
    {
        final java.nio.file.Path file = director.keepalived().keepalived().file();
        final io.jlvs.controlplane.keepalived.KeepalivedConfigParser.Checked checked =
            io.jlvs.controlplane.keepalived.KeepalivedConfigParser.check(file, director.settings().configId());
        if (null == checked.config())
        {
            final StringBuilder sb = new StringBuilder();
            checked.errors().forEach((d) -> sb.append(d).append('\n'));
            return IpvsadmResult.error(1, sb.toString());
        }
        final var next = io.jlvs.controlplane.keepalived.KeepalivedServices.of(checked.config());
        final var unsupported = TableCompiler.unsupported(next.config());
        if (!unsupported.isEmpty())
        {
            final StringBuilder sb = new StringBuilder();
            unsupported.forEach((d) -> sb.append(d).append('\n'));
            return IpvsadmResult.error(1, sb.toString());
        }
        final io.jlvs.dataplane.service.MarkRules marks;
        try
        {
            marks = io.jlvs.controlplane.config.MangleRules.read(director.settings());
        }
        catch (final ConfigException ex)
        {
            return IpvsadmResult.error(1, ex.getMessage() + "\n");
        }
        catch (final java.io.IOException ex)
        {
            return IpvsadmResult.error(1, "jlvs: cannot read the fwmark rules: " + ex.getMessage() + "\n");
        }
        director.reload(next, marks);
        return IpvsadmResult.ok("reloaded " + file + "\n");
    }

    /** The running table as ipvsadm shows it: services, real servers, counters summed over agents. */
    IpvsTableView view(final boolean withConnections)
    {
        final var t = director.timeouts();
        return new IpvsTableView(
            new VersionView(IPVS_MAJOR, IPVS_MINOR, IPVS_PATCH, director.settings().connTableSize()),
            services(director.table(), director.stats(), rates),
            new TimeoutView(t.tcp(), t.tcpFin(), t.udp()),
            director.sync().views(),
            withConnections ? connections() : List.of());
    }

    /** The compiled services and real servers as ipvsadm lists them, with their counters and rates. */
    static List<ServiceView> services(final TableCompiler.CompiledTable table, final StatsRegistry stats,
        final RateEstimator rates)
    {
        final List<ServiceView> services = new ArrayList<>();
        for (final TableCompiler.CompiledService cs : table.services())
        {
            final VirtualService vs = cs.config();
            final List<DestView> dests = new ArrayList<>();
            for (final TableCompiler.CompiledDest cd : cs.dests())
            {
                final RealServer rs = cd.config();
                final long[] t = stats.destTotals(cd.id());
                dests.add(new DestView(
                    AddressFamily.of(rs.address()),
                    rs.address(),
                    rs.port(),
                    rs.forwarding(),
                    cd.weight(),
                    rs.upperThreshold(),
                    rs.lowerThreshold(),
                    (int)t[5],
                    (int)t[6],
                    (int)t[7],
                    new StatsView(t[0], t[1], t[2], t[3], t[4]),
                    rateView(rates, cd.id()),
                    tunnelView(rs)));
            }
            final long[] s = stats.serviceTotals(cs.id());
            services.add(new ServiceView(
                vs.protocol(),
                vs.family(),
                vs.address(),
                vs.port(),
                vs.fwmark(),
                vs.scheduler(),
                vs.schedFlags(),
                vs.persistent().isPresent(),
                vs.persistent().orElse(0),
                vs.netmask().map(io.jlvs.controlplane.config.Netmask::value)
                    .orElse(ServiceView.hostMask(vs.family())),
                null,
                vs.ops(),
                new StatsView(s[0], s[1], s[2], s[3], s[4]),
                rateView(rates, cs.id()),
                List.copyOf(dests)));
        }
        return List.copyOf(services);
    }

    private List<ConnView> connections()
    {
        final List<ConnView> out = new ArrayList<>();
        final long now = System.currentTimeMillis();
        final io.jlvs.dataplane.conn.ConnVisitor row = (k, e) ->
        {
            final ServiceProtocol p = ServiceProtocol.ofNumber(k.protocol());
            final String proto = p == null ? "IP" : p.listName();
            out.add(new ConnView(
                proto,
                Addresses.toInetAddress(k.af(), k.caddrHi(), k.caddrLo()),
                k.cport(),
                Addresses.toInetAddress(k.af(), k.vaddrHi(), k.vaddrLo()),
                k.vport(),
                Addresses.toInetAddress(e.daf(), e.daddrHi(), e.daddrLo()),
                e.dport(),
                ConnState.name(k.protocol(), e.flags(), e.state()),
                (int)Math.max(0, (e.expiresMs() - now) / 1000), // /proc/net/ip_vs_conn's (expires - jiffies) / HZ
                null,
                null));
            return true;
        };
        director.conns().forEach(row);
        director.conns().templates().forEach(row); // as /proc/net/ip_vs_conn lists them, beside the connections
        return out;
    }

    /** The --tun-info of a tunnel real server; null for the other methods. */
    private static TunnelView tunnelView(final RealServer rs)
    {
        return rs.forwarding() == FwdMethod.TUNNEL ?
            new TunnelView(rs.tunnelType(), rs.tunnelPort(), rs.tunnelChecksum()) : null;
    }

    private static RateView rateView(final RateEstimator rates, final int id)
    {
        final long[] r = rates.rates(id);
        return new RateView(r[0], r[1], r[2], r[3], r[4]);
    }

    private void sampleRates()
    {
        try
        {
            final TableCompiler.CompiledTable table = director.table();
            final Set<Integer> ids = new HashSet<>();
            for (final TableCompiler.CompiledService cs : table.services())
            {
                ids.add(cs.id());
                rates.sample(cs.id(), director.stats().serviceTotals(cs.id()));
                for (final TableCompiler.CompiledDest cd : cs.dests())
                {
                    ids.add(cd.id());
                    final long[] t = director.stats().destTotals(cd.id());
                    rates.sample(cd.id(), java.util.Arrays.copyOf(t, 5));
                }
            }
            rates.retainOnly(ids);
        }
        catch (final RuntimeException ex)
        {
            org.slf4j.LoggerFactory.getLogger(AdminCommands.class).warn("rate estimation", ex);
        }
    }

    void close()
    {
        ticker.shutdownNow();
    }
}
