package io.jlvs.dataplane.sync;

import io.jlvs.dataplane.Persistence;
import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.conn.TemplateRef;
import io.jlvs.dataplane.conn.TemplateTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

/**
 * A backup's side of sync, in the agent that owns the connection: applies one report from the master as the
 * kernel's {@code ip_vs_proc_conn()} does.
 * <ul>
 * <li>Only the flags of {@link ConnFlags#BACKUP_MASK} are taken, and {@link ConnFlags#SYNC} is set.</li>
 * <li>A report about the same client and virtual service but another real server ends the connection held, unless
 *     the report is inactive: then it is the end of the connection that was replaced, and is ignored.</li>
 * <li>A connection held keeps its flags but {@link ConnFlags#BACKUP_UPD_MASK}; its real server's active and
 *     inactive counts follow the inactive flag.</li>
 * <li>A new one is bound to the real server with the reported address in the matching virtual service; without one
 *     it is kept unbound and bound at its first packet ({@code ip_vs_try_bind_dest}), once the real server exists.</li>
 * <li>State, the reported timeout (the state's own when 0; 3 minutes for a template) and {@code in_pkts = threshold}
 *     are set; the expiry runs from now.</li>
 * </ul>
 * A template goes to the shared template table ({@link TemplateTable}) instead, under its lock: a held one takes the
 * report's state, timeout and {@link ConnFlags#BACKUP_UPD_MASK} flags and keeps its real server and its count of
 * controlled connections, as the kernel's keeps its {@code dest}; a new one is bound as a connection is.
 * <p>
 * Reports with an unknown protocol or an out-of-range state are counted and dropped. The agent's own: nothing
 * allocates.
 */
public final class SyncApplier
{
    /** The kernel's timeout for a template synced without one (v0). */
    static final int TEMPLATE_TIMEOUT_SEC = 3 * 60;

    private final AgentConnTable conns;
    private final Persistence persistence;
    private final TemplateTable.Writer templates;
    private final ConnTimeouts timeouts;
    private final ConnKey key = new ConnKey();
    private final ConnEntry report = new ConnEntry();
    private final ConnEntry held = new ConnEntry();
    private final AtomicCounter applied;
    private final AtomicCounter noDest;
    private final AtomicCounter stale;
    private final AtomicCounter invalid;
    private final AtomicCounter tableFull;
    private int threshold = SyncPolicy.DEFAULT_THRESHOLD;

    public SyncApplier(
        final AgentConnTable conns, final Persistence persistence, final ConnTimeouts timeouts,
        final AtomicCounter[] counters)
    {
        this.conns = conns;
        this.persistence = persistence;
        this.templates = persistence.templates();
        this.timeouts = timeouts;
        this.applied = counters[LbCounterDescriptor.SYNC_APPLIED.ordinal()];
        this.noDest = counters[LbCounterDescriptor.SYNC_NO_DEST.ordinal()];
        this.stale = counters[LbCounterDescriptor.SYNC_STALE.ordinal()];
        this.invalid = counters[LbCounterDescriptor.SYNC_INVALID.ordinal()];
        this.tableFull = counters[LbCounterDescriptor.SYNC_TABLE_FULL.ordinal()];
    }

    /** The snapshot's {@code sync_threshold}, which a synced connection's {@code in_pkts} starts at. */
    public void policy(final SyncPolicy policy)
    {
        this.threshold = policy.threshold();
    }

    /** Applies the {@link SyncRecord} at {@code index} of {@code seg}. */
    public void apply(final MemorySegment seg, final int index, final ServiceTable services, final long nowMs)
    {
        SyncRecord.read(seg, index, key, report);
        final int protocol = key.protocol();
        int flags = (report.flags() & ConnFlags.BACKUP_MASK) | ConnFlags.SYNC;
        final boolean template = (flags & ConnFlags.TEMPLATE) != 0;
        final int state = report.state();
        if (!isValid(protocol, state, template))
        {
            invalid.incrementRelease();
            return;
        }
        if (template)
        {
            applyTemplate(flags, state, services, nowMs);
            return;
        }
        final long tag = FlowCache.tagOf(key);
        boolean found = conns.find(key, tag, nowMs, held);
        if (found && !template && !sameRealServer(held, report))
        {
            if ((flags & ConnFlags.INACTIVE) != 0)
            {
                stale.incrementRelease(); // the end of the connection that was replaced
                return;
            }
            conns.remove(key, held);
            unaccount(held, services.destById(held.destId()));
            persistence.release(key, held);
            found = false;
        }
        final int timeoutSec = timeoutOf(protocol, state, template, report.timeoutSec());

        final ConnEntry e;
        if (found)
        {
            e = held;
            final Dest dest = services.destById(e.destId());
            if (!template && null != dest && ((e.flags() ^ flags) & ConnFlags.INACTIVE) != 0)
            {
                if ((flags & ConnFlags.INACTIVE) != 0)
                {
                    dest.stats().activeToInactive();
                }
                else
                {
                    dest.stats().inactiveToActive();
                }
            }
            e.flags((flags & ConnFlags.BACKUP_UPD_MASK) | (e.flags() & ~ConnFlags.BACKUP_UPD_MASK));
            if (null == dest)
            {
                bind(e, key, services);
            }
        }
        else
        {
            e = report.flags(flags).destId(0).control(0).nControl(0);
        }
        e.state(state).oldState(state).timeoutSec(timeoutSec).expiresMs(nowMs + timeoutSec * 1000L)
            .inPkts(threshold).syncEndMs(nowMs & ~3L);
        if (found)
        {
            conns.save(key, e, ConnStateMachine.STATE_CHANGED);
        }
        else
        {
            bind(e, key, services);
            if (!conns.insert(key, tag, e))
            {
                unaccount(e, services.destById(e.destId()));
                tableFull.incrementRelease();
                return;
            }
        }
        applied.incrementRelease();
    }

