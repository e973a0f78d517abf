package io.jlvs.dataplane.arp;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;

/**
 * Neighbours (real servers, gateway, clients of NAT replies) learned from ARP (IPv4) and neighbour discovery
 * (IPv6, {@code *6} methods, the same entries and times): address to MAC, with the time each was last
 * confirmed. An entry older than {@code staleMs} is still used but is due for a new request; one not
 * confirmed for {@code expireMs} is forgotten. Owned by one agent; allocation only when an address is
 * first learned, never on lookup.
 */
public final class NeighbourTable
{
    /** MAC value meaning "not known". */
    public static final long UNKNOWN = 0L;

    private final Int2ObjectHashMap<Entry> entries = new Int2ObjectHashMap<>();
    private final IntArrayList scratch = new IntArrayList();
    /** IPv6 neighbours: open addressing, linear probing, kept at most half full; grows only when one is added. */
    private long[] keysHi = new long[64];
    private long[] keysLo = new long[64];
    private Entry[] entries6 = new Entry[64];
    private int size6;
    private final long staleMs;
    private final long expireMs;
    private final long requestIntervalMs;

    /**
     * @param staleMs           age after which a confirmed entry is refreshed by a new request.
     * @param expireMs          age after which an unconfirmed entry is removed.
     * @param requestIntervalMs least time between two requests for one address.
     */
    public NeighbourTable(final long staleMs, final long expireMs, final long requestIntervalMs)
    {
        this.staleMs = staleMs;
        this.expireMs = expireMs;
        this.requestIntervalMs = requestIntervalMs;
    }

    /** Linux-like defaults: refresh after 60 s, forget after 5 min, at most one request a second. */
    public NeighbourTable()
    {
        this(60_000, 300_000, 1_000);
    }

    /** The MAC for an address, or {@link #UNKNOWN}. */
    public long lookup(final int ipv4)
    {
        final Entry n = entries.get(ipv4);
        return null == n ? UNKNOWN : n.mac;
    }

    /**
     * The entry for an address, or null: a caller that sends to the same next hop packet after packet keeps it (a
     * real server's, in its {@code Dest}) and reads its MAC without hashing, until {@link Entry#isLive()} says the
     * table dropped it. Never allocates.
     */
    public Entry entry(final int ipv4)
    {
        return entries.get(ipv4);
    }

    /** Records or refreshes a mapping seen in an ARP packet. */
    public void learn(final int ipv4, final long mac, final long nowMs)
    {
        Entry n = entries.get(ipv4);
        if (null == n)
        {
            n = new Entry();
            entries.put(ipv4, n);
        }
        n.mac = mac;
        n.confirmedMs = nowMs;
    }

    public boolean contains(final int ipv4)
    {
        return entries.containsKey(ipv4);
    }

    /**
     * Whether a request for this address should go out now: unknown or stale, and none sent within the
     * request interval. Records the request time when it answers true.
     */
    public boolean shouldRequest(final int ipv4, final long nowMs)
    {
        Entry n = entries.get(ipv4);
        if (null == n)
        {
            n = new Entry();
            entries.put(ipv4, n);
        }
        else if (n.mac != UNKNOWN && nowMs - n.confirmedMs < staleMs)
        {
            return false;
        }
        if (nowMs - n.requestedMs < requestIntervalMs)
        {
            return false;
        }
        n.requestedMs = nowMs;
        return true;
    }

