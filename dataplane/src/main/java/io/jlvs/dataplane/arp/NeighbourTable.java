package io.jlvs.dataplane.arp;

import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.IntArrayList;

/**
 * IPv4 neighbours (real servers, gateway) learned from ARP: address to MAC, with the time each was last
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

    /** Removes entries not confirmed within the expiry time; returns how many. */
    public int expire(final long nowMs)
    {
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
        return scratch.size();
    }

    public int size()
    {
        return entries.size();
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
