package io.jlvs.dataplane.capture;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureFilterTest
{
    static final int CLIENT = 0xC0000201; // 192.0.2.1
    static final int VIP = 0xC6120010; // 198.18.0.16
    static final long V6_HI = 0x20010db800000000L;

    /** An Ethernet + IPv4 frame of {@code protocol} with the ports (if any) right after a 20-byte header. */
    static byte[] ipv4(final int protocol, final int src, final int sport, final int dst, final int dport,
        final int fragmentOffset, final boolean vlan)
    {
        final ByteBuffer b = ByteBuffer.allocate(64);
        b.position(12);
        if (vlan)
        {
            b.putShort((short)0x8100).putShort((short)100);
        }
        b.putShort((short)0x0800);
        b.put((byte)0x45).put((byte)0).putShort((short)40).putShort((short)1).putShort((short)fragmentOffset);
        b.put((byte)64).put((byte)protocol).putShort((short)0).putInt(src).putInt(dst);
        b.putShort((short)sport).putShort((short)dport);
        return b.array();
    }

    static byte[] ipv6(final int nextHeader, final long srcLo, final int sport, final long dstLo, final int dport)
    {
        final ByteBuffer b = ByteBuffer.allocate(14 + 40 + 8);
        b.position(12);
        b.putShort((short)0x86DD);
        b.putInt(0x6000_0000).putShort((short)8).put((byte)nextHeader).put((byte)64);
        b.putLong(V6_HI).putLong(srcLo).putLong(V6_HI).putLong(dstLo);
        b.putShort((short)sport).putShort((short)dport);
        return b.array();
    }

    static boolean matches(final CaptureFilter f, final byte[] frame)
    {
        return f.matches(MemorySegment.ofArray(frame), 0, frame.length);
    }

    @Test
    void shouldKeepEverythingWithNoTerms()
    {
        assertTrue(matches(CaptureFilter.ALL, new byte[14]));
        assertTrue(matches(CaptureFilter.ALL, new byte[0]));
    }

    @Test
    void shouldMatchHostAsSourceOrDestination()
    {
        final byte[] in = ipv4(6, CLIENT, 40000, VIP, 80, 0, false);
        final byte[] out = ipv4(6, VIP, 80, CLIENT, 40000, 0, false);
        final CaptureFilter host = CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.EITHER, "host 192.0.2.1");
        assertTrue(matches(host, in));
        assertTrue(matches(host, out));
        final CaptureFilter src = CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.SRC, "src host 192.0.2.1");
        assertTrue(matches(src, in));
        assertFalse(matches(src, out));
        final CaptureFilter dst = CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.DST, "dst host 192.0.2.1");
        assertFalse(matches(dst, in));
        assertTrue(matches(dst, out));
        assertFalse(matches(CaptureFilter.ALL.net4(CLIENT + 1, 32, CaptureFilter.EITHER, "x"), in));
    }

    @Test
    void shouldMatchNetByPrefix()
    {
        final byte[] in = ipv4(17, CLIENT, 5000, VIP, 53, 0, false);
        assertTrue(matches(CaptureFilter.ALL.net4(0xC0000200, 24, CaptureFilter.SRC, "x"), in));
        assertFalse(matches(CaptureFilter.ALL.net4(0xC0000300, 24, CaptureFilter.SRC, "x"), in));
        assertTrue(matches(CaptureFilter.ALL.net4(0, 0, CaptureFilter.EITHER, "x"), in), "/0 is every IPv4 packet");
        assertFalse(matches(CaptureFilter.ALL.net4(0, 0, CaptureFilter.EITHER, "x"), ipv6(6, 1, 1, 2, 2)));
    }

    @Test
    void shouldMatchPortsOfTcpUdpSctpOnly()
    {
        final CaptureFilter port80 = CaptureFilter.ALL.port(80, CaptureFilter.EITHER, "port 80");
        assertTrue(matches(port80, ipv4(6, CLIENT, 40000, VIP, 80, 0, false)));
        assertTrue(matches(port80, ipv4(17, CLIENT, 80, VIP, 9, 0, false)));
        assertTrue(matches(port80, ipv4(132, CLIENT, 1, VIP, 80, 0, false)));
        assertFalse(matches(port80, ipv4(1, CLIENT, 80, VIP, 80, 0, false)), "ICMP has no ports");
        assertFalse(matches(port80, ipv4(4, CLIENT, 80, VIP, 80, 0, false)), "IPIP: the outer header has no ports");
        assertFalse(matches(CaptureFilter.ALL.port(80, CaptureFilter.SRC, "x"), ipv4(6, CLIENT, 40000, VIP, 80, 0,
            false)));
    }

    @Test
    void shouldReadPortsOnlyOnTheFirstFragment()
    {
        final CaptureFilter port80 = CaptureFilter.ALL.port(80, CaptureFilter.EITHER, "port 80");
        assertTrue(matches(port80, ipv4(17, CLIENT, 80, VIP, 80, 0x2000, false)), "first fragment, MF set");
        assertFalse(matches(port80, ipv4(17, CLIENT, 80, VIP, 80, 0x0010, false)), "a later fragment");
        assertTrue(matches(CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.EITHER, "x"),
            ipv4(17, CLIENT, 80, VIP, 80, 0x0010, false)), "but its addresses");
    }

    @Test
    void shouldLookBehindOneVlanTag()
    {
        final byte[] tagged = ipv4(6, CLIENT, 40000, VIP, 80, 0, true);
        assertTrue(matches(CaptureFilter.ALL.etherType(0x0800, "ip").port(80, CaptureFilter.DST, "x")
            .net4(VIP, 32, CaptureFilter.DST, "y"), tagged));
    }

    @Test
    void shouldLookBehindQinQTags()
    {
        final byte[] single = ipv4(6, CLIENT, 40000, VIP, 80, 0, true);
        final byte[] qinq = new byte[single.length + 4];
        System.arraycopy(single, 0, qinq, 0, 12);
        qinq[12] = (byte)0x88;
        qinq[13] = (byte)0xA8; // 802.1ad outer tag, then the 802.1Q one
        qinq[14] = 0;
        qinq[15] = 7;
        System.arraycopy(single, 12, qinq, 16, single.length - 12);
        assertTrue(matches(CaptureFilter.ALL.etherType(0x0800, "ip").net4(CLIENT, 32, CaptureFilter.SRC, "x")
            .port(80, CaptureFilter.DST, "y"), qinq));
    }

    @Test
    void shouldMatchArpsAddressesForHostAndNet()
    {
        final ByteBuffer b = ByteBuffer.allocate(60);
        b.position(12);
        b.putShort((short)0x0806).putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4)
            .putShort((short)1).putLong(0x5254_0000_0001L << 16).putInt(0); // sha, then spa written below
        b.position(14 + 14);
        b.putInt(CLIENT).putLong(0).putInt(0);
        b.position(14 + 24);
        b.putInt(VIP);
        final byte[] who = b.array();
        assertTrue(matches(CaptureFilter.ALL.net4(VIP, 32, CaptureFilter.EITHER, "host"), who), "who-has the VIP");
        assertTrue(matches(CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.SRC, "src host"), who), "tell the client");
        assertFalse(matches(CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.DST, "dst host"), who));
        assertFalse(matches(CaptureFilter.ALL.port(80, CaptureFilter.EITHER, "port"), who));
    }

    @Test
    void shouldMatchIpv6HostsNetsAndPorts()
    {
        final byte[] frame = ipv6(6, 1, 40000, 0x80, 443);
        assertTrue(matches(CaptureFilter.ALL.net6(V6_HI, 0x80, 128, CaptureFilter.DST, "x"), frame));
        assertFalse(matches(CaptureFilter.ALL.net6(V6_HI, 0x80, 128, CaptureFilter.SRC, "x"), frame));
        assertTrue(matches(CaptureFilter.ALL.net6(V6_HI, 0, 32, CaptureFilter.EITHER, "x"), frame));
        assertTrue(matches(CaptureFilter.ALL.net6(V6_HI, 0, 120, CaptureFilter.EITHER, "x"), frame));
        assertFalse(matches(CaptureFilter.ALL.net6(V6_HI, 0x100, 120, CaptureFilter.EITHER, "x"), frame));
        assertTrue(matches(CaptureFilter.ALL.ipProtocol(6, "tcp").port(443, CaptureFilter.DST, "x"), frame));
        assertFalse(matches(CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.EITHER, "x"), frame));
        assertFalse(matches(CaptureFilter.ALL.port(443, CaptureFilter.EITHER, "x"), ipv6(44, 1, 40000, 0x80, 443)),
            "behind an extension header the ports are not read, as tcpdump does not");
    }

    @Test
    void shouldNeedEveryTerm()
    {
        final CaptureFilter f = CaptureFilter.ALL.ipProtocol(6, "tcp").port(80, CaptureFilter.EITHER, "port 80")
            .net4(CLIENT, 32, CaptureFilter.EITHER, "host 192.0.2.1");
        assertEquals("tcp and port 80 and host 192.0.2.1", f.toString());
        assertTrue(matches(f, ipv4(6, CLIENT, 40000, VIP, 80, 0, false)));
        assertFalse(matches(f, ipv4(17, CLIENT, 40000, VIP, 80, 0, false)));
        assertFalse(matches(f, ipv4(6, CLIENT, 40000, VIP, 81, 0, false)));
    }

    @Test
    void shouldMatchNothingOfAFrameTooShortToRead()
    {
        final byte[] full = ipv4(6, CLIENT, 40000, VIP, 80, 0, false);
        final CaptureFilter host = CaptureFilter.ALL.net4(CLIENT, 32, CaptureFilter.EITHER, "x");
        assertFalse(host.matches(MemorySegment.ofArray(full), 0, 30), "a truncated IPv4 header");
        assertFalse(CaptureFilter.ALL.port(80, CaptureFilter.EITHER, "x").matches(MemorySegment.ofArray(full), 0, 35),
            "the header whole, the ports cut off");
        assertFalse(host.matches(MemorySegment.ofArray(full), 0, 10));
    }
}
