package io.jlvs.controlplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A QEMU guest of the system tests, its NIC on a TAP in the lab's switch (br0 in jlvs-sw), its serial console
 * written to a file that the test reads and typed into through QEMU's standard input.
 * <p>
 * TCG, as this host has no KVM: -cpu Nehalem, as DPDK needs SSE4.2 and the JIT's code died under -cpu max; one TCG
 * thread for both CPUs, as with a thread per CPU the JVM died of SIGILL now and then at the entry of code the JIT
 * had just patched from the other CPU.
 */
final class QemuGuest implements AutoCloseable
{
    static final Path IMAGE_DIR = Lab.ROOT.resolve("appliance-image/target");
    static final Path IMAGE = IMAGE_DIR.resolve("jlvs-appliance.img");
    static final Path KERNEL = IMAGE_DIR.resolve("vmlinuz");
    static final Path INITRD = IMAGE_DIR.resolve("initrd.img");
    static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE.fd");
    static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS.fd");
    private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    /** build.sh's --hugepages for the test image: controlplane's pom sets it, for its early build as for this one. */
    private static final String HUGEPAGES = java.util.Objects.requireNonNull(
        System.getProperty("jlvs.testImageHugepages"), "jlvs.testImageHugepages: set by controlplane's pom for failsafe");

    private final Process qemu;
    private final Path console;

    private QemuGuest(final Process qemu, final Path console)
    {
        this.qemu = qemu;
        this.console = console;
    }

    /** Skips (outside CI) or fails (in CI) where QEMU or OVMF is missing. */
    static void requireQemu()
    {
        Capabilities.require(Files.isExecutable(QEMU), "qemu-system-x86_64 (Debian package qemu-system-x86)");
        Capabilities.require(Files.exists(OVMF_CODE), "OVMF (Debian package ovmf)");
    }

    /** The appliance image of this build: build.sh makes it unless the one there was made from the same inputs. */
    static void buildImageOnce() throws Exception
    {
        final long start = System.nanoTime();
        final Lab.Result r = Lab.run(Duration.ofMinutes(15), Map.of("JAVA_HOME", System.getProperty("java.home")),
            "bash", Lab.ROOT.resolve("appliance-image/build.sh").toString(), "--hugepages", HUGEPAGES, "--if-changed");
        System.out.println(r.out());
        assertEquals(0, r.status(), "appliance-image/build.sh: " + r.out());
        System.out.printf("appliance image ready in %d s: %s%n", (System.nanoTime() - start) / 1_000_000_000L,
            Lab.run(Duration.ofSeconds(10), "du", "-h", "--apparent-size", IMAGE.toString()).out().strip());
    }

    /** A TAP in the lab's switch, for a guest's NIC. */
    static void addTap(final String tap) throws Exception
    {
        Lab.run(Duration.ofSeconds(10), "ip", "netns", "exec", "jlvs-sw", "ip", "tuntap", "add", tap, "mode", "tap");
        Lab.run(Duration.ofSeconds(10), "ip", "netns", "exec", "jlvs-sw", "ip", "link", "set", tap, "master", "br0",
            "up");
    }

    static void removeTap(final String tap) throws Exception
    {
        Lab.run(Duration.ofSeconds(10), "ip", "netns", "exec", "jlvs-sw", "ip", "link", "del", tap);
    }

    /** QEMU in the switch's namespace (where the TAP is) with a virtio NIC of MAC {@code mac} at PCI slot 3. */
    static QemuGuest boot(final Path console, final String tap, final String mac, final List<String> machine)
        throws IOException
    {
        final List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", "jlvs-sw", QEMU.toString(),
            "-machine", "q35", "-accel", "tcg,thread=single", "-cpu", "Nehalem", "-smp", "2", "-m", "2048",
            "-nographic",
            "-netdev", "tap,id=n0,ifname=" + tap + ",script=no,downscript=no",
            "-device", "virtio-net-pci,netdev=n0,addr=0x3,mac=" + mac + ",romfile="));
        cmd.addAll(machine);
        final Process qemu = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(console.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        return new QemuGuest(qemu, console);
    }

    /**
     * Waits until the console shows {@code line} after offset {@code from}; fails, printing the console, on
     * {@code failure} (after {@code from}), when QEMU ends, or at the time.
     *
     * @return the offset just past the line
     */
    int await(final int from, final String line, final String failure, final Duration within) throws Exception
    {
        final long deadline = System.nanoTime() + within.toNanos();
        while (true)
        {
            final String seen = console();
            final int found = seen.indexOf(line, from);
            if (found >= 0)
            {
                return found + line.length();
            }
            final boolean failed = null != failure && seen.indexOf(failure, from) >= 0;
            if (failed || !qemu.isAlive() || System.nanoTime() > deadline)
            {
                System.out.println("guest console:\n" + seen);
                fail("the guest did not show \"" + line + "\"" + (qemu.isAlive() ? "" : " (QEMU ended)") +
                    (failed ? ": it showed \"" + failure + "\"" : "") + "; the console ended: " + tail(seen, 12));
            }
            Thread.sleep(500);
        }
    }

    /**
     * Runs a shell command line on the console and waits for its end.
     *
     * @return the console's offset past the command's end
     */
    int run(final int from, final String commandLine, final Duration within) throws Exception
    {
        // the shell's answer, not the typed line's echo, carries the product
        final String marker = "done-" + Long.toHexString(System.nanoTime());
        type(commandLine + "; echo " + marker + "-$((6*7))\n");
        return await(from, marker + "-42", null, within);
    }

    /**
     * What the console showed between two offsets, as lines: without the terminal's escape sequences (bash's
     * bracketed paste, ...) and carriage returns, so that a command's output starts a line.
     */
    String lines(final int from, final int to) throws IOException
    {
        return console().substring(from, to).replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "").replace("\r", "");
    }

    /** Types on the guest's serial console. */
    void type(final String keys) throws IOException
    {
        qemu.getOutputStream().write(keys.getBytes(StandardCharsets.US_ASCII));
        qemu.getOutputStream().flush();
    }

    String console() throws IOException
    {
        return Files.readString(console, StandardCharsets.ISO_8859_1);
    }

    /** The last {@code lines} lines of the console on one line, for a failure's message (CI shows those). */
    private static String tail(final String console, final int lines)
    {
        final List<String> all = console.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return String.join(" | ", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    @Override
    public void close() throws InterruptedException
    {
        qemu.destroy();
        if (!qemu.waitFor(10, TimeUnit.SECONDS))
        {
            qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
