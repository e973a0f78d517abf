package io.jlvs.dataplane.conn;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;

import java.io.File;
import java.io.IOException;

/**
 * The reply direction of NAT connections: from a connection's reply-direction key ({@link ConnKey#setOut}: client
 * and real server) to its own key (client and virtual service), so that a real server's packet finds its
 * connection. The kernel hashes both directions by the client's address and port into one table; Chronicle Map
 * looks up whole keys only, so the reply direction gets a map of its own, kept by {@link ConnTable} in step with
 * its connections and, when persisted, beside its file. Only {@link FwdMethod#MASQ} connections have a reply
 * key; the other methods never see their replies.
 * <p>
 * Safe from several agents at once (Chronicle's segment locks; each thread builds keys in its own scratch);
 * nothing allocates after a thread's first call.
 */
final class ConnReplyIndex implements AutoCloseable
{
    private final ChronicleMap<ConnKey, ConnKey> map;
    /** Each thread's own keys to build a reply key and read a value into: agents share the index. */
    private final ThreadLocal<ConnKey[]> scratch = ThreadLocal.withInitial(() -> new ConnKey[] {new ConnKey(), new ConnKey()});

    /**
     * @param file     where to persist, or null for memory only.
     * @param recover  run Chronicle's recovery on the file (its owner did not close it).
     */
    ConnReplyIndex(final ConnTable.Context ctx, final File file, final boolean recover) throws IOException
    {
        final ChronicleMapBuilder<ConnKey, ConnKey> builder = ChronicleMapBuilder
            .of(ConnKey.class, ConnKey.class)
            .name(ConnTable.MAP_NAME + "-replies")
            .keyMarshaller(ConnKeyMarshaller.INSTANCE)
            .valueMarshaller(ConnKeyMarshaller.INSTANCE)
            .constantKeySizeBySample(new ConnKey())
            .constantValueSizeBySample(new ConnKey())
            .entries(ctx.capacity())
            .maxBloatFactor(ctx.maxBloatFactor())
            // closed by its owner after the agents stop (the director's shutdown hook), never by Chronicle's own hook
            // while an agent still walks it
            .skipCloseOnExitHook(true);
        if (ctx.entriesPerSegment() > 0)
        {
            builder.entriesPerSegment(ctx.entriesPerSegment());
        }
        if (null == file)
        {
            map = builder.create();
        }
        else
        {
            map = recover ? builder.recoverPersistedTo(file, false) : builder.createPersistedTo(file);
        }
    }

    /** Off-heap bytes the index's map holds. */
    long offHeapMemoryUsed()
    {
        return map.offHeapMemoryUsed();
    }

    /** True for the connections that have a reply direction to index. */
    static boolean indexes(final ConnEntry entry)
    {
        return entry.fwdMethod() == FwdMethod.MASQ.flags() && !entry.isTemplate();
    }

    /**
     * Files the reply direction of the connection {@code key} to the real server of {@code entry}.
     *
     * @return false when the index has no room (Chronicle ran out of segment tiers): the caller refuses the
     *         connection, as for a full table.
     */
    boolean put(final ConnKey key, final ConnEntry entry)
    {
        try (ExternalMapQueryContext<ConnKey, ConnKey, ?> c = map.queryContext(scratch.get()[0].setOut(key, entry)))
        {
            c.writeLock().lock();
            final MapAbsentEntry<ConnKey, ConnKey> absent = c.absentEntry();
            if (null == absent)
            {
                c.entry().doReplaceValue(c.wrapValueAsData(key));
            }
            else
            {
                absent.doInsert(c.wrapValueAsData(key));
            }
            return true;
        }
        catch (final IllegalStateException ex)
        {
            return false;
        }
    }

    /**
     * Takes the reply direction of the connection {@code key} to the real server of {@code entry} out, if it is still
     * that connection's: one client address and port may reach one real server through two VIPs, and the later
     * connection's reply key is then the one filed (the kernel, too, finds only one of them).
     */
    void remove(final ConnKey key, final ConnEntry entry)
    {
        final ConnKey[] keys = scratch.get();
        try (ExternalMapQueryContext<ConnKey, ConnKey, ?> c = map.queryContext(keys[0].setOut(key, entry)))
        {
            c.writeLock().lock();
            final MapEntry<ConnKey, ConnKey> present = c.entry();
            if (null != present && present.value().getUsing(keys[1]).equals(key))
            {
                present.doRemove();
            }
        }
    }

    /** The connection's own key for a reply-direction key, into {@code inKey}; false when there is none. */
    boolean lookup(final ConnKey outKey, final ConnKey inKey)
    {
        return null != map.getUsing(outKey, inKey);
    }

    long size()
    {
        return map.longSize();
    }

    /**
     * Brings the index in step with the table after a crash: a reply key whose connection is gone, or points at
     * another real server, is removed; a NAT connection without its reply key gets it back.
     */
    void reconcile(final ConnTable table)
    {
        final ConnKey in = new ConnKey();
        final ConnKey out = new ConnKey();
        final ConnKey expected = new ConnKey();
        final ConnEntry entry = new ConnEntry();
        map.forEachEntry((e) ->
        {
            e.value().getUsing(in);
            e.key().getUsing(out);
            if (!table.lookup(in, entry) || !indexes(entry) || !expected.setOut(in, entry).equals(out))
            {
                e.doRemove();
            }
        });
        table.forEach((k, e) ->
        {
            if (indexes(e))
            {
                put(k, e);
            }
            return true;
        });
    }

    @Override
    public void close()
    {
        map.close();
    }
}
