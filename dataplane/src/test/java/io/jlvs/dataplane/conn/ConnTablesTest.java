package io.jlvs.dataplane.conn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tables per agent, persisted: reopened as they are with the same agent count; with another, every connection is
 * found again in its new owner's table, and the tables of agents no longer there are drained and deleted.
 */
class ConnTablesTest
{
    @TempDir
    Path dir;

    private ConnTables open(final int agents)
    {
        return new ConnTables(new ConnTables.Context().agents(agents).capacity(30_000).directory(dir).conclude());
    }

    private static ConnKey key(final int i)
    {
        return new ConnKey().setV4(6, 0xC6120000 | (i >>> 16), i & 0xFFFF, 0xC612000A, 80);
    }

    private static ConnEntry entry(final int i)
    {
        final ConnEntry e = new ConnEntry();
        e.destId(i % 7).expiresMs(1_000_000L + i).dport(80);
        return e;
    }

    private void assertAllOwned(final ConnTables tables, final int connections)
    {
        assertEquals(connections, tables.size());
        for (int a = 0; a < tables.agents(); a++)
        {
            final int self = a;
            tables.table(a).forEach((k, e) ->
            {
                assertEquals(self, ConnOwner.of(k, tables.agents()), "in its owner's table");
                return true;
            });
        }
        final ConnEntry e = new ConnEntry();
        for (int i = 0; i < connections; i++)
        {
            final ConnKey k = key(i);
            assertTrue(tables.table(ConnOwner.of(k, tables.agents())).lookup(k, e), "connection " + i);
            assertEquals(1_000_000L + i, e.expiresMs());
            assertEquals(i % 7, e.destId());
        }
    }

    /** The listing shows what the owning agent's cache has, ahead of the table's copy, and the table's otherwise. */
    @Test
    void shouldListTheLiveEntryOfTheOwnersCache()
    {
        try (ConnTables tables = open(1); FlowCache cache = new FlowCache(4096))
        {
            assertTrue(tables.table(0).insert(key(1), entry(1)));
            assertTrue(tables.table(0).insert(key(2), entry(2)));
            final int slot = cache.put(key(1), entry(1), entry(1).expiresMs());
            cache.write(slot, entry(1).expiresMs(5_000_000L).state(ConnState.FIN_WAIT), entry(1).expiresMs());
            tables.attach(0, cache);
            final java.util.Map<Integer, Long> listed = new java.util.HashMap<>();
            tables.forEach((k, e) ->
            {
                listed.put(k.cport(), e.expiresMs());
                return true;
            });
            assertEquals(java.util.Map.of(1, 5_000_000L, 2, 1_000_002L), listed);
            tables.attach(0, null);
        }
    }

    /** The templates are one file beside the tables: a restart with any agent count finds each, as it was. */
    @Test
    void shouldKeepThePersistenceTemplatesAcrossARestartWhateverTheAgentCount()
    {
        try (ConnTables tables = open(2))
        {
            final TemplateTable.Writer w = tables.templates().writer(1, 2);
            for (int i = 0; i < 100; i++)
            {
                try (TemplateTable.Lock lock = w.lock(new ConnKey().setV4(6, 0x0A00_0000 + i, 0, 0xC612000A, 80)))
                {
                    assertTrue(lock.write(entry(i).flags(ConnFlags.TEMPLATE).nControl(i)));
                }
            }
        }
        assertTrue(Files.exists(dir.resolve(ConnTables.TEMPLATES_FILE)));
        try (ConnTables tables = open(3))
        {
            assertEquals(100, tables.templates().size());
            final ConnEntry e = new ConnEntry();
            for (int i = 0; i < 100; i++)
            {
                assertTrue(tables.templates().lookup(new ConnKey().setV4(6, 0x0A00_0000 + i, 0, 0xC612000A, 80), e));
                assertEquals(i, e.nControl());
                assertTrue(e.isTemplate());
            }
            assertEquals(0, tables.size(), "no template among the connections");
        }
    }

    @Test
    void shouldFindEveryConnectionAgainWhateverTheAgentCount()
    {
        final int n = 5_000;
        try (ConnTables tables = open(2))
        {
            for (int i = 0; i < n; i++)
            {
                final ConnKey k = key(i);
                assertTrue(tables.table(ConnOwner.of(k, 2)).insert(k, entry(i)));
            }
        }
        try (ConnTables tables = open(2))
        {
            assertEquals(0, tables.moved(), "same count: opened as they are");
            assertAllOwned(tables, n);
        }
        try (ConnTables tables = open(3))
        {
            assertEquals(n, tables.moved(), "every connection moved into tables made for three");
            assertAllOwned(tables, n);
        }
        try (ConnTables tables = open(1))
        {
            assertAllOwned(tables, n);
        }
        assertFalse(Files.exists(dir.resolve("conns-1.dat")), "the tables of agents gone are deleted");
        assertFalse(Files.exists(dir.resolve("conns-2.dat.layout")));
        try (ConnTables tables = open(4))
        {
            assertAllOwned(tables, n);
        }
    }

    @Test
    void shouldDrainTheSingleTableOfEarlierVersions()
    {
        try (ConnTable legacy = new ConnTable(new ConnTable.Context().capacity(1_000)
            .file(dir.resolve(ConnTables.LEGACY_FILE).toFile()).conclude()))
        {
            for (int i = 0; i < 100; i++)
            {
                legacy.insert(key(i), entry(i));
            }
        }
        try (ConnTables tables = open(2))
        {
            assertEquals(100, tables.moved());
            assertAllOwned(tables, 100);
        }
        assertFalse(Files.exists(dir.resolve(ConnTables.LEGACY_FILE)));
    }

    @Test
    void shouldKeepEveryConnectionWhenFewerAgentsTakeOverFullTables()
    {
        final int n = 7_000;
        try (ConnTables tables = new ConnTables(
            new ConnTables.Context().agents(4).capacity(8_000).directory(dir).conclude()))
        {
            for (int i = 0; i < n; i++)
            {
                final ConnKey k = key(i);
                assertTrue(tables.table(ConnOwner.of(k, 4)).insert(k, entry(i)), "connection " + i);
            }
        }
        // four tables of 2000 each become one of 8000: not one of them reused at its old size
        try (ConnTables tables = new ConnTables(
            new ConnTables.Context().agents(1).capacity(8_000).directory(dir).conclude()))
        {
            assertAllOwned(tables, n);
            assertTrue(tables.table(0).insert(key(n), entry(n)), "and room for more, up to the capacity");
        }
        assertFalse(Files.exists(dir.resolve(ConnTables.STAGING)), "the staging directory is gone");
    }
}
