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
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * VRRP in the lab: the jlvs pair elects by priority (config/lab/vrrp-dir.conf, vrrp-dir2.conf: version 3,
 * advert_int 0.25 s), its sync roles follow, and the preferred director comes back only after catching up; a
 * killed master's backup takes over on its own; jlvs and keepalived (Debian's, VRRP only, in jlvs-ka) elect each
 * other either way; forged advertisements are counted and change nothing; a tracked link going down is FAULT.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VrrpSystemTest
{
    private static final Path KEY = Lab.SYNC_KEY;
    private static final Path KA_CONF = Path.of("/run/jlvs-lab/keepalived.conf");
    private static final Path KA_LOG = Path.of("/run/jlvs-lab/keepalived.log");
    private static final Pattern WATCH = Pattern.compile("watch ok=(\\d+) failed=(\\d+) reset=(\\d+) longest_gap_ms=(\\d+)");
    private static final String BECAME_MASTER = "vrrp: Became MASTER";
    private static final Path NOTIFY_LOG = Path.of("/run/jlvs-lab/vrrp-notify.log");
    /** The TAP net_tap makes in jlvs-dir for {@link #shouldEnterFaultWhileItsTrackedLinkIsDown}. */
    private static final String TRACKED = "jlvs-trk";
    private static Lab lab;
    private Process keepalived;

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
    void stopAll() throws Exception
    {
        stopKeepalived();
        lab.stopDirector();
        lab.stopDirector2();
    }

    private static Path director(final String base, final String vrrp, final Map<String, String> more) throws Exception
    {
        return director(base, Lab.LAB.resolve(vrrp), more);
    }

    private static Path director(final String base, final Path vrrp, final Map<String, String> more) throws Exception
    {
        final Map<String, String> s = new HashMap<>(Map.of("vrrp", vrrp.toString()));
        s.putAll(more);
        return Lab.settingsWith(base, s);
    }

    private static Map<String, String> syncWith(final String peer)
    {
        return Map.of("sync-daemon", "vrrp", "sync-peers", peer, "sync-key", KEY.toString());
    }

    private static long counter(final Path file, final String label)
    {
        return Lab.counters(file).getOrDefault(label, 0L);
    }

    private static CompletableFuture<Lab.Result> async(final String... args)
    {
        return Lab.clientPyAsync(args);
    }

    private static String notified()
    {
        try
        {
            return Files.exists(NOTIFY_LOG) ? Files.readString(NOTIFY_LOG) : "";
        }
        catch (final java.io.IOException ex)
        {
            return "";
        }
    }

    private static String state(final String instance) throws Exception
    {
        return Lab.jlvsOf(instance, "state").out();
    }

    private void startKeepalived(final int priority) throws Exception
    {
        startKeepalived("keepalived-lab.conf", priority, "");
    }

    private void startKeepalived(final String conf, final int priority, final String pass) throws Exception
    {
        startKeepalived(Lab.LAB.resolve(conf), priority, pass);
    }

    private void startKeepalived(final Path conf, final int priority, final String pass) throws Exception
    {
        Files.writeString(KA_CONF, Files.readString(conf)
            .replace("@PRIORITY@", Integer.toString(priority)).replace("@PASS@", pass));
        Files.deleteIfExists(KA_LOG);
        keepalived = new ProcessBuilder("ip", "netns", "exec", "jlvs-ka", "keepalived", "-n", "-l", "-D", "--vrrp",
            "-f", KA_CONF.toString(), "-p", "/run/jlvs-lab/keepalived.pid", "-r", "/run/jlvs-lab/keepalived-vrrp.pid")
            .redirectErrorStream(true).redirectOutput(KA_LOG.toFile()).start();
    }

    private void stopKeepalived() throws Exception
    {
        if (null != keepalived)
        {
            keepalived.destroy(); // SIGTERM: keepalived says priority 0 as it goes
            keepalived.waitFor(10, TimeUnit.SECONDS);
            keepalived = null;
        }
    }

    private static String keepalivedLog() throws Exception
    {
        return Files.exists(KA_LOG) ? Files.readString(KA_LOG) : "";
    }

    /**
     * jlvs-dir2 alone is master; jlvs-dir (priority 150) joins, catches up, then preempts. A transfer runs through;
     * jlvs-dir is killed; jlvs-dir2 takes over by itself; the transfer ends intact and no connection is reset.
     */
    @Test
    @Order(1)
    void shouldPreemptOnlyAfterCatchingUpAndFailOverOnItsOwnWhenTheMasterIsKilled() throws Exception
    {
        // jlvs-dir2's instance with keepalived's notify: config/lab/vrrp-notify.sh logs each transition
        Files.deleteIfExists(NOTIFY_LOG);
        final Path withNotify = withInInstance("vrrp-dir2.conf", "notify " + Lab.LAB.resolve("vrrp-notify.sh"));
        lab.startDirector2(director("director2.conf", withNotify, syncWith("198.18.0.2")), 4);
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, BECAME_MASTER) == 1, 10_000, "jlvs-dir2 master alone");
        // 18 MB at 600 kB/s, about 30 s: it outlives a director's start, its catch-up and preemption and the kill on a
        // loaded box
        final CompletableFuture<Lab.Result> transfer = async("transfer", "http://198.18.0.10/", "18000000", "600000");
        Thread.sleep(1000);

        lab.startDirector(director("director.conf", "vrrp-dir.conf", syncWith("198.18.0.3")), 1);
        Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 15_000, "jlvs-dir preempts");
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, "vrrp: Became BACKUP") == 2, 5_000, "jlvs-dir2 yields");
        // the counter moves before the line is written
        Lab.awaitMs(() -> Lab.quietly(lab::directorLog, "").contains("Entering MASTER STATE"), 5_000,
            "jlvs-dir logs MASTER");
        final String log = lab.directorLog();
        final int caughtUp = log.indexOf("sync: caught up");
        assertTrue(caughtUp > 0 && caughtUp < log.indexOf("Entering MASTER STATE"),
            "caught up from jlvs-dir2 before taking the VIPs: " + log);
        assertTrue(state(Lab.INSTANCE).startsWith("master (VRRP_Instance(LAB) MASTER, vrid 51, priority 150)"));
        assertTrue(state(Lab.INSTANCE2).startsWith("backup"));

        // a try every 20 ms, each given 0.2 s: the outage is seen to within about 0.2 s
        final CompletableFuture<Lab.Result> watch = async("watch", "http://198.18.0.10/", "6", "47000", "0.2");
        Thread.sleep(1500);
        assertFalse(transfer.isDone(), () -> "the transfer outlives the master: " + transfer.join().out());
        final long before = counter(Lab.COUNTERS2, BECAME_MASTER);
        final long killed = System.nanoTime();
        lab.killDirector();
        final long takeover = Lab.awaitMs(() -> counter(Lab.COUNTERS2, BECAME_MASTER) > before, 10_000,
            "jlvs-dir2 takes over");
        System.out.printf("kill -9 to the backup's MASTER: %d ms (advert_int 0.1 s: 3 x 100 + skew 61)%n",
            (System.nanoTime() - killed) / 1_000_000);
        assertTrue(takeover < 2000, "VRRP took over in " + takeover + " ms");

        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs\\d 18000000 ok.*"), "intact: " + t.out());
        final Lab.Result w = watch.get(60, TimeUnit.SECONDS);
        final Matcher m = WATCH.matcher(w.out());
        assertTrue(m.find(), w.out());
        assertEquals("0", m.group(3), "no connection reset: " + w.out());
        System.out.println("VRRP failover: " + w.out().strip());
    }

    /** jlvs and keepalived elect each other by priority, and either takes over from the other. */
    @Test
    @Order(2)
    void shouldElectEachOtherWithKeepalived() throws Exception
    {
        startKeepalived(200);
        Lab.awaitMs(() -> keepalivedLogContains("Entering MASTER STATE"), 10_000, "keepalived master");
        lab.startDirector(director("director.conf", "vrrp-dir.conf", Map.of()), 1);
        Thread.sleep(2000);
        assertTrue(state(Lab.INSTANCE).startsWith("backup"), "keepalived's 200 beats jlvs's 150");
        assertTrue(counter(Lab.COUNTERS, "vrrp: Advertisements accepted") > 0);
        assertEquals(0, counter(Lab.COUNTERS, BECAME_MASTER));

        stopKeepalived();
        final long t = Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 5_000, "jlvs takes over");
        System.out.printf("keepalived stopped (priority 0) to jlvs MASTER: %d ms%n", t);

        startKeepalived(50);
        Lab.awaitMs(() -> keepalivedLogContains("Entering BACKUP STATE"), 10_000, "keepalived backup");
        Thread.sleep(2000);
        assertFalse(keepalivedLogContains("Entering MASTER STATE"), "jlvs's 150 beats keepalived's 50: " +
            keepalivedLog());
        assertTrue(state(Lab.INSTANCE).startsWith("master"));

        lab.killDirector();
        final long k = Lab.awaitMs(() -> keepalivedLogContains("Entering MASTER STATE"), 5_000, "keepalived takes over");
        System.out.printf("jlvs kill -9 to keepalived MASTER: %d ms%n", k);
    }

    private boolean keepalivedLogContains(final String s)
    {
        try
        {
            return keepalivedLog().contains(s);
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    /** Forged advertisements at a backup: counted by reason, and the master keeps the VIPs. */
    @Test
    @Order(3)
    void shouldCountAndIgnoreForgedAdvertisements() throws Exception
    {
        lab.startDirector(director("director.conf", "vrrp-dir.conf", Map.of()), 1);
        lab.startDirector2(director("director2.conf", "vrrp-dir2.conf", Map.of()), 4);
        Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 10_000, "jlvs-dir master");
        Thread.sleep(1000);
        // from the client: priority 254 (it would win), each with one thing wrong
        final String script = String.join("\n",
            "import socket, struct, sys",
            "def csum(b):",
            "    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))",
            "    s = (s >> 16) + (s & 0xffff); s += s >> 16",
            "    return ~s & 0xffff",
            "def advert(vrid, version=3, bad_sum=False):",
            "    body = struct.pack('!BBBBHH4s', (version << 4) | 1, vrid, 254, 1, 25, 0, socket.inet_aton('198.18.0.10'))",
            "    pseudo = socket.inet_aton('198.18.0.100') + socket.inet_aton('224.0.0.18') + struct.pack('!BBH', 0, 112, len(body))",
            "    c = csum(pseudo + body) ^ (1 if bad_sum else 0)",
            "    return body[:6] + struct.pack('!H', c) + body[8:]",
            "def send(pkt, ttl):",
            "    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)",
            "    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)",
            "    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton('198.18.0.100'))",
            "    s.sendto(pkt, ('224.0.0.18', 0))",
            "for i in range(3):",
            "    send(advert(52), 255)",
            "    send(advert(51), 64)",
            "    send(advert(51, bad_sum=True), 255)",
            "    send(advert(51, version=2), 255)",
            "print('sent')");
        final Lab.Result r = Lab.client(Duration.ofSeconds(20), "/usr/bin/python3", "-c", script);
        assertEquals(0, r.status(), r.out());
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, "vrrp: Dropped: another virtual router id") >= 3 &&
            counter(Lab.COUNTERS2, "vrrp: Dropped: TTL other than 255") >= 3 &&
            counter(Lab.COUNTERS2, "vrrp: Dropped: bad checksum") >= 3 &&
            counter(Lab.COUNTERS2, "vrrp: Dropped: another VRRP version") >= 3, 5_000, "counted by reason");
        Thread.sleep(1000);
        assertTrue(state(Lab.INSTANCE).startsWith("master"), "the master kept the VIPs");
        assertEquals(1, counter(Lab.COUNTERS, "vrrp: Became BACKUP"), "jlvs-dir went backup once, at start");
        assertTrue(state(Lab.INSTANCE2).startsWith("backup"));
    }

    /**
     * keepalived's default version 2, with a PASS password and unicast peers on both sides: they elect each other;
     * advertisements with another password are counted and not obeyed.
     */
    @Test
    @Order(4)
    void shouldElectWithKeepalivedOverUnicastVersion2WithAPassword() throws Exception
    {
        startKeepalived("keepalived-lab-unicast.conf", 200, "jlvs-lab");
        Lab.awaitMs(() -> keepalivedLogContains("Entering MASTER STATE"), 10_000, "keepalived master");
        lab.startDirector(director("director.conf", "vrrp-dir-unicast.conf", Map.of()), 1);
        Thread.sleep(3000);
        assertTrue(state(Lab.INSTANCE).startsWith("backup (VRRP_Instance(LAB2) BACKUP, vrid 52, priority 150)"),
            state(Lab.INSTANCE));
        assertTrue(counter(Lab.COUNTERS, "vrrp: Advertisements accepted") > 0);

        stopKeepalived();
        Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 5_000, "jlvs takes over");
        startKeepalived("keepalived-lab-unicast.conf", 200, "wrong-pw");
        Lab.awaitMs(() -> counter(Lab.COUNTERS, "vrrp: Dropped: bad authentication") >= 2, 10_000,
            "advertisements with another password counted");
        assertTrue(state(Lab.INSTANCE).startsWith("master"), "not obeyed: " + state(Lab.INSTANCE));
    }

    /** A VRRP file of the lab's with {@code use_vmac} added to its instance. */
    private static Path withVmac(final String conf) throws Exception
    {
        return withInInstance(conf, "use_vmac");
    }

    /** A VRRP file of the lab's (a temporary copy) with {@code lines} added at the end of its instance. */
    private static Path withInInstance(final String conf, final String... lines) throws Exception
    {
        final Path file = Files.createTempFile(conf.replace(".conf", "-"), ".conf");
        final String text = Files.readString(Lab.LAB.resolve(conf));
        final StringBuilder added = new StringBuilder();
        for (final String line : lines)
        {
            added.append("    ").append(line).append('\n');
        }
        Files.writeString(file, text.substring(0, text.lastIndexOf('}')) + added + "}\n");
        return file;
    }

    /** The MAC {@code namespace}'s kernel holds for {@code address}, or "" if none. */
    private static String neighbourMac(final String namespace, final String address) throws Exception
    {
        final Matcher m = Pattern.compile("lladdr (\\S+)").matcher(
            Lab.in(namespace, Duration.ofSeconds(5), "ip", "neigh", "show", address).out());
        return m.find() ? m.group(1) : "";
    }

    /**
     * The MAC the NAT real servers that have talked to their gateway (198.18.1.1) hold for it: one, else what
     * differs, to fail the comparison.
     */
    private static String natGatewayMac() throws Exception
    {
        final java.util.Set<String> macs = new java.util.TreeSet<>();
        for (final String ns : new String[] {"jlvs-nat1", "jlvs-nat2", "jlvs-nat3"})
        {
            final String mac = neighbourMac(ns, "198.18.1.1");
            if (!mac.isEmpty())
            {
                macs.add(mac);
            }
        }
        return String.join(",", macs);
    }

    /** The bridge port the lab's switch has learned {@code mac} on, or "". */
    private static String learnedOn(final String mac) throws Exception
    {
        return Lab.in("jlvs-sw", Duration.ofSeconds(5), "bridge", "fdb", "show", "br", "br0").out().lines()
            .filter((l) -> l.startsWith(mac + " dev ")).map((l) -> l.split(" ")[2]).findFirst().orElse("");
    }

    /**
     * keepalived's {@code use_vmac}: the master answers for the VIPs and the floating NAT gateway from
     * 00:00:5e:00:01:33 and advertises from it, so the clients' and real servers' neighbour entries stay as they are
     * across a takeover; only the switch learns the MAC on the new master's port.
     */
    @Test
    @Order(5)
    void shouldKeepEveryNeighboursEntryAcrossATakeoverWithTheVirtualMac() throws Exception
    {
        final String vmac = "00:00:5e:00:01:33";
        lab.startDirector2(director("director2.conf", withVmac("vrrp-dir2.conf"), syncWith("198.18.0.2")), 4);
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, BECAME_MASTER) == 1, 10_000, "jlvs-dir2 master alone");
        lab.startDirector(director("director.conf", withVmac("vrrp-dir.conf"), syncWith("198.18.0.3")), 1);
        Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 15_000, "jlvs-dir preempts");
        assertTrue(state(Lab.INSTANCE).contains("vmac " + vmac), state(Lab.INSTANCE));
        Lab.awaitMs(() -> Lab.quietly(() -> learnedOn(vmac), "").equals("sw-dir"), 5_000,
            "the switch learns the MAC at jlvs-dir");
        // the advertisements come from it (RFC 5798 7.3): forgotten, the switch learns it again within an interval
        Lab.in("jlvs-sw", Duration.ofSeconds(5), "bridge", "fdb", "del", vmac, "dev", "sw-dir", "master");
        final long relearnt = Lab.awaitMs(() -> Lab.quietly(() -> learnedOn(vmac), "").equals("sw-dir"), 5_000,
            "the switch learns it again from the advertisements");
        System.out.printf("virtual MAC learnt again from the advertisements in %d ms%n", relearnt);

        final CompletableFuture<Lab.Result> transfer = async("transfer", "http://198.18.0.10/", "8000000", "600000");
        final CompletableFuture<Lab.Result> natTransfer = async("transfer", "http://198.18.0.20/", "8000000",
            "600000");
        final CompletableFuture<Lab.Result> watch = async("watch", "http://198.18.0.10/", "5", "48000", "0.2");
        Lab.awaitMs(() -> vmac.equals(Lab.quietly(() -> neighbourMac("jlvs-cli", "198.18.0.10"), "")), 10_000,
            "the client reaches the VIP at the virtual MAC");
        Lab.awaitMs(() -> vmac.equals(Lab.quietly(VrrpSystemTest::natGatewayMac, "")), 10_000,
            "and the NAT real servers their gateway");
        Lab.awaitMs(() -> Lab.holdsTransfer(Lab.INSTANCE2, "198.18.0.10") &&
            Lab.holdsTransfer(Lab.INSTANCE2, "198.18.0.20"), 10_000, "the backup holds both transfers");

        final long before = counter(Lab.COUNTERS2, BECAME_MASTER);
        lab.killDirector();
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, BECAME_MASTER) > before, 10_000, "jlvs-dir2 takes over");
        Lab.awaitMs(() -> Lab.quietly(() -> learnedOn(vmac), "").equals("sw-dir2"), 5_000,
            "the switch learns it at jlvs-dir2");

        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs\\d 8000000 ok.*"), "intact: " + t.out());
        final Lab.Result nat = natTransfer.get(120, TimeUnit.SECONDS);
        assertTrue(nat.out().matches("(?s)transfer nat\\d 8000000 ok.*"), "NAT, intact: " + nat.out());
        final Lab.Result w = watch.get(60, TimeUnit.SECONDS);
        final Matcher m = WATCH.matcher(w.out());
        assertTrue(m.find(), w.out());
        assertEquals("0", m.group(3), "no connection reset: " + w.out());
        System.out.println("VRRP failover with use_vmac: " + w.out().strip());
        assertEquals(vmac, neighbourMac("jlvs-cli", "198.18.0.10"), "the client's entry unchanged");
        assertEquals(vmac, natGatewayMac(), "the real servers' too");
    }

    /** A VRRP file of the lab's as an IPv6 instance: its IPv4 VIPs become the lab's IPv6 ones (198.18.0.N: 2001:db8::N). */
    private static Path asIpv6(final String conf) throws Exception
    {
        final Path file = Files.createTempFile(conf.replace(".conf", "-ipv6"), ".conf");
        Files.writeString(file, Files.readString(Lab.LAB.resolve(conf))
            .replaceAll("(?m)^(\\s+)198\\.18\\.0\\.(\\d+)$", "$12001:db8::$2"));
        return file;
    }

    /**
     * An IPv6 instance (RFC 5798 over IPv6: ff02::12 from the host path's link-local address, hop limit 255): the
     * pair elects, the preferred director preempts after catching up, and a transfer through the IPv6 DR VIP crosses
     * the master's kill.
     */
    @Test
    @Order(6)
    void shouldFailOverAnIpv6Instance() throws Exception
    {
        lab.startDirector2(director("director2.conf", asIpv6("vrrp-dir2.conf"), syncWith("198.18.0.2")), 4);
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, BECAME_MASTER) == 1, 15_000, "jlvs-dir2 master alone");
        lab.startDirector(director("director.conf", asIpv6("vrrp-dir.conf"), syncWith("198.18.0.3")), 1);
        Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 20_000, "jlvs-dir preempts over IPv6");
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, "vrrp: Became BACKUP") == 2, 5_000, "jlvs-dir2 yields");
        assertTrue(counter(Lab.COUNTERS2, "vrrp: Advertisements accepted") > 0);
        assertTrue(lab.directorLog().contains("multicast ff02:0:0:0:0:0:0:12"), "an IPv6 instance");

        final CompletableFuture<Lab.Result> transfer = async("transfer", "http://[2001:db8::10]/", "8000000", "600000");
        final CompletableFuture<Lab.Result> watch = async("watch", "http://[2001:db8::10]/", "5", "49000", "0.2");
        Thread.sleep(1500);
        final long before = counter(Lab.COUNTERS2, BECAME_MASTER);
        final long killed = System.nanoTime();
        lab.killDirector();
        Lab.awaitMs(() -> counter(Lab.COUNTERS2, BECAME_MASTER) > before, 10_000, "jlvs-dir2 takes over");
        System.out.printf("IPv6 VRRP: kill -9 to the backup's MASTER: %d ms%n", (System.nanoTime() - killed) / 1_000_000);
        final Lab.Result t = transfer.get(120, TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs\\d 8000000 ok.*"), "intact: " + t.out());
        final Lab.Result w = watch.get(60, TimeUnit.SECONDS);
        final Matcher m = WATCH.matcher(w.out());
        assertTrue(m.find(), w.out());
        assertEquals("0", m.group(3), "no connection reset: " + w.out());
        System.out.println("IPv6 VRRP failover: " + w.out().strip());
    }

    /** jlvs and keepalived elect each other over IPv6. */
    @Test
    @Order(7)
    void shouldElectWithKeepalivedOverIpv6() throws Exception
    {
        Lab.in("jlvs-ka", Duration.ofSeconds(5), "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=0",
            "net.ipv6.conf.ka0.disable_ipv6=0", "net.ipv6.conf.ka0.accept_ra=0", "net.ipv6.conf.ka0.autoconf=0");
        try
        {
            final Path conf = asIpv6("keepalived-lab.conf");
            startKeepalived(conf, 200, "");
            Lab.awaitMs(() -> keepalivedLogContains("Entering MASTER STATE"), 10_000, "keepalived master");
            lab.startDirector(director("director.conf", asIpv6("vrrp-dir.conf"), Map.of()), 1);
            Lab.awaitMs(() -> counter(Lab.COUNTERS, "vrrp: Advertisements accepted") > 5, 15_000,
                "jlvs hears keepalived over IPv6");
            assertTrue(state(Lab.INSTANCE).startsWith("backup"), "keepalived's 200 beats jlvs's 150");
            assertEquals(0, counter(Lab.COUNTERS, BECAME_MASTER));

            stopKeepalived();
            final long t = Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 5_000, "jlvs takes over");
            System.out.printf("IPv6: keepalived stopped (priority 0) to jlvs MASTER: %d ms%n", t);

            startKeepalived(conf, 50, "");
            Lab.awaitMs(() -> keepalivedLogContains("Entering BACKUP STATE"), 10_000, "keepalived backup");
            Thread.sleep(1000);
            assertFalse(keepalivedLogContains("Entering MASTER STATE"), "jlvs's 150 beats keepalived's 50, heard over " +
                "IPv6: " + keepalivedLog());
        }
        finally
        {
            Lab.in("jlvs-ka", Duration.ofSeconds(5), "sysctl", "-qw", "net.ipv6.conf.ka0.disable_ipv6=1");
        }
    }

    /**
     * {@code track_interface} on a port whose driver reads its link: net_tap, whose link is its TAP's (up and
     * running), which the test sets down and up (net_af_packet, the lab's usual port, says up whatever the veth's
     * carrier). Alone, jlvs-dir is master; with its link down it enters FAULT (keepalived's words, its notify, and
     * {@code jlvs state}), gives the addresses up and stays out; with the link back it is master again.
     */
    @Test
    @Order(8)
    void shouldEnterFaultWhileItsTrackedLinkIsDown() throws Exception
    {
        Files.deleteIfExists(NOTIFY_LOG);
        final Path tracked = withInInstance("vrrp-dir.conf", "track_interface {", "    " + TRACKED, "}",
            "notify " + Lab.LAB.resolve("vrrp-notify.sh"));
        try
        {
            // nothing behind the TAP: no next hop to wait for
            lab.startDirector(director("director.conf", tracked, Map.of("port", "net_tap0,iface=" + TRACKED)), 1, 0);
            Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 1, 10_000, "jlvs-dir master alone");
            assertTrue(state(Lab.INSTANCE).startsWith("master (VRRP_Instance(LAB) MASTER,"), state(Lab.INSTANCE));

            link("down");
            final long down = Lab.awaitMs(() -> Lab.quietly(() -> state(Lab.INSTANCE), "")
                .startsWith("backup (VRRP_Instance(LAB) FAULT,"), 5_000, "FAULT with the link down");
            Lab.awaitMs(() -> Lab.quietly(lab::directorLog, "").contains("VRRP_Instance(LAB) Entering FAULT STATE"),
                5_000, "FAULT in the log");
            Lab.awaitMs(() -> notified().contains("INSTANCE LAB FAULT"), 5_000, "notify FAULT");
            Thread.sleep(1000);
            assertEquals(1, counter(Lab.COUNTERS, BECAME_MASTER), "no master while the link is down");
            assertTrue(state(Lab.INSTANCE).startsWith("backup (VRRP_Instance(LAB) FAULT,"), state(Lab.INSTANCE));

            link("up");
            final long up = Lab.awaitMs(() -> counter(Lab.COUNTERS, BECAME_MASTER) == 2, 10_000,
                "master again with the link up");
            assertTrue(lab.directorLog().contains("VRRP_Instance(LAB) Leaving FAULT STATE"), lab.directorLog());
            assertTrue(state(Lab.INSTANCE).startsWith("master (VRRP_Instance(LAB) MASTER,"), state(Lab.INSTANCE));
            System.out.printf("track_interface: link down to FAULT %d ms, link up to MASTER %d ms%n", down, up);
        }
        finally
        {
            Files.deleteIfExists(tracked);
        }
    }

    private static void link(final String upOrDown) throws Exception
    {
        final Lab.Result r = Lab.in("jlvs-dir", Duration.ofSeconds(5), "ip", "link", "set", TRACKED, upOrDown);
        assertEquals(0, r.status(), r.out());
    }
}
