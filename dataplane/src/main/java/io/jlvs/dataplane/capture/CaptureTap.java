package io.jlvs.dataplane.capture;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.port.PacketPort;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.NanoClock;
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
    private final NanoClock nanoClock;
    private volatile Capture attached;
    /** The capture a burst is being copied into, from its start to its counts' publishing; null between bursts. */
    private volatile Capture busy;

    private Capture current;
    private long tokens;
    private long bucketSize;
    private long refilledNs;
    private long nanosPerToken;
    private long matched;
    private long copied;
    private long overRate;
    private long ringFull;

    /**
     * {@code nanoClock}: the agent's, System.nanoTime's own time (the records' stamps add the capture's epoch offset to
     * it); it times the rate bound too, so a test steps it rather than sleeping.
     */
    public CaptureTap(final int agent, final NanoClock nanoClock)
    {
        this.agent = agent;
        this.nanoClock = nanoClock;
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

    /**
     * Control plane: whether a burst that took {@code capture} before it was detached is still being copied, so
     * that the capture's counts and rings are final once this says no.
     */
    public boolean isCopyingInto(final Capture capture)
    {
        return busy == capture;
    }

    /** The frames of a received burst. */
    public void inbound(final Packet[] burst, final int n)
    {
        final Capture c = claimBurst(n);
        if (null == c)
        {
            return;
        }
        final long nowNs = begin(c);
        if (!skipped(c, n))
        {
            for (int i = 0; i < n; i++)
            {
                final Packet p = burst[i];
                offer(c, Capture.INBOUND, p.seg, p.frame, p.length, nowNs);
            }
        }
        publish(c);
    }

    /** Frames about to be sent: {@code count} handles from {@code handles}, their lengths in {@code lengths}. */
    public void outbound(final PacketPort port, final MemorySegment handles, final int[] lengths, final int count)
    {
        final Capture c = claimBurst(count);
        if (null == c)
        {
            return;
        }
        final long nowNs = begin(c);
        if (!skipped(c, count))
        {
            for (int i = 0; i < count; i++)
            {
                final long h = handles.getAtIndex(ValueLayout.JAVA_LONG, i);
                offer(c, Capture.OUTBOUND, port.data(h), port.dataOffset(h), lengths[i], nowNs);
            }
        }
        publish(c);
    }

    /** Out of tokens with a filter that keeps everything: the burst is counted whole, no frame looked at. */
    private boolean skipped(final Capture c, final int n)
    {
        if (tokens > 0 || !c.filter().isAll())
        {
            return false;
        }
        matched += n;
        overRate += n;
        return true;
    }

    /** With no capture attached, the last one's memory is not held here. */
    private void letGo(final Capture c)
    {
        if (null == c && null != current)
        {
            current = null;
        }
    }

    /** The counts of a burst, published once: a store per counter per burst, not per frame; the burst is done. */
    private void publish(final Capture c)
    {
        if (matched != 0)
        {
            c.add(agent, Capture.MATCHED, matched);
            matched = 0;
        }
        if (copied != 0)
        {
            c.add(agent, Capture.COPIED, copied);
            copied = 0;
        }
        if (overRate != 0)
        {
            c.add(agent, Capture.OVER_RATE, overRate);
            overRate = 0;
        }
        if (ringFull != 0)
        {
            c.add(agent, Capture.RING_FULL, ringFull);
            ringFull = 0;
        }
        busy = null;
    }

    /** The capture a burst of {@code n} frames copies into, claimed; null when none is attached (or n is 0). */
    private Capture claimBurst(final int n)
    {
        final Capture c = attached;
        if (null == c || 0 == n || !claim(c))
        {
            letGo(c);
            return null;
        }
        return c;
    }

    /**
     * Marks the burst as copying into {@code c}, then checks {@code c} is still attached: a detach that saw no burst
     * busy is then seen here, and the burst copies nothing (volatile accesses are sequentially consistent).
     */
    private boolean claim(final Capture c)
    {
        busy = c;
        if (attached != c)
        {
            busy = null;
            return false;
        }
        return true;
    }

    private long begin(final Capture c)
    {
        final long nowNs = nanoClock.nanoTime();
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
        matched++;
        if (tokens <= 0)
        {
            overRate++;
            return;
        }
        final int bytes = Math.min(length, c.snapLength());
        final OneToOneRingBuffer ring = c.ring(agent);
        final int index = ring.tryClaim(direction, Capture.HEADER_LENGTH + bytes);
        if (index < 0)
        {
            ringFull++;
            return;
        }
        tokens--;
        final AtomicBuffer buffer = ring.buffer();
        buffer.putLong(index + Capture.TIMESTAMP_OFFSET, nowNs + c.epochOffsetNs());
        buffer.putInt(index + Capture.WIRE_LENGTH_OFFSET, length);
        MemorySegment.copy(seg, frame, c.ringMemory(agent), index + Capture.HEADER_LENGTH, bytes);
        ring.commit(index);
        copied++;
    }
}
