package io.jlvs.dataplane.conn;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One forwarding agent's cache of the connections it forwards, in front of the {@link ConnTable}.
 * <p>
 * The Chronicle Map table stays the table of record (persisted for a restart, listed by ipvsadm, shared by
 * agents, later synced) and receives every write it did before; the cache only saves its lookups, which cost
 * some 400 ns a hit (hashing, the segment lock, marshalling and cache misses) against a budget of tens of
 * nanoseconds a packet. Open addressing with linear probing over off-heap slots, one writer and one reader
 * (the agent), no lock, no allocation:
 * <pre>
 *   0: long tag (hash | 1; 0 = empty)     8: caddr hi, lo   24: vaddr hi, lo
 *  40: long protocol:8 af:8 cport:16 vport:16                (key: bytes 0-47, one cache line)
 *  48: int flags, state, daf, dport  64: daddr hi, lo  80: int timeout, inPkts  88: long expires
 *  96: long created  104: long lastSync  112: int destId, fwmark  120: long expires as last written back
 * </pre>
 * When no free slot is found within {@value #MAX_PROBE} of the home slot the home slot's entry is replaced:
 * a cache may forget, the table still has it.
 */
public final class FlowCache implements AutoCloseable
{
    public static final int SLOT_SIZE = 128;
    public static final int MAX_PROBE = 16;
    public static final int MIN_CAPACITY = 1024;
    public static final int MAX_CAPACITY = 1 << 22;

    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    private static final long TAG = 0;
    private static final long CADDR_HI = 8;
    private static final long CADDR_LO = 16;
    private static final long VADDR_HI = 24;
    private static final long VADDR_LO = 32;
    private static final long PORTS = 40;
    private static final long FLAGS = 48;
    private static final long STATE = 52;
    private static final long DAF = 56;
    private static final long DPORT = 60;
    private static final long DADDR_HI = 64;
    private static final long DADDR_LO = 72;
    private static final long TIMEOUT = 80;
    private static final long IN_PKTS = 84;
    private static final long EXPIRES = 88;
    private static final long CREATED = 96;
    private static final long LAST_SYNC = 104;
    private static final long DEST_ID = 112;
    private static final long FWMARK = 116;
    private static final long STORED_EXPIRES = 120;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment slots;
    private final int mask;
    private int size;
    private long evictions;

    /** @param capacity slots, rounded up to a power of two within [MIN_CAPACITY, MAX_CAPACITY]. */
    public FlowCache(final long capacity)
    {
        final int slotCount = capacityFor(capacity);
        slots = arena.allocate((long)slotCount * SLOT_SIZE, 64);
        mask = slotCount - 1;
    }

    /** The slot count a cache for a table of {@code tableCapacity} connections gets. */
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

    /** Where a key's home slot starts, for {@link #touch(long)}. */
    public long homeOffset(final ConnKey key)
    {
        return (long)((int)(tag(key) >>> 32) & mask) * SLOT_SIZE;
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
        final long tag = tag(key);
        final long packedPorts = ports(key);
        int i = (int)(tag >>> 32) & mask;
        for (int probe = 0; probe < MAX_PROBE; probe++)
        {
            final long base = (long)i * SLOT_SIZE;
            final long t = slots.get(LONG, base + TAG);
            if (t == 0)
            {
                return -1;
            }
            if (t == tag &&
                slots.get(LONG, base + PORTS) == packedPorts &&
                slots.get(LONG, base + CADDR_LO) == key.caddrLo() &&
                slots.get(LONG, base + VADDR_LO) == key.vaddrLo() &&
                slots.get(LONG, base + CADDR_HI) == key.caddrHi() &&
                slots.get(LONG, base + VADDR_HI) == key.vaddrHi())
            {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /** Copies the entry in {@code slot} out. */
    public void read(final int slot, final ConnEntry into)
    {
        final long base = (long)slot * SLOT_SIZE;
        into.flags(slots.get(INT, base + FLAGS))
            .state(slots.get(INT, base + STATE))
            .daf(slots.get(INT, base + DAF))
            .dport(slots.get(INT, base + DPORT))
            .daddr(slots.get(LONG, base + DADDR_HI), slots.get(LONG, base + DADDR_LO))
            .timeoutSec(slots.get(INT, base + TIMEOUT))
            .inPkts(slots.get(INT, base + IN_PKTS))
            .expiresMs(slots.get(LONG, base + EXPIRES))
            .createdMs(slots.get(LONG, base + CREATED))
            .lastSyncMs(slots.get(LONG, base + LAST_SYNC))
            .destId(slots.get(INT, base + DEST_ID))
            .fwmark(slots.get(INT, base + FWMARK));
    }

    /** The expiry the table of record holds for the entry in {@code slot}, as last written back. */
    public long storedExpiresMs(final int slot)
    {
        return slots.get(LONG, (long)slot * SLOT_SIZE + STORED_EXPIRES);
    }

    /** Overwrites the entry in {@code slot}; {@code storedExpiresMs} is what the table now holds. */
    public void write(final int slot, final ConnEntry e, final long storedExpiresMs)
    {
        final long base = (long)slot * SLOT_SIZE;
        slots.set(INT, base + FLAGS, e.flags());
        slots.set(INT, base + STATE, e.state());
        slots.set(INT, base + DAF, e.daf());
        slots.set(INT, base + DPORT, e.dport());
        slots.set(LONG, base + DADDR_HI, e.daddrHi());
        slots.set(LONG, base + DADDR_LO, e.daddrLo());
        slots.set(INT, base + TIMEOUT, e.timeoutSec());
        slots.set(INT, base + IN_PKTS, e.inPkts());
        slots.set(LONG, base + EXPIRES, e.expiresMs());
        slots.set(LONG, base + CREATED, e.createdMs());
        slots.set(LONG, base + LAST_SYNC, e.lastSyncMs());
        slots.set(INT, base + DEST_ID, e.destId());
        slots.set(INT, base + FWMARK, e.fwmark());
        slots.set(LONG, base + STORED_EXPIRES, storedExpiresMs);
    }

    /**
     * Puts a connection in the cache (replacing the same key's entry, or the home slot's when no slot is
     * free within the probe limit).
     *
     * @return the slot it is in.
     */
    public int put(final ConnKey key, final ConnEntry e, final long storedExpiresMs)
    {
        final long tag = tag(key);
        final int home = (int)(tag >>> 32) & mask;
        int slot = find(key);
        if (slot < 0)
        {
            slot = home;
            int i = home;
            boolean free = false;
            for (int probe = 0; probe < MAX_PROBE; probe++)
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
            else
            {
                evictions++;
            }
            final long base = (long)slot * SLOT_SIZE;
            slots.set(LONG, base + CADDR_HI, key.caddrHi());
            slots.set(LONG, base + CADDR_LO, key.caddrLo());
            slots.set(LONG, base + VADDR_HI, key.vaddrHi());
            slots.set(LONG, base + VADDR_LO, key.vaddrLo());
            slots.set(LONG, base + PORTS, ports(key));
            slots.set(LONG, base + TAG, tag);
        }
        write(slot, e, storedExpiresMs);
        return slot;
    }

    /** Forgets a connection; returns whether it was cached. */
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
        int hole = slot;
        int j = slot;
        while (true)
        {
            j = (j + 1) & mask;
            final long jBase = (long)j * SLOT_SIZE;
            final long t = slots.get(LONG, jBase + TAG);
            if (t == 0)
            {
                break;
            }
            final int home = (int)(t >>> 32) & mask;
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                MemorySegment.copy(slots, jBase, slots, (long)hole * SLOT_SIZE, SLOT_SIZE);
                hole = j;
            }
        }
        slots.set(LONG, (long)hole * SLOT_SIZE + TAG, 0L);
        size--;
    }

    /** Forgets everything (a new table, or a restart of the agent's state). */
    public void clear()
    {
        slots.fill((byte)0);
        size = 0;
    }

    private static long ports(final ConnKey key)
    {
        return ((long)key.protocol() << 56) | ((long)key.af() << 48) | ((long)key.cport() << 32) |
            ((long)key.vport() << 16);
    }

    private static long tag(final ConnKey key)
    {
        long h = key.caddrLo() * 0x9E3779B97F4A7C15L;
        h ^= key.caddrHi() * 0xC2B2AE3D27D4EB4FL;
        h = Long.rotateLeft(h, 31) ^ key.vaddrLo() * 0x165667B19E3779F9L;
        h ^= key.vaddrHi() * 0x27D4EB2F165667C5L;
        h = Long.rotateLeft(h, 27) ^ ports(key) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h | 1L;
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
