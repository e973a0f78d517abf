package io.jlvs.dataplane.route;

import io.jlvs.dataplane.service.Addresses;

/**
 * The director's IPv4 routes, what a router needs to send a packet on: its own addresses with their prefixes
 * (the connected subnets) and an optional default gateway. {@link #nextHop} is the address whose MAC a frame
 * goes to: the destination itself on a connected subnet, else the gateway. {@link #sourceFor} is the director's
 * address on the next hop's subnet, the sender of ARP requests and the outer source of tunnels, as the kernel's
 * {@code inet_select_addr} picks it. Immutable, built by the control plane, read by agents.
 * <p>
 * In an active/standby pair some addresses float (the NAT real servers' gateway, as keepalived's
 * {@code virtual_ipaddress} moves it): the director serving the VIPs holds them, the one standing by must neither
 * answer for them nor send from them, or it would steal the gateway's neighbour entries. They are the last of each
 * family ({@link #withFloating}); {@link #standby()} is the table without them, {@link #serving()} the whole one.
 */
public final class RouteTable
{
    /** No route: no connected subnet holds the destination and there is no gateway. */
    public static final int UNREACHABLE = 0;

    private final int[] addresses;
    private final int[] masks;
    private final int gateway;
    // IPv6: the director's addresses (hi, lo), their prefix masks, and the gateway (0, 0 for none)
    private long[] addrHi6 = new long[0];
    private long[] addrLo6 = new long[0];
    private long[] maskHi6 = new long[0];
    private long[] maskLo6 = new long[0];
    private long gatewayHi6;
    private long gatewayLo6;
    private int floatingV4;
    private int floatingV6;
    private RouteTable serving = this;
    private RouteTable standby = this;

