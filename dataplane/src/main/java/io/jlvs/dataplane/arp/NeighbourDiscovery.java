package io.jlvs.dataplane.arp;

import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U64;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * IPv6 neighbour discovery (RFC 4861) as the director needs it, ARP's counterpart: it answers neighbour
 * solicitations for its own IPv6 addresses and its IPv6 VIPs with a solicited advertisement written in place,
 * learns link-layer addresses from solicitations and advertisements, and writes the solicitations the agent sends
 * for its next hops and the unsolicited advertisements it sends for its addresses. Messages whose hop limit is not
 * 255 (they crossed a router), with a bad checksum or cut short are counted and dropped. One per agent; nothing
 * allocates.
 */
public final class NeighbourDiscovery
{
    public static final int NEIGHBOUR_SOLICITATION = 135;
    public static final int NEIGHBOUR_ADVERTISEMENT = 136;
    /** ICMPv6 header, reserved/flags word, target address. */
    static final int MESSAGE_LENGTH = 24;
    /** With one link-layer address option. */
    static final int MESSAGE_WITH_OPTION = 32;
    /** A frame carrying one: Ethernet, IPv6, message and option. */
    public static final int FRAME_LENGTH = EthernetFlyweight.HEADER_LENGTH + Ipv6Flyweight.HEADER_LENGTH + MESSAGE_WITH_OPTION;
    static final int OPTION_SOURCE_LL = 1;
    static final int OPTION_TARGET_LL = 2;
    static final int FLAG_SOLICITED = 0x40;
    static final int FLAG_OVERRIDE = 0x20;
    static final int HOP_LIMIT = 255;
    /** ff02::1, all nodes. */
    static final long ALL_NODES_HI = 0xFF02_0000_0000_0000L;
    static final long ALL_NODES_LO = 1L;


    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final Ipv6Flyweight ip6 = new Ipv6Flyweight();
    private final NeighbourTable neighbours;
    private final long portMac;
    private final AtomicCounter solicitationsReceived;
    private final AtomicCounter advertisementsSent;
    private final AtomicCounter advertisementsReceived;
    private final AtomicCounter malformed;
    private long learnedHi;
    private long learnedLo;
    private boolean learned;
    private int replyLength;

    public NeighbourDiscovery(final NeighbourTable neighbours, final long portMac, final AtomicCounter[] counters)
    {
        this.neighbours = neighbours;
        this.portMac = portMac;
        this.solicitationsReceived = counters[LbCounterDescriptor.ND_SOLICITATIONS_RECEIVED.ordinal()];
        this.advertisementsSent = counters[LbCounterDescriptor.ND_ADVERTISEMENTS_SENT.ordinal()];
        this.advertisementsReceived = counters[LbCounterDescriptor.ND_ADVERTISEMENTS_RECEIVED.ordinal()];
        this.malformed = counters[LbCounterDescriptor.ND_MALFORMED.ordinal()];
    }

    /** True for the ICMPv6 types handled here. */
    public static boolean isNeighbourDiscovery(final int icmpType)
    {
        return icmpType == NEIGHBOUR_SOLICITATION || icmpType == NEIGHBOUR_ADVERTISEMENT;
    }

