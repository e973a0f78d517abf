package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.proto.EthernetFlyweight;
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

    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final long portMac;
    private final NeighbourTable neighbours;
    private final Solicitor solicitor;
    private final AtomicCounter noNeighbour;
    private final AtomicCounter noRoute;
    private RouteTable routes;
    private long nowMs;

    public Egress(
        final long portMac,
        final NeighbourTable neighbours,
        final Solicitor solicitor,
        final RouteTable routes,
        final AtomicCounter[] counters)
    {
        this.portMac = portMac;
        this.neighbours = neighbours;
        this.solicitor = solicitor;
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
        NeighbourTable.Entry n = dest.nextHopEntry();
        if (null == n || !n.isLive())
        {
            n = neighbours.entry(dest.nextHopV4());
            dest.nextHopEntry(n);
        }
        if (null == n || n.mac() == NeighbourTable.UNKNOWN)
        {
            return toNextHop(seg, frame, dest.nextHopV4()); // counts, and asks for it
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

    /** Addresses the frame back to the station it came from (replies the director makes itself). */
    public void toSender(final MemorySegment seg, final long frame)
    {
        eth.wrap(seg, frame);
        eth.dstMac(eth.srcMac()).srcMac(portMac);
    }
}
