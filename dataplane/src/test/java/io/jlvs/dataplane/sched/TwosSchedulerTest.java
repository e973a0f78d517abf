package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** twos, traced by hand through ip_vs_twos.c with the draws scripted, and its spread with a seeded generator. */
class TwosSchedulerTest
{
    /** The same dests as {@link SchedulerTest#service}, under a twos whose draws are {@code draws}. */
    private static Service service(final String spec, final Integer... draws)
    {
        final Service built = SchedulerTest.service("twos", spec);
        final ArrayDeque<Integer> script = new ArrayDeque<>(List.of(draws));
        final int[] bounds = new int[1];
        final TwosScheduler twos = new TwosScheduler((n) ->
        {
            bounds[0] = n;
            return script.removeFirst();
        });
        return new Service(built.protocol(), built.af(), built.addrHi(), built.addrLo(), built.port(), 0, 0, 0,
            built.netmask(), twos, rebuilt(built.dests()), built.stats());
    }

    /** Fresh dests with the same ids, weights, flags and counters: a dest belongs to one service. */
    private static Dest[] rebuilt(final Dest[] dests)
    {
        return Arrays.stream(dests).map((d) ->
        {
            final Dest copy = Dest.builder(d.id()).address(d.af(), d.addrHi(), d.addrLo()).port(d.port())
                .weight(d.weight()).stats(d.stats()).build();
            copy.flags(d.flags());
            return copy;
        }).toArray(Dest[]::new);
    }

    private static String pick(final Service svc)
    {
        final Dest d = svc.scheduler().schedule(svc, new PacketView());
        return null == d ? "-" : String.valueOf((char)('A' + (d.id() - svc.dests()[0].id())));
    }

    @Test
    void shouldTakeTheLesserLoadOfTheTwoDraws()
    {
        // weights 1, 2, 3: draws in [0, 7); 0 falls on A (0 - 1 <= 0), 6 on C (6 - 1 - 2 - 3 <= 0)
        assertEquals("A", pick(service("A:1:0:0 B:2:0:0 C:3:0:0", 0, 6)), "equal load (none): the first draw");
        assertEquals("C", pick(service("A:1:1:0 B:2:0:0 C:3:0:0", 0, 6)), "3 x 256 > 1 x 0: the second draw");
        assertEquals("A", pick(service("A:1:0:0 B:2:0:0 C:3:1:0", 0, 6)), "1 x 256 > 3 x 0 is the other way");
        assertEquals("B", pick(service("A:1:0:0 B:2:0:0 C:3:0:0", 2, 1)), "2 - 1 > 0, 2 - 1 - 2 <= 0: B; 1 on A");
        assertEquals("A", pick(service("A:1:0:0 B:2:0:9 C:3:0:0", 2, 1)), "1 x 9 > 2 x 0: A, the second draw");
        assertEquals("B", pick(service("A:1:0:0 B:2:0:9 C:3:0:0", 2, 3)), "both draws on B");
        assertEquals("C", pick(service("A:0:0:0 B:2!:0:0 C:3:0:0", 0, 3)), "neither weight 0 nor overloaded is drawn");
        assertNull(SchedulerTest.service("twos", "A:0 B:1!").scheduler().schedule(
            SchedulerTest.service("twos", "A:0 B:1!"), new PacketView()));
    }

    /** With no load, the first draw decides: A gets 2 of 7 values (0 and 1), B 2, C 3, as in the kernel. */
    @Test
    void shouldSpreadTheFirstDrawByWeightWithTheKernelsExtraValue()
    {
        final Service built = SchedulerTest.service("twos", "A:1 B:2 C:3");
        final Service svc = new Service(6, PacketView.AF_INET, 0, 1, 80, 0, 0, 0, 0xFFFF_FFFFL,
            new TwosScheduler(new TwosScheduler.XorShift(42)), rebuilt(built.dests()), built.stats());
        final int[] counts = new int[3];
        final int n = 70_000;
        for (int i = 0; i < n; i++)
        {
            counts[pick(svc).charAt(0) - 'A']++;
        }
        assertTrue(Math.abs(counts[0] - 20_000) < 600, Arrays.toString(counts));
        assertTrue(Math.abs(counts[1] - 20_000) < 600, Arrays.toString(counts));
        assertTrue(Math.abs(counts[2] - 30_000) < 600, Arrays.toString(counts));
    }
}
