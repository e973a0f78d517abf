package io.jlvs.controlplane;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.Resolver;
import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableCompilerTest
{
    private static final Path FILE = Path.of("/etc/ha.d/ldirectord.cf");
    private static final int VIP = 0xC612000A;
    private static final int DIP = 0xC6120002;
    /** 198.18.0.2/24 and 198.18.1.1/24, default gateway 198.18.0.254: the lab's director. */
    private static final RouteTable ROUTES =
        new RouteTable(new int[] {DIP, 0xC6120101}, new int[] {24, 24}, 0xC61200FE);

    private static LdirectordConfig parse(final String text) throws Exception
    {
        return LdirectordConfigParser.parse(FILE, List.of(text.split("\n")), Resolver.system());
    }

    private static final String LAB = """
        virtual=198.18.0.10:80
        \treal=198.18.0.11:80 gate 3
        \treal=198.18.0.12:80 gate 2
        \treal=198.18.0.13:80 gate 1
        \tscheduler=wrr
        \tchecktype=on
        virtual=198.18.0.10:53
        \treal=198.18.0.11:53 gate
        \tprotocol=udp
        \tscheduler=rr
        \tchecktype=on
        """;

    /** The lab's mixed service (DR, NAT with port mapping, tunnel) and a UDP service over three tunnel types. */
    static final String MIXED = """
        virtual=198.18.0.40:80
        \treal=198.18.0.11:80 gate 3
        \treal=198.18.1.11:8080 masq 2
        \treal=198.18.2.11:80 ipip 1
        \tchecktype=on
        virtual=198.18.0.30:5300
        \treal=198.18.2.11:5300 ipip 1
        \treal=198.18.2.12:5300 ipip 1 --tun-type gue --tun-port 6080 --tun-csum
        \treal=198.18.2.13:5300 ipip 1 --tun-type gre --tun-csum
        \tprotocol=udp
        \tscheduler=rr
        \tchecktype=on
        """;

    @Test
    void shouldPutRealServersInTheKernelsListOrderNewestFirst() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final var table = new TableCompiler(stats).compile(parse(LAB), 1, RouteTable.of(DIP, 24), 1);
        final ForwardingSnapshot s = table.snapshots().get(0);
        final Service http = s.services().find(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 80);
        assertNotNull(http);
        assertEquals("wrr", http.scheduler().name());
        final int[] weights = Arrays.stream(http.dests()).mapToInt(Dest::weight).toArray();
        assertArrayEquals(new int[] {1, 2, 3}, weights, "the last real in the file heads the kernel's list");
        assertEquals(0xC612000D, http.dests()[0].addrV4());
        assertEquals(FwdMethod.DROUTE, http.dests()[0].fwdMethod());
        final Service dns = s.services().find(IpProtocol.UDP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 53);
        assertEquals("rr", dns.scheduler().name());
        assertNull(s.services().find(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 53));
        assertTrue(s.isLocalV4(VIP), "the director answers ARP for the VIP");
        assertTrue(s.isLocalV4(DIP), "and for its own address");
        assertEquals(3, s.neighboursV4().length, "three real server addresses to resolve");
    }

    @Test
    void shouldGiveEachAgentItsOwnObjectsWithTheSameStableIds() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 2);
        final var first = new TableCompiler(stats).compile(parse(LAB), 2, ROUTES, 1);
        final Service a0 = first.snapshots().get(0).services().services()[0];
        final Service a1 = first.snapshots().get(1).services().services()[0];
        assertNotEquals(System.identityHashCode(a0), System.identityHashCode(a1));
        assertEquals(a0.dests()[0].id(), a1.dests()[0].id());
        assertNotEquals(System.identityHashCode(a0.dests()[0].stats()), System.identityHashCode(a1.dests()[0].stats()));

        final var again = new TableCompiler(new StatsRegistry(DataplaneCounters.onHeap(1024), 2))
            .compile(parse(LAB), 2, ROUTES, 7);
        assertEquals(a0.dests()[0].id(), again.snapshots().get(0).services().services()[0].dests()[0].id(),
            "ids depend only on the configuration, so a restarted director finds its connections' dests");
    }

    @Test
    void shouldKeepStatsAcrossARecompileAndFreeThemForRemovedServers() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final TableCompiler compiler = new TableCompiler(stats);
        final var first = compiler.compile(parse(LAB), 1, ROUTES, 1);
        final Dest d = first.snapshots().get(0).services().services()[0].dests()[0];
        d.stats().onNewConn();
        final var second = compiler.compile(parse(LAB), 1, ROUTES, 2);
        final Dest same = second.snapshots().get(0).services().destById(d.id());
        assertSame(d.stats(), same.stats());
        assertEquals(1, stats.destTotals(d.id())[0]);

        compiler.compile(parse("virtual=198.18.0.10:80\n\treal=198.18.0.12:80 gate 2\n"), 1, ROUTES, 3);
        assertEquals(0, stats.destTotals(d.id())[0], "a removed real server's counters are freed");
    }

    @Test
    void shouldRefuseWhatItCannotForwardYetWithFileAndLine() throws Exception
    {
        final LdirectordConfig cf = parse("""
            virtual=198.18.0.10:80
            \treal=198.18.0.11:80 masq 1 <u:100>
            \treal=198.18.0.12:80 ipip 1
            \tscheduler=wrrr
            \tpersistent=600
            virtual=7
            \treal=198.18.0.11 gate
            """);
        final List<String> problems = TableCompiler.unsupported(cf).stream().map(ConfigDiagnostic::toString).toList();
        assertEquals(List.of(
                FILE + ":1: scheduler 'wrrr' is no IPVS scheduler (IPVS has " +
                    String.join(", ", Schedulers.names()) + ")"),
            problems);
        assertTrue(TableCompiler.unsupported(parse(LAB)).isEmpty());
        assertTrue(TableCompiler.unsupported(parse(MIXED)).isEmpty(), "masq and ipip, mixed in one service");
    }

    /**
     * A real server a reload removes while it holds connections drains: found by id for its connections, never
     * scheduled, not listed; it goes once its connections end or the drain timeout passes. A health check's removal,
     * or draining turned off, is the kernel's: gone at once.
     */
    @Test
    void shouldDrainARealServerAReloadRemovesWhileItHoldsConnections() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final TableCompiler compiler = new TableCompiler(stats);
        final long[] now = {1_000};
        compiler.drainPolicy(new TableCompiler.DrainPolicy(true, 60_000), () -> now[0]);
        final String three = "virtual=198.18.0.10:80\n\treal=198.18.0.11:80 gate\n\treal=198.18.0.12:80 gate\n" +
            "\treal=198.18.0.13:80 gate\n";
        final String two = "virtual=198.18.0.10:80\n\treal=198.18.0.11:80 gate\n\treal=198.18.0.13:80 gate\n";
        final var first = compiler.compile(parse(three), 1, ROUTES, 1);
        final Dest rs2 = first.snapshots().get(0).services().services()[0].dests()[1];
        assertEquals(0xC612000CL, rs2.addrLo());
        rs2.stats().addActive(1); // a connection to rs2

        final var second = compiler.compile(parse(two), 1, ROUTES, 2);
        final Service svc = second.snapshots().get(0).services().services()[0];
        assertEquals(2, svc.dests().length, "not scheduled");
        assertEquals(1, svc.draining().length);
        assertSame(svc.draining()[0], second.snapshots().get(0).services().destById(rs2.id()), "found for its conns");
        assertEquals(1, second.services().getFirst().draining().size());
        for (int i = 0; i < 6; i++)
        {
            assertNotEquals(rs2.addrLo(), svc.scheduler().schedule(svc, new PacketView()).addrLo());
        }
        assertFalse(compiler.isDrainDone());
        assertEquals(1, compiler.compile(parse(two), 1, ROUTES, 3).services().getFirst().draining().size(),
            "a later compile keeps it draining");

        svc.draining()[0].stats().addActive(-1); // its connection ends
        assertTrue(compiler.isDrainDone());
        assertEquals(0, compiler.compile(parse(two), 1, ROUTES, 4).services().getFirst().draining().size());

        // the drain timeout
        final var again = compiler.compile(parse(three), 1, ROUTES, 5);
        again.snapshots().get(0).services().services()[0].dests()[1].stats().addActive(1);
        assertEquals(1, compiler.compile(parse(two), 1, ROUTES, 6).services().getFirst().draining().size());
        now[0] += 60_000;
        assertTrue(compiler.isDrainDone(), "60 s");
        assertEquals(0, compiler.compile(parse(two), 1, ROUTES, 7).services().getFirst().draining().size());

        // draining off: the kernel's way
        compiler.drainPolicy(new TableCompiler.DrainPolicy(false, 0), () -> now[0]);
        final var third = compiler.compile(parse(three), 1, ROUTES, 8);
        third.snapshots().get(0).services().services()[0].dests()[1].stats().addActive(1);
        assertEquals(0, compiler.compile(parse(two), 1, ROUTES, 9).services().getFirst().draining().size());
    }

    @Test
    void shouldHandTheSchedulerItsFlagsFromSchedflags() throws Exception
    {
        final LdirectordConfig cf = parse("""
            virtual=198.18.0.10:80
            \treal=198.18.0.11:80 gate 1
            \treal=198.18.0.12:80 gate 1
            \tscheduler=sh
            \tschedflags=sh-fallback,sh-port
            """);
        assertTrue(TableCompiler.unsupported(cf).isEmpty());
        final ForwardingSnapshot s = new TableCompiler(new StatsRegistry(DataplaneCounters.onHeap(1024), 1))
            .compile(cf, 1, ROUTES, 1).snapshots().get(0);
        final io.jlvs.dataplane.service.Service svc = s.services().services()[0];
        assertEquals("sh", svc.scheduler().name());
        assertEquals(io.jlvs.dataplane.service.Service.F_SCHED_SH_FALLBACK |
            io.jlvs.dataplane.service.Service.F_SCHED_SH_PORT, svc.flags());
        final ConfigException ex = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> parse(
            "virtual=198.18.0.10:80\n\treal=198.18.0.11:80 gate\n\tschedflags=mh-port\n\tscheduler=sh\n"));
        assertEquals(List.of(FILE + ":3: incompatible scheduler flag `mh-port' (schedflags for scheduler sh)"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldCompileMasqAndTunnelRealServersWithTheirMethodAndTunnel() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final ForwardingSnapshot s = new TableCompiler(stats).compile(parse(MIXED), 1, ROUTES, 1).snapshots().get(0);

        final Service mixed = s.services().find(IpProtocol.TCP, PacketView.AF_INET, 0, 0xC6120028L, 80);
        final Dest tun = mixed.dests()[0];
        final Dest nat = mixed.dests()[1];
        final Dest dr = mixed.dests()[2];
        assertEquals(FwdMethod.TUNNEL, tun.fwdMethod());
        assertEquals(ConnFlags.destConnFlags(FwdMethod.TUNNEL), tun.connFlags());
        assertEquals(TunnelType.IPIP, tun.tunnelType());
        assertEquals(FwdMethod.MASQ, nat.fwdMethod());
        assertEquals(8080, nat.port(), "NAT keeps the real server's own port");
        assertEquals(FwdMethod.DROUTE, dr.fwdMethod());
        assertEquals(80, dr.port());

        final Service tunnels = s.services().find(IpProtocol.UDP, PacketView.AF_INET, 0, 0xC612001EL, 5300);
        final Dest gre = tunnels.dests()[0];
        final Dest gue = tunnels.dests()[1];
        assertEquals(FwdMethod.TUNNEL, gue.fwdMethod());
        assertEquals(TunnelType.GUE, gue.tunnelType());
        assertEquals(6080, gue.tunnelPort());
        assertEquals(TunnelChecksum.CSUM, gue.tunnelChecksum());
        assertEquals(TunnelType.GRE, gre.tunnelType());
        assertEquals(0, gre.tunnelPort());
        assertEquals(TunnelChecksum.CSUM, gre.tunnelChecksum());

        assertTrue(s.isNatSourceV4(0xC612010B), "replies from the NAT real server are translated back");
        assertEquals(0xC61200FE, tun.nextHopV4(), "198.18.2.0/24 is behind the gateway");
        assertEquals(DIP, tun.sourceV4(), "the tunnel's outer source is the address towards the gateway");
        assertEquals(0xC612010B, nat.nextHopV4(), "the NAT real server is on a connected subnet");
        assertEquals(0xC6120101, nat.sourceV4());
    }

    @Test
    void shouldWarnOfRealServersTheRoutesCannotReach() throws Exception
    {
        final LdirectordConfig config = parse("""
            virtual=198.18.0.10:80
            \treal=198.18.0.11:80 gate
            \treal=198.18.2.11:80 gate
            \treal=198.18.2.12:80 ipip
            \tchecktype=on
            """);
        final List<ConfigDiagnostic> withGateway = TableCompiler.unroutable(config, ROUTES);
        assertEquals(1, withGateway.size(), withGateway.toString());
        assertEquals(3, withGateway.get(0).line());
        assertTrue(withGateway.get(0).message().contains("direct routing needs real server 198.18.2.11"),
            withGateway.get(0).message());

        final List<ConfigDiagnostic> without = TableCompiler.unroutable(config, RouteTable.of(DIP, 24));
        assertEquals(2, without.size(), without.toString());
        assertTrue(without.get(0).message().startsWith("no route to real server 198.18.2.11"), without.toString());
        assertEquals(4, without.get(1).line());
    }

    @Test
    void shouldQuiesceRemoveOrFallBackAsTheHealthSays() throws Exception
    {
        final var cf = parse("""
            fallback=198.18.0.99:80 gate
            virtual=198.18.0.10:80
            \treal=198.18.0.11:80 gate 3
            \treal=198.18.0.12:80 gate 2
            \tquiescent=yes
            virtual=198.18.0.20:80
            \treal=198.18.0.21:80 gate 3
            \treal=198.18.0.22:80 gate 2
            \tquiescent=no
            """);
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final TableCompiler compiler = new TableCompiler(stats);
        final TableCompiler.Health onlyDotEleven = (vs, rs) -> rs.address().getHostAddress().endsWith(".11");
        var table = compiler.compile(cf, 1, ROUTES, 1, onlyDotEleven);
        assertEquals(List.of(0, 3), table.services().get(0).dests().stream()
            .map(TableCompiler.CompiledDest::weight).toList(), "quiescent: .12 at weight 0 (list order: last first)");
        assertEquals(List.of("198.18.0.99"), table.services().get(1).dests().stream()
            .map((d) -> d.config().address().getHostAddress()).toList(), "not quiescent, none up: the fallback only");

        table = compiler.compile(cf, 1, ROUTES, 2, (vs, rs) -> false);
        assertEquals(List.of("198.18.0.12", "198.18.0.11", "198.18.0.99"), table.services().get(0).dests().stream()
            .map((d) -> d.config().address().getHostAddress()).toList(), "quiesced, and the fallback beside them");
        assertEquals(1, table.snapshots().get(0).services().services()[0].dests()[2].weight());
        assertEquals(0, table.snapshots().get(0).services().services()[0].dests()[0].weight());

        table = compiler.compile(cf, 1, ROUTES, 3, TableCompiler.Health.ALL_UP);
        assertEquals(List.of(2, 3), table.services().get(0).dests().stream()
            .map(TableCompiler.CompiledDest::weight).toList(), "all up: the configured weights, no fallback");
    }
}
