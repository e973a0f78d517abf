package io.jlvs.controlplane.health;

import com.sun.net.httpserver.HttpServer;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.Resolver;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checker against real servers on loopback: a connect check and an HTTP negotiate check with a receive
 * pattern; up after the first pass, down after failurecount failures, up again; on and off as ldirectord has them.
 */
class HealthMonitorTest
{
    private static final Path FILE = Path.of("ldirectord.cf");

    private static LdirectordConfig parse(final String text) throws Exception
    {
        return LdirectordConfigParser.parse(FILE, List.of(text.split("\n")), Resolver.system());
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within 15 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static HttpServer http(final int port, final String body) throws Exception
    {
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", (exchange) ->
        {
            final byte[] b = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, b.length);
            exchange.getResponseBody().write(b);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static int freePort() throws Exception
    {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            return s.getLocalPort();
        }
    }

    @Test
    void shouldTakeARealServerDownAfterFailurecountFailuresAndBackUp() throws Exception
    {
        final int port = freePort();
        final LdirectordConfig config = parse("""
            checkinterval=1
            checktimeout=1
            failurecount=2
            virtual=127.0.0.10:80
            \treal=127.0.0.1:%d masq
            \tchecktype=negotiate
            \tservice=http
            \treceive="^all is (well|fine)$"
            """.formatted(port));
        final AtomicInteger changes = new AtomicInteger();
        final List<String> ldLog = new java.util.concurrent.CopyOnWriteArrayList<>();
        HttpServer server = http(port, "all is well");
        try (HealthMonitor monitor = new HealthMonitor(changes::incrementAndGet, ldLog::add))
        {
            final var vs = config.virtualServices().getFirst();
            final var rs = vs.reals().getFirst();
            assertFalse(monitor.isUp(vs, rs), "down until a check has passed");
            monitor.configure(config);
            await(() -> monitor.isUp(vs, rs), "up");
            await(() -> changes.get() == 1, "told once"); // the state is set, then the director told
            final String report = monitor.report();
            assertTrue(report.lines().anyMatch((l) -> l.startsWith("up    pass ") &&
                l.endsWith("GET http://127.0.0.1:" + port + "/ [tcp:127.0.0.10:80]")), report);

            final long stopped = System.nanoTime(); // before: a check may fail while stop() runs
            server.stop(0);
            await(() -> !monitor.isUp(vs, rs), "down");
            assertTrue(System.nanoTime() - stopped >= 900_000_000L, "not before the second failure, a second later");
            await(() -> changes.get() == 2, "told of the change");
            assertEquals(List.of("Soft failure real server: 127.0.0.1:" + port + " (tcp:127.0.0.10:80) failure 1/2"),
                ldLog, "the first failure, as ldirectord logs it");

            server = http(port, "all is not well");
            Thread.sleep(2_500);
            assertFalse(monitor.isUp(vs, rs), "the answer does not match receive");
            server.stop(0);
            server = http(port, "all is fine");
            await(() -> monitor.isUp(vs, rs), "up again");
            await(() -> changes.get() == 3, "told of the change");
        }
        finally
        {
            server.stop(0);
        }
    }

    @Test
    void shouldWriteLdirectordsMonitorfileAndTellWhyACheckFailed(@org.junit.jupiter.api.io.TempDir final Path dir)
        throws Exception
    {
        final int closed = freePort();
        final Path monitor = dir.resolve("web.monitor");
        final LdirectordConfig config = parse("""
            checkinterval=1
            checktimeout=1
            virtual=127.0.0.10:82
            \treal=127.0.0.1:%d masq 4
            \tchecktype=connect
            \tmonitorfile="%s"
            """.formatted(closed, monitor));
        try (HealthMonitor monitorOf = new HealthMonitor(() -> { }))
        {
            monitorOf.configure(config);
            await(() -> java.nio.file.Files.exists(monitor) && lines(monitor).size() >= 2, "two lines");
            final String line = lines(monitor).getFirst();
            assertTrue(line.matches("\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] \\[" +
                ProcessHandle.current().pid() + "\\] connect tcp 127\\.0\\.0\\.1 " + closed +
                " 4 masq / \\[down\\] ConnectException: Connection refused"), line);
            final String report = monitorOf.report();
            assertTrue(report.contains("\n      last failure: ConnectException: Connection refused\n"), report);
        }
    }

    private static List<String> lines(final Path file)
    {
        try
        {
            return java.nio.file.Files.readAllLines(file);
        }
        catch (final java.io.IOException ex)
        {
            return List.of();
        }
    }

    @Test
    void shouldConnectCheckAndTakeOnAndOffAsLdirectordDoes() throws Exception
    {
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final int closed = freePort();
            final LdirectordConfig config = parse("""
                checkinterval=1
                checktimeout=1
                virtual=127.0.0.10:81
                \treal=127.0.0.1:%d masq
                \treal=127.0.0.1:%d masq
                \tchecktype=connect
                virtual=127.0.0.10:82
                \treal=127.0.0.2:82 gate
                \tchecktype=on
                virtual=127.0.0.10:83
                \treal=127.0.0.3:83 gate
                \tchecktype=off
                """.formatted(listening.getLocalPort(), closed));
            try (HealthMonitor monitor = new HealthMonitor(() -> { }))
            {
                monitor.configure(config);
                final var connect = config.virtualServices().get(0);
                await(() -> monitor.isUp(connect, connect.reals().get(0)), "the listening one up");
                Thread.sleep(1_500);
                assertFalse(monitor.isUp(connect, connect.reals().get(1)), "the closed port down");
                final var on = config.virtualServices().get(1);
                assertTrue(monitor.isUp(on, on.reals().getFirst()), "checktype = on: always up");
                final var off = config.virtualServices().get(2);
                assertFalse(monitor.isUp(off, off.reals().getFirst()), "checktype = off: never");
            }
        }
    }

