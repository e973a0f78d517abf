package io.jlvs.dataplane.conn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One forwarding agent's cache of the connections it forwards, in front of the {@link ConnTable}.
 * <p>
 * The Chronicle Map table stays the table of record (persisted for a restart, listed by ipvsadm, shared by
 * agents, later synced) and receives every write it did before; the cache only saves its lookups, which cost
 * some 400 ns a hit (hashing, the segment lock, marshalling and cache misses) against a budget of tens of
 * nanoseconds a packet. Open addressing with linear probing over off-heap slots, one writer and one reader
 * (the agent), no lock, no allocation. A slot holds the key and the entry in their stored layouts
 * ({@link ConnKeyDescriptor}, {@link ConnEntryDescriptor}):
 * <pre>
 *    0: long tag (hash | 1; 0 = empty)
 *    8: key, 40 bytes                  (with the tag: the first cache line, what a probe reads)
 *   48: entry, 64 bytes                (a reply-direction slot holds the connection's own key here)
 *  112: long expires as last written back to the table; {@link #PENDING}: not in the table;
 *       {@link #REF}: a reply-direction slot
 * </pre>
 * A NAT connection's reply direction has a slot of its own, keyed by {@link ConnKey#setOut}, that points at the
 * connection's key ({@link #putRef}, {@link #readRef}).
 * <p>
 * When no free slot is found within {@value #MAX_PROBE} of the home slot the home slot's entry is replaced: a cache
 * may forget what the table still has, never a {@link #PENDING} entry, which it alone holds (then the new key is not
 * cached). At {@link #MAX_LOAD_PERCENT} % full it takes no more keys, only replaces (or, if
 * the home slot is free, does not cache the key at all): free slots end every probe and every backward shift of
 * {@link #removeSlot}.
 * <p>
 * One other thread may read the pending entries ({@link #forEachPending}, for {@code ipvsadm -L -c}): a slot's tag is
 * published after its key and entry, and a backward shift is bracketed by a sequence count ({@link #moves}, odd while
 * entries move), so a reader skips what it caught half-written. Neither costs an instruction on x86 beyond the
 * count's two stores per removal: the fences only keep the compiler's order.
 */
public final class FlowCache implements AutoCloseable
{
    public static final int SLOT_SIZE = 128;
    /**
     * Slots a lookup probes. At half load (a full table's DR connections) 16 left some new connections without a slot,
     * written to Chronicle at once (3 % of the newconn phase's samples, JFR).
     */
    public static final int MAX_PROBE = 32;
    public static final int MIN_CAPACITY = 1024;
    /** 2 GiB of slots: twice a table of 8M connections, so that it holds all of a full table's. */
    public static final int MAX_CAPACITY = 1 << 24;
    /** Most slots in use, in percent: beyond it a new key replaces its home slot's. */
    public static final int MAX_LOAD_PERCENT = 90;
    /** Home slots per block of {@link #mayHaveForgotten}'s counts. */
    public static final int BLOCK_SLOTS = 64;
    /** The stored expiry of an entry the table of record does not hold yet ({@link AgentConnTable#admit}). */
    public static final long PENDING = 0;
    /** The stored expiry of a reply-direction slot. */
    public static final long REF = -1;
    private static final int READ_ATTEMPTS = 8;

    private static final ValueLayout.OfLong LONG = ConnKeyDescriptor.U64;
    private static final long TAG = 0;
    private static final long KEY = 8;
    private static final long ENTRY = KEY + ConnKeyDescriptor.LENGTH;
    private static final long EXPIRES = ENTRY + ConnEntryDescriptor.EXPIRES_OFFSET;
    private static final long STORED_EXPIRES = ENTRY + ConnEntryDescriptor.LENGTH;

    static
    {
        if (STORED_EXPIRES + Long.BYTES > SLOT_SIZE)
        {
            throw new IllegalStateException("a flow cache slot does not hold a key and an entry");
        }
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment slots;
    private final int mask;
    private final int maxSize;
    private int size;
    private long evictions;
    /**
     * Per block of {@value #BLOCK_SLOTS} home slots, the connections whose home is in it that the owner's table holds
     * and this cache does not ({@link #forgot}): a miss whose block counts none is an answer.
     */
    private final int[] forgotten;
    /** Per block of {@value #BLOCK_SLOTS} home slots, the {@link #PENDING} entries whose home is in it. */
    private final int[] pendingByBlock;
    /** Backward shifts begun and ended: odd while one is under way (a sequence lock for {@link #forEachPending}). */
    private final AtomicLong moves = new AtomicLong();

    /** @param capacity slots, rounded up to a power of two within [MIN_CAPACITY, MAX_CAPACITY]. */
    public FlowCache(final long capacity)
    {
        final int slotCount = capacityFor(capacity);
        slots = arena.allocate((long)slotCount * SLOT_SIZE, 64);
        mask = slotCount - 1;
        maxSize = (int)((long)slotCount * MAX_LOAD_PERCENT / 100);
        forgotten = new int[Math.max(1, slotCount / BLOCK_SLOTS)];
        pendingByBlock = new int[forgotten.length];
    }

    /**
     * An agent's cache for its table of {@code tableCapacity} connections: twice as many slots, so that a full table's
     * DR connections all fit below the load cap (a NAT connection takes two). A cache of the table's size held 90 % of
     * a full table: at 1M flows a tenth of the lookups went to Chronicle, and DR fell from 2.25 to 1.15 Mpps
     * (perf/RESULTS.md).
     */
    public static FlowCache forTable(final long tableCapacity)
    {
        return new FlowCache(slotsForTable(tableCapacity));
    }

    /** The slot count {@link #forTable} gives. */
    public static int slotsForTable(final long tableCapacity)
    {
        return capacityFor(2 * tableCapacity);
    }

    /** The slot count a cache asked for {@code tableCapacity} slots gets. */
    public static int capacityFor(final long tableCapacity)
    {
        final long clamped = Math.max(MIN_CAPACITY, Math.min(MAX_CAPACITY, tableCapacity));
        return (int)Long.highestOneBit(clamped - 1) << 1;
    }

    public int capacity()
    {
        return mask + 1;
    }

    public int size()
    {
        return size;
    }

    /** Entries forgotten to make room (they are still in the table of record). */
    public long evictions()
    {
        return evictions;
    }

    /** The owner's table holds a connection with this tag that the cache does not (evicted, never cached, restored). */
    public void forgot(final long tag)
    {
        forgotten[block(tag)]++;
    }

    /** A connection {@link #forgot} is cached again, or gone from the owner's table. */
    public void recalled(final long tag)
    {
        forgotten[block(tag)]--;
    }

    /** Whether a key with this tag that the cache lacks may be in the owner's table. */
    public boolean mayHaveForgotten(final long tag)
    {
        return forgotten[block(tag)] > 0;
    }

    /** The key's hash as the cache files it (never 0): computed once per packet, passed to the other calls. */
    public static long tagOf(final ConnKey key)
    {
        long h = key.word(0) * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h, 31) ^ key.word(1) * 0xC2B2AE3D27D4EB4FL;
        h = Long.rotateLeft(h, 27) ^ key.word(2) * 0x165667B19E3779F9L;
        h = Long.rotateLeft(h, 31) ^ key.word(3) * 0x27D4EB2F165667C5L;
        h = Long.rotateLeft(h, 27) ^ key.word(4) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h | 1L;
    }

    /** Where the home slot of a key with this tag starts, for {@link #touch(long)}. */
    public long homeOffset(final long tag)
    {
        return (long)home(tag) * SLOT_SIZE;
    }

    /**
     * Reads a slot's two cache lines without looking at them, so that a burst's misses can be issued back to
     * back and overlap before the burst is processed: Java has no prefetch instruction, but independent loads
     * in a tight loop give the same memory-level parallelism. The caller keeps the result, so the loads are
     * not optimised away.
     */
    public long touch(final long offset)
    {
        return slots.get(LONG, offset + TAG) + slots.get(LONG, offset + EXPIRES);
    }

    /** The slot holding this key, or -1. */
    public int find(final ConnKey key)
    {
        return find(key, tagOf(key));
    }

    /** The slot holding this key, whose {@link #tagOf} is {@code tag}, or -1. */
    public int find(final ConnKey key, final long tag)
    {
        int i = home(tag);
        for (int probe = 0; probe < MAX_PROBE; probe++)
        {
            final long base = (long)i * SLOT_SIZE;
            final long t = slots.get(LONG, base + TAG);
            if (t == 0)
            {
                return -1;
            }
            if (t == tag && sameKey(base, key))
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private boolean sameKey(final long base, final ConnKey key)
    {
        final long k = base + KEY;
        return slots.get(LONG, k) == key.word(0) &&
            slots.get(LONG, k + 16) == key.word(2) &&
            slots.get(LONG, k + 32) == key.word(4) &&
            slots.get(LONG, k + 8) == key.word(1) &&
            slots.get(LONG, k + 24) == key.word(3);
    }

    /** Copies the entry in {@code slot} out. */
    public void read(final int slot, final ConnEntry into)
    {
        into.readFrom(slots, (long)slot * SLOT_SIZE + ENTRY);
    }

    /** The expiry the table of record holds for the entry in {@code slot}, as last written back. */
    public long storedExpiresMs(final int slot)
    {
        return slots.get(LONG, (long)slot * SLOT_SIZE + STORED_EXPIRES);
    }

    /**
     * Overwrites the entry in {@code slot}; {@code storedExpiresMs} is what the table now holds ({@link #PENDING}: it
     * holds none). An entry leaving {@link #PENDING} is marked so before it is rewritten, so that
     * {@link #forEachPending}'s reader, which checks the mark after reading, never takes a half-written one.
     */
    public void write(final int slot, final ConnEntry e, final long storedExpiresMs)
    {
        final long base = (long)slot * SLOT_SIZE;
        final long was = slots.get(LONG, base + STORED_EXPIRES);
        if (PENDING == was && PENDING != storedExpiresMs)
        {
            slots.set(LONG, base + STORED_EXPIRES, storedExpiresMs);
            VarHandle.storeStoreFence();
            e.writeTo(slots, base + ENTRY);
            pendingByBlock[block(slots.get(LONG, base + TAG))]--;
            return;
        }
        e.writeTo(slots, base + ENTRY);
        slots.set(LONG, base + STORED_EXPIRES, storedExpiresMs);
    }

    /**
     * Puts a connection in the cache (replacing the same key's entry, or the home slot's when no slot is
     * free within the probe limit).
     *
     * @return the slot it is in, or -1 when the cache is at its load cap and the key's home slot is free (not cached).
     */
    public int put(final ConnKey key, final long tag, final ConnEntry e, final long storedExpiresMs)
    {
        final int slot = claim(key, tag);
        if (slot >= 0)
        {
            final boolean wasPending = PENDING == slots.get(LONG, (long)slot * SLOT_SIZE + STORED_EXPIRES);
            write(slot, e, storedExpiresMs);
            if (PENDING == storedExpiresMs && !wasPending)
            {
                pendingByBlock[block(tag)]++;
            }
            publish(slot, tag);
        }
        return slot;
    }

    /** {@link #put(ConnKey, long, ConnEntry, long)} computing the tag. */
    public int put(final ConnKey key, final ConnEntry e, final long storedExpiresMs)
    {
        return put(key, tagOf(key), e, storedExpiresMs);
    }

    /** Caches a reply-direction key pointing at its connection's own key; returns its slot, or -1 as {@link #put}. */
    public int putRef(final ConnKey outKey, final long tag, final ConnKey inKey)
    {
        final int slot = claim(outKey, tag);
        if (slot >= 0)
        {
            inKey.writeTo(slots, (long)slot * SLOT_SIZE + ENTRY);
            slots.set(LONG, (long)slot * SLOT_SIZE + STORED_EXPIRES, REF);
            publish(slot, tag);
        }
        return slot;
    }

    /** Whether {@code slot} holds a connection that the table of record does not hold yet. */
    public boolean isPending(final int slot)
    {
        final long base = (long)slot * SLOT_SIZE;
        return slots.get(LONG, base + TAG) != 0 && slots.get(LONG, base + STORED_EXPIRES) == PENDING;
    }

    /** Copies out the key of the connection in {@code slot}. */
    public void readKey(final int slot, final ConnKey into)
    {
        into.readFrom(slots, (long)slot * SLOT_SIZE + KEY);
    }

    /** Copies out the connection key a reply-direction slot points at. */
    public void readRef(final int slot, final ConnKey inKey)
    {
        inKey.readFrom(slots, (long)slot * SLOT_SIZE + ENTRY);
    }

    private int claim(final ConnKey key, final long tag)
    {
        int slot = find(key, tag);
        if (slot >= 0)
        {
            return slot;
        }
        slot = home(tag);
        int i = slot;
        boolean free = false;
        for (int probe = 0; probe < MAX_PROBE && size < maxSize; probe++)
        {
            if (slots.get(LONG, (long)i * SLOT_SIZE + TAG) == 0)
            {
                slot = i;
                free = true;
                break;
            }
            i = (i + 1) & mask;
        }
        if (free)
        {
            size++;
        }
        else if (slots.get(LONG, (long)slot * SLOT_SIZE + TAG) == 0)
        {
            return -1; // at the load cap with the home slot free: taking it would pass the cap
        }
        else if (isPending(slot))
        {
            return -1; // the only copy of its connection
        }
        else
        {
            evictions++;
            if (slots.get(LONG, (long)slot * SLOT_SIZE + STORED_EXPIRES) != REF)
            {
                forgot(slots.get(LONG, (long)slot * SLOT_SIZE + TAG));
            }
        }
        final long base = (long)slot * SLOT_SIZE;
        key.writeTo(slots, base + KEY);
        slots.set(LONG, base + STORED_EXPIRES, REF); // nothing pending here until put says so
        return slot; // its tag is written last, by publish
    }

    /** Writes a claimed slot's tag after its key and entry, for {@link #forEachPending}'s reader. */
    private void publish(final int slot, final long tag)
    {
        VarHandle.releaseFence();
        slots.set(LONG, (long)slot * SLOT_SIZE + TAG, tag);
    }

    /** Forgets a connection (or a reply-direction key); returns whether it was cached. */
    public boolean remove(final ConnKey key)
    {
        final int slot = find(key);
        if (slot < 0)
        {
            return false;
        }
        removeSlot(slot);
        return true;
    }

    /**
     * Empties a slot by backward shift, so every remaining key stays reachable from its home slot without
     * tombstones: each following entry moves into the hole when the hole lies between its home and itself.
     */
    public void removeSlot(final int slot)
    {
        if (isPending(slot))
        {
            pendingByBlock[block(slots.get(LONG, (long)slot * SLOT_SIZE + TAG))]--;
        }
        final long move = moves.get();
        moves.lazySet(move + 1);
        VarHandle.storeStoreFence();
        int hole = slot;
        int j = slot;
        for (int step = 0; step < mask; step++) // ends at a free slot: the load cap keeps some
        {
            j = (j + 1) & mask;
            final long jBase = (long)j * SLOT_SIZE;
            final long t = slots.get(LONG, jBase + TAG);
            if (t == 0)
            {
                break;
            }
            final int home = home(t);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                MemorySegment.copy(slots, jBase, slots, (long)hole * SLOT_SIZE, SLOT_SIZE);
                hole = j;
            }
        }
        slots.set(LONG, (long)hole * SLOT_SIZE + TAG, 0L);
        size--;
        moves.lazySet(move + 2);
    }

    /**
     * Visits the {@link #PENDING} connections from a thread other than the owner's, for a listing: a walk, not a
     * snapshot (as {@code /proc/net/ip_vs_conn} is), so an entry that a removal moves back past the walk is missed, and
     * one moved ahead of it may be seen twice. Blocks without pending entries are skipped; a slot caught mid-write is
     * read again, at most {@value #READ_ATTEMPTS} times. A cache closed meanwhile ends the walk.
     *
     * @return the number visited.
     */
    public long forEachPending(final ConnKey key, final ConnEntry entry, final ConnVisitor visitor)
    {
        long n = 0;
        for (int block = 0; block < pendingByBlock.length; block++)
        {
            if (0 == pendingByBlock[block]) // racy, as the walk is
            {
                continue;
            }
            for (int i = 0, at = block * BLOCK_SLOTS; i < BLOCK_SLOTS + MAX_PROBE; i++, at = (at + 1) & mask)
            {
                final int read;
                try
                {
                    read = readPending(at, block, key, entry);
                }
                catch (final IllegalStateException closed)
                {
                    return n; // the agent released the cache
                }
                if (read > 0)
                {
                    n++;
                    if (!visitor.onConn(key, entry))
                    {
                        return n;
                    }
                }
            }
        }
        return n;
    }

    /**
     * From the one other thread ({@code ipvsadm -L -c}): the cache's copy of {@code key}'s entry, which is ahead of the
     * table's (the owner writes its expiry back only every so often), into {@code into}. The owner changes a live
     * entry's state and expiry in place, so those two may be a packet apart from each other; everything else of it is
     * fixed while it lives.
     *
     * @return true when read, false when the cache has no entry for the key (or it kept moving under the read)
     */
    public boolean readCached(final ConnKey key, final ConnEntry into)
    {
        final long tag = tagOf(key);
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++)
        {
            final long move = moves.get();
            if ((move & 1) != 0)
            {
                Thread.onSpinWait();
                continue;
            }
            int i = home(tag);
            boolean torn = false;
            for (int probe = 0; probe < MAX_PROBE; probe++)
            {
                final long base = (long)i * SLOT_SIZE;
                final long t = slots.get(LONG, base + TAG);
                VarHandle.acquireFence();
                if (0 == t)
                {
                    break;
                }
                if (t == tag && sameKey(base, key) && REF != slots.get(LONG, base + STORED_EXPIRES))
                {
                    into.readFrom(slots, base + ENTRY);
                    VarHandle.acquireFence();
                    if (t == slots.get(LONG, base + TAG) && move == moves.get() && sameKey(base, key))
                    {
                        return true;
                    }
                    torn = true;
                    break;
                }
                i = (i + 1) & mask;
            }
            if (!torn && move == moves.get())
            {
                return false;
            }
        }
        return false;
    }

    /** Reads the pending entry in {@code slot} whose home is in {@code block}: 1 if read whole, 0 if there is none. */
    private int readPending(final int slot, final int block, final ConnKey key, final ConnEntry entry)
    {
        final long base = (long)slot * SLOT_SIZE;
        for (int attempt = 0; attempt < READ_ATTEMPTS; attempt++)
        {
            final long move = moves.get();
            if ((move & 1) != 0)
            {
                Thread.onSpinWait();
                continue;
            }
            final long tag = slots.get(LONG, base + TAG);
            VarHandle.acquireFence();
            if (0 == tag || PENDING != slots.get(LONG, base + STORED_EXPIRES) || block(tag) != block)
            {
                if (move == moves.get())
                {
                    return 0;
                }
                continue;
            }
            key.readFrom(slots, base + KEY);
            entry.readFrom(slots, base + ENTRY);
            VarHandle.acquireFence();
            if (tag == slots.get(LONG, base + TAG) && PENDING == slots.get(LONG, base + STORED_EXPIRES) &&
                move == moves.get() && tag == tagOf(key))
            {
                return 1;
            }
        }
        return 0;
    }

    /** Blocks of {@value #BLOCK_SLOTS} home slots, the unit of {@link #pendingIn}. */
    public int blocks()
    {
        return pendingByBlock.length;
    }

    /** Pending entries whose home slot is in {@code block}. */
    public int pendingIn(final int block)
    {
        return pendingByBlock[block];
    }

    /** Whether {@code slot} holds a pending entry whose home slot is in {@code block}. */
    public boolean isPendingOf(final int slot, final int block)
    {
        return isPending(slot) && block(slots.get(LONG, (long)slot * SLOT_SIZE + TAG)) == block;
    }

    private int block(final long tag)
    {
        return home(tag) / BLOCK_SLOTS;
    }

    /** Forgets everything (a new table, or a restart of the agent's state). */
    public void clear()
    {
        slots.fill((byte)0);
        java.util.Arrays.fill(forgotten, 0);
        java.util.Arrays.fill(pendingByBlock, 0);
        size = 0;
    }

    private int home(final long tag)
    {
        return (int)(tag >>> 32) & mask;
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
