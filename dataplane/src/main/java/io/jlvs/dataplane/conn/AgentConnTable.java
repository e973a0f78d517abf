package io.jlvs.dataplane.conn;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * The connection table as one forwarding agent uses it: its own {@link FlowCache} in front of its own
 * {@link ConnTable} of record (the connections it owns, {@link ConnOwner}), for both directions of a connection.
 * <p>
 * Lookups ask the cache, then the table; a hit in the table is cached. The table is written on removals, state or
 * flag changes, and when a flow's expiry has run {@link #writeBackIntervalMs an interval} past what the table holds;
 * so a packet of an established flow costs one cache probe. Before the table expires an entry it asks the cache
 * ({@link #onExpiring}), which may have seen the flow since.
 * <p>
 * A connection that a packet created ({@link #admit}) is held by the cache alone, {@link FlowCache#PENDING pending},
 * until its second packet writes it to the table: a Chronicle insert was 52 % of a new connection's cost (JFR,
 * perf/RESULTS.md), and most connections that never see a second packet are a SYN flood's. It is the rule of the
 * IPVS sync daemon, which sends no connection before its threshold of packets: what a restarted director or the
 * table's readers (ipvsadm -L -c, a sync catch-up) miss is what a standby would miss. A pending connection expires
 * from the cache ({@link #expire} walks it), is seen by the defences' {@link #sweep}, counts in {@link #size}, is
 * never evicted, and is written to the table when the agent closes. A NAT connection is written at once, since its
 * replies are found by the table's reply index, and so is one a persistence template controls.
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
    private final ConnKey walkKey = new ConnKey();
    private final ConnEntry walkEntry = new ConnEntry();
    /** The most slot reads that one {@link #expire} spends looking for pending connections past their time. */
    static final int PENDING_WALK_SLOTS = 4096;
    private int pending;
    private int walkBlock;
    private long walkDue;
    private long walkedMs;
    /** The expiry walk's decision on a pending connection: its time has come ({@link #expiryNowMs}). */
    private final ConnTable.ExpiryListener pendingExpiry = new ConnTable.ExpiryListener()
    {
        @Override
        public boolean onExpiring(final ConnKey key, final ConnEntry entry)
        {
            return expiryNowMs >= entry.expiresMs();
        }

        @Override
        public void onExpired(final ConnKey key, final ConnEntry entry)
        {
            expiredHandler.onExpired(key, entry); // set by expire(), which the walk runs in
        }
    };
    /** Told of a pending connection found dead by {@link #find} (set by {@link #onExpiredBy}). */
    private ExpiredHandler deadHandler;
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
            ended(key, entry);
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
        // what a restarted director finds is in the table alone: a miss near one of them asks the table
        table.forEach((k, e) ->
        {
            cache.forgot(FlowCache.tagOf(k));
            return true;
        });
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
            if (cache.isPending(slot))
            {
                endPending(slot, key, into, deadHandler); // the table has no copy to ask
                slot = -1;
                return false;
            }
            cache.removeSlot(slot);
            cache.forgot(tag); // the table's copy, until its expiry ends it
        }
        cacheMisses.incrementRelease();
        // a cache that holds every connection of the table near the key's home answers alone: no Chronicle lookup
        if (!cache.mayHaveForgotten(tag) || !table.lookup(key, into))
        {
            slot = -1;
            return false;
        }
        slot = cache.put(key, tag, into, into.expiresMs());
        if (slot >= 0)
        {
            cache.recalled(tag);
        }
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
        if (FlowCache.PENDING == stored)
        {
            // its second packet: the table of record takes it now
            if (table.insert(key, e))
            {
                pending--;
                stored = e.expiresMs();
            }
            cache.write(slot, e, stored);
            return;
        }
        if ((fsmResult & (ConnStateMachine.STATE_CHANGED | ConnStateMachine.FLAGS_CHANGED)) != 0 ||
            e.expiresMs() - stored >= writeBackIntervalMs(e.timeoutSec()))
        {
            table.update(key, e);
            stored = e.expiresMs();
        }
        cache.write(slot, e, stored);
    }

    /**
     * Stores a connection that a packet created: in the cache alone, pending, until its second packet (see the class
     * comment); written through as {@link #insert} when it is NAT's, when a persistence template counts it (the
     * persisted template's count must find it after a restart, even a killed director's), or when the cache has no
     * slot it may take.
     *
     * @return false when the table is full: nothing is stored.
     */
    public boolean admit(final ConnKey key, final long tag, final ConnEntry e)
    {
        if (e.fwdMethod() != FwdMethod.MASQ.flags() && 0 == e.control() && size() < table.capacity())
        {
            slot = cache.put(key, tag, e, FlowCache.PENDING);
            if (slot >= 0)
            {
                pending++;
                return true;
            }
        }
        return insert(key, tag, e);
    }

    /**
     * Stores a new connection in the table and the cache.
     *
     * @return false when the table is full: nothing is stored.
     */
    public boolean insert(final ConnKey key, final long tag, final ConnEntry e)
    {
        if (size() >= table.capacity() || !table.insert(key, e))
        {
            return false;
        }
        slot = cache.put(key, tag, e, e.expiresMs());
        if (slot < 0)
        {
            cache.forgot(tag);
        }
        return true;
    }

    /** Ends a connection now (a reused port's old one): from the table and the cache, both directions. */
    public void remove(final ConnKey key, final ConnEntry e)
    {
        final int cached = cache.find(key);
        if (cached >= 0 && cache.isPending(cached))
        {
            cache.removeSlot(cached);
            pending--;
            return;
        }
        final boolean held = table.remove(key);
        if (!forget(key, e) && held)
        {
            cache.recalled(FlowCache.tagOf(key));
        }
    }

    /** Ends the pending connection in {@code at} (whose key and entry are given), telling {@code handler}. */
    private void endPending(final int at, final ConnKey key, final ConnEntry e, final ExpiredHandler handler)
    {
        cache.removeSlot(at);
        pending--;
        if (null != handler)
        {
            handler.onExpired(key, e);
        }
    }

    /** Drops a connection's slots from the cache; returns whether it held the connection's own. */
    private boolean forget(final ConnKey key, final ConnEntry e)
    {
        final boolean cached = cache.remove(key);
        if (e.fwdMethod() == FwdMethod.MASQ.flags())
        {
            cache.remove(outKey.setOut(key, e));
        }
        return cached;
    }

    /** A connection the table ended: out of the cache too, and out of the count of those the cache lacked. */
    private void ended(final ConnKey key, final ConnEntry e)
    {
        if (!forget(key, e))
        {
            cache.recalled(FlowCache.tagOf(key));
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
            final int n = 0 == table.size() ? 0 : table.expire(nowMs, limit, this); // an empty table's walk costs
            // the pending connections' own share, so that a table expiring at its limit does not starve them
            return 0 == pending ? n : n + expirePending(nowMs, Math.max(limit / 4, limit - n));
        }
        finally
        {
            expiredHandler = null;
        }
    }

    /**
     * Looks at the cache's next blocks for pending connections past their expiry, ending at most {@code limit}: the
     * whole cache about once a second, a block without pending connections costing one read and one with some a scan
     * of its {@value FlowCache#BLOCK_SLOTS} home slots and the probes past them, at most {@value #PENDING_WALK_SLOTS}
     * reads a call (the agent calls once a millisecond). So a pending connection ends within a second of its time in a
     * cache of up to 4M slots (a table of 2M connections) whatever its load, within four in the largest.
     */
    private int expirePending(final long nowMs, final int limit)
    {
        final int slots = cache.capacity();
        final int blocks = cache.blocks();
        walkDue = Math.min(slots, walkDue + Math.min(1000, Math.max(0, nowMs - walkedMs)) * slots / 1000);
        walkedMs = nowMs;
        int reads = 0;
        int n = 0;
        while (reads < walkDue && reads < PENDING_WALK_SLOTS && n < limit)
        {
            final int block = walkBlock;
            walkBlock = (block + 1) & (blocks - 1);
            if (0 == cache.pendingIn(block))
            {
                reads++;
                continue;
            }
            reads += FlowCache.BLOCK_SLOTS + FlowCache.MAX_PROBE;
            n += endPendingIn(block, pendingExpiry, limit - n);
        }
        walkDue -= Math.min(walkDue, reads);
        return n;
    }

    /**
     * Offers the pending connections whose home is in {@code block} to {@code decider}, ending at most {@code limit} of
     * those it takes: removed from the cache, then {@link ConnTable.ExpiryListener#onExpired} is told.
     */
    private int endPendingIn(final int block, final ConnTable.ExpiryListener decider, final int limit)
    {
        final int mask = cache.capacity() - 1;
        int n = 0;
        for (int i = 0, at = block * FlowCache.BLOCK_SLOTS; i < FlowCache.BLOCK_SLOTS + FlowCache.MAX_PROBE; )
        {
            if (n < limit && cache.isPendingOf(at, block))
            {
                cache.read(at, walkEntry);
                cache.readKey(at, walkKey);
                if (decider.onExpiring(walkKey, walkEntry))
                {
                    cache.removeSlot(at);
                    pending--;
                    decider.onExpired(walkKey, walkEntry);
                    n++;
                    continue; // the removal shifted the next entry into this slot
                }
            }
            i++;
            at = (at + 1) & mask;
        }
        return n;
    }

    /** Who is told of a pending connection that {@link #find} found past its time (its accounting to undo). */
    public void onExpiredBy(final ExpiredHandler handler)
    {
        this.deadHandler = handler;
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
        ended(k, e);
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
            return table.sweep(segment, sweeper) + sweepPending(segment, table.segments(), decider);
        }
        finally
        {
            sweepDecider = null;
        }
    }

    /** The {@link #sweep} of the pending connections in the same share of the cache's blocks as the segment's. */
    private int sweepPending(final int segment, final int segments, final ConnTable.ExpiryListener decider)
    {
        if (0 == pending)
        {
            return 0;
        }
        final long blocks = cache.blocks();
        final int last = (int)(blocks * (segment + 1) / segments);
        int n = 0;
        for (int block = (int)(blocks * segment / segments); block < last; block++)
        {
            if (0 != cache.pendingIn(block))
            {
                n += endPendingIn(block, decider, Integer.MAX_VALUE);
            }
        }
        return n;
    }

    /** Segments of the table, the unit of {@link #sweep}. */
    public int segments()
    {
        return table.segments();
    }

    /** Connections in the table, and the most it holds. */
    public long size()
    {
        return table.size() + pending;
    }

    /** Connections the cache alone holds (see {@link #admit}). */
    public int pending()
    {
        return pending;
    }

    public long capacity()
    {
        return table.capacity();
    }

    /** The table holds as many connections as it may: a new one would be refused. */
    public boolean isFull()
    {
        return size() >= table.capacity();
    }

    /** Writes the pending connections to the table, so that a restarted director finds them; releases the cache. */
    public void close()
    {
        for (int at = 0, slots = cache.capacity(); at < slots && pending > 0; at++)
        {
            if (cache.isPending(at))
            {
                cache.read(at, walkEntry);
                cache.readKey(at, walkKey);
                if (table.insert(walkKey, walkEntry))
                {
                    pending--;
                }
            }
        }
        cache.close();
    }
}
