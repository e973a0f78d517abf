package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The director as systemd runs it: {@code systemd-analyze verify} passes on config/systemd/jlvs@.service, and a
 * director given a notification socket, as systemd gives one with {@code Type=notify}, says READY=1 only once it
 * forwards, feeds the watchdog while its agents cycle, and says STOPPING=1 when it stops. PID 1 here is not
 * systemd: a small listener stands in for it (the appliance image runs the unit under systemd itself).
 */
class SystemdSystemTest
{
    private static final Path UNIT = Lab.ROOT.resolve("config/systemd/jlvs@.service");
    private static final Path NOTIFY = Path.of("/run/jlvs-lab/notify.sock");
    private static final Path RECEIVED = Path.of("/run/jlvs-lab/notify.log");
    /** Writes each datagram to the socket it binds on a line of its own, with the time it came, as it comes. */
    private static final String LISTENER = """
        import socket, sys, time
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(sys.argv[1])
        with open(sys.argv[2], "a") as out:
            while True:
                m = s.recv(4096).decode().replace("\\n", " ")
                out.write("%.3f %s\\n" % (time.time(), m))
                out.flush()
        """;

    private static Lab lab;
    private static Process listener;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        Capabilities.require(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze (systemd)");
        lab = Lab.up();
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != listener)
        {
            listener.destroyForcibly();
        }
        if (null != lab)
        {
            lab.close();
        }
        Files.deleteIfExists(NOTIFY);
        Files.deleteIfExists(RECEIVED);
    }

    @Test
    void shouldPassSystemdAnalyzeVerify() throws Exception
    {
        final Path dir = Files.createTempDirectory("jlvs-unit");
        final Path unit = dir.resolve("jlvs@lab.service");
        Files.writeString(unit, Files.readString(UNIT).replace("/opt/jlvs/bin/jlvs", Lab.JLVS.toString()));
        try
        {
            final Lab.Result r = Lab.run(Duration.ofSeconds(60), "systemd-analyze", "verify", "--man=no",
                unit.toString());
            final List<String> ours = r.out().lines().filter((l) -> !l.startsWith("/lib/systemd/")).toList();
            assertEquals(0, r.status(), r.out());
            assertEquals(List.of(), ours, "nothing to say about jlvs@.service");
        }
        finally
        {
            Files.deleteIfExists(unit);
            Files.deleteIfExists(dir);
        }
    }

    @Test
    void shouldSayReadyOnlyOnceItForwardsAndFeedTheWatchdog() throws Exception
    {
        Files.deleteIfExists(NOTIFY);
        Files.deleteIfExists(RECEIVED);
        listener = new ProcessBuilder("/usr/bin/python3", "-c", LISTENER, NOTIFY.toString(), RECEIVED.toString())
            .redirectErrorStream(true).start();
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.exists(NOTIFY) && System.nanoTime() < deadline)
        {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(NOTIFY), "the listener is bound");

        lab.startDirector(Lab.LAB.resolve("director.conf"), 1, Lab.NEXT_HOPS,
            Map.of("NOTIFY_SOCKET", NOTIFY.toString(), "WATCHDOG_USEC", "1000000"));
        final String ready = await("READY=1", 1);
        assertTrue(ready.contains("STATUS=forwarding on net_af_packet0,iface=dir0,qpairs=1 with 1 agent(s)"), ready);
        assertTrue(Lab.counter("fwd-0: Heartbeat: epoch milliseconds of the agent's last expiry step, once a " +
            "millisecond") > 0, "the agent cycles");
        final Lab.Result r = Lab.client(Duration.ofSeconds(60), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://" + Lab.VIP + "/", "6", "26000");
        assertTrue(r.out().contains("total rs1=3 rs2=2 rs3=1"), "it forwards: " + r.out());

        await("WATCHDOG=1", 3); // every half second, while the agent's heartbeat is fresh
        lab.stopDirector();
        await("STOPPING=1", 1);
        final List<String> lines = Files.readAllLines(RECEIVED);
        final int readyAt = indexOf(lines, "READY=1");
        final int firstWatchdog = indexOf(lines, "WATCHDOG=1");
        assertTrue(readyAt >= 0 && firstWatchdog > readyAt, "no watchdog before readiness: " + lines);
    }

    private static int indexOf(final List<String> lines, final String what)
    {
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).contains(what))
            {
                return i;
            }
        }
        return -1;
    }

    /** Waits until {@code count} notifications carrying {@code what} have come; returns the first one. */
    private static String await(final String what, final int count) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline)
        {
            final List<String> got = Files.exists(RECEIVED) ?
                Files.readAllLines(RECEIVED).stream().filter((l) -> l.contains(what)).toList() : List.of();
            if (got.size() >= count)
            {
                return got.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError(count + " x " + what + " never came: " +
            (Files.exists(RECEIVED) ? Files.readString(RECEIVED) : "nothing"));
    }
}
