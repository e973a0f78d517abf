package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real fragmented UDP through the lab's director, over IPv4 and IPv6: the client sends 4000-byte datagrams over its
 * 1500-byte link, so its kernel fragments each in three, and every real server echoes the bytes back in one datagram (fragmented by its
 * kernel in turn: through the director under NAT, straight to the client under DR and TUN).
 * <p>
 * The director's port is {@code net_af_xdp} on its veth here, not the lab's usual {@code net_af_packet}: DPDK
 * 22.11's af_packet joins its sockets to a {@code PACKET_FANOUT} group with {@code PACKET_FANOUT_FLAG_DEFRAG}, so
 * the kernel would reassemble the datagrams before the director saw them, and hold lone fragments. Through AF_XDP
 * the director sees each fragment as it is on the wire.
 */
class FragmentsSystemTest
{
    private static Lab lab;
    private static Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        settings = Lab.settingsWith(Map.of("port", "net_af_xdp0,iface=dir0"));
        lab.startDirector(settings, 1);
        // the first answer under NAT needs the client's MAC: resolve it with one small datagram
        Lab.client(Duration.ofSeconds(30), "/usr/bin/python3", Lab.LAB.resolve("client.py").toString(),
            "udp", "198.18.0.20:5300", "1", "24999");
        // and over IPv6: the director learns the client's address from its solicitation; wait for the real servers'
        Lab.awaitCounter("fwd-0: IPv6 neighbour advertisements received", 7, Duration.ofSeconds(20));
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

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "DR,  198.18.0.10:5300, 25000, rs",
        "NAT, 198.18.0.20:5300, 25100, nat",
        "TUN, 198.18.0.30:5300, 25200, tun",
        "DR over IPv6, [2001:db8::10]:5300, 25300, rs",
        "NAT over IPv6, [2001:db8::20]:5300, 25400, nat",
        "TUN over IPv6, [2001:db8::30]:5300, 25500, tun"})
    void shouldCarryFragmentedDatagramsToTheirRealServerAndBack(
        final String method, final String service, final int firstPort, final String servers) throws Exception
    {
        if (method.equals("TUN over IPv6"))
        {
            // A fragment of 1500 bytes does not fit an IPv6 tunnel (40 more): the director answers packet too big
            // with the MTU left inside it, and the datagram is lost, as IPv6 routers do; the client's kernel keeps
            // the smaller path MTU for the VIP and fragments the next ones to fit (path MTU discovery).
            final long tooBig = Lab.counter("fwd-0: Dropped: too big for the tunnel (DF set, or too many fragments)");
            Lab.client(Duration.ofSeconds(30), "/usr/bin/python3", Lab.LAB.resolve("client.py").toString(),
                "udp-echo", service, "4000", "1", Integer.toString(firstPort - 1));
            assertTrue(Lab.counter("fwd-0: Dropped: too big for the tunnel (DF set, or too many fragments)") > tooBig,
                "the first datagram's fragments were too big for the tunnel");
        }
        final long before = Lab.counter("fwd-0: IP fragments of a virtual service's or a NAT real server's datagrams");
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "udp-echo", service, "4000", "12", Integer.toString(firstPort));
        assertEquals(0, r.status(), method + ": every echo back whole\n" + r.out() + lab.directorLog());
        assertTrue(r.out().contains("total " + servers + "1=4 " + servers + "2=4 " + servers + "3=4"),
            "rr over the three, each datagram to one real server: " + r.out());
        final long fragments =
            Lab.counter("fwd-0: IP fragments of a virtual service's or a NAT real server's datagrams") - before;
        assertEquals(method.startsWith("NAT") ? 12 * 6 : 12 * 3, fragments,
            "the director saw every fragment (three per datagram; under NAT the answers' too)");
        assertEquals(0, Lab.counter("fwd-0: Dropped: fragment of no known connection"));
        assertEquals(0, Lab.counter("fwd-0: Dropped: overlapping, oversized or too many fragments of a datagram"));
    }
}
