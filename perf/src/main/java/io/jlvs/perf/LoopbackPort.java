package io.jlvs.perf;

import io.jlvs.dataplane.port.PacketPort;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link PacketPort} for measuring a forwarding agent without a device: every receive burst hands out the next
 * frames of a ring of pre-built frames (round robin over the flows, as {@link PacketGenerator} sends them), with
 * the destination MAC put back to the port's own (DR rewrote it on the last pass); transmit and free only count.
 * Like {@link io.jlvs.dataplane.port.DpdkPort} it addresses bytes through one segment spanning all memory at
 * absolute addresses. Nothing allocates.
 */
final class LoopbackPort implements PacketPort
{
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ValueLayout.OfInt INT_BE =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

    private final long mac;
    private final long base;
    private final int frames;
    private int next;
    long transmitted;
    long freed;

    LoopbackPort(final long mac, final MemorySegment frames, final int count)
    {
        this.mac = mac;
        this.base = frames.address();
        this.frames = count;
    }

    @Override
    public String name()
    {
        return "loopback";
    }

    @Override
    public long macAddress()
    {
        return mac;
    }

    @Override
    public int rxBurst(final MemorySegment handles, final int max)
    {
        int f = next;
        for (int i = 0; i < max; i++)
        {
            final long at = base + (long)f * BenchFrames.LENGTH;
            ALL.set(INT_BE, at, (int)(mac >>> 16));
            ALL.set(SHORT_BE, at + 4, (short)mac);
            handles.setAtIndex(ValueLayout.JAVA_LONG, i, at);
            f = f + 1 == frames ? 0 : f + 1;
        }
        next = f;
        return max;
    }

    @Override
    public int txBurst(final MemorySegment handles, final int from, final int count)
    {
        transmitted += count;
        return count;
    }

    @Override
    public void freeBulk(final MemorySegment handles, final int from, final int count)
    {
        freed += count;
    }

    @Override
    public long alloc()
    {
        return 0; // no locally made frames (ARP requests are counted as NO_MBUF)
    }

    @Override
    public MemorySegment data(final long handle)
    {
        return ALL;
    }

    @Override
    public long dataOffset(final long handle)
    {
        return handle;
    }

    @Override
    public int dataLength(final long handle)
    {
        return BenchFrames.LENGTH;
    }

    @Override
    public boolean isChained(final long handle)
    {
        return false;
    }

    @Override
    public int tailroom(final long handle)
    {
        return 0;
    }

    @Override
    public void dataLength(final long handle, final int length)
    {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close()
    {
    }
}
