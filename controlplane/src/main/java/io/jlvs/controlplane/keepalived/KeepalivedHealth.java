package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.TableCompiler;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.VirtualService;
import io.jlvs.controlplane.health.Check;
import io.jlvs.controlplane.health.HealthMonitor;
import io.jlvs.controlplane.health.HealthSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * keepalived's checker process inside the director ({@code check_api.c}, {@code ipwrapper.c}): each checker of each
 * real server runs every {@code delay_loop}, its first run a second plus a random part of {@code warmup} after the
 * start; a failure is retried {@code retry} times, {@code delay_before_retry} apart, before its real server goes down
 * (at the start, the first failure counts at once). A real server is alive while every one of its checkers passes:
 * without {@code alpha} it starts alive. Its weight is its configured weight moved by MISC_CHECK's dynamic status and
 * FILE_CHECK's file; down, it leaves the table, or stays at weight 0 with {@code inhibit_on_failure}. Each virtual
 * server keeps its quorum: the sum of its alive real servers' weights gains it at {@code quorum + hysteresis} and loses
 * it below {@code quorum - hysteresis} (or at 0), running {@code quorum_up} and {@code quorum_down}; while it is lost
 * the sorry server takes the traffic. {@code notify_up} and {@code notify_down} run when a real server changes.
 * <p>
 * The checks run on virtual threads of their own; state changes are made under this object's lock and reach the
 * dataplane only through the director's next table.
 */
public final class KeepalivedHealth implements HealthSource
{
    private static final Logger LOG = LoggerFactory.getLogger(KeepalivedHealth.class);
    /** keepalived's first check waits a second, then up to warmup more. */
    static final long FIRST_CHECK_US = 1_000_000L;
    /** FILE_CHECK follows its file as it changes (keepalived by inotify, jlvs by looking every second). */
    static final long FILE_POLL_US = 1_000_000L;

    private final Runnable onChange;
    private final Consumer<String> log;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((r) ->
    {
        final Thread t = new Thread(r, "jlvs-keepalived-checker");
        t.setDaemon(true);
        return t;
    });
    private final Thread.Builder checkThreads = Thread.ofVirtual().name("jlvs-checker-", 0);
    private final Map<String, Task> tasks = new HashMap<>();
    private final Map<String, Real> reals = new HashMap<>();
    private final Map<String, Quorum> quorums = new HashMap<>();
    private volatile KeepalivedServices services;
    /** Checkers scheduled and scripts run; not for {@link #atStart}. */
    private final boolean live;

    /**
     * @param onChange called (on a checker thread) when the table must change
     * @param log      the director's log, for keepalived's lines ("Removing service ... from VS ...")
     */
    public KeepalivedHealth(final Runnable onChange, final Consumer<String> log)
    {
        this(onChange, log, true);
    }

    private KeepalivedHealth(final Runnable onChange, final Consumer<String> log, final boolean live)
    {
        this.onChange = onChange;
        this.log = log;
        this.live = live;
    }

    /**
     * The state a director starts {@code services} in, before any checker has run (keepalived's table when it dumps
     * its configuration): nothing scheduled, no script run, nothing logged.
     */
    public static KeepalivedHealth atStart(final KeepalivedServices services)
    {
        final KeepalivedHealth health = new KeepalivedHealth(() -> {}, (line) -> {}, false);
        health.configure(services);
        return health;
    }

    /** One checker of one real server, scheduled. */
    private static final class Task
    {
        final String key;
        final String realKey;
        final Check check;
        final CheckerTiming timing;
        final boolean file;
        volatile boolean up;
        volatile int retryIt;
        volatile long adjustment;
        volatile boolean cancelled;
        volatile long runs;
        volatile long failed;
        volatile long lastLatencyNs;
        volatile long lastDoneMs;
        volatile String lastMessage = "-";
        volatile Thread thread;

