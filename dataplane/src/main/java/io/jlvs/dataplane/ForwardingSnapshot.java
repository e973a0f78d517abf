package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import org.agrona.collections.IntHashSet;

/**
 * Everything one forwarding agent needs to forward, compiled by the control plane and handed over
 * whole: the agent swaps to it between bursts (glb-director's way). The Service and Dest objects in it
 * belong to that one agent from then on.
 *
 * @param services         the virtual services and their real servers, each dest bound to its route.
 * @param localAddressesV4 the addresses the director answers ARP and ICMP for: its own and every IPv4 VIP.
 * @param natSourcesV4     the addresses of NAT real servers, whose packets may be replies to translate back.
 * @param neighboursV4     IPv4 next hops to keep resolved: every real server's, and the gateway.
 * @param routes           the director's own addresses, connected subnets and gateway.
 * @param version          increases with every snapshot, for logs and tests.
 */
public record ForwardingSnapshot(
    ServiceTable services,
    IntHashSet localAddressesV4,
    IntHashSet natSourcesV4,
    int[] neighboursV4,
    RouteTable routes,
    long version)
{
    /**
     * Builds a snapshot, binding each IPv4 dest to its next hop and the director's address towards it
     * ({@link Dest#route}): the dests become this snapshot's, and are not to be put in another.
     */
    public static ForwardingSnapshot of(final long version, final RouteTable routes, final Service... services)
    {
        final IntHashSet local = new IntHashSet();
        for (final int a : routes.addresses())
        {
            local.add(a);
        }
        final IntHashSet nat = new IntHashSet();
        final IntHashSet wanted = new IntHashSet();
        if (routes.gateway() != RouteTable.UNREACHABLE)
        {
            wanted.add(routes.gateway());
        }
        for (final Service s : services)
        {
            if (s.af() == PacketView.AF_INET && s.addrHi() == 0 && s.fwmark() == 0)
            {
                local.add((int)s.addrLo());
            }
            for (final Dest d : s.dests())
            {
                if (d.af() != PacketView.AF_INET)
                {
                    continue;
                }
                final int nextHop = routes.nextHop(d.addrV4());
                d.route(nextHop, routes.sourceFor(nextHop));
                if (nextHop != RouteTable.UNREACHABLE)
                {
                    wanted.add(nextHop);
                }
                if (d.fwdMethod() == FwdMethod.MASQ)
                {
                    nat.add(d.addrV4());
                }
            }
        }
        final int[] neighbours = new int[wanted.size()];
        int i = 0;
        final IntHashSet.IntIterator it = wanted.iterator();
        while (it.hasNext())
        {
            neighbours[i++] = it.nextValue();
        }
        return new ForwardingSnapshot(new ServiceTable(services), local, nat, neighbours, routes, version);
    }

    /** True when the director itself answers for this address: one of its own, or a VIP. */
    public boolean isLocalV4(final int addr)
    {
        return localAddressesV4.contains(addr);
    }

    /** True when packets from this address may be NAT replies. */
    public boolean isNatSourceV4(final int addr)
    {
        return natSourcesV4.contains(addr);
    }
}
