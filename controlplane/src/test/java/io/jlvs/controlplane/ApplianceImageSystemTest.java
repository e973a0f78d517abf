package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The appliance image (appliance-image/build.sh, built here once per run when missing or older than the build),
 * booted by QEMU under software emulation with its NIC on a TAP in the lab's switch: configured from its own
 * /etc/jlvs partition it comes up as the lab's director (systemd sees READY=1) and the lab's client gets HTTP
 * answers through the VIP by the configured weights; booted by UEFI (OVMF, systemd-boot) with the configuration it
 * ships, which names no NIC, the unit fails saying why on the console and the console still offers a login.
 * <p>
 * TCG, as this host has no KVM: -cpu Nehalem, as DPDK needs SSE4.2 and the JIT's code died under -cpu max; one TCG
 * thread for both CPUs, as with a thread per CPU the JVM died of SIGILL now and then at the entry of code the JIT
 * had just patched from the other CPU.
 */
class ApplianceImageSystemTest
{
    private static final Path IMAGE_DIR = Lab.ROOT.resolve("appliance-image/target");
    private static final Path IMAGE = IMAGE_DIR.resolve("jlvs-appliance.img");
    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    private static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE.fd");
    private static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS.fd");
    private static final String TAP = "jlvs-qemu0";
    /** Boot, JVM start and DPDK's setup under TCG on two host cores. */
    private static final Duration READY_WITHIN = Duration.ofMinutes(8);
    private static Lab lab;
    private static Path work;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        Capabilities.require(Files.isExecutable(QEMU), "qemu-system-x86_64 (Debian package qemu-system-x86)");
        Capabilities.require(Files.exists(OVMF_CODE), "OVMF (Debian package ovmf)");
        buildImageOnce();
        work = Files.createTempDirectory("jlvs-appliance");
        lab = Lab.up();
        Lab.run(Duration.ofSeconds(10), "ip", "netns", "exec", "jlvs-sw", "ip", "tuntap", "add", TAP, "mode", "tap");
        Lab.run(Duration.ofSeconds(10), "ip", "netns", "exec", "jlvs-sw", "ip", "link", "set", TAP, "master", "br0",
            "up");
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        Lab.run(Duration.ofSeconds(10), "ip", "netns", "exec", "jlvs-sw", "ip", "link", "del", TAP);
        if (null != lab)
        {
            lab.close();
        }
        if (null != work)
        {
            Lab.run(Duration.ofSeconds(30), "rm", "-rf", work.toString());
        }
    }

    /** The image of this build: build.sh makes it unless the one there was made from the same inputs. */
    private static void buildImageOnce() throws Exception
    {
        final long start = System.nanoTime();
        final Lab.Result r = Lab.run(Duration.ofMinutes(15), Map.of("JAVA_HOME", System.getProperty("java.home")),
            "bash", Lab.ROOT.resolve("appliance-image/build.sh").toString(), "--hugepages", "128", "--if-changed");
        System.out.println(r.out());
        assertEquals(0, r.status(), "appliance-image/build.sh: " + r.out());
        System.out.printf("appliance image built in %d s: %s%n", (System.nanoTime() - start) / 1_000_000_000L,
            Lab.run(Duration.ofSeconds(10), "du", "-h", "--apparent-size", IMAGE.toString()).out().strip());
    }

    /** A copy of the image (sparse), its /etc/jlvs replaced by {@code config} when given. */
    private static Path imageWith(final String name, final Map<String, String> config) throws Exception
    {
        final Path copy = work.resolve(name + ".img");
        assertEquals(0, Lab.run(Duration.ofMinutes(2), "cp", "--sparse=always", IMAGE.toString(), copy.toString())
            .status());
        if (null != config)
        {
            final Path dir = Files.createDirectories(work.resolve(name + "-config"));
            for (final Map.Entry<String, String> e : config.entrySet())
            {
                Files.writeString(dir.resolve(e.getKey()), e.getValue());
            }
            final Lab.Result r = Lab.run(Duration.ofMinutes(1), "bash",
                Lab.ROOT.resolve("appliance-image/set-config.sh").toString(), copy.toString(), dir.toString());
            assertEquals(0, r.status(), r.out());
        }
        return copy;
    }

    /** QEMU in the switch's namespace (where the TAP is), its serial console to {@code console}. */
    private static Process boot(final Path console, final List<String> machine) throws IOException
    {
        final List<String> cmd = new java.util.ArrayList<>(List.of("ip", "netns", "exec", "jlvs-sw", QEMU.toString(),
            "-machine", "q35", "-accel", "tcg,thread=single", "-cpu", "Nehalem", "-smp", "2", "-m", "2048",
            "-nographic", "-no-reboot",
            "-netdev", "tap,id=n0,ifname=" + TAP + ",script=no,downscript=no",
            "-device", "virtio-net-pci,netdev=n0,addr=0x3,mac=52:54:00:4a:4c:01,romfile="));
        cmd.addAll(machine);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE).start();
    }

    /** Waits until the console shows {@code line}; fails, printing the console, on {@code failure} or at the time. */
    private static void await(final Process qemu, final Path console, final String line, final String failure,
        final Duration within) throws Exception
    {
        final long deadline = System.nanoTime() + within.toNanos();
        while (true)
        {
            final String seen = Files.readString(console, StandardCharsets.ISO_8859_1);
            if (seen.contains(line))
            {
                return;
            }
            if ((null != failure && seen.contains(failure)) || !qemu.isAlive() || System.nanoTime() > deadline)
            {
                System.out.println("guest console:\n" + seen);
                fail("the guest did not show \"" + line + "\"" + (qemu.isAlive() ? "" : " (QEMU ended)") +
                    (null != failure && seen.contains(failure) ? ": it showed \"" + failure + "\"" : "") +
                    "; the console ended: " + tail(seen, 12));
            }
            Thread.sleep(500);
        }
    }

    /** The last {@code lines} lines of the console on one line, for a failure's message (CI shows those). */
    private static String tail(final String console, final int lines)
    {
        final List<String> all = console.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static void stop(final Process qemu) throws InterruptedException
    {
        qemu.destroy();
        if (!qemu.waitFor(10, TimeUnit.SECONDS))
        {
            qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldBootAsTheLabsDirectorAndBalanceByWeight() throws Exception
    {
        final Path image = imageWith("direct", Map.of(
            "default.conf", """
                instance = default
                port = net_af_packet0,iface=enp0s3,qpairs=1
                address = 198.18.0.2/24
                gateway = 198.18.0.254
                cores = 1
                control-core = 0
                hugepages = no
                memory = 256
                conn-table-size = 65536
                ldirectord-config = ldirectord.cf
                """,
            "ldirectord.cf", """
                checktimeout=3
                checkinterval=5
                quiescent=no
                virtual=198.18.0.10:80
                \treal=198.18.0.11:80 gate 3
                \treal=198.18.0.12:80 gate 2
                \treal=198.18.0.13:80 gate 1
                \tscheduler=wrr
                \tchecktype=on
                """));
        final Path console = work.resolve("direct-console.log");
        final long start = System.nanoTime();
        final Process qemu = boot(console, List.of(
            "-kernel", IMAGE_DIR.resolve("vmlinuz").toString(), "-initrd", IMAGE_DIR.resolve("initrd.img").toString(),
            "-append", "root=PARTLABEL=jlvs-root-a rw console=ttyS0,115200 hugepagesz=2M hugepages=128",
            "-drive", "file=" + image + ",format=raw,if=virtio"));
        try
        {
            // the image's drop-in echoes this from ExecStartPost, which systemd runs once READY=1 has come
            await(qemu, console, "jlvs@default: READY=1, forwarding", "the director cannot start", READY_WITHIN);
            System.out.printf("QEMU (TCG) boot to READY=1: %d s%n", (System.nanoTime() - start) / 1_000_000_000L);
            final Map<String, Long> answered = Lab.servers("http://" + Lab.VIP + "/", 30, 36000).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
            assertEquals(Map.of("rs1", 15L, "rs2", 10L, "rs3", 5L), answered, "wrr 3:2:1 through the guest");
        }
        finally
        {
            stop(qemu);
        }
    }

    @Test
    void shouldBootByUefiAndRefuseItsUnconfiguredDirectorOnTheConsole() throws Exception
    {
        final Path image = imageWith("uefi", null);
        final Path vars = work.resolve("OVMF_VARS.fd");
        Files.copy(OVMF_VARS, vars);
        final Path console = work.resolve("uefi-console.log");
        final long start = System.nanoTime();
        final Process qemu = boot(console, List.of(
            "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE,
            "-drive", "if=pflash,format=raw,file=" + vars,
            "-drive", "file=" + image + ",format=raw,if=virtio"));
        try
        {
            await(qemu, console, "jlvs login:", null, READY_WITHIN);
            System.out.printf("QEMU (TCG, OVMF, systemd-boot) boot to the login prompt: %d s%n",
                (System.nanoTime() - start) / 1_000_000_000L);
            await(qemu, console, "/etc/jlvs/default.conf: missing required key \"port\"", null, Duration.ofMinutes(5));
            await(qemu, console, "refused", null, Duration.ofMinutes(1));
            final String seen = Files.readString(console, StandardCharsets.ISO_8859_1);
            assertTrue(!seen.contains("READY=1, forwarding"), "nothing forwards half-configured: " + seen);
        }
        finally
        {
            stop(qemu);
        }
    }
}
