package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.NeighbourDiscovery;
import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.frag.FragmentTable;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketParser;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.proto.ParseVerdict;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.ValueLayout;

/**
 * Parses a received burst once and decides where each packet goes, before any is processed:
 * <pre>
 *   chained, malformed, for another MAC ........................ dropped, counted by reason
 *   ARP ....................................................... {@link Packet#ROUTE_ARP}
 *   IPv6 neighbour discovery .................................... {@link Packet#ROUTE_ND}
 *   TCP/UDP/SCTP to a virtual service ........................... {@link Packet#ROUTE_IN}        (key tag computed)
 *   ICMP to one of the director's addresses or a VIP ........... {@link Packet#ROUTE_ICMP_LOCAL}
 *   ICMP from a NAT real server ................................ {@link Packet#ROUTE_ICMP_OUT}
 *   TCP/UDP from a NAT real server ............................. {@link Packet#ROUTE_OUT}       (key tag computed)
 *   a later fragment of either ................................. {@link Packet#ROUTE_FRAGMENT}
 *   TCP/UDP to the director's own address, with a host path ..... {@link Packet#ROUTE_HOST}
 *   anything else .............................................. dropped: not for a virtual service
 * </pre>
 * Then it loads the cache slots of the burst's connections in a tight loop: with many flows every lookup is a
 * DRAM miss, and issued back to back the misses overlap instead of stalling one packet after another. Each packet
 * is parsed and its key hashed once.
 * <p>
 * With several agents it also names each connection's owner ({@link ConnOwner}); only the owner's cache slots are
 * loaded, the others' packets are handed over unprocessed. A fragment's owner is first the agent that gathers its
 * datagram ({@link FragmentTable#gatherer}). A packet another agent handed over is classified again here (its bytes
 * are all it carries) but not counted as received twice. One per agent; nothing allocated.
 */
final class BurstClassifier
{
    private final PacketPort port;
    private final long portMac;
    private final PacketParser parser = new PacketParser();
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final AgentConnTable conns;
    private final long[] cacheOffsets;
    private final AtomicCounter[] dropsByVerdict;
    private final AtomicCounter rxPackets;
    private final AtomicCounter rxBytes;
    private final AtomicCounter chained;
    private final AtomicCounter malformed;
    private final AtomicCounter notOurMac;
    private final AtomicCounter notForService;
    /** 224.0.0.18, where VRRP advertisements go. */
    static final int VRRP_GROUP = 0xE000_0012;
    /** ff02::12, where IPv6 VRRP advertisements go. */
    static final long VRRP_GROUP6_HI = 0xFF02_0000_0000_0000L;
    static final long VRRP_GROUP6_LO = 0x12L;
    private final AtomicCounter standby;
    private final AtomicCounter fragments;
    private final AtomicCounter fragmentUnsupported;
    private final AtomicCounter notOwner;
    private final int self;
    private final int agents;
    private boolean hostPath;

    BurstClassifier(
        final PacketPort port,
        final AgentConnTable conns,
        final int self,
        final int agents,
        final int burst,
        final AtomicCounter[] counters,
        final AtomicCounter[] dropsByVerdict)
    {
        this.port = port;
        this.self = self;
        this.agents = agents;
        this.portMac = port.macAddress();
        this.conns = conns;
        this.cacheOffsets = new long[burst];
        this.dropsByVerdict = dropsByVerdict;
        this.rxPackets = counters[LbCounterDescriptor.RX_PACKETS.ordinal()];
        this.rxBytes = counters[LbCounterDescriptor.RX_BYTES.ordinal()];
        this.chained = counters[LbCounterDescriptor.CHAINED_MBUF.ordinal()];
        this.malformed = counters[LbCounterDescriptor.DROPPED_MALFORMED.ordinal()];
        this.notOurMac = counters[LbCounterDescriptor.NOT_OUR_MAC.ordinal()];
        this.notForService = counters[LbCounterDescriptor.NOT_FOR_SERVICE.ordinal()];
        this.standby = counters[LbCounterDescriptor.STANDBY.ordinal()];
        this.fragments = counters[LbCounterDescriptor.FRAGMENTS.ordinal()];
        this.fragmentUnsupported = counters[LbCounterDescriptor.FRAGMENT_UNSUPPORTED.ordinal()];
        this.notOwner = counters[LbCounterDescriptor.REDIRECT_NOT_OWNER.ordinal()];
    }

