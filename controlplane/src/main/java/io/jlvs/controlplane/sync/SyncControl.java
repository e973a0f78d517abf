package io.jlvs.controlplane.sync;

import io.jlvs.controlplane.admin.DaemonView;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.SyncSettings;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.sync.SyncDelivery;
import io.jlvs.dataplane.sync.SyncReports;
import io.jlvs.dataplane.sync.SyncRings;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.status.CountersManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts and stops the director's sync daemon as {@code ipvsadm --start-daemon} and {@code --stop-daemon} do the
 * kernel's, and lists it for {@code ipvsadm -L --daemon}. The daemon (its Aeron transport, its thread) exists while
 * a master or a backup role runs; the master role also makes the agents report (the director's snapshots carry it,
 * told through {@code onMasterChange}).
 * <p>
 * {@code --mcast-interface} names the interface whose first IPv4 address is sync's local end; ipvsadm's default
 * {@code eth0}, absent on a jlvs director, means the settings' {@code sync-interface}, itself by default the host
 * path's TAP. {@code --mcast-group} and {@code --mcast-port} replace the settings' group and port when the daemon is
 * started; {@code --sync-maxlen} and {@code --mcast-ttl} are listed as given (Aeron sizes its own frames; TTL is 1).
 */
public final class SyncControl implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(SyncControl.class);
    private static final String IPVSADM_DEFAULT_INTERFACE = "eth0";

    private final SyncSettings settings;
    private final String defaultInterface;
    private final SyncRings syncRings;
    private final RedirectRings rings;
    private final ConnTables tables;
    private final Path aeronDir;
    private final InetAddress dip;
    private final Consumer<String> log;
    private final Consumer<Boolean> onMasterChange;
    private final List<DaemonView> views = new ArrayList<>();
    private SyncEngine daemon;
    private AgentRunner runner;
    private final SyncCounters counters;

    public SyncControl(
        final SyncSettings settings,
        final String defaultInterface,
        final SyncRings syncRings,
        final RedirectRings rings,
        final ConnTables tables,
        final CountersManager countersManager,
        final Path aeronDir,
        final InetAddress dip,
        final Consumer<String> log,
        final Consumer<Boolean> onMasterChange)
    {
        this.dip = dip;
        this.settings = settings;
        this.defaultInterface = settings.interfaceName().orElse(defaultInterface);
        this.syncRings = syncRings;
        this.rings = rings;
        this.tables = tables;
        // allocated once, on the thread that allocates the director's other counters: a CountersManager is one thread's
        this.counters = new SyncCounters(countersManager);
        this.aeronDir = aeronDir;
        this.log = log;
        this.onMasterChange = onMasterChange;
    }

    /** Starts the roles the settings' {@code sync-daemon} names. */
    public void startConfigured()
    {
        for (final String state : settings.startMaster() && settings.startBackup() ? List.of("master", "backup") :
            settings.startMaster() ? List.of("master") : settings.startBackup() ? List.of("backup") : List.<String>of())
        {
            final String error = start(state, defaultInterface, settings.syncId(), null, 0, 0, 0);
            if (null != error)
            {
                LOG.error("sync-daemon = {}: the {} sync daemon did not start: {}", settings.startMaster() &&
                    settings.startBackup() ? "both" : state, state, error);
            }
        }
    }

    /**
     * {@code ipvsadm --start-daemon state}.
     *
     * @return null, or why it cannot start (ipvsadm prints it and exits 1)
     */
    public synchronized String start(final String state, final String mcastInterface, final int syncId,
        final InetAddress group, final int port, final int maxLen, final int ttl)
    {
        final boolean master = "master".equals(state);
        if (!master && !"backup".equals(state))
        {
            return "invalid sync daemon state '" + state + "': master or backup";
        }
        if (views.stream().anyMatch((v) -> v.state().equals(state)))
        {
            return "the " + state + " sync daemon is already running";
        }
        final String ifName = resolveInterface(mcastInterface);
        if (null == daemon)
        {
            final String error = settings.kernelProtocol() ? startKernelProtocol(ifName, group, port) :
                startJlvsProtocol(ifName, syncId, group, port);
            if (null != error)
            {
                return error;
            }
        }
        if (master)
        {
            daemon.master(syncId);
            onMasterChange.accept(true);
        }
        else
        {
            daemon.backup(syncId);
        }
        views.add(DaemonView.asTheKernelSetsIt(state, ifName, syncId, maxLen, group, port, ttl, mtuOf(ifName)));
        log.accept("sync: " + state + " daemon started (syncid " + syncId + ")");
        return null;
    }

    /** jlvs's own protocol: SBE over Aeron, signed, with catch-up. */
    private String startJlvsProtocol(final String ifName, final int syncId, final InetAddress group, final int port)
    {
        final InetAddress local;
        final byte[] key;
        try
        {
            local = localAddress(ifName, dip);
            key = SyncKey.read(settings.keyFile());
        }
        catch (final IllegalStateException ex)
        {
            return ex.getMessage();
        }
        final SyncSettings effective = new SyncSettings(false, false, false, syncId, settings.peers(),
            null != group ? group : settings.group(), port != 0 ? port : settings.port(),
            Optional.of(ifName), settings.keyFile(), settings.policy(), false);
        final SyncDaemon[] created = new SyncDaemon[1];
        final java.util.function.Supplier<SyncTransport> transports = () -> new SyncTransport(effective, local,
            aeronDir, (image) -> created[0].onPeerAppeared(image), (t) -> LOG.warn("sync transport", t));
        final SyncDaemon d;
        try
        {
            d = new SyncDaemon(transports, new SyncCodec(key), counters, new SyncReports(syncRings),
                new SyncDelivery(rings), tables, new SystemEpochClock(), log);
        }
        catch (final RuntimeException ex)
        {
            return "cannot start sync on " + ifName + " (" + InetLiterals.ntop(local) + "): " + ex.getMessage();
        }
        created[0] = d;
        run(d, d);
        log.accept("sync: started on " + d.transport());
        return null;
    }

    /** The kernel's version 1 protocol on UDP, for a mixed pair with kernel LVS. */
    private String startKernelProtocol(final String ifName, final InetAddress group, final int port)
    {
        try
        {
            final InetAddress local = localAddress(ifName, dip);
            final IpvsSyncDaemon d = new IpvsSyncDaemon(NetworkInterface.getByName(ifName), local,
                null != group ? group : settings.group(), settings.peers(), port != 0 ? port : settings.port(),
                counters, new SyncReports(syncRings), new SyncDelivery(rings));
            run(d, d);
            log.accept("sync: started on " + d);
            return null;
        }
        catch (final IllegalStateException | java.io.IOException ex)
        {
            return "cannot start sync on " + ifName + ": " + ex.getMessage();
        }
    }

    private void run(final SyncEngine engine, final org.agrona.concurrent.Agent agent)
    {
        daemon = engine;
        runner = new AgentRunner(new BackoffIdleStrategy(10, 10, 1_000, 1_000_000),
            (t) -> LOG.error("sync daemon", t), null, agent);
        AgentRunner.startOnThread(runner);
    }

    /** {@code ipvsadm --stop-daemon state}: null, or why not. */
    public synchronized String stop(final String state)
    {
        if (!views.removeIf((v) -> v.state().equals(state)))
        {
            return "no " + state + " sync daemon is running";
        }
        if ("master".equals(state))
        {
            daemon.master(-1);
            onMasterChange.accept(false);
        }
        else
        {
            daemon.backup(-1);
        }
        log.accept("sync: " + state + " daemon stopped");
        if (views.isEmpty())
        {
            closeDaemon();
        }
        return null;
    }

    /** The running daemons, for {@code ipvsadm -L --daemon}. */
    public synchronized List<DaemonView> views()
    {
        return Collections.unmodifiableList(new ArrayList<>(views));
    }

    public synchronized boolean isMaster()
    {
        return views.stream().anyMatch((v) -> v.state().equals("master"));
    }

    /** The daemon, or null when none runs. */
    public synchronized SyncEngine daemon()
    {
        return daemon;
    }

    /** {@code jlvs sync}. */
    public synchronized String report()
    {
        return null == daemon ? "sync daemon: not running\n" : daemon.report();
    }

    /** The interface's MTU as this namespace's kernel has it; 1500 when it cannot be read. */
    private static int mtuOf(final String ifName)
    {
        try
        {
            return Integer.parseInt(java.nio.file.Files.readString(java.nio.file.Path.of("/sys/class/net", ifName,
                "mtu")).strip());
        }
        catch (final java.io.IOException | NumberFormatException | java.nio.file.InvalidPathException ex)
        {
            return 1500;
        }
    }

    private String resolveInterface(final String requested)
    {
        if (null == requested || requested.isEmpty())
        {
            return defaultInterface;
        }
        if (IPVSADM_DEFAULT_INTERFACE.equals(requested))
        {
            try
            {
                if (null == NetworkInterface.getByName(requested))
                {
                    return defaultInterface;
                }
            }
            catch (final SocketException ex)
            {
                return defaultInterface;
            }
        }
        return requested;
    }

    /**
     * The director's own address when the interface carries it (the host path carries them all), else the
     * interface's first IPv4 address, else its first address.
     */
    static InetAddress localAddress(final String ifName, final InetAddress preferred)
    {
        final NetworkInterface nif;
        try
        {
            nif = NetworkInterface.getByName(ifName);
        }
        catch (final SocketException ex)
        {
            throw new IllegalStateException("sync interface " + ifName + ": " + ex.getMessage(), ex);
        }
        if (null == nif)
        {
            throw new IllegalStateException("no such sync interface: " + ifName);
        }
        InetAddress any = null;
        final List<InetAddress> addresses = Collections.list(nif.getInetAddresses());
        if (addresses.contains(preferred))
        {
            return preferred;
        }
        for (final InetAddress a : addresses)
        {
            if (a instanceof Inet4Address)
            {
                return a;
            }
            if (null == any && !a.isLinkLocalAddress())
            {
                any = a;
            }
        }
        if (null == any)
        {
            throw new IllegalStateException("sync interface " + ifName + " has no address");
        }
        return any;
    }

    private void closeDaemon()
    {
        if (null != runner)
        {
            runner.close();
            runner = null;
        }
        daemon = null;
        log.accept("sync: stopped");
    }

    @Override
    public synchronized void close()
    {
        views.clear();
        closeDaemon();
    }
}
