package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.port.InMemoryPort;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.ConnStats;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DestStats;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import io.jlvs.dataplane.xmit.Wire;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.ICMP;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.UDP;
import static io.jlvs.dataplane.xmit.Wire.ip;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u32;
import static io.jlvs.dataplane.xmit.Wire.u8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three forwarding methods through a whole agent: each service bound to one method (DR, NAT with a port
 * mapping, TUN to a real server behind the gateway), a mixed one, and one with no real server left; the reply
 * direction of NAT; ICMP errors about connections each way.
 */
class ForwardingMethodsTest
{
    private static final long PORT_MAC = 0x02_00_00_00_00_02L;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_64L;
    private static final long DR_MAC = 0x02_00_00_00_00_0BL;
    private static final long NAT_MAC = 0x02_00_00_00_01_0BL;
    private static final long GW_MAC = 0x02_00_00_00_00_FEL;
    private static final int DIP = ip("198.18.0.2");
    private static final int NAT_GW = ip("198.18.1.1");
    private static final int GATEWAY = ip("198.18.0.254");
    private static final int CIP = ip("198.18.0.100");
    private static final int VIP_DR = ip("198.18.0.10");
    private static final int VIP_NAT = ip("198.18.0.20");
    private static final int VIP_TUN = ip("198.18.0.30");
    private static final int DR_RIP = ip("198.18.0.11");
    private static final int NAT_RIP = ip("198.18.1.11");
    private static final int TUN_RIP = ip("198.18.2.11");
    private static final byte[] NO_OPTIONS = new byte[0];

    private final DataplaneCounters counters = DataplaneCounters.onHeap(1024);
    private final CachedEpochClock clock = new CachedEpochClock();
    private InMemoryPort port;
    private ConnTable conns;
    private AtomicCounter[] agentCounters;
    private DestStats natStats;
    private ConnStats natServiceStats;
    private ForwardingAgent agent;

    @BeforeEach
    void setUp()
    {
        setUp(IpvsSysctls.DEFAULTS);
    }

    private void setUp(final IpvsSysctls sysctls)
    {
        clock.update(1_000_000);
        port = new InMemoryPort("mem0", PORT_MAC, 256);
        conns = new ConnTable(new ConnTable.Context().capacity(10_000).conclude());
        agentCounters = counters.newAgentCounters(0, "fwd-0");
        natStats = counters.newDestStats(0, "fwd-0", 2, "nat");
        natServiceStats = counters.newServiceStats(0, "fwd-0", 12, "nat");
        final Service dr = service(TCP, VIP_DR, 80, 11,
            Dest.builder(1).addressV4(DR_RIP).port(80).stats(counters.newDestStats(0, "fwd-0", 1, "dr")).build());
        final Service nat = new Service(TCP, PacketView.AF_INET, 0, VIP_NAT & 0xFFFF_FFFFL, 80, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create("rr"), new Dest[] {
                Dest.builder(2).addressV4(NAT_RIP).port(8080).fwdMethod(FwdMethod.MASQ).stats(natStats).build()},
            natServiceStats);
        final Service natUdp = service(UDP, VIP_NAT, 5399, 14,
            Dest.builder(4).addressV4(NAT_RIP).port(5399).fwdMethod(FwdMethod.MASQ)
                .stats(counters.newDestStats(0, "fwd-0", 4, "natudp")).build());
        final Service tun = service(TCP, VIP_TUN, 80, 13,
            Dest.builder(3).addressV4(TUN_RIP).port(80).fwdMethod(FwdMethod.TUNNEL)
                .tunnel(TunnelType.GUE, 6080, TunnelChecksum.CSUM)
                .stats(counters.newDestStats(0, "fwd-0", 3, "tun")).build());
        final Service empty = service(TCP, VIP_DR, 8000, 15,
            Dest.builder(5).addressV4(DR_RIP).port(8000).weight(0)
                .stats(counters.newDestStats(0, "fwd-0", 5, "quiescent")).build());
        final RouteTable routes = new RouteTable(new int[] {DIP, NAT_GW}, new int[] {24, 24}, GATEWAY);
        final NeighbourTable neighbours = new NeighbourTable();
        neighbours.learn(CIP, CLIENT_MAC, clock.time());
        neighbours.learn(DR_RIP, DR_MAC, clock.time());
        neighbours.learn(NAT_RIP, NAT_MAC, clock.time());
        neighbours.learn(GATEWAY, GW_MAC, clock.time());
        agent = new ForwardingAgent(new ForwardingAgent.Context()
            .port(port)
            .conns(conns)
            .timeouts(new ConnTimeouts())
            .sysctls(sysctls)
            .neighbours(neighbours)
            .snapshot(ForwardingSnapshot.of(1, routes, dr, nat, natUdp, tun, empty))
            .counters(agentCounters)
            .dropsByVerdict(counters.newVerdictCounters(0, "fwd-0"))
            .epochClock(clock)
            .nanoClock(new SystemNanoClock()));
        agent.doWork();
        port.takeTransmitted(); // announcements
    }

