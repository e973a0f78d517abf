package io.jlvs.controlplane.health;

import io.jlvs.controlplane.TableCompiler;
import io.jlvs.controlplane.config.CheckType;
import io.jlvs.controlplane.config.Credentials;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.controlplane.config.HealthCheck;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.VirtualService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.http.HttpClient;
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
public final class HealthMonitor implements HealthSource
{
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    /** How long past its own timeout a check may run before the watchdog interrupts it. */
    static final int DEADLINE_GRACE_SEC = 2;

    /** Schedules the checks and watches them; the checks themselves run on virtual threads of their own. */
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((r) ->
    {
        final Thread t = new Thread(r, "jlvs-checker");
        t.setDaemon(true);
        return t;
    });
    private final Thread.Builder checkThreads = Thread.ofVirtual().name("jlvs-check-", 0);
    private final Runnable onChange;
    private final java.util.function.Consumer<String> ldLog;
    private final MonitorFiles monitorFiles = new MonitorFiles();
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
        this(onChange, LOG::info);
    }

    /**
     * @param onChange called (on a checker thread) when a real server's state changes
     * @param ldLog    ldirectord's log, for its soft-failure lines
     */
    public HealthMonitor(final Runnable onChange, final java.util.function.Consumer<String> ldLog)
    {
        this.onChange = onChange;
        this.ldLog = ldLog;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
        this.https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).sslContext(TrustAllTls.context())
            .followRedirects(HttpClient.Redirect.NEVER).build();
        scheduler.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
    }

    /** A virtual service that uses a check, and its real server as it configures it. */
    record Use(VirtualService service, RealServer real)
    {
    }

    /** One check of one real server, scheduled; what the health view shows of it. */
    private static final class Task
    {
        final String key;
        /** ip:port as ldirectord logs it ([ip]:port for IPv6) */
        final String realServer;
        final Check check;
        final Check connect;
        final int connectsPerNegotiate;
        final int failureCount;
        final long intervalMs;
        final long deadlineNs;
        final long overrunNs;
        volatile ScheduledFuture<?> future;
        volatile Thread thread;
        volatile boolean cancelled;
        volatile boolean interrupted;
        volatile int failures;
        volatile long runs;
        /** Checks that failed, over the task's life. */
        volatile long failed;
        volatile long startedNs;
        volatile boolean running;
        volatile long lastLatencyNs;
        volatile long lastDoneMs;
        volatile boolean lastPassed;
        volatile long overruns;
        volatile boolean overrunCounted;
        /** The virtual services that share this check (ids), for the health view. */
        volatile java.util.List<String> virtuals = java.util.List.of();
        /** The same, with the real server as each has it, for their monitorfiles. */
        volatile java.util.List<Use> uses = java.util.List.of();
        /** Why the last check failed ("ok" when it passed), as the monitorfile and jlvs health say. */
        volatile String lastMessage = "-";

        Task(final String key, final String realServer, final Check check, final Check connect, final int connectsPerNegotiate,
            final int failureCount, final long intervalMs, final long deadlineNs, final long overrunNs)
        {
            this.intervalMs = intervalMs;
            this.deadlineNs = deadlineNs;
            this.key = key;
            this.realServer = realServer;
            this.check = check;
            this.connect = connect;
            this.connectsPerNegotiate = connectsPerNegotiate;
            this.failureCount = failureCount;
            this.overrunNs = overrunNs;
        }

        void cancel()
        {
            cancelled = true;
            final ScheduledFuture<?> f = future;
            if (null != f)
            {
                f.cancel(false);
            }
            final Thread t = thread;
            if (null != t)
            {
                t.interrupt();
            }
        }
    }

    /** Starts the checks the configuration asks for and stops those it no longer does; states of kept ones stay. */
    public synchronized void configure(final LdirectordConfig config)
    {
        this.config = config;
        this.inMaintenance = maintenance(config);
        final Set<String> wanted = new HashSet<>();
        final Map<String, java.util.List<Use>> users = new HashMap<>();
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
                users.computeIfAbsent(key, (k) -> new java.util.ArrayList<>()).add(new Use(vs, rs));
                if (!tasks.containsKey(key))
                {
                    start(key, vs, rs);
                }
            }
        }
        users.forEach((key, uses) ->
        {
            final Task task = tasks.get(key);
            task.uses = java.util.List.copyOf(uses);
            task.virtuals = uses.stream().map((u) -> u.service().id()).toList();
        });
        for (final String key : Set.copyOf(tasks.keySet()))
        {
            if (!wanted.contains(key))
            {
                tasks.remove(key).cancel();
                up.remove(key);
            }
        }
    }

    private void start(final String key, final VirtualService vs, final RealServer rs)
    {
        final HealthCheck hc = vs.check();
        final int port = hc.checkPort().orElse(rs.port());
        final InetAddress address = rs.address();
        // ldirectord's connect check of a UDP service is a ping: a datagram has nothing to connect
        final Check connect = vs.protocol() == ServiceProtocol.UDP ? new PingCheck(address, hc.checkTimeout()) :
            new ConnectCheck(address, port, hc.checkTimeout());
        final Check check = switch (hc.type())
        {
            case CONNECT -> connect;
            case PING -> new PingCheck(address, hc.checkTimeout());
            case EXTERNAL, EXTERNAL_PERL -> new ExternalCheck(hc.type() == CheckType.EXTERNAL_PERL,
                hc.checkCommand(), vs.fwmark() != 0 ? Integer.toString(vs.fwmark()) : Protocols.host(vs.address()),
                vs.port(), Protocols.host(address), rs.port(), hc.checkTimeout());
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
        final Task task = new Task(key, Protocols.host(address) + ":" + rs.port(), check, connect, hc.connectsPerNegotiate(), hc.failureCount(),
            TimeUnit.SECONDS.toMillis(hc.checkInterval()), TimeUnit.SECONDS.toNanos(timeout + DEADLINE_GRACE_SEC),
            TimeUnit.SECONDS.toNanos(hc.checkInterval() + timeout));
        tasks.put(key, task);
        schedule(task, 0);
    }

    private Check negotiate(final VirtualService vs, final RealServer rs, final InetAddress address, final int port)
    {
        final HealthCheck hc = vs.check();
        final String request = rs.request().orElse(hc.request());
        final String receive = rs.receive().orElse(hc.receive());
        final int timeout = hc.negotiateTimeout();
        final Credentials c = hc.credentials();
        final boolean tcp = vs.protocol() != ServiceProtocol.UDP;
        return switch (hc.service())
        {
            case "http" -> HttpCheck.direct(http, false, address, port, request, hc.httpMethod(), hc.virtualHost(),
                receive, timeout);
            case "https" -> HttpCheck.direct(https, true, address, port, request, hc.httpMethod(), hc.virtualHost(),
                receive, timeout);
            case "http_proxy" -> HttpCheck.proxied(address, port, request, hc.httpMethod(), receive, timeout);
            case "ftp" -> new FtpCheck(address, port, request, receive, c.login(), c.passwd(), timeout);
            case "smtp", "submission" -> new SmtpCheck(address, port, timeout);
            case "pop" -> new Pop3Check(address, port, false, c.login(), c.passwd(), timeout);
            case "pops" -> new Pop3Check(address, port, true, c.login(), c.passwd(), timeout);
            case "imap" -> new ImapCheck(address, port, false, c.login(), c.passwd(), timeout);
            case "imaps" -> new ImapCheck(address, port, true, c.login(), c.passwd(), timeout);
            case "nntp" -> new NntpCheck(address, port, timeout);
            case "ldap" -> new LdapCheck(address, port, false, request, receive, c.login(), c.passwd(), timeout);
            case "ldaps" -> new LdapCheck(address, port, true, request, receive, c.login(), c.passwd(), timeout);
            case "dns" -> new DnsCheck(address, port, tcp, request, receive, timeout);
            case "mysql", "pgsql", "oracle" -> new SqlCheck(SqlCheck.Dialect.of(hc.service()), address, port,
                c.database(), c.login(), c.passwd(), request, timeout);
            case "radius" -> new RadiusCheck(address, port, c.secret(), c.login(), c.passwd(), timeout);
            case "sip" -> new SipCheck(address, port, tcp, c.login(), timeout);
            case "simpletcp" -> new SimpleTcpCheck(address, port, request, receive, timeout);
            case "none" -> () -> true; // ldirectord's check_none: nothing to negotiate, up
            default -> throw new IllegalStateException("service " + hc.service() + " passed the parser");
        };
    }

    /** The next check of a task, {@code delayMs} from now (ldirectord's checkinterval counts from the last end). */
    private void schedule(final Task task, final long delayMs)
    {
        if (task.cancelled || scheduler.isShutdown())
        {
            return;
        }
        try
        {
            task.future = scheduler.schedule(() ->
            {
                if (!task.cancelled)
                {
                    checkThreads.start(() -> runAndReschedule(task));
                }
            }, delayMs, TimeUnit.MILLISECONDS);
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            // closing
        }
    }

    private void runAndReschedule(final Task task)
    {
        task.thread = Thread.currentThread();
        try
        {
            run(task);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("check of real server {} failed with {}", task.realServer, ex.toString());
        }
        finally
        {
            task.thread = null;
            schedule(task, task.intervalMs);
        }
    }

    private void run(final Task task)
    {
        final long n = task.runs++;
        final boolean combinedConnect = task.connectsPerNegotiate > 0 && n % (task.connectsPerNegotiate + 1) != 0;
        task.startedNs = System.nanoTime();
        task.running = true;
        task.interrupted = false;
        boolean passed = false;
        try
        {
            passed = (combinedConnect ? task.connect : task.check).run() && !task.interrupted;
            task.lastMessage = passed ? "ok" : task.interrupted ?
                "ran past its timeout: interrupted" : Check.takeReason();
        }
        catch (final RuntimeException ex)
        {
            LOG.debug("check of {} threw {}", task.key, ex.toString());
            task.lastMessage = ex.toString();
        }
        finally
        {
            task.running = false;
            task.overrunCounted = false;
            Thread.interrupted();
        }
        if (task.cancelled)
        {
            return;
        }
        task.lastLatencyNs = System.nanoTime() - task.startedNs;
        task.lastDoneMs = System.currentTimeMillis();
        monitorFiles.write(task.uses, passed, task.lastMessage);
        task.lastPassed = passed;
        final boolean was = up.getOrDefault(task.key, false);
        final boolean now;
        if (passed)
        {
            if (task.failures > 0 && was)
            {
                for (final String vid : task.virtuals)
                {
                    ldLog.accept("Resetting soft failure count: " + task.realServer + " (" + vid + ")");
                }
            }
            task.failures = 0;
            now = true;
        }
        else
        {
            task.failures++;
            task.failed++; // written by the task's one running check, read by the metrics
            now = was && task.failures < task.failureCount;
            if (now)
            {
                // ldirectord's failurecount: a failure that does not take the real server down yet
                for (final String vid : task.virtuals)
                {
                    ldLog.accept("Soft failure real server: " + task.realServer + " (" + vid + ") failure " +
                        task.failures + "/" + task.failureCount);
                }
            }
        }
        if (now != was || !up.containsKey(task.key))
        {
            up.put(task.key, now);
            if (now != was)
            {
                LOG.info("real server {} ({}) is {}: {} {}", task.realServer, String.join(" ", task.virtuals),
                    now ? "up" : "down", task.check, now ? "passed" : "failed " + task.failures + "/" +
                    task.failureCount);
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
            final Thread thread = task.thread;
            if (task.running && !task.interrupted && null != thread && now - task.startedNs > task.deadlineNs)
            {
                // a target that holds the check past its timeout (a library that does not bound a phase): on a
                // virtual thread an interrupt closes the socket the check is blocked on, and the check fails
                task.interrupted = true;
                LOG.warn("check of real server {} ran past its timeout: interrupted ({})", task.realServer, task.check);
                thread.interrupt();
            }
            if (task.running && !task.overrunCounted && now - task.startedNs > task.overrunNs)
            {
                task.overrunCounted = true;
                task.overruns++;
                LOG.warn("check of real server {} has not completed within its interval and timeout ({})",
                    task.realServer, task.check);
            }
        }
    }

    private synchronized java.util.List<Task> tasksSnapshot()
    {
        return java.util.List.copyOf(tasks.values());
    }

    /** Whether every check has answered at least once (the director is past starting, as ldirectord says). */
    @Override
    public boolean allAnswered()
    {
        for (final Task t : tasksSnapshot())
        {
            if (0 == t.lastDoneMs)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * One check as the metrics show it.
     *
     * @param realServer    ip:port ([ip]:port for IPv6)
     * @param check         the check as {@code jlvs health} names it ("GET http://10.0.0.2:80/ ...")
     * @param virtuals      the virtual services that share it
     * @param up            the real server's state by this check
     * @param lastLatencyNs how long the last check took, 0 before the first
     * @param runs          checks done
     * @param failed        checks failed
     * @param overruns      checks still running past their interval and timeout
     */
    public record CheckState(String realServer, String check, java.util.List<String> virtuals, boolean up,
        long lastLatencyNs, long runs, long failed, long overruns)
    {
    }

    /** Every check, from any thread. */
    @Override
    public java.util.List<CheckState> checks()
    {
        final java.util.List<CheckState> out = new java.util.ArrayList<>();
        for (final Task t : tasksSnapshot())
        {
            out.add(new CheckState(t.realServer, t.check.toString(), t.virtuals, up.getOrDefault(t.key, false),
                t.lastLatencyNs, t.runs, t.failed, t.overruns));
        }
        return out;
    }

    /** One line per check: state, last result, its latency, consecutive failures, checks run, overruns. */
    @Override
    public String report()
    {
        final StringBuilder sb = new StringBuilder(String.format(java.util.Locale.ROOT,
            "%-5s %-8s %10s %8s %6s %7s  %s%n", "State", "Last", "Latency", "Failures", "Checks", "Overrun",
            "Check [virtual services]"));
        final long nowMs = System.currentTimeMillis();
        for (final Task t : tasksSnapshot().stream().sorted(java.util.Comparator.comparing((Task x) -> x.key)).toList())
        {
            final boolean isUp = up.getOrDefault(t.key, false);
            final String last = 0 == t.lastDoneMs ? "-" :
                (t.lastPassed ? "pass " : "fail ") + ((nowMs - t.lastDoneMs) / 1000) + "s";
            sb.append(String.format(java.util.Locale.ROOT, "%-5s %-8s %8.1fms %8d %6d %7d  %s %s%n",
                isUp ? "up" : "down", last, t.lastLatencyNs / 1e6, t.failures, t.runs, t.overruns, t.check,
                t.virtuals));
            if (0 != t.lastDoneMs && !t.lastPassed)
            {
                sb.append("      last failure: ").append(t.lastMessage).append('\n');
            }
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
                final String ip = io.jlvs.controlplane.config.InetLiterals.ntop(rs.address());
                final String ipPort = rs.address().getHostAddress() + ":" + rs.port();
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
            "/" + hc.negotiateTimeout() + "/" + hc.failureCount() + "/" + hc.connectsPerNegotiate() + " " +
            vs.protocol() + " " + hc.credentials().login() + "/" + hc.credentials().passwd().hashCode() + "/" +
            hc.credentials().database() + "/" + hc.credentials().secret().hashCode() +
            (hc.type() == CheckType.EXTERNAL || hc.type() == CheckType.EXTERNAL_PERL ? " " + hc.checkCommand() + " " + vs.address().getHostAddress() + ":" +
                vs.port() + "/" + vs.fwmark() : "");
    }

    @Override
    public void close()
    {
        scheduler.shutdownNow();
        for (final Task task : tasksSnapshot())
        {
            task.cancel();
        }
    }
}
