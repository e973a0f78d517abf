package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EthernetFlyweightTest
{
    private final EthernetFlyweight eth = new EthernetFlyweight();

    @Test
    void shouldReadUntaggedHeader()
    {
        eth.wrap(Frames.segment(Frames.TCP_SYN), 0);

        assertEquals(0x001b_213a_4f10L, eth.dstMac());
        assertEquals(0x5254_0012_3456L, eth.srcMac());
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, eth.etherType());
        assertFalse(eth.isVlanTagged());
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, eth.payloadEtherType());
        assertEquals(14, eth.headerLength());
    }

    @Test
    void shouldReadBroadcastArp()
    {
        eth.wrap(Frames.segment(Frames.ARP_REQUEST), 0);

        assertEquals(EthernetFlyweight.BROADCAST_MAC, eth.dstMac());
        assertEquals(EthernetFlyweight.ETHER_TYPE_ARP, eth.etherType());
        assertEquals(EthernetFlyweight.ETHER_TYPE_ARP, eth.payloadEtherType());
    }

    @Test
    void shouldReadVlanTagAndInnerEtherType()
    {
        eth.wrap(Frames.segment(Frames.VLAN_UDP), 0);

        assertEquals(0x001b_213a_4f10L, eth.dstMac());
        assertEquals(0x5254_0012_3456L, eth.srcMac());
        assertEquals(EthernetFlyweight.ETHER_TYPE_VLAN, eth.etherType());
        assertTrue(eth.isVlanTagged());
        assertEquals(0xa064, eth.vlanTci());
        assertEquals(100, eth.vlanId());
        assertEquals(5, eth.vlanPriority());
        assertEquals(EthernetFlyweight.ETHER_TYPE_IPV4, eth.payloadEtherType());
        assertEquals(18, eth.headerLength());
    }

    @Test
    void shouldWriteTaggedHeaderFieldByField()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[18]);
        assertSame(eth, eth.wrap(seg, 0));

        eth.dstMac(0x001b_213a_4f10L)
            .srcMac(0x5254_0012_3456L)
            .etherType(EthernetFlyweight.ETHER_TYPE_VLAN)
            .vlanTci(0xa064)
            .payloadEtherType(EthernetFlyweight.ETHER_TYPE_IPV4);

        assertArrayEquals(hex("00 1b 21 3a 4f 10 52 54 00 12 34 56 81 00 a0 64 08 00"), seg.toArray(Frames.BYTES));
    }

    @Test
    void shouldSwapMacsInPlaceAtUnalignedBase()
    {
        final byte[] frame = hex(Frames.TCP_SYN);
        final byte[] buffer = new byte[frame.length + 3];
        System.arraycopy(frame, 0, buffer, 3, frame.length);
        eth.wrap(MemorySegment.ofArray(buffer), 3);

        final long src = eth.srcMac();
        eth.srcMac(eth.dstMac()).dstMac(src);

        assertEquals(0x5254_0012_3456L, eth.dstMac());
        assertEquals(0x001b_213a_4f10L, eth.srcMac());
        assertArrayEquals(hex("00 00 00 52 54 00 12 34 56 00 1b 21 3a 4f 10 08 00"), Arrays.copyOf(buffer, 17));
    }

    @Test
    void shouldIgnoreHighBitsOfMacOnWrite()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[14]);
        eth.wrap(seg, 0).dstMac(0xFFFF_0102_0304_0506L);

        assertEquals(0x0102_0304_0506L, eth.dstMac());
    }
}
