package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real TCP through a running director in the lab: a client namespace, the director on a veth through
 * DPDK's net_af_packet, three real servers with the VIP on loopback (DR), wrr 3:2:1 from ldirectord.cf.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabSystemTest
{
    private static final String URL = "http://" + Lab.VIP + "/";
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

    @Test
    @Order(1)
    void shouldSpread300NewConnectionsByWrrWeights() throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120),
            "/usr/bin/python3", Lab.LAB.resolve("client.py").toString(), "requests", URL, "300", "20000");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total rs1=150 rs2=100 rs3=50"), r.out());

        final Map<String, long[]> stats = destStats();
        assertEquals(150, stats.get("198.18.0.11:80")[0], "conns of rs1 in ipvsadm --stats");
        assertEquals(100, stats.get("198.18.0.12:80")[0]);
        assertEquals(50, stats.get("198.18.0.13:80")[0]);
        final Lab.Result list = Lab.jlvs("ipvsadm", "-L", "-n");
        assertEquals(0, list.status(), list.out());
        assertTrue(list.out().startsWith("IP Virtual Server version "), list.out());
        assertTrue(list.out().contains("TCP  198.18.0.10:80 wrr"), list.out());
        assertTrue(list.out().contains("  -> 198.18.0.11:80               Route   3      "), list.out());
    }

    @Test
    @Order(2)
    void shouldKeepALongTransferOnOneRealServerAndDeliverItIntact() throws Exception
    {
        final Map<String, long[]> before = destStats();
        final Lab.Result r = Lab.client(Duration.ofSeconds(120),
            "/usr/bin/python3", Lab.LAB.resolve("client.py").toString(), "transfer", URL, "40000000");
        assertEquals(0, r.status(), r.out());
        final Matcher m = Pattern.compile("transfer (rs\\d) 40000000 ok").matcher(r.out());
        assertTrue(m.find(), r.out());

        final Map<String, long[]> after = destStats();
        int serversThatSawIt = 0;
        for (final String dest : after.keySet())
        {
            final long newConns = after.get(dest)[0] - before.get(dest)[0];
            final long newPackets = after.get(dest)[1] - before.get(dest)[1];
            if (newPackets > 0)
            {
                serversThatSawIt++;
                assertEquals(1, newConns, "the transfer is one connection on " + dest);
                assertTrue(newPackets > 100, "the client's ACKs of 40 MB all went to " + dest + ": " + newPackets);
                assertEquals("198.18.0." + (10 + Integer.parseInt(m.group(1).substring(2))) + ":80", dest);
            }
        }
        assertEquals(1, serversThatSawIt, "one real server for the connection's whole life");
    }

    @Test
    @Order(3)
    void shouldCountAndDropMalformedFramesAndKeepForwarding() throws Exception
    {
        final Lab.Result neigh = Lab.client(Duration.ofSeconds(10), "ip", "neigh", "show", Lab.VIP);
        final Matcher mac = Pattern.compile("lladdr (\\S+)").matcher(neigh.out());
        assertTrue(mac.find(), "the client has resolved the VIP: " + neigh.out());
        final long malformedBefore = Math.max(0, Lab.counter("fwd-0: Dropped: malformed (all parser verdicts)"));

        final Lab.Result r = Lab.client(Duration.ofSeconds(30), "/usr/bin/python3",
            Lab.LAB.resolve("malformed.py").toString(), "cli0", mac.group(1), "198.18.0.100", Lab.VIP, "50");
        assertEquals(0, r.status(), r.out());
        long sent = 0;
        for (final String line : r.out().strip().split("\n"))
        {
            sent += Long.parseLong(line.split(" ")[1]);
        }
        assertTrue(sent >= 500, r.out());

        final long deadline = System.nanoTime() + 10_000_000_000L;
        long dropped = 0;
        while (System.nanoTime() < deadline)
        {
            dropped = Lab.counter("fwd-0: Dropped: malformed (all parser verdicts)") - malformedBefore;
            if (dropped >= sent)
            {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(sent, dropped, "every malformed frame counted as a drop\n" + r.out());
        assertEquals(50, Lab.counter("fwd-0: Dropped: Bad IPv4 header length"), "IHL < 5, one per round");
        assertEquals(50, Lab.counter("fwd-0: Dropped: Unknown EtherType"), "one per round");
        assertTrue(lab.directorAlive(), lab.directorLog());
        final Lab.Result errors = Lab.jlvs("errors", "-i", Lab.INSTANCE);
        assertTrue(errors.out().contains("0 distinct errors observed."), "no exception on the fast path: " + errors.out());

        final Lab.Result after = Lab.client(Duration.ofSeconds(60),
            "/usr/bin/python3", Lab.LAB.resolve("client.py").toString(), "requests", URL, "6", "21000");
        assertEquals(0, after.status(), after.out());
        assertTrue(after.out().contains("total rs1=3 rs2=2 rs3=1"), after.out());
    }

    @Test
    @Order(4)
    void shouldSpreadUdpByRoundRobinAndCountItsConnectionsInactive() throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "udp", Lab.VIP + ":5300", "30", "22000");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total rs1=10 rs2=10 rs3=10"), r.out());

        final Lab.Result list = Lab.jlvs("ipvsadm", "-L", "-n", "-u", Lab.VIP + ":5300");
        assertEquals(0, list.status(), list.out());
        assertTrue(list.out().contains("UDP  198.18.0.10:5300 rr"), list.out());
        for (final String rs : new String[] {"198.18.0.11", "198.18.0.12", "198.18.0.13"})
        {
            assertTrue(list.out().contains("  -> " + rs + ":5300             Route   1      0          10        "),
                "UDP connections count as inactive, as IPVS shows them:\n" + list.out());
        }
        final Lab.Result conns = Lab.jlvs("ipvsadm", "-L", "-n", "-c");
        assertTrue(Pattern.compile("UDP 0[45]:\\d\\d  UDP         198\\.18\\.0\\.100:22000 198\\.18\\.0\\.10:5300 ")
            .matcher(conns.out()).find(), "a UDP connection lives 5 minutes:\n" + conns.out());
    }

    @Test
    @Order(5)
    void shouldCarryTheDirectorsOwnTrafficThroughItsHostPath() throws Exception
    {
        // the director's kernel, on its TAP device, reaches a real server by IPv4 and IPv6, and pings one
        Lab.Result r = Lab.in("jlvs-dir", Duration.ofSeconds(20), "curl", "-s", "-m", "5", "http://198.18.0.11/");
        assertEquals(0, r.status(), r.out());
        assertEquals("rs1", r.out().strip());
        r = Lab.in("jlvs-dir", Duration.ofSeconds(20), "curl", "-s", "-m", "5", "http://[2001:db8::12]/");
        assertEquals(0, r.status(), r.out());
        assertEquals("rs2", r.out().strip());
        r = Lab.in("jlvs-dir", Duration.ofSeconds(20), "ping", "-c", "3", "-i", "0.2", "-W", "2", "198.18.0.13");
        assertTrue(r.out().contains("3 received, 0% packet loss"), "each echo once: " + r.out());

        // and a client reaches a service of the director's own host on its address (ssh, say; a web server here)
        final java.nio.file.Path serverLog = java.nio.file.Files.createTempFile("jlvs-host-http", ".log");
        final Process server = new ProcessBuilder("ip", "netns", "exec", "jlvs-dir", "/usr/bin/python3", "-m",
            "http.server", "--bind", "198.18.0.2", "8022", "--directory", Lab.LAB.toString())
            .redirectErrorStream(true).redirectOutput(serverLog.toFile()).start();
        try
        {
            Lab.Result page = null;
            for (int i = 0; i < 100; i++)
            {
                page = Lab.client(Duration.ofSeconds(10), "curl", "-s", "-m", "2", "http://198.18.0.2:8022/director.conf");
                if (page.status() == 0)
                {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(0, page.status(), page.out() + "\nserver: " + java.nio.file.Files.readString(serverLog) +
                "\n" + Lab.counters());
            assertTrue(page.out().contains("instance = lab"), page.out());
        }
        finally
        {
            server.destroy();
            server.waitFor();
            java.nio.file.Files.deleteIfExists(serverLog);
        }
        assertTrue(Lab.counter("fwd-0: Frames handed to the director's own host (TAP)") > 0);
        assertTrue(Lab.counter("fwd-0: Frames from the director's own host put on the wire") > 0);
        assertEquals(0, Lab.counter("fwd-0: Dropped: the ring to the director's own host was full"));
    }

    /** ipvsadm -L -n --stats of the DR web service, parsed: dest -> {conns, inpkts, outpkts, inbytes, outbytes}. */
    private static Map<String, long[]> destStats() throws Exception
    {
        final Map<String, long[]> stats = Lab.destStats("-t", Lab.VIP + ":80");
        assertEquals(3, stats.size(), stats.keySet().toString());
        return stats;
    }
}
