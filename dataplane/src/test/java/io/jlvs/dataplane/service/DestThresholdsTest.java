package io.jlvs.dataplane.service;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DestStats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The overload flag as ip_vs_bind_dest(), ip_vs_unbind_dest() and __ip_vs_update_dest() move it. */
class DestThresholdsTest
{
    private static final DataplaneCounters COUNTERS = DataplaneCounters.onHeap(1024);
    private static int nextId = 1;

    private static Dest dest(final int upper, final int lower, final DestStats... all)
    {
        final Dest.Builder b = Dest.builder(nextId).address(PacketView.AF_INET, 0, 0x0A00_0001L).port(80)
            .thresholds(upper, lower).stats(all.length > 0 ? all[0] : COUNTERS.newDestStats(0, "t", nextId, "d"));
        nextId++;
        if (all.length > 0)
        {
            b.allAgents(all);
        }
        return b.build();
    }

    private static void bind(final Dest d)
    {
        d.stats().addInactive(1);
        d.bound();
    }

    private static void unbind(final Dest d)
    {
        d.stats().addInactive(-1);
        d.unbound();
    }

    @Test
    void shouldOverloadAtTheUpperThresholdAndClearBelowTheLower()
    {
        final Dest d = dest(3, 1);
        bind(d);
        bind(d);
        assertFalse(d.isOverloaded());
        bind(d);
        assertTrue(d.isOverloaded(), "3 connections, u:3");
        unbind(d);
        unbind(d);
        assertTrue(d.isOverloaded(), "1 is not below l:1");
        unbind(d);
        assertFalse(d.isOverloaded(), "0 < 1");
    }

    @Test
    void shouldClearBelowThreeQuartersOfTheUpperWithoutALower()
    {
        final Dest d = dest(8, 0);
        for (int i = 0; i < 8; i++)
        {
            bind(d);
        }
        assertTrue(d.isOverloaded());
        unbind(d);
        unbind(d);
        assertTrue(d.isOverloaded(), "6 x 4 = 24 is not below 8 x 3");
        unbind(d);
        assertFalse(d.isOverloaded(), "5 x 4 = 20 < 24");
    }

    @Test
    void shouldCountEveryAgentsConnections()
    {
        final DestStats mine = COUNTERS.newDestStats(0, "fwd-0", 90, "a");
        final DestStats theirs = COUNTERS.newDestStats(1, "fwd-1", 90, "a");
        final Dest d = dest(3, 0, mine, theirs);
        theirs.addInactive(2); // the other agent's two connections
        bind(d);
        assertTrue(d.isOverloaded(), "2 there and 1 here reach u:3");
    }

    @Test
    void shouldKeepTheFlagAcrossASnapshotUnlessTheUpperThresholdIsRaisedOrGone()
    {
        final Dest was = dest(2, 0);
        bind(was);
        bind(was);
        assertTrue(was.isOverloaded());
        final Dest same = dest(2, 0);
        same.takeOverOverload(was);
        assertTrue(same.isOverloaded());
        final Dest lower = dest(1, 0);
        lower.takeOverOverload(was);
        assertTrue(lower.isOverloaded());
        final Dest raised = dest(5, 0);
        raised.takeOverOverload(was);
        assertFalse(raised.isOverloaded(), "__ip_vs_update_dest() clears it when u is raised");
        final Dest gone = dest(0, 0);
        gone.takeOverOverload(was);
        assertFalse(gone.isOverloaded(), "or gone");
    }
}
