package io.jlvs.dataplane.arp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NeighbourTableTest
{
    private static final int RS = 0xC612000B;
    private static final long MAC = 0x02_00_00_00_00_0BL;

    @Test
    void shouldRequestAnUnknownAddressAtMostOncePerInterval()
    {
        final NeighbourTable t = new NeighbourTable(60_000, 300_000, 1_000);
        assertEquals(NeighbourTable.UNKNOWN, t.lookup(RS));
        assertTrue(t.shouldRequest(RS, 10_000));
        assertFalse(t.shouldRequest(RS, 10_500), "rate limited");
        assertTrue(t.shouldRequest(RS, 11_000));
        assertEquals(NeighbourTable.UNKNOWN, t.lookup(RS), "a pending request resolves nothing");
    }

    @Test
    void shouldUseALearnedMacAndRefreshItOnlyWhenStale()
    {
        final NeighbourTable t = new NeighbourTable(60_000, 300_000, 1_000);
        t.learn(RS, MAC, 10_000);
        assertEquals(MAC, t.lookup(RS));
        assertFalse(t.shouldRequest(RS, 69_999), "fresh");
        assertTrue(t.shouldRequest(RS, 70_000), "stale after 60 s: ask again");
        assertEquals(MAC, t.lookup(RS), "still used while the refresh is pending");
        t.learn(RS, MAC + 1, 70_010);
        assertEquals(MAC + 1, t.lookup(RS), "a new MAC (replaced NIC) is taken from the reply");
    }

    @Test
    void shouldForgetEntriesNotConfirmedWithinTheExpiry()
    {
        final NeighbourTable t = new NeighbourTable(60_000, 300_000, 1_000);
        t.learn(RS, MAC, 0);
        t.learn(RS + 1, MAC + 1, 200_000);
        assertEquals(0, t.expire(299_999));
        assertEquals(1, t.expire(300_000));
        assertEquals(NeighbourTable.UNKNOWN, t.lookup(RS));
        assertEquals(MAC + 1, t.lookup(RS + 1));
        assertTrue(t.shouldRequest(RS + 2, 0));
        assertEquals(1, t.expire(300_000), "an address that never answered goes too");
        assertEquals(1, t.size());
    }
}
