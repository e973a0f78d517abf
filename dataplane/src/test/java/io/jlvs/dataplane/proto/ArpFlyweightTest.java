package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.hex;
import static io.jlvs.dataplane.proto.Frames.ipv4;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArpFlyweightTest
{
    private final ArpFlyweight arp = new ArpFlyweight();

    @Test
    void shouldReadRequestFieldByField()
    {
        arp.wrap(Frames.segment(Frames.ARP_REQUEST), EthernetFlyweight.HEADER_LENGTH);

        assertEquals(1, arp.htype());
        assertEquals(0x0800, arp.ptype());
        assertEquals(6, arp.hlen());
        assertEquals(4, arp.plen());
        assertEquals(ArpFlyweight.OPER_REQUEST, arp.oper());
        assertEquals(0x5254_0012_3456L, arp.sha());
        assertEquals(ipv4(192, 168, 1, 10), arp.spa());
        assertEquals(0L, arp.tha());
        assertEquals(ipv4(192, 168, 1, 1), arp.tpa());
        assertTrue(arp.isEthernetIpv4());
    }

    @Test
    void shouldWriteReplyFieldByField()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[ArpFlyweight.LENGTH]);
        arp.wrap(seg, 0)
            .htype(ArpFlyweight.HTYPE_ETHERNET)
            .ptype(ArpFlyweight.PTYPE_IPV4)
            .hlen(6)
            .plen(4)
            .oper(ArpFlyweight.OPER_REPLY)
            .sha(0x001b_213a_4f10L)
            .spa(ipv4(192, 168, 1, 1))
            .tha(0x5254_0012_3456L)
            .tpa(ipv4(192, 168, 1, 10));

        assertArrayEquals(
            hex("00 01 08 00 06 04 00 02 00 1b 21 3a 4f 10 c0 a8 01 01 52 54 00 12 34 56 c0 a8 01 0a"),
            seg.toArray(Frames.BYTES));
    }

    @Test
    void shouldRejectNonEthernetIpv4Combination()
    {
        final MemorySegment seg = Frames.segment(Frames.ARP_REQUEST);
        arp.wrap(seg, EthernetFlyweight.HEADER_LENGTH).plen(16);

        assertFalse(arp.isEthernetIpv4());
    }
}
