package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.conn.TcpStateTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The input direction of IPVS, the kernel's {@code ip_vs_in()}: for a packet to a virtual service, find
 * its connection or schedule a new one, move the connection's state, and account for it.
 * <p>
 * The agent's {@link FlowCache} answers lookups; the Chronicle Map table of record is written on new
 * connections, state or flag changes, and when a flow's expiry has run an eighth of its timeout past what the
 * table holds (see {@link #writeBackIntervalMs}). A packet of an established flow costs one cache probe.
 */
public final class IpvsIn implements ConnTable.ExpiryListener
{
    /** The kernel's default conn_reuse_mode. */
    static final int CONN_REUSE_MODE = ConnStateMachine.DEFAULT_CONN_REUSE_MODE;

    private final ConnTable conns;
    private final ConnStateMachine states;
    private final FlowCache cache;
    private final long expiryGraceMs;
    private int slot = -1;
    private final ConnEntry expiring = new ConnEntry();
    private long expiryNowMs;
    private long maxWriteBackMs = 60_000;
    /** Keeps the prefetch loads alive; never read. */
    @SuppressWarnings("unused")
    private long touched;
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final AtomicCounter notForService;
    private final AtomicCounter noDest;
    private final AtomicCounter tableFull;
    private final AtomicCounter destUnavailable;
    private final AtomicCounter noConnNotSyn;
    private final AtomicCounter connsCreated;
    private final AtomicCounter connsExpired;
    private final AtomicCounter connsReused;
    private final AtomicCounter cacheMisses;
    private ServiceTable expiryServices;

    /**
     * @param cache this agent's cache of the table, which it alone uses.
     */
    public IpvsIn(
        final ConnTable conns,
        final FlowCache cache,
        final ConnTimeouts timeouts,
        final AtomicCounter[] counters)
    {
        this.conns = conns;
        this.states = new ConnStateMachine(timeouts);
        this.cache = cache;
        this.expiryGraceMs = conns.expiryGraceMs();
        this.notForService = counters[LbCounterDescriptor.NOT_FOR_SERVICE.ordinal()];
        this.noDest = counters[LbCounterDescriptor.NO_DEST.ordinal()];
        this.tableFull = counters[LbCounterDescriptor.CONN_TABLE_FULL.ordinal()];
        this.destUnavailable = counters[LbCounterDescriptor.DEST_UNAVAILABLE.ordinal()];
        this.noConnNotSyn = counters[LbCounterDescriptor.NO_CONN_NOT_SYN.ordinal()];
        this.connsCreated = counters[LbCounterDescriptor.CONNS_CREATED.ordinal()];
        this.connsExpired = counters[LbCounterDescriptor.CONNS_EXPIRED.ordinal()];
        this.connsReused = counters[LbCounterDescriptor.CONNS_REUSED.ordinal()];
        this.cacheMisses = counters[LbCounterDescriptor.CONN_CACHE_MISSES.ordinal()];
    }

    /**
     * Processes one parsed IP packet.
     *
     * @return the real server to forward it to, or null when it is dropped (already counted).
     */
    public Dest onPacket(final ServiceTable services, final PacketView pkt, final long nowMs)
    {
        final Service svc = services.find(pkt.protocol, pkt.af, pkt.daddrHi, pkt.daddrLo, pkt.dport);
        if (null == svc)
        {
            notForService.incrementRelease();
            return null;
        }

        key.setFromPacket(pkt);
        final int protocol = pkt.protocol;
        boolean hit = lookup(nowMs);
        if (hit && ConnStateMachine.shouldReschedule(protocol, pkt.tcpFlags, entry, CONN_REUSE_MODE, false))
        {
            // conn_reuse_mode: a SYN for a closing connection ends it and is scheduled afresh.
            conns.remove(key);
            onExpired(key, entry, services);
            connsReused.incrementRelease();
            hit = false;
        }

        final Dest dest;
        if (hit)
        {
            dest = services.destById(entry.destId());
            if (null == dest)
            {
                destUnavailable.incrementRelease();
                return null;
            }
            final int result = states.onPacket(entry, protocol, ConnStateMachine.DIR_INPUT, pkt.tcpFlags, nowMs);
            onTransition(result, dest);
            long stored = cache.storedExpiresMs(slot);
            if ((result & (ConnStateMachine.STATE_CHANGED | ConnStateMachine.FLAGS_CHANGED)) != 0 ||
                entry.expiresMs() - stored >= writeBackIntervalMs(entry.timeoutSec()))
            {
                conns.update(key, entry);
                stored = entry.expiresMs();
            }
            cache.write(slot, entry, stored);
        }
        else
        {
            if (protocol == IpProtocol.TCP && (pkt.tcpFlags & TcpStateTable.TCP_SYN) == 0)
            {
                // IPVS schedules TCP only on a SYN (sloppy_tcp off); anything else belongs to no one here.
                noConnNotSyn.incrementRelease();
                return null;
            }
            dest = svc.scheduler().schedule(svc, pkt);
            if (null == dest)
            {
                noDest.incrementRelease();
                return null;
            }
            newConn(dest, protocol, nowMs);
            onTransition(states.onPacket(entry, protocol, ConnStateMachine.DIR_INPUT, pkt.tcpFlags, nowMs), dest);
            if (!conns.insert(key, entry))
            {
                undoNewConn(dest, entry);
                tableFull.incrementRelease();
                return null;
            }
            cache.put(key, entry, entry.expiresMs());
            dest.stats().onNewConn();
            svc.stats().onNewConn();
            connsCreated.incrementRelease();
        }

        final int length = pkt.l3Length; // IPVS counts skb->len: the IP packet, not the frame
        dest.stats().onInPacket(length);
        svc.stats().onInPacket(length);
        return dest;
    }

    /** Where this packet's connection would sit in the agent's cache, for {@link #touch(long)}. */
    public long cacheOffset(final PacketView pkt)
    {
        key.setFromPacket(pkt);
        return cache.homeOffset(key);
    }

    /** Starts loading a cache slot (see {@link FlowCache#touch}). */
    public void touch(final long cacheOffset)
    {
        touched += cache.touch(cacheOffset);
    }

    /**
     * Finds the packet's connection, in the agent's cache first and then in the table of record, leaving it
     * in {@link #entry} and its cache slot in {@link #slot}. A cached entry past its expiry and the table's
     * grace is not trusted (another agent's expiry may have ended it): it is dropped and the table asked.
     */
    private boolean lookup(final long nowMs)
    {
        slot = cache.find(key);
        if (slot >= 0)
        {
            cache.read(slot, entry);
            if (nowMs < entry.expiresMs() + expiryGraceMs)
            {
                return true;
            }
            cache.removeSlot(slot);
        }
        cacheMisses.incrementRelease();
        if (!conns.lookup(key, entry))
        {
            return false;
        }
        slot = cache.put(key, entry, entry.expiresMs());
        return true;
    }

    /** A new connection bound to its dest, counted inactive as the kernel's ip_vs_bind_dest() does. */
    private void newConn(final Dest dest, final int protocol, final long nowMs)
    {
        ConnStateMachine.initNewConn(
            entry.reset(),
            ConnFlags.newConnFlags(ConnFlags.destConnFlags(dest.fwdMethod()), protocol, 0),
            nowMs);
        entry.daf(dest.af()).daddr(dest.addrHi(), dest.addrLo()).dport(dest.port()).destId(dest.id());
        dest.stats().addInactive(1);
    }

    private void onTransition(final int result, final Dest dest)
    {
        if ((result & ConnStateMachine.BECAME_ACTIVE) != 0)
        {
            dest.stats().inactiveToActive();
        }
        else if ((result & ConnStateMachine.BECAME_INACTIVE) != 0)
        {
            dest.stats().activeToInactive();
        }
    }

    private static void undoNewConn(final Dest dest, final ConnEntry e)
    {
        if (e.isInactive())
        {
            dest.stats().addInactive(-1);
        }
        else
        {
            dest.stats().addActive(-1);
        }
    }

    /**
     * How far a flow's expiry may run ahead of the table of record before it is written back: an eighth of the
     * state's timeout, between 1 s and {@link #maxWriteBackMs(long) the maximum} (60 s by default). Writing every
     * flow back once a second cost a Chronicle update per flow per second (131k flows: 131k updates a second).
     * The table's expiry asks this agent's cache before removing an entry ({@link #onExpiring}), so a live flow
     * is never expired on its lagging copy by this agent.
     */
    long writeBackIntervalMs(final int timeoutSec)
    {
        return Math.max(ConnStateMachine.WRITE_BACK_GRANULARITY_MS, Math.min(maxWriteBackMs, timeoutSec * 125L));
    }

    /**
     * Caps the write-back interval. Where several agents share the table each one's expiry also visits the
     * others' flows, whose caches it cannot ask: there the cap must stay within the table's expiry grace
     * (1 s), as it was before the cache.
     */
    public void maxWriteBackMs(final long maxWriteBackMs)
    {
        this.maxWriteBackMs = Math.max(ConnStateMachine.WRITE_BACK_GRANULARITY_MS, maxWriteBackMs);
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

    /** Releases the agent's cache. */
    public void close()
    {
        cache.close();
    }

    /** Expires at most {@code limit} connections whose time has come. */
    public int expire(final long nowMs, final int limit, final ForwardingSnapshot snapshot)
    {
        expiryServices = snapshot.services();
        expiryNowMs = nowMs;
        return conns.expire(nowMs, limit, this);
    }

    @Override
    public void onExpired(final ConnKey k, final ConnEntry e)
    {
        onExpired(k, e, expiryServices);
    }

    private void onExpired(final ConnKey k, final ConnEntry e, final ServiceTable services)
    {
        connsExpired.incrementRelease();
        cache.remove(k);
        final Dest dest = null == services ? null : services.destById(e.destId());
        if (null != dest)
        {
            undoNewConn(dest, e);
        }
    }
}
