package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.conn.TcpStateTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.sync.SyncApplier;
import io.jlvs.dataplane.sync.SyncNeeded;
import io.jlvs.dataplane.sync.SyncOutbox;
import io.jlvs.dataplane.sync.SyncPolicy;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The input direction of IPVS, the kernel's {@code ip_vs_in()}: for a packet to a virtual service, find its
 * connection or schedule a new one, move the connection's state, and account for it. It hands back the connection
 * ({@link #entry()}, {@link #dest()}), whose flags carry the forwarding method its transmit method is bound by; it
 * transmits nothing itself.
 * <p>
 * On a sync master it reports connections to the backups as the kernel's {@code ip_vs_in()} does, by
 * {@link SyncNeeded}'s rule, after saving them. A connection a backup learned from its master may name a real
 * server the backup did not have then: it is bound at its first packet, as the kernel's
 * {@code ip_vs_try_bind_dest()} does.
 */
public final class IpvsIn
{
    /** Forward the packet on {@link #entry()} to {@link #dest()}. */
    public static final int FORWARD = 0;
    /** Drop it (counted). */
    public static final int DROP = 1;
    /** The service has no real server for it: the client gets ICMP port unreachable ({@code ip_vs_leave}). */
    public static final int NO_DEST = 2;

    private final AgentConnTable conns;
    private final Persistence persistence;
    private final ConnStateMachine states;
    private final ConnEntry entry = new ConnEntry();
    private final AtomicCounter noDest;
    private final AtomicCounter tableFull;
    private final AtomicCounter destUnavailable;
    private final AtomicCounter noConnNotInit;
    /** SCTP's common header; the first chunk's type follows it (RFC 9260 3). */
    private static final int SCTP_COMMON_HEADER = 12;
    static final int SCTP_INIT = 1;
    static final int SCTP_ABORT = 6;
    private IpvsSysctls sysctls = IpvsSysctls.DEFAULTS;
    private final AtomicCounter noConnNotSyn;
    private final AtomicCounter connsCreated;
    private final AtomicCounter connsExpired;
    private final AtomicCounter connsReused;
    private final AtomicCounter fragmentNoConn;
    private final AgentConnTable.ExpiredHandler onExpired = this::onExpired;
    private Dest dest;
    private ServiceTable expiryServices;
    private final SyncOutbox syncOutbox;
    private SyncPolicy syncPolicy = SyncPolicy.OFF;
    private boolean syncMaster;

    /**
     * @param persistence the agent's hand on the persistence templates.
     * @param syncOutbox  where a sync master's reports go; null: none are made.
     */
    public IpvsIn(
        final AgentConnTable conns, final Persistence persistence, final ConnStateMachine states,
        final AtomicCounter[] counters, final SyncOutbox syncOutbox)
    {
        this.syncOutbox = syncOutbox;
        this.conns = conns;
        this.persistence = persistence;
        this.states = states;
        this.noDest = counters[LbCounterDescriptor.NO_DEST.ordinal()];
        this.tableFull = counters[LbCounterDescriptor.CONN_TABLE_FULL.ordinal()];
        this.destUnavailable = counters[LbCounterDescriptor.DEST_UNAVAILABLE.ordinal()];
        this.noConnNotInit = counters[LbCounterDescriptor.NO_CONN_NOT_INIT.ordinal()];
        this.noConnNotSyn = counters[LbCounterDescriptor.NO_CONN_NOT_SYN.ordinal()];
        this.connsCreated = counters[LbCounterDescriptor.CONNS_CREATED.ordinal()];
        this.connsExpired = counters[LbCounterDescriptor.CONNS_EXPIRED.ordinal()];
        this.connsReused = counters[LbCounterDescriptor.CONNS_REUSED.ordinal()];
        this.fragmentNoConn = counters[LbCounterDescriptor.FRAGMENT_NO_CONN.ordinal()];
        conns.onExpiredBy(onExpired);
    }

    /**
     * Processes one packet to the virtual service {@code svc}, whose connection key and its tag the classifier put in
     * {@code p.key} and {@code p.tag}.
     *
     * @return {@link #FORWARD}, {@link #DROP} or {@link #NO_DEST}.
     */
    public int onPacket(final Packet p, final Service svc, final ServiceTable services, final long nowMs)
    {
        final PacketView pkt = p.view;
        final ConnKey key = p.key;
        final int protocol = pkt.protocol;
        expiryServices = services; // a pending connection that find() ends is undone against the table in use
        boolean hit = conns.find(key, p.tag, nowMs, entry);
        if (pkt.fragment == PacketView.LATER_FRAGMENT)
        {
            return onLaterFragment(pkt, hit, services);
        }
        if (hit && ConnStateMachine.shouldReschedule(protocol, pkt.tcpFlags, entry, sysctls.connReuseMode(),
            0 != entry.control()))
        {
            // conn_reuse_mode: a SYN for a closing connection ends it and is scheduled afresh.
            conns.remove(key, entry);
            onExpired(key, entry, services);
            connsReused.incrementRelease();
            hit = false;
        }

        if (hit)
        {
            dest = services.destById(entry.destId());
            int bound = 0;
            if (null == dest && (entry.flags() & ConnFlags.SYNC) != 0 && 0 == entry.destId())
            {
                dest = SyncApplier.bindSynced(entry, svc);
                bound = ConnStateMachine.FLAGS_CHANGED; // the table learns the binding now
            }
            if (null == dest)
            {
                // the kernel drops the packet of a connection whose real server is gone; expire_nodest_conn ends it
                destUnavailable.incrementRelease();
                if (sysctls.expireNodestConn() && (entry.flags() & ConnFlags.ONE_PACKET) == 0)
                {
                    conns.remove(key, entry);
                    persistence.release(key, entry);
                    connsExpired.incrementRelease();
                }
                return DROP;
            }
            final int result = states.onPacket(entry, protocol, ConnStateMachine.DIR_INPUT, pkt.tcpFlags, nowMs);
            onTransition(result, dest);
            onControlled(persistence, key, entry, result, protocol);
            final boolean report = syncMaster && isReported(protocol, nowMs);
            conns.save(key, entry, result | bound);
            if (report)
            {
                report(key);
            }
        }
        else
        {
            if (protocol == IpProtocol.TCP && ((pkt.tcpFlags & TcpStateTable.TCP_RST) != 0 ||
                ((pkt.tcpFlags & TcpStateTable.TCP_SYN) == 0 && !sysctls.sloppyTcp())))
            {
                // tcp_conn_schedule: a SYN without RST starts a connection; with sloppy_tcp any but a RST.
                noConnNotSyn.incrementRelease();
                return DROP;
            }
            if (protocol == IpProtocol.SCTP && !sysctls.sloppySctp() && sctpChunk(p) != SCTP_INIT)
            {
                // sctp_conn_schedule: only an INIT chunk starts an association, unless sloppy_sctp.
                noConnNotInit.incrementRelease();
                return DROP;
            }
            if (conns.isFull())
            {
                // no room: refused before it costs a scheduling, a template and a locked insert attempt
                tableFull.incrementRelease();
                return DROP;
            }
            final int dport;
            int control = 0;
            if (svc.isPersistent())
            {
                dest = persistence.schedule(pkt, svc, services, nowMs);
                if (null == dest && persistence.wasTableFull())
                {
                    tableFull.incrementRelease();
                    return DROP;
                }
                dport = persistence.dport();
                control = persistence.control();
            }
            else
            {
                // ip_vs_schedule: a port-zero service schedules only persistently
                dest = 0 == svc.fwmark() && pkt.dport != svc.port() ? null : svc.scheduler().schedule(svc, pkt);
                dport = null == dest || 0 == dest.port() ? pkt.dport : dest.port();
            }
            if (null == dest)
            {
                noDest.incrementRelease();
                // ip_vs_leave: what only reached the FTP service as its possible data is no business of IPVS's
                return svc.port() == Persistence.FTP_PORT && pkt.dport != Persistence.FTP_PORT ? DROP : NO_DEST;
            }
            if ((dest.connFlags() & ConnFlags.ONE_PACKET) != 0 && protocol == IpProtocol.UDP)
            {
                return onePacket(dest, svc, pkt, dport, nowMs);
            }
            newConn(dest, protocol, dport, nowMs);
            entry.control(control);
            final int result = states.onPacket(entry, protocol, ConnStateMachine.DIR_INPUT, pkt.tcpFlags, nowMs);
            onTransition(result, dest);
            onControlled(persistence, key, entry, result, protocol);
            final boolean report = syncMaster && isReported(protocol, nowMs);
            if (!conns.admit(key, p.tag, entry))
            {
                undoNewConn(dest, entry);
                persistence.release(key, entry);
                tableFull.incrementRelease();
                return DROP;
            }
            if (report)
            {
                report(key);
            }
            dest.stats().onNewConn();
            svc.stats().onNewConn();
            connsCreated.incrementRelease();
        }

        final int length = pkt.l3Length; // IPVS counts skb->len: the IP packet, not the frame
        dest.stats().onInPacket(length);
        svc.stats().onInPacket(length);
        return FORWARD;
    }

    /**
     * One-packet scheduling ({@code ipvsadm -o}): a connection for this datagram alone, counted and forwarded but
     * never remembered, as the kernel does not hash it; the next datagram of the same flow is scheduled afresh.
     */
    private int onePacket(final Dest dest, final Service svc, final PacketView pkt, final int dport, final long nowMs)
    {
        initEntry(dest, IpProtocol.UDP, dport, nowMs);
        dest.stats().onNewConn();
        svc.stats().onNewConn();
        connsCreated.incrementRelease();
        dest.stats().onInPacket(pkt.l3Length);
        svc.stats().onInPacket(pkt.l3Length);
        return FORWARD;
    }

    /**
     * A later fragment of a datagram whose first fragment found {@code p.key}'s connection: it carries no transport
     * header, so it moves no state; it is counted and follows the first. With the connection gone it is dropped.
     */
    private int onLaterFragment(final PacketView pkt, final boolean hit, final ServiceTable services)
    {
        dest = hit ? services.destById(entry.destId()) : null;
        if (null == dest)
        {
            fragmentNoConn.incrementRelease();
            return DROP;
        }
        dest.stats().onInPacket(pkt.l3Length);
        dest.service().stats().onInPacket(pkt.l3Length);
        return FORWARD;
    }

    /**
     * Finds the connection an ICMP error to a VIP is about ({@code ip_vs_in_icmp}), from the quoted packet the
     * error carries, already turned into the connection's key; counts the error as an input packet of it.
     *
     * @return true when found: {@link #entry()} and {@link #dest()} hold it.
     */
    public boolean onIcmp(final ConnKey quoted, final int length, final ServiceTable services, final long nowMs)
    {
        if (!conns.find(quoted, FlowCache.tagOf(quoted), nowMs, entry))
        {
            return false;
        }
        dest = services.destById(entry.destId());
        if (null == dest)
        {
            destUnavailable.incrementRelease();
            return false;
        }
        dest.stats().onInPacket(length);
        dest.service().stats().onInPacket(length);
        return true;
    }

    /** The kernel's sysctls that change how connections start and end. */
    public void sysctls(final IpvsSysctls sysctls)
    {
        this.sysctls = sysctls;
        persistence.sysctls(sysctls);
    }

    /** A controlled TCP connection that got established, either way, assures its template ({@code set_tcp_state}). */
    static void onControlled(
        final Persistence persistence, final ConnKey key, final ConnEntry e, final int result, final int protocol)
    {
        if ((result & ConnStateMachine.STATE_CHANGED) != 0 && protocol == IpProtocol.TCP &&
            e.state() == io.jlvs.dataplane.conn.ConnState.ESTABLISHED && 0 != e.control())
        {
            persistence.assure(key, e);
        }
    }

    /** Reports the connection, and its template after it, as {@code ip_vs_sync_conn()} goes on to its controller. */
    private void report(final ConnKey key)
    {
        syncOutbox.report(key, entry);
        if (0 != entry.control() && persistence.templateOf(key, entry))
        {
            syncOutbox.report(persistence.templateKey(), persistence.template());
        }
    }

    /** The type of the first chunk after SCTP's 12-byte common header, or -1 when there is none. */
    static int sctpChunk(final Packet p)
    {
        final PacketView v = p.view;
        return v.l3Length - (v.l4Offset - v.l3Offset) > SCTP_COMMON_HEADER ?
            Byte.toUnsignedInt(p.seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, p.l4() + SCTP_COMMON_HEADER)) : -1;
    }

    /** The snapshot's sync role and thresholds: a master with an outbox reports connections. */
    public void syncPolicy(final SyncPolicy policy)
    {
        this.syncPolicy = policy;
        this.syncMaster = policy.master() && null != syncOutbox;
    }

    /** {@code ip_vs_sync_conn()}: one-packet connections never, the rest by {@link SyncNeeded}. */
    private boolean isReported(final int protocol, final long nowMs)
    {
        return (entry.flags() & ConnFlags.ONE_PACKET) == 0 &&
            SyncNeeded.needed(entry, protocol, entry.inPkts(), syncPolicy, nowMs);
    }

    /** The connection of the last packet forwarded. */
    public ConnEntry entry()
    {
        return entry;
    }

    /** The real server of the last packet forwarded. */
    public Dest dest()
    {
        return dest;
    }

    /** A new connection bound to its dest, counted inactive as the kernel's ip_vs_bind_dest() does. */
    private void newConn(final Dest dest, final int protocol, final int dport, final long nowMs)
    {
        initEntry(dest, protocol, dport, nowMs);
        dest.stats().addInactive(1);
        dest.bound();
    }

    /** The entry of a new connection to {@code dest} at {@code dport}: its flags, state, timeout and real server. */
    private void initEntry(final Dest dest, final int protocol, final int dport, final long nowMs)
    {
        ConnStateMachine.initNewConn(entry.reset(), ConnFlags.newConnFlags(dest.connFlags(), protocol, 0), nowMs);
        entry.daf(dest.af()).daddr(dest.addrHi(), dest.addrLo()).dport(dport).destId(dest.id())
            .fwmark(dest.service().fwmark());
    }

    static void onTransition(final int result, final Dest dest)
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
        dest.unbound();
    }

    /** Expires at most {@code limit} connections whose time has come, undoing their accounting. */
    public int expire(final long nowMs, final int limit, final ServiceTable services)
    {
        expiryServices = services;
        return conns.expire(nowMs, limit, onExpired) + persistence.expire(nowMs, limit, services);
    }

    /** The {@code drop_entry} defence's sweep of the agent's share of the templates ({@link Persistence}). */
    int sweepIdleTemplates(final ServiceTable services)
    {
        return persistence.sweepIdleTemplates(services);
    }

    /**
     * A connection the {@code drop_entry} defence ended: its accounting undone as an expired one's, and its template
     * deleted with it once it controls nothing else.
     */
    void dropped(final ConnKey k, final ConnEntry e, final ServiceTable services)
    {
        unaccount(e, services);
        persistence.releaseDropped(k, e, services);
    }

    private void onExpired(final ConnKey k, final ConnEntry e)
    {
        onExpired(k, e, expiryServices);
    }

    private void onExpired(final ConnKey k, final ConnEntry e, final ServiceTable services)
    {
        unaccount(e, services);
        persistence.release(k, e);
    }

    /** An ended connection counted as expired, and taken off its real server's counts. */
    private void unaccount(final ConnEntry e, final ServiceTable services)
    {
        connsExpired.incrementRelease();
        final Dest d = null == services ? null : services.destById(e.destId());
        if (null != d)
        {
            undoNewConn(d, e);
        }
    }
}
