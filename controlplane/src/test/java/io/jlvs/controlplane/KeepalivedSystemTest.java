package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab run from one keepalived.conf (config/lab/keepalived-jlvs.conf), as a keepalived pair would run it: the DR
 * web farm checked by HTTP_GET, the same servers by TCP_CHECK with inhibit_on_failure, and the pair's VRRP instance.
 * A real server whose /health fails leaves the HTTP_GET service only; one whose program stops leaves the one and is
 * held at weight 0 in the other; both come back. {@code jlvs reload} takes a changed file and refuses a broken one
 * with its file and line. Two directors elect each other from the same file ({@code @lab}, {@code @lab2}), a
 * {@code track_script} moves the master's priority below the backup's and back, and the backup takes over the killed
 * master's connections; Debian's keepalived ({@code @ka}, VRRP only) is their peer.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeepalivedSystemTest
{
    private static final Path CONF = Lab.LAB.resolve("keepalived-jlvs.conf");
    private static final Path KA_LOG = Path.of("/run/jlvs-lab/keepalived-jlvs.log");
    private static final Path KEY = Lab.SYNC_KEY;
    private static Lab lab;
    private static Path conf;
    private Process keepalived;

    @BeforeAll
    static void up() throws Exception
    {
        Capabilities.requireLab();
        Capabilities.require(Files.isExecutable(Path.of("/usr/sbin/keepalived")), "keepalived (Debian's package)");
        lab = Lab.up();
        Lab.writeSyncKey();
        conf = Files.createTempFile("keepalived-jlvs", ".conf");
        Files.writeString(conf, Files.readString(CONF));
    }

    @AfterAll
    static void down() throws Exception
    {
        Lab.tearDown(lab, conf, KEY);
    }

    @AfterEach
    void stopAll() throws Exception
    {
        if (null != keepalived)
        {
            keepalived.destroy();
            keepalived.waitFor(10, TimeUnit.SECONDS);
            keepalived = null;
        }
        lab.stopDirector();
        lab.stopDirector2();
        for (final String rs : new String[] {"rs1", "rs2", "rs3"})
        {
            Files.deleteIfExists(Path.of("/run/jlvs-lab/" + rs + ".down"));
        }
    }

    private static Path settings(final String base, final String configId, final Map<String, String> more)
        throws Exception
    {
        final Map<String, String> s = new HashMap<>(Map.of("keepalived-config", conf.toString(), "config-id", configId));
        s.putAll(more);
        return Lab.settingsWith(base, s);
    }

    private static Map<String, String> syncWith(final String peer)
    {
        return Map.of("sync-daemon", "vrrp", "sync-peers", peer, "sync-key", KEY.toString());
    }

    private static void awaitService(final String vipPort, final String line, final boolean present) throws Exception
    {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline)
        {
            if (Lab.service(vipPort).contains(line) == present)
            {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not within 20 s: '" + line + "' " + (present ? "in" : "gone from") + "\n" +
            Lab.service(vipPort) + lab.directorLog());
    }

    /** Alone, the director's VRRP instance becomes master once its master-down timer runs out. */
    private static void awaitMaster() throws InterruptedException
    {
        Lab.awaitMs(() -> Lab.counters(Lab.COUNTERS).getOrDefault("vrrp: Became MASTER", 0L) >= 1, 10_000,
            "jlvs-dir master");
    }

    @Test
    @Order(1)
    void shouldFollowHttpGetAndTcpCheckPerRealServer() throws Exception
    {
        lab.startDirector(settings("director.conf", "lab", Map.of()), 1, 3);
        awaitMaster();
        awaitService("198.18.0.10:80", "  -> 198.18.0.11:80               Route   3      ", true);
        awaitService("198.18.0.10:80", "  -> 198.18.0.13:80               Route   1      ", true);
        awaitService("198.18.0.40:80", "  -> 198.18.0.12:80               Route   1      ", true);
        assertTrue(Lab.requests("198.18.0.10", 30, 34000).contains("total rs1=15 rs2=10 rs3=5"));
        final Lab.Result timeouts = Lab.jlvs("ipvsadm", "-L", "--timeout");
        assertEquals("Timeout (tcp tcpfin udp): 7200 60 120", timeouts.out().strip(),
            "lvs_timeouts, not the defaults 900 120 300");
        final Lab.Result health = Lab.jlvs("health", "-i", Lab.INSTANCE);
        assertTrue(health.out().contains("HTTP_GET http://198.18.0.12:80/health"), health.out());
        assertTrue(health.out().contains("TCP_CHECK 198.18.0.12:80"), health.out());

        // /health fails: HTTP_GET takes rs2 out of .10; TCP_CHECK still passes, .40 keeps it
        Files.writeString(Path.of("/run/jlvs-lab/rs2.down"), "");
        awaitService("198.18.0.10:80", "198.18.0.12:80", false);
        assertTrue(Lab.service("198.18.0.40:80").contains("  -> 198.18.0.12:80               Route   1      "));
        final String avoided = Lab.requests("198.18.0.10", 12, 34100);
        assertFalse(avoided.contains("rs2"), avoided);
        assertTrue(lab.directorLog().contains("Removing service [198.18.0.12]:tcp:80 from VS [198.18.0.10]:tcp:80"),
            lab.directorLog());
        Files.delete(Path.of("/run/jlvs-lab/rs2.down"));
        awaitService("198.18.0.10:80", "  -> 198.18.0.12:80               Route   2      ", true);

        // rs3's program stops: out of .10, weight 0 in .40 (inhibit_on_failure); started, back in both
        Lab.stopServer("rs3");
        awaitService("198.18.0.10:80", "198.18.0.13:80", false);
        awaitService("198.18.0.40:80", "  -> 198.18.0.13:80               Route   0      ", true);
        Lab.startServer("rs3");
        awaitService("198.18.0.10:80", "  -> 198.18.0.13:80               Route   1      ", true);
        awaitService("198.18.0.40:80", "  -> 198.18.0.13:80               Route   1      ", true);
    }

    @Test
    @Order(2)
    void shouldReloadAChangedFileAndRefuseABrokenOne() throws Exception
    {
        lab.startDirector(settings("director.conf", "lab", Map.of()), 1, 3);
        awaitMaster();
        awaitService("198.18.0.10:80", "  -> 198.18.0.11:80               Route   3      ", true);
        final String text = Files.readString(conf);
        try
        {
            Files.writeString(conf, text.replaceFirst("weight 3", "weight 5"));
            final Lab.Result reloaded = Lab.jlvs("reload", "-i", Lab.INSTANCE);
            assertEquals(0, reloaded.status(), reloaded.out());
            awaitService("198.18.0.10:80", "  -> 198.18.0.11:80               Route   5      ", true);

            Files.writeString(conf, text.replaceFirst("lb_algo wrr", "lb_algo wrr\n    lb_algoo rr"));
            final int line = text.lines().toList().indexOf("    lb_algo wrr") + 2;
            final Lab.Result refused = Lab.jlvs("reload", "-i", Lab.INSTANCE);
            assertTrue(refused.status() != 0, refused.out());
            assertTrue(refused.out().contains(conf + ":" + line + ": Unknown keyword 'lb_algoo' in virtual_server"),
                refused.out());
            assertTrue(Lab.service("198.18.0.10:80").contains("  -> 198.18.0.11:80               Route   5      "),
                "the running configuration stays");

            final Lab.Result checked = Lab.jlvs("check", "-k", conf.toString());
            assertEquals(2, checked.status(), checked.out());
            assertTrue(checked.out().contains(conf + ":" + line + ": Unknown keyword 'lb_algoo'"), checked.out());
        }
        finally
        {
            Files.writeString(conf, text);
        }
        final Lab.Result ok = Lab.jlvs("check", "-k", conf.toString());
        assertEquals(0, ok.status(), ok.out());
        assertTrue(ok.out().contains("interface ka0: jlvs speaks VRRP on its own port"), ok.out());
    }

    /** The pair from the same file: jlvs-dir (@lab, 150) master, jlvs-dir2 (@lab2, 100) takes over when it dies. */
    @Test
    @Order(3)
    void shouldFailOverWithTheConnectionsFromTheSameFile() throws Exception
    {
        lab.startDirector2(settings("director2.conf", "lab2", syncWith("198.18.0.2")), 3);
        lab.startDirector(settings("director.conf", "lab", syncWith("198.18.0.3")), 1, 3);
        Lab.awaitMs(() -> Lab.counters(Lab.COUNTERS).getOrDefault("vrrp: Became MASTER", 0L) == 1, 15_000,
            "jlvs-dir master");
        assertTrue(Lab.jlvsOf(Lab.INSTANCE, "state").out().startsWith("master (VRRP_Instance(LAB) MASTER, vrid 51, " +
            "priority 150)"));

        // track_script: jlvs-dir's drain file takes 60 off its 150, jlvs-dir2's 100 preempts; gone, jlvs-dir is back
        final Path drain = Path.of("/run/jlvs-lab/drain-lab");
        try
        {
            Files.writeString(drain, "");
            Lab.awaitMs(() -> Lab.counters(Lab.COUNTERS2).getOrDefault("vrrp: Became MASTER", 0L) >= 1, 10_000,
                "jlvs-dir2 preempts the drained jlvs-dir");
            Lab.awaitMs(() -> Lab.counters(Lab.COUNTERS).getOrDefault("vrrp: Became BACKUP", 0L) >= 2, 5_000,
                "jlvs-dir yields");
            assertTrue(lab.directorLog().contains("Changing effective priority from 150 to 90"), lab.directorLog());
        }
        finally
        {
            Files.deleteIfExists(drain);
        }
        Lab.awaitMs(() -> Lab.counters(Lab.COUNTERS).getOrDefault("vrrp: Became MASTER", 0L) == 2, 15_000,
            "jlvs-dir takes the addresses back");
        final CompletableFuture<Lab.Result> transfer = Lab.clientPyAsync("transfer", "http://198.18.0.10/",
            "8000000", "800000");
        Thread.sleep(2000);
        assertFalse(transfer.isDone(), () -> "the transfer outlives the master: " + transfer.join().out());
        lab.killDirector();
        Lab.awaitMs(() -> Lab.counters(Lab.COUNTERS2).getOrDefault("vrrp: Became MASTER", 0L) >= 2, 10_000,
            "jlvs-dir2 takes over");
        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs\\d 8000000 ok.*"), "intact: " + t.out());
    }

    /** Debian's keepalived from the same file (@ka, 200, VRRP only) is the master; jlvs takes over when it stops. */
    @Test
    @Order(4)
    void shouldElectWithKeepalivedFromTheSameFile() throws Exception
    {
        Files.deleteIfExists(KA_LOG);
        keepalived = new ProcessBuilder("ip", "netns", "exec", "jlvs-ka", "keepalived", "-n", "-l", "-D", "--vrrp",
            "-i", "ka", "-f", conf.toString(), "-p", "/run/jlvs-lab/keepalived.pid", "-r",
            "/run/jlvs-lab/keepalived-vrrp.pid").redirectErrorStream(true).redirectOutput(KA_LOG.toFile()).start();
        Lab.awaitMs(() -> kaLog().contains("Entering MASTER STATE"), 10_000, "keepalived master");
        lab.startDirector(settings("director.conf", "lab", Map.of()), 1, 3);
        Thread.sleep(1500);
        assertTrue(Lab.jlvsOf(Lab.INSTANCE, "state").out().startsWith("backup"), "keepalived's 200 beats jlvs's 150");
        keepalived.destroy();
        keepalived.waitFor(10, TimeUnit.SECONDS);
        keepalived = null;
        Lab.awaitMs(() -> Lab.counters(Lab.COUNTERS).getOrDefault("vrrp: Became MASTER", 0L) >= 1, 5_000,
            "jlvs takes over from keepalived");
    }

    private static String kaLog()
    {
        try
        {
            return Files.exists(KA_LOG) ? Files.readString(KA_LOG) : "";
        }
        catch (final java.io.IOException ex)
        {
            return "";
        }
    }
}
