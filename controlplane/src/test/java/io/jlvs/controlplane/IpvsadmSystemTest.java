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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ipvsadm changes the running director as it changes kernel IPVS, with real traffic in the lab: a service made by
 * hand forwards, edits and deletions reach the agents without a stop, {@code -S | -R} gives back the same table,
 * refusals carry ipvsadm's messages and exit statuses and change nothing, {@code --set} reaches the agents' timers,
 * {@code -Z} zeroes one service, and a reload keeps what ldirectord would keep.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpvsadmSystemTest
{
    private static final String DR_URL = "http://" + Lab.VIP + "/";
    private static final String HAND_VIP = "198.18.0.20:8080";
    private static Lab lab;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        lab.startDirector();
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
    }

    private static Lab.Result ipvsadm(final String... args) throws Exception
    {
        final String[] all = new String[args.length + 1];
        all[0] = "ipvsadm";
        System.arraycopy(args, 0, all, 1, args.length);
        return Lab.jlvs(all);
    }

    private static void ok(final String... args) throws Exception
    {
        final Lab.Result r = ipvsadm(args);
        assertEquals(0, r.status(), String.join(" ", args) + ": " + r.out());
        assertEquals("", r.out(), String.join(" ", args));
    }

    private static Lab.Result requests(final String url, final int count, final int firstPort) throws Exception
    {
        return Lab.client(Duration.ofSeconds(120), "/usr/bin/python3", Lab.LAB.resolve("client.py").toString(),
            "requests", url, Integer.toString(count), Integer.toString(firstPort));
    }

    /** ipvsadm -R with {@code input} on its standard input, as {@code ipvsadm -S | ipvsadm -R} runs. */
    private static Lab.Result restore(final String input) throws Exception
    {
        final Path in = Lab.tempFile("jlvs-restore", ".rules", input);
        try
        {
            return Lab.run(Duration.ofSeconds(60), Map.of("JLVS_INSTANCE", Lab.INSTANCE), "/bin/sh", "-c",
                "exec \"$0\" ipvsadm -R < \"$1\"", Lab.JLVS.toString(), in.toString());
        }
        finally
        {
            Files.deleteIfExists(in);
        }
    }

    @Test
    @Order(1)
    void shouldForwardRealTrafficThroughAServiceMadeByHand() throws Exception
    {
        ok("-A", "-t", HAND_VIP, "-s", "rr");
        ok("-a", "-t", HAND_VIP, "-r", "198.18.1.11:8080", "-m");
        ok("-a", "-t", HAND_VIP, "-r", "198.18.1.12:8080", "-m");
        ok("-a", "-t", HAND_VIP, "-r", "198.18.1.13:8080", "-m", "-w", "1");
        final Lab.Result r = requests("http://" + HAND_VIP + "/", 30, 22000);
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total nat1=10 nat2=10 nat3=10"), r.out());
        final Lab.Result list = ipvsadm("-L", "-n", "-t", HAND_VIP);
        assertTrue(list.out().contains("TCP  " + HAND_VIP + " rr\n"), list.out());
        assertTrue(list.out().contains("  -> 198.18.1.13:8080             Masq    1      "), list.out());
    }

    @Test
    @Order(2)
    void shouldEditAndDeleteWithoutStoppingTheDataplane() throws Exception
    {
        ok("-E", "-t", Lab.VIP + ":80", "-s", "rr");
        ok("-e", "-t", Lab.VIP + ":80", "-r", "198.18.0.11", "-w", "0");
        final Lab.Result r = requests(DR_URL, 20, 22100);
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total rs2=10 rs3=10"), "rr over the two of weight above 0: " + r.out());

        ok("-d", "-t", HAND_VIP, "-r", "198.18.1.12:8080");
        final Lab.Result nat = requests("http://" + HAND_VIP + "/", 20, 22200);
        assertTrue(nat.out().contains("total nat1=10 nat3=10"), nat.out());
        assertTrue(lab.directorAlive(), lab.directorLog());
    }

    @Test
    @Order(3)
    void shouldRefuseAsIpvsadmDoesAndChangeNothing() throws Exception
    {
        final String before = ipvsadm("-S", "-n").out();
        assertEquals(new Lab.Result(255, "Service already exists\n"), ipvsadm("-A", "-t", HAND_VIP));
        assertEquals(new Lab.Result(255, "Service not defined\n"),
            ipvsadm("-a", "-t", "198.18.0.99:80", "-r", "198.18.0.11"));
        assertEquals(new Lab.Result(255, "Destination already exists\n"),
            ipvsadm("-a", "-t", HAND_VIP, "-r", "198.18.1.11:8080", "-m"));
        assertEquals(new Lab.Result(255, "No such destination\n"),
            ipvsadm("-d", "-t", HAND_VIP, "-r", "198.18.1.12:8080"));
        assertEquals(new Lab.Result(255, "No such service\n"), ipvsadm("-D", "-t", "198.18.0.99:80"));
        assertEquals(new Lab.Result(255, "Scheduler or persistence engine not found\n"),
            ipvsadm("-E", "-t", HAND_VIP, "-s", "nosuch"));
        assertEquals(new Lab.Result(255, "Numerical result out of range\n"),
            ipvsadm("-e", "-t", HAND_VIP, "-r", "198.18.1.11:8080", "-m", "-y", "10"));
        assertEquals(new Lab.Result(2, "Illegal 'weight' option with the 'add-service' command\n"),
            ipvsadm("-A", "-t", "198.18.0.20:8081", "-w", "3"));
        assertEquals(new Lab.Result(2, "illegal weight specified\n"),
            ipvsadm("-a", "-t", HAND_VIP, "-r", "198.18.1.12:8080", "-m", "-w", "70000"));
        assertEquals(new Lab.Result(2, "Zero port specified for non-persistent service\n"),
            ipvsadm("-A", "-t", "198.18.0.20:0"));
        assertEquals(new Lab.Result(1, "No such service\n"), ipvsadm("-L", "-n", "-t", "198.18.0.99:80"));
        assertEquals(255, ipvsadm("--bogus").status());
        assertEquals(before, ipvsadm("-S", "-n").out(), "no refused command changed the table");
    }

    @Test
    @Order(4)
    void shouldRoundTripSaveThroughRestore() throws Exception
    {
        final Lab.Result saved = ipvsadm("-S", "-n");
        assertEquals(0, saved.status(), saved.out());
        assertTrue(saved.out().contains("-A -t " + HAND_VIP + " -s rr\n"), saved.out());
        ok("-C");
        assertEquals("", ipvsadm("-S", "-n").out(), "flushed");

        final Lab.Result restored = restore(saved.out());
        assertEquals(new Lab.Result(0, ""), restored);
        assertEquals(saved.out(), ipvsadm("-S", "-n").out(), "ipvsadm -S | ipvsadm -R gives the same table");
        final Lab.Result r = requests("http://" + HAND_VIP + "/", 20, 22300);
        assertTrue(r.out().contains("total nat1=10 nat3=10"), r.out());
    }

    @Test
    @Order(5)
    void shouldStopARestoreAtALineThatDoesNotParseKeepingThoseBefore() throws Exception
    {
        final Lab.Result r = restore("""
            ipvsadm -A -u 198.18.0.10:5301 -s rr
            -L -n -u 198.18.0.10:5301
            -A -t 198.18.0.10:80
            -A -t 198.18.0.10:5302 --weight 3
            -A -t 198.18.0.10:5303
            """);
        assertEquals(2, r.status(), r.out());
        assertTrue(r.out().contains("UDP  198.18.0.10:5301 rr\n"), "-L lines list: " + r.out());
        assertTrue(r.out().contains("Service already exists\n"), "a refused line is reported, the next runs");
        assertTrue(r.out().contains("Illegal 'weight' option with the 'add-service' command\n" +
            "ipvsadm: restore stopped at line 4 of its input\n"), r.out());
        final String table = ipvsadm("-S", "-n").out();
        assertTrue(table.contains("-A -u 198.18.0.10:5301 -s rr\n"), table);
        assertFalse(table.contains("5303"), "nothing after the line that did not parse: " + table);
        ok("-D", "-u", "198.18.0.10:5301");

        final Lab.Result missing = restore("-L -n -t 198.18.0.10:5309\n-A -t 198.18.0.10:5304\n");
        assertEquals(1, missing.status(), "ipvsadm exits at -L of a missing service: " + missing.out());
        final Lab.Result help = restore("-h\n-A -t 198.18.0.10:5305\n");
        assertEquals(0, help.status(), help.out());
        assertTrue(help.out().startsWith("ipvsadm v1.31"), help.out());
        final String after = ipvsadm("-S", "-n").out();
        assertFalse(after.contains("5304") || after.contains("5305"), "-L of a missing service and -h end it: " + after);
    }

    @Test
    @Order(6)
    void shouldSetTimeoutsThatTheAgentsUse() throws Exception
    {
        ok("--set", "0", "0", "40");
        assertEquals("Timeout (tcp tcpfin udp): 900 120 40\n", ipvsadm("-L", "--timeout").out());
        final Lab.Result udp = Lab.client(Duration.ofSeconds(60), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "udp", Lab.VIP + ":5300", "3", "23000");
        assertEquals(0, udp.status(), udp.out());
        final Matcher m = Pattern.compile("UDP (\\d\\d):(\\d\\d)\\s+UDP").matcher(ipvsadm("-L", "-n", "-c").out());
        int seen = 0;
        while (m.find())
        {
            seen++;
            final int seconds = Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2));
            assertTrue(seconds <= 40 && seconds >= 30, "a UDP connection times out in 40 s now: " + m.group());
        }
        assertTrue(seen >= 3, ipvsadm("-L", "-n", "-c").out());
        ok("--set", "0", "0", "300");
    }

    @Test
    @Order(7)
    void shouldZeroOneServiceOnly() throws Exception
    {
        assertEquals(0, requests(DR_URL, 6, 22350).status());
        final Map<String, long[]> before = Lab.destStats("-t", Lab.VIP + ":80");
        assertTrue(before.values().stream().mapToLong((v) -> v[0]).sum() >= 6, "the DR service has counted");
        assertTrue(Lab.destStats("-t", HAND_VIP).values().stream().mapToLong((v) -> v[0]).sum() >= 20,
            "so has the hand's");
        ok("-Z", "-t", HAND_VIP);
        final Map<String, long[]> hand = Lab.destStats("-t", HAND_VIP);
        assertEquals(0, hand.values().stream().mapToLong((v) -> v[0] + v[1]).sum(), "zeroed: " + hand.keySet());
        final Map<String, long[]> after = Lab.destStats("-t", Lab.VIP + ":80");
        for (final String dest : before.keySet())
        {
            assertTrue(after.get(dest)[0] >= before.get(dest)[0], "the other service keeps its counts: " + dest);
        }
    }

    @Test
    @Order(8)
    void shouldKeepOnReloadWhatLdirectordWouldKeep() throws Exception
    {
        assertEquals(0, Lab.jlvs("reload").status());
        final Lab.Result list = ipvsadm("-L", "-n");
        assertTrue(list.out().contains("TCP  " + HAND_VIP + " rr\n"), "the hand's own service stays: " + list.out());
        assertTrue(list.out().contains("TCP  " + Lab.VIP + ":80 wrr\n"), "ldirectord's is its own again: " +
            list.out());
        assertTrue(list.out().contains("  -> 198.18.0.11:80               Route   3      "), list.out());
        final Lab.Result r = requests(DR_URL, 12, 22400);
        assertTrue(r.out().contains("total rs1=6 rs2=4 rs3=2"), r.out());
    }
}
