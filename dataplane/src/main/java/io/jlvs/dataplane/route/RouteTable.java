package io.jlvs.dataplane.route;

import io.jlvs.dataplane.service.Addresses;

/**
 * The director's IPv4 routes, what a router needs to send a packet on: its own addresses with their prefixes
 * (the connected subnets) and an optional default gateway. {@link #nextHop} is the address whose MAC a frame
 * goes to: the destination itself on a connected subnet, else the gateway. {@link #sourceFor} is the director's
 * address on the next hop's subnet, the sender of ARP requests and the outer source of tunnels, as the kernel's
 * {@code inet_select_addr} picks it. Immutable, built by the control plane, read by agents.
 */
public final class RouteTable
{
    /** No route: no connected subnet holds the destination and there is no gateway. */
    public static final int UNREACHABLE = 0;

    private final int[] addresses;
    private final int[] masks;
    private final int gateway;

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
                .append('/').append(Integer.bitCount(masks[i]));
        }
        return sb.append(gateway == 0 ? "" : ", via " + Addresses.ipv4ToString(gateway)).append('}').toString();
    }
}
