package io.jlvs.controlplane;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.Resolver;
import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DataplaneCounters;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TableCompilerTest
{
    private static final Path FILE = Path.of("/etc/ha.d/ldirectord.cf");
    private static final int VIP = 0xC612000A;

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

    @Test
    void shouldPutRealServersInTheKernelsListOrderNewestFirst() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final var table = new TableCompiler(stats).compile(parse(LAB), 1, new int[] {0xC6120002}, 1);
        final ForwardingSnapshot s = table.snapshots().get(0);
        final Service http = s.services().find(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 80);
        assertNotNull(http);
        assertEquals("wrr", http.scheduler().name());
        final int[] weights = Arrays.stream(http.dests()).mapToInt(Dest::weight).toArray();
        assertArrayEquals(new int[] {1, 2, 3}, weights, "the last real in the file heads the kernel's list");
        assertEquals(0xC612000D, http.dests()[0].addrV4());
        assertEquals(Dest.FWD_DROUTE, http.dests()[0].fwdMethod());
        final Service dns = s.services().find(IpProtocol.UDP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 53);
        assertEquals("rr", dns.scheduler().name());
        assertNull(s.services().find(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 53));
        assertTrue(s.isLocalV4(VIP), "the director answers ARP for the VIP");
        assertTrue(s.isLocalV4(0xC6120002), "and for its own address");
        assertEquals(3, s.neighboursV4().length, "three real server addresses to resolve");
    }

    @Test
    void shouldGiveEachAgentItsOwnObjectsWithTheSameStableIds() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 2);
        final var first = new TableCompiler(stats).compile(parse(LAB), 2, new int[0], 1);
        final Service a0 = first.snapshots().get(0).services().services()[0];
        final Service a1 = first.snapshots().get(1).services().services()[0];
        assertNotEquals(System.identityHashCode(a0), System.identityHashCode(a1));
        assertEquals(a0.dests()[0].id(), a1.dests()[0].id());
        assertNotEquals(System.identityHashCode(a0.dests()[0].stats()), System.identityHashCode(a1.dests()[0].stats()));

        final var again = new TableCompiler(new StatsRegistry(DataplaneCounters.onHeap(1024), 2))
            .compile(parse(LAB), 2, new int[0], 7);
        assertEquals(a0.dests()[0].id(), again.snapshots().get(0).services().services()[0].dests()[0].id(),
            "ids depend only on the configuration, so a restarted director finds its connections' dests");
    }

    @Test
    void shouldKeepStatsAcrossARecompileAndFreeThemForRemovedServers() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final TableCompiler compiler = new TableCompiler(stats);
        final var first = compiler.compile(parse(LAB), 1, new int[0], 1);
        final Dest d = first.snapshots().get(0).services().services()[0].dests()[0];
        d.stats().onNewConn();
        final var second = compiler.compile(parse(LAB), 1, new int[0], 2);
        final Dest same = second.snapshots().get(0).services().destById(d.id());
        assertSame(d.stats(), same.stats());
        assertEquals(1, stats.destTotals(d.id())[0]);

        compiler.compile(parse("virtual=198.18.0.10:80\n\treal=198.18.0.12:80 gate 2\n"), 1, new int[0], 3);
        assertEquals(0, stats.destTotals(d.id())[0], "a removed real server's counters are freed");
    }

    @Test
    void shouldRefuseWhatItCannotForwardYetWithFileAndLine() throws Exception
    {
        final LdirectordConfig cf = parse("""
            virtual=198.18.0.10:80
            \treal=198.18.0.11:80 masq 1
            \treal=198.18.0.12:80 ipip 1
            \tscheduler=sh
            \tpersistent=600
            virtual=7
            \treal=198.18.0.11 gate
            """);
        final List<String> problems = TableCompiler.unsupported(cf).stream().map(ConfigDiagnostic::toString).toList();
        assertTrue(problems.contains(FILE + ":2: forwarding method 'masq' is not supported yet by jlvs (supported: gate)"),
            problems.toString());
        assertTrue(problems.stream().anyMatch((p) -> p.startsWith(FILE + ":3: forwarding method 'ipip'")), problems.toString());
        assertTrue(problems.stream().anyMatch((p) -> p.startsWith(FILE + ":1: scheduler 'sh' is not supported yet")),
            problems.toString());
        assertTrue(problems.stream().anyMatch((p) -> p.startsWith(FILE + ":1: persistence")), problems.toString());
        assertTrue(problems.stream().anyMatch((p) -> p.startsWith(FILE + ":6: fwmark services")), problems.toString());
        assertTrue(TableCompiler.unsupported(parse(LAB)).isEmpty());
    }

    @Test
    void shouldWarnThatHealthChecksAreNotRunYet() throws Exception
    {
        final List<ConfigDiagnostic> w =
            TableCompiler.notYetHonoured(parse("virtual=198.18.0.10:80\n\treal=198.18.0.11:80 gate\n"));
        assertEquals(1, w.size());
        assertTrue(w.get(0).toString().startsWith(FILE + ":1: checktype 'negotiate' is not run yet"), w.toString());
        assertTrue(TableCompiler.notYetHonoured(parse(LAB)).isEmpty());
    }
}
