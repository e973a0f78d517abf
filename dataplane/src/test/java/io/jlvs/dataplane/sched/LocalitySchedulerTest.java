package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** lblc and lblcr, traced by hand through ip_vs_lblc.c and ip_vs_lblcr.c. */
class LocalitySchedulerTest
{
    private static final int X = 0x0A01_0001;
    private static final int Y = 0x0A01_0002;

    private static PacketView to(final int address)
    {
        final PacketView v = new PacketView();
        v.af = PacketView.AF_INET;
        v.daddrLo = Integer.toUnsignedLong(address);
        return v;
    }

    private static String pick(final Service svc, final int address)
    {
        final Dest d = svc.scheduler().schedule(svc, to(address));
        return null == d ? "-" : String.valueOf((char)('A' + (d.id() - svc.dests()[0].id())));
    }

    private static Dest dest(final Service svc, final char name)
    {
        return svc.dests()[name - 'A'];
    }

    @Test
    void shouldKeepAnAddressOnItsServerUntilItIsOverloadedInLblcsSense()
    {
        final Service svc = SchedulerTest.service("lblc", "A:1:0:0 B:3:0:0");
        svc.scheduler().housekeeping(svc, 1_000);
        assertEquals("A", pick(svc, X), "the weighted least-connection server, the first of equals");
        dest(svc, 'A').stats().addActive(1);
        assertEquals("A", pick(svc, X), "1 active, not above its weight 1: kept, though B is idle");
        assertEquals("B", pick(svc, Y), "another address: 256/1 against 0/3");
        dest(svc, 'A').stats().addActive(1);
        dest(svc, 'B').stats().addActive(1);
        assertEquals("B", pick(svc, X), "2 active above weight 1, and B has 1 x 2 < 3: given again, 512/1 > 256/3");
        dest(svc, 'A').stats().addActive(-2);
        assertEquals("B", pick(svc, X), "the entry now names B");
        assertEquals(2, ((LblcScheduler)svc.scheduler()).entries());
    }

    @Test
    void shouldGiveAnAddressAgainWhenItsServerIsQuiescedOrGone()
    {
        final Service before = SchedulerTest.service("lblc", "A:1 B:1 C:1");
        before.scheduler().housekeeping(before, 1_000);
        assertEquals("A", pick(before, X));
        // a recompile: A quiesced (weight 0); the table is carried over by identity
        final Service quiesced = SchedulerTest.service("lblc", "A:0 B:1 C:1");
        quiesced.scheduler().takeOver(quiesced, before);
        assertEquals("B", pick(quiesced, X), "A has no weight: the weighted least-connection of the others");
        final Service gone = SchedulerTest.service("lblc", "C:1");
        gone.scheduler().takeOver(gone, quiesced);
        assertEquals("A", pick(gone, X), "B has left the service (C is the only one, named A here)");
    }

    @Test
    void shouldExpireUnusedAddressesAsTheKernelsTimerDoes()
    {
        final Service svc = SchedulerTest.service("lblc", "A:1 B:1");
        final LblcScheduler lblc = (LblcScheduler)svc.scheduler();
        lblc.expiration(90_000); // 90 s: Y, used a minute before each check, stays
        long now = 1_000;
        lblc.housekeeping(svc, now);
        pick(svc, X);
        pick(svc, Y);
        for (int check = 1; check < 30; check++)
        {
            now += LocalityTable.CHECK_EXPIRE_INTERVAL_MS;
            lblc.housekeeping(svc, now);
            pick(svc, Y); // Y is used every minute
            assertEquals(2, lblc.entries(), "below max_size, only every 30th check expires: check " + check);
        }
        now += LocalityTable.CHECK_EXPIRE_INTERVAL_MS;
        lblc.housekeeping(svc, now);
        assertEquals(1, lblc.entries(), "the 30th: X, unused for more than the expiration, goes; Y stays");
    }

    @Test
    void shouldTrimAboveMaxSizeWhatIsUnusedForSixMinutes()
    {
        final Service svc = SchedulerTest.service("lblc", "A:1");
        final LblcScheduler lblc = (LblcScheduler)svc.scheduler();
        long now = 1_000;
        lblc.housekeeping(svc, now);
        final int n = LocalityTable.MAX_SIZE + 616;
        for (int i = 0; i < n; i++)
        {
            pick(svc, 0x0B00_0000 + i);
        }
        assertEquals(n, lblc.entries());
        for (int check = 1; check <= 6; check++)
        {
            now += LocalityTable.CHECK_EXPIRE_INTERVAL_MS;
            lblc.housekeeping(svc, now);
            assertEquals(check < 6 ? n : n - 821, lblc.entries(), "minute " + check);
        }
        for (int i = 0; i < n; i++)
        {
            assertEquals("A", pick(svc, 0x0B00_0000 + i), "every entry still found after the shifts");
        }
    }

    @Test
    void shouldReplicateAnOverloadedAddressAndShrinkTheSetOnceItIsUntouched()
    {
        final Service svc = SchedulerTest.service("lblcr", "A:1:0:0 B:3:0:0");
        final LblcrScheduler lblcr = (LblcrScheduler)svc.scheduler();
        lblcr.expiration(1_000);
        lblcr.housekeeping(svc, 1_000);
        assertEquals("A", pick(svc, X));
        assertArrayEquals(new int[] {0}, lblcr.set(0, X));
        dest(svc, 'A').stats().addActive(2);
        assertEquals("B", pick(svc, X), "A overloaded (2 > 1, B 0 x 2 < 3): B joins the set");
        assertArrayEquals(new int[] {1, 0}, lblcr.set(0, X), "newest first");
        assertEquals("B", pick(svc, X), "the set's least loaded");
        dest(svc, 'B').stats().addActive(3);
        assertEquals("B", pick(svc, X), "B 768/3 against A 512/1: still B; 3 is not above 3");
        lblcr.housekeeping(svc, 1_500);
        assertEquals("B", pick(svc, X));
        assertArrayEquals(new int[] {1, 0}, lblcr.set(0, X), "modified 500 ms ago: kept");
        lblcr.housekeeping(svc, 2_100);
        assertEquals("B", pick(svc, X));
        assertArrayEquals(new int[] {1}, lblcr.set(0, X), "untouched for the expiration: the most loaded, A, leaves");
    }

    @Test
    void shouldKeepASetToSixteenMembers()
    {
        final StringBuilder spec = new StringBuilder();
        for (int i = 0; i < 20; i++)
        {
            spec.append(i == 0 ? "" : " ").append((char)('A' + i)).append(":1:0:0");
        }
        final Service svc = SchedulerTest.service("lblcr", spec.toString());
        final LblcrScheduler lblcr = (LblcrScheduler)svc.scheduler();
        lblcr.housekeeping(svc, 1_000);
        for (int round = 0; round < 20; round++)
        {
            final Dest d = svc.scheduler().schedule(svc, to(X));
            d.stats().addActive(2); // overloaded at once (2 > 1 while an idle one has 0 x 2 < 1)
        }
        assertEquals(LblcrScheduler.MAX_SET, lblcr.set(0, X).length, "full at sixteen: the others are not remembered");
    }
}
