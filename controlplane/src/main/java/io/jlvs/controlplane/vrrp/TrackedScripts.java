package io.jlvs.controlplane.vrrp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The instance's {@code track_script}s, run as keepalived runs them: each every {@code interval}, killed past its
 * {@code timeout}, exit 0 a pass; its state turns after {@code rise} passes or {@code fall} failures in a row. What
 * they make of the priority, and whether one of weight 0 holds the instance in FAULT, is read by the VRRP thread
 * ({@link #delta}, {@link #fault}), which alone drives the instance.
 */
final class TrackedScripts implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(TrackedScripts.class);

    private final String instance;
    private final List<State> states;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor((r) ->
    {
        final Thread t = new Thread(r, "vrrp-scripts");
        t.setDaemon(true);
        return t;
    });

    /** One script's state: written by its runs, one at a time; read by the VRRP thread. */
    private static final class State
    {
        final VrrpScript script;
        volatile boolean passing;
        int passes;
        int failures;

        State(final VrrpScript script)
        {
            this.script = script;
            this.passing = !script.initFail();
        }
    }

    TrackedScripts(final String instance, final List<VrrpScript> scripts)
    {
        this.instance = instance;
        this.states = scripts.stream().map(State::new).toList();
    }

    void start()
    {
        for (final State s : states)
        {
            scheduler.scheduleWithFixedDelay(() -> Thread.ofVirtual().name("vrrp-script").start(() -> run(s)), 0,
                s.script.intervalMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void run(final State s)
    {
        final boolean passed = passes(s.script);
        synchronized (s)
        {
            if (passed)
            {
                s.failures = 0;
                if (!s.passing && ++s.passes >= s.script.rise())
                {
                    s.passing = true;
                    LOG.info("VRRP_Script({}) succeeded", s.script.name());
                }
            }
            else
            {
                s.passes = 0;
                if (s.passing && ++s.failures >= s.script.fall())
                {
                    s.passing = false;
                    LOG.info("VRRP_Script({}) failed", s.script.name());
                }
            }
        }
    }

    private static boolean passes(final VrrpScript script)
    {
        try
        {
            final Process p = new ProcessBuilder(script.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(script.timeoutMs(), TimeUnit.MILLISECONDS))
            {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        }
        catch (final IOException ex)
        {
            LOG.warn("VRRP_Script({}) could not run: {}", script.name(), ex.getMessage());
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What the scripts add to the configured priority now. */
    int delta()
    {
        int d = 0;
        for (final State s : states)
        {
            d += s.script.priorityDelta(s.passing);
        }
        return d;
    }

    /** Whether a script of weight 0 fails. */
    boolean fault()
    {
        for (final State s : states)
        {
            if (s.script.faults(s.passing))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close()
    {
        scheduler.shutdownNow();
    }

    @Override
    public String toString()
    {
        return instance + " " + states.stream().map((s) -> s.script.name() + (s.passing ? " ok" : " failed")).toList();
    }
}
