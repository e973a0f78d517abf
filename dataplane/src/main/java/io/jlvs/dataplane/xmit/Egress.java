package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.proto.EthernetFlyweight;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

/**
 * Where a forwarded frame goes on the wire: the next hop's MAC from the {@link NeighbourTable}, the port's own as
 * the source. A next hop whose MAC is not known yet is asked for (at most once a second per address, as the
 * kernel's neighbour code does) and the packet is dropped and counted: there is no queue to hold it.
 * One per agent.
 */
public final class Egress
{
    /** Sends "who has {@code target}? tell {@code sender}". */
    @FunctionalInterface
    public interface Solicitor
    {
        void solicit(int senderIp, int targetIp);
    }

    /** Sends an IPv6 neighbour solicitation for {@code target}. */
    @FunctionalInterface
    public interface Solicitor6
    {
        void solicit6(long targetHi, long targetLo);
    }

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final long portMac;
    private final NeighbourTable neighbours;
    private final Solicitor solicitor;
    private final Solicitor6 solicitor6;
    private final AtomicCounter noNeighbour;
    private final AtomicCounter noRoute;
    private RouteTable routes;
    private long nowMs;

    public Egress(
        final long portMac,
        final NeighbourTable neighbours,
        final Solicitor solicitor,
        final Solicitor6 solicitor6,
        final RouteTable routes,
        final AtomicCounter[] counters)
    {
        this.portMac = portMac;
        this.neighbours = neighbours;
        this.solicitor = solicitor;
        this.solicitor6 = solicitor6;
        this.routes = routes;
        this.noNeighbour = counters[LbCounterDescriptor.NO_NEIGHBOUR.ordinal()];
        this.noRoute = counters[LbCounterDescriptor.NO_ROUTE.ordinal()];
    }

    /** The routes of the snapshot in use. */
    public void routes(final RouteTable routes)
    {
        this.routes = routes;
    }

    public RouteTable routes()
    {
        return routes;
    }

    /** The agent's clock, once a cycle. */
    public void nowMs(final long nowMs)
    {
        this.nowMs = nowMs;
    }

    /**
     * Addresses the frame at {@code frame} to {@code nextHop}.
     *
     * @return false when there is no next hop, or its MAC is not known (a request is sent), counted.
     */
    public boolean toNextHop(final MemorySegment seg, final long frame, final int nextHop)
    {
        if (nextHop == RouteTable.UNREACHABLE)
        {
            noRoute.incrementRelease();
            return false;
        }
        final long mac = neighbours.lookup(nextHop);
        if (mac == NeighbourTable.UNKNOWN)
        {
            noNeighbour.incrementRelease();
            if (neighbours.shouldRequest(nextHop, nowMs))
            {
                solicitor.solicit(routes.sourceFor(nextHop), nextHop);
            }
            return false;
        }
        eth.wrap(seg, frame).dstMac(mac).srcMac(portMac);
        return true;
    }

    /**
     * Addresses the frame to {@code dest}'s next hop, whose neighbour entry the dest keeps from packet to packet
     * (the kernel keeps a dest's route in {@code dest->dest_dst} the same way): no lookup while the entry lives.
     *
     * @return false when there is no next hop, or its MAC is not known (a request is sent), counted.
     */
    public boolean toDest(final MemorySegment seg, final long frame, final Dest dest)
    {
        final boolean v6 = dest.af() == PacketView.AF_INET6;
        NeighbourTable.Entry n = dest.nextHopEntry();
        if (null == n || !n.isLive())
        {
            n = v6 ? neighbours.entry6(dest.nextHopHi6(), dest.nextHopLo6()) : neighbours.entry(dest.nextHopV4());
            dest.nextHopEntry(n);
        }
        if (null == n || n.mac() == NeighbourTable.UNKNOWN)
        {
            // counts, and asks for it
            return v6 ? toNextHop6(seg, frame, dest.nextHopHi6(), dest.nextHopLo6()) :
                toNextHop(seg, frame, dest.nextHopV4());
        }
        eth.wrap(seg, frame).dstMac(n.mac()).srcMac(portMac);
        return true;
    }

    /**
     * Addresses the frame to wherever {@code dst} is routed: itself on a connected subnet, else the gateway.
     *
     * @return false when there is no route or the next hop's MAC is not known (counted).
     */
    public boolean toDestination(final MemorySegment seg, final long frame, final int dst)
    {
        return toNextHop(seg, frame, routes.nextHop(dst));
    }

    /** {@link #toNextHop} for an IPv6 next hop ({@code 0, 0}: none). */
    public boolean toNextHop6(final MemorySegment seg, final long frame, final long hi, final long lo)
    {
        if ((hi | lo) == 0)
        {
            noRoute.incrementRelease();
            return false;
        }
        final long mac = neighbours.lookup6(hi, lo);
        if (mac == NeighbourTable.UNKNOWN)
        {
            noNeighbour.incrementRelease();
            if (neighbours.shouldRequest6(hi, lo, nowMs))
            {
                solicitor6.solicit6(hi, lo);
            }
            return false;
        }
        eth.wrap(seg, frame).dstMac(mac).srcMac(portMac);
        return true;
    }

    /** {@link #toDestination} for an IPv6 destination. */
    public boolean toDestination6(final MemorySegment seg, final long frame, final long hi, final long lo)
    {
        return routes.isDirectV6(hi, lo) ? toNextHop6(seg, frame, hi, lo) :
            toNextHop6(seg, frame, routes.gatewayHi6(), routes.gatewayLo6());
    }

    /** Addresses the frame back to the station it came from (replies the director makes itself). */
    public void toSender(final MemorySegment seg, final long frame)
    {
        eth.wrap(seg, frame);
        eth.dstMac(eth.srcMac()).srcMac(portMac);
    }
}
