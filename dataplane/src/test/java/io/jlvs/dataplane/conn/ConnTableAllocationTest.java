package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allocation is not speed, so it can be asserted: after warm-up, the fast-path operations allocate nothing.
 * Measured with the thread's allocated-bytes counter around a million operations.
 */
class ConnTableAllocationTest
{
    private static final int ENTRIES = 100_000;
    private static final int OPS = 1_000_000;
    private static final long NOW = 1_700_000_000_000L;
    /** Tolerance for the counter's own noise: far below one object per thousand operations. */
    private static final long MAX_BYTES = 16 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private static ConnTable table;
    private static ConnKey[] keys;

    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();

    @BeforeAll
    static void fill()
    {
        table = new ConnTable(new ConnTable.Context().capacity(ENTRIES * 2L).entriesPerSegment(256));
        keys = new ConnKey[ENTRIES];
        final ConnEntry e = new ConnEntry();
        for (int i = 0; i < ENTRIES; i++)
        {
            keys[i] = key(new ConnKey(), i);
            e.daddrV4(0x0A00_0100 + (i & 0xFF)).dport(80).flags(ConnFlags.destConnFlags(FwdMethod.DROUTE))
                .state(ConnState.ESTABLISHED).timeoutSec(900).expiresMs(NOW + 900_000).destId(i & 15);
            assertTrue(table.insert(keys[i], e));
        }
    }

    @AfterAll
    static void close()
    {
        table.close();
    }

    private static ConnKey key(final ConnKey k, final int i)
    {
        return k.setV4(IpProtocol.TCP, 0xC0A8_0000 + (i >>> 16), 1024 + (i & 0xFFFF), 0x0A00_0064, 80);
    }

    private long lookups(final int n, final int offset)
    {
        long hits = 0;
        for (int i = 0; i < n; i++)
        {
            // one in eight misses (keys beyond the table)
            final int k = (int)(((long)i * 7919 + offset) % (ENTRIES + ENTRIES / 8));
            key(key, k);
            if (table.lookup(key, entry))
            {
                hits++;
            }
        }
        return hits;
    }

    private long updates(final int n)
    {
        long written = 0;
        for (int i = 0; i < n; i++)
        {
            key(key, (int)(((long)i * 7919) % ENTRIES));
            if (table.lookup(key, entry))
            {
                entry.inPkts(entry.inPkts() + 1);
                if (table.update(key, entry))
                {
                    written++;
                }
            }
        }
        return written;
    }

    private long insertRemoves(final int n)
    {
        long done = 0;
        entry.flags(ConnFlags.destConnFlags(FwdMethod.DROUTE)).expiresMs(NOW);
        for (int i = 0; i < n; i++)
        {
            key(key, ENTRIES + (i & 1023));
            if (table.insert(key, entry) && table.remove(key))
            {
                done++;
            }
        }
        return done;
    }

    private static long allocated()
    {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    @Test
    void shouldNotAllocateOnLookupUpdateInsertRemoveOrExpiry()
    {
        // warm up: enough for C2 to compile the paths
        for (int round = 0; round < 3; round++)
        {
            lookups(OPS, round);
            updates(OPS / 4);
            insertRemoves(OPS / 4);
            table.expire(NOW, 1024, (k, e) -> {});
        }
        final ConnTable.ExpiryListener none = (k, e) -> {};
        allocated();

        long before = allocated();
        final long hits = lookups(OPS, 17);
        final long lookupBytes = allocated() - before;

        before = allocated();
        final long written = updates(OPS);
        final long updateBytes = allocated() - before;

        before = allocated();
        final long insertRemoved = insertRemoves(OPS / 4);
        final long insertRemoveBytes = allocated() - before;

        before = allocated();
        int expired = 0;
        for (int i = 0; i < 1000; i++)
        {
            expired += table.expire(NOW, 256, none);
        }
        final long expireBytes = allocated() - before;

        System.out.printf(
            "allocation: lookup %d B / %d ops (%d hits), lookup+update %d B / %d ops, insert+remove %d B / %d ops," +
            " expire %d B / 1000 calls of limit 256%n",
            lookupBytes, OPS, hits, updateBytes, OPS, insertRemoveBytes, OPS / 4, expireBytes);

        assertEquals(OPS * 8 / 9, hits, OPS / 100.0);
        assertEquals(OPS, written);
        assertEquals(OPS / 4, insertRemoved);
        assertEquals(0, expired);
        assertTrue(lookupBytes < MAX_BYTES, "lookup allocated " + lookupBytes + " B");
        assertTrue(updateBytes < MAX_BYTES, "lookup+update allocated " + updateBytes + " B");
        assertTrue(insertRemoveBytes < MAX_BYTES, "insert+remove allocated " + insertRemoveBytes + " B");
        assertTrue(expireBytes < MAX_BYTES, "expire allocated " + expireBytes + " B");
    }

    @Test
    void shouldNotAllocateInTheStateMachine()
    {
        final ConnStateMachine fsm = new ConnStateMachine(new ConnTimeouts());
        final int[] flags = {TcpStateTable.TCP_SYN, TcpStateTable.TCP_ACK, 0x18, TcpStateTable.TCP_FIN | 0x10, 0x04};
        long sum = 0;
        for (int round = 0; round < 2; round++)
        {
            final long before = allocated();
            for (int i = 0; i < OPS; i++)
            {
                if ((i & 7) == 0)
                {
                    ConnStateMachine.initNewConn(entry, ConnFlags.destConnFlags(FwdMethod.DROUTE), NOW);
                }
                sum += fsm.onPacket(entry, IpProtocol.TCP, ConnStateMachine.DIR_INPUT, flags[i % flags.length], NOW + i);
            }
            final long bytes = allocated() - before;
            if (round == 1)
            {
                assertTrue(bytes < MAX_BYTES, "state machine allocated " + bytes + " B");
            }
        }
        assertTrue(sum > 0);
    }
}
