package io.jlvs.dataplane.port;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A {@link PacketPort} in memory, so the dataplane is tested without DPDK (Katran's testing mode).
 * Frames are injected into its receive queue and taken from its transmit list. Each packet's bytes are
 * handed out as a segment exactly as long as the packet, so reading past its end (or before its start) throws and
 * fails the test. A frame starts {@link #HEADROOM} bytes into its buffer, as in an mbuf.
 * Counts buffers in use so a test can prove nothing leaked.
 * <p>
 * {@link #queues} makes the queues of one multi-queue port: they share one pool, so a packet received on one queue
 * may be sent or freed on another (as an mbuf may), and each may be driven by its own thread while a test injects
 * and takes frames from another.
 */
public final class InMemoryPort implements PacketPort
{
    public static final int BUFFER_SIZE = 2048;
    /** Room before each received frame, as DPDK's {@code RTE_PKTMBUF_HEADROOM}. */
    public static final int HEADROOM = 128;

    private final String name;
    private final long mac;
    private final Pool pool;
    private final MemorySegment[] buffers;
    private final int[] lengths;
    private final int[] starts;
    private final ConcurrentLinkedQueue<Long> rxQueue = new ConcurrentLinkedQueue<>();
    private final List<byte[]> transmitted = new ArrayList<>();
    private volatile int txCapacity = Integer.MAX_VALUE;

    public InMemoryPort(final String name, final long mac, final int poolSize)
    {
        this(name, mac, new Pool(poolSize));
    }

    private InMemoryPort(final String name, final long mac, final Pool pool)
    {
        this.name = name;
        this.mac = mac;
        this.pool = pool;
        this.buffers = pool.buffers;
        this.lengths = pool.lengths;
        this.starts = pool.starts;
    }

    /** The {@code queues} queues of one port ({@code "name:0"}, ...), sharing a pool of {@code poolSize} buffers. */
    public static InMemoryPort[] queues(final String name, final long mac, final int poolSize, final int queues)
    {
        final Pool pool = new Pool(poolSize);
        final InMemoryPort[] ports = new InMemoryPort[queues];
        for (int i = 0; i < queues; i++)
        {
            ports[i] = new InMemoryPort(name + ":" + i, mac, pool);
        }
        return ports;
    }

    /** The buffers of a port, shared by its queues. */
    private static final class Pool
    {
        private final Arena arena = Arena.ofShared();
        private final MemorySegment[] buffers;
        private final int[] lengths;
        private final int[] starts;
        private final ArrayDeque<Integer> free = new ArrayDeque<>();
        private boolean closed;

        Pool(final int poolSize)
        {
            buffers = new MemorySegment[poolSize + 1];
            lengths = new int[poolSize + 1];
            starts = new int[poolSize + 1];
            for (int i = 1; i <= poolSize; i++)
            {
                buffers[i] = arena.allocate(BUFFER_SIZE, 64);
                free.add(i);
            }
        }

        synchronized int take()
        {
            final Integer i = free.poll();
            return null == i ? 0 : i;
        }

        synchronized void release(final int h)
        {
            if (h <= 0 || h >= buffers.length || free.contains(h))
            {
                throw new IllegalStateException("double free or bad handle " + h);
            }
            free.add(h);
        }

        synchronized int freeCount()
        {
            return free.size();
        }

        synchronized void close()
        {
            if (!closed)
            {
                closed = true;
                arena.close();
            }
        }
    }

    /** Queues a frame for the next receive burst. */
    public void inject(final byte[] frame)
    {
        final long h = alloc();
        if (0 == h)
        {
            throw new IllegalStateException("pool exhausted");
        }
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, buffers[(int)h], HEADROOM, frame.length);
        lengths[(int)h] = frame.length;
        rxQueue.add(h);
    }

    /** Frames transmitted since the last call, in order. */
    public List<byte[]> takeTransmitted()
    {
        synchronized (transmitted)
        {
            final List<byte[]> out = new ArrayList<>(transmitted);
            transmitted.clear();
            return out;
        }
    }

    /** Lets at most this many packets be taken per transmit burst, to test a full transmit queue. */
    public void txCapacity(final int txCapacity)
    {
        this.txCapacity = txCapacity;
    }

    /** Buffers of the pool neither free nor transmitted: held by an agent, queued, or leaked. */
    public int inUse()
    {
        return buffers.length - 1 - pool.freeCount();
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long macAddress()
    {
        return mac;
    }

    @Override
    public int rxBurst(final MemorySegment handles, final int max)
    {
        int n = 0;
        while (n < max && !rxQueue.isEmpty())
        {
            handles.setAtIndex(ValueLayout.JAVA_LONG, n++, rxQueue.poll());
        }
        return n;
    }

    @Override
    public int txBurst(final MemorySegment handles, final int from, final int count)
    {
        final int n = Math.min(count, txCapacity);
        for (int i = 0; i < n; i++)
        {
            final int h = (int)handles.getAtIndex(ValueLayout.JAVA_LONG, from + i);
            final byte[] frame = buffers[h].asSlice(starts[h], lengths[h]).toArray(ValueLayout.JAVA_BYTE);
            synchronized (transmitted)
            {
                transmitted.add(frame);
            }
            pool.release(h);
        }
        return n;
    }

    @Override
    public void freeBulk(final MemorySegment handles, final int from, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            pool.release((int)handles.getAtIndex(ValueLayout.JAVA_LONG, from + i));
        }
    }

    @Override
    public long alloc()
    {
        final int i = pool.take();
        if (0 == i)
        {
            return 0;
        }
        lengths[i] = 0;
        starts[i] = HEADROOM;
        return i;
    }

    @Override
    public MemorySegment data(final long handle)
    {
        return buffers[(int)handle].asSlice(starts[(int)handle], lengths[(int)handle]);
    }

    @Override
    public long dataOffset(final long handle)
    {
        return 0;
    }

    @Override
    public int dataLength(final long handle)
    {
        return lengths[(int)handle];
    }

    @Override
    public boolean isChained(final long handle)
    {
        return false;
    }

    @Override
    public int tailroom(final long handle)
    {
        return BUFFER_SIZE - starts[(int)handle] - lengths[(int)handle];
    }

    @Override
    public int headroom(final long handle)
    {
        return starts[(int)handle];
    }

    @Override
    public boolean prepend(final long handle, final int bytes)
    {
        final int h = (int)handle;
        if (bytes < 0 || bytes > starts[h])
        {
            return false;
        }
        starts[h] -= bytes;
        lengths[h] += bytes;
        return true;
    }

    @Override
    public void dataLength(final long handle, final int length)
    {
        if (length < 0 || length > BUFFER_SIZE - starts[(int)handle])
        {
            throw new IllegalArgumentException("length " + length);
        }
        lengths[(int)handle] = length;
    }

    /** Closes the pool, for all queues of the port. */
    @Override
    public void close()
    {
        pool.close();
    }
}
