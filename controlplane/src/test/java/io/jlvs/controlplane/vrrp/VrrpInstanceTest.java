package io.jlvs.controlplane.vrrp;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VrrpInstanceTest
{
    /** The other router's primary address is greater than ours (198.18.0.3 against 198.18.0.2). */
    private static final boolean HIGHER = true;

    /** What the instance asked of the director, in order. */
    static final class Recorder implements VrrpInstance.Actions
    {
        final List<String> log = new ArrayList<>();

        @Override
        public void advertise(final int priority)
        {
            log.add("advert " + priority);
        }

        @Override
        public void becomeMaster()
        {
            log.add("MASTER");
        }

        @Override
        public void becomeBackup()
        {
            log.add("BACKUP");
        }
    }

    private static VrrpInstance instance(final int priority, final boolean preempt, final int version,
        final Recorder r, final boolean[] gate)
    {
        return new VrrpInstance(priority, 100, preempt, 0, version, () -> gate[0], r);
    }

    @Test
    void shouldTakeOverWhenTheMasterGoesSilentAfterThreeIntervalsAndTheSkew()
    {
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(100, true, 3, r, new boolean[] {true});
        i.start(0, false);
        assertEquals(List.of("BACKUP"), r.log);
        // skew (256 - 100) x 1 s / 256 = 609 ms: master down after 3609 ms
        assertEquals(3609, i.masterDownMs());
        i.onAdvertisement(1000, 150, 100, HIGHER);
        i.onTime(4608);
        assertEquals(VrrpInstance.State.BACKUP, i.state());
        i.onTime(4609);
        assertEquals(VrrpInstance.State.MASTER, i.state());
        assertEquals(List.of("BACKUP", "advert 100", "MASTER"), r.log);
        i.onTime(5608);
        i.onTime(5609);
        assertEquals("advert 100", r.log.getLast(), "every interval");
        assertEquals(4, r.log.size());
    }

    @Test
    void shouldTakeOverAfterTheSkewWhenTheMasterSaysPriorityZero()
    {
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(200, true, 3, r, new boolean[] {true});
        i.start(0, false);
        i.onAdvertisement(500, 0, 100, HIGHER);
        i.onTime(500 + (256 - 200) * 1000 / 256 - 1);
        assertEquals(VrrpInstance.State.BACKUP, i.state());
        i.onTime(500 + (256 - 200) * 1000 / 256);
        assertEquals(VrrpInstance.State.MASTER, i.state());
    }

    @Test
    void shouldYieldToAHigherPriorityOrAnEqualOneFromAHigherAddress()
    {
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(100, true, 2, r, new boolean[] {true});
        i.start(0, true);
        assertEquals(VrrpInstance.State.MASTER, i.state());
        i.onAdvertisement(10, 50, 100, HIGHER);
        assertEquals(VrrpInstance.State.MASTER, i.state(), "a lower priority is ignored");
        i.onAdvertisement(20, 100, 100, false);
        assertEquals(VrrpInstance.State.MASTER, i.state(), "an equal priority from a lower address is ignored");
        i.onAdvertisement(30, 100, 100, HIGHER);
        assertEquals(VrrpInstance.State.BACKUP, i.state());
        assertEquals("BACKUP", r.log.getLast());
    }

    @Test
    void shouldAnswerAPriorityZeroAdvertisementAtOnceAsMaster()
    {
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(100, true, 3, r, new boolean[] {true});
        i.start(0, true);
        r.log.clear();
        i.onAdvertisement(300, 0, 100, HIGHER);
        assertEquals(List.of("advert 100"), r.log);
    }

    @Test
    void shouldPreemptALowerMasterOnlyWhenAllowed()
    {
        // preempting: a lower master's adverts do not hold the timer; it runs out and we take over
        final boolean[] caughtUp = {false};
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(150, true, 3, r, caughtUp);
        i.start(0, false);
        long t = 0;
        for (; t < 10_000; t += 1000)
        {
            i.onAdvertisement(t, 100, 100, HIGHER);
            i.onTime(t);
        }
        assertEquals(VrrpInstance.State.BACKUP, i.state(), "not caught up: the lower master keeps the VIPs");
        caughtUp[0] = true;
        for (; t < 20_000 && i.state() == VrrpInstance.State.BACKUP; t += 100)
        {
            if (t % 1000 == 0)
            {
                i.onAdvertisement(t, 100, 100, HIGHER);
            }
            i.onTime(t);
        }
        assertEquals(VrrpInstance.State.MASTER, i.state(), "caught up: it preempts");
        assertTrue(t <= 10_000 + 3600, "within a master down interval: " + t);

        // nopreempt: the lower master keeps the VIPs for good
        final Recorder n = new Recorder();
        final VrrpInstance np = instance(150, false, 3, n, new boolean[] {true});
        np.start(0, false);
        for (long u = 0; u < 20_000; u += 1000)
        {
            np.onAdvertisement(u, 100, 100, HIGHER);
            np.onTime(u);
        }
        assertEquals(VrrpInstance.State.BACKUP, np.state());
    }

    @Test
    void shouldTellTheBackupsWhenStoppingAsMaster()
    {
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(100, true, 3, r, new boolean[] {true});
        i.start(0, true);
        i.shutdown();
        assertEquals("advert 0", r.log.getLast());
    }

    @Test
    void shouldAdvertiseAScriptsPriorityAtOnceAndBeTakenOverFromByAHigherBackup()
    {
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(150, true, 3, r, new boolean[] {true});
        i.start(0, true);
        assertEquals(List.of("advert 150", "MASTER"), r.log);
        i.priority(200, 90); // a tracked script of weight -60 failed
        assertEquals("advert 90", r.log.getLast(), "the new priority at once");
        i.onAdvertisement(300, 100, 100, HIGHER);
        assertEquals(VrrpInstance.State.BACKUP, i.state(), "the backup's 100 beats 90");
        assertEquals("BACKUP", r.log.getLast());
    }

    @Test
    void shouldGiveUpInFaultAndNotTakeOverUntilItClears()
    {
        final Recorder r = new Recorder();
        final VrrpInstance i = instance(150, true, 3, r, new boolean[] {true});
        i.start(0, true);
        i.fault(100, true);
        assertEquals(List.of("advert 150", "MASTER", "advert 0", "BACKUP"), r.log);
        i.onTime(60_000);
        assertEquals(VrrpInstance.State.BACKUP, i.state(), "no takeover in FAULT, however long the silence");
        i.fault(60_000, false);
        i.onTime(60_000 + i.masterDownMs());
        assertEquals(VrrpInstance.State.MASTER, i.state(), "a backup again, with its timers");
    }
}
