package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.port.InMemoryPort;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DestStats;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.Wire;
import io.jlvs.dataplane.xmit.Wire6;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.jlvs.dataplane.xmit.Wire.ip;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u8;
import static io.jlvs.dataplane.xmit.Wire6.addr;
import static io.jlvs.dataplane.xmit.Wire6.hi;
import static io.jlvs.dataplane.xmit.Wire6.lo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IPv6 through a whole agent: neighbour discovery (advertising the director's addresses and VIPs, answering
 * solicitations for them, soliciting its next hops and learning from the answers), ICMPv6 echo, a DR service and a
 * NAT service both ways, and a fragmented datagram.
 */
class Ipv6ForwardingTest
{
    private static final long PORT_MAC = 0x02_00_00_00_00_02L;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_64L;
    private static final long DR_MAC = 0x02_00_00_00_00_0BL;
    private static final long NAT_MAC = 0x02_00_00_00_01_0BL;
    private static final byte[] DIP = addr("2001:db8::2");
    private static final byte[] NAT_GW = addr("2001:db8:1::1");
    private static final byte[] CIP = addr("2001:db8::100");
    private static final byte[] VIP = addr("2001:db8::10");
    private static final byte[] VIP_NAT = addr("2001:db8::20");
    private static final byte[] DR_RIP = addr("2001:db8::11");
    private static final byte[] NAT_RIP = addr("2001:db8:1::11");
    private static final byte[] VIP_TUN = addr("2001:db8::30");
    private static final byte[] TUN_RIP = addr("2001:db8::21");
    private static final byte[] GUE_RIP = addr("2001:db8::22");
    private static final long TUN_MAC = 0x02_00_00_00_02_0BL;
    private static final long GUE_MAC = 0x02_00_00_00_02_0CL;
    private static final int VIP4_TUN = ip("198.18.0.30");
    private static final int CIP4 = ip("198.18.0.100");

    private final DataplaneCounters counters = DataplaneCounters.onHeap(1024);
    private final CachedEpochClock clock = new CachedEpochClock();
    private InMemoryPort port;
    private ConnTable conns;
    private AtomicCounter[] agentCounters;
    private DestStats natStats;
    private ForwardingAgent agent;

