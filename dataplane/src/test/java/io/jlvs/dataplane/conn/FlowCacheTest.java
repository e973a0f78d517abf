package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowCacheTest
{
    private static ConnKey key(final int client, final int cport)
    {
        return new ConnKey().setV4(6, 0xC6120000 | client, cport, 0xC612000A, 80);
    }

    private static ConnEntry entry(final int destId, final long expires)
    {
        return new ConnEntry().daddrV4(0xC612000B + destId).dport(80).destId(destId).state(ConnState.ESTABLISHED)
            .flags(FwdMethod.DROUTE.flags() | ConnFlags.NOOUTPUT).timeoutSec(900).expiresMs(expires).inPkts(3);
    }

    @Test
    void shouldRoundCapacityToAPowerOfTwoWithinBounds()
    {
        assertEquals(FlowCache.MIN_CAPACITY, FlowCache.capacityFor(1));
        assertEquals(1 << 18, FlowCache.capacityFor(262_144));
        assertEquals(1 << 19, FlowCache.capacityFor(262_145));
        assertEquals(FlowCache.MAX_CAPACITY, FlowCache.capacityFor(Long.MAX_VALUE));
        assertEquals(1 << 19, FlowCache.slotsForTable(262_144), "an agent's cache: twice its table's connections");
        assertEquals(FlowCache.MAX_CAPACITY, FlowCache.slotsForTable(1L << 40));
    }

    @Test
    void shouldReturnExactlyWhatWasPutAndForgetWhatWasRemoved()
    {
        try (FlowCache cache = new FlowCache(1024))
        {
            final ConnKey k = key(100, 40000);
            final ConnEntry e = entry(2, 123_456);
            final int slot = cache.put(k, e, 120_000);
            assertEquals(slot, cache.find(k));
            final ConnEntry out = new ConnEntry();
            cache.read(slot, out);
            assertEquals(e, out);
            assertEquals(120_000, cache.storedExpiresMs(slot));
            assertEquals(-1, cache.find(key(100, 40001)), "another port is another connection");
            assertEquals(-1, cache.find(new ConnKey().setV4(17, 0xC6120064, 40000, 0xC612000A, 80)), "and UDP");
            assertTrue(cache.remove(k));
            assertFalse(cache.remove(k));
            assertEquals(-1, cache.find(k));
            assertEquals(0, cache.size());
        }
    }

    @Test
    void shouldAgreeWithAMapOverRandomPutsAndRemovesWhenNothingIsEvicted()
    {
        try (FlowCache cache = new FlowCache(4096))
        {
            final Map<ConnKey, ConnEntry> model = new HashMap<>();
            final List<ConnKey> keys = new ArrayList<>();
            final Random random = new Random(42);
            for (int i = 0; i < 2000; i++)
            {
                keys.add(key(random.nextInt(1 << 16), 1024 + random.nextInt(60000)));
            }
            for (int op = 0; op < 200_000; op++)
            {
                final ConnKey k = keys.get(random.nextInt(keys.size()));
                if (random.nextInt(3) == 0)
                {
                    assertEquals(null != model.remove(k), cache.remove(k));
                }
                else
                {
                    final ConnEntry e = entry(random.nextInt(8), op);
                    model.put(k, e);
                    cache.put(k, e, op);
                }
            }
            assertEquals(0, cache.evictions(), "a half-empty cache has room within the probe limit");
            assertEquals(model.size(), cache.size());
            final ConnEntry out = new ConnEntry();
            for (final ConnKey k : keys)
            {
                final int slot = cache.find(k);
                if (model.containsKey(k))
                {
                    assertTrue(slot >= 0, "backward-shift deletion keeps every key reachable: " + k);
                    cache.read(slot, out);
                    assertEquals(model.get(k), out);
                }
                else
                {
                    assertEquals(-1, slot);
                }
            }
        }
    }

    @Test
    void shouldForgetRatherThanFailWhenFullAndNeverAnswerWithAnotherKeysEntry()
    {
        try (FlowCache cache = new FlowCache(1024))
        {
            final Map<ConnKey, ConnEntry> model = new HashMap<>();
            for (int i = 0; i < 5000; i++)
            {
                final ConnKey k = key(i, 2000 + i);
                final ConnEntry e = entry(i % 8, i);
                model.put(k, e);
                cache.put(k, e, i);
            }
            assertTrue(cache.evictions() > 0);
            assertTrue(cache.size() <= 1024 && cache.size() > 900, "fills up, never past capacity: " + cache.size());
            int found = 0;
            final ConnEntry out = new ConnEntry();
            for (final Map.Entry<ConnKey, ConnEntry> m : model.entrySet())
            {
                final int slot = cache.find(m.getKey());
                if (slot >= 0)
                {
                    found++;
                    cache.read(slot, out);
                    assertEquals(m.getValue(), out);
                }
            }
            assertEquals(cache.size(), found);
        }
    }

    @Test
    void shouldAllocateNothingPerLookup()
    {
        try (FlowCache cache = new FlowCache(1 << 16))
        {
            final ConnKey[] keys = new ConnKey[10_000];
            for (int i = 0; i < keys.length; i++)
            {
                keys[i] = key(i, 3000 + i);
                cache.put(keys[i], entry(1, i), i);
            }
            final ConnEntry out = new ConnEntry();
            final var bean = (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
            for (int round = 0; round < 3; round++)
            {
                final long before = bean.getCurrentThreadAllocatedBytes();
                long sum = 0;
                for (int i = 0; i < 1_000_000; i++)
                {
                    final int slot = cache.find(keys[i % keys.length]);
                    cache.read(slot, out);
                    cache.write(slot, out, i);
                    sum += out.destId();
                }
                final long allocated = bean.getCurrentThreadAllocatedBytes() - before;
                if (round == 2)
                {
                    assertTrue(allocated < 1024, "allocated " + allocated + " bytes over 1M lookups (" + sum + ")");
                }
            }
        }
    }

    @Test
    void shouldKeyOnEveryFieldOfTheConnection()
    {
        try (FlowCache cache = new FlowCache(1024))
        {
            final ConnKey v6 = new ConnKey().set(6, PacketView.AF_INET6, 0x2001_0db8_0000_0000L, 1, 40000,
                0x2001_0db8_0000_0000L, 10, 80);
            cache.put(v6, entry(1, 1), 1);
            assertTrue(cache.find(v6) >= 0);
            assertEquals(-1, cache.find(new ConnKey().set(6, PacketView.AF_INET6, 0x2001_0db8_0000_0001L, 1, 40000,
                0x2001_0db8_0000_0000L, 10, 80)), "client address high half");
            assertEquals(-1, cache.find(new ConnKey().set(6, PacketView.AF_INET6, 0x2001_0db8_0000_0000L, 1, 40000,
                0x2001_0db8_0000_0000L, 10, 81)), "virtual port");
        }
    }

    @Test
    void shouldStayBelowItsLoadCapAndStillRemoveWhenOverfilled()
    {
        try (FlowCache cache = new FlowCache(FlowCache.MIN_CAPACITY))
        {
            final List<ConnKey> keys = new ArrayList<>();
            final ConnKey in = new ConnKey();
            for (int i = 0; i < 3 * FlowCache.MIN_CAPACITY; i++)
            {
                final ConnKey k = key(i >>> 8, 1024 + (i & 0xFF));
                keys.add(k);
                if ((i & 1) == 0)
                {
                    cache.put(k, entry(i & 7, 100), 100);
                }
                else
                {
                    cache.putRef(new ConnKey().setOut(k, entry(1, 0)), FlowCache.tagOf(new ConnKey().setOut(k, entry(1, 0))), k);
                }
                assertTrue(cache.size() <= FlowCache.MIN_CAPACITY * FlowCache.MAX_LOAD_PERCENT / 100, "size " + cache.size());
            }
            assertTrue(cache.evictions() > 0, "an overfilled cache forgets");
            final Random random = new Random(7);
            for (int i = 0; i < keys.size(); i++)
            {
                final ConnKey k = keys.get(random.nextInt(keys.size()));
                cache.remove(k); // terminates: a free slot always ends the backward shift
                cache.remove(in.setOut(k, entry(1, 0)));
            }
            for (final ConnKey k : keys)
            {
                cache.remove(k);
                cache.remove(in.setOut(k, entry(1, 0)));
            }
            assertEquals(0, cache.size());
        }
    }

    @Test
    void shouldReadTheLiveEntryAheadOfTheTablesCopy()
    {
        try (FlowCache cache = new FlowCache(4096))
        {
            final int slot = cache.put(key(2, 20_000), entry(2, 1_000), 1_000);
            cache.write(slot, entry(2, 7_500).state(ConnState.FIN_WAIT), 1_000); // the table still has 1000
            final ConnEntry live = new ConnEntry();
            assertTrue(cache.readCached(key(2, 20_000), live));
            assertEquals(7_500, live.expiresMs(), "the expiry the agent keeps, not the one written back");
            assertEquals(ConnState.FIN_WAIT, live.state());
            assertFalse(cache.readCached(key(2, 20_001), live), "a key it has not");
            cache.putRef(key(3, 20_000), FlowCache.tagOf(key(3, 20_000)), key(2, 20_000));
            assertFalse(cache.readCached(key(3, 20_000), live), "a reply key is no entry");
        }
    }

    @Test
    void shouldListOnlyPendingEntriesNeverPersistedOnesOrReplyKeys()
    {
        try (FlowCache cache = new FlowCache(4096))
        {
            for (int i = 0; i < 300; i++)
            {
                cache.put(key(1, 10_000 + i), entry(1, 1_000 + i), FlowCache.PENDING);
                cache.put(key(2, 10_000 + i), entry(2, 1_000 + i), 1_000 + i);
            }
            cache.putRef(key(3, 10_000), FlowCache.tagOf(key(3, 10_000)), key(2, 10_000));
            cache.remove(key(1, 10_000));
            final List<Integer> listed = new ArrayList<>();
            final long n = cache.forEachPending(new ConnKey(), new ConnEntry(), (k, e) ->
            {
                assertEquals(1, e.destId(), "a pending entry, with its own entry");
                assertEquals(1_000 + k.cport() - 10_000, e.expiresMs());
                listed.add(k.cport());
                return true;
            });
            assertEquals(299, n);
            assertEquals(299, listed.stream().distinct().count());
            assertFalse(listed.contains(10_000), "removed");
        }
    }

    @Test
    void shouldNeverListAHalfWrittenEntryWhileTheOwnerPutsAndRemoves() throws Exception
    {
        try (FlowCache cache = new FlowCache(2048))
        {
            // an entry's destId repeats its key's port: a torn read would pair one key with another's entry
            for (int i = 0; i < 200; i++)
            {
                cache.put(key(1, i), entry(i, 5_000), FlowCache.PENDING);
            }
            final AtomicBoolean done = new AtomicBoolean();
            final Thread owner = new Thread(() ->
            {
                final Random random = new Random(7);
                final List<ConnKey> churn = new ArrayList<>();
                while (!done.get())
                {
                    if (!churn.isEmpty() && random.nextInt(4) == 0)
                    {
                        // its second packet: written to the table, no longer pending, rewritten with another entry
                        final ConnKey k = churn.get(random.nextInt(churn.size()));
                        final int slot = cache.find(k);
                        if (slot >= 0 && cache.isPending(slot))
                        {
                            cache.write(slot, entry(k.cport() + 100_000, 9_000), 9_000);
                        }
                    }
                    else if (churn.size() < 1200 && random.nextBoolean())
                    {
                        final int port = 1_000 + random.nextInt(60_000);
                        final ConnKey k = key(2, port);
                        if (cache.put(k, entry(port, 7_000), FlowCache.PENDING) >= 0)
                        {
                            churn.add(k);
                        }
                    }
                    else if (!churn.isEmpty())
                    {
                        cache.remove(churn.remove(random.nextInt(churn.size())));
                    }
                }
            });
            owner.start();
            long seenStable = 0;
            long listings = 0;
            final long end = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < end)
            {
                final long[] stable = new long[1];
                cache.forEachPending(new ConnKey(), new ConnEntry(), (k, e) ->
                {
                    assertEquals(k.cport(), e.destId(), "key and entry of one connection");
                    assertEquals(k.cport() < 1_000 ? 5_000 : 7_000, e.expiresMs());
                    stable[0] += k.cport() < 1_000 ? 1 : 0;
                    return true;
                });
                seenStable += stable[0];
                listings++;
            }
            done.set(true);
            owner.join();
            assertTrue(listings > 10, "listed " + listings + " times");
            assertTrue(seenStable > listings * 150, "most of the entries that never moved away were seen: " +
                seenStable + " in " + listings + " listings");
        }
    }
}