    private Service service(final int protocol, final int vip, final int vport, final int id, final Dest dest)
    {
        return new Service(protocol, PacketView.AF_INET, 0, vip & 0xFFFF_FFFFL, vport, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create("rr"), new Dest[] {dest}, counters.newServiceStats(0, "fwd-0", id, "svc" + id));
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

    private byte[] one(final byte[] frame)
    {
        port.inject(frame);
        agent.doWork();
        final List<byte[]> out = port.takeTransmitted().stream().filter((f) -> u16(f, 12) != 0x0806).toList();
        assertEquals(1, out.size(), "one frame out (ARP aside)");
        return out.get(0);
    }

    private static byte[] fromClient(final int vip, final int sport, final int dport, final int flags, final int len)
    {
        return Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, TCP, CIP, vip, NO_OPTIONS,
            Wire.tcp(CIP, vip, sport, dport, flags, Wire.payload(len)));
    }

    private static byte[] fromNatServer(final int sport, final int dport, final int flags, final int len)
    {
        return Wire.ipv4Frame(PORT_MAC, NAT_MAC, 0, 64, DF, TCP, NAT_RIP, CIP, NO_OPTIONS,
            Wire.tcp(NAT_RIP, CIP, sport, dport, flags, Wire.payload(len)));
    }

    @Test
    void shouldCarryANatConnectionBothWaysThroughItsStates()
    {
        final byte[] syn = one(fromClient(VIP_NAT, 40000, 80, 0x02, 0));
        assertEquals(NAT_MAC, Wire.mac(syn, 0));
        assertEquals(NAT_RIP, u32(syn, 30));
        assertEquals(8080, u16(syn, 36));
        assertTrue(Wire.l4ChecksumOk(syn, 14));

        final byte[] synAck = one(fromNatServer(8080, 40000, 0x12, 0));
        assertEquals(CLIENT_MAC, Wire.mac(synAck, 0));
        assertEquals(VIP_NAT, u32(synAck, 26));
        assertEquals(80, u16(synAck, 34));
        assertTrue(Wire.ipv4ChecksumOk(synAck, 14));
        assertTrue(Wire.l4ChecksumOk(synAck, 14));

        one(fromClient(VIP_NAT, 40000, 80, 0x10, 0));
        final byte[] data = one(fromNatServer(8080, 40000, 0x18, 1000));
        assertEquals(14 + 20 + 20 + 1000, data.length);

        final ConnEntry e = new ConnEntry();
        assertTrue(conns.lookup(new ConnKey().setV4(TCP, CIP, 40000, VIP_NAT, 80), e));
        assertEquals(ConnState.ESTABLISHED, e.state());
        assertEquals(0, e.flags() & io.jlvs.dataplane.conn.ConnFlags.NOOUTPUT, "output seen");
        assertEquals(1, natStats.activeConns());
        assertEquals(2, natStats.inPkts());
        assertEquals(2, natStats.outPkts());
        assertEquals(40 + 1040, natStats.outBytes(), "IP lengths, as IPVS counts them");
        assertEquals(2, natServiceStats.outPkts());

        // the server closes first: its FIN goes through the OUTPUT table
        one(fromNatServer(8080, 40000, 0x11, 0));
        assertTrue(conns.lookup(new ConnKey().setV4(TCP, CIP, 40000, VIP_NAT, 80), e));
        assertEquals(ConnState.FIN_WAIT, e.state(), "the OUTPUT table, not the input-only one");
        assertEquals(0, natStats.activeConns());
        assertEquals(1, natStats.inactConns());
    }