    @BeforeEach
    void setUp()
    {
        clock.update(1_000_000);
        port = new InMemoryPort("mem0", PORT_MAC, 256);
        conns = new ConnTable(new ConnTable.Context().capacity(1_000).conclude());
        agentCounters = counters.newAgentCounters(0, "fwd-0");
        natStats = counters.newDestStats(0, "fwd-0", 2, "nat");
        final Service dr = new Service(6, PacketView.AF_INET6, hi(VIP), lo(VIP), 80, 0, 0, 0, -1L,
            Schedulers.create("rr"), new Dest[] {Dest.builder(1).address(PacketView.AF_INET6, hi(DR_RIP), lo(DR_RIP))
                .port(80).stats(counters.newDestStats(0, "fwd-0", 1, "dr")).build()},
            counters.newServiceStats(0, "fwd-0", 11, "dr"));
        final Service nat = new Service(6, PacketView.AF_INET6, hi(VIP_NAT), lo(VIP_NAT), 80, 0, 0, 0, -1L,
            Schedulers.create("rr"), new Dest[] {Dest.builder(2).address(PacketView.AF_INET6, hi(NAT_RIP), lo(NAT_RIP))
                .port(8080).fwdMethod(FwdMethod.MASQ).stats(natStats).build()},
            counters.newServiceStats(0, "fwd-0", 12, "nat"));
        final Service tun = new Service(6, PacketView.AF_INET6, hi(VIP_TUN), lo(VIP_TUN), 80, 0, 0, 0, -1L,
            Schedulers.create("rr"), new Dest[] {
                Dest.builder(3).address(PacketView.AF_INET6, hi(TUN_RIP), lo(TUN_RIP)).port(80)
                    .fwdMethod(FwdMethod.TUNNEL).stats(counters.newDestStats(0, "fwd-0", 3, "tun")).build()},
            counters.newServiceStats(0, "fwd-0", 13, "tun"));
        // an IPv4 service whose real server is IPv6, by GUE with checksums: IPv4 in UDP in IPv6
        final Service tun4 = new Service(6, PacketView.AF_INET, 0, VIP4_TUN & 0xFFFF_FFFFL, 80, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create("rr"), new Dest[] {
                Dest.builder(4).address(PacketView.AF_INET6, hi(GUE_RIP), lo(GUE_RIP)).port(80)
                    .fwdMethod(FwdMethod.TUNNEL).tunnel(io.jlvs.dataplane.xmit.TunnelType.GUE, 6080,
                        io.jlvs.dataplane.xmit.TunnelChecksum.CSUM)
                    .stats(counters.newDestStats(0, "fwd-0", 4, "gue")).build()},
            counters.newServiceStats(0, "fwd-0", 14, "tun4"));
        final Service empty = new Service(6, PacketView.AF_INET6, hi(VIP), lo(VIP), 8000, 0, 0, 0, -1L,
            Schedulers.create("rr"), new Dest[] {Dest.builder(5).address(PacketView.AF_INET6, hi(DR_RIP), lo(DR_RIP))
                .port(8000).weight(0).stats(counters.newDestStats(0, "fwd-0", 5, "quiescent")).build()},
            counters.newServiceStats(0, "fwd-0", 15, "empty"));
        final RouteTable routes = RouteTable.of(ip("198.18.0.2"), 24).withIpv6(
            new long[] {hi(DIP), hi(NAT_GW)}, new long[] {lo(DIP), lo(NAT_GW)}, new int[] {64, 64}, 0, 0);
        agent = new ForwardingAgent(new ForwardingAgent.Context()
            .port(port)
            .conns(conns)
            .timeouts(new ConnTimeouts())
            .neighbours(new NeighbourTable())
            .snapshot(ForwardingSnapshot.of(1, routes, dr, nat, tun, tun4, empty))
            .counters(agentCounters)
            .dropsByVerdict(counters.newVerdictCounters(0, "fwd-0"))
            .epochClock(clock)
            .nanoClock(new SystemNanoClock()));
    }

    @AfterEach
    void tearDown()
    {
        agent.release();
        conns.close();
        port.close();
    }

    private long count(final LbCounterDescriptor d)
    {
        return agentCounters[d.ordinal()].get();
    }

    private static boolean isIpv6(final byte[] f)
    {
        return u16(f, 12) == 0x86DD;
    }

    private List<byte[]> run(final byte[]... frames)
    {
        Arrays.stream(frames).forEach(port::inject);
        agent.doWork();
        return port.takeTransmitted().stream().filter(Ipv6ForwardingTest::isIpv6).toList();
    }

