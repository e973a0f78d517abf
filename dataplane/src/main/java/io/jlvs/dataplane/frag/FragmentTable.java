package io.jlvs.dataplane.frag;

import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.proto.PacketView;

import java.util.Arrays;

/**
 * The datagrams whose fragments an agent is passing, keyed as the kernel's {@code ipq} is (source, destination,
 * id, protocol; and family): bounded, set-associative (a key hashes to a set of {@value #WAYS} slots, no probing
 * beyond it), with a timeout ({@value #DEFAULT_TIMEOUT_MS} ms, Linux's {@code ipfrag_time}). Per datagram it keeps
 * what either role of {@link Fragments} needs:
 * <ul>
 * <li>the gathering agent's: which agent owns the datagram's connection once its first fragment has told, the
 *     fragments held until then (at most {@value #HELD}), and the byte ranges seen, so an overlapping or oversized
 *     fragment is caught and the datagram's end is known; at most {@value #HELD_BUDGET} buffers held in all, so
 *     lone fragments cannot take the port's buffer pool (Linux bounds its reassembly memory the same way,
 *     {@code ipfrag_high_thresh});</li>
 * <li>the owning agent's: the connection's key (its own direction) that the first fragment found.</li>
 * </ul>
 * One agent's; nothing allocates after construction.
 */
public final class FragmentTable
{
    public static final int WAYS = 4;
    public static final int HELD = 16;
    /** Most buffers held in all datagrams of one table: a part of an agent's share of the pool. */
    public static final int HELD_BUDGET = 512;
    /** Most fragments of one datagram: 64 KiB in 576-byte packets takes 118. */
    public static final int MAX_FRAGMENTS = 128;
    public static final long DEFAULT_TIMEOUT_MS = 30_000;
    /** The largest datagram payload: an IPv4 total length or IPv6 payload length is 16 bits. */
    public static final int MAX_DATAGRAM = 65_535;

    private static final int WORDS = 5;

    private final int sets;
    private final long timeoutMs;
    private final long[] keys;
    private final boolean[] used;
    private final long[] expiresMs;
    private final int[] owner;
    private final boolean[] ownerKnown;
    private final boolean[] bad;
    private final int[] heldCount;
    private final long[] held;
    private final int[] rangeCount;
    private final int[] ranges;
    private final int[] seenBytes;
    private final int[] totalBytes;
    private final ConnKey[] connKeys;
    private final boolean[] connKnown;
    private final int[] route;
    private int size;
    private int sweepCursor;
    private int heldTotal;

    /**
     * @param datagrams most datagrams in passage at once (rounded up to a multiple of {@value #WAYS}).
     */
    public FragmentTable(final int datagrams, final long timeoutMs)
    {
        if (datagrams < WAYS)
        {
            throw new IllegalArgumentException("datagrams must be at least " + WAYS + ": " + datagrams);
        }
        this.sets = (datagrams + WAYS - 1) / WAYS;
        this.timeoutMs = timeoutMs;
        final int slots = sets * WAYS;
        keys = new long[slots * WORDS];
        used = new boolean[slots];
        expiresMs = new long[slots];
        owner = new int[slots];
        ownerKnown = new boolean[slots];
        bad = new boolean[slots];
        heldCount = new int[slots];
        held = new long[slots * HELD];
        rangeCount = new int[slots];
        ranges = new int[slots * MAX_FRAGMENTS * 2];
        seenBytes = new int[slots];
        totalBytes = new int[slots];
        connKeys = new ConnKey[slots];
        connKnown = new boolean[slots];
        route = new int[slots];
        for (int i = 0; i < slots; i++)
        {
            connKeys[i] = new ConnKey();
        }
    }

    public FragmentTable(final int datagrams)
    {
        this(datagrams, DEFAULT_TIMEOUT_MS);
    }

    /** Slots in all: the most datagrams held at once. */
    public int capacity()
    {
        return used.length;
    }

    public int size()
    {
        return size;
    }

    private static long word0(final PacketView v)
    {
        return ((long)v.af << 56) | ((long)v.fragmentProtocol << 48) | (v.fragmentId & 0xFFFF_FFFFL);
    }

