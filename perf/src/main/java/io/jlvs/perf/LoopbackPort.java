package io.jlvs.perf;

import io.jlvs.dataplane.port.PacketPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@link PacketPort} for measuring a forwarding agent without a device: every receive burst hands out the next
 * frames of a ring of pre-built frames (round robin over the flows, as {@link PacketGenerator} sends them), each
 * written afresh into its own buffer as a NIC would (forwarding rewrote the last pass's copy: MACs, TTL and
 * checksum for DR, more for NAT and tunnels); transmit and free only count. Each buffer has
 * {@link #HEADROOM} bytes before the frame, as an mbuf has, for the outer headers a tunnel prepends, and
 * {@link #TAILROOM} after it. Like {@link io.jlvs.dataplane.port.DpdkPort} it addresses bytes through one segment
 * spanning all memory at absolute addresses. Nothing allocates after construction.
 */
final class LoopbackPort implements PacketPort
{
    /** Room before each frame, as DPDK's {@code RTE_PKTMBUF_HEADROOM}. */
    static final int HEADROOM = 128;
    /** Room after each frame. */
    static final int TAILROOM = 64;
    private static final int SLOT = HEADROOM + BenchFrames.LENGTH + TAILROOM;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

    private final Arena arena = Arena.ofShared();
    private final long mac;
    private final long frames;
    private final long buffers;
    private final int count;
    /** Per buffer: where its data starts in the buffer, and how long it is. */
    private final int[] start;
    private final int[] length;
    private int next;
    long transmitted;
    long freed;

    /**
     * @param frames {@code count} frames of {@link BenchFrames#LENGTH} bytes back to back, addressed to {@code mac}.
     */
    LoopbackPort(final long mac, final MemorySegment frames, final int count)
    {
        this.mac = mac;
        this.frames = frames.address();
        this.count = count;
        this.buffers = arena.allocate((long)count * SLOT, 64).address();
        this.start = new int[count];
        this.length = new int[count];
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

    /** Handles are buffer index + 1 (0 is no packet). */
    @Override
    public int rxBurst(final MemorySegment handles, final int max)
    {
        int f = next;
        for (int i = 0; i < max; i++)
        {
            start[f] = HEADROOM;
            length[f] = BenchFrames.LENGTH;
            MemorySegment.copy(ALL, frames + (long)f * BenchFrames.LENGTH, ALL, buffer(f) + HEADROOM,
                BenchFrames.LENGTH);
            handles.setAtIndex(ValueLayout.JAVA_LONG, i, f + 1L);
            f = f + 1 == count ? 0 : f + 1;
        }
        next = f;
        return max;
    }

    private long buffer(final int index)
    {
        return buffers + (long)index * SLOT;
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
        final int i = (int)handle - 1;
        return buffer(i) + start[i];
    }

    @Override
    public int dataLength(final long handle)
    {
        return length[(int)handle - 1];
    }

    @Override
    public boolean isChained(final long handle)
    {
        return false;
    }

    @Override
    public int tailroom(final long handle)
    {
        final int i = (int)handle - 1;
        return SLOT - start[i] - length[i];
    }

    @Override
    public void dataLength(final long handle, final int newLength)
    {
        final int i = (int)handle - 1;
        if (newLength < 0 || newLength > SLOT - start[i])
        {
            throw new IllegalArgumentException("length " + newLength);
        }
        length[i] = newLength;
    }

    @Override
    public int headroom(final long handle)
    {
        return start[(int)handle - 1];
    }

    @Override
    public boolean prepend(final long handle, final int bytes)
    {
        final int i = (int)handle - 1;
        if (bytes < 0 || bytes > start[i])
        {
            return false;
        }
        start[i] -= bytes;
        length[i] += bytes;
        return true;
    }

    @Override
    public void close()
    {
        arena.close();
    }
}
