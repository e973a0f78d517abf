package io.jlvs.dataplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnVisitor;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.lang.foreign.MemorySegment;

/**
 * The sync daemon's reading side of the {@link SyncRings}: the connections the agents reported, in the order each
 * agent reported them. The daemon thread's own; the key and entry handed to the visitor are reused.
 */
public final class SyncReports
{
    private final RingBuffer[] rings;
    private final MemorySegment[] segments;
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final MessageHandler reader = this::onMessage;
    private MemorySegment current;
    private ConnVisitor visitor;
    private int first;

    public SyncReports(final SyncRings syncRings)
    {
        rings = new RingBuffer[syncRings.agents()];
        segments = new MemorySegment[rings.length];
        for (int i = 0; i < rings.length; i++)
        {
            rings[i] = syncRings.outbox(i);
            segments[i] = SyncRecord.segmentOf(rings[i].buffer());
        }
    }

    /**
     * Hands at most {@code limit} reports, of all agents together, to {@code visitor}; the agent read first turns
     * round from call to call, so none waits behind a busy one.
     *
     * @return how many were handed.
     */
    public int poll(final ConnVisitor visitor, final int limit)
    {
        this.visitor = visitor;
        int n = 0;
        for (int i = 0; i < rings.length && n < limit; i++)
        {
            final int agent = (first + i) % rings.length;
            current = segments[agent];
            n += rings[agent].read(reader, limit - n);
        }
        first = (first + 1) % rings.length;
        this.visitor = null;
        return n;
    }

    /** Reports waiting, all agents together (approximate while they write). */
    public int backlog()
    {
        int bytes = 0;
        for (final RingBuffer r : rings)
        {
            bytes += r.size();
        }
        return bytes / SyncRecord.LENGTH;
    }

    private void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (type == SyncRecord.MSG_CONN && length == SyncRecord.LENGTH)
        {
            SyncRecord.read(current, index, key, entry);
            visitor.onConn(key, entry);
        }
    }
}
