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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel LVS as the peer of jlvs: Debian 12's kernel, which has ip_vs, booted by QEMU from the appliance image's
 * kernel and root (read-only, a shell as init, no JVM) with Debian's own ipvsadm from this host on a second disk,
 * its NIC in the lab's switch at 198.18.0.5. The two speak the IPVS sync protocol (version 1, multicast
 * 224.0.0.81:8848) both ways: the kernel as the backup of a jlvs master holds jlvs's connections, and jlvs as the
 * backup of a kernel master holds the kernel's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KernelLvsPeerSystemTest
{
    private static final String TAP = "jlvs-qemu1";
    private static final String MAC = "52:54:00:4a:4c:05";
    private static final String GUEST = "198.18.0.5";
    private static final Path IPVSADM = Path.of("/usr/sbin/ipvsadm");
    /** One line of "ipvsadm -L -c -n", as the kernel and jlvs print it. */
    private static final Pattern CONN = Pattern.compile("(?m)^TCP\\s+\\d\\d:\\d\\d\\s+(\\S+)\\s+" +
        "(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)\\s+(198\\.18\\.0\\.10:80)\\s+(\\S+)\\s*$");
    private static Lab lab;
    private static Path work;
    private static QemuGuest guest;
    private static int at;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        QemuGuest.requireQemu();
        Capabilities.require(Files.isExecutable(IPVSADM) &&
            Lab.run(Duration.ofSeconds(10), "ldd", IPVSADM.toString()).out().contains("libnl-genl"),
            "Debian's ipvsadm (package ipvsadm) at " + IPVSADM);
        QemuGuest.buildImageOnce();
        work = Files.createTempDirectory("jlvs-kernel-lvs");
        final Path tools = toolsDisk();
        lab = Lab.up();
        QemuGuest.addTap(TAP);
        final long start = System.nanoTime();
        guest = QemuGuest.boot(work.resolve("console.log"), TAP, MAC, List.of("-no-reboot",
            "-kernel", QemuGuest.KERNEL.toString(), "-initrd", QemuGuest.INITRD.toString(),
            "-append", "root=PARTLABEL=jlvs-root-a ro console=ttyS0,115200 init=/bin/bash",
            "-drive", "file=" + QemuGuest.IMAGE + ",format=raw,if=virtio,readonly=on",
            "-drive", "file=" + tools + ",format=raw,if=virtio,readonly=on"));
        at = guest.await(0, "no job control in this shell", null, Duration.ofMinutes(3));
        final String up = inGuest("mount -t proc proc /proc; mount -t sysfs sys /sys; " +
            "mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp; mkdir /run/t; mount -o ro /dev/vdb /run/t; " +
            "export LD_LIBRARY_PATH=/run/t/lib; K=/run/t/ipvsadm; " +
            "IF=$(ls /sys/class/net | grep -v '^lo$' | head -1); " +
            "modprobe ip_vs && ip link set lo up && ip link set $IF up && ip addr add " + GUEST + "/24 dev $IF && " +
            "$K -A -t 198.18.0.10:80 -s wrr && $K -a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 3 && " +
            "$K -a -t 198.18.0.10:80 -r 198.18.0.12:80 -g -w 2 && $K -a -t 198.18.0.10:80 -r 198.18.0.13:80 -g -w 1 " +
            "&& echo kernel-lvs-up");
        assertTrue(up.contains("\nkernel-lvs-up"), up);
        System.out.printf("kernel LVS guest up in %d s%n", (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** Debian's ipvsadm and the libraries it links, from this host, on an ext4 disk of their own. */
    private static Path toolsDisk() throws Exception
    {
        final Path dir = Files.createDirectories(work.resolve("tools/lib"));
        Files.copy(IPVSADM, dir.getParent().resolve("ipvsadm"));
        final Matcher lib = Pattern.compile("=> (/\\S+/(lib(?:nl|popt)\\S*))")
            .matcher(Lab.run(Duration.ofSeconds(10), "ldd", IPVSADM.toString()).out());
        while (lib.find())
        {
            Files.copy(Path.of(lib.group(1)), dir.resolve(lib.group(2)));
        }
        final Path disk = work.resolve("tools.img");
        final Lab.Result r = Lab.run(Duration.ofMinutes(1), "mkfs.ext4", "-q", "-F", "-d",
            dir.getParent().toString(), disk.toString(), "16M");
        assertEquals(0, r.status(), r.out());
        return disk;
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != guest)
        {
            guest.close();
        }
        QemuGuest.removeTap(TAP);
        if (null != lab)
        {
            lab.close();
        }
        if (null != work)
        {
            Lab.run(Duration.ofSeconds(30), "rm", "-rf", work.toString());
        }
    }

    /** Runs a command line in the guest's shell: what the console showed, as lines. */
    private static String inGuest(final String commandLine) throws Exception
    {
        final int from = at;
        at = guest.run(from, commandLine, Duration.ofMinutes(2));
        return guest.lines(from, at);
    }

    /** The connections to the VIP in an "ipvsadm -L -c -n" listing: "client dest state". */
    private static Set<String> connections(final String listing)
    {
        final Set<String> conns = new TreeSet<>();
        final Matcher m = CONN.matcher(listing);
        while (m.find())
        {
            conns.add(m.group(2) + " " + m.group(4) + " " + m.group(1));
        }
        return conns;
    }

    /** "client dest", without the state: a backup may see a connection a state behind. */
    private static Set<String> clientAndDest(final Set<String> conns)
    {
        final Set<String> only = new TreeSet<>();
        conns.forEach(c -> only.add(c.substring(0, c.lastIndexOf(' '))));
        return only;
    }

    private static Set<String> established(final Set<String> conns)
    {
        final Set<String> only = new TreeSet<>();
        conns.stream().filter(c -> c.endsWith(" ESTABLISHED")).forEach(only::add);
        return only;
    }

    /**
     * jlvs the master, the kernel the backup: while the lab's client holds a transfer through jlvs, the kernel's
     * connection table has jlvs's established connections, each with jlvs's real server.
     */
    @Test
    @Order(1)
    void shouldHaveAKernelBackupHoldTheConnectionsOfAJlvsMaster() throws Exception
    {
        final String started = inGuest("$K --start-daemon backup --mcast-interface $IF && echo backup-started");
        assertTrue(started.contains("\nbackup-started"), started);
        lab.startDirector(Lab.settingsWith("director.conf", Map.of("sync-daemon", "master", "sync-protocol", "ipvs")),
            1);
        try
        {
            final CompletableFuture<Lab.Result> transfer =
                Lab.clientPyAsync("transfer", "http://198.18.0.10/", "8000000", "1000000");
            assertEquals(0, Lab.clientPy(Duration.ofSeconds(60), "requests", "http://198.18.0.10/", "12", "45000")
                .status());
            Set<String> master = Set.of();
            String listing = "";
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            do
            {
                Thread.sleep(1000);
                master = established(connections(Lab.jlvs("ipvsadm", "-L", "-c", "-n").out()));
                listing = inGuest("$K -L -c -n");
            }
            while ((master.isEmpty() || !connections(listing).containsAll(master)) && System.nanoTime() < deadline);
            System.out.println("jlvs master's established connections: " + master + "\nkernel backup's: " +
                connections(listing));
            assertFalse(master.isEmpty(), "the transfer is an established connection of the master");
            assertTrue(connections(listing).containsAll(master), "the kernel backup holds " + master + ": " + listing);
            final String daemon = inGuest("$K -L -n --daemon");
            assertTrue(daemon.contains("backup sync daemon (mcast="), daemon);
            assertTrue(transfer.get(60, TimeUnit.SECONDS).out().contains("ok"), "the transfer went through");
        }
        finally
        {
            lab.stopDirector();
            inGuest("$K --stop-daemon backup");
        }
    }

    /**
     * The kernel the master, jlvs the backup: connections the kernel schedules (its own clients', through its
     * LOCAL_OUT hook, by DR to the lab's real servers) appear in the jlvs backup's table with the kernel's choices.
     */
    @Test
    @Order(2)
    void shouldHaveAJlvsBackupHoldTheConnectionsOfAKernelMaster() throws Exception
    {
        lab.startDirector(Lab.settingsWith("director.conf", Map.of("state", "backup", "sync-daemon", "backup",
            "sync-protocol", "ipvs")), 1);
        try
        {
            final String started = inGuest("$K --start-daemon master --mcast-interface $IF && echo master-started");
            assertTrue(started.contains("\nmaster-started"), started);
            // six connections held open 40 s, each with a request: SYN, ACK and the request are the three packets
            // after which the kernel syncs a connection (sync_threshold 3)
            final String opened = inGuest("(perl -MIO::Socket::INET -e 'my @s; for (1..6) { my $s = " +
                "IO::Socket::INET->new(PeerAddr => \"198.18.0.10\", PeerPort => 80, Timeout => 5) or die \"$!\"; " +
                "print $s \"GET / HTTP/1.0\\r\\n\\r\\n\"; push @s, $s } print \"opened 6\\n\"; sleep 40' &); " +
                "sleep 3");
            assertTrue(opened.contains("\nopened 6"), opened);
            final Set<String> master = new TreeSet<>();
            clientAndDest(connections(inGuest("$K -L -c -n"))).stream().filter(c -> c.startsWith(GUEST + ":"))
                .forEach(master::add);
            assertEquals(6, master.size(), "the kernel scheduled its six clients' connections: " + master);
            String listing = "";
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            do
            {
                Thread.sleep(1000);
                listing = Lab.jlvs("ipvsadm", "-L", "-c", "-n").out();
            }
            while (!clientAndDest(connections(listing)).containsAll(master) && System.nanoTime() < deadline);
            System.out.println("kernel master's connections: " + master + "\njlvs backup's: " + connections(listing));
            assertTrue(clientAndDest(connections(listing)).containsAll(master),
                "the jlvs backup holds " + master + ": " + listing);
        }
        finally
        {
            inGuest("$K --stop-daemon master");
            lab.stopDirector();
        }
    }

    /** The schedulers whose choices depend on the order of connections and on their addresses only. */
    private static final List<String> SCHEDULERS = List.of("rr", "wrr", "sh", "mh", "dh");
    /** The guest's client addresses, one per connection of a round (none of the lab's). */
    private static final int FIRST_SOURCE = 70;
    private static final int CONNECTIONS = 12;

    /**
     * The kernel's schedulers and jlvs's, on the same sequence of connections: for each scheduler the guest opens
     * twelve connections to the VIP, one from each of twelve addresses, first through its own IPVS service, then
     * (its service deleted) through the jlvs director; each connection goes to the same real server.
     */
    @Test
    @Order(3)
    void shouldScheduleAsTheKernelDoes() throws Exception
    {
        final String sources = inGuest("for i in $(seq " + FIRST_SOURCE + " " + (FIRST_SOURCE + CONNECTIONS - 1) +
            "); do ip addr add 198.18.0.$i/24 dev $IF; done && echo sources-added");
        assertTrue(sources.contains("\nsources-added"), sources);
        final Map<String, List<String>> kernel = new java.util.LinkedHashMap<>();
        for (int round = 0; round < SCHEDULERS.size(); round++)
        {
            final String scheduler = SCHEDULERS.get(round);
            inGuest("$K -E -t 198.18.0.10:80 -s " + scheduler);
            final String listing = inGuest(openAndReset(40000 + 100 * round) + " && $K -L -c -n");
            kernel.put(scheduler, choices(listing, 40000 + 100 * round));
        }
        inGuest("$K -D -t 198.18.0.10:80");
        lab.startDirector();
        try
        {
            for (int round = 0; round < SCHEDULERS.size(); round++)
            {
                final String scheduler = SCHEDULERS.get(round);
                assertEquals(0, Lab.jlvs("ipvsadm", "-E", "-t", "198.18.0.10:80", "-s", scheduler).status());
                final String opened = inGuest(openAndReset(41000 + 100 * round));
                assertTrue(opened.contains("\nround done"), opened);
                final List<String> jlvs = choices(Lab.jlvs("ipvsadm", "-L", "-c", "-n").out(), 41000 + 100 * round);
                System.out.printf("%-3s kernel %s%n    jlvs   %s%n", scheduler, kernel.get(scheduler), jlvs);
                assertEquals(kernel.get(scheduler), jlvs, scheduler + ": the kernel's choices and jlvs's");
            }
        }
        finally
        {
            lab.stopDirector();
        }
    }

    /**
     * A perl one-liner (the image has perl-base): the round's connections one after the other, connection i from
     * address FIRST_SOURCE + i and port {@code firstPort} + i, each reset once open (no TIME_WAIT).
     */
    private static String openAndReset(final int firstPort)
    {
        return "perl -MSocket -MIO::Socket::INET -e 'for my $i (0.." + (CONNECTIONS - 1) + ") { " +
            "my $s = IO::Socket::INET->new(PeerAddr => \"198.18.0.10\", PeerPort => 80, " +
            "LocalAddr => \"198.18.0.\" . (" + FIRST_SOURCE + " + $i), LocalPort => " + firstPort + " + $i, " +
            "Timeout => 5) or die \"connection $i: $!\"; select(undef, undef, undef, 0.2); " +
            "setsockopt($s, SOL_SOCKET, SO_LINGER, pack(\"ii\", 1, 0)); close $s } print \"round done\\n\"'";
    }

    /** The real server of each connection of a round, in the round's order, from an "ipvsadm -L -c -n". */
    private static List<String> choices(final String listing, final int firstPort)
    {
        final Map<String, String> byClient = new java.util.HashMap<>();
        final Matcher m = CONN.matcher(listing);
        while (m.find())
        {
            byClient.put(m.group(2), m.group(4));
        }
        final List<String> chosen = new java.util.ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++)
        {
            chosen.add(byClient.getOrDefault("198.18.0." + (FIRST_SOURCE + i) + ":" + (firstPort + i), "none"));
        }
        return chosen;
    }
}
