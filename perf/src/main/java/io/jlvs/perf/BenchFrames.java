package io.jlvs.perf;

import io.jlvs.dataplane.proto.InetChecksum;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * 64-byte TCP frames of the bench's flows ({@link BenchTopology}) laid out back to back in native memory, built
 * the slow, obviously right way (checksums by {@link InetChecksum}), for the JMH benchmarks.
 */
final class BenchFrames
{
    static final int LENGTH = BenchTopology.FRAME_LENGTH;
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private BenchFrames()
    {
    }

    /** {@code flows} frames, frame {@code i} at offset {@code i * 64}, from flow i's client to the VIP. */
    static MemorySegment build(final Arena arena, final int flows, final int tcpFlags)
    {
        final MemorySegment seg = arena.allocate((long)flows * LENGTH, 64);
        for (int i = 0; i < flows; i++)
        {
            write(seg, (long)i * LENGTH, i, tcpFlags);
        }
        return seg;
    }

    static void write(final MemorySegment seg, final long at, final int flow, final int tcpFlags)
    {
        final int payload = (tcpFlags & 0x02) != 0 ? 0 : 10;
        seg.asSlice(at, LENGTH).fill((byte)0);
        putMac(seg, at, BenchTopology.DIR_MAC);
        putMac(seg, at + 6, BenchTopology.GEN_MAC);
        seg.set(SHORT_BE, at + 12, (short)0x0800);
        final long ip = at + 14;
        seg.set(ValueLayout.JAVA_BYTE, ip, (byte)0x45);
        seg.set(SHORT_BE, ip + 2, (short)(40 + payload));
        seg.set(SHORT_BE, ip + 6, (short)0x4000);
        seg.set(ValueLayout.JAVA_BYTE, ip + 8, (byte)64);
        seg.set(ValueLayout.JAVA_BYTE, ip + 9, (byte)6);
        final int saddr = BenchTopology.clientAddr(flow);
        seg.set(INT_BE, ip + 12, saddr);
        seg.set(INT_BE, ip + 16, BenchTopology.VIP);
        final long tcp = ip + 20;
        seg.set(SHORT_BE, tcp, (short)BenchTopology.clientPort(flow));
        seg.set(SHORT_BE, tcp + 2, (short)BenchTopology.VPORT);
        seg.set(INT_BE, tcp + 4, 1001);
        seg.set(INT_BE, tcp + 8, (tcpFlags & 0x10) != 0 ? 2001 : 0);
        seg.set(ValueLayout.JAVA_BYTE, tcp + 12, (byte)0x50);
        seg.set(ValueLayout.JAVA_BYTE, tcp + 13, (byte)tcpFlags);
        seg.set(SHORT_BE, tcp + 14, (short)0xFFFF);
        InetChecksum.writeIpv4HeaderChecksum(seg, ip);
        final int sum = InetChecksum.pseudoHeaderSum4(saddr, BenchTopology.VIP, 6, 20 + payload);
        seg.set(SHORT_BE, tcp + 16, (short)InetChecksum.checksum(seg, tcp, 20 + payload, sum));
    }

    static void putMac(final MemorySegment seg, final long at, final long mac)
    {
        seg.set(INT_BE, at, (int)(mac >>> 16));
        seg.set(SHORT_BE, at + 4, (short)mac);
    }
}
