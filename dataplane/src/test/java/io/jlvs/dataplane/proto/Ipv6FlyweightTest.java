package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.DOC_NET_HI;
import static io.jlvs.dataplane.proto.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class Ipv6FlyweightTest
{
    private final Ipv6Flyweight ip = new Ipv6Flyweight();

    @Test
    void shouldReadTcpSynHeaderFieldByField()
    {
        ip.wrap(Frames.segment(Frames.IPV6_TCP_SYN), 14);

        assertEquals(6, ip.version());
        assertEquals(0xb8, ip.trafficClass());
        assertEquals(0x1f2a3, ip.flowLabel());
        assertEquals(0x6b81f2a3, ip.versionClassFlow());
        assertEquals(40, ip.payloadLength());
        assertEquals(IpProtocol.TCP, ip.nextHeader());
        assertEquals(64, ip.hopLimit());
        assertEquals(DOC_NET_HI, ip.srcAddrHi());
        assertEquals(1L, ip.srcAddrLo());
        assertEquals(DOC_NET_HI, ip.dstAddrHi());
        assertEquals(0x80L, ip.dstAddrLo());
    }

    @Test
    void shouldReadHopByHopNextHeader()
    {
        ip.wrap(Frames.segment(Frames.IPV6_EXT_UDP), 14);

        assertEquals(0, ip.trafficClass());
        assertEquals(0, ip.flowLabel());
        assertEquals(44, ip.payloadLength());
        assertEquals(IpProtocol.IPV6_HOP_BY_HOP, ip.nextHeader());
        assertEquals(1, ip.hopLimit());
    }

    @Test
    void shouldWriteFirstWordFieldsIndependently()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[40]);
        ip.wrap(seg, 0).version(6).flowLabel(0xFFFFF).trafficClass(0xb8);
        assertEquals(0x6b8FFFFF, ip.versionClassFlow());
        ip.flowLabel(0x1f2a3);
        assertEquals(0xb8, ip.trafficClass());
        ip.trafficClass(0);
        assertEquals(0x1f2a3, ip.flowLabel());
        assertEquals(6, ip.version());
    }

    @Test
    void shouldWriteHeaderFieldByField()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[40]);
        ip.wrap(seg, 0)
            .version(6)
            .trafficClass(0xb8)
            .flowLabel(0x1f2a3)
            .payloadLength(40)
            .nextHeader(IpProtocol.TCP)
            .hopLimit(64)
            .srcAddrHi(DOC_NET_HI)
            .srcAddrLo(1)
            .dstAddrHi(DOC_NET_HI)
            .dstAddrLo(0x80);

        assertArrayEquals(Arrays.copyOfRange(hex(Frames.IPV6_TCP_SYN), 14, 54), seg.toArray(Frames.BYTES));
    }
}
