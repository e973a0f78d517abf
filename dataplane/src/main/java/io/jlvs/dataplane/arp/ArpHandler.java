package io.jlvs.dataplane.arp;

import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.proto.ArpFlyweight;
import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

/**
 * ARP on the dataplane port: answers requests for the director's own addresses and its VIPs (as the
 * kernel would for addresses on its interface), learns real servers' MACs into the
 * {@link NeighbourTable}, and writes requests for addresses the agent needs resolved.
 * Replies are made in place in the request's buffer, so answering allocates nothing.
 */
public final class ArpHandler
{
    public static final int ETHERTYPE_ARP = 0x0806;
    public static final int ARP_FRAME_LENGTH = 42;
    /** Shortest Ethernet frame without FCS; locally made frames are padded to it. */
    public static final int MIN_FRAME_LENGTH = 60;
    public static final long BROADCAST = 0xFFFF_FFFF_FFFFL;

    private static final int HTYPE_ETHERNET = 1;
    private static final int PTYPE_IPV4 = 0x0800;
    private static final int OP_REQUEST = 1;
    private static final int OP_REPLY = 2;

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final ArpFlyweight arp = new ArpFlyweight();
    private final NeighbourTable neighbours;
    private final long portMac;
    private final AtomicCounter requestsReceived;
    private final AtomicCounter repliesSent;
    private final AtomicCounter repliesReceived;
    private final AtomicCounter notForUs;
    private int learnedIp;
    private int replyTarget;

    public ArpHandler(final NeighbourTable neighbours, final long portMac, final AtomicCounter[] counters)
    {
        this.neighbours = neighbours;
        this.portMac = portMac;
        this.requestsReceived = counters[LbCounterDescriptor.ARP_REQUESTS_RECEIVED.ordinal()];
        this.repliesSent = counters[LbCounterDescriptor.ARP_REPLIES_SENT.ordinal()];
        this.repliesReceived = counters[LbCounterDescriptor.ARP_REPLIES_RECEIVED.ordinal()];
        this.notForUs = counters[LbCounterDescriptor.ARP_NOT_FOR_US.ordinal()];
    }

    /**
     * Handles an ARP packet the parser has validated.
     *
     * @param arpOffset offset of the ARP header in the segment.
     * @return true when a reply was written in place and the buffer is to be sent back as it is; false
     * when it is to be freed.
     */
    public boolean onArp(
        final MemorySegment seg,
        final long frameOffset,
        final long arpOffset,
        final ForwardingSnapshot snapshot,
        final long nowMs)
    {
        arp.wrap(seg, arpOffset);
        final int op = arp.oper();
        final int spa = arp.spa();
        final int tpa = arp.tpa();
        final long sha = arp.sha();
        final boolean forUs = snapshot.isLocalV4(tpa);

        // Learn, as Linux does, from any ARP aimed at us and refresh entries already held (gratuitous too).
        learnedIp = 0;
        replyTarget = 0;
        if (spa != 0 && sha != 0 && sha != BROADCAST && (forUs || neighbours.contains(spa)))
        {
            neighbours.learn(spa, sha, nowMs);
            learnedIp = spa;
        }

        if (op == OP_REQUEST)
        {
            requestsReceived.incrementRelease();
            if (!forUs || spa == tpa)
            {
                notForUs.incrementRelease();
                return false;
            }
            final long mac = snapshot.macFor(tpa, portMac);
            eth.wrap(seg, frameOffset);
            eth.dstMac(sha).srcMac(mac);
            arp.oper(OP_REPLY).tha(sha).tpa(spa).sha(mac).spa(tpa);
            repliesSent.incrementRelease();
            return true;
        }
        if (op == OP_REPLY)
        {
            replyTarget = tpa;
            repliesReceived.incrementRelease();
            return false;
        }
        notForUs.incrementRelease();
        return false;
    }

    /** The target address of the last {@link #onArp} when it was a reply (whom it answers), else 0. */
    public int replyTarget()
    {
        return replyTarget;
    }

    /**
     * The address the last {@link #onArp} learned or refreshed, 0 if none: the agent tells the other agents, whose
     * queues do not see this ARP packet.
     */
    public int learnedIp()
    {
        return learnedIp;
    }

    /**
     * Writes a broadcast request "who has {@code targetIp}? tell {@code senderIp}" (or, when the two are
     * equal, a gratuitous ARP announcing it) at the start of an empty buffer.
     *
     * @return the frame length (padded to the Ethernet minimum).
     */
    public int writeRequest(final MemorySegment seg, final long offset, final int senderIp, final int targetIp)
    {
        return writeRequest(seg, offset, senderIp, targetIp, portMac);
    }

    /** As above, from {@code senderMac}: the pair's virtual MAC announcing a VIP. */
    public int writeRequest(final MemorySegment seg, final long offset, final int senderIp, final int targetIp,
        final long senderMac)
    {
        seg.asSlice(offset, MIN_FRAME_LENGTH).fill((byte)0);
        eth.wrap(seg, offset);
        eth.dstMac(BROADCAST).srcMac(senderMac).etherType(ETHERTYPE_ARP);
        arp.wrap(seg, offset + 14);
        arp.htype(HTYPE_ETHERNET).ptype(PTYPE_IPV4).hlen(6).plen(4).oper(OP_REQUEST)
            .sha(senderMac).spa(senderIp).tha(0).tpa(targetIp);
        return MIN_FRAME_LENGTH;
    }
}
