package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 through the lab's director: it answers neighbour discovery for its IPv6 addresses and VIPs, resolves the
 * IPv6 real servers and its IPv6 gateway, answers ping, and balances HTTP over IPv6 by direct routing (the real
 * servers hold 2001:db8::10 on lo) and by NAT (real servers in 2001:db8:1::/64, the director their gateway), wrr
 * 3:2:1, and by tunnelling (IPv6 in IPv6 through the router to 2001:db8:2::/64, rr), with the listing in ipvsadm's
 * IPv6 form.
 */
class Ipv6SystemTest
{
    private static Lab lab;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        lab.startDirector();
        // the six IPv6 real servers on its links and the IPv6 router answer the director's solicitations
        Lab.awaitCounter("fwd-0: IPv6 neighbour advertisements received", 7, Duration.ofSeconds(20));
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
    void shouldAnswerPingToAnIpv6Vip() throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(20), "ping", "-6", "-c", "3", "-i", "0.2", "-W", "2",
            "2001:db8::10");
        assertEquals(0, r.status(), r.out());
        assertTrue(r.out().contains("3 received"), r.out());
    }

    @Test
    void shouldBalanceHttpOverIpv6ByDirectRoutingAndNat() throws Exception
    {
        final Lab.Result dr = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://[2001:db8::10]/", "60", "26000");
        assertEquals(0, dr.status(), dr.out() + lab.directorLog());
        assertTrue(dr.out().contains("total rs1=30 rs2=20 rs3=10"), dr.out());

        final Lab.Result nat = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://[2001:db8::20]/", "60", "26100");
        assertEquals(0, nat.status(), nat.out() + lab.directorLog());
        assertTrue(nat.out().contains("total nat1=30 nat2=20 nat3=10"), nat.out());

        final Lab.Result tun = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://[2001:db8::30]/", "30", "26200");
        assertEquals(0, tun.status(), tun.out() + lab.directorLog());
        assertTrue(tun.out().contains("total tun1=10 tun2=10 tun3=10"), tun.out());

        final Lab.Result list = Lab.jlvs("ipvsadm", "-L", "-n");
        assertEquals(0, list.status(), list.out());
        assertTrue(list.out().contains("TCP  [2001:db8::10]:80 wrr"), list.out());
        assertTrue(list.out().contains("  -> [2001:db8::11]:80            Route   3      "), list.out());
        assertTrue(list.out().contains("TCP  [2001:db8::20]:80 wrr"), list.out());
        assertTrue(list.out().contains("  -> [2001:db8:1::11]:8080        Masq    3      "), list.out());
        assertTrue(list.out().contains("TCP  [2001:db8::30]:80 rr"), list.out());
        assertTrue(list.out().contains("  -> [2001:db8:2::11]:80          Tunnel  1      "), list.out());
        final Lab.Result conns = Lab.jlvs("ipvsadm", "-L", "-n", "-c");
        assertTrue(conns.out().contains("[2001:db8::100]:26000 [2001:db8::10]:80  [2001:db8::"), conns.out());
    }
}
