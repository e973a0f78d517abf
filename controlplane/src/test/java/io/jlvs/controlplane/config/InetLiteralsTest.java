package io.jlvs.controlplane.config;

import org.junit.jupiter.api.Test;

import java.net.Inet6Address;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class InetLiteralsTest
{
    @Test
    void shouldFormatIpv6AsInetNtop()
    {
        assertEquals("2001:db8::5", ntop("2001:db8:0:0:0:0:0:5"));
        assertEquals("2001:db8:0:1::4", ntop("2001:db8:0:1:0:0:0:4"));
        assertEquals("::1", ntop("::1"));
        assertEquals("::", ntop("::"));
        assertEquals("fe80::", ntop("fe80:0:0:0:0:0:0:0"));
        assertEquals("2001:db8:0:1:1:1:1:1", ntop("2001:db8:0:1:1:1:1:1"));
        assertEquals("2001:0:0:1::1", ntop("2001:0:0:1:0:0:0:1"));
        assertEquals("1:0:0:1::1", ntop("1:0:0:1:0:0:0:1"));
        assertEquals("1::1:0:0:1", ntop("1:0:0:0:1:0:0:1"));
        assertEquals("1:0:1:0:1:0:1:0", ntop("1:0:1:0:1:0:1:0"));
        assertEquals("::ffff:192.0.2.1", ntop("::ffff:192.0.2.1"));
        assertEquals("::192.0.2.1", ntop("::192.0.2.1"));
        assertEquals("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", ntop("2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:1"));
    }

    @Test
    void shouldParseLiteralsWithoutDns()
    {
        assertEquals("192.0.2.1", InetLiterals.ntop(InetLiterals.ipv4("192.0.2.1")));
        assertNull(InetLiterals.ipv4("192.0.2.256"));
        assertNull(InetLiterals.ipv4("192.0.2"));
        assertNull(InetLiterals.ipv4("www.example.com"));
        assertInstanceOf(Inet6Address.class, InetLiterals.ipv6("[2001:db8::1]"));
        assertInstanceOf(Inet6Address.class, InetLiterals.ipv6("::ffff:10.0.0.1"));
        assertNull(InetLiterals.ipv6("fe80::1%eth0"));
        assertNull(InetLiterals.ipv6("10.0.0.1"));
        assertEquals(0x0a000001, InetLiterals.toInt(InetLiterals.ipv4("10.0.0.1")));
        assertEquals("255.255.255.0", InetLiterals.ntop(InetLiterals.fromInt(0xffffff00)));
    }

    private static String ntop(final String literal)
    {
        return InetLiterals.ntop(InetLiterals.ipv6(literal));
    }
}
