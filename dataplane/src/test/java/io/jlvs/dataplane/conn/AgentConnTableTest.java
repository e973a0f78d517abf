package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.status.DataplaneCounters;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConnTableTest
{
    @Test
    void shouldAskTheTableAgainWhenACachedReplyKeyLedToAConnectionThatIsGone()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = new AgentConnTable(table, new FlowCache(1000),
                DataplaneCounters.onHeap(256).newAgentCounters(0, "fwd-0")[0]);
            final ConnEntry nat = new ConnEntry().flags(ConnFlags.destConnFlags(FwdMethod.MASQ)).daddrV4(0x0A00_0101)
                .dport(8080).expiresMs(Long.MAX_VALUE / 2);
            final ConnKey first = new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0001, 4000, 0x0A00_0064, 80);
            final ConnKey second = new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0001, 4000, 0x0A00_0065, 80);
            final ConnKey reply = new ConnKey().setOut(first, nat);
            final long tag = FlowCache.tagOf(reply);
            final ConnKey in = new ConnKey();

            assertTrue(conns.insert(first, FlowCache.tagOf(first), nat));
            assertTrue(conns.findOut(reply, tag, in), "asked the table, and cached the answer");
            assertEquals(first, in);

            // what another agent's expiry and a new connection would leave: the table moved on, the cache did not
            table.remove(first);
            assertTrue(table.insert(second, nat));
            assertTrue(conns.findOut(reply, tag, in));
            assertEquals(first, in, "the cached answer, now stale");
            assertTrue(conns.refreshOut(reply, tag, in));
            assertEquals(second, in, "the table's answer");
            assertTrue(conns.findOut(reply, tag, in));
            assertEquals(second, in, "and cached in place of the stale one");

            table.remove(second);
            assertFalse(conns.refreshOut(reply, tag, in), "nothing left to find");
            conns.close();
        }
    }

    private static final long NOW = 1_000_000;

    private static AgentConnTable agentTable(final ConnTable table, final long cacheSlots)
    {
        return new AgentConnTable(table, new FlowCache(cacheSlots),
            DataplaneCounters.onHeap(256).newAgentCounters(0, "fwd-0")[0]);
    }

    private static ConnKey client(final int port)
    {
        return new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0001, port, 0x0A00_0064, 80);
    }

    private static ConnEntry dr(final long expiresMs)
    {
        return new ConnEntry().flags(ConnFlags.destConnFlags(FwdMethod.DROUTE)).daddrV4(0x0A00_0101).dport(80)
            .timeoutSec(60).expiresMs(expiresMs);
    }

    @Test
    void shouldHoldANewConnectionInTheCacheUntilItsSecondPacketWritesItToTheTable()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = agentTable(table, 1000);
            final ConnKey key = client(4000);
            final long tag = FlowCache.tagOf(key);
            final ConnEntry e = new ConnEntry();

            assertTrue(conns.admit(key, tag, dr(NOW + 60_000)));
            assertEquals(0, table.size(), "the first packet writes nothing to the table of record");
            assertEquals(1, conns.size());
            assertEquals(1, conns.pending());

            assertTrue(conns.find(key, tag, NOW + 1, e), "found in the cache alone");
            conns.save(key, e.expiresMs(NOW + 900_000), ConnStateMachine.STATE_CHANGED);
            assertEquals(1, table.size(), "the second packet writes it");
            assertEquals(0, conns.pending());
            assertEquals(1, conns.size());
            assertTrue(table.lookup(key, e));
            assertEquals(NOW + 900_000, e.expiresMs());
            conns.close();
        }
    }

    @Test
    void shouldWriteANatConnectionAtOnceForItsRepliesAreFoundByTheTable()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = agentTable(table, 1000);
            final ConnKey key = client(4000);
            final ConnEntry nat = dr(NOW + 60_000).flags(ConnFlags.destConnFlags(FwdMethod.MASQ));
            assertTrue(conns.admit(key, FlowCache.tagOf(key), nat));
            assertEquals(1, table.size());
            assertEquals(0, conns.pending());
            final ConnKey in = new ConnKey();
            final ConnKey reply = new ConnKey().setOut(key, nat);
            assertTrue(conns.findOut(reply, FlowCache.tagOf(reply), in));
            assertEquals(key, in);
            conns.close();
        }
    }

    @Test
    void shouldExpirePendingConnectionsFromTheCacheTellingTheirHandler()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(5000)))
        {
            final AgentConnTable conns = agentTable(table, 8192);
            final List<Integer> expired = new ArrayList<>();
            for (int i = 0; i < 3000; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.admit(key, FlowCache.tagOf(key), dr(NOW + (i < 1000 ? 5_000 : 60_000))));
            }
            assertEquals(3000, conns.size());
            long now = NOW;
            for (int ms = 0; ms < 4_000; ms++)
            {
                now++;
                conns.expire(now, 64, (k, e) -> expired.add(k.cport()));
            }
            assertEquals(List.of(), expired, "none before its time");
            for (int ms = 0; ms < 2_500; ms++) // a whole walk of the cache takes a second
            {
                now++;
                conns.expire(now, 64, (k, e) -> expired.add(k.cport()));
            }
            assertEquals(1000, expired.size(), "each once, within a second of its time");
            assertEquals(1000, expired.stream().distinct().count());
            assertTrue(expired.stream().allMatch((port) -> port < 11_000));
            assertEquals(2000, conns.size());
            assertEquals(2000, conns.pending());
            assertEquals(0, table.size());
            conns.close();
        }
    }

    @Test
    void shouldEndAPendingConnectionFoundPastItsTimeAndTellTheHandler()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = agentTable(table, 1000);
            final List<ConnKey> dead = new ArrayList<>();
            conns.onExpiredBy((k, e) -> dead.add(new ConnKey().copyFrom(k)));
            final ConnKey key = client(4000);
            final long tag = FlowCache.tagOf(key);
            assertTrue(conns.admit(key, tag, dr(NOW + 60_000)));
            final ConnEntry e = new ConnEntry();
            assertFalse(conns.find(key, tag, NOW + 60_000 + table.expiryGraceMs(), e));
            assertEquals(List.of(key), dead, "its accounting undone once");
            assertEquals(0, conns.size());
            assertTrue(conns.admit(key, tag, dr(NOW + 200_000)), "the key starts afresh");
            assertEquals(1, conns.size());
            conns.close();
        }
    }

    @Test
    void shouldCountPendingConnectionsAgainstTheCapacityAndRemoveThem()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(100)))
        {
            final AgentConnTable conns = agentTable(table, 1000);
            final long capacity = conns.capacity();
            int i = 0;
            while (!conns.isFull())
            {
                final ConnKey key = client(10_000 + i++);
                assertTrue(conns.admit(key, FlowCache.tagOf(key), dr(NOW + 60_000)));
            }
            assertEquals(capacity, i);
            final ConnKey more = client(9_000);
            assertFalse(conns.admit(more, FlowCache.tagOf(more), dr(NOW + 60_000)), "full, though the table is empty");
            assertFalse(conns.insert(more, FlowCache.tagOf(more), dr(NOW + 60_000)));
            assertEquals(0, table.size());

            final ConnKey first = client(10_000);
            conns.remove(first, dr(0));
            assertEquals(capacity - 1, conns.size());
            assertTrue(conns.admit(more, FlowCache.tagOf(more), dr(NOW + 60_000)), "room again");
            conns.close();
        }
    }

    @Test
    void shouldNeverEvictAPendingConnectionFromAFullCache()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(5000)))
        {
            final AgentConnTable conns = agentTable(table, FlowCache.MIN_CAPACITY);
            for (int i = 0; i < 3000; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.admit(key, FlowCache.tagOf(key), dr(NOW + 60_000)));
            }
            assertEquals(3000, conns.size());
            assertTrue(conns.pending() < 1024, "the cache took what it could, the table the rest");
            assertEquals(3000 - conns.pending(), table.size());
            final ConnEntry e = new ConnEntry();
            for (int i = 0; i < 3000; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.find(key, FlowCache.tagOf(key), NOW + 1, e), "connection " + i + " kept");
            }
            conns.close();
        }
    }

    @Test
    void shouldOfferPendingConnectionsToTheDefenceSweep()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = agentTable(table, 2048);
            for (int i = 0; i < 500; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.admit(key, FlowCache.tagOf(key), dr(NOW + 60_000)));
            }
            final List<Integer> dropped = new ArrayList<>();
            final ConnTable.ExpiryListener evenPorts = new ConnTable.ExpiryListener()
            {
                @Override
                public boolean onExpiring(final ConnKey key, final ConnEntry entry)
                {
                    return key.cport() % 2 == 0;
                }

                @Override
                public void onExpired(final ConnKey key, final ConnEntry entry)
                {
                    dropped.add(key.cport());
                }
            };
            int n = 0;
            for (int segment = 0; segment < conns.segments(); segment++)
            {
                n += conns.sweep(segment, evenPorts);
            }
            assertEquals(250, n);
            assertEquals(250, dropped.size());
            assertTrue(dropped.stream().allMatch((port) -> port % 2 == 0));
            assertEquals(250, conns.size());
            conns.close();
        }
    }

    @Test
    void shouldWriteItsPendingConnectionsToTheTableWhenItCloses()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = agentTable(table, 1000);
            for (int i = 0; i < 300; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.admit(key, FlowCache.tagOf(key), dr(NOW + 60_000)));
            }
            assertEquals(0, table.size());
            conns.close();
            assertEquals(300, table.size(), "a restarted director finds them");
        }
    }

    @Test
    void shouldAskTheTableOnAMissOnlyWhileItHoldsConnectionsTheCacheDoesNot()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(5000)))
        {
            final ConnKey restored = client(3000);
            assertTrue(table.insert(restored, dr(NOW + 60_000)), "a connection a restarted director finds");
            final AgentConnTable conns = agentTable(table, FlowCache.MIN_CAPACITY);
            final ConnEntry e = new ConnEntry();
            assertTrue(conns.find(restored, FlowCache.tagOf(restored), NOW, e), "asked the table: it had one");

            final ConnKey behind = client(3001);
            assertTrue(table.insert(behind, dr(NOW + 60_000)));
            assertFalse(conns.find(behind, FlowCache.tagOf(behind), NOW, e),
                "the cache holds all the table's connections it knows of: a miss is the answer, Chronicle not asked");
            table.remove(behind);

            // more persisted connections than the cache holds: the evicted ones are found in the table
            for (int i = 0; i < 3000; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.insert(key, FlowCache.tagOf(key), dr(NOW + 60_000)));
            }
            for (int i = 0; i < 3000; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.find(key, FlowCache.tagOf(key), NOW, e), "connection " + i);
            }
            // and once they are gone from the table, misses are answers again
            for (int i = 0; i < 3000; i++)
            {
                final ConnKey key = client(10_000 + i);
                conns.remove(key, dr(0));
            }
            conns.remove(restored, dr(0));
            assertEquals(0, table.size());
            assertTrue(table.insert(behind, dr(NOW + 60_000)));
            assertFalse(conns.find(behind, FlowCache.tagOf(behind), NOW, e), "the count came back to zero");
            conns.close();
        }
    }

    @Test
    void shouldWriteAConnectionATemplateControlsAtOnce()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = agentTable(table, 1000);
            final ConnKey key = client(4000);
            assertTrue(conns.admit(key, FlowCache.tagOf(key), dr(NOW + 60_000).control(TemplateRef.CONTROLLED)));
            assertEquals(1, table.size(), "a killed director's restart must find what the template counts");
            assertEquals(0, conns.pending());
            conns.close();
        }
    }

    @Test
    void shouldExpirePendingConnectionsWhileTheTableExpiresAtItsLimit()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(5000)))
        {
            final AgentConnTable conns = agentTable(table, 4096);
            for (int i = 0; i < 1000; i++)
            {
                final ConnKey key = client(10_000 + i);
                assertTrue(conns.insert(key, FlowCache.tagOf(key), dr(NOW + 1_000)));
            }
            for (int i = 0; i < 10; i++)
            {
                final ConnKey key = client(20_000 + i);
                assertTrue(conns.admit(key, FlowCache.tagOf(key), dr(NOW + 1_000)));
            }
            assertEquals(10, conns.pending());
            final List<Integer> pendingEnded = new ArrayList<>();
            final int n = conns.expire(NOW + 2_000, 64, (k, e) ->
            {
                if (k.cport() >= 20_000)
                {
                    pendingEnded.add(k.cport());
                }
            });
            assertEquals(10, pendingEnded.size(), "their own share of the limit: " + n + " ended");
            assertEquals(0, conns.pending());
            conns.close();
        }
    }
}
