package io.jlvs.dataplane.capture;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.port.PacketPort;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * An agent's tap for {@code jlvs capture}: the frames it receives and the frames it hands to the port, copied into
 * the {@link Capture} attached (if any), filtered and bounded by a token bucket of the capture's rate. With no
 * capture attached a burst costs one volatile read. Owned by the agent's thread, but for {@link #attach} and
 * {@link #detach}, which the control plane calls.
 */
public final class CaptureTap
{
    /** The token bucket holds a tenth of a second of the rate: bursts are kept, floods are cut. */
    private static final long BUCKET_DIVISOR = 10;

    private final int agent;
    private volatile Capture attached;

    private Capture current;
    private long tokens;
    private long bucketSize;
    private long refilledNs;
    private long nanosPerToken;

    public CaptureTap(final int agent)
    {
        this.agent = agent;
    }

    /** Control plane: the capture this agent's frames go to from its next burst. */
    public void attach(final Capture capture)
    {
        attached = capture;
    }

    /** Control plane: stops copying frames into {@code capture} (if it is the one attached). */
    public void detach(final Capture capture)
    {
        if (attached == capture)
        {
            attached = null;
        }
    }

    /** The frames of a received burst. */
    public void inbound(final Packet[] burst, final int n)
    {
        final Capture c = attached;
        if (null == c || 0 == n)
        {
            return;
        }
        final long nowNs = begin(c);
        for (int i = 0; i < n; i++)
        {
            final Packet p = burst[i];
            offer(c, Capture.INBOUND, p.seg, p.frame, p.length, nowNs);
        }
    }

    /** Frames about to be sent: {@code count} handles from {@code handles}, their lengths in {@code lengths}. */
    public void outbound(final PacketPort port, final MemorySegment handles, final int[] lengths, final int count)
    {
        final Capture c = attached;
        if (null == c || 0 == count)
        {
            return;
        }
        final long nowNs = begin(c);
        for (int i = 0; i < count; i++)
        {
            final long h = handles.getAtIndex(ValueLayout.JAVA_LONG, i);
            offer(c, Capture.OUTBOUND, port.data(h), port.dataOffset(h), lengths[i], nowNs);
        }
    }

    private long begin(final Capture c)
    {
        final long nowNs = System.nanoTime();
        if (c != current)
        {
            current = c;
            bucketSize = Math.max(1, c.perAgentRate() / BUCKET_DIVISOR);
            nanosPerToken = Math.max(1, 1_000_000_000L / c.perAgentRate());
            tokens = bucketSize;
            refilledNs = nowNs;
        }
        else if (tokens < bucketSize)
        {
            final long earned = (nowNs - refilledNs) / nanosPerToken;
            if (earned > 0)
            {
                tokens = Math.min(bucketSize, tokens + earned);
                refilledNs += earned * nanosPerToken;
            }
        }
        else
        {
            refilledNs = nowNs;
        }
        return nowNs;
    }

    private void offer(final Capture c, final int direction, final MemorySegment seg, final long frame,
        final int length, final long nowNs)
    {
        if (!c.filter().matches(seg, frame, length))
        {
            return;
        }
        c.add(agent, Capture.MATCHED, 1);
        if (tokens <= 0)
        {
            c.add(agent, Capture.OVER_RATE, 1);
            return;
        }
        final int copied = Math.min(length, c.snapLength());
        final OneToOneRingBuffer ring = c.ring(agent);
        final int index = ring.tryClaim(direction, Capture.HEADER_LENGTH + copied);
        if (index < 0)
        {
            c.add(agent, Capture.RING_FULL, 1);
            return;
        }
        tokens--;
        final AtomicBuffer buffer = ring.buffer();
        buffer.putLong(index + Capture.TIMESTAMP_OFFSET, nowNs + c.epochOffsetNs());
        buffer.putInt(index + Capture.WIRE_LENGTH_OFFSET, length);
        MemorySegment.copy(seg, frame, c.ringMemory(agent), index + Capture.HEADER_LENGTH, copied);
        ring.commit(index);
        c.add(agent, Capture.COPIED, 1);
    }
}
