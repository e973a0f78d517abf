package io.jlvs.dataplane.route;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.xmit.Wire.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouteTableTest
{
    private static final int DIP = ip("198.18.0.2");
    private static final int OWN_NAT = ip("198.18.1.2");
    private static final int NAT_GW = ip("198.18.1.1");
    private static final int GATEWAY = ip("198.18.0.254");
    private static final long NET6 = 0x2001_0db8_0001_0000L;

    @Test
    void shouldPickTheSubnetsOwnAddressAsSourceBeforeAFloatingOne()
    {
        final RouteTable routes = new RouteTable(new int[] {DIP, OWN_NAT, NAT_GW}, new int[] {24, 24, 24}, GATEWAY)
            .withFloating(1, 0);
        assertEquals(OWN_NAT, routes.sourceFor(ip("198.18.1.11")), "the kernel's primary address on the subnet");
        assertTrue(routes.isOwnAddress(NAT_GW));
        assertFalse(routes.standby().isOwnAddress(NAT_GW), "standing by, the gateway is the other director's");
        assertTrue(routes.standby().isOwnAddress(OWN_NAT));
        assertEquals(OWN_NAT, routes.standby().sourceFor(ip("198.18.1.11")));
        assertEquals("RouteTable{198.18.0.2/24, 198.18.1.2/24, 198.18.1.1/24 floating, via 198.18.0.254}",
            routes.toString());
    }

    @Test
    void shouldLeaveTheStandbyNoRouteOnASubnetOnlyAFloatingAddressHas()
    {
        final RouteTable routes = new RouteTable(new int[] {DIP, NAT_GW}, new int[] {24, 24}, GATEWAY)
            .withFloating(1, 0);
        final RouteTable standby = routes.standby();
        assertEquals(GATEWAY, standby.nextHop(ip("198.18.1.11")), "through the gateway, as a kernel without it");
        assertEquals(DIP, standby.sourceFor(ip("198.18.1.11")));
        assertEquals(ip("198.18.1.11"), routes.nextHop(ip("198.18.1.11")));
        assertSame(routes, standby.serving(), "each view leads to the other");
        assertSame(standby, routes.standby().standby());
        assertSame(routes, routes.serving());
    }

    @Test
    void shouldFloatIpv6AddressesAndKeepTheGatewayOnlyWhereAHeldAddressReachesIt()
    {
        final RouteTable routes = new RouteTable(new int[] {DIP}, new int[] {24}, 0)
            .withIpv6(new long[] {0x2001_0db8_0000_0000L, NET6}, new long[] {2, 1}, new int[] {64, 64}, NET6, 0xfe)
            .withFloating(0, 1);
        assertTrue(routes.isOwnAddressV6(NET6, 1));
        assertEquals(2, routes.ipv6Addresses());
        final RouteTable standby = routes.standby();
        assertEquals(1, standby.ipv6Addresses());
        assertFalse(standby.isOwnAddressV6(NET6, 1));
        assertFalse(standby.reachesV6(NET6, 0x11), "the gateway was on the floating subnet only");
        assertTrue(routes.reachesV6(NET6, 0x11));
    }

    @Test
    void shouldRefuseToFloatThePrimaryAddress()
    {
        assertThrows(IllegalArgumentException.class, () -> RouteTable.of(DIP, 24).withFloating(1, 0));
        assertThrows(IllegalArgumentException.class, () -> RouteTable.of(DIP, 24).withFloating(0, 1));
    }
}
