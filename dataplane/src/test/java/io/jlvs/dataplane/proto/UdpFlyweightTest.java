package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class UdpFlyweightTest
{
    private final UdpFlyweight udp = new UdpFlyweight();

    @Test
    void shouldReadDnsQueryFieldByField()
    {
        udp.wrap(Frames.segment(Frames.UDP_DNS_QUERY), 34);

        assertEquals(53211, udp.srcPort());
        assertEquals(53, udp.dstPort());
        assertEquals(37, udp.length());
        assertEquals(Frames.UDP_DNS_UDP_CHECKSUM, udp.checksum());
    }

    @Test
    void shouldReadBehindVlanTag()
    {
        udp.wrap(Frames.segment(Frames.VLAN_UDP), 38);

        assertEquals(5000, udp.srcPort());
        assertEquals(6000, udp.dstPort());
        assertEquals(12, udp.length());
        assertEquals(0xe1fd, udp.checksum());
    }

    @Test
    void shouldWriteHeaderFieldByField()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[8]);
        udp.wrap(seg, 0).srcPort(53211).dstPort(53).length(37).checksum(Frames.UDP_DNS_UDP_CHECKSUM);

        assertArrayEquals(Arrays.copyOfRange(hex(Frames.UDP_DNS_QUERY), 34, 42), seg.toArray(Frames.BYTES));
    }
}
