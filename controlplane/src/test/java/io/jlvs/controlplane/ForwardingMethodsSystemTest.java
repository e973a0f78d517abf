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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NAT and tunnelling with real TCP and UDP through a running director in the lab (config/lab/lab.sh): NAT real
 * servers on their own subnet behind the director, their gateway, with a port mapping; tunnel real servers behind a
 * router, one each for IPIP, GUE and GRE, decapsulating in user space (this kernel has no ipip, gre or fou); a
 * service mixing all three methods; and the ICMP the kernel's IPVS sends and relays.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForwardingMethodsSystemTest
{
    private static final String VIP_DR = "198.18.0.10";
    private static final String VIP_NAT = "198.18.0.20";
    private static final String VIP_TUN = "198.18.0.30";
    private static final String VIP_MIX = "198.18.0.40";
    private static final String VIP_NONE = "198.18.0.50";
    private static final String CLIENT = "198.18.0.100";
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
    void shouldBalanceNatByWeightsMappingThePortAndCountingReplies() throws Exception
    {
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(120), "requests", "http://" + VIP_NAT + "/", "300", "30000");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total nat1=150 nat2=100 nat3=50"), r.out());

        final Map<String, long[]> stats = Lab.destStats("-t", VIP_NAT + ":80");
        assertEquals(150, stats.get("198.18.1.11:8080")[0], "conns");
        assertEquals(100, stats.get("198.18.1.12:8080")[0]);
        assertEquals(50, stats.get("198.18.1.13:8080")[0]);
        for (final long[] s : stats.values())
        {
            assertTrue(s[2] >= 3 * s[0], "OutPkts: the replies pass the director: " + s[2]);
            assertTrue(s[4] > 0, "OutBytes");
        }
        final Lab.Result list = Lab.jlvs("ipvsadm", "-L", "-n", "-t", VIP_NAT + ":80");
        assertTrue(list.out().contains("TCP  198.18.0.20:80 wrr"), list.out());
        assertTrue(list.out().contains("  -> 198.18.1.11:8080             Masq    3      "), list.out());
        final Lab.Result conns = Lab.jlvs("ipvsadm", "-L", "-n", "-c");
        assertTrue(Pattern.compile("TCP \\d\\d:\\d\\d  (TIME_WAIT|CLOSE|FIN_WAIT|CLOSE_WAIT|LAST_ACK) +" +
            "198\\.18\\.0\\.100:30\\d\\d\\d +198\\.18\\.0\\.20:80 +198\\.18\\.1\\.1[123]:8080").matcher(conns.out()).find(),
            "NAT connections listed with their real server and a closing state:\n" + conns.out());
    }

    @Test
    @Order(2)
    void shouldDeliverALongNatTransferIntactFromOneRealServer() throws Exception
    {
        final Map<String, long[]> before = Lab.destStats("-t", VIP_NAT + ":80");
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(120), "transfer", "http://" + VIP_NAT + "/", "40000000");
        assertEquals(0, r.status(), r.out());
        final Matcher m = Pattern.compile("transfer (nat\\d) 40000000 ok").matcher(r.out());
        assertTrue(m.find(), r.out());
        final Map<String, long[]> after = Lab.destStats("-t", VIP_NAT + ":80");
        final String dest = "198.18.1.1" + m.group(1).substring(3) + ":8080";
        assertEquals(1, after.get(dest)[0] - before.get(dest)[0], "one connection");
        assertTrue(after.get(dest)[4] - before.get(dest)[4] > 40_000_000, "40 MB of replies through the director");
        for (final String other : after.keySet())
        {
            if (!other.equals(dest))
            {
                assertEquals(before.get(other)[1], after.get(other)[1], "no packet to " + other);
            }
        }
    }

    @Test
    @Order(3)
    void shouldSpreadNatUdpByRoundRobin() throws Exception
    {
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(60), "udp", VIP_NAT + ":5300", "30", "31000");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total nat1=10 nat2=10 nat3=10"), r.out());
    }

    @Test
    @Order(4)
    void shouldBalanceTunnelsOfEachTypeByWeights() throws Exception
    {
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(120), "requests", "http://" + VIP_TUN + "/", "300", "32000");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total tun1=150 tun2=100 tun3=50"), r.out());

        final Lab.Result list = Lab.jlvs("ipvsadm", "-L", "-n", "-t", VIP_TUN + ":80");
        assertTrue(list.out().contains("  -> 198.18.2.11:80               Tunnel  3      "), list.out());
        final Lab.Result info = Lab.jlvs("ipvsadm", "-L", "-n", "--tun-info", "-t", VIP_TUN + ":80");
        assertTrue(info.out().contains("  -> 198.18.2.11:80               Tunnel  ipip"), info.out());
        assertTrue(info.out().contains("  -> 198.18.2.12:80               Tunnel  gue:6080:+c"), info.out());
        assertTrue(info.out().contains("  -> 198.18.2.13:80               Tunnel  gre:+c"), info.out());
        final Lab.Result save = Lab.jlvs("ipvsadm", "-S", "-n");
        assertTrue(save.out().contains("-a -t 198.18.0.30:80 -r 198.18.2.12:80 -i -w 2 --tun-type gue " +
            "--tun-port 6080 --tun-csum"), save.out());

        final String[] kinds = {"ipip", "gue", "gre"};
        for (int i = 1; i <= 3; i++)
        {
            final String decap = decapCounters("tun" + i);
            assertTrue(Pattern.compile("\"" + kinds[i - 1] + "\": [1-9]").matcher(decap).find(),
                "tun" + i + " took " + kinds[i - 1] + ": " + decap);
            assertTrue(decap.contains("\"bad_total\": 0"), "no bad tunnel packet (checksums right): " + decap);
            assertTrue(decap.contains("\"tcp\": 0") && decap.contains("\"udp\": 0"),
                "no wrong inner checksum: " + decap);
        }
    }

    @Test
    @Order(5)
    void shouldCarryUploadsThroughTheTunnelAfterPathMtuDiscovery() throws Exception
    {
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(120), "upload", "http://" + VIP_TUN + "/", "10000000");
        assertEquals(0, r.status(), r.out());
        assertTrue(Pattern.compile("upload tun\\d 10000000 ok").matcher(r.out()).find(), r.out());
        assertTrue(Lab.counter("fwd-0: Dropped: too big for the tunnel (DF set, or too many fragments)") > 0,
            "full-sized segments did not fit the tunnel: the client was told the MTU");
        final Lab.Result route = Lab.client(Duration.ofSeconds(10), "ip", "route", "get", VIP_TUN);
        assertTrue(Pattern.compile("mtu 14[0-9][0-9]").matcher(route.out()).find(),
            "the client learned the tunnel's MTU: " + route.out());

        final Lab.Result down = Lab.clientPy(Duration.ofSeconds(120), "transfer", "http://" + VIP_TUN + "/", "10000000");
        assertTrue(Pattern.compile("transfer tun\\d 10000000 ok").matcher(down.out()).find(), down.out());
        final Lab.Result udp = Lab.clientPy(Duration.ofSeconds(60), "udp", VIP_TUN + ":5300", "9", "33000");
        assertTrue(udp.out().contains("total tun1=3 tun2=3 tun3=3"), udp.out());
    }

    @Test
    @Order(6)
    void shouldForwardAMixedServiceByEachRealServersMethod() throws Exception
    {
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(60), "requests", "http://" + VIP_MIX + "/", "12", "34000");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("total nat1=4 rs1=6 tun1=2"), r.out());
        final Lab.Result list = Lab.jlvs("ipvsadm", "-L", "-n", "-t", VIP_MIX + ":80");
        assertTrue(list.out().contains("Route") && list.out().contains("Masq") && list.out().contains("Tunnel"),
            list.out());
    }

    @Test
    @Order(7)
    void shouldAnswerPortUnreachableWhenNoRealServerIsLeft() throws Exception
    {
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(30), "tcp-refused", VIP_NONE + ":8000");
        assertEquals(0, r.status(), "refused at once, not left to time out: " + r.out());
        assertTrue(Lab.counter("fwd-0: Dropped: no destination available") >= 1);
    }

    @Test
    @Order(8)
    void shouldTranslateANatRealServersPortUnreachableForTheClient() throws Exception
    {
        final long before = Math.max(0, Lab.counter("fwd-0: ICMP errors relayed to a connection's real server or client"));
        final Lab.Result r = Lab.clientPy(Duration.ofSeconds(30), "udp-refused", VIP_NAT + ":5399", "35000");
        assertEquals(0, r.status(), "the client's socket got the real server's refusal: " + r.out());
        assertTrue(Lab.counter("fwd-0: ICMP errors relayed to a connection's real server or client") > before);
    }

    @Test
    @Order(9)
    void shouldRelayFragmentationNeededFromARouterToTheConnectionsRealServer() throws Exception
    {
        final String[][] cases = {
            {VIP_DR, "36001", "rs"},
            {VIP_NAT, "36002", "nat"},
            {VIP_TUN, "36003", "tun"},
        };
        for (final String[] c : cases)
        {
            final Lab.Result answer = Lab.clientPy(Duration.ofSeconds(30), "udp", c[0] + ":5300", "1", c[1]);
            final Matcher who = Pattern.compile("1 " + c[1] + " (" + c[2] + "\\d)").matcher(answer.out());
            assertTrue(who.find(), answer.out());
            final Lab.Result neigh = Lab.client(Duration.ofSeconds(10), "ip", "neigh", "show", c[0]);
            final Matcher mac = Pattern.compile("lladdr (\\S+)").matcher(neigh.out());
            assertTrue(mac.find(), neigh.out());

            final Lab.Result sent = Lab.clientPy(Duration.ofSeconds(10), "icmp-fragneeded", "cli0", mac.group(1),
                "198.18.0.77", c[0], "5300", CLIENT, c[1], "1400");
            assertEquals(0, sent.status(), sent.out());

            final String server = "jlvs-" + who.group(1);
            final long deadline = System.nanoTime() + 5_000_000_000L;
            String route = "";
            while (System.nanoTime() < deadline)
            {
                route = Lab.in(server, Duration.ofSeconds(10), "ip", "route", "get", CLIENT).out();
                if (route.contains("mtu 1400"))
                {
                    break;
                }
                Thread.sleep(100);
            }
            assertTrue(route.contains("mtu 1400"), server + " learned the path MTU to the client: " + route);
        }
    }

    @Test
    @Order(10)
    void shouldHaveRecordedNoErrorOnTheFastPath() throws Exception
    {
        assertTrue(lab.directorAlive(), lab.directorLog());
        final Lab.Result errors = Lab.jlvs("errors", "-i", Lab.INSTANCE);
        assertTrue(errors.out().contains("0 distinct errors observed."), errors.out());
    }

    private static String decapCounters(final String name) throws Exception
    {
        final Path file = Path.of("/run/jlvs-lab", name + "-decap.json");
        Lab.in("jlvs-" + name, Duration.ofSeconds(5), "pkill", "-USR1", "-f", "tundecap.py " + name);
        Thread.sleep(300);
        return Files.readString(file);
    }
}
