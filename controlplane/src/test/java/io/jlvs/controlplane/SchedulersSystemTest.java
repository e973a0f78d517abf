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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's schedulers with real TCP in the lab, where their choice can be worked out by hand from the kernel's
 * code. ldirectord adds the real servers in file order and IPVS links each at the head of the list, so the list is
 * rs3, rs2, rs1; sh tiles its 256 buckets in that order by weight, and the client 198.18.0.100 hashes to bucket 36
 * ({@code 0xC6120064 * 2654435761 & 255}), so a kernel director and jlvs send it to the same real server.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SchedulersSystemTest
{
    private static final String TEMPLATE = """
        checktimeout=3
        checkinterval=1
        quiescent=yes

        virtual=198.18.0.10:80
        \treal=198.18.0.11:80 gate RS1WEIGHT
        \treal=198.18.0.12:80 gate 2
        \treal=198.18.0.13:80 gate 1
        \tscheduler=sh
        \tchecktype=on

        virtual=198.18.0.40:80
        \treal=198.18.0.11:80 gate
        \treal=198.18.0.12:80 gate
        \treal=198.18.0.13:80 gate
        \tscheduler=sh
        \tschedflags=sh-port
        \tchecktype=on

        virtual=198.18.0.10:5300
        \treal=198.18.0.11:5300 gate 1
        \treal=198.18.0.12:5300 gate 1
        \treal=198.18.0.13:5300 gate 1
        \tscheduler=lblc
        \tprotocol=udp
        \tchecktype=on

        virtual=198.18.0.50:80
        \treal=198.18.0.11:80 gate 1
        \treal=198.18.0.12:80 gate 5
        \treal=198.18.0.13:80 gate 5
        \tscheduler=fo
        \tchecktype=on
        """;
    private static Lab lab;
    private static Path cf;
    private static Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        cf = Files.createTempFile("jlvs-schedulers", ".cf");
        Files.writeString(cf, TEMPLATE.replace("RS1WEIGHT", "3"));
        settings = Lab.settingsWith(Map.of("ldirectord-config", cf.toString()));
        lab.startDirector(settings, 1, 4); // next hops: the three DR real servers and the router
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
        for (final Path p : new Path[] {cf, settings})
        {
            if (null != p)
            {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The real server of each request, in order. */
    private static List<String> servers(final String vip, final int count, final int firstPort) throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://" + vip + "/", Integer.toString(count),
            Integer.toString(firstPort));
        assertEquals(0, r.status(), r.out());
        final List<String> out = new ArrayList<>();
        r.out().lines().filter((l) -> l.matches("\\d+ \\d+ \\S+")).forEach((l) -> out.add(l.split(" ")[2]));
        return out;
    }

    /**
     * Tiles by weight 1, 2, 3 in list order: rs3 rs2 rs2 rs1 rs1 rs1; bucket 36 is the first of a tile: rs3, for every
     * connection. A reload that changes nothing of the service keeps it; one that gives rs1 weight 4 re-tiles by 7,
     * and bucket 36 falls to rs2, as the kernel's ip_vs_sh_reassign() on the weight change.
     */
    @Test
    @Order(1)
    void shouldSendAClientWhereTheKernelsShTableSendsItAcrossReloads() throws Exception
    {
        assertEquals(List.of("rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3", "rs3"), servers("198.18.0.10", 8, 31000));
        Files.writeString(cf, TEMPLATE.replace("RS1WEIGHT", "3") + "\n# reloaded\n");
        assertEquals(0, Lab.jlvs("reload").status());
        assertEquals(List.of("rs3", "rs3", "rs3", "rs3"), servers("198.18.0.10", 4, 31100), "the same across a reload");
        Files.writeString(cf, TEMPLATE.replace("RS1WEIGHT", "4"));
        assertEquals(0, Lab.jlvs("reload").status());
        assertEquals(List.of("rs2", "rs2", "rs2", "rs2"), servers("198.18.0.10", 4, 31200),
            "bucket 36 of a table tiled by 1, 2, 4");
    }

    /** With sh-port the source port is hashed too: ports 40000..40003 fall in buckets 100, 21, 198, 119. */
    @Test
    @Order(2)
    void shouldHashTheSourcePortWithShPort() throws Exception
    {
        assertTrue(Lab.jlvs("ipvsadm", "-L", "-n").out().contains("TCP  198.18.0.40:80 sh (sh-port)"),
            Lab.jlvs("ipvsadm", "-L", "-n").out());
        assertEquals(List.of("rs2", "rs3", "rs3", "rs1"), servers("198.18.0.40", 4, 40000));
    }

    /** fo: the highest weight, the first in list order among equals: rs3 (weight 5, added last). */
    @Test
    @Order(3)
    void shouldFailOverToTheHighestWeight() throws Exception
    {
        assertEquals(List.of("rs3", "rs3", "rs3", "rs3"), servers("198.18.0.50", 4, 32000));
    }

    /**
     * lblc: every datagram goes to the VIP, one destination address, which keeps the server it was first given (the
     * least loaded, the first of equals: rs3); UDP connections are never active, so it is never overloaded.
     */
    @Test
    @Order(4)
    void shouldKeepADestinationAddressOnOneServerWithLblc() throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "udp", "198.18.0.10:5300", "12", "33000");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total rs3=12"), r.out());
        assertTrue(Lab.jlvs("ipvsadm", "-L", "-n").out().contains("UDP  198.18.0.10:5300 lblc"));
    }
}
