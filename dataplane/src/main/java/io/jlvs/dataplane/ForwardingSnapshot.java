package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.route.Ipv6Set;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.MarkRule;
import io.jlvs.dataplane.service.MarkRules;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.sync.SyncPolicy;
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
 * @param localAddressesV6 the IPv6 addresses the director answers neighbour discovery and ICMPv6 echo for.
 * @param natSourcesV6     the addresses of IPv6 NAT real servers.
 * @param neighboursV6     IPv6 next hops to keep resolved.
 * @param routes           the director's own addresses, connected subnets and gateway; standing by, without the
 *                         floating ones ({@link RouteTable#standby()}).
 * @param version          increases with every snapshot, for logs and tests.
 * @param sync             whether the agents report connections to the sync daemon, and when.
 * @param standby          the other director of the pair has the VIPs: this one answers ARP, neighbour discovery
 *                         and pings for its own held addresses only, and drops what reaches a virtual service or comes
 *                         from a NAT real server (counted), while it keeps its synced connections; a kernel LVS
 *                         backup, without the VIPs keepalived moved away, does the same.
 * @param virtualMac       the pair's virtual MAC (VRRP's {@code 00:00:5e:00:01:<vrid>}, keepalived's
 *                         {@code use_vmac}), or 0: the VIPs and floating addresses are answered and announced from it,
 *                         so a takeover changes no neighbour's entry; frames to it are the port's own.
 * @param timeouts         the connection timeouts ({@code ipvsadm --set}) each agent copies into its own on adoption;
 *                         never changed once in a snapshot; null keeps the agent's.
 */
public record ForwardingSnapshot(
    ServiceTable services,
    IntHashSet localAddressesV4,
    IntHashSet natSourcesV4,
    int[] neighboursV4,
    Ipv6Set localAddressesV6,
    Ipv6Set natSourcesV6,
    Ipv6Set neighboursV6,
    RouteTable routes,
    long version,
    SyncPolicy sync,
    boolean standby,
    long virtualMac,
    io.jlvs.dataplane.conn.ConnTimeouts timeouts)
{
    /**
     * Builds a snapshot, binding each IPv4 dest to its next hop and the director's address towards it
     * ({@link Dest#route}): the dests become this snapshot's, and are not to be put in another.
     */
    public static ForwardingSnapshot of(final long version, final RouteTable routes, final Service... services)
    {
        return of(version, routes, MarkRules.NONE, services);
    }

    /**
     * As above, with the rules that mark packets for the firewall-mark services; the one address a rule's destination
     * names (a /32 or /128) is a virtual address the director answers for, while a service of the rule's family and
     * some mark exists.
     */
    public static ForwardingSnapshot of(
        final long version, final RouteTable routes, final MarkRules marks, final Service... services)
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
        final java.util.List<MarkRule> markedVips = new java.util.ArrayList<>();
        for (final MarkRule r : marks.rules())
        {
            if (r.isHostDestination() &&
                java.util.Arrays.stream(services).anyMatch((s) -> 0 != s.fwmark() && s.af() == r.af()))
            {
                markedVips.add(r);
                if (r.af() == PacketView.AF_INET)
                {
                    local.add((int)r.destinationLo());
                }
            }
        }
        final Ipv6Set[] v6 = ipv6(routes, markedVips, services);
        final int[] neighbours = new int[wanted.size()];
        int i = 0;
        final IntHashSet.IntIterator it = wanted.iterator();
        while (it.hasNext())
        {
            neighbours[i++] = it.nextValue();
        }
        return new ForwardingSnapshot(
            new ServiceTable(marks, services), local, nat, neighbours, v6[0], v6[1], v6[2], routes, version, SyncPolicy.OFF,
            false, 0, null);
    }

    /** This snapshot with another sync role or thresholds: made before it is handed to its agent. */
    public ForwardingSnapshot withSync(final SyncPolicy policy)
    {
        return new ForwardingSnapshot(services, localAddressesV4, natSourcesV4, neighboursV4, localAddressesV6,
            natSourcesV6, neighboursV6, routes, version, policy, standby, virtualMac, timeouts);
    }

    /** This snapshot serving the VIPs ({@code false}) or standing by for the pair's other director. */
    public ForwardingSnapshot withStandby(final boolean standby)
    {
        return new ForwardingSnapshot(services, localAddressesV4, natSourcesV4, neighboursV4, localAddressesV6,
            natSourcesV6, neighboursV6, standby ? routes.standby() : routes.serving(), version, sync, standby,
            virtualMac, timeouts);
    }

    /** This snapshot answering for the VIPs from the pair's virtual MAC ({@code 0}: from the port's). */
    public ForwardingSnapshot withVirtualMac(final long mac)
    {
        return new ForwardingSnapshot(services, localAddressesV4, natSourcesV4, neighboursV4, localAddressesV6,
            natSourcesV6, neighboursV6, routes, version, sync, standby, mac, timeouts);
    }

    /** This snapshot with connection timeouts for the agent to copy: an instance no one changes after this. */
    public ForwardingSnapshot withTimeouts(final io.jlvs.dataplane.conn.ConnTimeouts timeouts)
    {
        return new ForwardingSnapshot(services, localAddressesV4, natSourcesV4, neighboursV4, localAddressesV6,
            natSourcesV6, neighboursV6, routes, version, sync, standby, virtualMac, timeouts);
    }

    /**
     * The MAC the director answers and announces {@code addr} from: the virtual MAC for what moves with the pair
     * (a VIP, a floating address), else the port's.
     */
    public long macFor(final int addr, final long portMac)
    {
        return 0 != virtualMac && !routes.standby().isOwnAddress(addr) ? virtualMac : portMac;
    }

    /** {@link #macFor} for an IPv6 address. */
    public long macFor6(final long hi, final long lo, final long portMac)
    {
        return 0 != virtualMac && !routes.standby().isOwnAddressV6(hi, lo) ? virtualMac : portMac;
    }

    /** True for a frame's destination MAC the port takes as its own: its own, the virtual MAC, or a group. */
    public boolean isOurMac(final long dst, final long portMac)
    {
        return dst == portMac || (dst & 0x0100_0000_0000L) != 0 || (0 != virtualMac && dst == virtualMac);
    }

    /** The IPv6 local addresses, NAT sources and next hops, binding each IPv6 dest to its next hop. */
    private static Ipv6Set[] ipv6(
        final RouteTable routes, final java.util.List<MarkRule> markedVips, final Service... services)
    {
        final int max = routes.ipv6Addresses() + 1 + services.length * (1 + 16) + markedVips.size();
        long[] localHi = new long[max];
        long[] localLo = new long[max];
        int locals = 0;
        for (int i = 0; i < routes.ipv6Addresses(); i++)
        {
            localHi[locals] = routes.addressHi6(i);
            localLo[locals++] = routes.addressLo6(i);
        }
        for (final MarkRule r : markedVips)
        {
            if (r.af() == PacketView.AF_INET6)
            {
                localHi[locals] = r.destinationHi();
                localLo[locals++] = r.destinationLo();
            }
        }
        int dests = 0;
        for (final Service s : services)
        {
            dests += s.dests().length;
        }
        final long[] natHi = new long[dests];
        final long[] natLo = new long[dests];
        final long[] hopHi = new long[dests + 1];
        final long[] hopLo = new long[dests + 1];
        int nats = 0;
        int hops = 0;
        if ((routes.gatewayHi6() | routes.gatewayLo6()) != 0)
        {
            hopHi[hops] = routes.gatewayHi6();
            hopLo[hops++] = routes.gatewayLo6();
        }
        for (final Service s : services)
        {
            if (s.af() == PacketView.AF_INET6 && s.fwmark() == 0)
            {
                if (locals == localHi.length)
                {
                    localHi = java.util.Arrays.copyOf(localHi, locals * 2);
                    localLo = java.util.Arrays.copyOf(localLo, locals * 2);
                }
                localHi[locals] = s.addrHi();
                localLo[locals++] = s.addrLo();
            }
            for (final Dest d : s.dests())
            {
                if (d.af() != PacketView.AF_INET6)
                {
                    continue;
                }
                final long hi;
                final long lo;
                if (routes.isDirectV6(d.addrHi(), d.addrLo()))
                {
                    hi = d.addrHi();
                    lo = d.addrLo();
                }
                else
                {
                    hi = routes.gatewayHi6();
                    lo = routes.gatewayLo6();
                }
                final int source = routes.sourceIndexV6(hi, lo);
                d.route6(hi, lo, routes.ipv6Addresses() == 0 ? 0 : routes.addressHi6(source),
                    routes.ipv6Addresses() == 0 ? 0 : routes.addressLo6(source));
                if ((hi | lo) != 0)
                {
                    hopHi[hops] = hi;
                    hopLo[hops++] = lo;
                }
                if (d.fwdMethod() == FwdMethod.MASQ)
                {
                    natHi[nats] = d.addrHi();
                    natLo[nats++] = d.addrLo();
                }
            }
        }
        return new Ipv6Set[] {
            Ipv6Set.of(localHi, localLo, locals), Ipv6Set.of(natHi, natLo, nats), Ipv6Set.of(hopHi, hopLo, hops)};
    }

    /** True when the director itself answers for this address: one of its own, or a VIP unless on standby. */
    public boolean isLocalV4(final int addr)
    {
        return standby ? routes.isOwnAddress(addr) : localAddressesV4.contains(addr);
    }

    /** True when the director itself answers for this IPv6 address: one of its own, or a VIP unless on standby. */
    public boolean isLocalV6(final long hi, final long lo)
    {
        return standby ? routes.isOwnAddressV6(hi, lo) : localAddressesV6.contains(hi, lo);
    }

    /** True when packets from this IPv6 address may be NAT replies. */
    public boolean isNatSourceV6(final long hi, final long lo)
    {
        return natSourcesV6.contains(hi, lo);
    }

    /** True when packets from this address may be NAT replies. */
    public boolean isNatSourceV4(final int addr)
    {
        return natSourcesV4.contains(addr);
    }
}
