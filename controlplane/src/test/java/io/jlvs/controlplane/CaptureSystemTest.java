package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jlvs capture} against a lab director carrying HTTP through its DR VIP: the file is pcapng that tshark
 * reads, holds only what the filter asks, both the frames received and those sent on to the real servers (their
 * MACs rewritten), is bounded by its rate with the rest counted, and streams through a pipe into tshark.
 */
class CaptureSystemTest
{
    private static final Path TSHARK = Path.of("/usr/bin/tshark");
    private static final String CLIENT = "198.18.0.100";
    private static Lab lab;
    private static String directorMac;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        Capabilities.require(Files.isExecutable(TSHARK), "tshark (Debian package tshark)");
        lab = Lab.up();
        lab.startDirector();
        directorMac = Lab.in("jlvs-dir", Duration.ofSeconds(10), "cat", "/sys/class/net/dir0/address").out().strip();
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
    }

    /** Starts {@code jlvs capture} in the background and returns once it is listening. */
    private static Process capture(final Path log, final String... args) throws Exception
    {
        final List<String> cmd = new java.util.ArrayList<>(List.of(Lab.JLVS.toString(), "capture", "-i", Lab.INSTANCE));
        cmd.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        final Process p = pb.start();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(log).contains("listening on"))
        {
            assertTrue(p.isAlive(), "jlvs capture ended: " + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "jlvs capture did not start: " + Files.readString(log));
            Thread.sleep(50);
        }
        return p;
    }

    private static CompletableFuture<Lab.Result> traffic(final int requests, final int firstPort)
    {
        return Lab.clientPyAsync("requests", "http://" + Lab.VIP + "/", Integer.toString(requests),
            Integer.toString(firstPort));
    }

    private static List<String[]> tshark(final Path file, final String... fields) throws Exception
    {
        final List<String> cmd = new java.util.ArrayList<>(List.of(TSHARK.toString(), "-n", "-r", file.toString(),
            "-T", "fields", "-E", "separator=,"));
        for (final String f : fields)
        {
            cmd.add("-e");
            cmd.add(f);
        }
        final Lab.Result r = Lab.run(Duration.ofSeconds(60), cmd.toArray(String[]::new));
        assertEquals(0, r.status(), "tshark read the file: " + r.out());
        return r.out().lines().filter((l) -> !l.isBlank() && !l.startsWith("Running as user"))
            .map((l) -> l.split(",", -1)).toList();
    }

    @Test
    void shouldWritePcapngOfTheFilteredFramesInBothDirections() throws Exception
    {
        final Path file = Files.createTempFile("jlvs-capture", ".pcapng");
        final Path log = Files.createTempFile("jlvs-capture", ".log");
        try
        {
            final Process p = capture(log, "-w", file.toString(), "-c", "60", "tcp", "port", "80", "and", "host",
                CLIENT);
            final Lab.Result client = traffic(40, 31000).get(120, TimeUnit.SECONDS);
            assertEquals(0, client.status(), client.out());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the capture ends at its count: " + Files.readString(log));
            final String said = Files.readString(log);
            System.out.println(said);
            assertEquals(0, p.exitValue(), said);
            assertTrue(said.contains("jlvs capture: listening on net_af_packet0:0, link-type EN10MB (Ethernet), " +
                "snapshot length 262144 bytes, filter 'tcp and port 80 and host 198.18.0.100'"), said);
            assertTrue(said.contains("\n60 packets captured\n"), said);

            final List<String[]> frames = tshark(file, "frame.interface_name", "frame.packet_flags_direction",
                "eth.src", "eth.dst", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport");
            assertEquals(60, frames.size());
            int inbound = 0;
            int outbound = 0;
            for (final String[] f : frames)
            {
                final String line = String.join(",", f);
                assertEquals("net_af_packet0:0", f[0], line);
                assertTrue(f[4].equals(CLIENT) || f[5].equals(CLIENT), "the host filter: " + line);
                assertTrue(f[6].equals("80") || f[7].equals("80"), "the port filter: " + line);
                final int direction = Integer.decode(f[1]); // tshark prints the bits: 0x00000001 inbound, 2 outbound
                if (direction == 1)
                {
                    inbound++;
                    assertEquals(directorMac, f[3], "received for the director's MAC: " + line);
                    assertEquals(Lab.VIP, f[5], line);
                }
                else
                {
                    assertEquals(2, direction, "a direction on every frame: " + line);
                    outbound++;
                    assertEquals(directorMac, f[2], "sent from the director's MAC: " + line);
                    assertFalse(f[3].equals(directorMac), "DR: to a real server's MAC: " + line);
                    assertEquals(Lab.VIP, f[5], "DR keeps the VIP: " + line);
                }
            }
            assertTrue(inbound > 0 && outbound > 0, inbound + " in, " + outbound + " out");
        }
        finally
        {
            Files.deleteIfExists(file);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void shouldBoundTheRateAndCountWhatIsLeftOut() throws Exception
    {
        final Path file = Files.createTempFile("jlvs-capture", ".pcapng");
        final Path log = Files.createTempFile("jlvs-capture", ".log");
        try
        {
            final Process p = capture(log, "-w", file.toString(), "--rate", "20", "-G", "4", "host", CLIENT);
            final Lab.Result client = traffic(400, 32000).get(120, TimeUnit.SECONDS);
            assertEquals(0, client.status(), client.out());
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the capture ends after its seconds: " + Files.readString(log));
            final String said = Files.readString(log);
            System.out.println(said);
            assertEquals(0, p.exitValue(), said);
            final Matcher m = Pattern.compile("\\n(\\d+) packets captured\\n(\\d+) packets received by filter\\n" +
                "(\\d+) packets dropped by the rate bound \\(20 per second\\)\\n0 packets dropped with the capture " +
                "ring full\\n").matcher(said);
            assertTrue(m.find(), said);
            final long captured = Long.parseLong(m.group(1));
            final long received = Long.parseLong(m.group(2));
            final long overRate = Long.parseLong(m.group(3));
            assertTrue(captured > 0 && captured <= 20 * 4 + 2, "at most the rate, for the seconds, and a bucket: " +
                captured);
            assertTrue(overRate > 0, "400 requests are more than 20 frames a second");
            assertEquals(received, captured + overRate);
            assertEquals(captured, tshark(file, "frame.number").size());
        }
        finally
        {
            Files.deleteIfExists(file);
            Files.deleteIfExists(log);
        }
    }

    @Test
    void shouldStreamThroughAPipeIntoTshark() throws Exception
    {
        final CompletableFuture<Lab.Result> piped = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return Lab.run(Duration.ofSeconds(90), "bash", "-c", Lab.JLVS + " capture -i " + Lab.INSTANCE +
                    " -w - -c 8 tcp dst port 80 2>/dev/null | " + TSHARK + " -n -r - -T fields -e ip.dst -e tcp.dstport");
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(1500);
        // until the capture has its frames (its JVM may start after the first round): each round from ports of its
        // own, since a port of the last round may still be in TIME_WAIT on the client
        for (int round = 0; !piped.isDone(); round++)
        {
            assertTrue(round < 50, "8 frames within 50 rounds of 10 requests");
            final Lab.Result client = traffic(10, 33000 + 10 * round).get(60, TimeUnit.SECONDS);
            assertEquals(0, client.status(), client.out());
        }
        final Lab.Result r = piped.get();
        final List<String> lines = r.out().lines().filter((l) -> l.matches("[0-9.]+\\s+80")).toList();
        assertEquals(8, lines.size(), r.out());
    }

    @Test
    void shouldRefuseABadFilterAndWriteNoFile() throws Exception
    {
        final Path file = Path.of("/tmp/jlvs-capture-refused.pcapng");
        Files.deleteIfExists(file);
        final Lab.Result r = Lab.jlvs("capture", "-w", file.toString(), "port", "80", "or", "port", "443");
        assertEquals(1, r.status(), r.out());
        assertEquals("jlvs capture: syntax error in filter expression: 'or' is not supported: jlvs capture joins " +
            "primitives with 'and' only\n", r.out());
        assertFalse(Files.exists(file));
    }
}
