package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ldirectord's checks in the lab, through the director's own host path: the DR web service checked by HTTP
 * (receive "rs[0-9]") every second. A real server whose program stops is quiesced (weight 0) and new connections
 * avoid it; started again it gets its share back; with {@code autoreload = yes} a changed file is applied and a
 * broken one changes nothing; with none up the fallback (nat1, by NAT) answers; a service with
 * {@code checktype = off} goes to the fallback only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthCheckSystemTest
{
    private static final String TEMPLATE = """
        checktimeout=3
        checkinterval=1
        failurecount=1
        quiescent=yes
        autoreload=yes
        fallback=198.18.1.11:8080 masq
        fallbackcommand=FALLBACKCOMMAND

        virtual=198.18.0.10:80
        \treal=198.18.0.11:80 gate 3
        \treal=198.18.0.12:80 gate 2
        \treal=198.18.0.13:80 gate 1
        \tscheduler=wrr
        \tprotocol=tcp
        \tchecktype=negotiate
        \tservice=http
        \trequest="/"
        \treceive="rs[0-9]"

        virtual=198.18.0.40:80
        \treal=198.18.0.11:80 gate
        \treal=198.18.0.12:80 gate
        \treal=198.18.0.13:80 gate
        \tscheduler=rr
        \tprotocol=tcp
        \tchecktype=negotiate
        \tservice=http
        \trequest="/health"
        \treceive="ok"

        virtual=198.18.0.50:80
        \treal=198.18.0.11:80 gate
        \tscheduler=rr
        \tprotocol=tcp
        \tchecktype=off
        """;
    private static Lab lab;
    private static String configText;
    private static Path fallbackScript;
    private static Path fallbackLog;
    private static Path cf;
    private static Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        fallbackLog = Files.createTempFile("jlvs-fallback", ".log");
        fallbackScript = Files.createTempFile("jlvs-fallback", ".sh");
        Files.writeString(fallbackScript, "#!/bin/sh\necho \"$@\" >> " + fallbackLog + "\n");
        fallbackScript.toFile().setExecutable(true);
        configText = TEMPLATE.replace("FALLBACKCOMMAND", fallbackScript.toString());
        cf = Files.createTempFile("jlvs-health", ".cf");
        Files.writeString(cf, configText);
        settings = Lab.settingsWith(Map.of("ldirectord-config", cf.toString()));
        lab.startDirector(settings, 1);
        awaitService("198.18.0.10:80", "  -> 198.18.0.12:80               Route   2      ");
        awaitService("198.18.0.10:80", "  -> 198.18.0.13:80               Route   1      ");
        awaitService("198.18.0.10:80", "  -> 198.18.0.11:80               Route   3      ");
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
        for (final Path p : new Path[] {cf, settings, fallbackScript, fallbackLog})
        {
            if (null != p)
            {
                Files.deleteIfExists(p);
            }
        }
    }

    private static String listing() throws Exception
    {
        return Lab.jlvs("ipvsadm", "-L", "-n").out();
    }

    private static void stop(final String server) throws Exception
    {
        Lab.stopServer(server);
    }

    private static void start(final String server) throws Exception
    {
        Lab.startServer(server);
    }

    @Test
    @Order(1)
    void shouldBalanceByTheWeightsWhileEveryCheckPasses() throws Exception
    {
        assertTrue(Lab.requests("198.18.0.10", 30, 33000).contains("total rs1=15 rs2=10 rs3=5"));
        final Lab.Result health = Lab.jlvs("health", "-i", Lab.INSTANCE);
        assertEquals(0, health.status(), health.out());
        for (final String rs : new String[] {"198.18.0.11", "198.18.0.12", "198.18.0.13"})
        {
            assertTrue(health.out().lines().anyMatch((l) -> l.startsWith("up    pass ") &&
                l.endsWith("GET http://" + rs + ":80/ [tcp:198.18.0.10:80]")), "jlvs health:\n" + health.out());
        }
    }

    @Test
    @Order(2)
    void shouldQuiesceARealServerWhoseProgramStoppedAndBringItBack() throws Exception
    {
        stop("rs2");
        awaitService("198.18.0.10:80", "  -> 198.18.0.12:80               Route   0      ");
        final String avoided = Lab.requests("198.18.0.10", 20, 33100);
        assertFalse(avoided.contains("rs2"), "new connections avoid it:\n" + avoided);

        start("rs2");
        awaitService("198.18.0.10:80", "  -> 198.18.0.12:80               Route   2      ");
        assertTrue(Lab.requests("198.18.0.10", 30, 33200).contains("rs2="), "its share back");
    }

    private static void awaitService(final String vipPort, final String line) throws Exception
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (Lab.service(vipPort).contains(line))
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 20 s: '" + line + "' in\n" + Lab.service(vipPort) + lab.directorLog());
    }

    @Test
    @Order(3)
    void shouldLetEstablishedConnectionsOfAQuiescedRealServerFinish() throws Exception
    {
        final Path[] down = {Path.of("/run/jlvs-lab/rs1.down"), Path.of("/run/jlvs-lab/rs2.down"),
            Path.of("/run/jlvs-lab/rs3.down")};
        try
        {
            // only rs2 passes its check: a new connection can only go there
            Files.writeString(down[0], "");
            Files.writeString(down[2], "");
            awaitService("198.18.0.40:80", "  -> 198.18.0.11:80               Route   0      ");
            awaitService("198.18.0.40:80", "  -> 198.18.0.13:80               Route   0      ");
            final java.util.concurrent.CompletableFuture<Lab.Result> transfer =
                java.util.concurrent.CompletableFuture.supplyAsync(() ->
                {
                    try
                    {
                        // 6 MB at 500 kB/s: about twelve seconds, which outlive the quiescing on a loaded box
                        return Lab.client(Duration.ofSeconds(60), "/usr/bin/python3",
                            Lab.LAB.resolve("client.py").toString(), "transfer", "http://198.18.0.40/", "6000000",
                            "500000");
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                });
            // rs2 the only one up: the transfer's connection is to it
            Lab.awaitMs(() -> Lab.holdsTransfer(Lab.INSTANCE, "198.18.0.40"), 10_000, "the transfer's connection");
            Files.writeString(down[1], "");
            awaitService("198.18.0.40:80", "  -> 198.18.0.12:80               Route   0      ");
            assertFalse(transfer.isDone(), "the transfer was still under way when its real server was quiesced: " +
                (transfer.isDone() ? transfer.join().out() : ""));
            final Lab.Result r = transfer.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(0, r.status(), r.out());
            assertTrue(r.out().contains("transfer rs2 6000000 ok"), "the established connection finished: " + r.out());
            // and with none up, new ones go to the fallback
            assertTrue(Lab.requests("198.18.0.40", 2, 33500).contains("total nat1=2"));
        }
        finally
        {
            for (final Path p : down)
            {
                Files.deleteIfExists(p);
            }
        }
        awaitService("198.18.0.40:80", "  -> 198.18.0.12:80               Route   1      ");
    }

    @Test
    @Order(4)
    void shouldApplyAChangedFileWithAutoreloadAndKeepRunningOnABrokenOne() throws Exception
    {
        Files.writeString(cf, configText.replace("real=198.18.0.13:80 gate 1", "real=198.18.0.13:80 gate 4"));
        awaitService("198.18.0.10:80", "  -> 198.18.0.13:80               Route   4      ");
        assertTrue(Lab.service("198.18.0.10:80").contains("  -> 198.18.0.11:80               Route   3      "),
            "the others as they were");

        Files.writeString(cf, configText.replace("scheduler=wrr", "scheduler=wrr\n\treal=198.18.0.300:80 gate 1"));
        Thread.sleep(2_500);
        assertTrue(Lab.service("198.18.0.10:80").contains("  -> 198.18.0.13:80               Route   4      "),
            "a file with an error changes nothing");
        assertTrue(lab.directorAlive());
        assertTrue(lab.directorLog().contains("autoreload"), lab.directorLog());
        Files.writeString(cf, configText);
        awaitService("198.18.0.10:80", "  -> 198.18.0.13:80               Route   1      ");
    }

    @Test
    @Order(5)
    void shouldSendToTheFallbackWhenNoRealServerIsUp() throws Exception
    {
        for (final String s : new String[] {"rs1", "rs2", "rs3"})
        {
            stop(s);
        }
        awaitService("198.18.0.10:80", "  -> 198.18.1.11:8080             Masq    1      ");
        assertTrue(Lab.requests("198.18.0.10", 3, 33300).contains("total nat1=3"), "the fallback answers");

        // fallbackcommand, as ldirectord calls it: start when the fallback took over, stop when it left
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.readString(fallbackLog).contains("start 198.18.0.10:80 tcp") && System.nanoTime() < deadline)
        {
            Thread.sleep(100);
        }
        final List<String> calls = Files.readAllLines(fallbackLog);
        assertTrue(calls.contains("start 198.18.0.50:80 tcp"), "checktype = off from the start: " + calls);
        assertTrue(calls.contains("start 198.18.0.40:80 tcp") && calls.contains("stop 198.18.0.40:80 tcp"), "" + calls);
        assertTrue(calls.contains("start 198.18.0.10:80 tcp"), "" + calls);
    }

    @Test
    @Order(6)
    void shouldSendEverythingToTheFallbackWithChecktypeOff() throws Exception
    {
        final String out = listing();
        assertTrue(out.contains("TCP  198.18.0.50:80 rr"), out);
        assertTrue(Lab.requests("198.18.0.50", 3, 33400).contains("total nat1=3"), "checktype = off: the fallback only");
    }
}
