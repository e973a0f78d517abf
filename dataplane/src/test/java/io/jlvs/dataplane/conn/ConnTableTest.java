package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnTableTest
{
    private static final int VIP = 0x0A00_0064; // 10.0.0.100
    private static final long NOW = 1_700_000_000_000L;

    private final List<ConnTable> opened = new ArrayList<>();

    @TempDir
    Path tmp;

    @AfterEach
    void closeAll()
    {
        opened.forEach(ConnTable::close);
    }

    private ConnTable open(final ConnTable.Context ctx)
    {
        final ConnTable table = new ConnTable(ctx);
        opened.add(table);
        return table;
    }

    private static ConnKey key(final int i)
    {
        return new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0000 + (i >>> 16), 1024 + (i & 0xFFFF), VIP, 80);
    }

    private static ConnEntry entry(final int i, final long expiresMs)
    {
        return new ConnEntry()
            .daddrV4(0x0A00_0100 + (i & 0xFF))
            .dport(8080)
            .flags(ConnFlags.destConnFlags(FwdMethod.DROUTE, false))
            .state(ConnState.ESTABLISHED)
            .timeoutSec(900)
            .inPkts(i)
            .expiresMs(expiresMs)
            .destId(i % 7)
            .fwmark(0);
    }

    @Test
    void shouldInsertLookupUpdateAndRemove()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(1000));
        final ConnKey k = key(1);
        final ConnEntry e = entry(1, NOW + 1000);
        final ConnEntry out = new ConnEntry();

        assertFalse(table.lookup(k, out));
        assertTrue(table.insert(k, e));
        assertEquals(1, table.size());
        assertTrue(table.lookup(key(1), out));
        assertEquals(e, out);

        out.state(ConnState.FIN_WAIT).expiresMs(NOW + 120_000).flags(out.flags() | ConnFlags.INACTIVE);
        assertTrue(table.update(k, out));
        final ConnEntry again = new ConnEntry();
        assertTrue(table.lookup(k, again));
        assertEquals(out, again);

        assertFalse(table.update(key(2), out));
        assertFalse(table.remove(key(2)));
        assertTrue(table.remove(k));
        assertFalse(table.lookup(k, again));
        assertEquals(0, table.size());
    }

    @Test
    void shouldKeepIpv6KeysAndDestinationsApart()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(100));
        final ConnKey a = new ConnKey().set(IpProtocol.TCP, 10, 0x2001_0db8_0000_0000L, 1, 5000, 0x2001_0db8_0000_0000L, 2, 443);
        final ConnKey b = new ConnKey().copyFrom(a).caddr(0x2001_0db8_0000_0000L, 3);
        final ConnEntry ea = entry(1, NOW).daf(10).daddr(0x2001_0db8_0000_0001L, 0x10);
        final ConnEntry eb = entry(2, NOW).daf(10).daddr(0x2001_0db8_0000_0001L, 0x20);

        assertTrue(table.insert(a, ea));
        assertTrue(table.insert(b, eb));
        final ConnEntry out = new ConnEntry();
        assertTrue(table.lookup(a, out));
        assertEquals(ea, out);
        assertTrue(table.lookup(b, out));
        assertEquals(eb, out);
    }

    @Test
    void shouldRefuseNewConnectionsWhenFull()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(100));
        for (int i = 0; i < 100; i++)
        {
            assertTrue(table.insert(key(i), entry(i, NOW)), "insert " + i);
        }
        assertEquals(100, table.size());

        assertFalse(table.insert(key(100), entry(100, NOW)));
        assertFalse(table.lookup(key(100), new ConnEntry()));
        assertEquals(100, table.size());

        assertTrue(table.insert(key(5), entry(5, NOW + 5)), "an existing key is replaced even when full");
        assertEquals(100, table.size());

        assertTrue(table.remove(key(7)));
        assertTrue(table.insert(key(100), entry(100, NOW)));
        assertEquals(100, table.size());
    }

    @Test
    void shouldExpireAtMostLimitEntriesPerCallAndResume()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(10_000).entriesPerSegment(64).expiryGraceMs(0));
        final int n = 2000;
        for (int i = 0; i < n; i++)
        {
            // even entries have expired, odd ones have not
            assertTrue(table.insert(key(i), entry(i, (i & 1) == 0 ? NOW - 1 : NOW + 60_000)));
        }
        assertTrue(table.segments() > 1, "segments " + table.segments());

        final Set<ConnKey> expired = new HashSet<>();
        final ConnTable.ExpiryListener listener = (k, e) ->
        {
            assertTrue(e.expiresMs() < NOW);
            assertTrue(expired.add(new ConnKey().copyFrom(k)), "expired twice: " + k);
        };

        final int limit = 50;
        int calls = 0;
        while (expired.size() < n / 2)
        {
            final long before = table.size();
            final int removed = table.expire(NOW, limit, listener);
            assertTrue(removed <= limit, "removed " + removed);
            assertEquals(before - removed, table.size());
            calls++;
            assertTrue(calls <= 2 * n / limit + table.segments(), "no progress after " + calls + " calls");
        }

        assertEquals(n / 2, table.size());
        for (int i = 0; i < n; i++)
        {
            assertEquals((i & 1) == 1, table.lookup(key(i), new ConnEntry()), "entry " + i);
            assertEquals((i & 1) == 0, expired.contains(key(i)), "listener for " + i);
        }
        // a full pass needs at least n / limit calls
        assertTrue(calls >= n / limit, "calls " + calls);

        assertEquals(0, table.expire(NOW, 10 * n, listener));
        assertEquals(n / 2, table.expire(NOW + 61_000, 10 * n, (k, e) -> {}));
        assertEquals(0, table.size());
    }

    @Test
    void shouldOpenAtMostLimitSegmentsPerCallOfASparseTable()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(100_000).entriesPerSegment(64).expiryGraceMs(0));
        final int segments = table.segments();
        assertTrue(segments > 100, "segments " + segments);
        table.insert(key(1), entry(1, NOW - 1));

        int calls = 0;
        int removed = 0;
        while (removed == 0)
        {
            removed += table.expire(NOW, 10, (k, e) -> {});
            calls++;
            assertTrue(calls <= segments / 10 + 1, "calls " + calls);
        }
        assertEquals(0, table.size());
    }

    @Test
    void shouldNotExpireWithinGrace()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(100));
        table.insert(key(1), entry(1, NOW));
        final ConnTable.ExpiryListener listener = (k, e) -> {};

        assertEquals(0, table.expire(NOW + ConnStateMachine.WRITE_BACK_GRANULARITY_MS - 1, 100, listener));
        assertEquals(1, table.expire(NOW + ConnStateMachine.WRITE_BACK_GRANULARITY_MS, 100, listener));
    }

    @Test
    void shouldKeepAndWriteBackAnEntryTheListenerRefuses()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(100).expiryGraceMs(0));
        table.insert(key(1), entry(1, NOW - 1).flags(ConnFlags.TEMPLATE));
        final int[] expiredCalls = new int[1];
        final ConnTable.ExpiryListener keepTemplates = new ConnTable.ExpiryListener()
        {
            @Override
            public void onExpired(final ConnKey key, final ConnEntry entry)
            {
                expiredCalls[0]++;
            }

            @Override
            public boolean onExpiring(final ConnKey key, final ConnEntry entry)
            {
                entry.expiresMs(NOW + 60_000);
                return false;
            }
        };

        assertEquals(0, table.expire(NOW, 100, keepTemplates));
        assertEquals(0, expiredCalls[0]);
        final ConnEntry out = new ConnEntry();
        assertTrue(table.lookup(key(1), out));
        assertEquals(NOW + 60_000, out.expiresMs());
        assertEquals(1, table.size());
    }

    @Test
    void shouldVisitEveryEntryForListing()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(1000));
        for (int i = 0; i < 300; i++)
        {
            table.insert(key(i), entry(i, NOW + i));
        }

        final Set<ConnKey> seen = new HashSet<>();
        final long visited = table.forEach((k, e) ->
        {
            assertEquals(NOW + e.inPkts(), e.expiresMs());
            return seen.add(new ConnKey().copyFrom(k));
        });
        assertEquals(300, visited);
        assertEquals(300, seen.size());

        final int[] n = new int[1];
        assertEquals(10, table.forEach((k, e) -> ++n[0] < 10));
    }

    @Test
    void shouldFindConnectionsAgainAfterCleanCloseAndReopen()
    {
        final File file = tmp.resolve("jlvs/test/conns.dat").toFile();
        final ConnTable.Context ctx = new ConnTable.Context().capacity(10_000).file(file);
        try (ConnTable table = new ConnTable(ctx))
        {
            assertFalse(table.wasRecovered());
            for (int i = 0; i < 1000; i++)
            {
                assertTrue(table.insert(key(i), entry(i, NOW + i)));
            }
            table.remove(key(3));
        }
        assertTrue(Files.exists(ConnTable.cleanMarkerPath(file.toPath().toAbsolutePath())));

        try (ConnTable table = new ConnTable(ctx))
        {
            assertFalse(table.wasRecovered());
            assertEquals(999, table.size());
            final ConnEntry out = new ConnEntry();
            assertFalse(table.lookup(key(3), out));
            for (int i = 0; i < 1000; i++)
            {
                if (i != 3)
                {
                    assertTrue(table.lookup(key(i), out), "entry " + i);
                    assertEquals(entry(i, NOW + i), out);
                }
            }
        }
    }

    @Test
    void shouldRecoverConnectionsWhenTheFileWasNotClosedCleanly() throws Exception
    {
        final File file = tmp.resolve("conns.dat").toFile();
        final ConnTable.Context ctx = new ConnTable.Context().capacity(10_000).file(file);
        try (ConnTable table = new ConnTable(ctx))
        {
            for (int i = 0; i < 500; i++)
            {
                table.insert(key(i), entry(i, NOW + i));
            }
        }
        // as after a crash: no clean-close marker
        Files.delete(ConnTable.cleanMarkerPath(file.toPath().toAbsolutePath()));

        try (ConnTable table = new ConnTable(ctx))
        {
            assertTrue(table.wasRecovered());
            assertEquals(500, table.size());
            final ConnEntry out = new ConnEntry();
            for (int i = 0; i < 500; i++)
            {
                assertTrue(table.lookup(key(i), out), "entry " + i);
                assertEquals(entry(i, NOW + i), out);
            }
            assertTrue(table.insert(key(500), entry(500, NOW)));
        }
    }

    private static ConnEntry natEntry(final int i, final long expiresMs)
    {
        return entry(i, expiresMs).flags(ConnFlags.destConnFlags(FwdMethod.MASQ, false));
    }

    @Test
    void shouldFindANatConnectionFromItsRealServersSide()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(1000));
        assertTrue(table.insert(key(1), natEntry(1, NOW)));
        assertTrue(table.insert(key(2), entry(2, NOW)));

        final ConnKey in = new ConnKey();
        assertTrue(table.lookupOut(new ConnKey().setOut(key(1), natEntry(1, NOW)), in));
        assertEquals(key(1), in);
        assertFalse(table.lookupOut(new ConnKey().setOut(key(2), entry(2, NOW)), in), "DR keeps no reply key");
        assertEquals(1, table.replyIndexSize());
        assertEquals(2, table.size(), "the reply index is not counted as connections");
        assertEquals(ConnKeyDescriptor.DIR_OUT, new ConnKey().setOut(key(1), natEntry(1, NOW)).direction());
        assertFalse(new ConnKey().setOut(key(1), natEntry(1, NOW)).equals(
            new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0000, 1025, 0x0A00_0101, 8080)), "directions never collide");
    }

    @Test
    void shouldForgetTheReplyKeyWhenTheConnectionIsRemovedOrExpires()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(1000));
        table.insert(key(1), natEntry(1, NOW));
        table.insert(key(2), natEntry(2, NOW));
        final ConnKey in = new ConnKey();

        assertTrue(table.remove(key(1)));
        assertFalse(table.lookupOut(new ConnKey().setOut(key(1), natEntry(1, NOW)), in));

        table.expire(NOW + 10_000, 100, (k, e) -> { });
        assertFalse(table.lookupOut(new ConnKey().setOut(key(2), natEntry(2, NOW)), in));
        assertEquals(0, table.replyIndexSize());
    }

    @Test
    void shouldLeaveALaterConnectionsReplyKeyWhenAnEarlierOneWithTheSameReplyEnds()
    {
        // one client address and port (a CGNAT's) reaching one real server through two VIPs
        final ConnTable table = open(new ConnTable.Context().capacity(1000));
        final ConnKey toVip1 = new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0001, 4000, VIP, 80);
        final ConnKey toVip2 = new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0001, 4000, VIP + 1, 80);
        final ConnEntry toServer = natEntry(1, NOW);
        assertTrue(table.insert(toVip1, toServer));
        assertTrue(table.insert(toVip2, toServer));
        final ConnKey reply = new ConnKey().setOut(toVip1, toServer);
        final ConnKey in = new ConnKey();
        assertTrue(table.lookupOut(reply, in));
        assertEquals(toVip2, in, "the later connection's, as the kernel finds one of them");

        assertTrue(table.remove(toVip1));
        assertTrue(table.lookupOut(reply, in), "the earlier one's end leaves the later's reply key");
        assertEquals(toVip2, in);
        assertTrue(table.remove(toVip2));
        assertFalse(table.lookupOut(reply, in));
    }

    @Test
    void shouldMoveTheReplyKeyWhenAConnectionIsReplacedWithAnotherRealServer()
    {
        final ConnTable table = open(new ConnTable.Context().capacity(1000));
        assertTrue(table.insert(key(1), natEntry(1, NOW)));
        final ConnEntry elsewhere = natEntry(1, NOW).daddrV4(0x0A00_01FE);
        assertTrue(table.insert(key(1), elsewhere), "a present key is replaced");
        final ConnKey in = new ConnKey();
        assertFalse(table.lookupOut(new ConnKey().setOut(key(1), natEntry(1, NOW)), in), "old real server's key gone");
        assertTrue(table.lookupOut(new ConnKey().setOut(key(1), elsewhere), in));
        assertEquals(1, table.replyIndexSize());
    }

    @Test
    void shouldKeepTheReplyIndexAcrossARestartAndRepairItAfterACrash() throws Exception
    {
        final File file = tmp.resolve("conns.dat").toFile();
        final Path replies = ConnTable.repliesPath(file.toPath().toAbsolutePath());
        final Path saved = tmp.resolve("saved.out");
        final ConnTable.Context ctx = new ConnTable.Context().capacity(1000).file(file);
        try (ConnTable table = new ConnTable(ctx))
        {
            table.insert(key(1), natEntry(1, NOW));
            table.insert(key(2), natEntry(2, NOW));
        }
        Files.copy(replies, saved);
        final ConnKey in = new ConnKey();
        try (ConnTable table = new ConnTable(ctx))
        {
            assertTrue(table.lookupOut(new ConnKey().setOut(key(2), natEntry(2, NOW)), in), "kept over a restart");
            table.remove(key(1));
        }
        // a crash that left the index behind the table: key 1's reply is stale
        Files.copy(saved, replies, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.delete(ConnTable.cleanMarkerPath(file.toPath().toAbsolutePath()));
        try (ConnTable table = new ConnTable(ctx))
        {
            assertTrue(table.wasRecovered());
            assertFalse(table.lookupOut(new ConnKey().setOut(key(1), natEntry(1, NOW)), in), "stale reply removed");
            assertTrue(table.lookupOut(new ConnKey().setOut(key(2), natEntry(2, NOW)), in));
            assertEquals(1, table.replyIndexSize());
        }
        // one lost altogether
        Files.delete(replies);
        Files.delete(ConnTable.cleanMarkerPath(file.toPath().toAbsolutePath()));
        try (ConnTable table = new ConnTable(ctx))
        {
            assertTrue(table.lookupOut(new ConnKey().setOut(key(2), natEntry(2, NOW)), in), "rebuilt from the table");
            assertEquals(key(2), in);
        }
    }

    @Test
    void shouldRefuseAFileOfAnotherLayout() throws Exception
    {
        final File file = tmp.resolve("conns.dat").toFile();
        final ConnTable.Context ctx = new ConnTable.Context().capacity(100).file(file);
        try (ConnTable table = new ConnTable(ctx))
        {
            table.insert(key(1), entry(1, NOW));
        }
        final Path layout = ConnTable.layoutPath(file.toPath().toAbsolutePath());
        assertEquals(ConnTable.LAYOUT, Files.readString(layout).trim());

        Files.writeString(layout, "jlvs-conns-v0 key=38 value=60\n");
        assertThrows(IllegalStateException.class, () -> new ConnTable(ctx));
        Files.delete(layout);
        assertThrows(IllegalStateException.class, () -> new ConnTable(ctx));
    }

    /**
     * A table written before persistence (layout v1) held a creation time where v2 keeps the template reference: it
     * opens with those bytes cleared, so no connection is taken for a controlled one, and is v2 from then on. A
     * template table never opens a connection table's file.
     */
    @Test
    void shouldUpgradeAV1TableClearingWhatItHeldWhereTheTemplateReferenceIs() throws Exception
    {
        final File file = tmp.resolve("conns.dat").toFile();
        final ConnTable.Context ctx = new ConnTable.Context().capacity(100).file(file);
        try (ConnTable table = new ConnTable(ctx))
        {
            table.insert(key(1), entry(1, NOW).control(0x6C4E_1F00).nControl(0x18C));
        }
        final Path layout = ConnTable.layoutPath(file.toPath().toAbsolutePath());
        Files.writeString(layout, ConnTable.LAYOUT_V1 + "\n");
        try (ConnTable table = new ConnTable(ctx))
        {
            final ConnEntry e = new ConnEntry();
            assertTrue(table.lookup(key(1), e));
            assertEquals(0, e.control());
            assertEquals(0, e.nControl());
            assertEquals(entry(1, NOW), e);
        }
        assertEquals(ConnTable.LAYOUT, Files.readString(layout).trim());
        assertThrows(IllegalStateException.class, () -> new TemplateTable(TemplateTable.context(100, file)));
    }

    @Test
    void shouldRefuseAFileAlreadyOpen()
    {
        final File file = tmp.resolve("conns.dat").toFile();
        final ConnTable.Context ctx = new ConnTable.Context().capacity(100).file(file);
        open(ctx);
        assertThrows(IllegalStateException.class, () -> new ConnTable(ctx));
    }
}
