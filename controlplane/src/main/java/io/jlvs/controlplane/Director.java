package io.jlvs.controlplane;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.bindings.dpdk.DpdkException;
import io.jlvs.bindings.dpdk.DpdkPreflight;
import io.jlvs.controlplane.config.DirectorSettings;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.health.HealthMonitor;
import io.jlvs.controlplane.capture.PacketCaptures;
import io.jlvs.dataplane.ForwardingAgent;
import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.frag.FragmentTable;
import io.jlvs.dataplane.host.HostPath;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.port.DpdkPort;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.status.CountersFile;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.ErrorLogFile;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.sync.SyncPolicy;
import io.jlvs.dataplane.sync.SyncRings;
import io.jlvs.controlplane.sync.SyncControl;
import io.jlvs.controlplane.vrrp.VrrpConfig;
import io.jlvs.controlplane.vrrp.VrrpDaemon;
import io.jlvs.controlplane.config.ConfigException;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.CountedErrorHandler;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.status.AtomicCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A running director: one DPDK port, one forwarding agent per configured core (each on its own queue
 * pair, pinned and registered with DPDK, owning its share of the connections in its own table, with rings to hand
 * the others theirs), counters in shared memory and the admin socket. Started from director settings and an ldirectord.cf; reconfigured without stopping the dataplane
 * by handing each agent a new snapshot.
 */
