package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DataplaneCounters;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Table-driven: each row is a scheduler, the dests in kernel list order as "name:weight[:active:inactive]"
 * (with "!" for overloaded, "0/3" for weight 0 and last weight 3), and the names it must choose for successive new
 * connections. The dests' addresses are 10.0.0.1, 10.0.0.2, ... in list order, port 80.
 */
class SchedulerTest
{
    private static final DataplaneCounters COUNTERS = DataplaneCounters.onHeap(4096);
    private static int nextId = 1;

    static Stream<Arguments> rows()
    {
        return Stream.of(
            Arguments.of("rr", "A:1 B:1 C:1", "A B C A B C A"),
            Arguments.of("rr", "A:1 B:0 C:1", "A C A C"),
            Arguments.of("rr", "A:5 B:1", "A B A B"),
            Arguments.of("rr", "A:1! B:1 C:1", "B C B C"),
            Arguments.of("rr", "A:0 B:0", "- -"),
            Arguments.of("rr", "", "-"),
            // a service as ldirectord builds it (C, B, then A added: cw 1): each once, newest first, then 3:2:1
            Arguments.of("wrr", "A:3 B:2 C:1", "A B C A A B A B C A A B"),
            Arguments.of("wrr", "A:1 B:1 C:1", "A B C A B C"),
            Arguments.of("wrr", "A:4 B:2", "A B A A B A"),
            Arguments.of("wrr", "A:2 B:0 C:1", "A C A A C A"),
            Arguments.of("wrr", "A:0 B:0", "- -"),
            Arguments.of("wrr", "A:3! B:2 C:1", "B C B B C B"),
            Arguments.of("wrr", "", "-"),
            Arguments.of("wlc", "A:1:0:0 B:1:0:0", "A"),
            Arguments.of("wlc", "A:1:1:0 B:1:0:0", "B"),
            Arguments.of("wlc", "A:1:0:300 B:1:1:0", "B"),
            Arguments.of("wlc", "A:1:0:257 B:1:1:0", "B"),
            Arguments.of("wlc", "A:1:0:255 B:1:1:0", "A"),
            Arguments.of("wlc", "A:1:2:0 B:3:5:0", "B"),
            Arguments.of("wlc", "A:1:2:0 B:3:6:0", "A"),
            Arguments.of("wlc", "A:0:0:0 B:1:9:9", "B"),
            Arguments.of("wlc", "A:1!:0:0 B:1:9:9", "B"),
            Arguments.of("wlc", "A:0:0:0", "-"),
            // lc: activeconns * 256 + inactconns, weights aside but 0; ties to the first (the newest)
            Arguments.of("lc", "A:1:0:0 B:1:0:0", "A"),
            Arguments.of("lc", "A:1:1:0 B:5:0:300", "A"),
            Arguments.of("lc", "A:1:1:0 B:5:0:255", "B"),
            Arguments.of("lc", "A:1:1:0 B:100:1:1", "A"),
            Arguments.of("lc", "A:0:0:0 B:1:9:9", "B"),
            Arguments.of("lc", "A:1!:0:0 B:1:1:0", "B"),
            Arguments.of("lc", "A:0:0:0", "-"),
            // sed: (activeconns + 1) / weight, inactive ignored; only a smaller delay displaces the first
            Arguments.of("sed", "A:1:0:0 B:1:0:0", "A"),
            Arguments.of("sed", "A:1:1:0 B:1:0:0", "B"),
            Arguments.of("sed", "A:1:1:999 B:2:2:0", "B"),
            Arguments.of("sed", "A:1:1:0 B:2:3:0", "A"),
            Arguments.of("sed", "A:0:0:0 B:1:5:0", "B"),
            Arguments.of("sed", "A:1:0:0 B:0:0:0", "A"),
            Arguments.of("sed", "A:1!:0:0 B:1:3:0", "B"),
            Arguments.of("sed", "A:0:0:0", "-"),
            // nq: the first idle one at once, else sed's choice
            Arguments.of("nq", "A:1:2:0 B:1:0:0 C:1:0:0", "B"),
            Arguments.of("nq", "A:1:2:0 B:3:5:0", "B"),
            Arguments.of("nq", "A:1:1:0 B:2:3:0", "A"),
            Arguments.of("nq", "A:0:0:0 B:1:1:0", "B"),
            Arguments.of("nq", "A:1!:0:0 B:1:1:0", "B"),
            Arguments.of("nq", "A:0:0:0", "-"),
            // fo: the highest weight, the first among equals
            Arguments.of("fo", "A:1 B:3 C:3", "B B"),
            Arguments.of("fo", "A:1 B:3! C:2", "C"),
            Arguments.of("fo", "A:0 B:0", "-"),
            // ovf: the highest weight whose active connections do not exceed it
            Arguments.of("ovf", "A:2:2:0 B:3:4:0 C:1:0:0", "A"),
            Arguments.of("ovf", "A:2:3:0 B:1:0:0", "B"),
            Arguments.of("ovf", "A:2:0:9 B:2:0:0", "A"),
            Arguments.of("ovf", "A:2!:0:0 B:1:1:0", "B"),
            Arguments.of("ovf", "A:0:0:0", "-"));
    }