    private static byte[] fromClient(final byte[] vip, final int sport, final int flags, final int length)
    {
        return Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.TCP, CIP, vip,
            Wire6.tcp(CIP, vip, sport, 80, flags, Wire.payload(length)));
    }

    /** The start: advertisements and solicitations out; the neighbours answer; the client's address is learned. */
    private void resolve()
    {
        final List<byte[]> start = run();
        for (final byte[] f : start)
        {
            if (u8(f, 54) == 135)
            {
                final byte[] target = Arrays.copyOfRange(f, 62, 78);
                final long mac = Arrays.equals(target, DR_RIP) ? DR_MAC : Arrays.equals(target, NAT_RIP) ? NAT_MAC :
                    Arrays.equals(target, TUN_RIP) ? TUN_MAC : GUE_MAC;
                port.inject(Wire6.frame(PORT_MAC, mac, 255, Wire6.ICMPV6, target, Wire6.src(f),
                    Wire6.icmp(target, Wire6.src(f), 136, 0, Wire6.advertisement(target, mac))));
            }
        }
        port.inject(Wire6.frame(0x3333_FF00_0010L, CLIENT_MAC, 255, Wire6.ICMPV6, CIP, addr("ff02::1:ff00:10"),
            Wire6.icmp(CIP, addr("ff02::1:ff00:10"), 135, 0, Wire6.solicitation(VIP, CLIENT_MAC))));
        agent.doWork();
        port.takeTransmitted();
    }

    @Test
    void shouldAdvertiseItsAddressesAndSolicitItsNextHops()
    {
        final List<byte[]> out = run();
        int advertised = 0;
        int solicited = 0;
        for (final byte[] f : out)
        {
            assertTrue(Wire6.checksumOk(f), "ICMPv6 checksum");
            assertEquals(255, u8(f, 21), "hop limit 255");
            assertEquals(PORT_MAC, Wire.mac(f, 6));
            final int type = u8(f, 54);
            final byte[] target = Arrays.copyOfRange(f, 62, 78);
            if (type == 136)
            {
                advertised++;
                assertArrayEquals(addr("ff02::1"), Wire6.dst(f));
                assertEquals(0x3333_0000_0001L, Wire.mac(f, 0));
                assertEquals(0x20, u8(f, 58), "override, not solicited");
                assertEquals(PORT_MAC, Wire.mac(f, 80), "target link-layer option");
            }
            else
            {
                assertEquals(135, type);
                solicited++;
                assertTrue(Arrays.equals(target, DR_RIP) || Arrays.equals(target, NAT_RIP) ||
                    Arrays.equals(target, TUN_RIP) || Arrays.equals(target, GUE_RIP));
                final byte[] dst = Wire6.dst(f);
                assertEquals(0xff, dst[0] & 0xff);
                assertEquals(target[15], dst[15], "solicited-node multicast address");
                assertEquals(0x3333_FF00_0000L | ((target[13] & 0xFFL) << 16) | ((target[14] & 0xFFL) << 8) |
                    (target[15] & 0xFFL), Wire.mac(f, 0));
                assertArrayEquals(Arrays.equals(target, NAT_RIP) ? NAT_GW : DIP, Wire6.src(f), "from its subnet");
            }
        }
        assertEquals(5, advertised, "the two addresses and the three IPv6 VIPs");
        assertEquals(4, solicited, "the four IPv6 real servers");
    }

    @Test
    void shouldAnswerASolicitationForAVipAndRefuseOneThatCrossedARouter()
    {
        run();
        final byte[] dst = addr("ff02::1:ff00:10");
        final List<byte[]> out = run(Wire6.frame(0x3333_FF00_0010L, CLIENT_MAC, 255, Wire6.ICMPV6, CIP, dst,
            Wire6.icmp(CIP, dst, 135, 0, Wire6.solicitation(VIP, CLIENT_MAC))));
        assertEquals(1, out.size());
        final byte[] na = out.get(0);
        assertEquals(CLIENT_MAC, Wire.mac(na, 0));
        assertArrayEquals(VIP, Wire6.src(na));
        assertArrayEquals(CIP, Wire6.dst(na));
        assertEquals(136, u8(na, 54));
        assertEquals(0x60, u8(na, 58), "solicited, override");
        assertArrayEquals(VIP, Arrays.copyOfRange(na, 62, 78));
        assertEquals(PORT_MAC, Wire.mac(na, 80));
        assertTrue(Wire6.checksumOk(na));
        assertEquals(14 + 40 + 32, na.length, "the advertisement with its one option");

        assertEquals(0, run(Wire6.frame(0x3333_FF00_0010L, CLIENT_MAC, 64, Wire6.ICMPV6, CIP, dst,
            Wire6.icmp(CIP, dst, 135, 0, Wire6.solicitation(VIP, CLIENT_MAC)))).size());
        assertEquals(1, count(LbCounterDescriptor.ND_MALFORMED));
    }

    @Test
    void shouldAnswerAnEchoRequestToAVip()
    {
        resolve();
        final byte[] body = {0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
        final List<byte[]> out = run(Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.ICMPV6, CIP, VIP,
            Wire6.icmp(CIP, VIP, 128, 0, body)));
        assertEquals(1, out.size());
        final byte[] reply = out.get(0);
        assertEquals(129, u8(reply, 54));
        assertArrayEquals(VIP, Wire6.src(reply));
        assertArrayEquals(CIP, Wire6.dst(reply));
        assertTrue(Wire6.checksumOk(reply));
        assertEquals(CLIENT_MAC, Wire.mac(reply, 0));
    }

    @Test
    void shouldForwardToAnIpv6RealServerByDirectRouting()
    {
        resolve();
        final byte[] syn = fromClient(VIP, 40000, 0x02, 0);
        final List<byte[]> out = run(syn);
        assertEquals(1, out.size(), "forwarded\n" + counters);
        final byte[] f = out.get(0);
        assertEquals(DR_MAC, Wire.mac(f, 0));
        assertEquals(PORT_MAC, Wire.mac(f, 6));
        assertEquals(63, u8(f, 21), "hop limit decremented");
        final byte[] expected = syn.clone();
        expected[21] = 63;
        assertArrayEquals(Arrays.copyOfRange(expected, 14, expected.length), Arrays.copyOfRange(f, 14, f.length));
        assertEquals(1, count(LbCounterDescriptor.CONNS_CREATED));
    }

    @Test
    void shouldTranslateAnIpv6NatConnectionBothWays()
    {
        resolve();
        final List<byte[]> in = run(fromClient(VIP_NAT, 40001, 0x02, 0));
        assertEquals(1, in.size());
        final byte[] toServer = in.get(0);
        assertEquals(NAT_MAC, Wire.mac(toServer, 0));
        assertArrayEquals(NAT_RIP, Wire6.dst(toServer));
        assertEquals(8080, u16(toServer, 56));
        assertTrue(Wire6.checksumOk(toServer), "TCP checksum over the IPv6 pseudo-header");

        final List<byte[]> out = run(Wire6.frame(PORT_MAC, NAT_MAC, 64, Wire6.TCP, NAT_RIP, CIP,
            Wire6.tcp(NAT_RIP, CIP, 8080, 40001, 0x12, Wire.payload(0))));
        assertEquals(1, out.size());
        final byte[] toClient = out.get(0);
        assertEquals(CLIENT_MAC, Wire.mac(toClient, 0), "the client learned from its solicitation");
        assertArrayEquals(VIP_NAT, Wire6.src(toClient));
        assertEquals(80, u16(toClient, 54));
        assertTrue(Wire6.checksumOk(toClient));
        assertEquals(1, natStats.inPkts());
        assertEquals(1, natStats.outPkts());
    }

    @Test
    void shouldForwardTheFragmentsOfAnIpv6Datagram()
    {
        resolve();
        run(fromClient(VIP, 40002, 0x02, 0));
        // a 3000-byte TCP segment in two fragments, the second first
        final byte[] segment = Wire6.tcp(CIP, VIP, 40002, 80, 0x18, Wire.payload(3000));
        final byte[] first = new byte[8 + 1448];
        final byte[] second = new byte[8 + segment.length - 1448];
        first[0] = Wire6.TCP;
        first[3] = 1; // offset 0, more
        first[4] = 0x11;
        System.arraycopy(segment, 0, first, 8, 1448);
        second[0] = Wire6.TCP;
        second[2] = (byte)(1448 >>> 8);
        second[3] = (byte)(1448 & 0xF8);
        second[4] = 0x11;
        System.arraycopy(segment, 1448, second, 8, segment.length - 1448);
        final List<byte[]> out = run(
            Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.FRAGMENT, CIP, VIP, second),
            Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.FRAGMENT, CIP, VIP, first));
        assertEquals(2, out.size(), "both, to the real server");
        out.forEach((f) -> assertEquals(DR_MAC, Wire.mac(f, 0)));
        assertEquals(2, count(LbCounterDescriptor.FRAGMENTS));
        assertEquals(1, count(LbCounterDescriptor.FRAGMENTS_HELD));
    }

    @Test
    void shouldTunnelIpv6InIpv6()
    {
        resolve();
        final byte[] syn = fromClient(VIP_TUN, 40003, 0x02, 100);
        final List<byte[]> out = run(syn);
        assertEquals(1, out.size());
        final byte[] f = out.get(0);
        assertEquals(TUN_MAC, Wire.mac(f, 0));
        assertEquals(41, u8(f, 20), "next header: IPv6");
        assertArrayEquals(DIP, Wire6.src(f), "from the director's address on the real server's subnet");
        assertArrayEquals(TUN_RIP, Wire6.dst(f));
        assertEquals(63, u8(f, 21), "the inner packet's hop limit, decremented");
        final int innerLength = 40 + 20 + 100;
        assertEquals(innerLength, u16(f, 18), "payload: the inner packet");
        final byte[] inner = Arrays.copyOfRange(f, 54, 54 + innerLength);
        final byte[] expected = Arrays.copyOfRange(syn, 14, 14 + innerLength);
        expected[7] = 63;
        assertArrayEquals(expected, inner);
    }

    @Test
    void shouldTunnelAnIpv4ServiceToAnIpv6RealServerByGue()
    {
        resolve();
        port.inject(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, Wire.DF, Wire.TCP, CIP4, VIP4_TUN, new byte[0],
            Wire.tcp(CIP4, VIP4_TUN, 40004, 80, 0x02, Wire.payload(0))));
        agent.doWork();
        final List<byte[]> out = port.takeTransmitted().stream().filter(Ipv6ForwardingTest::isIpv6).toList();
        assertEquals(1, out.size(), counters.toString());
        final byte[] f = out.get(0);
        assertEquals(GUE_MAC, Wire.mac(f, 0));
        assertEquals(17, u8(f, 20), "UDP");
        assertEquals(6080, u16(f, 56));
        assertEquals(4, u8(f, 63), "GUE: an IPv4 inner packet");
        assertTrue(Wire6.checksumOk(f), "the UDP checksum over the IPv6 pseudo-header");
        assertEquals(0x45, u8(f, 66), "the inner IPv4 header");
    }

    /** An ICMPv6 error's body: 4 bytes (the MTU of a packet too big) and the quoted packet's first 60 bytes. */
    private static byte[] errorBody(final int mtu, final byte[] quotedFrame)
    {
        final byte[] body = new byte[4 + 60];
        body[0] = (byte)(mtu >>> 24);
        body[1] = (byte)(mtu >>> 16);
        body[2] = (byte)(mtu >>> 8);
        body[3] = (byte)mtu;
        System.arraycopy(quotedFrame, 14, body, 4, 60);
        return body;
    }

    @Test
    void shouldRelayIcmpv6ErrorsOfANatConnectionBothWays()
    {
        resolve();
        run(fromClient(VIP_NAT, 40005, 0x02, 0));
        // a router on the way to the client asks for a smaller MTU for the director's reply
        final byte[] router = addr("2001:db8::fe");
        final byte[] reply = Wire6.frame(CLIENT_MAC, PORT_MAC, 64, Wire6.TCP, VIP_NAT, CIP,
            Wire6.tcp(VIP_NAT, CIP, 80, 40005, 0x10, Wire.payload(0)));
        final List<byte[]> in = run(Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.ICMPV6, router, VIP_NAT,
            Wire6.icmp(router, VIP_NAT, 2, 0, errorBody(1280, reply))));
        assertEquals(1, in.size(), "relayed to the real server\n" + counters);
        final byte[] toServer = in.get(0);
        assertEquals(NAT_MAC, Wire.mac(toServer, 0));
        assertArrayEquals(NAT_RIP, Wire6.dst(toServer));
        assertArrayEquals(NAT_RIP, Arrays.copyOfRange(toServer, 62 + 8, 62 + 24), "the quoted source");
        assertEquals(8080, u16(toServer, 62 + 40), "the quoted source port");
        assertTrue(Wire6.checksumOk(toServer), "ICMPv6 checksum");

        // the real server cannot deliver to... its own port: destination unreachable about the client's packet
        final byte[] request = Wire6.frame(NAT_MAC, PORT_MAC, 64, Wire6.TCP, CIP, NAT_RIP,
            Wire6.tcp(CIP, NAT_RIP, 40005, 8080, 0x10, Wire.payload(0)));
        final List<byte[]> out = run(Wire6.frame(PORT_MAC, NAT_MAC, 64, Wire6.ICMPV6, NAT_RIP, CIP,
            Wire6.icmp(NAT_RIP, CIP, 1, 4, errorBody(0, request))));
        assertEquals(1, out.size(), "relayed to the client\n" + counters);
        final byte[] toClient = out.get(0);
        assertEquals(CLIENT_MAC, Wire.mac(toClient, 0));
        assertArrayEquals(VIP_NAT, Wire6.src(toClient));
        assertArrayEquals(VIP_NAT, Arrays.copyOfRange(toClient, 62 + 24, 62 + 40), "the quoted destination");
        assertEquals(80, u16(toClient, 62 + 42), "the quoted destination port");
        assertTrue(Wire6.checksumOk(toClient));
        assertEquals(2, count(LbCounterDescriptor.ICMP_RELAYED));
    }

    @Test
    void shouldRelayAPacketTooBigAboutADrConnectionAsItIs()
    {
        resolve();
        run(fromClient(VIP, 40006, 0x02, 0));
        final byte[] router = addr("2001:db8::fe");
        final byte[] reply = Wire6.frame(CLIENT_MAC, DR_MAC, 64, Wire6.TCP, VIP, CIP,
            Wire6.tcp(VIP, CIP, 80, 40006, 0x10, Wire.payload(0)));
        final byte[] error = Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.ICMPV6, router, VIP,
            Wire6.icmp(router, VIP, 2, 0, errorBody(1280, reply)));
        final List<byte[]> out = run(error);
        assertEquals(1, out.size());
        assertEquals(DR_MAC, Wire.mac(out.get(0), 0));
        final byte[] expected = error.clone();
        expected[21] = 63;
        assertArrayEquals(Arrays.copyOfRange(expected, 14, expected.length),
            Arrays.copyOfRange(out.get(0), 14, out.get(0).length));
        assertTrue(Wire6.checksumOk(out.get(0)));

        // one quoting too little is counted and dropped
        final byte[] cut = Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.ICMPV6, router, VIP,
            Wire6.icmp(router, VIP, 2, 0, Arrays.copyOf(errorBody(1280, reply), 30)));
        assertEquals(0, run(cut).size());
        assertEquals(1, count(LbCounterDescriptor.ICMP_MALFORMED));
    }

    @Test
    void shouldAnswerWithIcmpv6ErrorsAsTheKernelDoes()
    {
        resolve();
        // no real server left: port unreachable, from the VIP
        final byte[] toEmpty = Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.TCP, CIP, VIP,
            Wire6.tcp(CIP, VIP, 40007, 8000, 0x02, Wire.payload(0)));
        List<byte[]> out = run(toEmpty);
        assertEquals(1, out.size());
        byte[] e = out.get(0);
        assertEquals(1, u8(e, 54));
        assertEquals(4, u8(e, 55), "port unreachable");
        assertArrayEquals(VIP, Wire6.src(e));
        assertArrayEquals(CIP, Wire6.dst(e));
        assertEquals(CLIENT_MAC, Wire.mac(e, 0));
        assertTrue(Wire6.checksumOk(e));
        assertArrayEquals(Arrays.copyOfRange(toEmpty, 14, 14 + 60), Arrays.copyOfRange(e, 62, 62 + 60), "quoted");

        // the hop limit runs out: time exceeded
        final byte[] last = Wire6.frame(PORT_MAC, CLIENT_MAC, 1, Wire6.TCP, CIP, VIP,
            Wire6.tcp(CIP, VIP, 40008, 80, 0x02, Wire.payload(0)));
        out = run(last);
        assertEquals(1, out.size());
        e = out.get(0);
        assertEquals(3, u8(e, 54));
        assertTrue(Wire6.checksumOk(e));
        assertEquals(1, count(LbCounterDescriptor.TTL_EXCEEDED));

        // too big for the IPv6 tunnel: packet too big with the MTU left inside it
        out = run(fromClient(VIP_TUN, 40009, 0x02, 1401)); // 1461 bytes, one more than fits
        assertEquals(1, out.size());
        e = out.get(0);
        assertEquals(2, u8(e, 54), "packet too big");
        assertEquals(1500 - 40, Wire.u32(e, 58), "the MTU inside the tunnel");
        assertTrue(Wire6.checksumOk(e));
        assertEquals(1, count(LbCounterDescriptor.TOO_BIG));

        // never an error about an error
        final byte[] router = addr("2001:db8::fe");
        assertEquals(0, run(Wire6.frame(PORT_MAC, CLIENT_MAC, 1, Wire6.ICMPV6, router, VIP,
            Wire6.icmp(router, VIP, 1, 4, errorBody(0, toEmpty)))).size());
    }

    @Test
    void shouldKeyIpv6FragmentsByTheirFragmentHeaderWhateverFollowsIt()
    {
        resolve();
        run(fromClient(VIP, 40010, 0x02, 0));
        // destination options (8 bytes, padding) after the fragment header, in the first fragment only
        final byte[] segment = Wire6.tcp(CIP, VIP, 40010, 80, 0x18, Wire.payload(2000));
        final int firstPart = 8 + 1440; // destination options and the first 1440 bytes of TCP
        final byte[] first = new byte[8 + firstPart];
        first[0] = 60;
        first[3] = 1;
        first[7] = 0x21;
        first[8] = Wire6.TCP; // destination options: next header TCP, length 0, PadN of 4
        first[10] = 1;
        first[11] = 4;
        System.arraycopy(segment, 0, first, 16, 1440);
        final byte[] second = new byte[8 + segment.length - 1440];
        second[0] = 60;
        second[2] = (byte)(firstPart >>> 8);
        second[3] = (byte)(firstPart & 0xF8);
        second[7] = 0x21;
        System.arraycopy(segment, 1440, second, 8, segment.length - 1440);
        final List<byte[]> out = run(
            Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.FRAGMENT, CIP, VIP, first),
            Wire6.frame(PORT_MAC, CLIENT_MAC, 64, Wire6.FRAGMENT, CIP, VIP, second));
        assertEquals(2, out.size(), "both fragments, one datagram\n" + counters);
        out.forEach((f) -> assertEquals(DR_MAC, Wire.mac(f, 0)));
    }

    @Test
    void shouldFragmentTheOuterIpv6PacketWhenTheInnerIpv4OneAllowsIt()
    {
        resolve();
        // 1400 bytes of IPv4 without DF, into GUE (UDP 8 + GUE 4) in IPv6 (40): 1472 + 52 > 1500
        final byte[] big = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, Wire.TCP, CIP4, VIP4_TUN, new byte[0],
            Wire.tcp(CIP4, VIP4_TUN, 40011, 80, 0x02, Wire.payload(1432)));
        port.inject(big);
        agent.doWork();
        final List<byte[]> out = port.takeTransmitted().stream().filter(Ipv6ForwardingTest::isIpv6).toList();
        assertEquals(2, out.size(), counters.toString());
        // the later piece is queued while the first is still being made: find them by their offsets
        final byte[] first = (u16(out.get(0), 56) & 0xFFF8) == 0 ? out.get(0) : out.get(1);
        final byte[] second = first == out.get(0) ? out.get(1) : out.get(0);
        for (final byte[] f : out)
        {
            assertEquals(GUE_MAC, Wire.mac(f, 0));
            assertEquals(44, u8(f, 20), "a fragment header");
            assertEquals(17, u8(f, 54), "then UDP");
            assertTrue(14 + 40 + u16(f, 18) <= 14 + 1500);
        }
        assertEquals(1, u16(first, 56) & 7, "M on the first");
        assertEquals(0, u16(first, 56) & 0xFFF8, "offset 0");
        assertEquals(0, u16(second, 56) & 1, "the last");
        assertEquals(u16(first, 18) - 8, u16(second, 56) & 0xFFF8, "the second starts where the first ended");
        assertEquals(Wire.u32(first, 58), Wire.u32(second, 58), "one identification");
        // put together, the UDP datagram (GUE and the inner IPv4 packet) is whole and its checksum right
        final int firstData = u16(first, 18) - 8;
        final int secondData = u16(second, 18) - 8;
        final byte[] udp = new byte[firstData + secondData];
        System.arraycopy(first, 62, udp, 0, firstData);
        System.arraycopy(second, 62, udp, firstData, secondData);
        assertEquals(udp.length, u16(udp, 4), "UDP length");
        assertEquals(0xFFFF, Wire.sum(udp, 0, udp.length, Wire6.pseudo(DIP, GUE_RIP, 17, udp.length)));
        assertEquals(1, count(LbCounterDescriptor.FRAGMENTED));
        assertEquals(0, port.inUse());
    }
}
