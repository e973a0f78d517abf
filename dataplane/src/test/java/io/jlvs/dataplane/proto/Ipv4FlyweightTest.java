package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.hex;
import static io.jlvs.dataplane.proto.Frames.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Ipv4FlyweightTest
{
    /** IGMPv3 report to 224.0.0.22 with the Router Alert option (IHL 6). */
    private static final String IGMP_WITH_ROUTER_ALERT = """
        46 c0 00 28 00 00 40 00 01 02 42 47 c0 a8 01 0a e0 00 00 16
        94 04 00 00
        """;

    private final Ipv4Flyweight ip = new Ipv4Flyweight();

    @Test
    void shouldReadTcpSynHeaderFieldByField()
    {
        ip.wrap(Frames.segment(Frames.TCP_SYN), 14);

        assertEquals(4, ip.version());
        assertEquals(5, ip.ihl());
        assertEquals(0x45, ip.versionIhl());
        assertEquals(20, ip.headerLength());
        assertEquals(0, ip.optionsLength());
        assertEquals(0, ip.tos());
        assertEquals(0, ip.dscp());
        assertEquals(0, ip.ecn());
        assertEquals(60, ip.totalLength());
        assertEquals(0x1c46, ip.id());
        assertEquals(0x4000, ip.flagsFragmentOffset());
        assertEquals(0b010, ip.flags());
        assertTrue(ip.dontFragment());
        assertFalse(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());
        assertFalse(ip.isFragment());
        assertEquals(64, ip.ttl());
        assertEquals(IpProtocol.TCP, ip.protocol());
        assertEquals(Frames.TCP_SYN_IP_CHECKSUM, ip.checksum());
        assertEquals(ipv4(10, 0, 0, 2), ip.srcAddr());
        assertEquals(ipv4(10, 0, 0, 100), ip.dstAddr());
    }

    @Test
    void shouldReadDscpOfIcmpError()
    {
        ip.wrap(Frames.segment(Frames.ICMP_PORT_UNREACHABLE), 14);

        assertEquals(0xc0, ip.tos());
        assertEquals(48, ip.dscp());
        assertEquals(0, ip.ecn());
        assertEquals(57, ip.ttl());
        assertEquals(IpProtocol.ICMP, ip.protocol());
        assertEquals(ipv4(8, 8, 8, 8), ip.srcAddr());
        assertEquals(ipv4(192, 168, 1, 10), ip.dstAddr());
    }

    @Test
    void shouldReadOptionsLength()
    {
        ip.wrap(Frames.segment(IGMP_WITH_ROUTER_ALERT), 0);

        assertEquals(6, ip.ihl());
        assertEquals(24, ip.headerLength());
        assertEquals(4, ip.optionsLength());
        assertEquals(1, ip.ttl());
        assertEquals(2, ip.protocol());
        assertEquals(ipv4(224, 0, 0, 22), ip.dstAddr());
    }

    @Test
    void shouldClassifyFragments()
    {
        final MemorySegment seg = Frames.segment(Frames.TCP_SYN);
        ip.wrap(seg, 14);

        ip.flagsFragmentOffset(Ipv4Flyweight.FLAG_MF);
        assertTrue(ip.isFragment(), "first fragment");
        assertTrue(ip.moreFragments());
        assertEquals(0, ip.fragmentOffset());

        ip.flagsFragmentOffset(185);
        assertTrue(ip.isFragment(), "last fragment");
        assertFalse(ip.moreFragments());
        assertEquals(185, ip.fragmentOffset());

        ip.flagsFragmentOffset(Ipv4Flyweight.FLAG_MF | 185);
        assertTrue(ip.isFragment(), "middle fragment");

        ip.flagsFragmentOffset(Ipv4Flyweight.FLAG_DF);
        assertFalse(ip.isFragment(), "DF alone");
    }

    @Test
    void shouldWriteSubByteFieldsWithoutDisturbingNeighbours()
    {
        final MemorySegment seg = Frames.segment(Frames.TCP_SYN);
        ip.wrap(seg, 14).dscp(46).ecn(3);
        assertEquals(0xbb, ip.tos());
        ip.ecn(1);
        assertEquals(46, ip.dscp());
        assertEquals(1, ip.ecn());

        ip.ihl(7);
        assertEquals(4, ip.version());
        assertEquals(7, ip.ihl());

        ip.fragmentOffset(0x1FFF);
        assertTrue(ip.dontFragment());
        assertEquals(0x1FFF, ip.fragmentOffset());
        ip.flags(0b001);
        assertEquals(0x1FFF, ip.fragmentOffset());
        assertTrue(ip.moreFragments());
        assertFalse(ip.dontFragment());
    }

    @Test
    void shouldWriteHeaderFieldByField()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[20]);
        ip.wrap(seg, 0)
            .version(4)
            .ihl(5)
            .dscp(0)
            .ecn(0)
            .totalLength(60)
            .id(0x1c46)
            .flags(0b010)
            .fragmentOffset(0)
            .ttl(64)
            .protocol(IpProtocol.TCP)
            .checksum(Frames.TCP_SYN_IP_CHECKSUM)
            .srcAddr(ipv4(10, 0, 0, 2))
            .dstAddr(ipv4(10, 0, 0, 100));

        assertArrayEquals(Arrays.copyOfRange(hex(Frames.TCP_SYN), 14, 34), seg.toArray(Frames.BYTES));
    }
}