        Task(final String key, final String realKey, final Check check, final CheckerTiming timing, final boolean file)
        {
            this.key = key;
            this.realKey = realKey;
            this.check = check;
            this.timing = timing;
            this.file = file;
            this.up = file || !timing.alpha();
            this.retryIt = timing.retry(); // keepalived: the first failure at the start takes the server down at once
        }
    }

    /** A real server of a virtual server: its checkers' keys and what they make of it. */
    private static final class Real
    {
        final KeepalivedVirtualServer vs;
        final KeepalivedRealServer rs;
        final List<String> taskKeys = new ArrayList<>();
        boolean alive;
        long weight;

        Real(final KeepalivedVirtualServer vs, final KeepalivedRealServer rs)
        {
            this.vs = vs;
            this.rs = rs;
        }
    }

    /** A virtual server's quorum state. */
    private static final class Quorum
    {
        boolean up;
    }

    /** Starts the checkers of {@code next} and stops those it no longer has; kept ones keep their state. */
    public synchronized void configure(final KeepalivedServices next)
    {
        final Set<String> wanted = new HashSet<>();
        final Map<String, Real> nextReals = new HashMap<>();
        for (final KeepalivedVirtualServer vs : next.keepalived().virtualServers())
        {
            for (final KeepalivedRealServer rs : vs.reals())
            {
                final String realKey = realKey(vs, rs);
                final Real real = new Real(vs, rs);
                for (final Checker c : rs.checkers())
                {
                    final String key = realKey + " " + c.toString().replace(c.where(), "");
                    real.taskKeys.add(key);
                    wanted.add(key);
                    if (!tasks.containsKey(key))
                    {
                        final Task task = new Task(key, realKey, CheckerChecks.of(c, rs.address(), rs.weight()),
                            c.timing(), c instanceof Checker.File);
                        tasks.put(key, task);
                        if (task.file)
                        {
                            // keepalived reads its track files before it sets up the table
                            task.up = task.check.run();
                            task.adjustment = ((CheckerChecks.Weighing)task.check).adjustment();
                        }
                        final long warmup = task.file ? 0 : ThreadLocalRandom.current().nextLong(c.timing().warmupUs() + 1);
                        schedule(task, FIRST_CHECK_US + warmup);
                    }
                }
                nextReals.put(realKey, real);
            }
        }
        for (final String key : Set.copyOf(tasks.keySet()))
        {
            if (!wanted.contains(key))
            {
                final Task t = tasks.remove(key);
                t.cancelled = true;
                final Thread thread = t.thread;
                if (null != thread)
                {
                    thread.interrupt();
                }
            }
        }
        reals.clear();
        reals.putAll(nextReals);
        final Map<String, Quorum> kept = new HashMap<>(quorums);
        quorums.clear();
        services = next;
        for (final Real real : reals.values())
        {
            refresh(real, false);
        }
        for (final KeepalivedVirtualServer vs : next.keepalived().virtualServers())
        {
            final Quorum was = kept.get(vs.id());
            final Quorum q = new Quorum();
            quorums.put(vs.id(), q);
            final long w = aliveWeight(vs);
            if (null != was)
            {
                q.up = was.up;
                updateQuorum(vs, q, w);
            }
            else
            {
                q.up = w >= vs.quorum() + vs.hysteresis();
                if (q.up)
                {
                    log.accept("Gained quorum " + vs.quorum() + "+" + vs.hysteresis() + "=" +
                        (vs.quorum() + vs.hysteresis()) + " <= " + w + " for VS " + vs.id());
                    run(vs.quorumUp());
                }
                else if (vs.sorryServer().isPresent())
                {
                    log.accept("Starting with quorum down for VS " + vs.id());
                }
            }
        }
    }

    private static String realKey(final KeepalivedVirtualServer vs, final KeepalivedRealServer rs)
    {
        return vs.id() + " -> " + endpoint(rs);
    }

    private static String endpoint(final KeepalivedRealServer rs)
    {
        final String ip = InetLiterals.ntop(rs.address());
        return "[" + ip + "]:" + rs.port();
    }