    /**
     * Handles a parsed neighbour solicitation or advertisement.
     *
     * @return true when an advertisement was written in place and the buffer is to be sent back; false when it is
     *         to be freed.
     */
    public boolean onMessage(final MemorySegment seg, final long frame, final PacketView v,
        final ForwardingSnapshot snapshot, final long nowMs)
    {
        learned = false;
        final long ip = frame + v.l3Offset;
        final long icmp = frame + v.l4Offset;
        final int length = v.l3Length - (v.l4Offset - v.l3Offset);
        if (length < MESSAGE_LENGTH ||
            (seg.get(U8, ip + Ipv6Flyweight.HOP_LIMIT_OFFSET) & 0xFF) != HOP_LIMIT ||
            (seg.get(U8, icmp + 1) != 0) ||
            InetChecksum.sum(seg, icmp, length, InetChecksum.pseudoHeaderSum6(
                v.saddrHi, v.saddrLo, v.daddrHi, v.daddrLo, IpProtocol.ICMPV6, length)) != 0xFFFF)
        {
            malformed.incrementRelease();
            return false;
        }
        final int type = seg.get(U8, icmp) & 0xFF;
        final long targetHi = seg.get(U64, icmp + 8);
        final long targetLo = seg.get(U64, icmp + 16);
        final long option = linkLayerOption(seg, icmp, length, type == NEIGHBOUR_SOLICITATION ? OPTION_SOURCE_LL : OPTION_TARGET_LL);
        if (type == NEIGHBOUR_ADVERTISEMENT)
        {
            advertisementsReceived.incrementRelease();
            if (option != 0 && (snapshot.neighboursV6().contains(targetHi, targetLo) ||
                neighbours.contains6(targetHi, targetLo)))
            {
                learn(targetHi, targetLo, option, nowMs);
            }
            return false;
        }
        solicitationsReceived.incrementRelease();
        final boolean unspecifiedSource = (v.saddrHi | v.saddrLo) == 0;
        if (!snapshot.isLocalV6(targetHi, targetLo) || unspecifiedSource)
        {
            return false; // not ours, or duplicate address detection (which the director does not contest)
        }
        if (option != 0)
        {
            learn(v.saddrHi, v.saddrLo, option, nowMs);
        }
        final long toMac = option != 0 ? option : eth.wrap(seg, frame).srcMac();
        replyLength = writeAdvertisement(seg, frame, v.l3Offset, targetHi, targetLo, v.saddrHi, v.saddrLo, toMac,
            FLAG_SOLICITED | FLAG_OVERRIDE, snapshot.macFor6(targetHi, targetLo, portMac));
        advertisementsSent.incrementRelease();
        return true;
    }

    private void learn(final long hi, final long lo, final long mac, final long nowMs)
    {
        neighbours.learn6(hi, lo, mac, nowMs);
        learnedHi = hi;
        learnedLo = lo;
        learned = true;
    }

    /** The frame length of the advertisement the last {@link #onMessage} wrote. */
    public int replyLength()
    {
        return replyLength;
    }

    /** Whether the last {@link #onMessage} learned a neighbour ({@link #learnedHi}, {@link #learnedLo}). */
    public boolean learned()
    {
        return learned;
    }

    public long learnedHi()
    {
        return learnedHi;
    }

    public long learnedLo()
    {
        return learnedLo;
    }

    /** The MAC in the first link-layer address option of this type, or 0. */
    private static long linkLayerOption(final MemorySegment seg, final long icmp, final int length, final int wanted)
    {
        int at = MESSAGE_LENGTH;
        while (at + 8 <= length)
        {
            final int type = seg.get(U8, icmp + at) & 0xFF;
            final int units = seg.get(U8, icmp + at + 1) & 0xFF;
            if (units == 0)
            {
                return 0; // an option of length 0 is invalid: stop, as RFC 4861 says to drop it
            }
            if (type == wanted && units == 1)
            {
                return (Short.toUnsignedLong(seg.get(U16, icmp + at + 2)) << 32) |
                    Integer.toUnsignedLong(seg.get(U32, icmp + at + 4));
            }
            at += units * 8;
        }
        return 0;
    }

    /**
     * Writes a neighbour advertisement for {@code target} to {@code (dstHi, dstLo)} at {@code toMac}, from the port,
     * over the frame at {@code frame} (its IPv6 header at {@code frame + l3}).
     *
     * @return the frame's length.
     */
    public int writeAdvertisement(final MemorySegment seg, final long frame, final int l3, final long targetHi,
        final long targetLo, final long dstHi, final long dstLo, final long toMac, final int flags, final long fromMac)
    {
        final long ip = frame + l3;
        final long icmp = ip + Ipv6Flyweight.HEADER_LENGTH;
        writeHeaders(seg, frame, l3, targetHi, targetLo, dstHi, dstLo, toMac, fromMac);
        seg.set(U8, icmp, (byte)NEIGHBOUR_ADVERTISEMENT);
        seg.set(U8, icmp + 4, (byte)flags);
        writeTargetAndOption(seg, icmp, targetHi, targetLo, OPTION_TARGET_LL, fromMac);
        checksum(seg, icmp, targetHi, targetLo, dstHi, dstLo);
        return l3 + Ipv6Flyweight.HEADER_LENGTH + MESSAGE_WITH_OPTION;
    }

