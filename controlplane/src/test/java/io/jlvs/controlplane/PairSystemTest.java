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
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The active/standby pair in the lab: jlvs-dir the master, jlvs-dir2 the backup, connection sync between them over
 * Aeron, through the directors' host paths or over the sync link kept for it. A long TCP transfer through the DR VIP
 * and a stream of short connections run while the master is killed (SIGKILL) or stopped, and the backup takes the
 * VIPs (here by {@code jlvs state master}, the step VRRP takes on its own). Measured: the transfer ends intact
 * (sha256), no connection is reset, and the longest time without an answer. The NAT real servers' gateway
 * (198.18.1.1, a floating address) moves with the VIPs, so NAT connections are carried on as well.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PairSystemTest
{
    private static final Path KEY = Lab.SYNC_KEY;
    /** The backup's next hops: the three DR real servers, the three NAT ones and the router. */
    private static final int BACKUP_NEXT_HOPS = 7;
    private static final Pattern WATCH = Pattern.compile("watch ok=(\\d+) failed=(\\d+) reset=(\\d+) longest_gap_ms=(\\d+)");
    private static Lab lab;

    @BeforeAll
    static void up() throws Exception
    {
        lab = Lab.up();
        Lab.writeSyncKey();
    }

    @AfterAll
    static void down() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
        Files.deleteIfExists(KEY);
    }

    @AfterEach
    void stopBoth() throws Exception
    {
        lab.stopDirector();
        lab.stopDirector2();
    }

    private static Path master(final Map<String, String> more) throws Exception
    {
        final java.util.HashMap<String, String> s = new java.util.HashMap<>(Map.of(
            "sync-daemon", "master", "sync-peers", "198.18.0.3", "sync-key", KEY.toString()));
        s.putAll(more);
        return Lab.settingsWith("director.conf", s);
    }

    private static Path backup(final Map<String, String> more) throws Exception
    {
        final java.util.HashMap<String, String> s = new java.util.HashMap<>(Map.of("state", "backup",
            "sync-daemon", "backup", "sync-peers", "198.18.0.2", "sync-key", KEY.toString()));
        s.putAll(more);
        return Lab.settingsWith("director2.conf", s);
    }

    /** The addresses a director's own kernel holds on its host path. */
    private static String tapAddresses(final String namespace, final String tap) throws Exception
    {
        return Lab.in(namespace, Duration.ofSeconds(5), "ip", "-br", "addr", "show", "dev", tap).out();
    }

    private static CompletableFuture<Lab.Result> async(final String... args)
    {
        return Lab.clientPyAsync(args);
    }

    private static void awaitCaughtUp(final String instance) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String out = "";
        while (System.nanoTime() < deadline)
        {
            out = Lab.jlvsOf(instance, "sync").out();
            if (out.contains("caught up"))
            {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the backup did not catch up: " + out);
    }

    /** The connections a director lists for the DR VIP. */
    private static long connectionsTo(final String instance, final String vip) throws Exception
    {
        return Lab.jlvsOf(instance, "ipvsadm", "-L", "-n", "-c").out().lines().filter((l) -> l.contains(vip + ":80"))
            .count();
    }

    /** Checks a watch's result: no reset, the outage printed and bounded; returns the longest gap (ms). */
    private static long checkWatch(final Lab.Result watch, final String what)
    {
        final Matcher m = WATCH.matcher(watch.out());
        assertTrue(m.find(), watch.out());
        assertEquals(0, Long.parseLong(m.group(3)), "no short connection reset: " + watch.out());
        assertTrue(Long.parseLong(m.group(1)) > 0, watch.out());
        final long gap = Long.parseLong(m.group(4));
        System.out.println(what + ": " + watch.out().strip());
        return gap;
    }

    /**
     * The backup starts after the transfer began (it learns the connection by catch-up, through the host paths);
     * the master is killed; the backup takes over.
     */
    @Test
    @Order(1)
    void shouldCarryATransferAcrossAKilledMasterToABackupThatJoinedLate() throws Exception
    {
        lab.startDirector(master(Map.of()), 1);
        assertTrue(tapAddresses("jlvs-dir", "jlvs-lab").contains("198.18.1.1/24"), "the master holds the gateway");
        // 12 MB at 300 kB/s: about 40 s, long enough to outlive the master with a backup started meanwhile, even
        // when a loaded box takes 15 s to start and catch it up
        final CompletableFuture<Lab.Result> transfer = async("transfer", "http://198.18.0.10/", "12000000", "300000");
        final CompletableFuture<Lab.Result> natTransfer = async("transfer", "http://198.18.0.20/", "12000000",
            "300000");
        Thread.sleep(1000);
        final long starting = System.nanoTime();
        lab.startDirector2(backup(Map.of()), BACKUP_NEXT_HOPS);
        awaitCaughtUp(Lab.INSTANCE2);
        System.out.printf("backup started and caught up in %d ms: %s%n", (System.nanoTime() - starting) / 1_000_000,
            Lab.jlvsOf(Lab.INSTANCE2, "sync").out().lines().filter((l) -> l.contains("backup:")).findFirst()
                .orElse(""));
        assertTrue(connectionsTo(Lab.INSTANCE2, "198.18.0.10") >= 1, "the transfer's connection, caught up");
        assertTrue(connectionsTo(Lab.INSTANCE2, "198.18.0.20") >= 1, "the NAT transfer's too");
        final String standingBy = tapAddresses("jlvs-dir2", "jlvs-lab2");
        assertTrue(standingBy.contains("198.18.1.3/24") && !standingBy.contains("198.18.1.1/"),
            "standing by, its kernel has no floating address: " + standingBy);
        assertTrue(Lab.jlvsOf(Lab.INSTANCE2, "ipvsadm", "-L", "--daemon").out()
            .contains("backup sync daemon (mcast=jlvs-lab2, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)"));
        assertTrue(Lab.jlvs("ipvsadm", "-L", "--daemon").out().contains(
            "master sync daemon (mcast=jlvs-lab, syncid=0, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)"));

        final CompletableFuture<Lab.Result> watch = async("watch", "http://198.18.0.10/", "6", "42000");
        final CompletableFuture<Lab.Result> natWatch = async("watch", "http://198.18.0.20/", "6", "43000");
        Thread.sleep(1500);
        assertFalse(transfer.isDone(), () -> "the transfer outlives the master: " + transfer.join().out());
        final long killed = System.nanoTime();
        lab.killDirector();
        assertEquals("master\n", Lab.jlvsOf(Lab.INSTANCE2, "state", "master").out());
        System.out.printf("kill -9 to takeover command done: %d ms%n", (System.nanoTime() - killed) / 1_000_000);
        assertTrue(tapAddresses("jlvs-dir2", "jlvs-lab2").contains("198.18.1.1/24"), "the new master holds it");

        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertEquals(0, t.status(), t.out());
        assertTrue(t.out().matches("(?s)transfer rs\\d 12000000 ok.*"), "intact, sha256 checked: " + t.out());
        final Lab.Result nat = natTransfer.get(120, TimeUnit.SECONDS);
        assertTrue(nat.out().matches("(?s)transfer nat\\d 12000000 ok.*"), "NAT, intact: " + nat.out());
        final long gap = checkWatch(watch.get(60, TimeUnit.SECONDS), "kill -9, takeover");
        assertTrue(gap < 5000, "the VIP answers again through the backup: " + gap + " ms");
        final long natGap = checkWatch(natWatch.get(60, TimeUnit.SECONDS), "kill -9, takeover, NAT");
        assertTrue(natGap < 5000, "the NAT VIP answers again through the backup: " + natGap + " ms");
        final Map<String, Long> c = Lab.counters(Lab.COUNTERS2);
        assertTrue(c.getOrDefault("fwd-0: Connections applied from the sync master", 0L) >= 1, c.toString());
        assertEquals(0L, c.getOrDefault("sync: Dropped: the HMAC tag is wrong (another key, or forged)", 0L));
    }

    /** Sync over the link kept for it; the stream (not a catch-up) carries the transfer; the master stops cleanly. */
    @Test
    @Order(2)
    void shouldCarryATransferAcrossAStoppedMasterWithSyncOnItsOwnLink() throws Exception
    {
        lab.startDirector(master(Map.of("sync-peers", "198.18.9.2", "sync-interface", "sync0")), 1);
        lab.startDirector2(backup(Map.of("sync-peers", "198.18.9.1", "sync-interface", "sync0")), BACKUP_NEXT_HOPS);
        awaitCaughtUp(Lab.INSTANCE2);
        assertTrue(Lab.jlvsOf(Lab.INSTANCE2, "sync").out().contains("unicast 198.18.9.2:8848 -> [198.18.9.1:8848]"));
        // 20 s each: they outlive the checks below and the master's stop, which start five JVMs on a loaded box
        final CompletableFuture<Lab.Result> transfer = async("transfer", "http://198.18.0.10/", "20000000", "1000000");
        final CompletableFuture<Lab.Result> watch = async("watch", "http://198.18.0.10/", "20", "44000");
        Lab.awaitMs(() -> Lab.holdsTransfer(Lab.INSTANCE2, "198.18.0.10"), 20_000, "the backup holds the transfer");
        final String master = Lab.jlvs("sync").out();
        assertTrue(Pattern.compile("conns_sent\\s+[1-9]").matcher(master).find(), "the stream carried them: " + master);
        final String backupSync = Lab.jlvsOf(Lab.INSTANCE2, "sync").out();
        final java.util.regex.Matcher lag = Pattern.compile(", lag of the last batch (\\d+) ms").matcher(backupSync);
        assertTrue(lag.find(), "the backup tells the stream's lag: " + backupSync);
        assertTrue(Long.parseLong(lag.group(1)) < 1000, "one host, one clock: " + backupSync);
        final long stopping = System.nanoTime();
        lab.stopDirector();
        assertEquals("master\n", Lab.jlvsOf(Lab.INSTANCE2, "state", "master").out());
        System.out.printf("stop to takeover command done: %d ms%n", (System.nanoTime() - stopping) / 1_000_000);
        assertFalse(watch.isDone(), "the watch saw the outage");

        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs\\d 20000000 ok.*"), t.out());
        checkWatch(watch.get(60, TimeUnit.SECONDS), "stop, takeover");
    }

    /** One director, killed and started again, finds its connections in its persisted tables and carries them on. */
    @Test
    @Order(3)
    void shouldCarryATransferAcrossARestartAfterKill() throws Exception
    {
        lab.startDirector(Lab.settingsWith(Map.of()), 1);
        final CompletableFuture<Lab.Result> transfer = async("transfer", "http://198.18.0.10/", "10000000", "1000000");
        // 1.5 s as before: killed sooner after the connection opened, the restarted director lost it once (to look into)
        Thread.sleep(1500);
        Lab.awaitMs(() -> Lab.holdsTransfer(Lab.INSTANCE, "198.18.0.10"), 10_000, "the transfer's connection");
        final long killed = System.nanoTime();
        lab.killDirector();
        lab.startDirector(Lab.settingsWith(Map.of()), 1);
        System.out.printf("kill -9 to forwarding again: %d ms%n", (System.nanoTime() - killed) / 1_000_000);
        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs\\d 10000000 ok.*"), "intact across the restart: " + t.out());
    }

    /**
     * The kernel's own sync protocol (version 1, multicast 224.0.0.81:8848), as a mixed pair with kernel LVS speaks
     * it: a listener that decodes the kernel's layout on its own (config/lab/ipvs_sync_listen.py, in jlvs-ka) reads
     * what the jlvs master sends, and a jlvs backup speaking it carries a transfer across the master's kill.
     */
    @Test
    @Order(4)
    void shouldSpeakTheKernelsSyncProtocolForAMixedPair() throws Exception
    {
        final CompletableFuture<Lab.Result> listener = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return Lab.in("jlvs-ka", Duration.ofSeconds(60), "/usr/bin/python3",
                    Lab.LAB.resolve("ipvs_sync_listen.py").toString(), "198.18.0.4", "25");
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }, Thread::startVirtualThread);
        lab.startDirector(Lab.settingsWith("director.conf", Map.of("sync-daemon", "master", "sync-protocol", "ipvs")),
            1);
        lab.startDirector2(Lab.settingsWith("director2.conf", Map.of("state", "backup", "sync-daemon", "backup",
            "sync-protocol", "ipvs")), BACKUP_NEXT_HOPS);
        assertTrue(Lab.jlvsOf(Lab.INSTANCE2, "sync").out().contains("IPVS sync v1 multicast 224.0.0.81:8848"));
        final CompletableFuture<Lab.Result> transfer = async("transfer", "http://198.18.0.10/", "8000000", "1000000");
        final CompletableFuture<Lab.Result> requests = async("requests", "http://198.18.0.10/", "20", "46000");
        Thread.sleep(2500);
        assertEquals(0, requests.get(30, TimeUnit.SECONDS).status());
        Lab.awaitMs(() -> Lab.quietly(() -> connectionsTo(Lab.INSTANCE2, "198.18.0.10"), 0L) >= 1, 10_000,
            "the backup holds the master's connections");
        lab.killDirector();
        assertEquals("master\n", Lab.jlvsOf(Lab.INSTANCE2, "state", "master").out());
        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs\\d 8000000 ok.*"), "intact: " + t.out());

        final String heard = listener.get(60, TimeUnit.SECONDS).out();
        assertTrue(heard.contains("message syncid=0"), heard);
        assertTrue(Pattern.compile("conn 6 198\\.18\\.0\\.100:\\d+ 198\\.18\\.0\\.10:80 198\\.18\\.0\\.1[123]:80 " +
            "state=1 flags=[0-9a-f]+ timeout=900").matcher(heard).find(), "an ESTABLISHED connection, as a kernel " +
            "backup would read it: " + heard);
        assertFalse(heard.contains("bad"), heard);
    }
}