    private int setOf(final long w0, final PacketView v)
    {
        long h = w0 * 0x9E3779B97F4A7C15L;
        h = Long.rotateLeft(h, 31) ^ v.saddrHi * 0xC2B2AE3D27D4EB4FL;
        h = Long.rotateLeft(h, 27) ^ v.saddrLo * 0x165667B19E3779F9L;
        h = Long.rotateLeft(h, 31) ^ v.daddrHi * 0x27D4EB2F165667C5L;
        h = Long.rotateLeft(h, 27) ^ v.daddrLo * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        return (int)(((h & 0xFFFF_FFFFL) * sets) >>> 32);
    }

    /** The agent that gathers a datagram's fragments among {@code agents}: a hash of what every fragment carries. */
    public static int gatherer(final PacketView v, final int agents)
    {
        if (agents == 1)
        {
            return 0;
        }
        long h = (word0(v) ^ v.saddrHi ^ Long.rotateLeft(v.saddrLo, 21) ^ Long.rotateLeft(v.daddrLo, 42) ^
            v.daddrHi) * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return (int)(((h & 0xFFFF_FFFFL) * agents) >>> 32);
    }

    /** The slot of the fragment's datagram, or -1 (an expired one counts as gone: see {@link #sweep}). */
    public int find(final PacketView v, final long nowMs)
    {
        final long w0 = word0(v);
        final int base = setOf(w0, v) * WAYS;
        for (int i = base; i < base + WAYS; i++)
        {
            final int k = i * WORDS;
            if (used[i] && keys[k] == w0 && keys[k + 1] == v.saddrHi && keys[k + 2] == v.saddrLo &&
                keys[k + 3] == v.daddrHi && keys[k + 4] == v.daddrLo)
            {
                return nowMs < expiresMs[i] ? i : -1;
            }
        }
        return -1;
    }

    /**
     * The slot of the fragment's datagram, made if need be.
     *
     * @return -1 when the datagram is new and its set is full of live ones.
     */
    public int findOrAdd(final PacketView v, final long nowMs)
    {
        final long w0 = word0(v);
        final int base = setOf(w0, v) * WAYS;
        int free = -1;
        for (int i = base; i < base + WAYS; i++)
        {
            final int k = i * WORDS;
            if (used[i] && keys[k] == w0 && keys[k + 1] == v.saddrHi && keys[k + 2] == v.saddrLo &&
                keys[k + 3] == v.daddrHi && keys[k + 4] == v.daddrLo)
            {
                if (nowMs < expiresMs[i])
                {
                    return i;
                }
                return -1; // its time is up: the sweep frees what it held before the key is used again
            }
            if (!used[i] && free < 0)
            {
                free = i;
            }
        }
        if (free < 0)
        {
            return -1;
        }
        final int k = free * WORDS;
        keys[k] = w0;
        keys[k + 1] = v.saddrHi;
        keys[k + 2] = v.saddrLo;
        keys[k + 3] = v.daddrHi;
        keys[k + 4] = v.daddrLo;
        used[free] = true;
        expiresMs[free] = nowMs + timeoutMs;
        owner[free] = -1;
        ownerKnown[free] = false;
        bad[free] = false;
        heldCount[free] = 0;
        rangeCount[free] = 0;
        seenBytes[free] = 0;
        totalBytes[free] = -1;
        connKnown[free] = false;
        route[free] = 0;
        size++;
        return free;
    }

    /** What {@link #addRange} found. */
    public static final int RANGE_OK = 0;
    public static final int RANGE_OVERLAP = 1;
    public static final int RANGE_OVERSIZED = 2;
    public static final int RANGE_TOO_MANY = 3;

    /**
     * Records that a fragment covers {@code [offset, offset + length)} of the payload, the last one if not
     * {@code more}.
     *
     * @return {@link #RANGE_OK}, or why the fragment is refused (its datagram is then {@link #bad}).
     */
    public int addRange(final int slot, final int offset, final int length, final boolean more)
    {
        final int end = offset + length;
        if (end > MAX_DATAGRAM || (more && (length & 7) != 0) || (!more && totalBytes[slot] >= 0) ||
            (totalBytes[slot] >= 0 && end > totalBytes[slot]) || (!more && end < maxEnd(slot)))
        {
            bad[slot] = true;
            return RANGE_OVERSIZED;
        }
        final int n = rangeCount[slot];
        final int at = slot * MAX_FRAGMENTS * 2;
        for (int i = 0; i < n; i++)
        {
            if (offset < ranges[at + 2 * i + 1] && ranges[at + 2 * i] < end)
            {
                bad[slot] = true;
                return RANGE_OVERLAP;
            }
        }
        if (n == MAX_FRAGMENTS)
        {
            bad[slot] = true;
            return RANGE_TOO_MANY;
        }
        ranges[at + 2 * n] = offset;
        ranges[at + 2 * n + 1] = end;
        rangeCount[slot] = n + 1;
        seenBytes[slot] += length;
        if (!more)
        {
            totalBytes[slot] = end;
        }
        return RANGE_OK;
    }

