package io.jlvs.dataplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.redirect.Redirector;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.lang.foreign.MemorySegment;

/**
 * A backup's sync daemon hands each connection its master reported to the agent that owns it ({@link ConnOwner}),
 * through that agent's inbox, where the agent's {@link SyncApplier} applies it. The daemon thread's own.
 */
public final class SyncDelivery
{
    private final RingBuffer[] inboxes;
    private final MemorySegment[] segments;

    public SyncDelivery(final RedirectRings rings)
    {
        inboxes = new RingBuffer[rings.agents()];
        segments = new MemorySegment[inboxes.length];
        for (int i = 0; i < inboxes.length; i++)
        {
            inboxes[i] = rings.inbox(i);
            segments[i] = SyncRecord.segmentOf(inboxes[i].buffer());
        }
    }

    /**
     * @return false when the owner's inbox is full: nothing was handed over, and the caller tries again later.
     */
    public boolean deliver(final ConnKey key, final ConnEntry entry)
    {
        final int owner = ConnOwner.of(key, inboxes.length);
        final RingBuffer inbox = inboxes[owner];
        final int index = inbox.tryClaim(Redirector.MSG_SYNC_CONN, SyncRecord.LENGTH);
        if (index < 0)
        {
            return false;
        }
        SyncRecord.write(segments[owner], index, key, entry);
        inbox.commit(index);
        return true;
    }
}
