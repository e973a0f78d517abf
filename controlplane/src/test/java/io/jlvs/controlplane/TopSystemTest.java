package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code jlvs top} in a terminal: run under tmux against a lab director carrying traffic, its screen shows the agents,
 * the table's fill, the services and real servers, and refreshes.
 */
class TopSystemTest
{
    /** A tmux server of the test's own, apart from any the machine runs. */
    private static final String TMUX_SOCKET = "jlvs-top-test";
    private static Lab lab;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        Capabilities.require(Files.isExecutable(Path.of("/usr/bin/tmux")), "tmux");
        lab = Lab.up();
        lab.startDirector();
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        Lab.run(Duration.ofSeconds(10), "tmux", "-L", TMUX_SOCKET, "kill-server");
        if (null != lab)
        {
            lab.close();
        }
    }

    private static String screen() throws Exception
    {
        return Lab.run(Duration.ofSeconds(10), "tmux", "-L", TMUX_SOCKET, "capture-pane", "-p", "-t", "top").out();
    }

    @Test
    void shouldShowAgentsServicesAndRealServersRefreshing() throws Exception
    {
        final Lab.Result started = Lab.run(Duration.ofSeconds(10), "tmux", "-L", TMUX_SOCKET, "new-session", "-d",
            "-s", "top", "-x", "160", "-y", "45", "env", "JAVA_HOME=" + System.getProperty("java.home"),
            Lab.JLVS.toString(), "top", "-i", Lab.INSTANCE, "-d", "1");
        assertEquals(0, started.status(), started.out());
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://" + Lab.VIP + "/", "60", "27000");
        assertEquals(0, r.status(), r.out());

        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String first = screen();
        while (!first.contains("  -> 198.18.0.11:80") && System.nanoTime() < deadline)
        {
            Thread.sleep(250);
            first = screen();
        }
        System.out.println("jlvs top under tmux (160x45):\n" + first);
        assertTrue(first.startsWith("jlvs top - lab (pid "), first);
        assertTrue(first.contains("more lines: a taller terminal shows them"), "cut to the terminal: " + first);
        assertTrue(first.contains("Connections: "), first);
        assertTrue(first.matches("(?s).*\\nfwd-0 +\\S+ +\\S+ +\\S+ +\\S+ +\\S+ +[0-9.]+us\\n.*"), "the agent: " + first);
        assertTrue(first.contains("TCP  198.18.0.10:80"), first);
        final Matcher rs1 = Pattern.compile("  -> 198\\.18\\.0\\.11:80 +Route +3 ").matcher(first);
        assertTrue(rs1.find(), "a real server with its forwarding method and weight: " + first);
        final Matcher clock = Pattern.compile("\\d\\d:\\d\\d:\\d\\d").matcher(first);
        assertTrue(clock.find(), first);
        Thread.sleep(2500);
        final String later = screen();
        final Matcher clock2 = Pattern.compile("\\d\\d:\\d\\d:\\d\\d").matcher(later);
        assertTrue(clock2.find(), later);
        assertNotEquals(clock.group(), clock2.group(), "refreshed:\n" + later);
    }
}