    private int maxEnd(final int slot)
    {
        int max = 0;
        final int at = slot * MAX_FRAGMENTS * 2;
        for (int i = 0; i < rangeCount[slot]; i++)
        {
            max = Math.max(max, ranges[at + 2 * i + 1]);
        }
        return max;
    }

    /** Counts a fragment's bytes without range checks (the owning agent's side: the gatherer checked). */
    public void addBytes(final int slot, final int length, final boolean more, final int offset)
    {
        seenBytes[slot] += length;
        if (!more)
        {
            totalBytes[slot] = offset + length;
        }
    }

    /** True once every byte up to the last fragment's end has passed. */
    public boolean isComplete(final int slot)
    {
        return totalBytes[slot] >= 0 && seenBytes[slot] >= totalBytes[slot];
    }

    public boolean isBad(final int slot)
    {
        return bad[slot];
    }

    public boolean ownerKnown(final int slot)
    {
        return ownerKnown[slot];
    }

    public int owner(final int slot)
    {
        return owner[slot];
    }

    public void owner(final int slot, final int agent)
    {
        owner[slot] = agent;
        ownerKnown[slot] = true;
    }

    /** Holds a fragment's buffer until the owner is known; false when the datagram's or the table's hold is full. */
    public boolean hold(final int slot, final long handle)
    {
        final int n = heldCount[slot];
        if (n == HELD || heldTotal == HELD_BUDGET)
        {
            return false;
        }
        held[slot * HELD + n] = handle;
        heldCount[slot] = n + 1;
        heldTotal++;
        return true;
    }

    /** Buffers held in all datagrams. */
    public int heldTotal()
    {
        return heldTotal;
    }

    public int heldCount(final int slot)
    {
        return heldCount[slot];
    }

    /** The {@code i}th held buffer, in arrival order. */
    public long held(final int slot, final int i)
    {
        return held[slot * HELD + i];
    }

    /** Forgets the held buffers (the caller has sent or freed them). */
    public void clearHeld(final int slot)
    {
        heldTotal -= heldCount[slot];
        heldCount[slot] = 0;
    }

    /** Records the connection the first fragment belongs to: its own key, and the route it took. */
    public void conn(final int slot, final ConnKey key, final int route)
    {
        connKeys[slot].copyFrom(key);
        connKnown[slot] = true;
        this.route[slot] = route;
    }

    public boolean connKnown(final int slot)
    {
        return connKnown[slot];
    }

    public ConnKey connKey(final int slot)
    {
        return connKeys[slot];
    }

    public int route(final int slot)
    {
        return route[slot];
    }

    public void remove(final int slot)
    {
        if (used[slot])
        {
            used[slot] = false;
            heldTotal -= heldCount[slot];
            heldCount[slot] = 0;
            size--;
        }
    }

    /** Told of each buffer an expired datagram still held. */
    @FunctionalInterface
    public interface HeldHandler
    {
        void onExpired(long handle);
    }

    /**
     * Frees up to {@code limit} slots' worth of expired datagrams, continuing where the last call stopped; hands
     * each buffer they held to {@code handler}.
     *
     * @return the datagrams removed.
     */
    public int sweep(final long nowMs, final int limit, final HeldHandler handler)
    {
        int removed = 0;
        final int slots = used.length;
        for (int n = 0; n < limit && n < slots; n++)
        {
            final int i = sweepCursor;
            sweepCursor = i + 1 == slots ? 0 : i + 1;
            if (used[i] && nowMs >= expiresMs[i])
            {
                for (int h = 0; h < heldCount[i]; h++)
                {
                    handler.onExpired(held[i * HELD + h]);
                }
                remove(i);
                removed++;
            }
        }
        return removed;
    }

    /** Empties the table, handing every held buffer to {@code handler}. */
    public void clear(final HeldHandler handler)
    {
        for (int i = 0; i < used.length; i++)
        {
            if (used[i])
            {
                for (int h = 0; h < heldCount[i]; h++)
                {
                    handler.onExpired(held[i * HELD + h]);
                }
                remove(i);
            }
        }
        Arrays.fill(expiresMs, 0);
    }
}