public final class Director implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Director.class);
    private static final int RX_DESC = 1024;
    private static final int TX_DESC = 1024;

    private final DirectorSettings settings;
    private final Dpdk dpdk;
    private final int portId;
    private final MemorySegment pool;
    private final long mac;
    private final CountersFile countersFile;
    private final ErrorLogFile errorLogFile;
    private final ConnTables conns;
    /** The timeouts of {@code ipvsadm --set}: replaced, never changed, so that agents copy a stable instance. */
    private volatile ConnTimeouts timeouts = new ConnTimeouts();
    private final StatsRegistry stats;
    private final TableCompiler compiler;
    private final List<ForwardingAgent> agents = new ArrayList<>();
    private final List<AgentRunner> runners = new ArrayList<>();
    private final AtomicCounter errors;
    private final AtomicLong version = new AtomicLong();
    private final AdminServer admin;
    private final HostPath hostPath;
    /** On the host path: held while serving. Null without a host path. */
    private final FloatingAddresses floating;
    /** ldirectord's checks, or keepalived's checkers when the services come from keepalived.conf. */
    private final io.jlvs.controlplane.health.HealthSource health;
    /** The services of keepalived.conf when they come from one (keepalived-config); null with ldirectord.cf. */
    private volatile io.jlvs.controlplane.keepalived.KeepalivedServices keepalived;
    /** ldirectord's log (logfile, syslog, supervised) of real server changes, reloads, start and stop. */
    private final io.jlvs.controlplane.alert.DirectorLog ldLog;
    private final io.jlvs.controlplane.alert.EmailAlerts alerts;
    /** ldirectord's daemon state, for emailalertstatus: starting until every check has answered once. */
    private volatile int daemonStatus = io.jlvs.controlplane.config.EmailAlert.STARTING;
    private final java.util.concurrent.ScheduledExecutorService autoreload =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor((r) ->
        {
            final Thread t = new Thread(r, "jlvs-autoreload");
            t.setDaemon(true);
            return t;
        });
    private java.nio.file.attribute.FileTime configTime;
    private final AgentRunner hostRunner;
    private final SyncControl sync;
    private final VrrpDaemon vrrp;
    private long vrrpStartedMs;
    /** A higher-priority backup that has not caught up preempts anyway after this long. */
    static final long PREEMPT_CATCH_UP_WAIT_MS = 30_000;
    /** The agents' sync role and thresholds, in every snapshot handed to them. */
    private volatile SyncPolicy syncPolicy;
    /** The pair's other director has the VIPs: every snapshot handed to the agents stands by. */
    private volatile boolean standby;
    /** VRRP's {@code use_vmac}: the MAC the VIPs are answered from, or 0 for the port's. */
    private final long virtualMac;
    private final RouteTable routes;
    private volatile TableCompiler.CompiledTable table;
    private volatile LdirectordConfig config;
    /** The changes made with ipvsadm, laid over the file's table at every compile. */
    private final IpvsadmEdits edits = new IpvsadmEdits();
    /** systemd's notifications (Type=notify): readiness once the agents cycle, the watchdog while they do. */
    private final SystemdNotify systemd = SystemdNotify.fromEnvironment();
    /** Each agent's heartbeat counter: epoch milliseconds of its last expiry step. */
    private final List<org.agrona.concurrent.status.AtomicCounter> heartbeats = new ArrayList<>();
    private final java.util.concurrent.ScheduledExecutorService watchdog =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor((r) ->
        {
            final Thread t = new Thread(r, "jlvs-watchdog");
            t.setDaemon(true);
            return t;
        });
    /** The Prometheus endpoint, when the settings ask for one. */
    private volatile io.jlvs.controlplane.metrics.MetricsEndpoint metrics;
    private boolean closed;

    private Director(final DirectorSettings settings, final LdirectordConfig config,
        final io.jlvs.controlplane.keepalived.KeepalivedServices keepalived,
        final io.jlvs.dataplane.service.MarkRules marks, final Dpdk dpdk, final VrrpConfig vrrpConfig)
    {
        this.settings = settings;
        this.config = config;
        this.keepalived = keepalived;
        this.dpdk = dpdk;
        final int agentCount = settings.cores().size();

        final String portName = portName(settings);
        if (!settings.isPciPort() && dpdk.findPort(portName).isEmpty())
        {
            throw new IllegalStateException("the virtual device '" + settings.port() + "' did not come up: see " +
                "the driver's message above (for net_af_packet and net_af_xdp: does the interface exist in " +
                "this network namespace, and is it up?)");
        }
        DpdkPreflight.requireOk(DpdkPreflight.afterInit(dpdk, portName));
        portId = dpdk.portByName(portName);
        // per agent: its rings and bursts, what it makes itself (512), the fragments it may hold, and what may wait in
        // its inbox from the others
        final int mbufs = Math.max(8191, agentCount * (RX_DESC + TX_DESC + 2 * ForwardingAgent.BURST + 512 +
            FragmentTable.HELD_BUDGET + RedirectRings.DEFAULT_CAPACITY / Long.BYTES) - 1);
        pool = dpdk.createPktmbufPool("jlvs_" + settings.instance(), mbufs);
        dpdk.setupPort(portId, portConfig(settings, agentCount), pool);
        mac = DpdkPort.macOf(dpdk, portId);
        virtualMac = null == vrrpConfig ? 0 : vrrpConfig.virtualMac();
        if (0 != virtualMac)
        {
            receiveFor(dpdk, portId, virtualMac);
        }

        final Path dir = settings.connTableDir();
        countersFile = CountersFile.create(dir.resolve("counters.dat"), 64 * 1024);
        final DataplaneCounters counters = new DataplaneCounters(countersFile.manager());
        errors = counters.manager().newCounter("director: Errors");
        errorLogFile = ErrorLogFile.create(dir.resolve("errors.dat"), ErrorLogFile.DEFAULT_LENGTH);
        final DistinctErrorLog errorLog = errorLogFile.newLog(new SystemEpochClock());
        conns = new ConnTables(new ConnTables.Context()
            .agents(agentCount)
            .capacity(settings.connTableSize())
            .directory(dir)
            .conclude());
        if (conns.moved() > 0)
        {
            LOG.info("{} connections moved to their owners' tables: the tables were written for another core count",
                conns.moved());
        }
        final RedirectRings rings = new RedirectRings(agentCount);
        final SyncRings syncRings = new SyncRings(agentCount);
        syncPolicy = settings.sync().policy().master(false);
        standby = settings.standby() || null != vrrpConfig; // with VRRP, backup until it decides
        hostPath = settings.hostPath() ? openHostPath(settings, mac, counters) : null;
        floating = null == hostPath ? null : new FloatingAddresses(hostPathName(settings.instance()), settings,
            Director::run);
        hostRunner = null == hostPath ? null : new AgentRunner(
            new BackoffIdleStrategy(1, 1, 1_000, 1_000_000), (t) -> LOG.error("host path", t), null, hostPath);
        stats = new StatsRegistry(counters, agentCount);
        compiler = new TableCompiler(stats);
        routes = settings.routes();
        ldLog = new io.jlvs.controlplane.alert.DirectorLog(config.file(), config.global());
        if (null != keepalived)
        {
            final io.jlvs.controlplane.keepalived.KeepalivedHealth checkers =
                new io.jlvs.controlplane.keepalived.KeepalivedHealth(this::onHealthChange, ldLog::log);
            checkers.configure(keepalived); // real servers without alpha are in the first table, as keepalived's
            health = checkers;
        }
        else
        {
            health = new HealthMonitor(this::onHealthChange, ldLog::log);
        }
        alerts = new io.jlvs.controlplane.alert.EmailAlerts(() -> daemonStatus, ldLog,
            io.jlvs.controlplane.health.LocalHost.name());
        compiler.drainPolicy(new TableCompiler.DrainPolicy(settings.drain(), settings.drainTimeoutSec() * 1000L),
            System::currentTimeMillis);
        compiler.marks(marks);
        table = compiler.compile(config, agentCount, routes, version.incrementAndGet(), health);

        // An exception on the fast path is a bug: logged once per distinct kind in shared memory, counted.
        final ErrorHandler errorHandler = new CountedErrorHandler((t) ->
        {
            if (errorLog.record(t))
            {
                LOG.error("forwarding agent error (recorded in {})", dir.resolve("errors.dat"), t);
            }
        }, errors);
        for (int i = 0; i < agentCount; i++)
        {
            final String role = "fwd-" + i;
            final int core = settings.cores().get(i);
            final AtomicCounter[] agentCounters = counters.newAgentCounters(i, role);
            heartbeats.add(agentCounters[io.jlvs.dataplane.status.LbCounterDescriptor.HEARTBEAT_MS.ordinal()]);
            final ForwardingAgent agent = new ForwardingAgent(new ForwardingAgent.Context()
                .roleName(role)
                .port(new DpdkPort(portName + ":" + i, portId, i, pool, mac))
                .conns(conns.table(i))
                .templates(conns.templates())
                .agent(i)
                .redirectRings(rings)
                .syncRings(syncRings)
                .hostPath(hostPath)
                .timeouts(new ConnTimeouts())
                .sysctls(settings.sysctls())
                .neighbours(new NeighbourTable())
                .snapshot(forAgent(table.snapshots().get(i)))
                .counters(agentCounters)
                .dropsByVerdict(counters.newVerdictCounters(i, role))
                .cycleHistogram(counters.newCycleHistogram(i, role))
                .epochClock(new SystemEpochClock())
                .nanoClock(new SystemNanoClock())
                .onStart(() ->
                {
                    dpdk.registerCurrentThread();
                    Dpdk.pinCurrentThread(core);
                })
                .mtu(settings.mtu()));
            agents.add(agent);
            conns.attach(i, agent.flowCache());
            runners.add(new AgentRunner(idleStrategy(settings.idleSleepMaxUs()), errorHandler,
                agentCounters[LbCounterDescriptor.ERRORS.ordinal()], agent));
        }
        sync = new SyncControl(settings.sync(), hostPathName(settings.instance()), syncRings, rings, conns,
            counters.manager(), dir.resolve("aeron"), settings.address(), LOG::info, this::onSyncMasterChange);
        vrrp = null == vrrpConfig ? null : new VrrpDaemon(vrrpConfig, settings.address(),
            hostPathName(settings.instance()), counters.manager(), this::mayPreempt, new VrrpActions());
        admin = new AdminServer(settings.adminSocket(), new AdminCommands(this), new PacketCaptures(
            agents.stream().map(ForwardingAgent::captureTap).toList(),
            java.util.stream.IntStream.range(0, agentCount).mapToObj((i) -> portName + ":" + i).toList()));
    }

    /**
     * Starts a director: checks the host, initialises DPDK and the port, starts the agents and the admin
     * socket.
     *
     * @throws StartupException saying why it cannot start and how to fix it.
     */
    public static Director start(final DirectorSettings settings, final LdirectordConfig config)
    {
        return start(settings, config, null);
    }

    /**
     * @param keepalived the services of the settings' keepalived-config (then {@code config} is theirs), or null for
     *                   ldirectord.cf
     */
    public static Director start(final DirectorSettings settings, final LdirectordConfig config,
        final io.jlvs.controlplane.keepalived.KeepalivedServices keepalived)
    {
        final io.jlvs.dataplane.service.MarkRules marks;
        try
        {
            marks = io.jlvs.controlplane.config.MangleRules.read(settings);
        }
        catch (final ConfigException ex)
        {
            throw new StartupException(ex.errors().stream().map(Object::toString).toList());
        }
        catch (final java.io.IOException ex)
        {
            throw new StartupException(List.of("cannot read the fwmark rules: " + ex.getMessage()));
        }
        VrrpConfig vrrp = null;
        final boolean vrrpInKeepalived = null != keepalived && keepalived.keepalived().vrrp().stream()
            .anyMatch((b) -> b.keyword().equals("vrrp_instance"));
        if (settings.vrrp().isPresent() || vrrpInKeepalived)
        {
            try
            {
                vrrp = vrrpInKeepalived ?
                    VrrpConfig.parse(keepalived.keepalived().file(), settings.configId(), true, (w) -> LOG.warn("{}", w)) :
                    VrrpConfig.parse(settings.vrrp().get(), settings.configId(), false, (w) -> LOG.warn("{}", w));
            }
            catch (final ConfigException ex)
            {
                throw new StartupException(ex.errors().stream().map(Object::toString).toList());
            }
            catch (final java.io.IOException ex)
            {
                throw new StartupException(List.of("cannot read the VRRP configuration: " + ex.getMessage()));
            }
        }
        final List<String> ealArgs = settings.ealArguments();
        final List<String> problems = DpdkPreflight.beforeInit(ealArgs);
        if (!problems.isEmpty())
        {
            throw new StartupException(problems);
        }
        final Dpdk dpdk;
        try
        {
            dpdk = Dpdk.init(ealArgs);
        }
        catch (final DpdkException | IllegalStateException ex)
        {
            throw new StartupException(List.of("DPDK did not initialise (" + ex.getMessage() + "); EAL arguments: " +
                String.join(" ", ealArgs)));
        }
        final Director director;
        try
        {
            director = new Director(settings, config, keepalived, marks, dpdk, vrrp);
        }
        catch (final DpdkException | IllegalStateException ex)
        {
            dpdk.cleanup();
            throw new StartupException(List.of(ex.getMessage()));
        }
        try
        {
            director.startAgents();
        }
        catch (final IllegalStateException ex)
        {
            director.close();
            throw new StartupException(List.of(ex.getMessage()));
        }
        director.notifyReady();
        return director;
    }

    /**
     * How a forwarding agent waits when a cycle found nothing to do: it spins (a poll-mode dataplane's way, the
     * lowest latency, a whole core always), or with {@code idle-sleep-max} it spins a little, yields, then sleeps from
     * 1 us doubling up to that many microseconds, and spins again at the next packet: a quiet director gives its
     * cores back, and the first packet after a quiet spell waits up to the sleep it arrives in.
     */
    public static org.agrona.concurrent.IdleStrategy idleStrategy(final int sleepMaxUs)
    {
        return 0 == sleepMaxUs ? new BusySpinIdleStrategy() :
            new BackoffIdleStrategy(1_000, 100, 1_000, sleepMaxUs * 1_000L);
    }

    /**
     * The director's own host path: a TAP device named for the instance, with the port's MAC, the director's addresses
     * and its gateways, so its own sockets (checks, ssh) reach the network through the dataplane.
     */
    private static HostPath openHostPath(final DirectorSettings settings, final long mac, final DataplaneCounters counters)
    {
        final String name = hostPathName(settings.instance());
        final HostPath path = new HostPath(name, HostPath.DEFAULT_RING,
            counters.manager().newCounter("host: Frames written to " + name),
            counters.manager().newCounter("host: Frames read from " + name),
            counters.manager().newCounter("host: Frames " + name + " refused"),
            counters.manager().newCounter("host: Dropped: the ring from " + name + " was full"));
        try
        {
            final List<List<String>> commands = new ArrayList<>();
            commands.add(List.of("ip", "link", "set", "dev", name, "address", Dpdk.formatMac(Dpdk.macBytes(mac)), "mtu",
                Integer.toString(settings.mtu()), "up"));
            for (final DirectorSettings.Address a : settings.addresses())
            {
                commands.add(List.of("ip", "addr", "replace", a.toString(), "dev", name));
            }
            if (!settings.addresses6().isEmpty())
            {
                // IPv6 may be off by default in this namespace (the lab turns it off): on for this device, quietly
                commands.add(List.of("sysctl", "-qw", "net.ipv6.conf." + name + ".disable_ipv6=0",
                    "net.ipv6.conf." + name + ".accept_ra=0", "net.ipv6.conf." + name + ".autoconf=0"));
            }
            for (final DirectorSettings.Address6 a : settings.addresses6())
            {
                commands.add(List.of("ip", "addr", "replace", a.toString(), "dev", name, "nodad"));
            }
            settings.gateway().ifPresent((g) -> commands.add(
                List.of("ip", "route", "replace", "default", "via", g.getHostAddress(), "dev", name)));
            settings.gateway6().ifPresent((g) -> commands.add(
                List.of("ip", "-6", "route", "replace", "default", "via", g.getHostAddress(), "dev", name)));
            for (final List<String> command : commands)
            {
                run(command);
            }
        }
        catch (final RuntimeException ex)
        {
            path.close();
            throw ex;
        }
        return path;
    }

    /**
     * Makes the port receive frames to the virtual MAC: an address filter where the driver has one, else promiscuous
     * mode (net_af_packet's socket sees every frame the interface gets, and takes neither).
     */
    private static void receiveFor(final Dpdk dpdk, final int portId, final long virtualMac)
    {
        final byte[] bytes = Dpdk.macBytes(virtualMac);
        if (!dpdk.addMacAddress(portId, bytes))
        {
            LOG.info("port {}: no MAC filter for the virtual MAC {}: promiscuous mode", portId, Dpdk.formatMac(bytes));
            dpdk.setPromiscuous(portId, true);
        }
    }

    /** {@code jlvs-<instance>}, cut to the 15 characters an interface name may have. */
    static String hostPathName(final String instance)
    {
        final String name = "jlvs-" + instance;
        return name.length() > 15 ? name.substring(0, 15) : name;
    }

    private static void run(final List<String> command)
    {
        try
        {
            final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0)
            {
                throw new IllegalStateException("host path: " + String.join(" ", command) + " failed: " + out.strip());
            }
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalStateException("host path: cannot run " + String.join(" ", command) + ": " +
                ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("host path: interrupted", ex);
        }
    }

    private void startAgents()
    {
        for (final AgentRunner runner : runners)
        {
            AgentRunner.startOnThread(runner);
        }
        admin.start();
        if (settings.metrics().isPresent())
        {
            try
            {
                metrics = io.jlvs.controlplane.metrics.MetricsEndpoint.start(settings.metrics().get(),
                    new io.jlvs.controlplane.metrics.DirectorMetrics(this));
                LOG.info("Prometheus metrics at http://{}/metrics", settings.metrics().get());
            }
            catch (final java.io.IOException ex)
            {
                LOG.error("no Prometheus endpoint at {}: {}", settings.metrics().get(), ex.getMessage());
            }
        }
        if (null != hostRunner)
        {
            AgentRunner.startOnThread(hostRunner);
        }
        synchronized (this)
        {
            if (!standby)
            {
                holdFloating();
            }
        }
        if (health instanceof HealthMonitor checks)
        {
            checks.configure(config);
        }
        if (null != keepalived)
        {
            lvsTimeouts(keepalived);
        }
        sync.startConfigured();
        if (null != vrrp)
        {
            vrrpStartedMs = System.currentTimeMillis();
            try
            {
                vrrp.start();
            }
            catch (final java.io.IOException ex)
            {
                throw new IllegalStateException("VRRP: " + ex.getMessage(), ex);
            }
        }
        configTime = modified(config.file());
        autoreload.scheduleWithFixedDelay(this::autoreload, config.global().checkInterval(),
            config.global().checkInterval(), java.util.concurrent.TimeUnit.SECONDS);
        autoreload.scheduleWithFixedDelay(this::everySecond, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        ldLog.log("Starting jlvs director '" + settings.instance() + "' with pid: " + ProcessHandle.current().pid());
        warnIfIpv6Unavailable(config);
        for (final var vs : config.virtualServices())
        {
            ldLog.log("Added virtual server: " + io.jlvs.controlplane.alert.TableChanges.virtualId(vs));
        }
        LOG.info("jlvs director '{}' forwarding on {} ({}, mtu {}), {}, cores {}, {} virtual services; admin socket {}",
            settings.instance(), portName(settings), Dpdk.formatMac(dpdk.macAddress(portId)), settings.mtu(), routes,
            settings.cores(), config.virtualServices().size(), settings.adminSocket());
    }

    /**
     * ldirectord's {@code autoreload = yes}: every checkinterval, a changed ldirectord.cf is read again and applied;
     * one with errors is reported (file and line) and the running configuration stays.
     */
    private void autoreload()
    {
        final LdirectordConfig running = config;
        final java.nio.file.attribute.FileTime now = modified(running.file());
        if (!running.global().autoreload() || null == now || now.equals(configTime))
        {
            return;
        }
        configTime = now;
        try
        {
            final LdirectordConfig next = io.jlvs.controlplane.config.LdirectordConfigParser.parse(running.file());
            final var unsupported = TableCompiler.unsupported(next);
            if (!unsupported.isEmpty())
            {
                unsupported.forEach((d) -> LOG.error("autoreload: {}", d));
                return;
            }
            final io.jlvs.dataplane.service.MarkRules marks = io.jlvs.controlplane.config.MangleRules.read(settings);
            LOG.info("autoreload: {} changed", running.file());
            reload(next, marks);
        }
        catch (final io.jlvs.controlplane.config.ConfigException ex)
        {
            LOG.error("autoreload: {} not applied, the running configuration stays:\n{}", running.file(),
                ex.getMessage());
        }
        catch (final java.io.IOException ex)
        {
            LOG.error("autoreload: cannot read {}: {}", running.file(), ex.getMessage());
        }
    }

    private static java.nio.file.attribute.FileTime modified(final java.nio.file.Path file)
    {
        try
        {
            return java.nio.file.Files.getLastModifiedTime(file);
        }
        catch (final java.io.IOException ex)
        {
            return null;
        }
    }

    /**
     * The JVM decides when it starts whether the host has IPv6 (none when no interface had an IPv6 address then,
     * as in a namespace with IPv6 disabled), and never looks again: the director's own IPv6 addresses on its TAP
     * device come later, so its IPv6 checks would fail to the last. Said once, plainly, at start.
     */
    private static void warnIfIpv6Unavailable(final LdirectordConfig config)
    {
        final boolean wanted = config.virtualServices().stream().flatMap((vs) -> vs.reals().stream())
            .anyMatch((rs) -> rs.address() instanceof java.net.Inet6Address);
        if (!wanted)
        {
            return;
        }
        try (var probe = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.INET6))
        {
            LOG.debug("IPv6 available to the checks ({})", probe);
        }
        catch (final UnsupportedOperationException | java.io.IOException ex)
        {
            LOG.warn("IPv6 real servers are configured but this JVM started without IPv6 ({}): their checks will " +
                "fail until the director is started where IPv6 is on (e.g. sysctl net.ipv6.conf.lo.disable_ipv6=0)",
                ex.getMessage());
        }
    }

    /** Reminders of inaccessible real servers; the end of starting once every check has answered. */
    private void everySecond()
    {
        if (daemonStatus == io.jlvs.controlplane.config.EmailAlert.STARTING && health.allAnswered())
        {
            daemonStatus = io.jlvs.controlplane.config.EmailAlert.RUNNING;
        }
        alerts.remind(System.currentTimeMillis());
        if (compiler.isDrainDone())
        {
            onHealthChange(); // a removed real server has drained: the same configuration without it
        }
    }

    /** A real server came up or went down: the same configuration, compiled with the new health. */
    private synchronized void onHealthChange()
    {
        if (!closed)
        {
            apply(config);
        }
    }

    /**
     * keepalived.conf read again: its checkers' states carried over where they are the same, then its services as
     * {@link #reload(LdirectordConfig, io.jlvs.dataplane.service.MarkRules)} takes them.
     */
    public synchronized void reload(final io.jlvs.controlplane.keepalived.KeepalivedServices next,
        final io.jlvs.dataplane.service.MarkRules marks)
    {
        if (!(health instanceof io.jlvs.controlplane.keepalived.KeepalivedHealth checkers))
        {
            throw new IllegalStateException("this director's services come from ldirectord.cf");
        }
        keepalived = next;
        checkers.configure(next);
        lvsTimeouts(next);
        reload(next.config(), marks);
    }

    /** keepalived's {@code lvs_timeouts}, as it sets them at start and at each reload: ipvsadm's {@code --set}. */
    private void lvsTimeouts(final io.jlvs.controlplane.keepalived.KeepalivedServices services)
    {
        final var t = services.keepalived().globals().lvsTimeouts();
        if (0 != t.tcp() || 0 != t.tcpfin() || 0 != t.udp())
        {
            timeouts(t.tcp(), t.tcpfin(), t.udp());
        }
    }

    /** The services of keepalived.conf when they come from one, else null. */
    public io.jlvs.controlplane.keepalived.KeepalivedServices keepalived()
    {
        return keepalived;
    }

    /**
     * Compiles a new configuration, with the marking rules read again beside it, and hands it to every agent; the
     * dataplane keeps running.
     */
    public synchronized void reload(final LdirectordConfig next, final io.jlvs.dataplane.service.MarkRules marks)
    {
        compiler.marks(marks);
        TableCompiler.unmarked(next, marks).forEach((d) -> LOG.warn("{}", d));
        final int status = daemonStatus;
        daemonStatus = io.jlvs.controlplane.config.EmailAlert.RELOADING;
        systemd.send("RELOADING=1");
        ldLog.settings(next.global());
        ldLog.log("Reloading configuration " + next.file());
        if (health instanceof HealthMonitor checks)
        {
            checks.configure(next);
        }
        edits.reloaded(config, next);
        apply(next);
        alerts.retain(next.virtualServices());
        daemonStatus = status;
        systemd.send("READY=1");
        LOG.info("configuration reloaded: {} virtual services (version {})", next.virtualServices().size(),
            table.version());
    }

    /**
     * An ipvsadm command that changes the table ({@code -A -E -D -C -a -e -d}), done as the kernel does it: null, or
     * the kernel's refusal (ipvsadm's message) with nothing changed. The agents adopt the new table between bursts.
     */
    public synchronized String change(final io.jlvs.controlplane.admin.IpvsadmCommand cmd)
    {
        if (closed)
        {
            return "jlvs: the director is stopping";
        }
        final String refusal = IpvsadmEdits.refusal(cmd, table.services(), !sync.views().isEmpty());
        if (null == refusal)
        {
            final IpvsadmEdits before = edits.copy();
            edits.record(cmd, config);
            try
            {
                apply(config);
            }
            catch (final RuntimeException ex)
            {
                edits.restore(before); // a change the table cannot take must not stay to fail every later compile
                LOG.error("ipvsadm {}: the table could not be compiled with it", cmd.command().ipvsadmName(), ex);
                return IpvsadmEdits.EINVAL;
            }
        }
        return refusal;
    }

    /** How long an agent may go without a heartbeat before the watchdog stops being fed. */
    private static final long HEARTBEAT_STALE_MS = 2_000;

    /**
     * Tells systemd the director is ready once every agent cycles (polls its port and forwards), and from then on
     * feeds its watchdog, at half the interval it asks for, only while every agent's heartbeat is fresh: an agent
     * stuck in a cycle gets the director restarted, as a dead one does.
     */
    private void notifyReady()
    {
        if (!systemd.isActive())
        {
            return;
        }
        final long deadline = System.currentTimeMillis() + 30_000;
        while (heartbeats.stream().anyMatch((h) -> h.get() == 0) && System.currentTimeMillis() < deadline)
        {
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
        }
        systemd.send("READY=1\nSTATUS=forwarding on " + settings.port() + " with " + agents.size() + " agent(s)\n" +
            "MAINPID=" + ProcessHandle.current().pid());
        final long micros = SystemdNotify.watchdogMicros();
        if (micros > 0)
        {
            final long periodMs = Math.max(1, micros / 2000);
            watchdog.scheduleAtFixedRate(this::feedWatchdog, periodMs, periodMs,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void feedWatchdog()
    {
        final long nowMs = System.currentTimeMillis();
        for (int i = 0; i < heartbeats.size(); i++)
        {
            final long beat = heartbeats.get(i).get();
            if (nowMs - beat > HEARTBEAT_STALE_MS)
            {
                LOG.error("agent fwd-{} has not cycled for {} ms: the watchdog is not fed", i, nowMs - beat);
                return;
            }
        }
        systemd.send("WATCHDOG=1");
    }

    /**
     * {@code ipvsadm --set tcp tcpfin udp}: a 0 keeps the current value; every agent gets the table again with them,
     * as new timeouts for the connections it times from then on.
     */
    public synchronized void timeouts(final int tcp, final int tcpFin, final int udp)
    {
        final ConnTimeouts next = new ConnTimeouts();
        next.copyFrom(timeouts);
        next.set(tcp, tcpFin, udp);
        timeouts = next;
        if (!closed)
        {
            offer(table);
        }
    }

    /**
     * The table's view of health: a real server is up as the checks say, or because ipvsadm made or changed it (the
     * kernel holds what it was last told); the fallback follows the checks of the file's real servers alone, as
     * ldirectord's does.
     */
    private final TableCompiler.Health tableHealth = new TableCompiler.Health()
    {
        @Override
        public boolean isUp(final io.jlvs.controlplane.config.VirtualService vs,
            final io.jlvs.controlplane.config.RealServer rs)
        {
            return IpvsadmEdits.isByIpvsadm(vs, rs) || health.isUp(vs, rs);
        }

        @Override
        public boolean anyUp(final io.jlvs.controlplane.config.VirtualService vs)
        {
            return edits.anyUp(vs);
        }

        @Override
        public int weight(final io.jlvs.controlplane.config.VirtualService vs,
            final io.jlvs.controlplane.config.RealServer rs)
        {
            return IpvsadmEdits.isByIpvsadm(vs, rs) ? rs.weight() : health.weight(vs, rs);
        }

        @Override
        public int fallbackWeight(final io.jlvs.controlplane.config.VirtualService vs)
        {
            // keepalived's sorry server follows its quorum; ldirectord's fallback the file's real servers
            return null != keepalived ? health.fallbackWeight(vs) :
                vs.fallback().isPresent() && !edits.anyUp(vs) ? 1 : ABSENT;
        }
    };

    private void apply(final LdirectordConfig next)
    {
        edits.observe(next, health);
        final TableCompiler.CompiledTable compiled =
            compiler.compile(edits.replay(next), agents.size(), routes, version.incrementAndGet(), tableHealth);
        final long offeredNs = System.nanoTime();
        offer(compiled);
        logAdoption(compiled.version(), offeredNs);
        final long nowMs = System.currentTimeMillis();
        for (final var change : io.jlvs.controlplane.alert.TableChanges.between(table.services(), compiled.services(),
            edits::touches))
        {
            ldLog.log(change.message());
            alerts.onChange(change, nowMs);
        }
        table = compiled;
        config = next;
        runFallbackCommands(compiled);
    }

    /**
     * ldirectord's {@code cleanstop = yes} (its default): on stop, every real server and then the virtual service
     * is purged, logged ("Purged real server (stop): ...", "Purged virtual server (stop): ...") and alerted. The
     * director forwards nothing once stopped whatever the setting; the connection table is kept for the next start
     * either way, as the kernel keeps a deleted service's connections until they expire.
     */
    private void purgeOnStop()
    {
        final TableCompiler.CompiledTable last = table;
        for (final TableCompiler.CompiledService cs : last.services())
        {
            if (!cs.config().cleanStop())
            {
                continue;
            }
            final String vid = io.jlvs.controlplane.alert.TableChanges.virtualId(cs.config());
            for (final TableCompiler.CompiledDest d : cs.dests())
            {
                final String id = io.jlvs.controlplane.alert.TableChanges.hostPort(d.config().address(),
                    d.config().port()) + " (" + vid + ")";
                final var change = new io.jlvs.controlplane.alert.TableChanges.Change(cs.config(), id,
                    "Purged " + (d.fallback() ? "fallback" : "real") + " server (stop): " + id, false);
                ldLog.log(change.message());
                alerts.onChange(change, System.currentTimeMillis());
            }
            ldLog.log("Purged virtual server (stop): " + vid);
        }
        alerts.awaitSent(java.time.Duration.ofSeconds(10));
    }

    /** How long an agent may take to adopt a snapshot before the director stops waiting to log it. */
    private static final long ADOPTION_WAIT_NS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /**
     * Waits until every agent forwards with the new snapshot (they adopt it between bursts) and logs how long that
     * took from the offer to the last agent's adoption, by the agents' own clock: the time a health change or a
     * reload takes to reach the dataplane. Bounded: a stalled agent is logged, not waited for.
     */
    private void logAdoption(final long version, final long offeredNs)
    {
        long latest = offeredNs;
        for (final ForwardingAgent agent : agents)
        {
            while (agent.snapshot().version() < version)
            {
                if (System.nanoTime() - offeredNs > ADOPTION_WAIT_NS)
                {
                    LOG.warn("table version {} not adopted by every agent within 1 s", version);
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(1_000);
            }
            // the agent's own clock of its adoption: the director's wake-up after it is not the dataplane's delay
            latest = Math.max(latest, agent.adoptedNs());
        }
        LOG.info("table version {} adopted by {} agent(s) in {} us", version, agents.size(),
            (latest - offeredNs) / 1_000);
    }

    /** Services whose fallback has the traffic now, by their listing name. */
    private final java.util.Set<String> onFallback = new java.util.HashSet<>();

    /**
     * ldirectord's {@code fallbackcommand}: run with {@code start} when a service's fallback takes over and
     * {@code stop} when a real server is back, then the virtual service ({@code vip:port}) and its protocol; in the
     * background, output to the log, killed after a minute.
     */
    private void runFallbackCommands(final TableCompiler.CompiledTable compiled)
    {
        for (final TableCompiler.CompiledService cs : compiled.services())
        {
            final String name = TableCompiler.describe(cs.config());
            final boolean engaged = cs.dests().stream().anyMatch((d) -> d.fallback() && d.weight() > 0);
            final boolean was = onFallback.contains(name);
            if (engaged == was)
            {
                continue;
            }
            if (engaged)
            {
                onFallback.add(name);
            }
            else
            {
                onFallback.remove(name);
            }
            final var vs = cs.config();
            vs.fallbackCommand().ifPresent((command) ->
            {
                final String service = vs.fwmark() != 0 ? Integer.toString(vs.fwmark()) :
                    (vs.address() instanceof java.net.Inet6Address ? "[" + vs.address().getHostAddress() + "]" :
                        vs.address().getHostAddress()) + ":" + vs.port();
                final List<String> argv = List.of(command.toString(), engaged ? "start" : "stop", service,
                    vs.protocol().ldirectordName());
                Thread.ofVirtual().name("fallbackcommand").start(() -> runCommand(argv));
            });
        }
    }

    private static void runCommand(final List<String> argv)
    {
        try
        {
            final Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
            {
                p.destroyForcibly();
                LOG.warn("fallbackcommand {} killed after 60 s", argv);
            }
            else
            {
                LOG.info("fallbackcommand {}: exit {}", argv, p.exitValue());
            }
        }
        catch (final java.io.IOException ex)
        {
            LOG.error("fallbackcommand {} could not run: {}", argv, ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * One queue pair per agent; the MTU only when it is not Ethernet's 1500, which DPDK applies by default
     * ({@code rxmode.mtu} 0), so that a device that cannot set an MTU (a vdev) still starts with the default.
     */
    static Dpdk.PortConfig portConfig(final DirectorSettings settings, final int agents)
    {
        final Dpdk.PortConfig config = Dpdk.PortConfig.of(agents, agents, RX_DESC, TX_DESC);
        return settings.mtu() == DirectorSettings.DEFAULT_MTU ? config : config.withMtu(settings.mtu());
    }

    static String portName(final DirectorSettings settings)
    {
        final String port = settings.port();
        final int comma = port.indexOf(',');
        return comma < 0 ? port : port.substring(0, comma);
    }

    /** The sync daemon's control: ipvsadm --start-daemon, --stop-daemon, -L --daemon, jlvs sync. */
    public SyncControl sync()
    {
        return sync;
    }

    /** The VRRP daemon, or null without {@code vrrp} in the settings. */
    public VrrpDaemon vrrp()
    {
        return vrrp;
    }

    /**
     * Whether a higher-priority backup may take the VIPs from a live master: when its sync (if it follows VRRP) has
     * caught up from that master, so it takes them with their connections; or after
     * {@value #PREEMPT_CATCH_UP_WAIT_MS} ms whatever the sync says.
     */
    private boolean mayPreempt()
    {
        if (!settings.sync().followsVrrp())
        {
            return true;
        }
        final var daemon = sync.daemon();
        return null == daemon || daemon.caughtUp() ||
            System.currentTimeMillis() - vrrpStartedMs > PREEMPT_CATCH_UP_WAIT_MS;
    }

    /** What a VRRP transition does: the pair's state, and the sync roles with it when they follow VRRP. */
    private final class VrrpActions implements VrrpDaemon.Director
    {
        @Override
        public boolean linkUp()
        {
            try
            {
                return dpdk.linkUp(portId);
            }
            catch (final RuntimeException ex)
            {
                return true; // a driver that cannot say: as keepalived with an interface it cannot read, up
            }
        }

        @Override
        public void vrrpMaster()
        {
            // the VIPs first: the sync roles after, the master's started before the backup's stops, so the daemon
            // and its transport stay up (tearing them down and making them again took the takeover's time)
            standby(false);
            if (settings.sync().followsVrrp())
            {
                final String error = sync.start("master", "", settings.sync().syncId(), null, 0, 0, 0);
                if (null != error)
                {
                    LOG.error("sync master daemon: {}", error);
                }
                sync.stop("backup");
            }
        }

        @Override
        public void vrrpBackup()
        {
            standby(true);
            if (settings.sync().followsVrrp())
            {
                final String error = sync.start("backup", "", settings.sync().syncId(), null, 0, 0, 0);
                if (null != error)
                {
                    LOG.error("sync backup daemon: {}", error);
                }
                sync.stop("master");
            }
        }

        @Override
        public void announce()
        {
            reannounce();
        }
    }

    /** Every agent gets its table again, and announces the VIPs it serves (keepalived's garp_master_delay). */
    private synchronized void reannounce()
    {
        if (!closed && !standby)
        {
            reoffer();
        }
    }

    /**
     * Hands every agent the table it has, with the director's present sync role and pair state: nothing to compile,
     * since only those changed. The services in it are the agent's already, so it adopts them as they are (no
     * scheduler to take over), and announces the addresses it now serves.
     */
    private void reoffer()
    {
        offer(table);
    }

    /** Hands each agent its snapshot of {@code compiled}, with the sync role and pair state. */
    private void offer(final TableCompiler.CompiledTable compiled)
    {
        for (int i = 0; i < agents.size(); i++)
        {
            final ForwardingSnapshot s = forAgent(compiled.snapshots().get(i));
            while (!agents.get(i).offer(s))
            {
                Thread.onSpinWait();
            }
        }
    }

    /** A compiled snapshot with the director's sync role and pair state. */
    private ForwardingSnapshot forAgent(final ForwardingSnapshot compiled)
    {
        return compiled.withSync(syncPolicy).withStandby(standby).withVirtualMac(virtualMac).withTimeouts(timeouts);
    }

    /**
     * The pair's state: {@code false} serves the VIPs (the agents announce them with gratuitous ARP and unsolicited
     * neighbour advertisements, and forward), {@code true} stands by. Every agent gets the table again with it.
     */
    public synchronized void standby(final boolean standby)
    {
        if (this.standby == standby || closed)
        {
            return;
        }
        this.standby = standby;
        LOG.info("{}: {}", settings.instance(), standby ? "standing by (backup): the VIPs are the other director's" :
            "serving the VIPs (master)");
        ldLog.log(standby ? "Entering BACKUP state" : "Entering MASTER state");
        if (standby)
        {
            releaseFloating();
        }
        reoffer();
        if (!standby)
        {
            holdFloating();
        }
    }

    private void holdFloating()
    {
        if (null != floating)
        {
            floating.hold();
        }
    }

    private void releaseFloating()
    {
        if (null != floating)
        {
            floating.release();
        }
    }

    public boolean isStandby()
    {
        return standby;
    }

    /** The master role started or stopped: every agent gets the table again with the new role. */
    private synchronized void onSyncMasterChange(final boolean master)
    {
        syncPolicy = settings.sync().policy().master(master);
        if (!closed)
        {
            reoffer();
        }
    }

    public DirectorSettings settings()
    {
        return settings;
    }

    public LdirectordConfig config()
    {
        return config;
    }

    public TableCompiler.CompiledTable table()
    {
        return table;
    }

    /** The counters in shared memory, as {@code jlvs stat} reads them; from any thread. */
    public org.agrona.concurrent.status.CountersReader countersReader()
    {
        return countersFile.reader();
    }

    public StatsRegistry stats()
    {
        return stats;
    }

    /** The health checks, for {@code jlvs health}. */
    public io.jlvs.controlplane.health.HealthSource health()
    {
        return health;
    }

    public ConnTables conns()
    {
        return conns;
    }

    public ConnTimeouts timeouts()
    {
        return timeouts;
    }

    public Dpdk.EthStats portStats()
    {
        return dpdk.stats(portId);
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            closed = true;
        }
        daemonStatus = io.jlvs.controlplane.config.EmailAlert.STOPPING;
        systemd.send("STOPPING=1");
        watchdog.shutdownNow();
        ldLog.log("jlvs director '" + settings.instance() + "' stopping");
        if (null != vrrp)
        {
            vrrp.close(); // a master says priority 0 first: the backup takes over at once
        }
        purgeOnStop();
        autoreload.shutdownNow();
        sync.close();
        health.close();
        admin.close();
        if (null != metrics)
        {
            metrics.close(); // before the agents release what a scrape reads
        }
        for (final AgentRunner runner : runners)
        {
            runner.close();
        }
        if (null != hostRunner)
        {
            hostRunner.close();
        }
        for (int i = 0; i < agents.size(); i++)
        {
            conns.attach(i, null); // the listing stops reading the cache the agent is about to release
            agents.get(i).release();
        }
        if (null != hostPath)
        {
            hostPath.close();
        }
        try
        {
            dpdk.stopPort(portId);
            dpdk.closePort(portId);
        }
        catch (final DpdkException ex)
        {
            LOG.warn("stopping port: {}", ex.getMessage());
        }
        conns.close();
        countersFile.close();
        errorLogFile.close();
        dpdk.cleanup();
        systemd.close();
        LOG.info("jlvs director '{}' stopped", settings.instance());
    }

    /** Why a director could not start, each problem with how to fix it. */
    public static final class StartupException extends RuntimeException
    {
        private final List<String> problems;

        public StartupException(final List<String> problems)
        {
            super(String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems()
        {
            return problems;
        }
    }
}