    private void applyTemplate(final int flags, final int state, final ServiceTable services, final long nowMs)
    {
        final int timeoutSec = timeoutOf(key.protocol(), state, true, report.timeoutSec());
        try (TemplateTable.Lock lock = templates.lock(key))
        {
            final ConnEntry e;
            if (lock.read(held))
            {
                e = held.flags((flags & ConnFlags.BACKUP_UPD_MASK) | (held.flags() & ~ConnFlags.BACKUP_UPD_MASK));
                if (null == services.destById(e.destId()))
                {
                    bind(e, key, services);
                }
            }
            else
            {
                e = report.flags(flags).destId(0).control(0).nControl(0);
                bind(e, key, services);
            }
            e.state(state).oldState(state).timeoutSec(timeoutSec).expiresMs(nowMs + timeoutSec * 1000L)
                .inPkts(threshold).syncEndMs(nowMs & ~3L);
            if (!lock.write(e))
            {
                unaccount(e, services.destById(e.destId()));
                tableFull.incrementRelease();
                return;
            }
        }
        applied.incrementRelease();
    }

    /**
     * Binds a synced connection to the real server it names, in the virtual service of its key (or of its firewall
     * mark), and counts it there; unbound when this director has no such real server.
     *
     * @return the real server, or null.
     */
    public static Dest bindSynced(final ConnEntry e, final Service svc)
    {
        final Dest dest = null == svc ? null : svc.destByAddress(e.daf(), e.daddrHi(), e.daddrLo(), e.dport());
        if (null == dest)
        {
            return null;
        }
        e.destId(dest.id());
        if (e.isTemplate())
        {
            dest.stats().addPersist(1);
        }
        else if (e.isInactive())
        {
            dest.stats().addInactive(1);
        }
        else
        {
            dest.stats().addActive(1);
        }
        if (!e.isTemplate())
        {
            dest.bound();
        }
        return dest;
    }

    private void bind(final ConnEntry e, final ConnKey k, final ServiceTable services)
    {
        // ip_vs_find_dest(): by the mark first (a kernel master reports every packet's mark), then by the address
        Service svc = 0 != e.fwmark() ? services.findByFwmark(k.af(), e.fwmark()) : null;
        if (null == svc)
        {
            svc = services.findForPacket(k.protocol(), k.af(), k.vaddrHi(), k.vaddrLo(), k.vport());
        }
        if (null == bindSynced(e, svc))
        {
            e.destId(0);
            noDest.incrementRelease();
        }
    }

    private static void unaccount(final ConnEntry e, final Dest dest)
    {
        if (null == dest)
        {
            return;
        }
        if (e.isTemplate())
        {
            dest.stats().addPersist(-1);
        }
        else if (e.isInactive())
        {
            dest.stats().addInactive(-1);
        }
        else
        {
            dest.stats().addActive(-1);
        }
        dest.unbound();
    }

    private int timeoutOf(final int protocol, final int state, final boolean template, final int reported)
    {
        if (reported > 0)
        {
            return Math.min(reported, ConnTimeouts.MAX_TIMEOUT_SEC);
        }
        if (template)
        {
            return TEMPLATE_TIMEOUT_SEC;
        }
        return protocol == IpProtocol.TCP ? timeouts.tcpTimeout(state) : timeouts.udpTimeout();
    }

    private static boolean isValid(final int protocol, final int state, final boolean template)
    {
        if (template)
        {
            // a firewall-mark service's template has protocol 0 (IPPROTO_IP)
            return (protocol == IpProtocol.TCP || protocol == IpProtocol.UDP || protocol == IpProtocol.SCTP ||
                protocol == TemplateRef.PROTOCOL_FWMARK) && state <= ConnState.TEMPLATE_ASSURED;
        }
        if (protocol != IpProtocol.TCP && protocol != IpProtocol.UDP)
        {
            return false;
        }
        return protocol == IpProtocol.TCP ? state < ConnState.TCP_STATE_COUNT : state == ConnState.UDP_NORMAL;
    }

    private static boolean sameRealServer(final ConnEntry a, final ConnEntry b)
    {
        return a.dport() == b.dport() && a.daddrLo() == b.daddrLo() && a.daddrHi() == b.daddrHi() && a.daf() == b.daf();
    }
}