    @Test
    void shouldRunTheOperatorsCheckcommandWithLdirectordsArguments() throws Exception
    {
        final Path dir = java.nio.file.Files.createTempDirectory("jlvs-external");
        final Path marker = dir.resolve("up");
        final Path args = dir.resolve("args");
        final Path script = dir.resolve("check.sh");
        java.nio.file.Files.writeString(script, "#!/bin/sh\necho \"$@\" > " + args + "\ntest -e " + marker + "\n");
        script.toFile().setExecutable(true);
        final Path slow = dir.resolve("slow.sh");
        java.nio.file.Files.writeString(slow, "#!/bin/sh\nsleep 30\n");
        slow.toFile().setExecutable(true);
        try
        {
            final LdirectordConfig config = parse("""
                checkinterval=1
                checktimeout=1
                virtual=127.0.0.10:84
                \treal=127.0.0.4:84 gate
                \tchecktype=external
                \tcheckcommand="%s"
                virtual=127.0.0.10:85
                \treal=127.0.0.5:85 gate
                \tchecktype=external
                \tcheckcommand=%s
                """.formatted(script, slow));
            try (HealthMonitor monitor = new HealthMonitor(() -> { }))
            {
                monitor.configure(config);
                final var vs = config.virtualServices().get(0);
                await(() -> java.nio.file.Files.exists(args), "the command ran");
                Thread.sleep(300);
                assertFalse(monitor.isUp(vs, vs.reals().getFirst()), "exit 1: down");
                assertEquals("127.0.0.10 84 127.0.0.4 84", java.nio.file.Files.readString(args).strip());
                java.nio.file.Files.createFile(marker);
                await(() -> monitor.isUp(vs, vs.reals().getFirst()), "exit 0: up");
                final var hung = config.virtualServices().get(1);
                Thread.sleep(2_500);
                assertFalse(monitor.isUp(hung, hung.reals().getFirst()), "killed at the timeout: down");
            }
        }
        finally
        {
            for (final Path p : new Path[] {marker, args, script, slow, dir})
            {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void shouldRefuseACheckcommandThatIsNotAnExecutableFile()
    {
        final io.jlvs.controlplane.config.ConfigException ex = org.junit.jupiter.api.Assertions.assertThrows(
            io.jlvs.controlplane.config.ConfigException.class, () -> parse("""
                virtual=127.0.0.10:84
                \treal=127.0.0.4:84 gate
                \tchecktype=external
                \tcheckcommand=/nonexistent/check
                """));
        assertEquals(List.of("ldirectord.cf:4: checkcommand /nonexistent/check is not an executable file (an absolute " +
            "path)"), ex.errors().stream().map((d) -> d.toString()).toList());
    }

    @Test
    void shouldTakeARealServerDownWhileItsFileIsInTheMaintenanceDirectory() throws Exception
    {
        final Path dir = java.nio.file.Files.createTempDirectory("jlvs-maintenance");
        final Path file = dir.resolve("127.0.0.6:86");
        try
        {
            final LdirectordConfig config = parse("""
                maintenancedir=%s
                virtual=127.0.0.10:86
                \treal=127.0.0.6:86 gate
                \treal=127.0.0.7:86 gate
                \tchecktype=on
                """.formatted(dir));
            final AtomicInteger changes = new AtomicInteger();
            try (HealthMonitor monitor = new HealthMonitor(changes::incrementAndGet))
            {
                monitor.configure(config);
                final var vs = config.virtualServices().getFirst();
                assertTrue(monitor.isUp(vs, vs.reals().get(0)));
                java.nio.file.Files.createFile(file);
                await(() -> !monitor.isUp(vs, vs.reals().get(0)), "down while its file is there");
                await(() -> changes.get() == 1, "the director told");
                assertTrue(monitor.isUp(vs, vs.reals().get(1)), "the other untouched");
                java.nio.file.Files.delete(file);
                await(() -> monitor.isUp(vs, vs.reals().get(0)), "up again without it");
            }
        }
        finally
        {
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.deleteIfExists(dir);
        }
    }

    @Test
    void shouldNegotiateSimpleTcpAndTakeServiceNoneAsUp() throws Exception
    {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress()))
        {
            final Thread answering = new Thread(() ->
            {
                while (!server.isClosed())
                {
                    try (java.net.Socket s = server.accept())
                    {
                        final byte[] b = new byte[64];
                        final int n = s.getInputStream().read(b);
                        final String asked = n > 0 ? new String(b, 0, n, StandardCharsets.UTF_8) : "";
                        s.getOutputStream().write((asked.startsWith("PING") ? "+PONG\r\n" : "-ERR\r\n")
                            .getBytes(StandardCharsets.UTF_8));
                    }
                    catch (final java.io.IOException ex)
                    {
                        // closed
                    }
                }
            });
            answering.setDaemon(true);
            answering.start();
            final LdirectordConfig config = parse("""
                checkinterval=1
                checktimeout=1
                virtual=127.0.0.10:87
                \treal=127.0.0.1:%1$d masq
                \tchecktype=negotiate
                \tservice=simpletcp
                \trequest="PING"
                \treceive="PONG"
                virtual=127.0.0.10:88
                \treal=127.0.0.1:%1$d masq
                \tchecktype=negotiate
                \tservice=simpletcp
                \trequest="HELLO"
                \treceive="PONG"
                virtual=127.0.0.10:89
                \treal=127.0.0.9:89 gate
                \tchecktype=negotiate
                \tservice=none
                """.formatted(server.getLocalPort()));
            try (HealthMonitor monitor = new HealthMonitor(() -> { }))
            {
                monitor.configure(config);
                final var pong = config.virtualServices().get(0);
                await(() -> monitor.isUp(pong, pong.reals().getFirst()), "the answer matches");
                final var none = config.virtualServices().get(2);
                await(() -> monitor.isUp(none, none.reals().getFirst()), "service = none: up");
                final var err = config.virtualServices().get(1);
                Thread.sleep(1_500);
                assertFalse(monitor.isUp(err, err.reals().getFirst()), "-ERR does not match");
            }
        }
    }
}