    private void schedule(final Task task, final long delayUs)
    {
        if (!live || task.cancelled || scheduler.isShutdown())
        {
            return;
        }
        try
        {
            scheduler.schedule(() ->
            {
                if (!task.cancelled)
                {
                    checkThreads.start(() -> runAndReschedule(task));
                }
            }, delayUs, TimeUnit.MICROSECONDS);
        }
        catch (final java.util.concurrent.RejectedExecutionException ex)
        {
            // closing
        }
    }

    private void runAndReschedule(final Task task)
    {
        task.thread = Thread.currentThread();
        long nextUs = task.file ? FILE_POLL_US : task.timing.delayLoopUs();
        try
        {
            final long start = System.nanoTime();
            boolean passed;
            try
            {
                passed = task.check.run();
                task.lastMessage = passed ? "ok" : Check.takeReason();
            }
            catch (final RuntimeException ex)
            {
                passed = false;
                task.lastMessage = ex.toString();
            }
            Thread.interrupted();
            if (task.cancelled)
            {
                return;
            }
            task.lastLatencyNs = System.nanoTime() - start;
            task.lastDoneMs = System.currentTimeMillis();
            task.runs++;
            if (!passed)
            {
                task.failed++; // written by the task's one running check
            }
            final long next = result(task, passed, nextUs);
            nextUs = Math.abs(next);
            if (next < 0)
            {
                // outside this object's lock: the director compiles under its own, and asks this object then
                onChange.run();
            }
        }
        finally
        {
            task.thread = null;
            schedule(task, nextUs);
        }
    }

    /**
     * A check's result: the task's and its real server's new state. Returns when the task runs next, in microseconds,
     * negated when the table must change.
     */
    private synchronized long result(final Task task, final boolean passed, final long loopUs)
    {
        long nextUs = loopUs;
        final boolean wasUp = task.up;
        if (passed)
        {
            task.up = true;
            task.retryIt = 0;
        }
        else if (task.up && task.retryIt < task.timing.retry())
        {
            task.retryIt++;
            nextUs = task.timing.delayBeforeRetryUs();
            LOG.info("{} failed ({}), retry {} of {}", task.check, task.lastMessage, task.retryIt, task.timing.retry());
        }
        else
        {
            task.up = false;
            task.retryIt = 0;
        }
        final long adjustment = task.check instanceof CheckerChecks.Weighing w ? w.adjustment() : 0;
        final boolean moved = adjustment != task.adjustment;
        task.adjustment = adjustment;
        if (wasUp != task.up)
        {
            LOG.info("{} {}{}", task.check, task.up ? "succeeded" : "failed", task.up ? "" : ": " + task.lastMessage);
        }
        final Real real = reals.get(task.realKey);
        final boolean changed = null != real && (wasUp != task.up || moved) && refresh(real, true);
        return changed ? -Math.max(1, nextUs) : nextUs;
    }

    /** The real server's state from its checkers; logs, notifies and updates its quorum: true when anything changed. */
    private boolean refresh(final Real real, final boolean announce)
    {
        boolean alive = true;
        long weight = real.rs.weight();
        for (final String key : real.taskKeys)
        {
            final Task t = tasks.get(key);
            if (null != t)
            {
                alive &= t.up;
                weight += t.adjustment;
            }
        }
        weight = Math.clamp(weight, 0, VirtualServerReader.MAX_WEIGHT);
        final boolean changed = alive != real.alive || weight != real.weight;
        final boolean flipped = alive != real.alive;
        final long oldWeight = real.weight;
        real.alive = alive;
        real.weight = weight;
        if (!announce || !changed)
        {
            return changed;
        }
        final String rs = "[" + InetLiterals.ntop(real.rs.address()) + "]:" +
            real.vs.protocol().name().toLowerCase(Locale.ROOT) + ":" + real.rs.port();
        if (flipped)
        {
            final boolean inhibit = real.rs.inhibitOnFailure();
            log.accept((alive ? (inhibit ? "Enabling" : "Adding") : (inhibit ? "Disabling" : "Removing")) +
                " service " + rs + (alive ? (inhibit ? " of" : " to") : (inhibit ? " of" : " from")) + " VS " +
                real.vs.id());
            run(alive ? real.rs.notifyUp() : real.rs.notifyDown());
        }
        else
        {
            log.accept("Changing weight from " + oldWeight + " to " + weight + " for " + (alive ? "" : "in") +
                "active service " + rs + " of VS " + real.vs.id());
        }
        final Quorum q = quorums.get(real.vs.id());
        if (null != q)
        {
            updateQuorum(real.vs, q, aliveWeight(real.vs));
        }
        return true;
    }

