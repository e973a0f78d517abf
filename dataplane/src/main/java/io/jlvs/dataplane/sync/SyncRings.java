package io.jlvs.dataplane.sync;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

/**
 * The rings from the forwarding agents to the sync daemon: one Agrona {@link OneToOneRingBuffer} per agent, which
 * its agent writes ({@link SyncOutbox}) and the daemon's thread reads. Bounded as the kernel bounds its sync queue
 * ({@code sync_qlen_max}): a full ring refuses, and the agent counts the report it could not make; the connection is
 * reported again at its next period or state change.
 * <p>
 * The other direction, reports from a master applied by a backup, uses each agent's inbox
 * ({@link io.jlvs.dataplane.redirect.RedirectRings}): the connection's owner applies it.
 */
public final class SyncRings
{
    /** 1 MiB: about 9000 reports, 20 ms of a million reports a second while the daemon's thread is away. */
    public static final int DEFAULT_CAPACITY = 1 << 20;

    private final RingBuffer[] outboxes;

    public SyncRings(final int agents, final int capacity)
    {
        if (!BitUtil.isPowerOfTwo(capacity) || capacity < 8 * SyncRecord.LENGTH)
        {
            throw new IllegalArgumentException("capacity must be a power of two of at least " +
                8 * SyncRecord.LENGTH + ": " + capacity);
        }
        outboxes = new RingBuffer[agents];
        for (int i = 0; i < agents; i++)
        {
            outboxes[i] = new OneToOneRingBuffer(new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                capacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH)));
        }
    }

    public SyncRings(final int agents)
    {
        this(agents, DEFAULT_CAPACITY);
    }

    public int agents()
    {
        return outboxes.length;
    }

    /** The ring agent {@code agent} reports into. */
    public RingBuffer outbox(final int agent)
    {
        return outboxes[agent];
    }
}
