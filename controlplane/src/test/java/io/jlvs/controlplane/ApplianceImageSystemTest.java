package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The appliance image (appliance-image/build.sh, built here once per run when missing or older than the build),
 * booted by QEMU ({@link QemuGuest}) by UEFI with its NIC on a TAP in the lab's switch: its shipped configuration
 * refused on the console, then configured there as the lab's director, balancing by the weights, and updated into
 * its other root slot, from which it comes up and balances again.
 * <p>
 * Run by {@link QemuGuestsSystemTest} (its nested {@code Appliance}) in the lab it brings up, at the same time as
 * {@link KernelLvsPeerSystemTest}'s guest: so this guest has addresses of its own, {@link #DIP} and the VIP
 * {@link #VIP}, which the DR real servers carry on loopback for it.
 */
abstract class ApplianceImageSystemTest
{
    /** The guest director's address, and its VIP: none of the lab's director's or the kernel guest's. */
    static final String DIP = "198.18.0.6";
    static final String VIP = "198.18.0.110";
    private static final String TAP = "jlvs-qemu0";
    private static final String MAC = "52:54:00:4a:4c:01";
    /** Boot, JVM start and DPDK's setup under TCG on two host cores. */
    private static final Duration READY_WITHIN = Duration.ofMinutes(8);
    /** What the guest's drop-in echoes from ExecStartPost, which systemd runs once READY=1 has come. */
    private static final String READY = "jlvs@default: READY=1, forwarding";
    /** The lab's director: the guest's NIC is enp0s3, the VIP's three real servers weigh 3:2:1. */
    private static final Map<String, String> LAB_CONFIG = Map.of(
        "default.conf", """
            instance = default
            port = net_af_packet0,iface=enp0s3,qpairs=1
            address = %s/24
            gateway = 198.18.0.254
            cores = 1
            control-core = 0
            hugepages = no
            memory = 256
            conn-table-size = 65536
            ldirectord-config = ldirectord.cf
            # QEMU emulates both CPUs on one host thread: a spinning agent would take half of it from the other
            idle-sleep-max = 1000
            """.formatted(DIP),
        "ldirectord.cf", """
            checktimeout=3
            checkinterval=5
            quiescent=no
            virtual=%s:80
            \treal=198.18.0.11:80 gate 3
            \treal=198.18.0.12:80 gate 2
            \treal=198.18.0.13:80 gate 1
            \tscheduler=wrr
            \tchecktype=on
            """.formatted(VIP));
    private static Path work;

    @BeforeAll
    static void setUp() throws Exception
    {
        work = Files.createTempDirectory("jlvs-appliance");
        for (final String rs : List.of("jlvs-rs1", "jlvs-rs2", "jlvs-rs3"))
        {
            final Lab.Result r = Lab.run(Duration.ofSeconds(10), "ip", "-n", rs, "addr", "add", VIP + "/32", "dev",
                "lo");
            assertEquals(0, r.status(), r.out());
        }
        QemuGuest.addTap(TAP);
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        QemuGuest.removeTap(TAP);
        if (null != work)
        {
            Lab.run(Duration.ofSeconds(30), "rm", "-rf", work.toString());
        }
    }

    /** A disk holding a filesystem with the image as a file, as an operator copies it to the appliance. */
    private static Path updateDisk() throws Exception
    {
        final Path dir = Files.createDirectories(work.resolve("update"));
        assertEquals(0, Lab.run(Duration.ofMinutes(2), "cp", "--sparse=always", QemuGuest.IMAGE.toString(),
            dir.resolve(QemuGuest.IMAGE.getFileName()).toString()).status());
        final Path disk = work.resolve("update.img");
        final Lab.Result r = Lab.run(Duration.ofMinutes(3), "mkfs.ext4", "-q", "-F", "-L", "jlvs-update",
            "-d", dir.toString(), disk.toString(), (Files.size(QemuGuest.IMAGE) / 1048576 + 256) + "M");
        assertEquals(0, r.status(), r.out());
        Lab.run(Duration.ofSeconds(30), "rm", "-rf", dir.toString());
        return disk;
    }

    private static void assertBalancedByWeight(final int firstPort) throws Exception
    {
        final Map<String, Long> answered = Lab.servers("http://" + VIP + "/", 30, firstPort).stream()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(Map.of("rs1", 15L, "rs2", 10L, "rs3", 5L), answered, "wrr 3:2:1 through the guest");
    }

    private static long secondsSince(final long start)
    {
        return (System.nanoTime() - start) / 1_000_000_000L;
    }

    /** A copy of the image whose /etc/jlvs holds the files the image ships and the lab's beside them in lab/. */
    private static Path imageWithTheLabsConfigBeside() throws Exception
    {
        final Path dir = Files.createDirectories(work.resolve("config/lab"));
        for (final String shipped : List.of("default.conf", "ldirectord.cf"))
        {
            Files.copy(Lab.ROOT.resolve("appliance-image/rootfs/etc/jlvs").resolve(shipped),
                dir.getParent().resolve(shipped));
        }
        for (final Map.Entry<String, String> e : LAB_CONFIG.entrySet())
        {
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        final Path copy = work.resolve("appliance.img");
        assertEquals(0, Lab.run(Duration.ofMinutes(2), "cp", "--sparse=always", QemuGuest.IMAGE.toString(),
            copy.toString()).status());
        final Lab.Result r = Lab.run(Duration.ofMinutes(1), "bash",
            Lab.ROOT.resolve("appliance-image/set-config.sh").toString(), copy.toString(), dir.getParent().toString());
        assertEquals(0, r.status(), r.out());
        return copy;
    }

    /**
     * The operator's path, booted by UEFI (OVMF, systemd-boot) from slot A. The configuration the image ships names
     * no NIC: the director refuses, saying why on the console, nothing forwards, and the console offers a login.
     * Root logs in, puts the lab's configuration in place and starts the director, which balances by the weights.
     * "jlvs-update" then writes the image (here the same build, from a file on a second disk) into slot B and
     * reboots; systemd-boot starts slot B once, its director comes up from the same /etc/jlvs, the slot becomes the
     * default, and it balances as before.
     */
    @Test
    void shouldRefuseItsShippedConfigurationThenBalanceAndUpdateItselfIntoTheOtherSlot() throws Exception
    {
        final Path image = imageWithTheLabsConfigBeside();
        final Path update = updateDisk();
        final Path vars = work.resolve("OVMF_VARS.fd");
        Files.copy(QemuGuest.OVMF_VARS, vars);
        final String password = Files.readString(QemuGuest.IMAGE_DIR.resolve("root-password")).strip();
        final long start = System.nanoTime();
        try (QemuGuest guest = QemuGuest.boot(work.resolve("console.log"), TAP, MAC, List.of(
            "-drive", "if=pflash,format=raw,readonly=on,file=" + QemuGuest.OVMF_CODE,
            "-drive", "if=pflash,format=raw,file=" + vars,
            // the disks are this test's copies: the guest's flushes need not reach this host's disk
            "-drive", "file=" + image + ",format=raw,if=virtio,cache=unsafe",
            "-drive", "file=" + update + ",format=raw,if=virtio,cache=unsafe")))
        {
            int at = guest.await(0, "root=PARTLABEL=jlvs-root-a", null, READY_WITHIN);
            at = guest.await(at, "/etc/jlvs/default.conf: missing required key \"port\"", READY, READY_WITHIN);
            at = guest.await(at, "refused", READY, Duration.ofMinutes(1));
            System.out.printf("QEMU (TCG, OVMF, systemd-boot) boot to the shipped configuration's refusal: %d s%n",
                secondsSince(start));

            guest.type("\n");
            at = guest.await(at, "jlvs login:", READY, Duration.ofMinutes(2));
            guest.type("root\n");
            at = guest.await(at, "Password:", null, Duration.ofMinutes(1));
            guest.type(password + "\n");
            // login discards what is typed before the shell runs: the prompt first
            at = guest.await(at, "root@jlvs:", "Login incorrect", Duration.ofMinutes(2));
            assertFalse(guest.console().contains(READY), "nothing forwards half-configured");
            final long configured = System.nanoTime();
            guest.type("cp /etc/jlvs/lab/default.conf /etc/jlvs/lab/ldirectord.cf /etc/jlvs/ && " +
                "systemctl reset-failed jlvs@default && systemctl start --no-block jlvs@default\n");
            at = guest.await(at, READY, "the director cannot start", READY_WITHIN);
            System.out.printf("configured on the console, the director's start to READY=1: %d s%n",
                secondsSince(configured));
            assertBalancedByWeight(36000);

            final long updating = System.nanoTime();
            guest.type("mount -o ro /dev/vdb /mnt && jlvs-update /mnt/jlvs-appliance.img && systemctl reboot\n");
            at = guest.await(at, "the next boot starts slot B once", "jlvs-update: error:", Duration.ofMinutes(5));
            System.out.printf("jlvs-update in the guest: %d s%n", secondsSince(updating));
            at = guest.await(at, "root=PARTLABEL=jlvs-root-b", null, Duration.ofMinutes(3));
            final long rebooted = System.nanoTime();
            at = guest.await(at, READY, "the director cannot start", READY_WITHIN);
            System.out.printf("slot B's boot to READY=1: %d s%n", secondsSince(rebooted));
            guest.await(at, "jlvs-update: slot B is the default now", null, Duration.ofMinutes(2));
            assertBalancedByWeight(37000);
        }
    }
}