    private long aliveWeight(final KeepalivedVirtualServer vs)
    {
        long w = 0;
        for (final KeepalivedRealServer rs : vs.reals())
        {
            final Real r = reals.get(realKey(vs, rs));
            if (null != r && r.alive)
            {
                w += r.weight;
            }
        }
        return w;
    }

    private void updateQuorum(final KeepalivedVirtualServer vs, final Quorum q, final long w)
    {
        if (!q.up && w >= vs.quorum() + vs.hysteresis())
        {
            q.up = true;
            log.accept("Gained quorum " + vs.quorum() + "+" + vs.hysteresis() + "=" + (vs.quorum() + vs.hysteresis()) +
                " <= " + w + " for VS " + vs.id());
            vs.sorryServer().ifPresent((s) -> log.accept((vs.sorryServerInhibit() ? "Disabling" : "Removing") +
                " sorry server [" + InetLiterals.ntop(s.address()) + "]:" + s.port() + " from VS " + vs.id()));
            run(vs.quorumUp());
        }
        else if (q.up && (w == 0 || w < vs.quorum() - vs.hysteresis()))
        {
            q.up = false;
            log.accept("Lost quorum " + vs.quorum() + "-" + vs.hysteresis() + "=" + (vs.quorum() - vs.hysteresis()) +
                " > " + w + " for VS " + vs.id());
            vs.sorryServer().ifPresent((s) -> log.accept((vs.sorryServerInhibit() ? "Enabling" : "Adding") +
                " sorry server [" + InetLiterals.ntop(s.address()) + "]:" + s.port() + " to VS " + vs.id()));
            run(vs.quorumDown());
        }
    }