    /**
     * @param addresses   the director's addresses, the first its primary one (DIP).
     * @param prefixes    the prefix length of each address's subnet.
     * @param gateway     the default gateway, or 0 for none.
     */
    public RouteTable(final int[] addresses, final int[] prefixes, final int gateway)
    {
        if (addresses.length == 0 || addresses.length != prefixes.length)
        {
            throw new IllegalArgumentException("one prefix per address, at least one address");
        }
        this.addresses = addresses.clone();
        for (int i = 0; i < addresses.length; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (addresses[i] == addresses[j])
                {
                    throw new IllegalArgumentException("address given twice: " + Addresses.ipv4ToString(addresses[i]));
                }
            }
        }
        this.masks = new int[prefixes.length];
        for (int i = 0; i < prefixes.length; i++)
        {
            if (prefixes[i] < 0 || prefixes[i] > 32)
            {
                throw new IllegalArgumentException("prefix length " + prefixes[i]);
            }
            masks[i] = prefixes[i] == 0 ? 0 : -1 << (32 - prefixes[i]);
        }
        this.gateway = gateway;
        if (gateway != 0 && connected(gateway) < 0)
        {
            throw new IllegalArgumentException("gateway " + Addresses.ipv4ToString(gateway) +
                " is on none of the director's subnets");
        }
    }

    /** One address, its subnet, no gateway. */
    public static RouteTable of(final int address, final int prefix)
    {
        return new RouteTable(new int[] {address}, new int[] {prefix}, 0);
    }

    /** The primary address (DIP). */
    public int primaryAddress()
    {
        return addresses[0];
    }

    /** The director's own addresses, primary first. */
    public int[] addresses()
    {
        return addresses.clone();
    }

    public int gateway()
    {
        return gateway;
    }

    /** The address to send a packet for {@code dst} to, or {@link #UNREACHABLE}. */
    public int nextHop(final int dst)
    {
        return connected(dst) >= 0 ? dst : gateway;
    }

    /** The director's address on the subnet of {@code nextHop}, or the primary address. */
    public int sourceFor(final int nextHop)
    {
        final int i = connected(nextHop);
        return addresses[Math.max(i, 0)];
    }

    /** True for one of the director's own addresses. */
    public boolean isOwnAddress(final int addr)
    {
        for (final int a : addresses)
        {
            if (a == addr)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * These routes with IPv6 ones as well: the director's IPv6 addresses with their prefix lengths (each a connected
     * subnet) and an IPv6 default gateway on one of them ({@code 0, 0} for none).
     */
    public RouteTable withIpv6(
        final long[] hi, final long[] lo, final int[] prefixes, final long gatewayHi, final long gatewayLo)
    {
        if (hi.length != lo.length || hi.length != prefixes.length)
        {
            throw new IllegalArgumentException("one prefix per IPv6 address");
        }
        final RouteTable r = new RouteTable(addresses, prefixesOf(masks), gateway);
        r.addrHi6 = hi.clone();
        r.addrLo6 = lo.clone();
        r.maskHi6 = new long[prefixes.length];
        r.maskLo6 = new long[prefixes.length];
        for (int i = 0; i < prefixes.length; i++)
        {
            final int p = prefixes[i];
            if (p < 0 || p > 128)
            {
                throw new IllegalArgumentException("IPv6 prefix length " + p);
            }
            r.maskHi6[i] = p == 0 ? 0 : p >= 64 ? -1L : -1L << (64 - p);
            r.maskLo6[i] = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
        }
        r.gatewayHi6 = gatewayHi;
        r.gatewayLo6 = gatewayLo;
        if ((gatewayHi | gatewayLo) != 0 && r.connectedV6(gatewayHi, gatewayLo) < 0)
        {
            throw new IllegalArgumentException("IPv6 gateway " + Addresses.ntop(Addresses.toInetAddress(10, gatewayHi, gatewayLo)) +
                " is on none of the director's subnets");
        }
        return r;
    }

    /**
     * These routes with the last {@code v4} IPv4 and {@code v6} IPv6 addresses floating: held only while serving.
     * The standby table keeps a gateway only if one of the held addresses reaches it.
     */
    public RouteTable withFloating(final int v4, final int v6)
    {
        if (v4 < 0 || v4 >= addresses.length || v6 < 0 || v6 > addrHi6.length)
        {
            throw new IllegalArgumentException("floating addresses " + v4 + "/" + v6 + " of " + addresses.length +
                "/" + addrHi6.length + ": the primary address cannot float");
        }
        final RouteTable whole = copy(addresses.length, addrHi6.length, true);
        final RouteTable held = copy(addresses.length - v4, addrHi6.length - v6, false);
        whole.floatingV4 = v4;
        whole.floatingV6 = v6;
        whole.standby = held;
        held.serving = whole;
        return whole;
    }

    private RouteTable copy(final int v4, final int v6, final boolean keepGateways)
    {
        final int[] p = prefixesOf(masks);
        final RouteTable r = new RouteTable(java.util.Arrays.copyOf(addresses, v4), java.util.Arrays.copyOf(p, v4),
            gateway);
        final boolean keepV4 = keepGateways || gateway == 0 || r.connected(gateway) >= 0;
        final RouteTable four = keepV4 ? r : new RouteTable(r.addresses, java.util.Arrays.copyOf(p, v4), 0);
        if (addrHi6.length == 0)
        {
            return four;
        }
        final int[] p6 = new int[v6];
        for (int i = 0; i < v6; i++)
        {
            p6[i] = Long.bitCount(maskHi6[i]) + Long.bitCount(maskLo6[i]);
        }
        final RouteTable six = four.withIpv6(java.util.Arrays.copyOf(addrHi6, v6), java.util.Arrays.copyOf(addrLo6, v6),
            p6, 0, 0);
        final boolean keepV6 = keepGateways || (gatewayHi6 | gatewayLo6) == 0 || six.connectedV6(gatewayHi6, gatewayLo6) >= 0;
        return keepV6 ? four.withIpv6(six.addrHi6, six.addrLo6, p6, gatewayHi6, gatewayLo6) : six;
    }

    /** The table a director serving the VIPs uses: every address, the floating ones too. */
    public RouteTable serving()
    {
        return serving;
    }

    /** The table a director standing by uses: its own addresses only, none of the floating ones. */
    public RouteTable standby()
    {
        return standby;
    }

    /** How many of the IPv4 addresses (the last ones) float with the VIPs. */
    public int floatingV4()
    {
        return floatingV4;
    }

    /** How many of the IPv6 addresses (the last ones) float with the VIPs. */
    public int floatingV6()
    {
        return floatingV6;
    }

    private static int[] prefixesOf(final int[] masks)
    {
        final int[] p = new int[masks.length];
        for (int i = 0; i < masks.length; i++)
        {
            p[i] = Integer.bitCount(masks[i]);
        }
        return p;
    }

    /** Number of the director's IPv6 addresses (0: no IPv6). */
    public int ipv6Addresses()
    {
        return addrHi6.length;
    }

    public long addressHi6(final int i)
    {
        return addrHi6[i];
    }

    public long addressLo6(final int i)
    {
        return addrLo6[i];
    }

    public long gatewayHi6()
    {
        return gatewayHi6;
    }

    public long gatewayLo6()
    {
        return gatewayLo6;
    }

    /** Which of the director's IPv6 subnets holds the address, or -1. */
    public int connectedV6(final long hi, final long lo)
    {
        for (int i = 0; i < addrHi6.length; i++)
        {
            if (((addrHi6[i] ^ hi) & maskHi6[i]) == 0 && ((addrLo6[i] ^ lo) & maskLo6[i]) == 0)
            {
                return i;
            }
        }
        return -1;
    }

    /** True when an IPv6 destination is on a connected subnet (its own next hop); else the gateway is. */
    public boolean isDirectV6(final long hi, final long lo)
    {
        return connectedV6(hi, lo) >= 0;
    }

    /** True when there is an IPv6 route to the address: connected, or a gateway. */
    public boolean reachesV6(final long hi, final long lo)
    {
        return connectedV6(hi, lo) >= 0 || (gatewayHi6 | gatewayLo6) != 0;
    }

    /** The index of the director's IPv6 address to send from towards a next hop (its subnet's, else the first). */
    public int sourceIndexV6(final long nextHopHi, final long nextHopLo)
    {
        return Math.max(connectedV6(nextHopHi, nextHopLo), 0);
    }

    public boolean isOwnAddressV6(final long hi, final long lo)
    {
        for (int i = 0; i < addrHi6.length; i++)
        {
            if (addrHi6[i] == hi && addrLo6[i] == lo)
            {
                return true;
            }
        }
        return false;
    }

    private int connected(final int addr)
    {
        for (int i = 0; i < addresses.length; i++)
        {
            if (((addresses[i] ^ addr) & masks[i]) == 0)
            {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String toString()
    {
        final StringBuilder sb = new StringBuilder("RouteTable{");
        for (int i = 0; i < addresses.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(Addresses.ipv4ToString(addresses[i]))
                .append('/').append(Integer.bitCount(masks[i]))
                .append(i >= addresses.length - floatingV4 ? " floating" : "");
        }
        sb.append(gateway == 0 ? "" : ", via " + Addresses.ipv4ToString(gateway));
        for (int i = 0; i < addrHi6.length; i++)
        {
            final int prefix = Long.bitCount(maskHi6[i]) + Long.bitCount(maskLo6[i]);
            sb.append(", ").append(Addresses.ntop(Addresses.toInetAddress(10, addrHi6[i], addrLo6[i]))).append('/').append(prefix)
                .append(i >= addrHi6.length - floatingV6 ? " floating" : "");
        }
        if ((gatewayHi6 | gatewayLo6) != 0)
        {
            sb.append(", via ").append(Addresses.ntop(Addresses.toInetAddress(10, gatewayHi6, gatewayLo6)));
        }
        return sb.append('}').toString();
    }
}
