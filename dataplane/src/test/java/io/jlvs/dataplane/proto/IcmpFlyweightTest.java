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

class IcmpFlyweightTest
{
    private final IcmpFlyweight icmp = new IcmpFlyweight();

    @Test
    void shouldReadEchoRequestFieldByField()
    {
        icmp.wrap(Frames.segment(Frames.ICMP_ECHO), 34);

        assertEquals(IcmpFlyweight.ECHO_REQUEST, icmp.type());
        assertEquals(0, icmp.code());
        assertEquals(Frames.ICMP_ECHO_ICMP_CHECKSUM, icmp.checksum());
        assertEquals(0x0d210001, icmp.restOfHeader());
        assertEquals(0x0d21, icmp.identifier());
        assertEquals(1, icmp.sequence());
        assertFalse(IcmpFlyweight.isIcmpv4Error(icmp.type()));
    }

    @Test
    void shouldLocateOriginalDatagramOfPortUnreachable()
    {
        final MemorySegment seg = Frames.segment(Frames.ICMP_PORT_UNREACHABLE);
        icmp.wrap(seg, 34);

        assertEquals(IcmpFlyweight.DEST_UNREACHABLE, icmp.type());
        assertEquals(3, icmp.code());
        assertEquals(Frames.ICMP_PORT_UNREACHABLE_ICMP_CHECKSUM, icmp.checksum());
        assertEquals(0, icmp.restOfHeader());
        assertTrue(IcmpFlyweight.isIcmpv4Error(icmp.type()));
        assertEquals(42, icmp.originalDatagramOffset());

        final Ipv4Flyweight inner = new Ipv4Flyweight().wrap(seg, icmp.originalDatagramOffset());
        assertEquals(ipv4(192, 168, 1, 10), inner.srcAddr());
        assertEquals(ipv4(8, 8, 8, 8), inner.dstAddr());
        assertEquals(IpProtocol.UDP, inner.protocol());
        final UdpFlyweight innerUdp = new UdpFlyweight().wrap(seg, inner.base() + inner.headerLength());
        assertEquals(53211, innerUdp.srcPort());
        assertEquals(53, innerUdp.dstPort());
    }

    @Test
    void shouldWriteFragmentationNeededFieldByField()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[8]);
        icmp.wrap(seg, 0)
            .type(IcmpFlyweight.DEST_UNREACHABLE)
            .code(IcmpFlyweight.CODE_FRAGMENTATION_NEEDED)
            .checksum(0xbeef)
            .restOfHeader(0)
            .nextHopMtu(1480);

        assertArrayEquals(hex("03 04 be ef 00 00 05 c8"), seg.toArray(Frames.BYTES));
        assertEquals(1480, icmp.nextHopMtu());
    }

    @Test
    void shouldWriteEchoReplyFieldByField()
    {
        final byte[] expected = Arrays.copyOfRange(hex(Frames.ICMP_ECHO), 34, 42);
        final MemorySegment seg = MemorySegment.ofArray(new byte[8]);
        icmp.wrap(seg, 0).type(8).code(0).checksum(Frames.ICMP_ECHO_ICMP_CHECKSUM).identifier(0x0d21).sequence(1);

        assertArrayEquals(expected, seg.toArray(Frames.BYTES));
    }

    @Test
    void shouldClassifyErrorTypes()
    {
        for (final int type : new int[]{3, 4, 5, 11, 12})
        {
            assertTrue(IcmpFlyweight.isIcmpv4Error(type), "v4 type " + type);
        }
        for (final int type : new int[]{0, 8, 13, 14})
        {
            assertFalse(IcmpFlyweight.isIcmpv4Error(type), "v4 type " + type);
        }
        for (final int type : new int[]{1, 2, 3, 4})
        {
            assertTrue(IcmpFlyweight.isIcmpv6Error(type), "v6 type " + type);
        }
        for (final int type : new int[]{128, 129, 133, 135, 136})
        {
            assertFalse(IcmpFlyweight.isIcmpv6Error(type), "v6 type " + type);
        }
    }
}