    private int slot6(final long hi, final long lo)
    {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ (lo * 0xC2B2AE3D27D4EB4FL);
        h ^= h >>> 29;
        final int mask = entries6.length - 1;
        int i = (int)h & mask;
        while (null != entries6[i] && (keysHi[i] != hi || keysLo[i] != lo))
        {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** The IPv6 neighbour's entry, or null; never allocates. */
    public Entry entry6(final long hi, final long lo)
    {
        return entries6[slot6(hi, lo)];
    }

    /** The MAC for an IPv6 address, or {@link #UNKNOWN}. */
    public long lookup6(final long hi, final long lo)
    {
        final Entry n = entries6[slot6(hi, lo)];
        return null == n ? UNKNOWN : n.mac;
    }

    public boolean contains6(final long hi, final long lo)
    {
        return null != entries6[slot6(hi, lo)];
    }

    private Entry getOrAdd6(final long hi, final long lo)
    {
        int i = slot6(hi, lo);
        if (null != entries6[i])
        {
            return entries6[i];
        }
        if (2 * (size6 + 1) > entries6.length)
        {
            grow6();
            i = slot6(hi, lo);
        }
        final Entry n = new Entry();
        keysHi[i] = hi;
        keysLo[i] = lo;
        entries6[i] = n;
        size6++;
        return n;
    }

    private void grow6()
    {
        final long[] oldHi = keysHi;
        final long[] oldLo = keysLo;
        final Entry[] old = entries6;
        keysHi = new long[old.length * 2];
        keysLo = new long[old.length * 2];
        entries6 = new Entry[old.length * 2];
        for (int j = 0; j < old.length; j++)
        {
            if (null != old[j])
            {
                final int i = slot6(oldHi[j], oldLo[j]);
                keysHi[i] = oldHi[j];
                keysLo[i] = oldLo[j];
                entries6[i] = old[j];
            }
        }
    }

    /** Records or refreshes a mapping seen in neighbour discovery. */
    public void learn6(final long hi, final long lo, final long mac, final long nowMs)
    {
        final Entry n = getOrAdd6(hi, lo);
        n.mac = mac;
        n.confirmedMs = nowMs;
    }

    /** {@link #shouldRequest} for an IPv6 address: whether a neighbour solicitation should go out now. */
    public boolean shouldRequest6(final long hi, final long lo, final long nowMs)
    {
        return shouldRequest(getOrAdd6(hi, lo), nowMs);
    }

    private boolean shouldRequest(final Entry n, final long nowMs)
    {
        if (n.mac != UNKNOWN && nowMs - n.confirmedMs < staleMs)
        {
            return false;
        }
        if (nowMs - n.requestedMs < requestIntervalMs)
        {
            return false;
        }
        n.requestedMs = nowMs;
        return true;
    }

    /** Removes the IPv6 entry in slot {@code i}, moving later entries of its probe run back (no tombstones). */
    private void remove6(final int slot)
    {
        entries6[slot].live = false;
        entries6[slot] = null;
        size6--;
        final int mask = entries6.length - 1;
        int hole = slot;
        int i = (slot + 1) & mask;
        while (null != entries6[i])
        {
            long h = (keysHi[i] * 0x9E3779B97F4A7C15L) ^ (keysLo[i] * 0xC2B2AE3D27D4EB4FL);
            h ^= h >>> 29;
            final int home = (int)h & mask;
            // move the entry into the hole unless its home lies cyclically in (hole, i]
            final boolean stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
            if (!stays)
            {
                keysHi[hole] = keysHi[i];
                keysLo[hole] = keysLo[i];
                entries6[hole] = entries6[i];
                entries6[i] = null;
                hole = i;
            }
            i = (i + 1) & mask;
        }
    }

    /** Removes entries not confirmed within the expiry time; returns how many. */
    public int expire(final long nowMs)
    {
        int removed6 = 0;
        for (int i = 0; i < entries6.length; i++)
        {
            final Entry n = entries6[i];
            if (null != n && nowMs - (n.mac == UNKNOWN ? n.requestedMs : n.confirmedMs) >= expireMs)
            {
                remove6(i);
                removed6++;
                i--; // an entry may have moved into this slot
            }
        }
        scratch.clear();
        entries.forEachInt((ip, n) ->
        {
            final long since = n.mac == UNKNOWN ? n.requestedMs : n.confirmedMs;
            if (nowMs - since >= expireMs)
            {
                scratch.addInt(ip);
            }
        });
        for (int i = 0; i < scratch.size(); i++)
        {
            entries.remove(scratch.getInt(i)).live = false;
        }
        return scratch.size() + removed6;
    }

    public int size()
    {
        return entries.size() + size6;
    }

    /** Calls the consumer with each known (address, MAC); for listings, not the fast path. */
    public void forEach(final NeighbourConsumer consumer)
    {
        entries.forEachInt((ip, n) ->
        {
            if (n.mac != UNKNOWN)
            {
                consumer.accept(ip, n.mac, n.confirmedMs);
            }
        });
    }

    @FunctionalInterface
    public interface NeighbourConsumer
    {
        void accept(int ipv4, long mac, long confirmedMs);
    }

    /** One neighbour: its MAC once known. Written by the owning agent only. */
    public static final class Entry
    {
        long mac = UNKNOWN;
        long confirmedMs = Long.MIN_VALUE / 2;
        long requestedMs = Long.MIN_VALUE / 2;
        boolean live = true;

        /** The MAC, or {@link #UNKNOWN} while it is being asked for. */
        public long mac()
        {
            return mac;
        }

        /** False once the table has dropped the entry: look the address up again. */
        public boolean isLive()
        {
            return live;
        }
    }
}
