package io.jlvs.dataplane.conn;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A director's connections: one {@link ConnTable} per forwarding agent, holding the connections that agent owns
 * ({@link ConnOwner}), as DPVS keeps a table per lcore. Each table has one writer, its agent; ipvsadm and sync read
 * them all ({@link #forEach}, {@link #size}).
 * <h2>Persisted</h2>
 * In a directory, agent {@code i}'s table is {@code conns-<i>.dat} and the agent count they were written for is
 * {@code conns.agents}. A director restarted with the same count reopens its tables as they are. Started with
 * another count, it moves every table aside ({@value #STAGING}), opens new tables sized for the new count (a
 * persisted map keeps the size it was made with, so reusing the files could overflow the ones left), moves each
 * connection to its owner's table, recomputed, and deletes the old files (a single-table {@code conns.dat} of
 * earlier versions too): every connection is found again. The count is written last, so a move cut short by a
 * crash is done again from what was staged (a moved entry replaces its copy).
 * <p>
 * The persistence templates are one table for all agents ({@link TemplateTable}), {@value #TEMPLATES_FILE} in the
 * same directory: no agent count changes where a template is.
 */
public final class ConnTables implements AutoCloseable
{
    /** Where the agent count of the tables in a directory is recorded. */
    public static final String AGENTS_FILE = "conns.agents";
    /** The one table of versions before tables per agent. */
    public static final String LEGACY_FILE = "conns.dat";

    /** Where tables written for another agent count wait while their connections move (cut short: done again). */
    public static final String STAGING = "conns.rehome";

    /** The persistence templates' table. */
    public static final String TEMPLATES_FILE = "templates.dat";

    private static final Pattern TABLE_FILE = Pattern.compile("conns-(\\d+)\\.dat");
    /** A table's files: the map and what {@link ConnTable} keeps beside it (clean marker, layout, replies, lock). */
    private static final String[] SIBLINGS = {"", ".clean", ".layout", ".out", ".lock"};

    private final ConnTable[] tables;
    /** Each running agent's flow cache, whose pending connections {@link #forEach} lists beside its table's. */
    private final AtomicReferenceArray<FlowCache> caches;
    private TemplateTable templates;
    private final long capacity;
    private long moved;

    /**
     * Configuration of a {@link ConnTables}, Aeron style: set, then {@link #conclude()}.
     */
    public static final class Context
    {
        private int agents = 1;
        private long capacity = 1 << 20;
        private long templateCapacity;
        private long entriesPerSegment = ConnTable.DEFAULT_ENTRIES_PER_SEGMENT;
        private double maxBloatFactor = 2.0;
        private long expiryGraceMs = ConnStateMachine.WRITE_BACK_GRANULARITY_MS;
        private Path directory;

        /** How many agents, one table each. */
        public Context agents(final int agents)
        {
            this.agents = agents;
            return this;
        }

        /** Most connections in all tables together; each table holds its share, rounded up. */
        public Context capacity(final long capacity)
        {
            this.capacity = capacity;
            return this;
        }

        /** Most persistence templates; 0 (the default) for half the connections' capacity. */
        public Context templateCapacity(final long templateCapacity)
        {
            this.templateCapacity = templateCapacity;
            return this;
        }

        /** See {@link ConnTable.Context#entriesPerSegment(long)}. */
        public Context entriesPerSegment(final long entriesPerSegment)
        {
            this.entriesPerSegment = entriesPerSegment;
            return this;
        }

        /** See {@link ConnTable.Context#maxBloatFactor(double)}. */
        public Context maxBloatFactor(final double maxBloatFactor)
        {
            this.maxBloatFactor = maxBloatFactor;
            return this;
        }

        /** See {@link ConnTable.Context#expiryGraceMs(long)}. */
        public Context expiryGraceMs(final long expiryGraceMs)
        {
            this.expiryGraceMs = expiryGraceMs;
            return this;
        }

        /** The directory to persist to ({@code /dev/shm/jlvs/<instance>}), or null for tables in memory. */
        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        public Context conclude()
        {
            if (agents < 1)
            {
                throw new IllegalArgumentException("agents must be positive: " + agents);
            }
            if (capacity < agents)
            {
                throw new IllegalArgumentException("capacity must be at least one per agent: " + capacity);
            }
            return this;
        }

        ConnTable.Context templates(final File file)
        {
            return TemplateTable.context(templateCapacity > 0 ? templateCapacity : Math.max(1, capacity / 2), file)
                .entriesPerSegment(entriesPerSegment)
                .maxBloatFactor(maxBloatFactor)
                .expiryGraceMs(expiryGraceMs);
        }

        ConnTable.Context table(final File file)
        {
            return new ConnTable.Context()
                .capacity((capacity + agents - 1) / agents)
                .entriesPerSegment(entriesPerSegment)
                .maxBloatFactor(maxBloatFactor)
                .expiryGraceMs(expiryGraceMs)
                .file(file)
                .conclude();
        }
    }

    /**
     * Opens the tables, moving connections between them when the agent count changed (see the class comment).
     *
     * @throws IllegalStateException if a table is in use or holds another layout.
     * @throws UncheckedIOException  if a file cannot be read, written or deleted.
     */
    public ConnTables(final Context ctx)
    {
        ctx.conclude();
        this.capacity = ctx.capacity;
        this.tables = new ConnTable[ctx.agents];
        this.caches = new AtomicReferenceArray<>(ctx.agents);
        try
        {
            final List<Path> staged = null == ctx.directory ? List.of() : stageForRehoming(ctx.directory);
            for (int i = 0; i < tables.length; i++)
            {
                tables[i] = new ConnTable(ctx.table(null == ctx.directory ? null : tableFile(ctx.directory, i)));
            }
            if (null != ctx.directory)
            {
                drain(ctx, staged);
            }
            templates = new TemplateTable(ctx.templates(
                null == ctx.directory ? null : ctx.directory.resolve(TEMPLATES_FILE).toFile()));
        }
        catch (final IOException ex)
        {
            close();
            throw new UncheckedIOException("cannot rehome connections in " + ctx.directory, ex);
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    /**
     * When the tables in {@code dir} were written for another agent count (or an earlier rehoming was cut short),
     * moves every table file aside into {@value #STAGING}, so that the tables open afresh at their new size (a
     * persisted Chronicle map keeps the size it was made with); {@link #drain} then moves each connection to its
     * owner's table.
     *
     * @return the staged table files, to drain; none when the tables are as they were written.
     */
    private List<Path> stageForRehoming(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final Path staging = dir.resolve(STAGING);
        final Path agentsFile = dir.resolve(AGENTS_FILE);
        final String recorded = Files.exists(agentsFile) ? Files.readString(agentsFile).trim() : "";
        final List<Path> present = new ArrayList<>();
        if (Files.exists(dir.resolve(LEGACY_FILE)))
        {
            present.add(dir.resolve(LEGACY_FILE));
        }
        boolean foreign = !present.isEmpty();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "conns-*.dat"))
        {
            for (final Path f : files)
            {
                final Matcher m = TABLE_FILE.matcher(f.getFileName().toString());
                if (m.matches())
                {
                    present.add(f);
                    foreign |= Long.parseLong(m.group(1)) >= tables.length;
                }
            }
        }
        final boolean interrupted = Files.isDirectory(staging);
        final boolean sameCount = recorded.equals(Integer.toString(tables.length));
        if (!interrupted && !foreign && (sameCount || present.isEmpty()))
        {
            if (!sameCount)
            {
                Files.writeString(agentsFile, tables.length + "\n");
            }
            return List.of();
        }
        Files.createDirectories(staging);
        for (final Path f : present)
        {
            final Path to = staging.resolve("staged-" + System.nanoTime() + "-" + f.getFileName());
            for (final String sibling : SIBLINGS)
            {
                final Path from = f.resolveSibling(f.getFileName() + sibling);
                if (Files.exists(from))
                {
                    Files.move(from, to.resolveSibling(to.getFileName() + sibling));
                }
            }
        }
        final List<Path> staged = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(staging, "staged-*.dat"))
        {
            files.forEach(staged::add);
        }
        return staged;
    }

    /** Moves every connection of the staged tables to its owner's table, deletes them, records the agent count. */
    private void drain(final Context ctx, final List<Path> staged) throws IOException
    {
        if (staged.isEmpty())
        {
            return;
        }
        for (final Path f : staged)
        {
            try (ConnTable from = new ConnTable(ctx.table(f.toFile())))
            {
                from.forEach((k, e) ->
                {
                    tables[ConnOwner.of(k, tables.length)].adopt(k, e);
                    moved++;
                    return true;
                });
            }
            deleteTableFiles(f);
        }
        final Path staging = ctx.directory.resolve(STAGING);
        try (DirectoryStream<Path> rest = Files.newDirectoryStream(staging))
        {
            for (final Path f : rest)
            {
                Files.deleteIfExists(f);
            }
        }
        Files.writeString(ctx.directory.resolve(AGENTS_FILE), tables.length + "\n");
        Files.delete(staging);
    }

    private static void deleteTableFiles(final Path table) throws IOException
    {
        for (final String sibling : SIBLINGS)
        {
            Files.deleteIfExists(table.resolveSibling(table.getFileName() + sibling));
        }
    }

    static File tableFile(final Path dir, final int agent)
    {
        return dir.resolve("conns-" + agent + ".dat").toFile();
    }

    /** Agent {@code agent}'s table: the connections it owns. */
    public ConnTable table(final int agent)
    {
        return tables[agent];
    }

    /** The persistence templates, shared by the agents. */
    public TemplateTable templates()
    {
        return templates;
    }

    public int agents()
    {
        return tables.length;
    }

    /** Connections in all tables; from any thread. */
    public long size()
    {
        long n = 0;
        for (final ConnTable t : tables)
        {
            n += t.size();
        }
        return n;
    }

    /** Most connections in all tables together. */
    public long capacity()
    {
        return capacity;
    }

    /**
     * Off-heap bytes of every table's maps (connections, reply index, templates), as made for their capacity; each
     * agent's flow cache comes on top ({@link FlowCache#slotsForTable} slots of {@link FlowCache#SLOT_SIZE}).
     */
    public long offHeapMemoryUsed()
    {
        long n = templates.offHeapMemoryUsed();
        for (final ConnTable t : tables)
        {
            n += t.offHeapMemoryUsed();
        }
        return n;
    }

    /** NAT reply-direction keys in all tables. */
    public long replyIndexSize()
    {
        long n = 0;
        for (final ConnTable t : tables)
        {
            n += t.replyIndexSize();
        }
        return n;
    }

    /** True when any table was recovered after its writer died. */
    public boolean wasRecovered()
    {
        for (final ConnTable t : tables)
        {
            if (t.wasRecovered())
            {
                return true;
            }
        }
        return null != templates && templates.wasRecovered();
    }

    /** How many connections the opening moved to a new owner's table (the agent count had changed). */
    public long moved()
    {
        return moved;
    }

    /**
     * Visits every connection of every table, agent by agent (see {@link ConnTable#forEach}); from any thread.
     *
     * @return the number visited.
     */
    public long forEach(final ConnVisitor visitor)
    {
        long n = 0;
        final boolean[] stopped = new boolean[1];
        final ConnVisitor stopping = (k, e) ->
        {
            final boolean more = visitor.onConn(k, e);
            stopped[0] = !more;
            return more;
        };
        final ConnKey key = new ConnKey();
        final ConnEntry entry = new ConnEntry();
        final ConnEntry live = new ConnEntry();
        for (int i = 0; i < tables.length && !stopped[0]; i++)
        {
            final FlowCache owner = caches.get(i);
            // the owner's cache is ahead of its table (an expiry is written back every so often): list what it has
            n += tables[i].forEach(null == owner ? stopping : (k, e) ->
                stopping.onConn(k, readLive(owner, k, e, live) ? live : e));
            final FlowCache cache = caches.get(i);
            if (null != cache && !stopped[0])
            {
                try
                {
                    n += cache.forEachPending(key, entry, stopping);
                }
                catch (final IllegalStateException closed)
                {
                    // the agent stopped and released its cache while the listing walked it
                }
            }
        }
        return n;
    }

    /** The cache's copy of a table entry when it has one at least as new, as the agent sees the connection now. */
    private static boolean readLive(final FlowCache cache, final ConnKey key, final ConnEntry stored,
        final ConnEntry live)
    {
        try
        {
            return cache.readCached(key, live) && live.expiresMs() >= stored.expiresMs();
        }
        catch (final IllegalStateException closed)
        {
            return false; // the agent released its cache while the listing walked
        }
    }

    /**
     * Lists agent {@code agent}'s pending connections ({@link AgentConnTable#admit}) in {@link #forEach} while it runs;
     * detach it ({@code null}) before the agent releases the cache.
     */
    public void attach(final int agent, final FlowCache cache)
    {
        caches.set(agent, cache);
    }

    @Override
    public void close()
    {
        for (final ConnTable t : tables)
        {
            if (null != t)
            {
                t.close();
            }
        }
        if (null != templates)
        {
            templates.close();
        }
    }

    @Override
    public String toString()
    {
        return "ConnTables{agents=" + tables.length + ", size=" + size() + ", capacity=" + capacity + "}";
    }
}
