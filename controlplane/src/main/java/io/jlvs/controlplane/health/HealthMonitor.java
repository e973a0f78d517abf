package io.jlvs.controlplane.health;

import io.jlvs.controlplane.TableCompiler;
import io.jlvs.controlplane.config.CheckType;
import io.jlvs.controlplane.config.HealthCheck;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.VirtualService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * ldirectord's checker inside the director: runs each real server's check every {@code checkinterval}, counts
 * consecutive failures against {@code failurecount}, and tells the director when a real server comes up or goes
 * down, so that it compiles a new table (quiesced at weight 0 with {@code quiescent = yes}, removed otherwise; the
 * fallback when none is up). {@code checktype = on} is always up, {@code off} never (fallback only), as in
 * ldirectord. A real server is down until its first check has passed.
 * <p>
 * One check runs per distinct (real server, check) however many virtual services ask for it. Checks run on their
 * own threads with their own timeouts; nothing here touches the dataplane but through the director's snapshots.
 */
public final class HealthMonitor implements TableCompiler.Health, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(4, (r) ->
    {
        final Thread t = new Thread(r, "jlvs-check");
        t.setDaemon(true);
        return t;
    });
    private final Runnable onChange;
    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, Boolean> up = new ConcurrentHashMap<>();
    private final HttpClient http;
    /** Real servers (ip:port) a file in the maintenance directory takes down; replaced whole by {@link #watch}. */
    private volatile Set<String> inMaintenance = Set.of();
    private volatile LdirectordConfig config;
    private final HttpClient https;

    /** @param onChange called (on a checker thread) when a real server's state changes */
    public HealthMonitor(final Runnable onChange)
    {
        this.onChange = onChange;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
        this.https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(trustAll())
            .followRedirects(HttpClient.Redirect.NEVER).build();
        executor.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    /** One check of one real server, scheduled; what the health view shows of it. */
    private static final class Task
    {
        final String key;
        final Check check;
        final Check connect;
        final int connectsPerNegotiate;
        final int failureCount;
        final long overrunNs;
        ScheduledFuture<?> future;
        volatile int failures;
        volatile long runs;
        volatile long startedNs;
        volatile boolean running;
        volatile long lastLatencyNs;
        volatile long lastDoneMs;
        volatile boolean lastPassed;
        volatile long overruns;
        volatile boolean overrunCounted;

        Task(final String key, final Check check, final Check connect, final int connectsPerNegotiate,
            final int failureCount, final long overrunNs)
        {
            this.key = key;
            this.check = check;
            this.connect = connect;
            this.connectsPerNegotiate = connectsPerNegotiate;
            this.failureCount = failureCount;
            this.overrunNs = overrunNs;
        }
    }

    /** Starts the checks the configuration asks for and stops those it no longer does; states of kept ones stay. */
    public synchronized void configure(final LdirectordConfig config)
    {
        this.config = config;
        this.inMaintenance = maintenance(config);
        final Set<String> wanted = new HashSet<>();
        for (final VirtualService vs : config.virtualServices())
        {
            final HealthCheck hc = vs.check();
            if (hc.type() == CheckType.ON || hc.type() == CheckType.OFF)
            {
                continue;
            }
            for (final RealServer rs : vs.reals())
            {
                final String key = key(vs, rs);
                wanted.add(key);
                if (!tasks.containsKey(key))
                {
                    start(key, vs, rs);
                }
            }
        }
        for (final String key : Set.copyOf(tasks.keySet()))
        {
            if (!wanted.contains(key))
            {
                tasks.remove(key).future.cancel(true);
                up.remove(key);
            }
        }
    }

    private void start(final String key, final VirtualService vs, final RealServer rs)
    {
        final HealthCheck hc = vs.check();
        final int port = hc.checkPort().orElse(rs.port());
        final InetAddress address = rs.address();
        final Check connect = new ConnectCheck(address, port, hc.checkTimeout());
        final Check check = switch (hc.type())
        {
            case CONNECT -> connect;
            case PING -> new PingCheck(address, hc.checkTimeout());
            case EXTERNAL -> new ExternalCheck(hc.checkCommand(),
                vs.fwmark() != 0 ? Integer.toString(vs.fwmark()) : vs.address().getHostAddress(), vs.port(),
                address.getHostAddress(), rs.port(), hc.checkTimeout());
            case NEGOTIATE, COMBINED -> negotiate(vs, rs, address, port);
            default ->
            {
                LOG.warn("checktype {} for {} is not run by this version of jlvs: a connect check stands in",
                    hc.type().ldirectordName(), key);
                yield connect;
            }
        };
        final int timeout = hc.type() == CheckType.NEGOTIATE || hc.type() == CheckType.COMBINED ?
            hc.negotiateTimeout() : hc.checkTimeout();
        final Task task = new Task(key, check, connect, hc.connectsPerNegotiate(), hc.failureCount(),
            TimeUnit.SECONDS.toNanos(hc.checkInterval() + timeout));
        tasks.put(key, task);
        task.future = executor.scheduleWithFixedDelay(() -> run(task), 0, hc.checkInterval(), TimeUnit.SECONDS);
    }

    private Check negotiate(final VirtualService vs, final RealServer rs, final InetAddress address, final int port)
    {
        final HealthCheck hc = vs.check();
        final String request = rs.request().orElse(hc.request());
        final String receive = rs.receive().orElse(hc.receive());
        return switch (hc.service())
        {
            case "http" -> new HttpCheck(http, false, address, port, request, hc.httpMethod(), hc.virtualHost(),
                receive, hc.negotiateTimeout());
            case "https" -> new HttpCheck(https, true, address, port, request, hc.httpMethod(), hc.virtualHost(),
                receive, hc.negotiateTimeout());
            case "simpletcp" -> new SimpleTcpCheck(address, port, request, receive, hc.negotiateTimeout());
            case "none" -> () -> true; // ldirectord's check_none: nothing to negotiate, up
            default ->
            {
                LOG.warn("negotiate for service {} is not run by this version of jlvs: a connect check stands in " +
                    "for {}", hc.service(), key(vs, rs));
                yield new ConnectCheck(address, port, hc.negotiateTimeout());
            }
        };
    }

    private void run(final Task task)
    {
        final long n = task.runs++;
        final boolean combinedConnect = task.connectsPerNegotiate > 0 && n % (task.connectsPerNegotiate + 1) != 0;
        task.startedNs = System.nanoTime();
        task.running = true;
        final boolean passed;
        try
        {
            passed = (combinedConnect ? task.connect : task.check).run();
        }
        finally
        {
            task.running = false;
            task.overrunCounted = false;
        }
        task.lastLatencyNs = System.nanoTime() - task.startedNs;
        task.lastDoneMs = System.currentTimeMillis();
        task.lastPassed = passed;
        final boolean was = up.getOrDefault(task.key, false);
        final boolean now;
        if (passed)
        {
            task.failures = 0;
            now = true;
        }
        else
        {
            task.failures++;
            now = was && task.failures < task.failureCount;
        }
        if (now != was || !up.containsKey(task.key))
        {
            up.put(task.key, now);
            if (now != was)
            {
                LOG.info("real server {} is {} ({})", task.key, now ? "up" : "down", task.check);
                onChange.run();
            }
        }
    }

    /**
     * The checker watches itself: a check still running past its interval and timeout is counted and reported
     * (once per stuck run), never left silent.
     */
    private void watch()
    {
        final LdirectordConfig current = config;
        if (null != current)
        {
            final Set<String> now = maintenance(current);
            if (!now.equals(inMaintenance))
            {
                LOG.info("maintenance: {} (was {})", now, inMaintenance);
                inMaintenance = now;
                onChange.run();
            }
        }
        final long now = System.nanoTime();
        for (final Task task : tasksSnapshot())
        {
            if (task.running && !task.overrunCounted && now - task.startedNs > task.overrunNs)
            {
                task.overrunCounted = true;
                task.overruns++;
                LOG.warn("check of {} has not completed within its interval and timeout ({})", task.key, task.check);
            }
        }
    }

    private synchronized java.util.List<Task> tasksSnapshot()
    {
        return java.util.List.copyOf(tasks.values());
    }

    /** One line per check: state, last result, its latency, consecutive failures, checks run, overruns. */
    public String report()
    {
        final StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
            "%-5s %-8s %10s %8s %6s %7s  %s%n", "State", "Last", "Latency", "Failures", "Checks", "Overrun", "Check"));
        final long nowMs = System.currentTimeMillis();
        for (final Task t : tasksSnapshot().stream().sorted(java.util.Comparator.comparing((Task x) -> x.key)).toList())
        {
            final boolean isUp = up.getOrDefault(t.key, false);
            final String last = 0 == t.lastDoneMs ? "-" :
                (t.lastPassed ? "pass " : "fail ") + ((nowMs - t.lastDoneMs) / 1000) + "s";
            sb.append(String.format(java.util.Locale.ROOT, "%-5s %-8s %8.1fms %8d %6d %7d  %s%n",
                isUp ? "up" : "down", last, t.lastLatencyNs / 1e6, t.failures, t.runs, t.overruns, t.check));
        }
        return sb.toString();
    }

    /**
     * ldirectord's {@code maintenancedir}: the real servers (as {@code ip:port}) for which a file named
     * {@code ip:port} or {@code ip} ({@code [ip]:port} for IPv6 too) is there.
     */
    private static Set<String> maintenance(final LdirectordConfig config)
    {
        final java.util.Optional<java.nio.file.Path> dir = config.global().maintenanceDir();
        if (dir.isEmpty())
        {
            return Set.of();
        }
        final Set<String> down = new HashSet<>();
        for (final VirtualService vs : config.virtualServices())
        {
            for (final RealServer rs : vs.reals())
            {
                final String ip = rs.address().getHostAddress();
                final String ipPort = ip + ":" + rs.port();
                if (java.nio.file.Files.exists(dir.get().resolve(ipPort)) || java.nio.file.Files.exists(dir.get().resolve(ip)) ||
                    java.nio.file.Files.exists(dir.get().resolve("[" + ip + "]:" + rs.port())))
                {
                    down.add(ipPort);
                }
            }
        }
        return Set.copyOf(down);
    }

    @Override
    public boolean isUp(final VirtualService vs, final RealServer rs)
    {
        if (inMaintenance.contains(rs.address().getHostAddress() + ":" + rs.port()))
        {
            return false;
        }
        return switch (vs.check().type())
        {
            case ON -> true;
            case OFF -> false;
            default -> up.getOrDefault(key(vs, rs), false);
        };
    }

    /** The state of one check, by its key, for a listing; null when none runs. */
    public Boolean state(final String key)
    {
        return up.get(key);
    }

    /** One check per real server and check settings, however many services share it. */
    static String key(final VirtualService vs, final RealServer rs)
    {
        final HealthCheck hc = vs.check();
        return hc.type() + " " + rs.address().getHostAddress() + ":" + hc.checkPort().orElse(rs.port()) + " " +
            hc.service() + " " + rs.request().orElse(hc.request()) + " " + rs.receive().orElse(hc.receive()) + " " +
            hc.httpMethod() + " " + hc.virtualHost().orElse("") + " " + hc.checkInterval() + "/" + hc.checkTimeout() +
            "/" + hc.negotiateTimeout() + "/" + hc.failureCount() + "/" + hc.connectsPerNegotiate() +
            (hc.type() == CheckType.EXTERNAL ? " " + hc.checkCommand() + " " + vs.address().getHostAddress() + ":" +
                vs.port() + "/" + vs.fwmark() : "");
    }

    private static SSLContext trustAll()
    {
        try
        {
            final SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager()
            {
                @Override
                public void checkClientTrusted(final X509Certificate[] chain, final String authType)
                {
                }

                @Override
                public void checkServerTrusted(final X509Certificate[] chain, final String authType)
                {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers()
                {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    @Override
    public void close()
    {
        executor.shutdownNow();
    }
}
