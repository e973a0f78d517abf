package io.jlvs.dataplane.conn;

import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;
import net.openhft.chronicle.map.MapSegmentContext;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The connection table: an off-heap Chronicle Map from {@link ConnKey} to {@link ConnEntry}, in memory or
 * persisted to a file (for example {@code /dev/shm/jlvs/<instance>/conns.dat}) so that a restarted director
 * finds its connections again.
 * <h2>Fast path</h2>
 * {@link #lookup} copies the stored entry out into the caller's flyweight; the agent runs the state machine on
 * the copy and writes it back with {@link #update} only when {@link ConnStateMachine#onPacket} says so (state or
 * flags changed, or the expiry moved by {@link ConnStateMachine#WRITE_BACK_GRANULARITY_MS} or more), so a packet
 * of an established flow costs one lookup. None of {@link #lookup}, {@link #insert}, {@link #update},
 * {@link #remove} or {@link #expire} allocates after warm-up.
 * <h2>Capacity</h2>
 * The table holds at most {@link Context#capacity()} entries. {@link #insert} of a new key into a full table
 * returns false and stores nothing: new connections are refused while existing ones keep flowing, and the
 * caller drops the packet and counts it ({@code CONN_TABLE_FULL}). This is the simple end of IPVS's
 * {@code drop_entry} defence: rather than randomly dropping old entries, refuse new ones; expiry frees room.
 * <h2>Expiry</h2>
 * {@link #expire} is incremental and goes segment by segment: each call visits at most {@code limit} entries
 * (and opens at most {@code limit} segments), and the next call resumes where the last stopped, so a full pass
 * over the table takes about {@code size / limit} calls. A call takes a segment whole when it fits in what is
 * left of the budget and otherwise leaves it for the next call; only a segment larger than {@code limit} is
 * split across calls, and resuming it re-walks (skips) the entries already visited. So size segments to about
 * the per-call limit ({@link Context#entriesPerSegment(long)}, default {@value #DEFAULT_ENTRIES_PER_SEGMENT}):
 * a visited entry then costs 100-200 ns on a cold cache. An entry is expired once
 * {@code now >= expiresMs + expiryGraceMs}; the grace (by default the write-back granularity) covers the expiry
 * lag that write-back batching allows, so a flow is never expired early.
 * <h2>The reply direction</h2>
 * A NAT ({@link FwdMethod#MASQ}) connection is also found from its real server's packets: {@link #insert} files its
 * reply-direction key in the {@link ConnReplyIndex}, {@link #lookupOut} finds the connection's own key from it,
 * {@link #remove} and {@link #expire} take it out again. A persisted table keeps the index beside its file
 * ({@code <file>.out}) and reconciles the two after a crash.
 * <h2>Threads</h2>
 * A table has one writer, the forwarding agent that owns its connections ({@link ConnOwner}, {@link ConnTables}):
 * {@link #insert}, {@link #update}, {@link #remove} and {@link #expire} run on its thread only, so the expiry cursor
 * and what a call reads a value into are plain fields. Readers on other threads ({@link #size()},
 * {@link #forEach(ConnVisitor)} for ipvsadm and sync, {@link #lookup}) are safe: Chronicle's segment locks guard the
 * maps, and an iterating reader briefly holds one segment at a time.
 */
public final class ConnTable implements AutoCloseable
{
    /** The map name. */
    public static final String MAP_NAME = "jlvs-conns";

    /**
     * The stored layout, written beside a persisted table ({@code <file>.layout}, Chronicle keeps no name of
     * its own): a file of another layout is refused rather than misread.
     */
    public static final String LAYOUT =
        "jlvs-conns-v2 key=" + ConnKeyDescriptor.LENGTH + " value=" + ConnEntryDescriptor.LENGTH;

    /**
     * The layout before persistence: bytes 40-47 of a value held its creation time, never read, where v2 keeps the
     * template reference and count. A v1 table is opened, those bytes cleared, and it is v2 from then on.
     */
    static final String LAYOUT_V1 =
        "jlvs-conns-v1 key=" + ConnKeyDescriptor.LENGTH + " value=" + ConnEntryDescriptor.LENGTH;

    /** Default Chronicle entries per segment: about one expiry call's worth. */
    public static final long DEFAULT_ENTRIES_PER_SEGMENT = 256;

    private final ChronicleMap<ConnKey, ConnEntry> map;
    private final ConnReplyIndex replies;
    private final long capacity;
    private final long expiryGraceMs;
    private final File file;
    private final FileChannel lockChannel;
    private final boolean recovered;
    /** Written by the owner, read by anyone. */
    private final AtomicLong size = new AtomicLong();
    /** The owner's: a removed or replaced value is read into it. */
    private final ConnEntry scratch = new ConnEntry();

    /** The owner's walk of the whole table ({@link #expire(long, int, ExpiryListener)}). */
    private final ExpiryCursor ownCursor = new ExpiryCursor(0, 1);

    private boolean closed;

    /**
     * Told of each expired entry found by {@link #expire(long, int, ExpiryListener)}, so the agent can undo the
     * entry's accounting: decrement the real server's active or inactive count by the entry's
     * {@link ConnFlags#INACTIVE} flag, or its persistent count for a {@link ConnFlags#TEMPLATE}.
     * <p>
     * {@code key} and {@code entry} are the table's scratch instances, valid only during the call.
     */
    @FunctionalInterface
    public interface ExpiryListener
    {
        /** The entry has been removed. */
        void onExpired(ConnKey key, ConnEntry entry);

        /**
         * Asked before an expired entry is removed. Return false to keep it: {@code entry}, as changed here, is
         * written back (move {@code expiresMs} forward, or it is offered again on the next pass) and
         * {@link #onExpired} is not called. IPVS keeps a template that still controls connections for another
         * 60 s this way. The default removes every expired entry.
         */
        default boolean onExpiring(final ConnKey key, final ConnEntry entry)
        {
            return true;
        }
    }

    /**
     * Configuration of a {@link ConnTable}, Aeron style: set, then {@link #conclude()}.
     */
    public static final class Context
    {
        private long capacity = 1 << 20;
        private long entriesPerSegment = DEFAULT_ENTRIES_PER_SEGMENT;
        private double maxBloatFactor = 2.0;
        private long expiryGraceMs = ConnStateMachine.WRITE_BACK_GRANULARITY_MS;
        private File file;
        private String name = MAP_NAME;
        private String layout = LAYOUT;
        private boolean replyIndex = true;

        /** The map's name and the layout written beside its file: another kind of table stored the same way. */
        public Context kind(final String name, final String layout)
        {
            this.name = name;
            this.layout = layout;
            return this;
        }

        /** Whether NAT connections are indexed by their reply direction (a table of templates needs no index). */
        public Context replyIndex(final boolean replyIndex)
        {
            this.replyIndex = replyIndex;
            return this;
        }

        /** Most entries the table holds (connections plus templates). */
        public Context capacity(final long capacity)
        {
            this.capacity = capacity;
            return this;
        }

        public long capacity()
        {
            return capacity;
        }

        /**
         * Entries per Chronicle segment, 0 for Chronicle's choice (a few thousand for a million entries). Size it to
         * about the expiry limit per call, so {@link ConnTable#expire} takes whole segments and never re-walks one.
         */
        public Context entriesPerSegment(final long entriesPerSegment)
        {
            this.entriesPerSegment = entriesPerSegment;
            return this;
        }

        public long entriesPerSegment()
        {
            return entriesPerSegment;
        }

        /** How far Chronicle may grow segments beyond their planned size (extra tiers) when keys cluster. */
        public Context maxBloatFactor(final double maxBloatFactor)
        {
            this.maxBloatFactor = maxBloatFactor;
            return this;
        }

        public double maxBloatFactor()
        {
            return maxBloatFactor;
        }

        /** How long after {@code expiresMs} an entry is removed; at least the write-back granularity. */
        public Context expiryGraceMs(final long expiryGraceMs)
        {
            this.expiryGraceMs = expiryGraceMs;
            return this;
        }

        public long expiryGraceMs()
        {
            return expiryGraceMs;
        }

        /** The file to persist to, or null (the default) for an in-memory table. */
        public Context file(final File file)
        {
            this.file = file;
            return this;
        }

        public File file()
        {
            return file;
        }

        public Context conclude()
        {
            if (capacity < 1)
            {
                throw new IllegalArgumentException("capacity must be positive: " + capacity);
            }
            if (entriesPerSegment < 0)
            {
                throw new IllegalArgumentException("entriesPerSegment must not be negative: " + entriesPerSegment);
            }
            if (maxBloatFactor < 1.0)
            {
                throw new IllegalArgumentException("maxBloatFactor must be at least 1: " + maxBloatFactor);
            }
            if (expiryGraceMs < 0)
            {
                throw new IllegalArgumentException("expiryGraceMs must not be negative: " + expiryGraceMs);
            }
            return this;
        }
    }

    /**
     * Opens a table. A persisted table whose file exists is reopened with its entries; if the previous owner
     * did not close it (no clean-close marker beside the file), Chronicle's recovery is run first, which
     * also releases segment locks a crashed process may have held. Only one process may have the file open:
     * a lock file beside it enforces this.
     *
     * @throws IllegalStateException if the file is in use, or holds another layout (see {@link #LAYOUT}).
     * @throws UncheckedIOException  if the file cannot be created or opened.
     */
    public ConnTable(final Context ctx)
    {
        ctx.conclude();
        this.capacity = ctx.capacity();
        this.expiryGraceMs = ctx.expiryGraceMs();
        this.file = ctx.file();

        final ChronicleMapBuilder<ConnKey, ConnEntry> builder = ChronicleMapBuilder
            .of(ConnKey.class, ConnEntry.class)
            .name(ctx.name)
            .keyMarshaller(ConnKeyMarshaller.INSTANCE)
            .valueMarshaller(ConnEntryMarshaller.INSTANCE)
            .constantKeySizeBySample(new ConnKey())
            .constantValueSizeBySample(new ConnEntry())
            .entries(capacity)
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
            this.lockChannel = null;
            this.recovered = false;
            this.map = builder.create();
            this.replies = ctx.replyIndex ? newReplyIndex(ctx, null, false) : null;
        }
        else
        {
            FileChannel channel = null;
            ChronicleMap<ConnKey, ConnEntry> opened = null;
            ConnReplyIndex openedReplies = null;
            try
            {
                final Path path = file.toPath().toAbsolutePath();
                final Path dir = path.getParent();
                if (null != dir)
                {
                    Files.createDirectories(dir);
                }
                channel = FileChannel.open(
                    lockPath(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                final boolean locked;
                try
                {
                    locked = null != channel.tryLock();
                }
                catch (final OverlappingFileLockException ex)
                {
                    throw new IllegalStateException("connection table already open in this process: " + path, ex);
                }
                if (!locked)
                {
                    throw new IllegalStateException("connection table in use by another process: " + path);
                }

                final Path cleanMarker = cleanMarkerPath(path);
                final Path layoutFile = layoutPath(path);
                final Path replyFile = repliesPath(path);
                final boolean existed = Files.exists(path);
                boolean upgrade = false;
                if (existed)
                {
                    final String layout = Files.exists(layoutFile) ? Files.readString(layoutFile).trim() : "(none)";
                    upgrade = LAYOUT.equals(ctx.layout) && LAYOUT_V1.equals(layout);
                    if (!ctx.layout.equals(layout) && !upgrade)
                    {
                        throw new IllegalStateException(
                            "connection table " + path + " has layout '" + layout + "', expected '" + ctx.layout + "'");
                    }
                }
                else
                {
                    Files.writeString(layoutFile, ctx.layout + "\n");
                }
                final boolean wasClean = Files.deleteIfExists(cleanMarker);
                final boolean repliesExisted = Files.exists(replyFile);
                this.recovered = existed && !wasClean;
                // recovery takes the sizes from the file's own header (false): a changed capacity cannot mis-size it
                opened = recovered ? builder.recoverPersistedTo(file, false) : builder.createPersistedTo(file);
                openedReplies = ctx.replyIndex ?
                    new ConnReplyIndex(ctx, replyFile.toFile(), recovered && repliesExisted) : null;
                this.replies = openedReplies;
                this.map = opened;
                this.lockChannel = channel;
                if (upgrade)
                {
                    clearControl();
                    Files.writeString(layoutFile, ctx.layout + "\n");
                }
                if (null != replies && (recovered || (existed && !repliesExisted)))
                {
                    replies.reconcile(this);
                }
            }
            catch (final IOException ex)
            {
                closeQuietly(opened);
                closeQuietly(openedReplies);
                closeQuietly(channel);
                throw new UncheckedIOException("cannot open connection table " + file, ex);
            }
            catch (final RuntimeException ex)
            {
                closeQuietly(opened);
                closeQuietly(openedReplies);
                closeQuietly(channel);
                throw ex;
            }
        }

        size.set(map.longSize());
    }

    /**
     * Copies the entry for {@code key} into {@code into}.
     *
     * @return false when there is no entry ({@code into} is then unchanged).
     */
    public boolean lookup(final ConnKey key, final ConnEntry into)
    {
        return null != map.getUsing(key, into);
    }

    /**
     * Stores a new connection. The caller has just missed on {@link #lookup}; should the key nevertheless
     * be present, its entry is replaced and the size is unchanged.
     *
     * @return false when the table is full: nothing is stored, and the caller drops the packet and counts it.
     */
    public boolean insert(final ConnKey key, final ConnEntry entry)
    {
        return insert(key, entry, size.getPlain() >= capacity);
    }

    /**
     * Stores a connection moved here from another agent's table when the agent count changed ({@link ConnTables}):
     * beyond the capacity if need be, since the connection exists and must not be lost.
     */
    boolean adopt(final ConnKey key, final ConnEntry entry)
    {
        return insert(key, entry, false);
    }

    private boolean insert(final ConnKey key, final ConnEntry entry, final boolean full)
    {
        try (ExternalMapQueryContext<ConnKey, ConnEntry, ?> c = map.queryContext(key))
        {
            c.writeLock().lock();
            final MapAbsentEntry<ConnKey, ConnEntry> absent = c.absentEntry();
            if (null == absent)
            {
                final MapEntry<ConnKey, ConnEntry> present = c.entry();
                final ConnEntry old = present.value().getUsing(scratch);
                removeReply(key, old);
                if (!putReply(key, entry))
                {
                    return false;
                }
                present.doReplaceValue(c.wrapValueAsData(entry));
                return true;
            }
            if (full || !putReply(key, entry))
            {
                return false;
            }
            absent.doInsert(c.wrapValueAsData(entry));
        }
        catch (final IllegalStateException ex)
        {
            // Chronicle has run out of segment tiers (keys clustered beyond maxBloatFactor): treat as full.
            removeReply(key, entry);
            return false;
        }
        size.incrementAndGet();
        return true;
    }

    /**
     * Finds the connection a real server's packet belongs to: {@code outKey} is the packet's reply-direction key
     * ({@link ConnKey#setOutFromPacket}); the connection's own key is copied into {@code inKey}.
     *
     * @return false when no NAT connection has that reply direction.
     */
    public boolean lookupOut(final ConnKey outKey, final ConnKey inKey)
    {
        return null != replies && replies.lookup(outKey, inKey);
    }

    /** A v1 table's bytes 40-47 held a creation time: as v2's template reference and count they must be 0. */
    private void clearControl()
    {
        final ConnEntry entry = new ConnEntry();
        map.forEachEntry((e) -> e.doReplaceValue(e.context().wrapValueAsData(
            e.value().getUsing(entry).control(0).nControl(0))));
    }

    private boolean putReply(final ConnKey key, final ConnEntry entry)
    {
        return !ConnReplyIndex.indexes(entry) || replies.put(key, entry);
    }

    private void removeReply(final ConnKey key, final ConnEntry entry)
    {
        if (ConnReplyIndex.indexes(entry))
        {
            replies.remove(key, entry);
        }
    }

    /**
     * Writes a changed entry back.
     *
     * @return false if the key has no entry (nothing is stored).
     */
    public boolean update(final ConnKey key, final ConnEntry entry)
    {
        try (ExternalMapQueryContext<ConnKey, ConnEntry, ?> c = map.queryContext(key))
        {
            c.writeLock().lock();
            final MapEntry<ConnKey, ConnEntry> present = c.entry();
            if (null == present)
            {
                return false;
            }
            present.doReplaceValue(c.wrapValueAsData(entry));
            return true;
        }
    }

    /** Removes the entry for {@code key}; returns false if there was none. */
    public boolean remove(final ConnKey key)
    {
        try (ExternalMapQueryContext<ConnKey, ConnEntry, ?> c = map.queryContext(key))
        {
            c.writeLock().lock();
            final MapEntry<ConnKey, ConnEntry> present = c.entry();
            if (null == present)
            {
                return false;
            }
            final ConnEntry removed = present.value().getUsing(scratch);
            present.doRemove();
            removeReply(key, removed);
        }
        size.decrementAndGet();
        return true;
    }

    /** How long after its expiry an entry is removed (covers expiries written back at most this late). */
    public long expiryGraceMs()
    {
        return expiryGraceMs;
    }

    /** The map's context for {@code key}, for a table whose writers lock entries themselves ({@link TemplateTable}). */
    ExternalMapQueryContext<ConnKey, ConnEntry, ?> queryContext(final ConnKey key)
    {
        return map.queryContext(key);
    }

    /** What such a writer inserted or removed. */
    void sizeChanged(final int delta)
    {
        size.addAndGet(delta);
    }

    /** Number of connections (the reply index not counted); may be read from any thread. */
    public long size()
    {
        return size.get();
    }

    /** Most entries the table holds. */
    public long capacity()
    {
        return capacity;
    }

    /** True when the table was reopened from a file that had not been closed cleanly (recovery ran). */
    public boolean wasRecovered()
    {
        return recovered;
    }

    /** Number of Chronicle segments, the unit of expiry progress. */
    public int segments()
    {
        return map.segments();
    }

    /** Off-heap bytes of the table's maps: the connections and their reply-direction index. */
    public long offHeapMemoryUsed()
    {
        return map.offHeapMemoryUsed() + (null == replies ? 0 : replies.offHeapMemoryUsed());
    }

    /**
     * Visits at most {@code limit} entries, continuing where the previous call stopped, removes those
     * expired at {@code nowMs} and tells {@code listener} of each (which may keep an entry; see
     * {@link ExpiryListener#onExpiring}). It also opens at most {@code limit} segments, so a sparse table costs
     * no more per call than a full one. Entries skipped because they were visited earlier in the same segment do
     * not count towards {@code limit}.
     *
     * @return the number of entries removed.
     */
    public int expire(final long nowMs, final int limit, final ExpiryListener listener)
    {
        return expire(nowMs, limit, listener, ownCursor);
    }

    /**
     * As {@link #expire(long, int, ExpiryListener)}, walking the segments of {@code cursor}'s share, from where it
     * stopped: a table with several writers (the templates) gives each its own cursor over its own segments.
     */
    int expire(final long nowMs, final int limit, final ExpiryListener listener, final ExpiryCursor cursor)
    {
        if (limit <= 0 || cursor.first >= map.segments())
        {
            return 0;
        }
        final int segments = map.segments();
        final int share = (segments - cursor.first + cursor.stride - 1) / cursor.stride;
        cursor.listener = listener;
        cursor.nowMs = nowMs;
        int visited = 0;
        int removed = 0;
        int segmentsOpened = 0;
        int segmentsDone = 0;
        try
        {
            while (visited < limit && segmentsOpened < limit && segmentsDone < share)
            {
                segmentsOpened++;
                cursor.skipRemaining = cursor.skip;
                cursor.budget = limit - visited;
                cursor.visited = 0;
                cursor.removed = 0;

                final boolean segmentDone;
                try (MapSegmentContext<ConnKey, ConnEntry, ?> c = map.segmentContext(cursor.segment))
                {
                    if (0 == cursor.skip && visited > 0 && c.size() > cursor.budget)
                    {
                        break; // the whole segment does not fit this call: start it whole next call
                    }
                    segmentDone = c.forEachSegmentEntryWhile(cursor.visitor);
                }

                visited += cursor.visited;
                removed += cursor.removed;
                if (segmentDone)
                {
                    cursor.segment = cursor.segment + cursor.stride < segments ?
                        cursor.segment + cursor.stride : cursor.first;
                    cursor.skip = 0;
                    segmentsDone++;
                }
                else
                {
                    cursor.skip += cursor.visited - cursor.removed;
                }
            }
        }
        finally
        {
            cursor.listener = null;
            if (removed > 0)
            {
                size.addAndGet(-removed);
            }
        }

        return removed;
    }

    /**
     * Offers every entry of one segment to {@code listener}, expired or not: those it accepts
     * ({@link ExpiryListener#onExpiring} true) are removed and told of ({@link ExpiryListener#onExpired}); the others
     * are left as they are. The {@code drop_entry} defence's walk; the owner's thread only.
     *
     * @return the number removed.
     */
    public int sweep(final int segment, final ExpiryListener listener)
    {
        return sweep(segment, listener, ownCursor);
    }

    /** As {@link #sweep(int, ExpiryListener)}, with a writer's own cursor: a table of several writers (templates). */
    int sweep(final int segment, final ExpiryListener listener, final ExpiryCursor cursor)
    {
        cursor.listener = listener;
        cursor.removed = 0;
        try (MapSegmentContext<ConnKey, ConnEntry, ?> c = map.segmentContext(segment))
        {
            c.forEachSegmentEntry(cursor.sweeper);
        }
        finally
        {
            cursor.listener = null;
            if (cursor.removed > 0)
            {
                size.addAndGet(-cursor.removed);
            }
        }
        return cursor.removed;
    }

    /** Removes an entry a walk holds, with its reply direction, and says so. */
    private void removeVisited(
        final MapEntry<ConnKey, ConnEntry> e, final ConnKey key, final ConnEntry entry, final ExpiryListener listener)
    {
        e.doRemove();
        removeReply(key, entry);
        listener.onExpired(key, entry);
    }

    /**
     * Where one writer's expiry walk is, and what a call of it reads an entry into: segments {@code first},
     * {@code first + stride}, ... of the table, round and round.
     */
    final class ExpiryCursor
    {
        private final int first;
        private final int stride;
        private int segment;
        private long skip;
        private final ConnKey key = new ConnKey();
        private final ConnEntry entry = new ConnEntry();
        private final Predicate<MapEntry<ConnKey, ConnEntry>> visitor = this::onVisit;
        private final java.util.function.Consumer<MapEntry<ConnKey, ConnEntry>> sweeper = this::onSweep;
        private ExpiryListener listener;
        private long nowMs;
        private long skipRemaining;
        private int budget;
        private int visited;
        private int removed;

        /** The first segment of this cursor's share, and the step to the next. */
        int first()
        {
            return first;
        }

        int stride()
        {
            return stride;
        }

        ExpiryCursor(final int first, final int stride)
        {
            this.first = first;
            this.stride = stride;
            this.segment = first;
        }

        private boolean onVisit(final MapEntry<ConnKey, ConnEntry> e)
        {
            if (skipRemaining > 0)
            {
                skipRemaining--;
                return true;
            }

            e.value().getUsing(entry);
            visited++;
            if (nowMs - entry.expiresMs() >= expiryGraceMs)
            {
                e.key().getUsing(key);
                if (listener.onExpiring(key, entry))
                {
                    removeVisited(e, key, entry, listener);
                    removed++;
                }
                else
                {
                    e.doReplaceValue(e.context().wrapValueAsData(entry));
                }
            }

            return visited < budget;
        }

        private void onSweep(final MapEntry<ConnKey, ConnEntry> e)
        {
            e.value().getUsing(entry);
            e.key().getUsing(key);
            if (listener.onExpiring(key, entry))
            {
                removeVisited(e, key, entry, listener);
                removed++;
            }
        }
    }

    /** Number of reply-direction keys in the index (one per NAT connection). */
    public long replyIndexSize()
    {
        return null == replies ? 0 : replies.size();
    }

    /**
     * Visits every entry, for {@code ipvsadm -L -c} and a full-table sync; not for the fast path (it
     * allocates a key and an entry per call). May be called from any thread.
     *
     * @return the number of entries visited.
     */
    public long forEach(final ConnVisitor visitor)
    {
        final ConnKey key = new ConnKey();
        final ConnEntry entry = new ConnEntry();
        final long[] count = new long[1];
        map.forEachEntryWhile(
            (e) ->
            {
                e.key().getUsing(key);
                e.value().getUsing(entry);
                count[0]++;
                return visitor.onConn(key, entry);
            });
        return count[0];
    }

    /**
     * Visits the entries of one Chronicle segment ({@code 0 <= segment < }{@link #segments()}), into the caller's
     * key and entry: a walk over the table that can stop between segments and go on later, as a sync catch-up does.
     * May be called from any thread; it holds that segment's lock while it visits.
     *
     * @return the number of entries visited.
     */
    public int forEachInSegment(final int segment, final ConnKey key, final ConnEntry entry, final ConnVisitor visitor)
    {
        final int[] count = new int[1];
        try (MapSegmentContext<ConnKey, ConnEntry, ?> c = map.segmentContext(segment))
        {
            c.forEachSegmentEntry((e) ->
            {
                e.key().getUsing(key);
                e.value().getUsing(entry);
                count[0]++;
                visitor.onConn(key, entry);
            });
        }
        return count[0];
    }

    /**
     * Closes the map. A persisted table leaves a clean-close marker, so the next open skips recovery.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;

        try
        {
            map.close();
            if (null != replies)
            {
                replies.close();
            }
            if (null != file)
            {
                Files.createFile(cleanMarkerPath(file.toPath().toAbsolutePath()));
            }
        }
        catch (final IOException ex)
        {
            // no clean-close marker: the next open runs recovery, which is safe, only slower
        }
        finally
        {
            closeQuietly(lockChannel);
        }
    }

    @Override
    public String toString()
    {
        return "ConnTable{" + (null == file ? "in-memory" : file.toString()) + ", size=" + size() +
            ", capacity=" + capacity + ", segments=" + map.segments() + "}";
    }

    static Path cleanMarkerPath(final Path mapFile)
    {
        return mapFile.resolveSibling(mapFile.getFileName() + ".clean");
    }

    static Path layoutPath(final Path mapFile)
    {
        return mapFile.resolveSibling(mapFile.getFileName() + ".layout");
    }

    static Path repliesPath(final Path mapFile)
    {
        return mapFile.resolveSibling(mapFile.getFileName() + ".out");
    }

    static Path lockPath(final Path mapFile)
    {
        return mapFile.resolveSibling(mapFile.getFileName() + ".lock");
    }

    private static void closeQuietly(final AutoCloseable closeable)
    {
        if (null != closeable)
        {
            try
            {
                closeable.close();
            }
            catch (final Exception ignore)
            {
                // closing after a failed open: nothing more to do
            }
        }
    }

    private static ConnReplyIndex newReplyIndex(final Context ctx, final File file, final boolean recover)
    {
        try
        {
            return new ConnReplyIndex(ctx, file, recover);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
