package io.jlvs.dataplane;

import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import org.agrona.collections.IntHashSet;

/**
 * Everything one forwarding agent needs to forward, compiled by the control plane and handed over
 * whole: the agent swaps to it between bursts (glb-director's way). The Service and Dest objects in it
 * belong to that one agent from then on.
 *
 * @param services         the virtual services and their real servers.
 * @param localAddressesV4 the addresses the director answers ARP for: its own (DIP) and every IPv4 VIP.
 * @param neighboursV4     IPv4 addresses to keep resolved: every real server, and the gateway.
 * @param version          increases with every snapshot, for logs and tests.
 */
public record ForwardingSnapshot(
    ServiceTable services,
    IntHashSet localAddressesV4,
    int[] neighboursV4,
    long version)
{
    public static ForwardingSnapshot of(final long version, final int[] localAddressesV4, final Service... services)
    {
        final IntHashSet local = new IntHashSet();
        for (final int a : localAddressesV4)
        {
            local.add(a);
        }
        final IntHashSet wanted = new IntHashSet();
        for (final Service s : services)
        {
            if (s.af() == io.jlvs.dataplane.proto.PacketView.AF_INET && s.addrHi() == 0 && s.fwmark() == 0)
            {
                local.add((int)s.addrLo());
            }
            for (final Dest d : s.dests())
            {
                if (d.af() == io.jlvs.dataplane.proto.PacketView.AF_INET)
                {
                    wanted.add(d.addrV4());
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
        return new ForwardingSnapshot(new ServiceTable(services), local, neighbours, version);
    }

    /** True when the director itself answers ARP for this address: a DIP or a VIP. */
    public boolean isLocalV4(final int addr)
    {
        return localAddressesV4.contains(addr);
    }
}
