package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TcpFlyweightTest
{
    private final TcpFlyweight tcp = new TcpFlyweight();

    @Test
    void shouldReadSynWithOptionsFieldByField()
    {
        tcp.wrap(Frames.segment(Frames.TCP_SYN), 34);

        assertEquals(51234, tcp.srcPort());
        assertEquals(80, tcp.dstPort());
        assertEquals(0x9e3b1a2c, tcp.seq());
        assertEquals(0, tcp.ack());
        assertEquals(10, tcp.dataOffset());
        assertEquals(40, tcp.headerLength());
        assertEquals(20, tcp.optionsLength());
        assertEquals(TcpFlyweight.SYN, tcp.flags());
        assertTrue(tcp.hasFlags(TcpFlyweight.SYN));
        assertFalse(tcp.hasFlags(TcpFlyweight.SYN | TcpFlyweight.ACK));
        assertEquals(64240, tcp.window());
        assertEquals(Frames.TCP_SYN_TCP_CHECKSUM, tcp.checksum());
        assertEquals(0, tcp.urgentPointer());
    }

    @Test
    void shouldReadIpv6SynPortsAboveSignedShortRange()
    {
        tcp.wrap(Frames.segment(Frames.IPV6_TCP_SYN), 54);

        assertEquals(40000, tcp.srcPort());
        assertEquals(443, tcp.dstPort());
        assertEquals(0x01020304, tcp.seq());
        assertEquals(64800, tcp.window());
        assertEquals(Frames.IPV6_TCP_SYN_TCP_CHECKSUM, tcp.checksum());
    }

    @Test
    void shouldKeepReservedBitsWhenWritingDataOffset()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[20]);
        seg.set(Frames.BYTES, TcpFlyweight.DATA_OFFSET_OFFSET, (byte)0x0F);
        tcp.wrap(seg, 0).dataOffset(5);

        assertEquals(0x5F, seg.get(Frames.BYTES, TcpFlyweight.DATA_OFFSET_OFFSET));
        assertEquals(5, tcp.dataOffset());
    }

    @Test
    void shouldWriteHeaderFieldByField()
    {
        final MemorySegment seg = MemorySegment.ofArray(new byte[20]);
        tcp.wrap(seg, 0)
            .srcPort(51234)
            .dstPort(80)
            .seq(0x9e3b1a2c)
            .ack(0)
            .dataOffset(10)
            .flags(TcpFlyweight.SYN)
            .window(64240)
            .checksum(Frames.TCP_SYN_TCP_CHECKSUM)
            .urgentPointer(0);

        assertArrayEquals(Arrays.copyOfRange(hex(Frames.TCP_SYN), 34, 54), seg.toArray(Frames.BYTES));
    }
}
