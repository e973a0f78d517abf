package io.jlvs.controlplane;

import io.jlvs.dataplane.conn.ConnOwner;
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
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent services with real TCP through a director of two agents. The client's connections, from many source
 * ports, belong to both agents ({@link ConnOwner}), and still all reach the real server their one template names;
 * once the template has expired the client is scheduled afresh. Each connection is closed by a RST, so the
 * director ends it after CLOSE's 10 s and the template (persistent = 15) is free to expire after its own time.
 * rr lists the real servers as the kernel links them, newest first: rs3, rs2, rs1.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PersistenceSystemTest
{
    private static final String CF = """
        checktimeout=3
        checkinterval=1
        quiescent=yes

        virtual=198.18.0.10:80
        \treal=198.18.0.11:80 gate 1
        \treal=198.18.0.12:80 gate 1
        \treal=198.18.0.13:80 gate 1
        \tscheduler=rr
        \tpersistent=15
        \tchecktype=on

        virtual=198.18.0.50:0
        \treal=198.18.0.11 gate 1
        \treal=198.18.0.12 gate 1
        \treal=198.18.0.13 gate 1
        \tscheduler=rr
        \tpersistent=600
        \tchecktype=on
        """;
    private static final int AGENTS = 2;
    /** 198.18.0.100, the lab's client. */
    private static final long CLIENT = 0xC612_0064L;
    private static final Pattern TEMPLATE_10 = Pattern.compile(
        "TCP\\s+\\d\\d:\\d\\d\\s+(NONE|ASSURED)\\s+198\\.18\\.0\\.100:0\\s+198\\.18\\.0\\.10:80\\s+198\\.18\\.0\\.1(\\d):80");

    private static Lab lab;
    private static Path cf;
    private static Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        cf = Lab.tempFile("jlvs-persistence", ".cf", CF);
        settings = Lab.settingsWith(Map.of("ldirectord-config", cf.toString(),
            "port", "net_af_packet0,iface=dir0,qpairs=" + AGENTS, "cores", "1@1,2@1"));
        lab.startDirector(settings, AGENTS, 4); // the three DR real servers and the router
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        Lab.tearDown(lab, cf, settings);
    }

    private static int owner(final int port)
    {
        return ConnOwner.of(0, CLIENT, port, AGENTS);
    }

    private static String connections() throws Exception
    {
        return Lab.jlvs("ipvsadm", "-L", "-n", "-c").out();
    }

    @Test
    @Order(1)
    void shouldKeepAClientOnOneRealServerAcrossConnectionsOfBothAgents() throws Exception
    {
        final Set<Integer> owners = new java.util.HashSet<>();
        for (int port = 36000; port < 36012; port++)
        {
            owners.add(owner(port));
        }
        assertEquals(Set.of(0, 1), owners, "the ports chosen spread over both agents");

        assertEquals(List.of("rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3"),
            Lab.servers("http://198.18.0.10/", 12, 36000, "reset"), "rr's first choice, then the template's");
        assertTrue(Lab.counter("fwd-0: Connections created") > 0 && Lab.counter("fwd-1: Connections created") > 0,
            "both agents made connections: " + Lab.counters());

        final String listing = connections();
        final var m = TEMPLATE_10.matcher(listing);
        assertTrue(m.find(), listing);
        assertEquals("ASSURED", m.group(1), "its connections got established: " + listing);
        assertEquals("3", m.group(2), listing);
        assertFalse(m.find(), "one template: " + listing);
        final String services = Lab.jlvs("ipvsadm", "-L", "-n").out();
        assertTrue(services.contains("TCP  198.18.0.10:80 rr persistent 15"), services);
        final String persist = Lab.jlvs("ipvsadm", "-L", "-n", "--persistent-conn").out();
        assertTrue(Pattern.compile("-> 198\\.18\\.0\\.13:80\\s+1\\s+1\\s+0\\s+12").matcher(persist).find(),
            "rs3 holds one template: " + persist);
    }

    /**
     * Once its connections have ended (CLOSE, 10 s) and its 15 s have passed, the template expires; the next
     * connection, from a port the same agent owns as the first one's, finds rr there moved on: rs2, which a new
     * template then holds for every connection, whichever agent owns it.
     */
    @Test
    @Order(2)
    void shouldScheduleAfreshOnceTheTemplateExpires() throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
        String listing = connections();
        while (TEMPLATE_10.matcher(listing).find() && System.nanoTime() < deadline)
        {
            Thread.sleep(1000);
            listing = connections();
        }
        assertFalse(TEMPLATE_10.matcher(listing).find(), "the template expired: " + listing);
        assertFalse(listing.contains("198.18.0.10:80 "), "and every connection before it: " + listing);

        int port = 36100;
        while (owner(port) != owner(36000))
        {
            port++;
        }
        assertEquals(List.of("rs2"), Lab.servers("http://198.18.0.10/", 1, port, "reset"), "rr moved on in that agent");
        assertEquals(List.of("rs2", "rs2", "rs2", "rs2", "rs2", "rs2"),
            Lab.servers("http://198.18.0.10/", 6, 36200, "reset"));
        final var m = TEMPLATE_10.matcher(connections());
        assertTrue(m.find());
        assertEquals("2", m.group(2));
    }

    /**
     * A persistent service on port 0 takes every port of its address; the connection goes to the real server at the
     * client's port, and the template, {@code <TCP, client, 0, VIP, 0>}, has port 0 on both sides.
     */
    @Test
    @Order(3)
    void shouldTakeEveryPortOfAPortZeroService() throws Exception
    {
        final List<String> got = Lab.servers("http://198.18.0.50/", 6, 36300, "reset");
        assertEquals(1, Set.copyOf(got).size(), "one real server: " + got);
        final String listing = connections();
        assertTrue(Pattern.compile("TCP\\s+\\d\\d:\\d\\d\\s+ASSURED\\s+198\\.18\\.0\\.100:0\\s+198\\.18\\.0\\.50:0\\s+" +
            "198\\.18\\.0\\.1\\d:0").matcher(listing).find(), listing);
        assertTrue(Pattern.compile("TCP\\s+\\d\\d:\\d\\d\\s+CLOSE\\s+198\\.18\\.0\\.100:363\\d\\d\\s+198\\.18\\.0\\.50:80\\s+" +
            "198\\.18\\.0\\.1\\d:80").matcher(listing).find(), "the real server's port is the client's: " + listing);
        final String services = Lab.jlvs("ipvsadm", "-L", "-n").out();
        assertTrue(services.contains("TCP  198.18.0.50:0 rr persistent 600"), services);
    }
}
