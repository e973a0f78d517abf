package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.ArpHandler;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.port.TxBuffer;
import io.jlvs.dataplane.icmp.IcmpEchoResponder;
import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketParser;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.proto.ParseVerdict;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.DutyCycleTracker;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.DrXmit;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.OneToOneConcurrentArrayQueue;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One forwarding agent: a poll-mode loop over one port queue on one dedicated core.
 * <p>
 * Duty cycle: adopt a new snapshot if one was offered -> receive a burst -> per packet: classify, ARP or
 * IPVS lookup/schedule, rewrite -> transmit the burst and free the drops -> housekeeping (ARP requests,
 * neighbour expiry) at most every {@value #HOUSEKEEPING_INTERVAL_MS} ms -> a bounded connection expiry step
 * at most once a millisecond -> cycle time. Nothing here allocates, logs or throws per packet: a bad
 * packet is counted and dropped.
 */
public final class ForwardingAgent implements Agent
{
    public static final int BURST = 32;
    public static final int EXPIRE_LIMIT = 64;
    public static final int HOUSEKEEPING_INTERVAL_MS = 100;
    public static final int NEIGHBOUR_EXPIRY_INTERVAL_MS = 1000;

    private final String roleName;
    private final PacketPort port;
    private final long portMac;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment rxHandles;
    private final long[] cacheOffsets = new long[BURST];
    private final TxBuffer tx;
    private final PacketParser parser = new PacketParser();
    private final PacketView view = new PacketView();
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final NeighbourTable neighbours;
    private final ArpHandler arp;
    private final IpvsIn ipvs;
    private final DrXmit dr;
    private final OneToOneConcurrentArrayQueue<ForwardingSnapshot> snapshotQueue =
        new OneToOneConcurrentArrayQueue<>(8);
    private final AtomicCounter[] counters;
    private final AtomicCounter[] dropsByVerdict;
    private final AtomicCounter rxPackets;
    private final AtomicCounter rxBytes;
    private final AtomicCounter malformed;
    private final AtomicCounter noNeighbour;
    private final AtomicCounter chained;
    private final AtomicCounter notOurMac;
    private final DutyCycleTracker dutyCycle;
    private final IcmpEchoResponder icmp;
    private final AtomicCounter icmpReplies;
    private final AtomicCounter icmpDropped;
    private final EpochClock epochClock;
    private final NanoClock nanoClock;
    private final Runnable onStart;
    private final int primaryAddressV4;

    /** The snapshot the fast path uses: written and read by the agent thread only. */
    private ForwardingSnapshot snapshot;
    /** The same, published for the control plane's readers. */
    private volatile ForwardingSnapshot published;
    private long nowMs;
    private long nextHousekeepingMs;
    private long nextNeighbourExpiryMs;
    private long lastExpiryMs;
    private boolean announce;

    /**
     * @param counters          this agent's counters indexed by {@link LbCounterDescriptor#ordinal()}.
     * @param dropsByVerdict    one counter per parser drop verdict, indexed by verdict.
     * @param primaryAddressV4  the director's own address, the sender of its ARP requests.
     * @param onStart           run on the agent's thread before the first cycle (DPDK thread registration, pinning).
     */
    public ForwardingAgent(
        final String roleName,
        final PacketPort port,
        final ConnTable conns,
        final ConnTimeouts timeouts,
        final NeighbourTable neighbours,
        final ForwardingSnapshot initial,
        final int primaryAddressV4,
        final AtomicCounter[] counters,
        final AtomicCounter[] dropsByVerdict,
        final EpochClock epochClock,
        final NanoClock nanoClock,
        final Runnable onStart)
    {
        this.roleName = roleName;
        this.port = port;
        this.portMac = port.macAddress();
        this.neighbours = neighbours;
        this.primaryAddressV4 = primaryAddressV4;
        this.counters = counters;
        this.dropsByVerdict = dropsByVerdict;
        this.epochClock = epochClock;
        this.nanoClock = nanoClock;
        this.onStart = onStart;
        this.rxHandles = arena.allocate(ValueLayout.JAVA_LONG, BURST);
        this.tx = new TxBuffer(port, BURST * 2, arena, counters);
        this.arp = new ArpHandler(neighbours, portMac, counters);
        this.ipvs = new IpvsIn(conns, new FlowCache(conns.capacity()), timeouts, counters);
        this.dr = new DrXmit(portMac);
        this.rxPackets = counter(LbCounterDescriptor.RX_PACKETS);
        this.rxBytes = counter(LbCounterDescriptor.RX_BYTES);
        this.malformed = counter(LbCounterDescriptor.DROPPED_MALFORMED);
        this.noNeighbour = counter(LbCounterDescriptor.NO_NEIGHBOUR);
        this.chained = counter(LbCounterDescriptor.CHAINED_MBUF);
        this.notOurMac = counter(LbCounterDescriptor.NOT_OUR_MAC);
        this.dutyCycle = new DutyCycleTracker(
            counter(LbCounterDescriptor.MAX_CYCLE_TIME_NS),
            counter(LbCounterDescriptor.CYCLE_TIME_THRESHOLD_EXCEEDED),
            1_000_000L);
        this.snapshot = initial;
        this.published = initial;
        this.icmp = new IcmpEchoResponder(portMac);
        this.icmpReplies = counter(LbCounterDescriptor.ICMP_ECHO_REPLIES);
        this.icmpDropped = counter(LbCounterDescriptor.ICMP_FOR_VIP);
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
     * Tells the agent how many agents share its connection table; call before it runs. With more than one, a
     * flow is written back to the table at least once a second, because another agent's expiry may visit it
     * without being able to ask this agent's cache.
     */
    public ForwardingAgent agentsSharingTable(final int agents)
    {
        ipvs.maxWriteBackMs(agents > 1 ? ConnStateMachine.WRITE_BACK_GRANULARITY_MS : 60_000);
        return this;
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

        final int n = port.rxBurst(rxHandles, BURST);
        if (n > 1)
        {
            prefetch(n);
        }
        for (int i = 0; i < n; i++)
        {
            onPacket(rxHandles.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
        tx.flush();
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
            work += ipvs.expire(nowMs, EXPIRE_LIMIT, snapshot);
        }
        dutyCycle.update(nanoClock.nanoTime());
        return work;
    }

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
        snapshot = latest;
        published = latest;
        announce = true;
        nextHousekeepingMs = 0;
        counter(LbCounterDescriptor.SNAPSHOTS_APPLIED).incrementRelease();
        return 1;
    }

    /**
     * Before a burst is processed: parse it once to find each IP packet's connection cache slot, then load
     * those slots in a tight loop. With many flows every lookup is a DRAM miss; issued back to back the misses
     * overlap instead of stalling one packet after another. Parsing twice costs ~15 ns a packet.
     */
    private void prefetch(final int n)
    {
        int slots = 0;
        for (int i = 0; i < n; i++)
        {
            final long handle = rxHandles.getAtIndex(ValueLayout.JAVA_LONG, i);
            if (!port.isChained(handle))
            {
                final int verdict = parser.parse(port.data(handle), port.dataOffset(handle), port.dataLength(handle), view);
                if (verdict == ParseVerdict.IPV4 || verdict == ParseVerdict.IPV6)
                {
                    cacheOffsets[slots++] = ipvs.cacheOffset(view);
                }
            }
        }
        for (int i = 0; i < slots; i++)
        {
            ipvs.touch(cacheOffsets[i]);
        }
    }

    private void onPacket(final long handle)
    {
        final int length = port.dataLength(handle);
        rxPackets.incrementRelease();
        rxBytes.getAndAddRelease(length);
        if (port.isChained(handle))
        {
            chained.incrementRelease();
            tx.drop(handle);
            return;
        }

        final MemorySegment seg = port.data(handle);
        final long offset = port.dataOffset(handle);
        final int verdict = parser.parse(seg, offset, length, view);
        switch (verdict)
        {
            case ParseVerdict.IPV4, ParseVerdict.IPV6 -> onIp(handle, seg, offset, length);
            case ParseVerdict.ARP -> onArp(handle, seg, offset, length);
            default ->
            {
                malformed.incrementRelease();
                dropsByVerdict[verdict].incrementRelease();
                tx.drop(handle);
            }
        }
    }

    private void onIp(final long handle, final MemorySegment seg, final long offset, final int length)
    {
        final long dst = eth.wrap(seg, offset).dstMac();
        if (dst != portMac && (dst & 0x0100_0000_0000L) == 0)
        {
            notOurMac.incrementRelease();
            tx.drop(handle);
            return;
        }

        if (view.protocol == IpProtocol.ICMP && view.af == PacketView.AF_INET && snapshot.isLocalV4(view.daddrV4()))
        {
            onIcmpForUs(handle, seg, offset, length);
            return;
        }

        final Dest dest = ipvs.onPacket(snapshot.services(), view, nowMs);
        if (null == dest)
        {
            tx.drop(handle);
            return;
        }
        final long destMac = dest.af() == PacketView.AF_INET ? neighbours.lookup(dest.addrV4()) : NeighbourTable.UNKNOWN;
        if (destMac == NeighbourTable.UNKNOWN)
        {
            noNeighbour.incrementRelease();
            nextHousekeepingMs = 0;
            tx.drop(handle);
            return;
        }
        dr.xmit(seg, offset, destMac);
        tx.send(handle, length);
    }

    private void onIcmpForUs(final long handle, final MemorySegment seg, final long offset, final int length)
    {
        if (icmp.isEchoRequest(seg, offset, view))
        {
            icmp.reply(seg, offset, view);
            icmpReplies.incrementRelease();
            tx.send(handle, length);
        }
        else
        {
            icmpDropped.incrementRelease();
            tx.drop(handle);
        }
    }

    private void onArp(final long handle, final MemorySegment seg, final long offset, final int length)
    {
        if (arp.onArp(seg, offset, offset + view.l3Offset, snapshot, nowMs))
        {
            tx.send(handle, length);
        }
        else
        {
            tx.drop(handle);
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
            final org.agrona.collections.IntHashSet.IntIterator it = s.localAddressesV4().iterator();
            while (it.hasNext())
            {
                final int addr = it.nextValue();
                work += sendArpRequest(addr, addr);
            }
        }
        for (final int addr : s.neighboursV4())
        {
            if (neighbours.shouldRequest(addr, nowMs))
            {
                work += sendArpRequest(primaryAddressV4, addr);
            }
        }
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
        final int len = arp.writeRequest(port.data(h), port.dataOffset(h), senderIp, targetIp);
        tx.send(h, len);
        counter(LbCounterDescriptor.ARP_REQUESTS_SENT).incrementRelease();
        return 1;
    }

    @Override
    public void onClose()
    {
        tx.flush();
    }

    /** Releases the agent's native buffers; call after its runner has stopped. */
    public void release()
    {
        ipvs.close();
        arena.close();
    }
}
