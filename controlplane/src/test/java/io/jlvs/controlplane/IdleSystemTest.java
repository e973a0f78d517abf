package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code idle-sleep-max}: a quiet director's forwarding agent backs off from spinning and gives its core back, and
 * the next connection still goes through. The CPU the agent's thread takes over two quiet seconds is what is checked
 * (a spinning agent takes the whole core); the time of a request after a quiet spell, against the spinning agent's,
 * is printed, not asserted.
 */
class IdleSystemTest
{
    private static Lab lab;
    private static Path spinning;
    private static Path backingOff;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        spinning = Lab.settingsWith(Map.of());
        backingOff = Lab.settingsWith(Map.of("idle-sleep-max", "1000"));
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        Lab.tearDown(lab, spinning, backingOff);
    }

    /**
     * Nanoseconds the thread named {@code name} of process {@code pid} has been on a CPU or waiting for one (schedstat's
     * first two fields): the time it wanted a core, which a busy machine does not shrink as it shrinks the time run.
     */
    private static long wantedNs(final long pid, final String name) throws Exception
    {
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task")))
        {
            for (final Path task : tasks.toList())
            {
                if (Files.readString(task.resolve("comm")).strip().equals(name))
                {
                    final String[] f = Files.readString(task.resolve("schedstat")).strip().split(" ");
                    return Long.parseLong(f[0]) + Long.parseLong(f[1]);
                }
            }
        }
        throw new AssertionError("no thread " + name + " in process " + pid);
    }

    /** The share of two quiet seconds the agent's thread wanted a CPU, and ten requests' times after 300 ms. */
    private static double[] measure(final Path settings, final int firstPort) throws Exception
    {
        lab.startDirector(settings, 1);
        try
        {
            Thread.sleep(1000);
            final long before = wantedNs(lab.directorPid(), "fwd-0");
            final long start = System.nanoTime();
            Thread.sleep(2000);
            final double cpu = (double)(wantedNs(lab.directorPid(), "fwd-0") - before) / (System.nanoTime() - start);
            final Lab.Result r = Lab.client(Duration.ofSeconds(60), "/usr/bin/python3",
                Lab.LAB.resolve("client.py").toString(), "latency", "http://198.18.0.10/", "10", "300",
                Integer.toString(firstPort));
            assertEquals(0, r.status(), r.out());
            final List<Double> ms = new ArrayList<>();
            r.out().lines().filter((l) -> l.startsWith("latency ")).forEach((l) -> ms.add(Double.parseDouble(l.split(" ")[1])));
            assertEquals(10, ms.size(), r.out());
            ms.sort(Double::compare);
            return new double[] {cpu, ms.get(4), ms.get(9)};
        }
        finally
        {
            lab.stopDirector();
        }
    }

    @Test
    void shouldGiveTheCoreBackWhenQuietAndForwardTheNextConnection() throws Exception
    {
        final double[] spin = measure(spinning, 38000);
        final double[] backoff = measure(backingOff, 38100);
        System.out.printf("idle: fwd-0 wanted a CPU %.0f %% of 2 quiet s spinning, %.0f %% with idle-sleep-max 1000;" +
            " a request after 300 ms of quiet: median %.2f / max %.2f ms spinning, %.2f / %.2f ms backing off%n",
            100 * spin[0], 100 * backoff[0], spin[1], spin[2], backoff[1], backoff[2]);
        assertTrue(spin[0] > 0.8, "a spinning agent takes its core: " + spin[0]);
        assertTrue(backoff[0] < 0.3, "a quiet agent with idle-sleep-max gives it back: " + backoff[0]);
    }
}
