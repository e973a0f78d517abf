package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.DataplaneCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Table-driven: a service's scheduler makes some choices, then the service is recompiled into a new snapshot (new
 * objects; real servers added, removed, reweighted or reordered) and the new scheduler takes over from the old one.
 * Dests are "name:weight" in kernel list order; a name is a real server (its address), wherever it stands in the list.
 * The expected choices follow the kernel's ip_vs_rr_del_dest() and ip_vs_wrr_dest_changed().
 */
class SchedulerTakeOverTest
{
    private static final DataplaneCounters COUNTERS = DataplaneCounters.onHeap(4096);
    private static final int VIP = 0x0A00_000A;

    static Stream<Arguments> rows()
    {
        return Stream.of(
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "A:1 B:1 C:1", "C A B C"),
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "A:1 B:5 C:1", "C A B C"),
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "D:1 A:1 B:1 C:1", "C D A B"),
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "B:1 C:1", "C B C"),
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "A:1 C:1", "C A C"),
            Arguments.of("rr", "A:1 B:1 C:1", "A", "B:1 C:1", "B C B"),
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "C:1 D:1", "C D C"),
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "C:1 B:1 A:1", "A C B A"),
            Arguments.of("rr", "A:1 B:1 C:1", "A B", "A:1 B:1 C:0", "A B A"),
            Arguments.of("rr", "A:1 B:1 C:1", "", "B:1 A:1", "B A B"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A B", "A:3 B:2 C:1", "C A A B A B C A A B"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A B C A", "A:3 B:2 C:1", "A B A B C A A B"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A B", "A:3 B:2", "A B A A B A B A A"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A B", "A:3 B:2 C:2", "A B C A A B C A B C"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A B", "D:1 A:3 B:2 C:1", "D A B C A A B"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A B", "C:1 B:2 A:3", "C B A A B A C"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A", "A:4 B:2", "A B A A B A"),
            Arguments.of("wrr", "A:3 B:2 C:1", "A B", "A:0 B:0", "- -"));
    }

    @ParameterizedTest(name = "{0} [{1}] chose [{2}], then over [{3}] goes on with {4}")
    @MethodSource("rows")
    void shouldGoOnAsTheKernelDoesAfterARecompile(
        final String sched, final String before, final String chosenBefore, final String after, final String expected)
    {
        final Service old = service(sched, before, 80);
        assertEquals(chosenBefore, choose(old, chosenBefore.isEmpty() ? 0 : chosenBefore.split(" ").length));

        final Service svc = service(sched, after, 80);
        new ServiceTable(svc).takeOverSchedulers(new ServiceTable(old));
        assertEquals(expected, choose(svc, expected.split(" ").length));
    }

    @Test
    void shouldStartOverWhenTheSchedulerChanges()
    {
        final Service old = service("rr", "A:1 B:1 C:1", 80);
        choose(old, 2);
        final Service svc = service("wrr", "A:1 B:1 C:1", 80);
        new ServiceTable(svc).takeOverSchedulers(new ServiceTable(old));
        assertEquals("A B C", choose(svc, 3));
    }

    /**
     * ipvsadm -E -s wrr on a service with 3:2:1 (list C B A): the kernel's init_service starts at the maximum weight,
     * not where ldirectord's one -a at a time leaves a new service (C B A A B A); seen on Debian 12's kernel.
     */
    @Test
    void shouldStartWrrFromTheMaximumWeightWhenItReplacesAnotherScheduler()
    {
        final Service old = service("rr", "C:1 B:2 A:3", 80);
        choose(old, 2);
        final Service svc = service("wrr", "C:1 B:2 A:3", 80);
        assertEquals("C B A A B A", choose(service("wrr", "C:1 B:2 A:3", 80), 6), "a new service");
        new ServiceTable(svc).takeOverSchedulers(new ServiceTable(old));
        assertEquals("A B A C B A A B", choose(svc, 8));
    }

    @Test
    void shouldStartOverForAnotherService()
    {
        final Service old = service("rr", "A:1 B:1 C:1", 80);
        choose(old, 2);
        final Service svc = service("rr", "A:1 B:1 C:1", 443);
        new ServiceTable(svc).takeOverSchedulers(new ServiceTable(old));
        assertEquals("A B C", choose(svc, 3));
    }

    @Test
    void shouldTakeOverEachServiceFromItsOwnCounterpart()
    {
        final Service oldHttp = service("rr", "A:1 B:1 C:1", 80);
        final Service oldHttps = service("rr", "A:1 B:1 C:1", 443);
        choose(oldHttp, 1);
        choose(oldHttps, 2);
        final Service http = service("rr", "A:1 B:1 C:1", 80);
        final Service https = service("rr", "A:1 B:1 C:1", 443);
        new ServiceTable(https, http).takeOverSchedulers(new ServiceTable(oldHttp, oldHttps));
        assertEquals("B C", choose(http, 2));
        assertEquals("C A", choose(https, 2));
    }

    private static String choose(final Service svc, final int times)
    {
        final PacketView pkt = new PacketView();
        final StringBuilder chosen = new StringBuilder();
        for (int i = 0; i < times; i++)
        {
            final Dest d = svc.scheduler().schedule(svc, pkt);
            chosen.append(chosen.isEmpty() ? "" : " ").append(null == d ? "-" : name(d));
        }
        return chosen.toString();
    }

    private static String name(final Dest d)
    {
        return String.valueOf((char)('A' + (d.addrV4() & 0xFF) - 1));
    }

    /** A fresh service as the control plane compiles one: real server "A" is 10.0.0.1, "B" 10.0.0.2, and so on. */
    private static Service service(final String sched, final String spec, final int port)
    {
        final String[] parts = spec.isBlank() ? new String[0] : spec.split(" ");
        final Dest[] dests = new Dest[parts.length];
        for (int i = 0; i < parts.length; i++)
        {
            final String[] f = parts[i].split(":");
            final int n = f[0].charAt(0) - 'A' + 1;
            dests[i] = Dest.builder(port * 100 + n).addressV4(0x0A00_0000 + n).port(8080)
                .weight(Integer.parseInt(f[1])).stats(COUNTERS.newDestStats(0, "test", n, f[0])).build();
        }
        return new Service(6, PacketView.AF_INET, 0, VIP, port, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create(sched), dests, COUNTERS.newServiceStats(0, "test", port, "svc"));
    }
}