    /** A notify or quorum script, its words as configured, not waited for (keepalived's fire and forget). */
    private void run(final List<String> command)
    {
        if (!live || command.isEmpty())
        {
            return;
        }
        Thread.ofVirtual().name("jlvs-notify").start(() ->
        {
            try
            {
                final Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                LOG.info("{}: exit {}", command, p.waitFor());
            }
            catch (final java.io.IOException ex)
            {
                LOG.error("{} could not run: {}", command, ex.getMessage());
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** The real server of {@code rs} in the virtual server {@code vs} came from, by address, then port. */
    private Real real(final VirtualService vs, final RealServer rs)
    {
        final KeepalivedServices s = services;
        final KeepalivedVirtualServer kvs = null == s ? null : s.origins().get(vs.id());
        if (null == kvs)
        {
            return null;
        }
        Real found = null;
        for (final KeepalivedRealServer krs : kvs.reals())
        {
            if (krs.address().equals(rs.address()))
            {
                final Real r = reals.get(realKey(kvs, krs));
                if (null == found || krs.port() == rs.port())
                {
                    found = r;
                }
            }
        }
        return found;
    }

    private Quorum quorum(final VirtualService vs)
    {
        final KeepalivedServices s = services;
        final KeepalivedVirtualServer kvs = null == s ? null : s.origins().get(vs.id());
        return null == kvs ? null : quorums.get(kvs.id());
    }

    @Override
    public synchronized boolean isUp(final VirtualService vs, final RealServer rs)
    {
        final Real r = real(vs, rs);
        return null != r && r.alive;
    }

    @Override
    public synchronized int weight(final VirtualService vs, final RealServer rs)
    {
        final Real r = real(vs, rs);
        if (null == r)
        {
            return TableCompiler.Health.ABSENT;
        }
        final Quorum q = quorum(vs);
        final boolean sorry = vs.fallback().isPresent() && null != q && !q.up;
        if (r.alive && !sorry)
        {
            return (int)r.weight;
        }
        return r.rs.inhibitOnFailure() ? 0 : TableCompiler.Health.ABSENT;
    }

    @Override
    public synchronized int fallbackWeight(final VirtualService vs)
    {
        final Quorum q = quorum(vs);
        if (vs.fallback().isEmpty() || null == q)
        {
            return TableCompiler.Health.ABSENT;
        }
        if (!q.up)
        {
            return 1;
        }
        final KeepalivedVirtualServer kvs = services.origins().get(vs.id());
        return kvs.sorryServerInhibit() ? 0 : TableCompiler.Health.ABSENT;
    }

    @Override
    public boolean allAnswered()
    {
        for (final Task t : snapshot())
        {
            if (0 == t.lastDoneMs)
            {
                return false;
            }
        }
        return true;
    }

    private synchronized List<Task> snapshot()
    {
        return List.copyOf(tasks.values());
    }

    @Override
    public List<HealthMonitor.CheckState> checks()
    {
        final List<HealthMonitor.CheckState> out = new ArrayList<>();
        for (final Task t : snapshot())
        {
            final String vs = t.realKey.substring(0, t.realKey.indexOf(" -> "));
            out.add(new HealthMonitor.CheckState(t.realKey.substring(t.realKey.indexOf(" -> ") + 4),
                t.check.toString(), List.of(vs), t.up, t.lastLatencyNs, t.runs, t.failed, 0));
        }
        return out;
    }

    @Override
    public String report()
    {
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-5s %-8s %10s %8s %6s %7s  %s%n",
            "State", "Last", "Latency", "Retries", "Checks", "Overrun", "Check [virtual server]"));
        final long nowMs = System.currentTimeMillis();
        for (final Task t : snapshot().stream().sorted(java.util.Comparator.comparing((Task x) -> x.key)).toList())
        {
            final String last = 0 == t.lastDoneMs ? "-" :
                (t.lastMessage.equals("ok") ? "pass " : "fail ") + ((nowMs - t.lastDoneMs) / 1000) + "s";
            sb.append(String.format(Locale.ROOT, "%-5s %-8s %8.1fms %8d %6d %7d  %s [%s]%n", t.up ? "up" : "down",
                last, t.lastLatencyNs / 1e6, t.retryIt, t.runs, 0, t.check,
                t.realKey.substring(0, t.realKey.indexOf(" -> "))));
            if (0 != t.lastDoneMs && !t.lastMessage.equals("ok"))
            {
                sb.append("      last failure: ").append(t.lastMessage).append('\n');
            }
        }
        return sb.toString();
    }

    /** keepalived's {@code omega}: on stop, the down notifiers of the virtual servers that ask for them. */
    private void omega()
    {
        final KeepalivedServices s = services;
        if (null == s)
        {
            return;
        }
        for (final KeepalivedVirtualServer vs : s.keepalived().virtualServers())
        {
            if (!vs.omega())
            {
                continue;
            }
            for (final KeepalivedRealServer rs : vs.reals())
            {
                final Real r = reals.get(realKey(vs, rs));
                if (null != r && r.alive)
                {
                    run(rs.notifyDown());
                }
            }
            final Quorum q = quorums.get(vs.id());
            if (null != q && q.up)
            {
                run(vs.quorumDown());
            }
        }
    }

    @Override
    public void close()
    {
        synchronized (this)
        {
            omega();
            for (final Task t : tasks.values())
            {
                t.cancelled = true;
                final Thread thread = t.thread;
                if (null != thread)
                {
                    thread.interrupt();
                }
            }
        }
        scheduler.shutdownNow();
    }
}
