package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.IpvsadmFormatter;
import io.jlvs.controlplane.admin.ListFormat;
import io.jlvs.controlplane.admin.ServiceView;
import io.jlvs.controlplane.admin.VersionView;
import io.jlvs.controlplane.keepalived.KeepalivedConfigParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

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
 * <p>
 * Run by {@link QemuGuestsSystemTest} (its nested {@code KernelLvsPeer}) in the lab it brings up, at the same time
 * as {@link ApplianceImageSystemTest}'s guest, which has addresses of its own. Its tests build on each other and run
 * in their order, one after another (SAME_THREAD: the nested class's CONCURRENT would otherwise reach them).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class KernelLvsPeerSystemTest
{
    private static final String TAP = "jlvs-qemu1";
    private static final String MAC = "52:54:00:4a:4c:05";
    private static final String GUEST = "198.18.0.5";
    private static final Path IPVSADM = Path.of("/usr/sbin/ipvsadm");
    /** One line of "ipvsadm -L -c -n", as the kernel and jlvs print it. */
    private static final Pattern CONN = Pattern.compile("(?m)^TCP\\s+\\d\\d:\\d\\d\\s+(\\S+)\\s+" +
        "(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)\\s+(198\\.18\\.0\\.10:80)\\s+(\\S+)\\s*$");
    /** A library in ldd's listing: its path and its name. */
    private static final Pattern LINKED = Pattern.compile("=> (/\\S+/(lib\\S+))");
    /** glibc's own libraries, which the guest has in the version its loader needs. */
    private static final Pattern GLIBC = Pattern.compile("lib(?:c|m|resolv|pthread|dl|rt)\\.so\\.\\d+");
    /** The kernel's connection table size, as its ipvsadm -L's first line says it (IP_VS_CONN_TAB_BITS 12). */
    private static final int KERNEL_CONN_TAB_SIZE = 4096;
    private static Lab lab;
    private static Path work;
    private static QemuGuest guest;
    private static int at;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.require(Files.isExecutable(KeepalivedCorpusTest.KEEPALIVED),
            "Debian's keepalived (package keepalived) at " + KeepalivedCorpusTest.KEEPALIVED);
        Capabilities.require(Files.isExecutable(IPVSADM) &&
            Lab.run(Duration.ofSeconds(10), "ldd", IPVSADM.toString()).out().contains("libnl-genl"),
            "Debian's ipvsadm (package ipvsadm) at " + IPVSADM);
        work = Files.createTempDirectory("jlvs-kernel-lvs");
        final Path tools = toolsDisk();
        lab = QemuGuestsSystemTest.lab;
        QemuGuest.addTap(TAP);
        final long start = System.nanoTime();
        // quiet: the kernel's notices stay off the console the commands are typed on (in CI one printed in the middle
        // of an echoed command line, whose echo then showed a character twice)
        guest = QemuGuest.boot(work.resolve("console.log"), TAP, MAC, List.of("-no-reboot",
            "-kernel", QemuGuest.KERNEL.toString(), "-initrd", QemuGuest.INITRD.toString(),
            "-append", "root=PARTLABEL=jlvs-root-a ro console=ttyS0,115200 quiet init=/bin/bash",
            "-drive", "file=" + QemuGuest.IMAGE + ",format=raw,if=virtio,readonly=on",
            "-drive", "file=" + tools + ",format=raw,if=virtio,readonly=on"));
        at = guest.await(0, "no job control in this shell", null, Duration.ofMinutes(3));
        final String up = inGuest("mount -t proc proc /proc; mount -t sysfs sys /sys; " +
            "mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /tmp; mkdir /run/t; mount -o ro /dev/vdb /run/t; " +
            "L='env LD_LIBRARY_PATH=/run/t/lib'; K=\"$L /run/t/ipvsadm\"; " +
            "IF=$(ls /sys/class/net | grep -v '^lo$' | head -1); " +
            "modprobe ip_vs && ip link set lo up && ip link set $IF up && ip addr add " + GUEST + "/24 dev $IF && " +
            "$K -A -t 198.18.0.10:80 -s wrr && $K -a -t 198.18.0.10:80 -r 198.18.0.11:80 -g -w 3 && " +
            "$K -a -t 198.18.0.10:80 -r 198.18.0.12:80 -g -w 2 && $K -a -t 198.18.0.10:80 -r 198.18.0.13:80 -g -w 1 " +
            "&& echo kernel-lvs-up");
        assertTrue(up.contains("\nkernel-lvs-up"), up);
        System.out.printf("kernel LVS guest up in %d s%n", (System.nanoTime() - start) / 1_000_000_000L);
    }

    /**
     * Debian's ipvsadm and keepalived with the libraries they link (glibc's are the guest's), and the keepalived.conf
     * files of {@link KeepalivedCorpusTest}, from this host, on an ext4 disk of their own.
     */
    private static Path toolsDisk() throws Exception
    {
        final Path tools = work.resolve("tools");
        final Path lib = Files.createDirectories(tools.resolve("lib"));
        for (final Path program : List.of(IPVSADM, KeepalivedCorpusTest.KEEPALIVED))
        {
            Files.copy(program, tools.resolve(program.getFileName()));
            final Matcher m = LINKED.matcher(Lab.run(Duration.ofSeconds(10), "ldd", program.toString()).out());
            while (m.find())
            {
                if (!GLIBC.matcher(m.group(2)).matches() && !Files.exists(lib.resolve(m.group(2))))
                {
                    Files.copy(Path.of(m.group(1)), lib.resolve(m.group(2)));
                }
            }
        }
        assertEquals(0, Lab.run(Duration.ofSeconds(30), "cp", "-r", KeepalivedCorpusTest.corpusDir().toString(),
            tools.resolve("corpus").toString()).status());
        assertEquals(0, Lab.run(Duration.ofSeconds(30), "cp", "-r", KeepalivedCorpusTest.SAMPLES.toString(),
            tools.resolve("samples").toString()).status());
        final Path disk = work.resolve("tools.img");
        final Lab.Result r = Lab.run(Duration.ofMinutes(1), "mkfs.ext4", "-q", "-F", "-d",
            tools.toString(), disk.toString(), "96M");
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
    @Execution(ExecutionMode.SAME_THREAD)
    void shouldHaveAKernelBackupHoldTheConnectionsOfAJlvsMaster() throws Exception
    {
        final String started = inGuest("$K --start-daemon backup --mcast-interface $IF && echo backup-started");
        assertTrue(started.contains("\nbackup-started"), started);
        lab.startDirector(Lab.settingsWith("director.conf", Map.of("sync-daemon", "master", "sync-protocol", "ipvs")),
            1);
        try
        {
            // 16 s: established while the loop below looks, the guest slow beside the other
            final CompletableFuture<Lab.Result> transfer =
                Lab.clientPyAsync("transfer", "http://198.18.0.10/", "16000000", "1000000");
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
    @Execution(ExecutionMode.SAME_THREAD)
    void shouldHaveAJlvsBackupHoldTheConnectionsOfAKernelMaster() throws Exception
    {
        lab.startDirector(Lab.settingsWith("director.conf", Map.of("state", "backup", "sync-daemon", "backup",
            "sync-protocol", "ipvs")), 1);
        try
        {
            final String started = inGuest("$K --start-daemon master --mcast-interface $IF && echo master-started");
            assertTrue(started.contains("\nmaster-started"), started);
            // six connections held open 40 s, each with a request: SYN, ACK and the request are the three packets
            // after which the kernel syncs a connection (sync_threshold 3). Once all six are open perl forks: the
            // child holds them, the parent's end is the command's, however slow the emulation
            final String opened = inGuest("perl -MIO::Socket::INET -e 'my @s; for (1..6) { my $s = " +
                "IO::Socket::INET->new(PeerAddr => \"198.18.0.10\", PeerPort => 80, Timeout => 5) or die \"$!\"; " +
                "print $s \"GET / HTTP/1.0\\r\\n\\r\\n\"; push @s, $s } print \"opened 6\\n\"; exit if fork; " +
                "sleep 40'");
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
    @Execution(ExecutionMode.SAME_THREAD)
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
            final String opened = inGuest(openAndReset(40000 + 100 * round, true));
            assertTrue(opened.contains("\nround done"), opened);
            kernel.put(scheduler, chosenInTheGuest(opened));
        }
        inGuest("$K -D -t 198.18.0.10:80");
        lab.startDirector();
        try
        {
            for (int round = 0; round < SCHEDULERS.size(); round++)
            {
                final String scheduler = SCHEDULERS.get(round);
                assertEquals(0, Lab.jlvs("ipvsadm", "-E", "-t", "198.18.0.10:80", "-s", scheduler).status());
                final String opened = inGuest(openAndReset(41000 + 100 * round, false));
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
     * keepalived's own reading of keepalived.conf: for each file of the corpus and each of keepalived's samples that
     * has virtual servers, keepalived's checker ({@code -C}) sets up the kernel's table in the guest, and when it
     * dumps its configuration ({@code --dump-conf}: after it has set up the table, as its checkers start) it is
     * stopped, and the kernel's {@code ipvsadm -S -n} is the table {@code jlvs check -k FILE --table} prints for the
     * same file. A checker that failed and moved the table first (no real server answers in the guest; a first
     * check comes at a random time within the loop) is seen in keepalived's log, and the file is read again.
     */
    @Test
    @Order(4)
    @Execution(ExecutionMode.SAME_THREAD)
    void shouldSetUpTheTableKeepalivedSetsUpFromTheSameFile() throws Exception
    {
        final Path corpus = KeepalivedCorpusTest.corpusDir();
        final List<String> differ = new java.util.ArrayList<>();
        int compared = 0;
        for (final Path file : KeepalivedCorpusTest.files())
        {
            // keepalived's checker reads the file's LVS part only: what jlvs refuses in its VRRP part does not count
            final ConfigCheck.Result r = ConfigCheck.run(null, null, file, KeepalivedCorpusTest.CONFIG_ID);
            if (null == r.config() || r.config().virtualServices().isEmpty() ||
                !KeepalivedConfigParser.check(file, KeepalivedCorpusTest.CONFIG_ID).errors().isEmpty())
            {
                continue;
            }
            final String guestFile = file.startsWith(corpus) ? "/run/t/corpus/" + corpus.relativize(file) :
                "/run/t/samples/" + file.getFileName();
            String out = inGuest(keepalivedTable(guestFile));
            for (int again = 0; again < 2 && out.contains("\n==checked\n"); again++)
            {
                // a check that failed (none of the real servers answers in the guest) moved the table before it was read
                out = inGuest(keepalivedTable(guestFile));
            }
            final List<ServiceView> services = ConfigCheck.table(r);
            final IpvsadmFormatter ipvsadm = new IpvsadmFormatter();
            // jlvs's -S keeps the thresholds that ipvsadm's drops: they are compared in the --thresholds listing
            final String jlvs = ipvsadm.save(services, ListFormat.NUMERIC).replaceAll(" -x \\d+ -y \\d+", "");
            final String jlvsThresholds = ipvsadm.listAll(VersionView.ipvs121(KERNEL_CONN_TAB_SIZE), services,
                ListFormat.NUMERIC.withThresholds());
            final String kernel = between(out, "==table\n", "==end\n");
            final String kernelThresholds = between(out, "==thresholds\n", "==end\n");
            final List<String> keepalivedCheckers = KeepalivedDump.checkers(between(out, "==checkers\n", "==end\n"));
            final List<String> jlvsCheckers = KeepalivedDump.unsetHostTimeouts(
                KeepalivedDump.checkers(r.keepalived().keepalived()), keepalivedCheckers);
            compared++;
            if (!out.contains("\n==set-up\n"))
            {
                differ.add(file + ": keepalived did not set up its table:\n" + between(out, "==log\n", "==end\n"));
            }
            else if (!byService(kernel).equals(byService(jlvs)) || !kernelThresholds.equals(jlvsThresholds))
            {
                differ.add(file + (out.contains("\n==checked\n") ? " (a checker had acted, three times)" : "") +
                    ":\nkeepalived's (ipvsadm -S -n):\n" + kernel + "jlvs's:\n" + jlvs +
                    "keepalived's (ipvsadm -L -n --thresholds):\n" + kernelThresholds + "jlvs's:\n" + jlvsThresholds);
            }
            else if (!keepalivedCheckers.equals(jlvsCheckers))
            {
                differ.add(file + ": checkers\nkeepalived's (--dump-conf):\n  " + String.join("\n  ",
                    keepalivedCheckers) + "\njlvs's:\n  " + String.join("\n  ", jlvsCheckers) + "\nkeepalived's dump:\n" +
                    between(out, "==checkers\n", "==end\n"));
            }
            else
            {
                System.out.printf("%s: %d services, %d lines, %d checkers, as keepalived's%n", file.getFileName(),
                    byService(jlvs).size(), jlvs.lines().count(), jlvsCheckers.size());
            }
        }
        assertEquals(List.of(), differ, "the tables of keepalived and jlvs");
        assertTrue(compared >= 20, "files with virtual servers compared: " + compared);
    }

    /**
     * keepalived's own reading of a vrrp_instance: for each file of the corpus and of keepalived's samples whose VRRP
     * part jlvs takes (one instance), keepalived's VRRP process ({@code --vrrp -d}) in the guest, on dummy
     * interfaces of the file's names, dumps the instance jlvs reads: version, state, router id, priority, advert
     * interval, preemption and its delay, authentication, addresses, unicast peers, tracked interfaces and scripts.
     */
    @Test
    @Order(5)
    @Execution(ExecutionMode.SAME_THREAD)
    void shouldReadTheVrrpInstanceKeepalivedReadsFromTheSameFile() throws Exception
    {
        final String up = inGuest("for i in eth0 eth1 eth2 eth3; do ip link add $i type dummy 2>/dev/null; " +
            "ip link set $i up; done; ip addr add 10.254.0.1/24 dev eth0; ip addr add 10.254.1.1/24 dev eth1; " +
            "echo dummies-up");
        assertTrue(up.contains("\ndummies-up"), up);
        final Path corpus = KeepalivedCorpusTest.corpusDir();
        final List<String> differ = new java.util.ArrayList<>();
        int compared = 0;
        for (final Path file : KeepalivedCorpusTest.files())
        {
            final io.jlvs.controlplane.vrrp.VrrpConfig vrrp;
            try
            {
                vrrp = io.jlvs.controlplane.vrrp.VrrpConfig.parse(file, KeepalivedCorpusTest.CONFIG_ID, true, (w) -> {});
            }
            catch (final io.jlvs.controlplane.config.ConfigException ex)
            {
                continue; // no instance, or more than jlvs's one: KeepalivedCorpusTest and VrrpConfigTest say which
            }
            final String guestFile = file.startsWith(corpus) ? "/run/t/corpus/" + corpus.relativize(file) :
                "/run/t/samples/" + file.getFileName();
            final String out = inGuest("R=/run/kv; mkdir -p $R; rm -f $R/*; " +
                "$L /run/t/keepalived -n -l -D -P -d -i " + KeepalivedCorpusTest.CONFIG_ID + " -f " + guestFile +
                " -p $R/k.pid -r $R/v.pid > $R/log 2>&1 & " +
                awaitDump("$R/log", "VRRP Instance =", null) +
                "kill $!; wait; echo '=''=vrrp'; awk '/VRRP Instance =/{f=1} f' $R/log | grep -E '^[^:]+:[^:]+:" +
                "[^:]+:  ' | head -150; echo '=''=end'");
            final List<String> keepalived = KeepalivedDump.instance(between(out, "==vrrp\n", "==end\n"));
            final List<String> jlvs = KeepalivedDump.instance(vrrp);
            compared++;
            if (!keepalived.equals(jlvs))
            {
                differ.add(file + ":\nkeepalived's (--dump-conf):\n  " + String.join("\n  ", keepalived) +
                    "\njlvs's:\n  " + String.join("\n  ", jlvs) + "\nkeepalived's dump:\n" +
                    between(out, "==vrrp\n", "==end\n"));
            }
            else
            {
                System.out.printf("%s: vrrp_instance %s as keepalived's: %s%n", file.getFileName(), vrrp.name(),
                    String.join("; ", jlvs));
            }
        }
        assertEquals(List.of(), differ, "the vrrp_instance of keepalived and of jlvs");
        assertTrue(compared >= 3, "files with one vrrp_instance compared: " + compared);
    }

    /**
     * keepalived's checker on {@code file} until it has dumped its configuration, then the kernel's table, then
     * keepalived stopped and the table cleared; the answer's markers are typed split so that the echo of the
     * command line does not carry them.
     */
    private static String keepalivedTable(final String file)
    {
        return "R=/run/ka; mkdir -p $R; rm -f $R/*; $K -C; " +
            "$L /run/t/keepalived -n -l -D -C -d -i " + KeepalivedCorpusTest.CONFIG_ID + " -f " + file +
            " > $R/log 2>&1 & " +
            awaitDump("$R/log", "LVS Topology", "Activating healthchecker") +
            // stopped, its checkers cannot change the table between the two listings; one that did before is said
            "pkill -STOP -x keepalived; $K -S -n > $R/table; $K -L -n --thresholds > $R/thresholds; " +
            "awk '/Activating healthchecker/{a=1} a && /(Removing|Disabling) service/{f=1} END{exit !f}' $R/log && " +
            "echo '=''=checked'; " +
            "grep -q 'LVS Topology' $R/log && echo '=''=set-up'; pkill -CONT -x keepalived; kill $!; wait; $K -C; " +
            "echo '=''=table'; cat $R/table; echo '=''=end'; " +
            "echo '=''=thresholds'; cat $R/thresholds; echo '=''=end'; " +
            // the first dump's checkers: its lines are indented, the next line of another kind ends them
            "echo '=''=checkers'; awk 'f && !/[0-9]:  /{f=0} /Health checkers/ && !n{f=1; n=1} f' $R/log | " +
            "grep -E ' -> |Keepalive method|Alpha =|Delay loop =|Warmup =|Retries =|Delay before retry =|" +
            "Log all failures|Connection$|Dest =|Timeout ='; echo '=''=end'; " +
            "echo '=''=log'; grep -v '^ ' $R/log | tail -20; echo '=''=end'";
    }

    /**
     * A shell loop that waits (30 s at most) until keepalived has written the whole of its dump to {@code log}: the
     * line {@code after} that follows the dump where keepalived writes one, else the log unchanged for a second
     * once it shows {@code started}. Under TCG the dump takes long enough to be read half-written.
     */
    private static String awaitDump(final String log, final String started, final String after)
    {
        return "p=; n=0; for i in $(seq 300); do " +
            (null == after ? "" : "grep -q '" + after + "' " + log + " && break; ") +
            "s=$(stat -c %s " + log + "); if grep -q '" + started + "' " + log + " && [ \"$s\" = \"$p\" ]; " +
            "then n=$((n+1)); else n=0; fi; [ $n -ge 10 ] && break; p=$s; sleep 0.1; done; ";
    }

    private static String between(final String text, final String start, final String end)
    {
        final int from = text.indexOf(start);
        final int to = from < 0 ? -1 : text.indexOf(end, from + start.length());
        return to < 0 ? "" : text.substring(from + start.length(), to);
    }

    /** An {@code ipvsadm -S} listing by service, each service's real servers in order: the kernel's order is its hash's. */
    private static Map<String, Set<String>> byService(final String save)
    {
        final Map<String, String> services = new java.util.HashMap<>();
        final Map<String, Set<String>> dests = new java.util.HashMap<>();
        for (final String line : save.lines().map(String::strip).toList())
        {
            final String[] w = line.split(" ");
            if (w.length > 2 && (w[0].equals("-A") || w[0].equals("-a")))
            {
                final String service = w[1] + " " + w[2];
                if (w[0].equals("-A"))
                {
                    services.put(service, line);
                }
                dests.computeIfAbsent(service, (k) -> new TreeSet<>());
                if (w[0].equals("-a"))
                {
                    dests.get(service).add(line);
                }
            }
        }
        final Map<String, Set<String>> out = new java.util.TreeMap<>();
        dests.forEach((service, lines) -> out.put(services.getOrDefault(service, "(no -A) " + service), lines));
        return out;
    }

    /**
     * A perl one-liner (the image has perl-base): the round's connections one after the other, connection i from
     * address FIRST_SOURCE + i and port {@code firstPort} + i, each reset once open (no TIME_WAIT). With
     * {@code readKernelTable}, the guest's own IPVS entry of each connection is read while it is open
     * ({@code /proc/net/ip_vs_conn}) and printed as "chose I DEST-HEX PORT-HEX": a listing after the round can miss an
     * entry the kernel has already let go (a reset connection's CLOSE lasts 10 s, and an emulated guest is slow).
     */
    private static String openAndReset(final int firstPort, final boolean readKernelTable)
    {
        final String read = !readKernelTable ? "" :
            "my $from = sprintf(\"%08X\", (198 << 24) | (18 << 16) | (" + FIRST_SOURCE + " + $i)); " +
            "open(my $t, \"<\", \"/proc/net/ip_vs_conn\") or die \"ip_vs_conn: $!\"; " +
            "while (my $l = <$t>) { my @w = split \" \", $l; " +
            "print \"chose $i $w[5] $w[6]\\n\" if $w[1] eq $from && hex($w[2]) == " + firstPort + " + $i } " +
            "close $t; ";
        return "perl -MSocket -MIO::Socket::INET -e 'for my $i (0.." + (CONNECTIONS - 1) + ") { " +
            "my $s = IO::Socket::INET->new(PeerAddr => \"198.18.0.10\", PeerPort => 80, " +
            "LocalAddr => \"198.18.0.\" . (" + FIRST_SOURCE + " + $i), LocalPort => " + firstPort + " + $i, " +
            "Timeout => 5) or die \"connection $i: $!\"; " + read + "select(undef, undef, undef, 0.2); " +
            "setsockopt($s, SOL_SOCKET, SO_LINGER, pack(\"ii\", 1, 0)); close $s } print \"round done\\n\"'";
    }

    /** "chose I DEST-HEX PORT-HEX" lines of {@link #openAndReset}: the real server of each connection, in order. */
    private static List<String> chosenInTheGuest(final String out)
    {
        final String[] chosen = new String[CONNECTIONS];
        java.util.Arrays.fill(chosen, "none");
        final Matcher m = CHOSE.matcher(out);
        while (m.find())
        {
            final long ip = Long.parseLong(m.group(2), 16);
            chosen[Integer.parseInt(m.group(1))] = (ip >>> 24) + "." + (ip >>> 16 & 0xff) + "." + (ip >>> 8 & 0xff) +
                "." + (ip & 0xff) + ":" + Integer.parseInt(m.group(3), 16);
        }
        return List.of(chosen);
    }

    private static final Pattern CHOSE = Pattern.compile("(?m)^chose (\\d+) ([0-9A-F]{8}) ([0-9A-F]{4})\\s*$");

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