    /**
     * Classifies the first {@code n} packets of {@code burst}, whose handles are already set, against {@code s}.
     *
     * @param stage where the packets came from: {@link Packet#STAGE_RX}, or handed over by another agent.
     */
    void classify(final Packet[] burst, final int n, final ForwardingSnapshot s, final int stage)
    {
        int slots = 0;
        for (int i = 0; i < n; i++)
        {
            final Packet p = burst[i];
            if (Packet.STAGE_RX == stage)
            {
                rxPackets.incrementRelease();
                rxBytes.getAndAddRelease(p.length);
            }
            p.route = route(p, s);
            if (p.view.fragment != PacketView.NOT_FRAGMENT && p.route != Packet.ROUTE_DROP)
            {
                p.route = fragmentRoute(p, stage);
            }
            else if (p.route == Packet.ROUTE_IN || p.route == Packet.ROUTE_OUT)
            {
                final int owner = ConnOwner.of(p.key, agents);
                p.owner = owner;
                if (owner == self)
                {
                    cacheOffsets[slots++] = conns.cacheOffset(p.tag);
                }
                else if (Packet.STAGE_RX != stage)
                {
                    p.route = notOwned(); // handed over twice would be a loop: never
                }
            }
        }
        if (slots > 1)
        {
            for (int i = 0; i < slots; i++)
            {
                conns.touch(cacheOffsets[i]);
            }
        }
    }

    /** VRRP to its group (224.0.0.18, ff02::12) or to one of the director's addresses (a unicast peer's). */
    private static boolean isForVrrp(final PacketView v, final ForwardingSnapshot s)
    {
        return v.af == PacketView.AF_INET ? v.daddrV4() == VRRP_GROUP || s.routes().isOwnAddress(v.daddrV4()) :
            (v.daddrHi == VRRP_GROUP6_HI && v.daddrLo == VRRP_GROUP6_LO) || s.routes().isOwnAddressV6(v.daddrHi, v.daddrLo);
    }

    private static boolean isTransport(final int protocol)
    {
        return protocol == IpProtocol.TCP || protocol == IpProtocol.UDP || protocol == IpProtocol.SCTP;
    }

    /** IPv6 that is not to a virtual service: neighbour discovery, ICMPv6 for the director, NAT replies. */
    private int routeV6(final Packet p, final ForwardingSnapshot s, final boolean ports)
    {
        final PacketView v = p.view;
        if (v.protocol == IpProtocol.ICMPV6 && v.fragment == PacketView.NOT_FRAGMENT)
        {
            final int type = Byte.toUnsignedInt(p.seg.get(ValueLayout.JAVA_BYTE, p.l4()));
            if (NeighbourDiscovery.isNeighbourDiscovery(type))
            {
                return Packet.ROUTE_ND;
            }
            if (s.isLocalV6(v.daddrHi, v.daddrLo))
            {
                return Packet.ROUTE_ICMP_LOCAL;
            }
        }
        if (hostPath && ports && s.routes().isOwnAddressV6(v.daddrHi, v.daddrLo))
        {
            return Packet.ROUTE_HOST;
        }
        if (s.isNatSourceV6(v.saddrHi, v.saddrLo) && !s.standby())
        {
            if (v.protocol == IpProtocol.ICMPV6 && v.fragment == PacketView.NOT_FRAGMENT)
            {
                return Packet.ROUTE_ICMP_OUT;
            }
            if (ports)
            {
                p.tag = FlowCache.tagOf(p.key.setOutFromPacket(v));
                return Packet.ROUTE_OUT;
            }
            if (v.fragment == PacketView.LATER_FRAGMENT)
            {
                return Packet.ROUTE_FRAGMENT;
            }
        }
        // an IPv6 later fragment may carry extension headers before its transport's: its first fragment tells
        if (v.fragment == PacketView.LATER_FRAGMENT && s.isLocalV6(v.daddrHi, v.daddrLo))
        {
            return Packet.ROUTE_FRAGMENT;
        }
        notForService.incrementRelease();
        return Packet.ROUTE_DROP;
    }

    /** With a host path, TCP and UDP to the director's own addresses go to it ({@link Packet#ROUTE_HOST}). */
    void hostPath(final boolean present)
    {
        this.hostPath = present;
    }

    /** Classifies one packet handed over to this agent as the owner of its connection (a held fragment). */
    void classifyOne(final Packet p, final ForwardingSnapshot s)
    {
        p.route = route(p, s);
        if (p.view.fragment != PacketView.NOT_FRAGMENT && p.route != Packet.ROUTE_DROP)
        {
            p.route = fragmentRoute(p, Packet.STAGE_OWNED);
        }
        p.owner = self;
    }

    /** Counts a packet handed to this agent that is not its own after all, and drops it. */
    int notOwned()
    {
        notOwner.incrementRelease();
        return Packet.ROUTE_DROP;
    }

    /** A fragment's route stands (its datagram's first fragment's, or {@link Packet#ROUTE_FRAGMENT}); its owner is the gatherer. */
    private int fragmentRoute(final Packet p, final int stage)
    {
        final int route = p.route;
        if (route != Packet.ROUTE_IN && route != Packet.ROUTE_OUT && route != Packet.ROUTE_FRAGMENT)
        {
            fragmentUnsupported.incrementRelease(); // an ICMP datagram in fragments: the director needs none
            return Packet.ROUTE_DROP;
        }
        if (Packet.STAGE_RX == stage)
        {
            fragments.incrementRelease();
            p.owner = FragmentTable.gatherer(p.view, agents);
            return route;
        }
        p.owner = self;
        final boolean mine = Packet.STAGE_GATHER == stage ? FragmentTable.gatherer(p.view, agents) == self :
            route == Packet.ROUTE_FRAGMENT || ConnOwner.of(p.key, agents) == self; // a later one has no key yet
        return mine ? route : notOwned();
    }

