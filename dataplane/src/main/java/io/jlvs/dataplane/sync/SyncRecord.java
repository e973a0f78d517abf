package io.jlvs.dataplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnEntryDescriptor;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnKeyDescriptor;
import org.agrona.DirectBuffer;

import java.lang.foreign.MemorySegment;

/**
 * One connection as it crosses a ring between an agent and the sync daemon: the stored forms of its key and entry
 * ({@link ConnKeyDescriptor}, {@link ConnEntryDescriptor}). The same record goes both ways: from an agent of a
 * master to the daemon ({@link SyncOutbox}), and from the daemon of a backup to the agent owning the connection
 * ({@link SyncApplier}).
 * <pre>
 *   0    key    (40)
 *   40   entry  (64)
 *   104
 * </pre>
 */
public final class SyncRecord
{
    /** Ring message type of a record. */
    public static final int MSG_CONN = 1;
    public static final int KEY_OFFSET = 0;
    public static final int ENTRY_OFFSET = KEY_OFFSET + ConnKeyDescriptor.LENGTH;
    public static final int LENGTH = ENTRY_OFFSET + ConnEntryDescriptor.LENGTH;

    private SyncRecord()
    {
    }

    /** The memory of an off-heap buffer (a ring's), addressed by the buffer's own indexes. */
    public static MemorySegment segmentOf(final DirectBuffer buffer)
    {
        return MemorySegment.ofAddress(buffer.addressOffset()).reinterpret(buffer.capacity());
    }

    public static void write(final MemorySegment seg, final int index, final ConnKey key, final ConnEntry entry)
    {
        key.writeTo(seg, index + KEY_OFFSET);
        entry.writeTo(seg, index + ENTRY_OFFSET);
    }

    public static void read(final MemorySegment seg, final int index, final ConnKey key, final ConnEntry entry)
    {
        key.readFrom(seg, index + KEY_OFFSET);
        entry.readFrom(seg, index + ENTRY_OFFSET);
    }
}
