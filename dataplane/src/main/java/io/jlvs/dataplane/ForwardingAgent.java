package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.ArpHandler;
import io.jlvs.dataplane.arp.NeighbourDiscovery;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.capture.CaptureTap;
import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.conn.TemplateTable;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.host.HostPath;
import io.jlvs.dataplane.icmp.IcmpEchoResponder;
import io.jlvs.dataplane.icmp.IcmpErrorSender;
import io.jlvs.dataplane.icmp.IcmpRateLimiter;
import io.jlvs.dataplane.icmp.IcmpRelay;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.port.TxBuffer;
import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.IcmpFlyweight;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.NetworkLayouts;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.redirect.Redirector;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.status.DutyCycleTracker;
import io.jlvs.dataplane.sync.SyncApplier;
import io.jlvs.dataplane.sync.SyncOutbox;
import io.jlvs.dataplane.sync.SyncRecord;
import io.jlvs.dataplane.sync.SyncRings;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.DrXmit;
import io.jlvs.dataplane.xmit.Egress;
import io.jlvs.dataplane.xmit.Ipv4Fragmenter;
import io.jlvs.dataplane.xmit.Ipv6Fragmenter;
import io.jlvs.dataplane.xmit.NatXmit;
import io.jlvs.dataplane.xmit.TunXmit;
import io.jlvs.dataplane.xmit.Xmit;
import io.jlvs.dataplane.xmit.XmitTable;
import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One forwarding agent: a poll-mode loop over one port queue on one dedicated core.
 * <p>
 * Duty cycle: adopt a new snapshot if one was offered -> take the packets other agents handed over (their
 * connections are this agent's) -> receive a burst -> classify it once
 * ({@link BurstClassifier}: parse, route, hash, load the cache slots) -> per packet, by its route: the input
 * direction ({@link IpvsIn}) and the connection's transmit method ({@link XmitTable}), the reply direction of NAT
 * ({@link IpvsOut}), ARP, ICMP to the director ({@link IcmpEchoResponder}, {@link IcmpRelay}) -> transmit the
 * burst, hand the packets of other agents' connections to their owners, free the drops -> housekeeping (ARP requests, neighbour expiry) at most every
 * {@value #HOUSEKEEPING_INTERVAL_MS} ms -> a bounded connection expiry step at most once a millisecond -> cycle
 * time. Nothing here allocates, logs or throws per packet: a bad packet is counted and dropped.
 * <h2>Several agents</h2>
 * Each connection has one owner ({@link ConnOwner}): the agent whose table holds it, which alone writes, expires and
 * counts it. A packet whose connection another agent owns, received on this agent's queue, goes to the owner over
 * the {@link RedirectRings}; so do ICMP errors about such a connection. Each agent has its own snapshot (its own
 * services, real servers and scheduler state): the control plane sums their counts.
 */
public final class ForwardingAgent implements Agent
{
    public static final int BURST = 32;
    public static final int EXPIRE_LIMIT = 64;
    public static final int HOUSEKEEPING_INTERVAL_MS = 100;
    public static final int NEIGHBOUR_EXPIRY_INTERVAL_MS = 1000;
    public static final int REDIRECTED_BURSTS_PER_CYCLE = 4;
    /** Frames the director's own host sent that agent 0 puts on the wire per cycle. */
    public static final int HOST_FRAMES_PER_CYCLE = 16;

    private final String roleName;
    private final PacketPort port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxHandles;
    private final Packet[] burst = new Packet[BURST];
    private final TxBuffer tx;
    private final CaptureTap captureTap;
    private final NeighbourTable neighbours;
    private final ArpHandler arp;
    private final NeighbourDiscovery nd;
    private final AgentConnTable conns;
    private final FlowCache flowCache;
    private final BurstClassifier classifier;
    private final IpvsIn ipvsIn;
    private final IpvsOut ipvsOut;
    private final boolean natIcmpSend;
    private final Defense defense;
    private final Egress egress;
    private final IcmpErrorSender icmpErrors;
    private final XmitTable xmits;
    private final NatXmit nat;
    private final IcmpRelay relay;
    private final IcmpEchoResponder echo;
    private final Redirector redirector;
    private final SyncApplier syncApplier;
    /** The agent's own template table when it was given none (a lone agent in a test): closed with it. */
    private final TemplateTable ownTemplates;
    private final long[] redirectedHandles = new long[BURST];
    private final FragmentPath fragments;
    private final HostPath hostPath;
    private final HostPath.Reader hostFrames;
    private final AtomicCounter hostIn;
    private final AtomicCounter hostOut;
    private final AtomicCounter hostRingFull;
    private final int self;
    private final int agents;
    private final OneToOneConcurrentArrayQueue<ForwardingSnapshot> snapshotQueue =
        new OneToOneConcurrentArrayQueue<>(8);
    private final AtomicCounter[] counters;
    private final AtomicCounter unsupportedFwd;
    private final AtomicCounter echoReplies;
    private final AtomicCounter redirectedIn;
    private final DutyCycleTracker dutyCycle;
    private final AtomicCounter heartbeat;
    private final EpochClock epochClock;
    private final NanoClock nanoClock;
    private final Runnable onStart;

    /** The agent's connection timeouts, which its state machine and sync applier read. */
    private final ConnTimeouts timeouts;
    /** The snapshot's timeouts last copied into {@link #timeouts}. */
    private ConnTimeouts adoptedTimeouts;
    /** The snapshot the fast path uses: written and read by the agent thread only. */
    private ForwardingSnapshot snapshot;
    /** The same, published for the control plane's readers. */
    private volatile ForwardingSnapshot published;
    /** When the published snapshot was adopted (System.nanoTime), written before it is published. */
    private volatile long adoptedNs;
    private long nowMs;
    private long nextHousekeepingMs;
    private long nextNeighbourExpiryMs;
    private long lastExpiryMs;
    private boolean announce;
    private final long portMac;
    /** The protocol byte of an IPv4 header right after an untagged Ethernet header. */
    private static final int IPV4_PROTOCOL_OFFSET = EthernetFlyweight.HEADER_LENGTH + 9;
    /** The next header byte of an IPv6 header right after an untagged Ethernet header. */
    private static final int IPV6_NEXT_HEADER_OFFSET = EthernetFlyweight.HEADER_LENGTH + 6;
    /** Where the burst being processed came from: {@link Packet#STAGE_RX} or handed over. */
    private int stage;

    public ForwardingAgent(final Context ctx)
    {
        ctx.conclude();
        this.roleName = ctx.roleName;
        this.port = ctx.port;
        this.neighbours = ctx.neighbours;
        this.counters = ctx.counters;
        this.epochClock = ctx.epochClock;
        this.nanoClock = ctx.nanoClock;
        this.onStart = ctx.onStart;
        this.snapshot = ctx.snapshot;
        this.timeouts = ctx.timeouts;
        if (null != ctx.snapshot.timeouts())
        {
            timeouts.copyFrom(ctx.snapshot.timeouts());
            adoptedTimeouts = ctx.snapshot.timeouts();
        }
        this.published = ctx.snapshot;
        final long portMac = port.macAddress();
        this.portMac = portMac;

        this.rxHandles = arena.allocate(ValueLayout.JAVA_LONG, BURST);
        for (int i = 0; i < BURST; i++)
        {
            burst[i] = new Packet();
        }
        this.tx = new TxBuffer(port, BURST * 2, arena, counters);
        this.captureTap = new CaptureTap(ctx.agent, ctx.nanoClock);
        this.tx.tap(captureTap);
        this.arp = new ArpHandler(neighbours, portMac, counters);
        this.nd = new NeighbourDiscovery(neighbours, portMac, counters);
        this.flowCache = FlowCache.forTable(ctx.conns.capacity());
        this.conns = new AgentConnTable(ctx.conns, flowCache, counter(LbCounterDescriptor.CONN_CACHE_MISSES));
        this.self = ctx.agent;
        this.agents = ctx.redirectRings.agents();
        this.redirector = new Redirector(ctx.redirectRings, self, BURST, neighbours,
            counter(LbCounterDescriptor.REDIRECTED), counter(LbCounterDescriptor.REDIRECT_RING_FULL));
        final ConnStateMachine states = new ConnStateMachine(ctx.timeouts);
        this.ownTemplates = null == ctx.templates ?
            new TemplateTable(TemplateTable.context(Math.max(1, ctx.conns.capacity() / 2), null)) : null;
        final TemplateTable.Writer templates =
            (null == ctx.templates ? ownTemplates : ctx.templates).writer(ctx.agent, ctx.redirectRings.agents());
        final Persistence persistence = new Persistence(templates);
        this.ipvsIn = new IpvsIn(conns, persistence, states, counters,
            null == ctx.syncRings ? null : new SyncOutbox(
            ctx.syncRings.outbox(ctx.agent), counter(LbCounterDescriptor.SYNC_REPORTED),
            counter(LbCounterDescriptor.SYNC_RING_FULL)));
        this.ipvsIn.syncPolicy(snapshot.sync());
        this.ipvsIn.sysctls(ctx.sysctls);
        this.natIcmpSend = ctx.sysctls.natIcmpSend();
        this.defense = new Defense(conns, states, ipvsIn, counter(LbCounterDescriptor.DEFENSE_DROPPED));
        this.defense.sysctls(ctx.sysctls);
        this.syncApplier = new SyncApplier(conns, persistence, ctx.timeouts, counters);
        this.syncApplier.policy(snapshot.sync());
        final MemorySegment inboxMemory = SyncRecord.segmentOf(ctx.redirectRings.inbox(ctx.agent).buffer());
        this.redirector.syncHandler(
            (buffer, index, now) -> syncApplier.apply(inboxMemory, index, snapshot.services(), now));
        this.ipvsOut = new IpvsOut(conns, persistence, states, counters);
        this.classifier = new BurstClassifier(port, conns, self, agents, BURST, counters, ctx.dropsByVerdict);
        this.egress = new Egress(portMac, neighbours, this::sendArpRequest, this::sendSolicitation, snapshot.routes(),
            counters);
        this.icmpErrors = new IcmpErrorSender(port, egress, new IcmpRateLimiter(), counters);
        this.nat = new NatXmit(egress, icmpErrors, counters);
        this.xmits = new XmitTable(
            new DrXmit(egress, icmpErrors, counters),
            nat,
            new TunXmit(port, egress, icmpErrors, new Ipv4Fragmenter(port, tx, counters),
                new Ipv6Fragmenter(port, tx, counters), ctx.mtu, counters));
        this.relay = new IcmpRelay(ipvsIn, ipvsOut, xmits, nat, counters);
        this.echo = new IcmpEchoResponder(portMac);
        this.unsupportedFwd = counter(LbCounterDescriptor.UNSUPPORTED_FWD);
        this.echoReplies = counter(LbCounterDescriptor.ICMP_ECHO_REPLIES);
        this.redirectedIn = counter(LbCounterDescriptor.REDIRECTED_IN);
        this.fragments = new FragmentPath(port, tx, redirector, classifier, self, agents, this::onOwned, counters);
        this.hostPath = ctx.hostPath;
        this.classifier.hostPath(null != hostPath);
        this.hostFrames = null != hostPath && 0 == self ? hostPath.reader(this::onHostFrame) : null;
        this.hostIn = counter(LbCounterDescriptor.HOST_FRAMES_IN);
        this.hostOut = counter(LbCounterDescriptor.HOST_FRAMES_OUT);
        this.hostRingFull = counter(LbCounterDescriptor.HOST_RING_FULL);
        this.heartbeat = counter(LbCounterDescriptor.HEARTBEAT_MS);
        this.dutyCycle = new DutyCycleTracker(
            counter(LbCounterDescriptor.MAX_CYCLE_TIME_NS),
            counter(LbCounterDescriptor.CYCLE_TIME_THRESHOLD_EXCEEDED),
            1_000_000L,
            null == ctx.cycleHistogram ? null :
                java.util.Arrays.copyOf(ctx.cycleHistogram, DutyCycleTracker.BUCKETS),
            null == ctx.cycleHistogram ? null : ctx.cycleHistogram[DutyCycleTracker.BUCKETS]);
        this.announce = true;
    }

    private AtomicCounter counter(final LbCounterDescriptor d)
    {
        return counters[d.ordinal()];
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public void onStart()
    {
        if (null != onStart)
        {
            onStart.run();
        }
    }

    /**
     * Offers a new snapshot from the control plane; the agent adopts it between bursts.
     *
     * @return false when the agent has not yet taken earlier offers (try again).
     */
    public boolean offer(final ForwardingSnapshot next)
    {
        return snapshotQueue.offer(next);
    }

    /**
     * When the agent adopted the snapshot {@link #snapshot()} returns (System.nanoTime): read after it, so that the
     * time belongs to that snapshot or a newer one.
     */
    public long adoptedNs()
    {
        return adoptedNs;
    }

    /**
     * The connections the agent holds: its table's and those its cache alone holds ({@link AgentConnTable#admit}).
     * Read on the agent's thread, or when it is not running.
     */
    public long connections()
    {
        return conns.size();
    }

    /** Where {@code jlvs capture} attaches to this agent's frames. */
    public CaptureTap captureTap()
    {
        return captureTap;
    }

    /** The agent's flow cache, whose pending connections a listing reads ({@link ConnTables#attach}). */
    public FlowCache flowCache()
    {
        return flowCache;
    }

    /** The snapshot in use, for the control plane's listing (read from another thread). */
    public ForwardingSnapshot snapshot()
    {
        return published;
    }

    @Override
    public int doWork()
    {
        int work = adoptSnapshot();
        nowMs = epochClock.time();
        egress.nowMs(nowMs);
        icmpErrors.nowMs(nowMs);

        work += takeRedirected(); // other agents' packets, and a backup's sync reports
        if (null != hostFrames && hostFrames.poll(HOST_FRAMES_PER_CYCLE) > 0)
        {
            tx.flush();
            work++;
        }
        final int n = port.rxBurst(rxHandles, BURST);
        for (int i = 0; i < n; i++)
        {
            burst[i].wrap(port, rxHandles.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
        captureTap.inbound(burst, n);
        process(n, Packet.STAGE_RX);
        work += n;

        if (nowMs >= nextHousekeepingMs)
        {
            work += doHousekeeping();
        }
        if (nowMs != lastExpiryMs)
        {
            // timeouts are whole seconds: a bounded expiry step once a millisecond keeps up without
            // taking the fast path's time (it cost 77 % of the agent when run every cycle)
            lastExpiryMs = nowMs;
            heartbeat.setRelease(nowMs); // the director's watchdog: this agent is cycling
            work += ipvsIn.expire(nowMs, EXPIRE_LIMIT, snapshot.services());
            work += defense.run(nowMs, snapshot.services());
        }
        dutyCycle.update(nanoClock.nanoTime());
        return work;
    }

    /** At most {@value #REDIRECTED_BURSTS_PER_CYCLE} bursts from other agents per cycle, so the port is polled too. */
    private int takeRedirected()
    {
        int work = 0;
        for (int b = 0; b < REDIRECTED_BURSTS_PER_CYCLE; b++)
        {
            final int n = redirector.poll(redirectedHandles, nowMs);
            work += redirector.syncApplied();
            if (0 == n)
            {
                break;
            }
            for (int i = 0; i < n; i++)
            {
                burst[i].wrap(port, redirectedHandles[i]);
            }
            redirectedIn.getAndAddRelease(n);
            process(n, redirector.receivedType() == Redirector.MSG_FRAGMENTS ? Packet.STAGE_GATHER : Packet.STAGE_OWNED);
            work += n;
        }
        return work;
    }

    private void process(final int n, final int stage)
    {
        this.stage = stage;
        classifier.classify(burst, n, snapshot, stage);
        int i = 0;
        try
        {
            for (; i < n; i++)
            {
                onPacket(burst[i]);
            }
        }
        finally
        {
            // an exception is a bug (recorded by the runner): the packets after the one that threw are freed
            for (int j = i + 1; j < n; j++)
            {
                tx.drop(burst[j].handle);
            }
        }
        if (agents > 1)
        {
            redirector.flush(tx);
        }
        tx.flush();
    }

    /** Adopts the newest snapshot offered (any it superseded is skipped), its schedulers going on from the old ones. */
    private int adoptSnapshot()
    {
        final ForwardingSnapshot next = snapshotQueue.poll();
        if (null == next)
        {
            return 0;
        }
        ForwardingSnapshot latest = next;
        ForwardingSnapshot more;
        while (null != (more = snapshotQueue.poll()))
        {
            latest = more;
        }
        if (latest != snapshot)
        {
            latest.services().takeOverSchedulers(snapshot.services());
        }
        latest.services().housekeeping(nowMs); // timed schedulers stamp with this agent's clock from the start
        if (null != latest.timeouts() && latest.timeouts() != adoptedTimeouts)
        {
            timeouts.copyFrom(latest.timeouts()); // ipvsadm --set: the agent's own copy, changed on its thread
            adoptedTimeouts = latest.timeouts();
        }
        snapshot = latest;
        ipvsIn.syncPolicy(latest.sync());
        syncApplier.policy(latest.sync());
        adoptedNs = System.nanoTime();
        published = latest;
        egress.routes(latest.routes());
        announce = true;
        nextHousekeepingMs = 0;
        counter(LbCounterDescriptor.SNAPSHOTS_APPLIED).incrementRelease();
        return 1;
    }

    private void onPacket(final Packet p)
    {
        if (p.view.fragment != PacketView.NOT_FRAGMENT && p.route != Packet.ROUTE_DROP)
        {
            fragments.onFragment(p, stage, snapshot, nowMs);
            return;
        }
        switch (p.route)
        {
            case Packet.ROUTE_IN -> onIn(p);
            case Packet.ROUTE_OUT -> onOut(p);
            case Packet.ROUTE_ARP -> onArp(p);
            case Packet.ROUTE_ND -> onNeighbourDiscovery(p);
            case Packet.ROUTE_HOST -> toHost(p);
            case Packet.ROUTE_ICMP_LOCAL -> onIcmpLocal(p);
            case Packet.ROUTE_ICMP_OUT -> onIcmpOut(p);
            default -> tx.drop(p.handle); // counted where it was classified
        }
    }

    /** A packet of a connection this agent owns, its route set: a fragment the fragment path handed back. */
    private void onOwned(final Packet p)
    {
        if (p.route == Packet.ROUTE_IN)
        {
            onIn(p);
        }
        else
        {
            onOut(p);
        }
    }

    private void onOut(final Packet p)
    {
        if (p.owner != self)
        {
            redirector.redirect(p.owner, p.handle, tx);
            return;
        }
        if (ipvsOut.onPacket(p, snapshot.services(), nowMs))
        {
            send(p, nat.xmitOut(p, ipvsOut.key()));
            return;
        }
        final Dest from = natIcmpSend ? ipvsOut.unknownReply(p, snapshot.services()) : null;
        if (null == from)
        {
            tx.drop(p.handle);
            return;
        }
        // nat_icmp_send: the real server learns its connection is gone, from the director's address towards it
        final boolean sent = p.view.af == PacketView.AF_INET6 ?
            icmpErrors.unreachable6(p, IcmpErrorSender.ICMPV6_CODE_PORT_UNREACHABLE, from.sourceHi6(),
                from.sourceLo6()) :
            icmpErrors.unreachable(p, IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, from.sourceV4());
        if (sent)
        {
            counter(LbCounterDescriptor.NAT_ICMP_SENT).incrementRelease();
        }
        send(p, sent);
    }

    private void onArp(final Packet p)
    {
        final boolean answered = arp.onArp(p.seg, p.frame, p.l3(), snapshot, nowMs);
        if (!answered && null != hostPath && 0 != arp.replyTarget() && snapshot.routes().isOwnAddress(arp.replyTarget()))
        {
            toHost(p); // the answer to the host's own request: the kernel learns from it too
        }
        else
        {
            send(p, answered);
        }
        final int learned = arp.learnedIp();
        if (agents > 1 && 0 != learned)
        {
            redirector.neighbourLearned(learned, neighbours.lookup(learned));
        }
    }

    private void onNeighbourDiscovery(final Packet p)
    {
        final boolean forHost = null != hostPath && snapshot.routes().isOwnAddressV6(p.view.daddrHi, p.view.daddrLo) &&
            Byte.toUnsignedInt(p.seg.get(ValueLayout.JAVA_BYTE, p.l4())) == NeighbourDiscovery.NEIGHBOUR_ADVERTISEMENT;
        if (forHost)
        {
            hostPath.offer(p.seg, p.frame, p.length); // the answer to the host's own solicitation
        }
        if (nd.onMessage(p.seg, p.frame, p.view, snapshot, nowMs))
        {
            p.length(port, nd.replyLength());
            tx.send(p.handle, p.length);
        }
        else
        {
            tx.drop(p.handle);
        }
        if (agents > 1 && nd.learned())
        {
            redirector.neighbourLearned6(nd.learnedHi(), nd.learnedLo(),
                neighbours.lookup6(nd.learnedHi(), nd.learnedLo()));
        }
    }

    private void onIcmpOut(final Packet p)
    {
        if (quotesOwnConnection(p, true))
        {
            send(p, relay.onErrorFromRealServer(p, snapshot.services(), nowMs));
        }
    }

    private void onIn(final Packet p)
    {
        if (p.owner != self)
        {
            redirector.redirect(p.owner, p.handle, tx);
            return;
        }
        switch (ipvsIn.onPacket(p, p.service, snapshot.services(), nowMs))
        {
            case IpvsIn.FORWARD ->
            {
                final Xmit xmit = xmits.of(ipvsIn.entry().flags());
                if (null == xmit)
                {
                    unsupportedFwd.incrementRelease();
                    tx.drop(p.handle);
                    return;
                }
                send(p, xmit.xmit(p, ipvsIn.entry(), ipvsIn.dest()));
            }
            case IpvsIn.NO_DEST -> send(p, p.view.af == PacketView.AF_INET6 ?
                icmpErrors.unreachable6(p, IcmpErrorSender.ICMPV6_CODE_PORT_UNREACHABLE, p.view.daddrHi,
                    p.view.daddrLo) :
                icmpErrors.unreachable(p, IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, p.view.daddrV4()));
            default -> tx.drop(p.handle);
        }
    }

    private void onIcmpLocal(final Packet p)
    {
        if (echo.isEchoRequest(p.seg, p.frame, p.view))
        {
            echo.reply(p.seg, p.frame, p.view);
            echoReplies.incrementRelease();
            tx.send(p.handle, p.length);
            return;
        }
        if (null != hostPath && isEchoReplyToHost(p))
        {
            toHost(p); // the host's own pings come back
            return;
        }
        if (quotesOwnConnection(p, false))
        {
            send(p, relay.onErrorToVip(p, snapshot.services(), nowMs));
        }
    }

    /**
     * Reads the connection an ICMP error quotes and whether this agent owns it. If not, the error goes to its owner,
     * once: an error handed over already is counted and dropped (agents on different snapshots could route it
     * differently and hand it back and forth). Unreadable errors are dropped (counted by the relay).
     */
    private boolean quotesOwnConnection(final Packet p, final boolean fromRealServer)
    {
        if (!relay.quote(p, fromRealServer))
        {
            tx.drop(p.handle);
            return false;
        }
        final int owner = ConnOwner.of(relay.quoted(), agents);
        if (owner == self)
        {
            return true;
        }
        if (Packet.STAGE_RX == stage)
        {
            redirector.redirect(owner, p.handle, tx);
        }
        else
        {
            classifier.notOwned();
            tx.drop(p.handle);
        }
        return false;
    }

    private boolean isEchoReplyToHost(final Packet p)
    {
        final PacketView v = p.view;
        final int type = Byte.toUnsignedInt(p.seg.get(ValueLayout.JAVA_BYTE, p.l4()));
        return v.af == PacketView.AF_INET ? type == 0 && snapshot.routes().isOwnAddress(v.daddrV4()) :
            type == 129 && snapshot.routes().isOwnAddressV6(v.daddrHi, v.daddrLo);
    }

    /** A frame for the director's own host: copied to its ring (counted), the buffer freed. */
    private void toHost(final Packet p)
    {
        if (hostPath.offer(p.seg, p.frame, p.length))
        {
            hostIn.incrementRelease();
        }
        else
        {
            hostRingFull.incrementRelease();
        }
        tx.drop(p.handle);
    }

    /** A frame the director's own host sent (agent 0 only): copied into a buffer and put on the wire. */
    private void onHostFrame(final MemorySegment memory, final long at, final int length)
    {
        final long h = port.alloc();
        if (0 == h)
        {
            counter(LbCounterDescriptor.NO_MBUF).incrementRelease();
            return;
        }
        if (length > port.tailroom(h) + port.dataLength(h))
        {
            tx.drop(h);
            counter(LbCounterDescriptor.TOO_BIG).incrementRelease();
            return;
        }
        port.dataLength(h, length);
        final MemorySegment data = port.data(h);
        final long frame = port.dataOffset(h);
        MemorySegment.copy(memory, at, data, frame, length);
        final long virtualMac = snapshot.virtualMac();
        if (0 != virtualMac && isVrrp(data, frame, length))
        {
            // VRRP advertisements come from the virtual router's MAC (RFC 5798 7.3): the switches learn it here
            data.set(NetworkLayouts.U16, frame + EthernetFlyweight.SRC_MAC_OFFSET, (short)(virtualMac >>> 32));
            data.set(NetworkLayouts.U32, frame + EthernetFlyweight.SRC_MAC_OFFSET + 2, (int)virtualMac);
        }
        tx.send(h, length);
        hostOut.incrementRelease();
    }

    /** An untagged IPv4 or IPv6 frame (without extension headers, as VRRP is sent) carrying VRRP. */
    private static boolean isVrrp(final MemorySegment data, final long frame, final int length)
    {
        final short type = data.get(NetworkLayouts.U16, frame + EthernetFlyweight.ETHER_TYPE_OFFSET);
        final int at = type == (short)EthernetFlyweight.ETHER_TYPE_IPV4 ? IPV4_PROTOCOL_OFFSET :
            type == (short)EthernetFlyweight.ETHER_TYPE_IPV6 ? IPV6_NEXT_HEADER_OFFSET : -1;
        return at > 0 && length > at && data.get(NetworkLayouts.U8, frame + at) == (byte)IpProtocol.VRRP;
    }

    private void send(final Packet p, final boolean ready)
    {
        if (ready)
        {
            tx.send(p.handle, p.length);
        }
        else
        {
            tx.drop(p.handle);
        }
    }

    private int doHousekeeping()
    {
        nextHousekeepingMs = nowMs + HOUSEKEEPING_INTERVAL_MS;
        int work = 0;
        final ForwardingSnapshot s = snapshot;
        if (announce)
        {
            announce = false;
            // gratuitous ARP and unsolicited NA: the VIPs too when serving (a takeover moves them here)
            final IntHashSet.IntIterator it = s.localAddressesV4().iterator();
            while (it.hasNext())
            {
                final int addr = it.nextValue();
                if (s.isLocalV4(addr))
                {
                    work += sendArpRequest(addr, addr);
                }
            }
            for (int i = 0; i < s.localAddressesV6().size(); i++)
            {
                if (s.isLocalV6(s.localAddressesV6().hi(i), s.localAddressesV6().lo(i)))
                {
                    work += sendUnsolicitedAdvertisement(s.localAddressesV6().hi(i), s.localAddressesV6().lo(i));
                }
            }
        }
        for (final int addr : s.neighboursV4())
        {
            if (neighbours.shouldRequest(addr, nowMs))
            {
                work += sendArpRequest(s.routes().sourceFor(addr), addr);
            }
        }
        for (int i = 0; i < s.neighboursV6().size(); i++)
        {
            final long hi = s.neighboursV6().hi(i);
            final long lo = s.neighboursV6().lo(i);
            if (neighbours.shouldRequest6(hi, lo, nowMs))
            {
                work += sendSolicitation(hi, lo);
            }
        }
        fragments.sweep(nowMs);
        s.services().housekeeping(nowMs);
        if (nowMs >= nextNeighbourExpiryMs)
        {
            nextNeighbourExpiryMs = nowMs + NEIGHBOUR_EXPIRY_INTERVAL_MS;
            final int expired = neighbours.expire(nowMs);
            if (expired > 0)
            {
                counter(LbCounterDescriptor.NEIGHBOURS_EXPIRED).getAndAddRelease(expired);
            }
        }
        tx.flush();
        return work;
    }

    private int sendArpRequest(final int senderIp, final int targetIp)
    {
        final long h = port.alloc();
        if (0 == h)
        {
            counter(LbCounterDescriptor.NO_MBUF).incrementRelease();
            return 0;
        }
        port.dataLength(h, ArpHandler.MIN_FRAME_LENGTH);
        final int len = arp.writeRequest(port.data(h), port.dataOffset(h), senderIp, targetIp,
            snapshot.macFor(senderIp, portMac));
        tx.send(h, len);
        counter(LbCounterDescriptor.ARP_REQUESTS_SENT).incrementRelease();
        return 1;
    }

    /** A neighbour solicitation for an IPv6 next hop, from the director's address on its subnet. */
    private int sendSolicitation(final long targetHi, final long targetLo)
    {
        final RouteTable routes = snapshot.routes();
        if (routes.ipv6Addresses() == 0)
        {
            return 0;
        }
        final long h = port.alloc();
        if (0 == h)
        {
            counter(LbCounterDescriptor.NO_MBUF).incrementRelease();
            return 0;
        }
        final int source = routes.sourceIndexV6(targetHi, targetLo);
        port.dataLength(h, NeighbourDiscovery.FRAME_LENGTH);
        final int len = nd.writeSolicitation(port.data(h), port.dataOffset(h), routes.addressHi6(source),
            routes.addressLo6(source), targetHi, targetLo);
        tx.send(h, len);
        counter(LbCounterDescriptor.ND_SOLICITATIONS_SENT).incrementRelease();
        return 1;
    }

    private int sendUnsolicitedAdvertisement(final long hi, final long lo)
    {
        final long h = port.alloc();
        if (0 == h)
        {
            counter(LbCounterDescriptor.NO_MBUF).incrementRelease();
            return 0;
        }
        port.dataLength(h, NeighbourDiscovery.FRAME_LENGTH);
        final int len = nd.writeUnsolicited(port.data(h), port.dataOffset(h), hi, lo, snapshot.macFor6(hi, lo, portMac));
        tx.send(h, len);
        counter(LbCounterDescriptor.ND_ADVERTISEMENTS_SENT).incrementRelease();
        return 1;
    }

    @Override
    public void onClose()
    {
        tx.flush();
    }

    /**
     * Releases the agent's native buffers and frees the packets still in its inbox or held; call after every
     * agent's runner has stopped.
     */
    public void release()
    {
        // what other agents handed over and this one never took, and what it held, go back to the pool
        int n;
        while ((n = redirector.poll(redirectedHandles, nowMs)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                tx.drop(redirectedHandles[i]);
            }
            tx.flush();
        }
        fragments.release();
        tx.flush();
        conns.close();
        if (null != ownTemplates)
        {
            ownTemplates.close();
        }
        arena.close();
    }

    /**
     * What an agent is made of, Aeron style: set, then {@link #conclude()} (the constructor does).
     */
    public static final class Context
    {
        private String roleName = "fwd-0";
        private PacketPort port;
        private ConnTable conns;
        private TemplateTable templates;
        private ConnTimeouts timeouts = new ConnTimeouts();
        private IpvsSysctls sysctls = IpvsSysctls.DEFAULTS;
        private NeighbourTable neighbours = new NeighbourTable();
        private ForwardingSnapshot snapshot;
        private AtomicCounter[] counters;
        private AtomicCounter[] dropsByVerdict;
        private AtomicCounter[] cycleHistogram;
        private EpochClock epochClock;
        private NanoClock nanoClock;
        private Runnable onStart;
        private int mtu = DEFAULT_MTU;
        private int agent;
        private RedirectRings redirectRings;
        private HostPath hostPath;
        private SyncRings syncRings;

        /** Ethernet's: what a frame's IP packet may be. */
        public static final int DEFAULT_MTU = 1500;
        /** The least MTU an IPv4 link may have for the director's ICMP errors (576 bytes) to cross it. */
        public static final int MIN_MTU = 576;
        /** A jumbo frame's. */
        public static final int MAX_MTU = 9216;

        /** "fwd-3": the agent's name in counters and threads. */
        public Context roleName(final String roleName)
        {
            this.roleName = roleName;
            return this;
        }

        /** The port queue the agent polls and sends on. */
        public Context port(final PacketPort port)
        {
            this.port = port;
            return this;
        }

        /** The agent's own connection table of record ({@link ConnTables#table}): the connections it owns. */
        public Context conns(final ConnTable conns)
        {
            this.conns = conns;
            return this;
        }

        /** The persistence templates all agents share ({@link ConnTables#templates}); none: the agent's own. */
        public Context templates(final TemplateTable templates)
        {
            this.templates = templates;
            return this;
        }

        public Context timeouts(final ConnTimeouts timeouts)
        {
            this.timeouts = timeouts;
            return this;
        }

        /** The kernel's sysctls that change how connections start and end. */
        public Context sysctls(final IpvsSysctls sysctls)
        {
            this.sysctls = java.util.Objects.requireNonNull(sysctls, "sysctls");
            return this;
        }

        /** The agent's own neighbour table. */
        public Context neighbours(final NeighbourTable neighbours)
        {
            this.neighbours = neighbours;
            return this;
        }

        /** The first snapshot. */
        public Context snapshot(final ForwardingSnapshot snapshot)
        {
            this.snapshot = snapshot;
            return this;
        }

        /** The agent's counters, indexed by {@link LbCounterDescriptor#ordinal()}. */
        public Context counters(final AtomicCounter[] counters)
        {
            this.counters = counters;
            return this;
        }

        /** One counter per parser drop verdict, indexed by verdict. */
        /** The cycle-time histogram's counters ({@link io.jlvs.dataplane.status.DataplaneCounters#newCycleHistogram}); none when not given. */
        public Context cycleHistogram(final AtomicCounter[] cycleHistogram)
        {
            this.cycleHistogram = cycleHistogram;
            return this;
        }

        public Context dropsByVerdict(final AtomicCounter[] dropsByVerdict)
        {
            this.dropsByVerdict = dropsByVerdict;
            return this;
        }

        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /** Run on the agent's thread before the first cycle (DPDK thread registration, pinning). */
        public Context onStart(final Runnable onStart)
        {
            this.onStart = onStart;
            return this;
        }

        /** The link's MTU, what a tunnelled packet must fit. */
        public Context mtu(final int mtu)
        {
            this.mtu = mtu;
            return this;
        }

        /** This agent's index among the director's agents: the connections it owns ({@link ConnOwner}). */
        public Context agent(final int agent)
        {
            this.agent = agent;
            return this;
        }

        /**
         * The rings between the director's agents; without them the agent is the only one (it owns every
         * connection).
         */
        public Context redirectRings(final RedirectRings rings)
        {
            this.redirectRings = rings;
            return this;
        }

        /** The director's own host path, if it has one: frames for its kernel go there, agent 0 sends the kernel's. */
        public Context hostPath(final HostPath hostPath)
        {
            this.hostPath = hostPath;
            return this;
        }

        /**
         * The rings to the sync daemon: when the snapshot makes this director a sync master, the agent reports
         * connections into its ring. Without them nothing is reported.
         */
        public Context syncRings(final SyncRings syncRings)
        {
            this.syncRings = syncRings;
            return this;
        }

        public Context conclude()
        {
            Objects.requireNonNull(port, "port");
            Objects.requireNonNull(conns, "conns");
            Objects.requireNonNull(timeouts, "timeouts");
            Objects.requireNonNull(neighbours, "neighbours");
            Objects.requireNonNull(snapshot, "snapshot");
            Objects.requireNonNull(counters, "counters");
            Objects.requireNonNull(dropsByVerdict, "dropsByVerdict");
            Objects.requireNonNull(epochClock, "epochClock");
            Objects.requireNonNull(nanoClock, "nanoClock");
            if (null == redirectRings)
            {
                redirectRings = new RedirectRings(1, RedirectRings.MIN_CAPACITY);
            }
            if (agent < 0 || agent >= redirectRings.agents())
            {
                throw new IllegalArgumentException("agent " + agent + " of " + redirectRings.agents());
            }
            if (mtu < MIN_MTU || mtu > MAX_MTU)
            {
                throw new IllegalArgumentException("mtu must be " + MIN_MTU + ".." + MAX_MTU + ": " + mtu);
            }
            return this;
        }
    }
}
