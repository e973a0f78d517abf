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
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Debian's ldirectord, unmodified, manages a running director through jlvs's ipvsadm, as it manages kernel LVS: the
 * director starts with no service of its own; ldirectord, in the director's namespace with jlvs's native ipvsadm
 * bind-mounted over {@code /usr/sbin/ipvsadm} in a mount namespace of its own, adds its virtual service and real
 * servers, takes a real server whose program stopped out and puts it back when it answers again, and removes
 * everything when it stops. Real traffic checks each step.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LdirectordSystemTest
{
    private static final Path LDIRECTORD = Path.of("/usr/sbin/ldirectord");
    private static final Path NATIVE_IPVSADM = Lab.ROOT.resolve("controlplane/target/bin/ipvsadm");
    private static final Path LOG = Path.of("/run/jlvs-lab/ldirectord-stock.log");
    private static final String URL = "http://" + Lab.VIP + "/";

    /** The stock ldirectord's own configuration: connect checks every second, real servers removed when down. */
    private static final String STOCK_CF = """
        checktimeout=2
        checkinterval=1
        quiescent=no
        supervised=yes
        logfile="%s"

        virtual=198.18.0.10:80
        	real=198.18.0.11:80 gate 3
        	real=198.18.0.12:80 gate 2
        	real=198.18.0.13:80 gate 1
        	scheduler=wrr
        	protocol=tcp
        	checktype=connect
        """.formatted(LOG);

    private static Lab lab;
    private static Path directorCf;
    private static Path settings;
    private static Path stockCf;
    private static Path ldirectordOut;
    private static Process ldirectord;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        Capabilities.require(Files.isExecutable(LDIRECTORD), "Debian's ldirectord package (" + LDIRECTORD + ")");
        Capabilities.require(Files.isExecutable(NATIVE_IPVSADM), "the native ipvsadm client (mvn package)");
        lab = Lab.up();
        directorCf = Lab.tempFile("jlvs-no-services", ".cf",
            "# the virtual services come from a stock ldirectord, through ipvsadm\nquiescent = no\n");
        settings = Lab.settingsWith(Map.of("ldirectord-config", directorCf.toString()));
        lab.startDirector(settings, 1, 0);
        stockCf = Lab.tempFile("ldirectord-stock", ".cf", STOCK_CF);
        ldirectordOut = Files.createTempFile("ldirectord-stock", ".out");
        Files.deleteIfExists(LOG);
        final ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", "jlvs-dir", "unshare", "--mount",
            "--propagation", "private", "/bin/sh", "-c",
            "mount --bind \"$0\" /usr/sbin/ipvsadm && exec \"$1\" \"$2\" start",
            NATIVE_IPVSADM.toString(), LDIRECTORD.toString(), stockCf.toString())
            .redirectErrorStream(true).redirectOutput(ldirectordOut.toFile());
        pb.environment().put("JLVS_INSTANCE", Lab.INSTANCE);
        ldirectord = pb.start();
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != ldirectord && ldirectord.isAlive())
        {
            ldirectord.destroyForcibly();
        }
        if (null != lab)
        {
            lab.close();
        }
        for (final Path p : new Path[] {directorCf, settings, stockCf, ldirectordOut})
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

    /** Waits until the listing satisfies {@code wanted}, as ldirectord's next check cycle makes it. */
    private static String awaitListing(final Predicate<String> wanted, final String what) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String list = listing();
        while (!wanted.test(list) && System.nanoTime() < deadline)
        {
            Thread.sleep(200);
            list = listing();
        }
        assertTrue(wanted.test(list), what + ":\n" + list + "\nldirectord:\n" + ldirectordLog());
        return list;
    }

    private static String ldirectordLog() throws Exception
    {
        return (Files.exists(LOG) ? Files.readString(LOG) : "(no log)") + "\n" + Files.readString(ldirectordOut);
    }

    private static String requests(final int count, final int firstPort) throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", URL, Integer.toString(count),
            Integer.toString(firstPort));
        assertEquals(0, r.status(), r.out());
        return r.out();
    }

    @Test
    @Order(1)
    void shouldAddItsServiceAndRealServers() throws Exception
    {
        final String list = awaitListing((l) -> l.contains("  -> 198.18.0.13:80               Route   1      ") &&
            l.contains("  -> 198.18.0.12:80               Route   2      ") &&
            l.contains("  -> 198.18.0.11:80               Route   3      "), "ldirectord added its real servers");
        assertTrue(list.contains("TCP  198.18.0.10:80 wrr\n"), list);
        assertTrue(ldirectord.isAlive(), ldirectordLog());
        assertTrue(requests(30, 24000).contains("total rs1=15 rs2=10 rs3=5"), "wrr 3:2:1 through the director");

        // what each of ldirectord's ipvsadm runs costs: measured and printed, not asserted (the machine is shared)
        final int runs = 50;
        final long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++)
        {
            assertEquals(0, Lab.run(Duration.ofSeconds(10), Map.of("JLVS_INSTANCE", Lab.INSTANCE),
                NATIVE_IPVSADM.toString(), "-L", "-n").status());
        }
        final long t1 = System.nanoTime();
        assertEquals(0, Lab.jlvs("--version").status());
        final long t2 = System.nanoTime();
        System.out.printf("ipvsadm -L -n, native client: %.1f ms a run (%d runs); one JVM start (jlvs --version): " +
            "%.0f ms%n", (t1 - t0) / 1e6 / runs, runs, (t2 - t1) / 1e6);
    }

    @Test
    @Order(2)
    void shouldTakeAFailedRealServerOutAndPutItBack() throws Exception
    {
        Lab.stopServer("rs2");
        awaitListing((l) -> !l.contains("198.18.0.12:80"), "ldirectord deleted the real server whose check failed");
        final String without = requests(12, 24100);
        assertTrue(without.contains("total rs1=9 rs3=3"), without);

        Lab.startServer("rs2");
        awaitListing((l) -> l.contains("  -> 198.18.0.12:80               Route   2      "),
            "ldirectord added it back when its check passed");
        assertTrue(requests(30, 24200).contains("total rs1=15 rs2=10 rs3=5"));
        final String log = ldirectordLog();
        assertTrue(log.contains("Deleted real server: 198.18.0.12:80 (198.18.0.10:80)"), log);
        assertTrue(log.contains("Added real server: 198.18.0.12:80 (198.18.0.10:80) (Weight set to 2)"), log);
    }

    @Test
    @Order(3)
    void shouldRemoveEverythingWhenItStops() throws Exception
    {
        Lab.run(Duration.ofSeconds(10), "kill", "-TERM", Long.toString(ldirectord.pid())); // ip and unshare exec it
        assertTrue(ldirectord.waitFor(30, java.util.concurrent.TimeUnit.SECONDS), ldirectordLog());
        final String list = awaitListing((l) -> !l.contains("198.18.0.10:80"), "cleanstop removed the service");
        assertFalse(list.contains("->  "), list);
        final String log = ldirectordLog();
        assertTrue(log.contains("Purged real server (stop): 198.18.0.11:80") &&
            log.contains("Purged virtual server (stop): 198.18.0.10:80"), log);
    }
}