    private int route(final Packet p, final ForwardingSnapshot s)
    {
        if (port.isChained(p.handle))
        {
            chained.incrementRelease();
            return Packet.ROUTE_DROP;
        }
        final PacketView v = p.view;
        final int verdict = parser.parse(p.seg, p.frame, p.length, v);
        p.verdict = verdict;
        if (verdict == ParseVerdict.ARP)
        {
            return Packet.ROUTE_ARP;
        }
        if (verdict == ParseVerdict.UNSUPPORTED_L4 && hostPath && v.protocol == IpProtocol.VRRP && isForVrrp(v, s))
        {
            return Packet.ROUTE_HOST; // the director's VRRP, in its own kernel (the parser knows no VRRP)
        }
        if (verdict != ParseVerdict.IPV4 && verdict != ParseVerdict.IPV6)
        {
            malformed.incrementRelease();
            dropsByVerdict[verdict].incrementRelease();
            return Packet.ROUTE_DROP;
        }
        final long dst = eth.wrap(p.seg, p.frame).dstMac();
        if (!s.isOurMac(dst, portMac))
        {
            notOurMac.incrementRelease();
            return Packet.ROUTE_DROP;
        }

        final int protocol = v.protocol;
        final boolean transport =
            protocol == IpProtocol.TCP || protocol == IpProtocol.UDP || protocol == IpProtocol.SCTP;
        final boolean ports = transport && v.fragment != PacketView.LATER_FRAGMENT;
        if (ports)
        {
            final Service svc = findService(s, v);
            if (null != svc)
            {
                if (s.standby())
                {
                    standby.incrementRelease();
                    return Packet.ROUTE_DROP;
                }
                p.service = svc;
                p.tag = FlowCache.tagOf(p.key.setFromPacket(v));
                return Packet.ROUTE_IN;
            }
        }
        if (v.fragment == PacketView.LATER_FRAGMENT && v.af == PacketView.AF_INET &&
            (s.isLocalV4(v.daddrV4()) || s.isNatSourceV4(v.saddrV4())))
        {
            if (transport)
            {
                return Packet.ROUTE_FRAGMENT;
            }
            fragmentUnsupported.incrementRelease();
            return Packet.ROUTE_DROP;
        }
        if (v.af == PacketView.AF_INET6)
        {
            return routeV6(p, s, ports);
        }
        if (v.af == PacketView.AF_INET)
        {
            if (hostPath && ports && (v.daddrV4() & 0xF000_0000) == 0xE000_0000)
            {
                return Packet.ROUTE_HOST; // multicast to the director's kernel: the kernel's sync protocol, say
            }
            if (s.isLocalV4(v.daddrV4()))
            {
                if (protocol == IpProtocol.ICMP)
                {
                    return Packet.ROUTE_ICMP_LOCAL;
                }
                if (hostPath && ports && s.routes().isOwnAddress(v.daddrV4()))
                {
                    return Packet.ROUTE_HOST;
                }
            }
            else if (s.isNatSourceV4(v.saddrV4()) && !s.standby())
            {
                if (protocol == IpProtocol.ICMP)
                {
                    return Packet.ROUTE_ICMP_OUT;
                }
                if (ports)
                {
                    p.tag = FlowCache.tagOf(p.key.setOutFromPacket(v));
                    return Packet.ROUTE_OUT;
                }
            }
        }
        notForService.incrementRelease();
        return Packet.ROUTE_DROP;
    }

    /**
     * The virtual service of a packet: by the firewall mark the marking rules give it, when it is for one of the
     * director's own addresses (the kernel's IPVS sees only what is delivered locally), then by its destination, then
     * by the FTP and port-zero fallbacks.
     */
    private static Service findService(final ForwardingSnapshot s, final PacketView v)
    {
        final ServiceTable services = s.services();
        if (services.marks() &&
            (v.af == PacketView.AF_INET ? s.isLocalV4(v.daddrV4()) : s.isLocalV6(v.daddrHi, v.daddrLo)))
        {
            final Service marked = services.findByMark(v);
            if (null != marked)
            {
                return marked;
            }
        }
        final Service exact = services.find(v.protocol, v.af, v.daddrHi, v.daddrLo, v.dport);
        if (null != exact)
        {
            return exact;
        }
        // an FTP or port-zero service takes the other ports of its address, but never of one of the director's own:
        // its own sessions' ports are its host's
        final boolean own = v.af == PacketView.AF_INET ? s.routes().isOwnAddress(v.daddrV4()) :
            s.routes().isOwnAddressV6(v.daddrHi, v.daddrLo);
        return own ? null : services.findFallback(v.protocol, v.af, v.daddrHi, v.daddrLo, v.dport);
    }
}
