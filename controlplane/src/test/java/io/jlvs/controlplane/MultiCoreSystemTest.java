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
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab's director with two forwarding agents on two queues of its port ({@code net_af_packet} with
 * {@code qpairs=2}: the kernel spreads frames over the queues' sockets by its flow hash, so a connection reaches
 * either agent; {@code cores = 1@1,2@1} puts both on CPU 1 of this two-CPU machine). Every connection is handled by
 * the agent that owns it: the listing's per-real-server counts are exactly what the clients saw, NAT replies find
 * their connections whichever queue they arrive on, and the connection listing has each connection once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiCoreSystemTest
{
    private static final int AGENTS = 2;
    private static final Pattern TOTAL = Pattern.compile("total((?: \\S+=\\d+)+)");
    private static Lab lab;
    private static Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        settings = Lab.settingsWith(Map.of("port", "net_af_packet0,iface=dir0,qpairs=" + AGENTS, "cores", "1@1,2@1"));
        lab.startDirector(settings, AGENTS);
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
        if (null != settings)
        {
            Files.deleteIfExists(settings);
        }
    }

    /** "total rs1=3 rs2=2" -> {rs1=3, rs2=2}. */
    private static Map<String, Long> totals(final String out)
    {
        final Matcher m = TOTAL.matcher(out);
        assertTrue(m.find(), out);
        final Map<String, Long> totals = new HashMap<>();
        for (final String pair : m.group(1).strip().split(" "))
        {
            final String[] kv = pair.split("=");
            totals.put(kv[0], Long.parseLong(kv[1]));
        }
        return totals;
    }

    private static void assertListedAsSeen(
        final Map<String, Long> seen, final String service, final Map<String, String> serverOf) throws Exception
    {
        final Map<String, long[]> stats = Lab.destStats("-t", service);
        for (final Map.Entry<String, String> e : serverOf.entrySet())
        {
            assertEquals(seen.getOrDefault(e.getValue(), 0L), stats.get(e.getKey())[0],
                "conns of " + e.getKey() + " summed over the agents, as the client saw them: " + seen);
        }
    }

    @Test
    @Order(1)
    void shouldCountEachDrConnectionOnceWhicheverAgentGotIt() throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://" + Lab.VIP + "/", "120", "30000");
        assertEquals(0, r.status(), r.out() + lab.directorLog());
        final Map<String, Long> seen = totals(r.out());
        assertEquals(120, seen.values().stream().mapToLong(Long::longValue).sum(), r.out());
        assertListedAsSeen(seen, Lab.VIP + ":80",
            Map.of("198.18.0.11:80", "rs1", "198.18.0.12:80", "rs2", "198.18.0.13:80", "rs3"));
        assertTrue(Lab.counter("fwd-0: Connections created") > 0, "agent 0 owns some");
        assertTrue(Lab.counter("fwd-1: Connections created") > 0, "agent 1 owns some");
        assertEquals(120, Lab.agentsCounter(AGENTS, "Connections created"));

        final Lab.Result conns = Lab.jlvs("ipvsadm", "-L", "-n", "-c");
        assertEquals(0, conns.status(), conns.out());
        for (int port = 30000; port < 30120; port++)
        {
            final Matcher m = Pattern.compile("198\\.18\\.0\\.100:" + port + " 198\\.18\\.0\\.10:80 ").matcher(conns.out());
            assertTrue(m.find(), "connection from port " + port + " listed:\n" + conns.out());
            assertTrue(!m.find(), "connection from port " + port + " listed once:\n" + conns.out());
        }
    }

    @Test
    @Order(2)
    void shouldCarryNatRepliesToTheAgentOwningTheirConnection() throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://198.18.0.20/", "90", "31000");
        assertEquals(0, r.status(), r.out() + lab.directorLog());
        final Map<String, Long> seen = totals(r.out());
        assertEquals(90, seen.values().stream().mapToLong(Long::longValue).sum(), r.out());
        assertListedAsSeen(seen, "198.18.0.20:80",
            Map.of("198.18.1.11:8080", "nat1", "198.18.1.12:8080", "nat2", "198.18.1.13:8080", "nat3"));
        assertEquals(0, Lab.agentsCounter(AGENTS, "Dropped: packet from a real server for no NAT connection"));
        assertEquals(0, Lab.agentsCounter(AGENTS, "Dropped: the owning agent's ring was full"));
        final long handed = Lab.agentsCounter(AGENTS, "Packets handed to the agent owning their connection");
        assertTrue(handed > 0, "some packets reached the agent that does not own their connection");
        assertEquals(handed, Lab.agentsCounter(AGENTS, "Packets taken from other agents: connections this agent owns"));
    }

    @Test
    @Order(3)
    void shouldKeepTheConnectionsAcrossARestartWithOneAgent() throws Exception
    {
        final long before = Lab.jlvs("ipvsadm", "-L", "-n", "-c").out().lines()
            .filter((l) -> l.startsWith("TCP ")).count();
        assertTrue(before >= 210, "the DR and NAT connections of the tests before: " + before);
        // one datagram each: connections only their agents' caches hold until a second packet, listed all the same
        final Lab.Result udp = Lab.client(Duration.ofSeconds(60), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "udp", Lab.VIP + ":5300", "12", "33000");
        assertEquals(0, udp.status(), udp.out());
        assertEquals(12, udpConns(), "one-packet connections listed from the agents' caches");
        lab.stopDirector();
        lab.startDirector(Lab.settingsWith(Map.of()), 1);
        final Lab.Result conns = Lab.jlvs("ipvsadm", "-L", "-n", "-c");
        final long after = conns.out().lines().filter((l) -> l.startsWith("TCP ")).count();
        assertTrue(after >= before - 5 && after <= before, "found again after a restart with another core count (" +
            before + " before, " + after + " after; a few may have expired meanwhile):\n" + lab.directorLog());
        assertEquals(12, udpConns(), "a clean stop writes the one-packet connections to the tables:\n" + conns.out());
        assertTrue(lab.directorLog().contains("connections moved to their owners' tables"), lab.directorLog());
    }

    private static long udpConns() throws Exception
    {
        return Lab.jlvs("ipvsadm", "-L", "-n", "-c").out().lines()
            .filter((l) -> l.matches("UDP .* 198\\.18\\.0\\.100:330\\d\\d 198\\.18\\.0\\.10:5300 .*")).count();
    }

    @Test
    @Order(4)
    void shouldForwardWithFourAgentsAfterARestartAndFindTheConnectionsAgain() throws Exception
    {
        final long before = Lab.jlvs("ipvsadm", "-L", "-n", "-c").out().lines().filter((l) -> l.startsWith("TCP ")).count();
        lab.stopDirector();
        final Path four = Lab.settingsWith(Map.of("port", "net_af_packet0,iface=dir0,qpairs=4", "cores",
            "1@1,2@1,3@1,4@1"));
        try
        {
            lab.startDirector(four, 4);
            final long after = Lab.jlvs("ipvsadm", "-L", "-n", "-c").out().lines()
                .filter((l) -> l.startsWith("TCP ")).count();
            assertTrue(after >= before - 5 && after <= before, "found again in four tables (" + before + " before, " +
                after + " after)");

            final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
                Lab.LAB.resolve("client.py").toString(), "requests", "http://198.18.0.20/", "80", "32000");
            assertEquals(0, r.status(), r.out() + lab.directorLog());
            final Map<String, Long> seen = totals(r.out());
            assertEquals(80, seen.values().stream().mapToLong(Long::longValue).sum(), r.out());
            long created = 0;
            for (int a = 0; a < 4; a++)
            {
                created += Math.max(0, Lab.counter("fwd-" + a + ": Connections created"));
            }
            assertEquals(80, created, "each NAT connection made once, by its owner among four");
            assertEquals(0, Lab.agentsCounter(4, "Dropped: packet from a real server for no NAT connection"));
        }
        finally
        {
            Files.deleteIfExists(four);
        }
    }
}
