package io.jlvs.dataplane.redirect;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The rings between a director's forwarding agents: one inbox per agent, an Agrona {@link ManyToOneRingBuffer} that
 * every other agent writes and its agent alone reads. Through it an agent hands over packets of connections another
 * agent owns, and tells the others of neighbours it learned ({@link Redirector}). Bounded: a full inbox refuses, and
 * the writer drops and counts what it could not hand over.
 * <p>
 * Made once by the director before its agents start; each agent then takes its {@link Redirector}.
 */
public final class RedirectRings
{
    /** Default capacity of one inbox: about 120 bursts of 32 packets (the director sizes its pool for it). */
    public static final int DEFAULT_CAPACITY = 32 * 1024;
    /** The least: Agrona takes a message of at most an eighth of the capacity, and a burst's is 272 bytes. */
    public static final int MIN_CAPACITY = 4096;

    private final RingBuffer[] inboxes;

    /**
     * @param agents   how many agents (one inbox each).
     * @param capacity bytes per inbox, a power of two, at least {@value #MIN_CAPACITY}.
     */
    public RedirectRings(final int agents, final int capacity)
    {
        if (agents < 1)
        {
            throw new IllegalArgumentException("agents must be positive: " + agents);
        }
        if (!BitUtil.isPowerOfTwo(capacity) || capacity < MIN_CAPACITY)
        {
            throw new IllegalArgumentException("capacity must be a power of two of at least " + MIN_CAPACITY + ": " +
                capacity);
        }
        inboxes = new RingBuffer[agents];
        for (int i = 0; i < agents; i++)
        {
            inboxes[i] = new ManyToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                capacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH)));
        }
    }

    public RedirectRings(final int agents)
    {
        this(agents, DEFAULT_CAPACITY);
    }

    public int agents()
    {
        return inboxes.length;
    }

    /** The inbox of agent {@code agent}. */
    public RingBuffer inbox(final int agent)
    {
        return inboxes[agent];
    }
}
