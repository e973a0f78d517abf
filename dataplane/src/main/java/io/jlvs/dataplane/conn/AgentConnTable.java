package io.jlvs.dataplane.conn;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The connection table as one forwarding agent uses it: its own {@link FlowCache} in front of its own
 * {@link ConnTable} of record (the connections it owns, {@link ConnOwner}), for both directions of a connection.
 * <p>
 * Lookups ask the cache, then the table; a hit in the table is cached. The table is written on new connections,
 * removals, state or flag changes, and when a flow's expiry has run {@link #writeBackIntervalMs an interval} past
 * what the table holds; so a packet of an established flow costs one cache probe. Before the table expires an
 * entry it asks the cache ({@link #onExpiring}), which may have seen the flow since.
 * <p>
 * One agent's: every method runs on its thread. {@link #find} leaves the found entry's cache slot for the
 * {@link #save} of the same packet (none when the cache could not take the entry: then the table is written through).
 */
public final class AgentConnTable implements ConnTable.ExpiryListener
{
    /** Told of each connection the table expired, to undo its accounting. */
    @FunctionalInterface
    public interface ExpiredHandler
    {
        void onExpired(ConnKey key, ConnEntry entry);
    }

    private final ConnTable table;
    private final FlowCache cache;
    private final AtomicCounter cacheMisses;
    private final long expiryGraceMs;
    private final ConnEntry expiring = new ConnEntry();
    private final ConnKey outKey = new ConnKey();
    /** The longest a flow's expiry runs ahead of the table's copy. */
    static final long MAX_WRITE_BACK_MS = 60_000;
    private int slot = -1;
    private long expiryNowMs;
    private ExpiredHandler expiredHandler;
    private ConnTable.ExpiryListener sweepDecider;
    private final ConnTable.ExpiryListener sweeper = new ConnTable.ExpiryListener()
    {
        @Override
        public boolean onExpiring(final ConnKey key, final ConnEntry entry)
        {
            // decide on the cache's copy where it has one: the table's may be a minute behind the flow
            final int cached = cache.find(key);
            if (cached >= 0)
            {
                cache.read(cached, entry);
            }
            return sweepDecider.onExpiring(key, entry);
        }

        @Override
        public void onExpired(final ConnKey key, final ConnEntry entry)
        {
            forget(key, entry);
            sweepDecider.onExpired(key, entry);
        }
    };
    /** Keeps the prefetch loads alive; never read. */
    @SuppressWarnings("unused")
    private long touched;

    /**
     * @param cache       this agent's cache of the table, which it alone uses.
     * @param cacheMisses counts lookups the cache did not answer.
     */
    public AgentConnTable(final ConnTable table, final FlowCache cache, final AtomicCounter cacheMisses)
    {
        this.table = table;
        this.cache = cache;
        this.cacheMisses = cacheMisses;
        this.expiryGraceMs = table.expiryGraceMs();
    }

    /** Where a key with this tag would sit in the cache, for {@link #touch}. */
    public long cacheOffset(final long tag)
    {
        return cache.homeOffset(tag);
    }

    /** Starts loading a cache slot (see {@link FlowCache#touch}). */
    public void touch(final long cacheOffset)
    {
        touched += cache.touch(cacheOffset);
    }

    /**
     * Finds a connection by its own key, in the cache first and then in the table, into {@code into}. A cached
     * entry past its expiry and the table's grace is dead (the table's expiry, a few calls behind, will end it): it is
     * dropped and the table asked.
     */
    public boolean find(final ConnKey key, final long tag, final long nowMs, final ConnEntry into)
    {
        slot = cache.find(key, tag);
        if (slot >= 0)
        {
            cache.read(slot, into);
            if (nowMs < into.expiresMs() + expiryGraceMs)
            {
                return true;
            }
            cache.removeSlot(slot);
        }
        cacheMisses.incrementRelease();
        if (!table.lookup(key, into))
        {
            slot = -1;
            return false;
        }
        slot = cache.put(key, tag, into, into.expiresMs());
        return true;
    }

    /**
     * Finds the connection a real server's packet belongs to by its reply-direction key ({@link ConnKey#setOut});
     * its own key is copied into {@code inKey}. Whether it still exists is then {@link #find}'s to say.
     */
    public boolean findOut(final ConnKey replyKey, final long tag, final ConnKey inKey)
    {
        final int ref = cache.find(replyKey, tag);
        if (ref >= 0)
        {
            cache.readRef(ref, inKey);
            return true;
        }
        cacheMisses.incrementRelease();
        if (!table.lookupOut(replyKey, inKey))
        {
            return false;
        }
        cache.putRef(replyKey, tag, inKey);
        return true;
    }

    /**
     * Asks the table again for a reply-direction key whose cached answer led nowhere (the connection it pointed at
     * ended, and the key may now belong to another): the cached answer is dropped.
     */
    public boolean refreshOut(final ConnKey replyKey, final long tag, final ConnKey inKey)
    {
        final int ref = cache.find(replyKey, tag);
        if (ref >= 0)
        {
            cache.removeSlot(ref);
        }
        if (!table.lookupOut(replyKey, inKey))
        {
            return false;
        }
        cache.putRef(replyKey, tag, inKey);
        return true;
    }

    /**
     * Keeps a connection changed by a packet, after {@link #find} found it: in the cache always, in the table when
     * the state or flags changed ({@code fsmResult} from {@link ConnStateMachine#onPacket}) or its expiry ran an
     * interval ahead of the table's copy.
     */
    public void save(final ConnKey key, final ConnEntry e, final int fsmResult)
    {
        if (slot < 0)
        {
            table.update(key, e); // not cached (the cache is at its load cap): the table is the only copy
            return;
        }
        long stored = cache.storedExpiresMs(slot);
        if ((fsmResult & (ConnStateMachine.STATE_CHANGED | ConnStateMachine.FLAGS_CHANGED)) != 0 ||
            e.expiresMs() - stored >= writeBackIntervalMs(e.timeoutSec()))
        {
            table.update(key, e);
            stored = e.expiresMs();
        }
        cache.write(slot, e, stored);
    }

    /**
     * Stores a new connection in the table and the cache.
     *
     * @return false when the table is full: nothing is stored.
     */
    public boolean insert(final ConnKey key, final long tag, final ConnEntry e)
    {
        if (!table.insert(key, e))
        {
            return false;
        }
        slot = cache.put(key, tag, e, e.expiresMs());
        return true;
    }

    /** Ends a connection now (a reused port's old one): from the table and the cache, both directions. */
    public void remove(final ConnKey key, final ConnEntry e)
    {
        table.remove(key);
        forget(key, e);
    }

    private void forget(final ConnKey key, final ConnEntry e)
    {
        cache.remove(key);
        if (e.fwdMethod() == FwdMethod.MASQ.flags())
        {
            cache.remove(outKey.setOut(key, e));
        }
    }

    /**
     * How far a flow's expiry may run ahead of the table of record before it is written back: an eighth of the
     * state's timeout, between 1 s and {@value #MAX_WRITE_BACK_MS} ms. Writing every flow back once a second cost a
     * Chronicle update per flow per second (131k flows: 131k updates a second). The table's expiry asks the cache
     * before removing an entry ({@link #onExpiring}), so a live flow is never expired on its lagging copy; a
     * restarted director or a standby (which read the table) sees expiries at most this far behind.
     */
    long writeBackIntervalMs(final int timeoutSec)
    {
        return Math.max(ConnStateMachine.WRITE_BACK_GRANULARITY_MS, Math.min(MAX_WRITE_BACK_MS, timeoutSec * 125L));
    }

    /** Expires at most {@code limit} connections whose time has come, telling {@code handler} of each. */
    public int expire(final long nowMs, final int limit, final ExpiredHandler handler)
    {
        expiryNowMs = nowMs;
        expiredHandler = handler;
        try
        {
            return table.expire(nowMs, limit, this);
        }
        finally
        {
            expiredHandler = null;
        }
    }

    /**
     * Before the table expires an entry on its copy: if this agent's cache has seen the flow since, the
     * entry is kept with the cache's newer state (the table writes it back) and expires when that is due.
     */
    @Override
    public boolean onExpiring(final ConnKey k, final ConnEntry e)
    {
        final int cached = cache.find(k);
        if (cached < 0)
        {
            return true;
        }
        cache.read(cached, expiring);
        if (expiring.expiresMs() <= e.expiresMs() || expiryNowMs - expiring.expiresMs() >= expiryGraceMs)
        {
            return true;
        }
        e.copyFrom(expiring);
        cache.write(cached, expiring, expiring.expiresMs());
        return false;
    }

    @Override
    public void onExpired(final ConnKey k, final ConnEntry e)
    {
        forget(k, e);
        if (null != expiredHandler)
        {
            expiredHandler.onExpired(k, e);
        }
    }

    /**
     * Offers the connections of one segment of the table to {@code decider} ({@link ConnTable#sweep}): those it takes
     * are removed from the table and the cache, and it is told of each ({@link ConnTable.ExpiryListener#onExpired}).
     */
    public int sweep(final int segment, final ConnTable.ExpiryListener decider)
    {
        sweepDecider = decider;
        try
        {
            return table.sweep(segment, sweeper);
        }
        finally
        {
            sweepDecider = null;
        }
    }

    /** Segments of the table, the unit of {@link #sweep}. */
    public int segments()
    {
        return table.segments();
    }

    /** Connections in the table, and the most it holds. */
    public long size()
    {
        return table.size();
    }

    public long capacity()
    {
        return table.capacity();
    }

    /** The table holds as many connections as it may: a new one would be refused. */
    public boolean isFull()
    {
        return table.size() >= table.capacity();
    }

    /** Releases the agent's cache. */
    public void close()
    {
        cache.close();
    }
}
