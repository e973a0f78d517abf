package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.TableCompiler;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.VirtualService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keepalived's runtime rules on real sockets and scripts: retry, alpha, inhibit_on_failure, dynamic weights, quorum. */
class KeepalivedHealthTest
{
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final AtomicInteger changes = new AtomicInteger();
    private final KeepalivedHealth health = new KeepalivedHealth(changes::incrementAndGet, log::add);
    private ServerSocket server;

    @AfterEach
    void close() throws IOException
    {
        health.close();
        if (null != server)
        {
            server.close();
        }
    }

    private int listen() throws IOException
    {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofVirtual().start(() ->
        {
            while (!server.isClosed())
            {
                try
                {
                    server.accept().close();
                }
                catch (final IOException ex)
                {
                    return;
                }
            }
        });
        return server.getLocalPort();
    }

    private static KeepalivedServices services(final String... lines) throws Exception
    {
        return KeepalivedServices.of(KeepalivedConfigParser.parse(Path.of("k.conf"), List.of(lines), "h"));
    }

    private static void await(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "within 10 s: " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void shouldStartAliveTakeAFailedRealServerOutAndBringItBack() throws Exception
    {
        final int port = listen();
        final KeepalivedServices s = services(
            "virtual_server 192.0.2.1 80 {",
            "  delay_loop 0.2",
            "  lb_algo rr",
            "  lb_kind NAT",
            "  protocol TCP",
            "  sorry_server 192.0.2.99 80",
            "  real_server 127.0.0.1 " + port + " {",
            "    weight 3",
            "    TCP_CHECK {",
            "      connect_timeout 0.5",
            "      retry 2",
            "      delay_before_retry 0.1",
            "      warmup 0",
            "    }",
            "  }",
            "}");
        health.configure(s);
        final VirtualService vs = s.config().virtualServices().getFirst();
        final RealServer rs = vs.reals().getFirst();
        assertEquals(3, health.weight(vs, rs), "without alpha a real server starts alive");
        assertEquals(TableCompiler.Health.ABSENT, health.fallbackWeight(vs));
        await(health::allAnswered, "the first check");
        assertEquals(3, health.weight(vs, rs));
        server.close();
        await(() -> health.weight(vs, rs) == TableCompiler.Health.ABSENT, "the real server leaves");
        assertEquals(1, health.fallbackWeight(vs), "the sorry server has the traffic while the quorum is lost");
        assertTrue(log.stream().anyMatch((l) -> l.startsWith("Removing service [127.0.0.1]:tcp:" + port +
            " from VS [192.0.2.1]:tcp:80")), log.toString());
        assertTrue(log.contains("Lost quorum 1-0=1 > 0 for VS [192.0.2.1]:tcp:80"), log.toString());
        server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        await(() -> health.weight(vs, rs) == 3, "the real server is back");
        assertEquals(TableCompiler.Health.ABSENT, health.fallbackWeight(vs));
        // the checker asks for the new table after it has changed the state it is read from, not before
        await(() -> changes.get() >= 2, "the director asked for a new table at each change");
    }

    @Test
    void shouldConnectTcpCheckFromItsBindtoAddressAndPort() throws Exception
    {
        server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        final int sourcePort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.2")))
        {
            sourcePort = free.getLocalPort();
        }
        final KeepalivedServices s = services(
            "virtual_server 192.0.2.1 80 {",
            "  lb_kind NAT",
            "  real_server 127.0.0.1 " + server.getLocalPort() + " {",
            "    TCP_CHECK {",
            "      bindto 127.0.0.2",
            "      bind_port " + sourcePort,
            "      connect_timeout 2",
            "    }",
            "  }",
            "}");
        final Checker checker = s.keepalived().virtualServers().getFirst().reals().getFirst().checker("TCP_CHECK")
            .orElseThrow();
        final var check = CheckerChecks.of(checker, InetAddress.getLoopbackAddress(), 1);
        assertEquals("TCP_CHECK 127.0.0.1:" + server.getLocalPort(), check.toString());
        final var accepted = Thread.ofVirtual().start(() ->
        {
            try (var peer = server.accept())
            {
                log.add(peer.getInetAddress().getHostAddress() + ":" + peer.getPort());
            }
            catch (final IOException ex)
            {
                log.add(ex.toString());
            }
        });
        assertTrue(check.run());
        accepted.join(10_000);
        assertEquals(List.of("127.0.0.2:" + sourcePort), log);
        server.close();
        assertTrue(!check.run(), "nothing listens: the check fails");
    }

    @Test
    void shouldKeepAnInhibitedRealServerAtWeightZeroAndWaitForAlpha() throws Exception
    {
        final KeepalivedServices s = services(
            "virtual_server 192.0.2.1 80 {",
            "  delay_loop 0.2",
            "  lb_algo rr",
            "  lb_kind DR",
            "  protocol TCP",
            "  alpha",
            "  real_server 127.0.0.1 80 {",
            "    inhibit_on_failure",
            "    MISC_CHECK {",
            "      misc_path \"/bin/sh -c 'exit 1'\"",
            "      warmup 0",
            "    }",
            "  }",
            "  real_server 127.0.0.2 80 {",
            "    weight 2",
            "    MISC_CHECK {",
            "      misc_path \"/bin/sh -c 'exit 9'\"",
            "      misc_dynamic",
            "      warmup 0",
            "    }",
            "  }",
            "}");
        health.configure(s);
        final VirtualService vs = s.config().virtualServices().getFirst();
        assertEquals(0, health.weight(vs, vs.reals().get(0)), "alpha: down until checked; inhibited: weight 0");
        assertEquals(TableCompiler.Health.ABSENT, health.weight(vs, vs.reals().get(1)), "alpha: down until checked");
        await(() -> health.weight(vs, vs.reals().get(1)) == 7, "misc_dynamic: exit 9 is weight 7");
        await(health::allAnswered, "every check");
        assertEquals(0, health.weight(vs, vs.reals().get(0)), "exit 1 fails");
    }

    @Test
    void shouldHoldTheQuorumWithinItsHysteresis() throws Exception
    {
        final KeepalivedServices s = services(
            "virtual_server 192.0.2.1 80 {",
            "  lb_algo rr",
            "  lb_kind NAT",
            "  protocol TCP",
            "  quorum 3",
            "  hysteresis 1",
            "  sorry_server 192.0.2.99 80",
            "  sorry_server_inhibit",
            "  real_server 127.0.0.1 80 {",
            "    weight 2",
            "  }",
            "  real_server 127.0.0.2 80 {",
            "    weight 1",
            "  }",
            "}");
        health.configure(s);
        final VirtualService vs = s.config().virtualServices().getFirst();
        assertEquals(1, health.fallbackWeight(vs), "3 alive is short of quorum 3 + hysteresis 1: lost from the start");
        assertEquals(TableCompiler.Health.ABSENT, health.weight(vs, vs.reals().get(0)),
            "while the sorry server serves, the real servers are out");
        assertTrue(log.contains("Starting with quorum down for VS [192.0.2.1]:tcp:80"), log.toString());
    }
}