    @Test
    void shouldDropAndCountARealServersPacketForNoConnection()
    {
        port.inject(fromNatServer(8080, 41000, 0x10, 0));
        agent.doWork();
        assertEquals(0, port.takeTransmitted().size());
        assertEquals(1, count(LbCounterDescriptor.NO_CONN_OUT));
        assertEquals(0, port.inUse());
    }

    /**
     * nat_icmp_send: a NAT real server's packet of no connection, from its service port, is answered with ICMP port
     * unreachable from the director's address on its subnet; a RST is only dropped, as is a packet from another port.
     */
    @Test
    void shouldTellANatRealServerItsConnectionIsGoneWithNatIcmpSend()
    {
        tearDown();
        setUp(IpvsSysctls.DEFAULTS.withNatIcmpSend(true));
        final byte[] out = one(fromNatServer(8080, 41000, 0x10, 0));
        assertEquals(NAT_MAC, Wire.mac(out, 0));
        assertEquals(ICMP, u8(out, 23));
        assertEquals(NAT_GW, u32(out, 26), "from the director's address towards the real server");
        assertEquals(NAT_RIP, u32(out, 30));
        assertEquals(3, u8(out, 34));
        assertEquals(3, u8(out, 35), "port unreachable");
        assertEquals(NAT_RIP, u32(out, 34 + 8 + 12), "quoting the real server's packet");
        assertEquals(1, count(LbCounterDescriptor.NAT_ICMP_SENT));

        port.inject(fromNatServer(8080, 41001, 0x14, 0));
        port.inject(fromNatServer(8081, 41002, 0x10, 0));
        agent.doWork();
        assertEquals(0, port.takeTransmitted().stream().filter((f) -> u16(f, 12) != 0x0806).count(),
            "a reset, and a port no service has, only dropped");
        assertEquals(3, count(LbCounterDescriptor.NO_CONN_OUT));
        assertEquals(1, count(LbCounterDescriptor.NAT_ICMP_SENT));
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldTunnelToARealServerBehindTheGateway()
    {
        final byte[] in = fromClient(VIP_TUN, 40000, 80, 0x02, 0);
        final byte[] out = one(in);
        assertEquals(GW_MAC, Wire.mac(out, 0));
        assertEquals(UDP, u8(out, 23));
        assertEquals(DIP, u32(out, 26));
        assertEquals(TUN_RIP, u32(out, 30));
        assertEquals(6080, u16(out, 36));
        assertTrue(Wire.l4ChecksumOk(out, 14));
        assertEquals(VIP_TUN, u32(out, 46 + 16), "the client's packet inside");
    }

    @Test
    void shouldAnswerPortUnreachableWhenNoRealServerIsAvailable()
    {
        final byte[] out = one(fromClient(VIP_DR, 40000, 8000, 0x02, 0));
        assertEquals(CLIENT_MAC, Wire.mac(out, 0));
        assertEquals(ICMP, u8(out, 23));
        assertEquals(VIP_DR, u32(out, 26));
        assertEquals(3, u8(out, 34));
        assertEquals(3, u8(out, 35));
        assertEquals(1, count(LbCounterDescriptor.NO_DEST));
        assertEquals(0, conns.size());
    }

    @Test
    void shouldNotStartAConnectionOnASynWithRst()
    {
        port.inject(fromClient(VIP_DR, 40000, 80, 0x06, 0));
        agent.doWork();
        assertEquals(0, port.takeTransmitted().size());
        assertEquals(0, conns.size());
        assertEquals(1, count(LbCounterDescriptor.NO_CONN_NOT_SYN));
    }

    @Test
    void shouldRelayAnIcmpErrorToTheVipToTheConnectionsRealServerForEachMethod()
    {
        one(fromClient(VIP_DR, 40000, 80, 0x02, 0));
        one(fromClient(VIP_NAT, 40000, 80, 0x02, 0));
        one(fromClient(VIP_TUN, 40000, 80, 0x02, 0));
        final int router = ip("198.18.0.77");
        for (final int vip : new int[] {VIP_DR, VIP_NAT, VIP_TUN})
        {
            final byte[] quoted = Arrays.copyOfRange(Wire.ipv4Frame(0, 0, 0, 60, DF, TCP, vip, CIP, NO_OPTIONS,
                Wire.tcp(vip, CIP, 80, 40000, 0x10, Wire.payload(1400))), 14, 14 + 28);
            final byte[] error = Wire.ipv4Frame(PORT_MAC, GW_MAC, 0, 64, 0, ICMP, router, vip, NO_OPTIONS,
                Wire.icmp(3, 4, 1400, quoted));
            final byte[] out = one(error);
            if (vip == VIP_DR)
            {
                assertEquals(DR_MAC, Wire.mac(out, 0));
                assertEquals(vip, u32(out, 30), "DR relays it unchanged");
            }
            else if (vip == VIP_NAT)
            {
                assertEquals(NAT_MAC, Wire.mac(out, 0));
                assertEquals(NAT_RIP, u32(out, 30));
                assertEquals(NAT_RIP, u32(out, 42 + 12), "the quoted reply came from the real server");
                assertEquals(8080, u16(out, 62));
                assertEquals(0xFFFF, Wire.sum(out, 34, 8 + 28, 0));
            }
            else
            {
                assertEquals(GW_MAC, Wire.mac(out, 0));
                assertEquals(TUN_RIP, u32(out, 30), "tunnelled to the real server");
                assertEquals(ICMP, u8(out, 46 + 9), "the error inside");
            }
        }
        assertEquals(3, count(LbCounterDescriptor.ICMP_RELAYED));
    }

    @Test
    void shouldTranslateANatRealServersPortUnreachableForTheClient()
    {
        final byte[] toVip = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, UDP, CIP, VIP_NAT, NO_OPTIONS,
            Wire.udp(CIP, VIP_NAT, 40010, 5399, Wire.payload(4), true));
        final byte[] toServer = one(toVip);
        final byte[] quoted = Arrays.copyOfRange(toServer, 14, toServer.length);
        final byte[] unreachable = Wire.ipv4Frame(PORT_MAC, NAT_MAC, 0xC0, 64, 0, ICMP, NAT_RIP, CIP, NO_OPTIONS,
            Wire.icmp(3, 3, 0, quoted));

        final byte[] out = one(unreachable);

        assertEquals(CLIENT_MAC, Wire.mac(out, 0));
        assertEquals(VIP_NAT, u32(out, 26), "from the VIP");
        assertEquals(VIP_NAT, u32(out, 42 + 16), "about the client's datagram to the VIP");
        assertEquals(5399, u16(out, 42 + 22));
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        assertTrue(Wire.ipv4ChecksumOk(out, 42));
        assertEquals(0xFFFF, Wire.sum(out, 34, out.length - 34, 0));
    }

