package io.jlvs.dataplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

/**
 * One agent's side of its {@link SyncRings} ring: it reports a connection the {@link SyncNeeded} rule picked, after
 * the connection was saved, so that a catch-up reading the table at the same time reads this state or an older one
 * that this report follows. The agent's own; nothing allocates.
 */
public final class SyncOutbox
{
    private final RingBuffer ring;
    private final MemorySegment seg;
    private final AtomicCounter reported;
    private final AtomicCounter ringFull;

    public SyncOutbox(final RingBuffer ring, final AtomicCounter reported, final AtomicCounter ringFull)
    {
        this.ring = ring;
        this.seg = SyncRecord.segmentOf(ring.buffer());
        this.reported = reported;
        this.ringFull = ringFull;
    }

    public void report(final ConnKey key, final ConnEntry entry)
    {
        final int index = ring.tryClaim(SyncRecord.MSG_CONN, SyncRecord.LENGTH);
        if (index < 0)
        {
            ringFull.incrementRelease();
            return;
        }
        SyncRecord.write(seg, index, key, entry);
        ring.commit(index);
        reported.incrementRelease();
    }
}
