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
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's schedulers with real TCP in the lab, where their choice can be worked out by hand from the kernel's
 * code. ldirectord adds the real servers in file order and IPVS links each at the head of the list, so the list is
 * rs3, rs2, rs1; sh tiles its 256 buckets in that order by weight, and the client 198.18.0.100 hashes to bucket 141
 * (the kernel's {@code hash_32(0xC6120064, 8)}: the top byte of the product by 0x61C88647), so a kernel director
 * and jlvs send it to the same real server (KernelLvsPeerSystemTest compares the two on Debian 12's kernel).
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
        cf = Lab.tempFile("jlvs-schedulers", ".cf", TEMPLATE.replace("RS1WEIGHT", "3"));
        settings = Lab.settingsWith(Map.of("ldirectord-config", cf.toString()));
        lab.startDirector(settings, 1, 4); // next hops: the three DR real servers and the router
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        Lab.tearDown(lab, cf, settings);
    }

    /**
     * Tiles by weight 1, 2, 3 in list order: rs3 rs2 rs2 rs1 rs1 rs1; bucket 141 is the fourth of a tile: rs1, for
     * every connection. A reload that changes nothing of the service keeps it; one that gives rs1 weight 4 re-tiles
     * by 7, and bucket 141 falls to rs2, as the kernel's ip_vs_sh_reassign() on the weight change.
     */
    @Test
    @Order(1)
    void shouldSendAClientWhereTheKernelsShTableSendsItAcrossReloads() throws Exception
    {
        assertEquals(List.of("rs1", "rs1", "rs1", "rs1", "rs1", "rs1", "rs1", "rs1"),
            Lab.servers("http://198.18.0.10/", 8, 31000));
        Files.writeString(cf, TEMPLATE.replace("RS1WEIGHT", "3") + "\n# reloaded\n");
        assertEquals(0, Lab.jlvs("reload").status());
        assertEquals(List.of("rs1", "rs1", "rs1", "rs1"), Lab.servers("http://198.18.0.10/", 4, 31100),
            "the same across a reload");
        Files.writeString(cf, TEMPLATE.replace("RS1WEIGHT", "4"));
        assertEquals(0, Lab.jlvs("reload").status());
        assertEquals(List.of("rs2", "rs2", "rs2", "rs2"), Lab.servers("http://198.18.0.10/", 4, 31200),
            "bucket 141 of a table tiled by 1, 2, 4");
    }

    /** With sh-port the source port is hashed too: ports 40000..40003 fall in buckets 49, 147, 244, 86. */
    @Test
    @Order(2)
    void shouldHashTheSourcePortWithShPort() throws Exception
    {
        assertTrue(Lab.jlvs("ipvsadm", "-L", "-n").out().contains("TCP  198.18.0.40:80 sh (sh-port)"),
            Lab.jlvs("ipvsadm", "-L", "-n").out());
        assertEquals(List.of("rs2", "rs3", "rs2", "rs1"), Lab.servers("http://198.18.0.40/", 4, 40000));
    }

    /** fo: the highest weight, the first in list order among equals: rs3 (weight 5, added last). */
    @Test
    @Order(3)
    void shouldFailOverToTheHighestWeight() throws Exception
    {
        assertEquals(List.of("rs3", "rs3", "rs3", "rs3"), Lab.servers("http://198.18.0.50/", 4, 32000));
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

    /** The real servers that answer {@code count} datagrams sent from one source port to 198.18.0.10:5300. */
    private static String oneFlow(final int count, final int port) throws Exception
    {
        final String script = String.join("\n",
            "import socket",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "s.bind(('', " + port + "))",
            "s.settimeout(3)",
            "out = []",
            "for i in range(" + count + "):",
            "    s.sendto(b'who?', ('198.18.0.10', 5300))",
            "    out.append(s.recvfrom(2048)[0].decode().strip())",
            "print(' '.join(out))");
        final Lab.Result r = Lab.client(Duration.ofSeconds(60), "/usr/bin/python3", "-c", script);
        assertEquals(0, r.status(), r.out());
        return r.out().strip();
    }

    /**
     * One-packet scheduling ({@code ops = yes}): the datagrams of one flow, from one source port, are each scheduled
     * apart (rr over rs3, rs2, rs1), where without it they follow their one connection.
     */
    @Test
    @Order(5)
    void shouldScheduleEachDatagramApartWithOps() throws Exception
    {
        final String udp = "scheduler=lblc\n\tprotocol=udp";
        final String text = TEMPLATE.replace("RS1WEIGHT", "3");
        Files.writeString(cf, text.replace(udp, "scheduler=rr\n\tprotocol=udp"));
        assertEquals(0, Lab.jlvs("reload").status());
        final String[] plain = oneFlow(4, 34000).split(" ");
        assertTrue(plain[0].equals(plain[1]) && plain[1].equals(plain[2]) && plain[2].equals(plain[3]),
            "one connection: " + String.join(" ", plain));
        Files.writeString(cf, text.replace(udp, "scheduler=rr\n\tprotocol=udp\n\tops=yes"));
        assertEquals(0, Lab.jlvs("reload").status());
        assertTrue(Lab.jlvs("ipvsadm", "-L", "-n").out().contains("UDP  198.18.0.10:5300 rr ops"),
            Lab.jlvs("ipvsadm", "-L", "-n").out());
        final String[] ops = oneFlow(6, 34001).split(" ");
        assertEquals(3, java.util.Set.of(ops[0], ops[1], ops[2]).size(), "each datagram its own choice: " +
            String.join(" ", ops));
        assertEquals(List.of(ops[0], ops[1], ops[2]), List.of(ops[3], ops[4], ops[5]), "round robin");
    }

    /**
     * Thresholds: rs3 (fo's choice, weight 5, added last) with {@code <u:2> <l:1>} takes two held connections and is
     * then overloaded, so new ones go to rs2; once both are reset and expire (CLOSE, 10 s) it is below l:1 and takes
     * them again, as ip_vs_bind_dest() and ip_vs_unbind_dest() move the flag.
     */
    @Test
    @Order(0) // first: the counts of the .50 service's real servers start at 0, not at what other tests left
    void shouldStopAboveTheUpperThresholdAndResumeBelowTheLower() throws Exception
    {
        Files.writeString(cf, TEMPLATE.replace("RS1WEIGHT", "3")
            .replace("\treal=198.18.0.13:80 gate 5", "\treal=198.18.0.13:80 gate 5 <u:2> <l:1>"));
        assertEquals(0, Lab.jlvs("reload").status());
        final String hold = String.join("\n",
            "import socket, struct, time",
            "held = [socket.create_connection(('198.18.0.50', 80), timeout=5) for _ in range(2)]",
            "print('held', flush=True)",
            "time.sleep(15)",
            "for s in held:",
            "    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))",
            "    s.close()",
            "print('reset', flush=True)");
        final java.util.concurrent.CompletableFuture<Lab.Result> holder =
            java.util.concurrent.CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return Lab.client(Duration.ofSeconds(30), "/usr/bin/python3", "-c", hold);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            }, Thread::startVirtualThread);
        // held for 15 s: the listing and the three requests below are made while the two are open, on a loaded box too
        final Pattern twoHeld = Pattern.compile("-> 198\\.18\\.0\\.13:80\\s+2\\s+1\\s");
        Lab.awaitMs(() -> twoHeld.matcher(Lab.quietly(() -> Lab.jlvs("ipvsadm", "-L", "-n", "--thresholds").out(),
            "")).find(), 10_000, "rs3 holds the two connections");
        assertEquals(List.of("rs2", "rs2", "rs2"), Lab.servers("http://198.18.0.50/", 3, 35000), "rs3 holds u:2: overloaded");
        assertEquals(0, holder.get(30, java.util.concurrent.TimeUnit.SECONDS).status());
        final long reset = System.nanoTime();
        int port = 35100;
        while (!Lab.servers("http://198.18.0.50/", 1, port++).equals(List.of("rs3")))
        {
            assertTrue(System.nanoTime() - reset < 30_000_000_000L, "rs3 takes connections again");
            Thread.sleep(500);
        }
        System.out.printf("held connections reset: rs3 takes connections again after %d ms (CLOSE lasts 10 s)%n",
            (System.nanoTime() - reset) / 1_000_000);
    }

    /**
     * A real server a reload removes drains: the transfer it serves (rs3, fo's choice) goes on to the end, intact,
     * while new connections go to the others and the listing no longer shows it.
     */
    @Test
    @Order(7)
    void shouldDrainARealServerAReloadRemoves() throws Exception
    {
        final String text = TEMPLATE.replace("RS1WEIGHT", "3");
        Files.writeString(cf, text);
        assertEquals(0, Lab.jlvs("reload").status());
        final java.util.concurrent.CompletableFuture<Lab.Result> transfer =
            Lab.clientPyAsync("transfer", "http://198.18.0.50/", "10000000", "1000000");
        Lab.awaitMs(() -> Lab.holdsTransfer(Lab.INSTANCE, "198.18.0.50"), 10_000, "the transfer's connection");
        final long gone = goneDrops();
        Files.writeString(cf, text.replace("\treal=198.18.0.13:80 gate 5\n", ""));
        assertEquals(0, Lab.jlvs("reload").status());
        final String listing = Lab.jlvs("ipvsadm", "-L", "-n").out();
        final String fifty = listing.substring(listing.indexOf("TCP  198.18.0.50:80"));
        assertTrue(!fifty.substring(0, fifty.indexOf("\n", fifty.indexOf("198.18.0.12:80"))).contains("198.18.0.13"),
            "removed, not listed: " + listing);
        assertEquals(List.of("rs2", "rs2", "rs2"), Lab.servers("http://198.18.0.50/", 3, 36000), "new ones go elsewhere");
        final Lab.Result t = transfer.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(t.out().matches("(?s)transfer rs3 10000000 ok.*"), "drained to the end, intact: " + t.out());
        assertEquals(gone, goneDrops(), "none of its packets dropped");
    }

    private static long goneDrops()
    {
        return Lab.counters(Lab.COUNTERS).getOrDefault("fwd-0: Dropped: connection's real server removed", 0L);
    }
}
