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
    /** A record in a ring: Agrona's 8-byte header, the record, aligned to 8. */
    static final int MESSAGE_LENGTH = org.agrona.BitUtil.align(
        org.agrona.concurrent.ringbuffer.RecordDescriptor.HEADER_LENGTH + SyncRecord.LENGTH,
        org.agrona.concurrent.ringbuffer.RecordDescriptor.ALIGNMENT);

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
     * Whether every inbox has room for {@code records} more, all of which might be one agent's: then a batch of that
     * many is delivered whole, unless the agents' own redirects take the room meanwhile.
     */
    public boolean hasRoom(final int records)
    {
        final int needed = records * MESSAGE_LENGTH;
        for (final RingBuffer inbox : inboxes)
        {
            if (inbox.capacity() - inbox.size() < needed)
            {
                return false;
            }
        }
        return true;
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