    @ParameterizedTest(name = "{0} over [{1}] chooses {2}")
    @MethodSource("rows")
    void shouldChooseAsTheKernelDoes(final String sched, final String dests, final String expected)
    {
        final Service svc = service(sched, dests);
        final PacketView pkt = new PacketView();
        final StringBuilder chosen = new StringBuilder();
        for (final String ignored : expected.split(" "))
        {
            final Dest d = svc.scheduler().schedule(svc, pkt);
            if (!chosen.isEmpty())
            {
                chosen.append(' ');
            }
            chosen.append(null == d ? "-" : name(svc, d));
        }
        assertEquals(expected, chosen.toString());
    }

    @ParameterizedTest(name = "wrr 3:2:1 over {0} connections")
    @MethodSource("wrrCounts")
    void shouldSpreadWrrExactlyByWeight(final int connections, final int a, final int b, final int c)
    {
        final Service svc = service("wrr", "A:3 B:2 C:1");
        final int[] counts = new int[3];
        for (int i = 0; i < connections; i++)
        {
            counts[svc.scheduler().schedule(svc, new PacketView()).id() - svc.dests()[0].id()]++;
        }
        assertEquals(a, counts[0]);
        assertEquals(b, counts[1]);
        assertEquals(c, counts[2]);
    }

    static Stream<Arguments> wrrCounts()
    {
        return Stream.of(Arguments.of(300, 150, 100, 50), Arguments.of(6, 3, 2, 1), Arguments.of(4, 2, 1, 1));
    }

    @ParameterizedTest(name = "wrr dest change {0} -> {1}")
    @MethodSource("wrrChanges")
    void shouldRestartWrrFromTheHeadWhenDestsChange(final String before, final String weightsAfter,
        final String expected)
    {
        final Service svc = service("wrr", before);
        svc.scheduler().schedule(svc, new PacketView());
        final String[] w = weightsAfter.split(" ");
        for (int i = 0; i < w.length; i++)
        {
            svc.dests()[i].weight(Integer.parseInt(w[i]));
        }
        svc.scheduler().onDestUpdated(svc, svc.dests()[0]);
        final StringBuilder chosen = new StringBuilder();
        for (final String ignored : expected.split(" "))
        {
            final Dest d = svc.scheduler().schedule(svc, new PacketView());
            chosen.append(chosen.isEmpty() ? "" : " ").append(null == d ? "-" : name(svc, d));
        }
        assertEquals(expected, chosen.toString());
    }

    static Stream<Arguments> wrrChanges()
    {
        return Stream.of(
            Arguments.of("A:3 B:2 C:1", "0 2 1", "B C B B C B"),
            Arguments.of("A:1 B:1", "2 4", "A B B A B B"),
            Arguments.of("A:2 B:2", "0 0", "- -"));
    }

    @org.junit.jupiter.api.Test
    void shouldScheduleNothingWithSchedulerNone()
    {
        final Service svc = service("none", "A:1 B:5");
        assertEquals("none", svc.scheduler().name());
        for (int i = 0; i < 4; i++)
        {
            org.junit.jupiter.api.Assertions.assertNull(svc.scheduler().schedule(svc, new PacketView()),
                "ipvsadm -s none: no new connection is scheduled");
        }
    }

    @org.junit.jupiter.api.Test
    void shouldRefuseUnknownSchedulerNamingTheKnownOnes()
    {
        final IllegalArgumentException ex =
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Schedulers.create("xyz"));
        assertEquals("Scheduler not found: xyz (known: dh, fo, lblc, lblcr, lc, mh, none, nq, ovf, rr, sed, sh, twos, wlc, wrr)", ex.getMessage());
    }

    private static String name(final Service svc, final Dest d)
    {
        return String.valueOf((char)('A' + (d.id() - svc.dests()[0].id())));
    }

    static Service service(final String sched, final String spec)
    {
        return service(sched, spec, 0);
    }

    static Service service(final String sched, final String spec, final int flags)
    {
        final String[] parts = spec.isBlank() ? new String[0] : spec.split(" ");
        final Dest[] dests = new Dest[parts.length];
        final int base = nextId;
        nextId += 26;
        for (int i = 0; i < parts.length; i++)
        {
            final String[] f = parts[i].split(":");
            final boolean overloaded = f[1].endsWith("!");
            // "0/3": weight 0, last weight 3 (quiesced after having weight 3)
            final String[] w = f[1].replace("!", "").split("/");
            final int weight = Integer.parseInt(w[0]);
            final int lastWeight = w.length > 1 ? Integer.parseInt(w[1]) : weight;
            final int id = base + (f[0].charAt(0) - 'A');
            final var stats = COUNTERS.newDestStats(0, "test", id, f[0]);
            final Dest d = Dest.builder(id).address(PacketView.AF_INET, 0, 0x0A000001L + i).port(80)
                .weight(weight).lastWeight(lastWeight).stats(stats).build();
            if (f.length > 2)
            {
                stats.addActive(Integer.parseInt(f[2]));
                stats.addInactive(Integer.parseInt(f[3]));
            }
            if (overloaded)
            {
                d.flags(d.flags() | Dest.F_OVERLOAD);
            }
            dests[i] = d;
        }
        return new Service(6, PacketView.AF_INET, 0, 0x0A00000AL, 80, 0, flags, 0, 0xFFFFFFFFL,
            Schedulers.create(sched), dests, COUNTERS.newServiceStats(0, "test", base, "svc"));
    }
}