    @Test
    void shouldCountAndDropIcmpErrorsQuotingTooLittleOrAboutNothing()
    {
        final byte[] quotedIp = Arrays.copyOfRange(Wire.ipv4Frame(0, 0, 0, 60, 0, TCP, VIP_DR, CIP, NO_OPTIONS,
            Wire.tcp(VIP_DR, CIP, 80, 49999, 0x10, Wire.payload(0))), 14, 54);
        final byte[][] bad = {
            Arrays.copyOf(quotedIp, 20),                    // no ports
            Arrays.copyOf(quotedIp, 22),                    // half the ports
            Arrays.copyOf(quotedIp, 28),                    // no connection for it
        };
        for (final byte[] q : bad)
        {
            port.inject(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, ICMP, CIP, VIP_DR, NO_OPTIONS,
                Wire.icmp(3, 1, 0, q)));
        }
        final byte[] badSum = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, ICMP, CIP, VIP_DR, NO_OPTIONS,
            Wire.icmp(3, 1, 0, Arrays.copyOf(quotedIp, 28)));
        badSum[34 + 2] ^= 0x55;
        port.inject(badSum);
        agent.doWork();
        assertEquals(0, port.takeTransmitted().size());
        assertEquals(3, count(LbCounterDescriptor.ICMP_MALFORMED));
        assertEquals(1, count(LbCounterDescriptor.ICMP_NO_CONN));
        assertEquals(0, port.inUse());
    }

    @Test
    void shouldForwardAMixedServiceByEachRealServersOwnMethod()
    {
        final Service mixed = new Service(TCP, PacketView.AF_INET, 0, ip("198.18.0.40") & 0xFFFF_FFFFL, 80, 0, 0, 0,
            0xFFFF_FFFFL, Schedulers.create("rr"), new Dest[] {
                Dest.builder(21).addressV4(DR_RIP).port(80).stats(counters.newDestStats(0, "fwd-0", 21, "m1")).build(),
                Dest.builder(22).addressV4(NAT_RIP).port(8080).fwdMethod(FwdMethod.MASQ)
                    .stats(counters.newDestStats(0, "fwd-0", 22, "m2")).build(),
                Dest.builder(23).addressV4(TUN_RIP).port(80).fwdMethod(FwdMethod.TUNNEL)
                    .stats(counters.newDestStats(0, "fwd-0", 23, "m3")).build()},
            counters.newServiceStats(0, "fwd-0", 20, "mixed"));
        assertTrue(agent.offer(ForwardingSnapshot.of(2,
            new RouteTable(new int[] {DIP, NAT_GW}, new int[] {24, 24}, GATEWAY), mixed)));
        final long[] macs = new long[3];
        final int[] protocols = new int[3];
        for (int i = 0; i < 3; i++)
        {
            final byte[] out = one(fromClient(ip("198.18.0.40"), 42000 + i, 80, 0x02, 0));
            macs[i] = Wire.mac(out, 0);
            protocols[i] = u8(out, 23);
        }
        assertArrayEquals(new long[] {DR_MAC, NAT_MAC, GW_MAC}, macs);
        assertArrayEquals(new int[] {TCP, TCP, 4}, protocols, "DR and NAT as TCP, the tunnel as IPIP");
    }

    @Test
    void shouldCountAndDropSegmentsTooShortToRewrite()
    {
        final byte[] whole = fromClient(VIP_NAT, 40020, 80, 0x02, 0);
        final byte[] truncated = Arrays.copyOf(whole, 14 + 20 + 12);   // TCP header cut before its checksum
        truncated[16] = 0;
        truncated[17] = 20 + 12;                                       // total length says so too
        truncated[24] = 0;
        truncated[25] = 0;
        final int c = ~Wire.sum(truncated, 14, 20, 0) & 0xFFFF;
        truncated[24] = (byte)(c >>> 8);
        truncated[25] = (byte)c;
        port.inject(Arrays.copyOf(truncated, 60));
        agent.doWork();
        assertEquals(0, port.takeTransmitted().size());
        assertEquals(1, count(LbCounterDescriptor.DROPPED_MALFORMED));
        assertEquals(0, conns.size(), "no connection for what could not be forwarded");
        assertEquals(0, port.inUse());
    }
}