    /**
     * An unsolicited advertisement of one of the director's addresses to all nodes, from {@code fromMac}, at the start
     * of an empty buffer.
     */
    public int writeUnsolicited(final MemorySegment seg, final long frame, final long addrHi, final long addrLo,
        final long fromMac)
    {
        return writeAdvertisement(seg, frame, EthernetFlyweight.HEADER_LENGTH, addrHi, addrLo, ALL_NODES_HI,
            ALL_NODES_LO, multicastMac(ALL_NODES_LO), FLAG_OVERRIDE, fromMac);
    }

    /**
     * A solicitation for {@code target} from {@code (srcHi, srcLo)} to its solicited-node multicast address, at the
     * start of an empty buffer.
     *
     * @return the frame's length.
     */
    public int writeSolicitation(final MemorySegment seg, final long frame, final long srcHi, final long srcLo,
        final long targetHi, final long targetLo)
    {
        final int l3 = EthernetFlyweight.HEADER_LENGTH;
        final long icmp = frame + l3 + Ipv6Flyweight.HEADER_LENGTH;
        final long dstHi = 0xFF02_0000_0000_0000L;
        final long dstLo = 0x0000_0001_FF00_0000L | (targetLo & 0xFF_FFFFL);
        writeHeaders(seg, frame, l3, srcHi, srcLo, dstHi, dstLo, multicastMac(dstLo), portMac);
        seg.set(U8, icmp, (byte)NEIGHBOUR_SOLICITATION);
        seg.set(U8, icmp + 4, (byte)0);
        writeTargetAndOption(seg, icmp, targetHi, targetLo, OPTION_SOURCE_LL, portMac);
        checksum(seg, icmp, srcHi, srcLo, dstHi, dstLo);
        return l3 + Ipv6Flyweight.HEADER_LENGTH + MESSAGE_WITH_OPTION;
    }

    /** 33:33 and the address's low 32 bits (RFC 2464). */
    static long multicastMac(final long dstLo)
    {
        return 0x3333_0000_0000L | (dstLo & 0xFFFF_FFFFL);
    }

    private void writeHeaders(final MemorySegment seg, final long frame, final int l3, final long srcHi,
        final long srcLo, final long dstHi, final long dstLo, final long toMac, final long fromMac)
    {
        eth.wrap(seg, frame).dstMac(toMac).srcMac(fromMac).etherType(EthernetFlyweight.ETHER_TYPE_IPV6);
        ip6.wrap(seg, frame + l3).header(0, MESSAGE_WITH_OPTION, IpProtocol.ICMPV6, HOP_LIMIT, srcHi, srcLo, dstHi, dstLo);
    }

    private void writeTargetAndOption(final MemorySegment seg, final long icmp, final long targetHi,
        final long targetLo, final int option, final long mac)
    {
        seg.set(U8, icmp + 1, (byte)0);
        seg.set(U16, icmp + 2, (short)0);
        seg.set(U8, icmp + 5, (byte)0);
        seg.set(U16, icmp + 6, (short)0);
        seg.set(U64, icmp + 8, targetHi);
        seg.set(U64, icmp + 16, targetLo);
        seg.set(U8, icmp + 24, (byte)option);
        seg.set(U8, icmp + 25, (byte)1);
        seg.set(U16, icmp + 26, (short)(mac >>> 32));
        seg.set(U32, icmp + 28, (int)mac);
    }

    private static void checksum(final MemorySegment seg, final long icmp, final long srcHi, final long srcLo,
        final long dstHi, final long dstLo)
    {
        seg.set(U16, icmp + 2, (short)InetChecksum.l4Checksum(seg, icmp, MESSAGE_WITH_OPTION,
            InetChecksum.pseudoHeaderSum6(srcHi, srcLo, dstHi, dstLo, IpProtocol.ICMPV6, MESSAGE_WITH_OPTION)));
    }
}
