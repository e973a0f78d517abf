package io.jlvs.dataplane.capture;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * One capture, shared by the agents that write it and the control-plane thread that drains it: the filter, the
 * snapshot length, each agent's share of the rate bound, and per agent a ring of copied frames and four counters.
 * The agents never wait on it: a frame over the rate or with the ring full is counted and not copied, so a slow
 * reader costs frames of the capture, never forwarding. The memory is the JVM's (direct buffers), freed when the
 * last agent has let go of the capture, so detaching needs no handshake.
 */
public final class Capture
{
    /** Ring message type, and the direction pcapng's {@code epb_flags} give: received from the wire. */
    public static final int INBOUND = 1;
    /** Ring message type: handed to the port to send. */
    public static final int OUTBOUND = 2;

    /** A record: its timestamp (ns since the epoch), the frame's length on the wire, then the copied bytes. */
    public static final int TIMESTAMP_OFFSET = 0;
    public static final int WIRE_LENGTH_OFFSET = 8;
    public static final int HEADER_LENGTH = 16;

    /** Counters, one cache line per agent: frames that passed the filter, were copied, were over the rate, or found the ring full. */
    public static final int MATCHED = 0;
    public static final int COPIED = 8;
    public static final int OVER_RATE = 16;
    public static final int RING_FULL = 24;
    private static final int COUNTERS_STRIDE = 64;

    private final CaptureFilter filter;
    private final int snapLength;
    private final long perAgentRate;
    private final long epochOffsetNs;
    private final OneToOneRingBuffer[] rings;
    private final MemorySegment[] ringMemory;
    private final UnsafeBuffer counters;

    /**
     * @param rate       frames per second kept by all agents together (each keeps its share).
     * @param ringBytes  each agent's ring, a power of two.
     */
    public Capture(final CaptureFilter filter, final int snapLength, final long rate, final int agents,
        final int ringBytes)
    {
        this.filter = filter;
        this.snapLength = snapLength;
        this.perAgentRate = Math.max(1, (rate + agents - 1) / agents);
        this.epochOffsetNs = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        this.rings = new OneToOneRingBuffer[agents];
        this.ringMemory = new MemorySegment[agents];
        for (int i = 0; i < agents; i++)
        {
            final ByteBuffer memory = BufferUtil.allocateDirectAligned(
                ringBytes + RingBufferDescriptor.TRAILER_LENGTH, 64);
            rings[i] = new OneToOneRingBuffer(new UnsafeBuffer(memory));
            ringMemory[i] = MemorySegment.ofBuffer(memory);
        }
        this.counters = new UnsafeBuffer(BufferUtil.allocateDirectAligned(agents * COUNTERS_STRIDE, 64));
    }

    public CaptureFilter filter()
    {
        return filter;
    }

    public int snapLength()
    {
        return snapLength;
    }

    /** Frames per second one agent may copy. */
    public long perAgentRate()
    {
        return perAgentRate;
    }

    /** Added to System.nanoTime to give nanoseconds since the epoch. */
    public long epochOffsetNs()
    {
        return epochOffsetNs;
    }

    public int agents()
    {
        return rings.length;
    }

    public OneToOneRingBuffer ring(final int agent)
    {
        return rings[agent];
    }

    /** The ring's memory as a segment, for copying frames in and out without a byte[]. */
    public MemorySegment ringMemory(final int agent)
    {
        return ringMemory[agent];
    }

    /** One of an agent's counters ({@link #MATCHED}, {@link #COPIED}, {@link #OVER_RATE}, {@link #RING_FULL}). */
    public long counter(final int agent, final int which)
    {
        return counters.getLongVolatile(agent * COUNTERS_STRIDE + which);
    }

    /** The sum of one counter over the agents. */
    public long total(final int which)
    {
        long sum = 0;
        for (int i = 0; i < rings.length; i++)
        {
            sum += counter(i, which);
        }
        return sum;
    }

    void add(final int agent, final int which, final long delta)
    {
        final int index = agent * COUNTERS_STRIDE + which;
        counters.putLongRelease(index, counters.getLong(index) + delta); // one writer: the agent
    }
}
