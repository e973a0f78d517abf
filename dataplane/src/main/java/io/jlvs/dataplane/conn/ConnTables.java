package io.jlvs.dataplane.conn;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A director's connections: one {@link ConnTable} per forwarding agent, holding the connections that agent owns
 * ({@link ConnOwner}), as DPVS keeps a table per lcore. Each table has one writer, its agent; ipvsadm and sync read
 * them all ({@link #forEach}, {@link #size}).
 * <h2>Persisted</h2>
 * In a directory, agent {@code i}'s table is {@code conns-<i>.dat} and the agent count they were written for is
 * {@code conns.agents}. A director restarted with the same count reopens its tables as they are. Started with
 * another count, it recomputes each connection's owner and moves those whose owner changed, and drains the tables of
 * agents it no longer has (and a single-table {@code conns.dat} of earlier versions) into its own before deleting
 * them: every connection is found again. The count is written last, so a move cut short by a crash is done again
 * (a moved entry replaces its copy).
 */
public final class ConnTables implements AutoCloseable
{
    /** Where the agent count of the tables in a directory is recorded. */
    public static final String AGENTS_FILE = "conns.agents";
    /** The one table of versions before tables per agent. */
    public static final String LEGACY_FILE = "conns.dat";

    private static final Pattern TABLE_FILE = Pattern.compile("conns-(\\d+)\\.dat");

    private final ConnTable[] tables;
    private final long capacity;
    private long moved;

    /**
     * Configuration of a {@link ConnTables}, Aeron style: set, then {@link #conclude()}.
     */
    public static final class Context
    {
        private int agents = 1;
        private long capacity = 1 << 20;
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
        try
        {
            for (int i = 0; i < tables.length; i++)
            {
                tables[i] = new ConnTable(ctx.table(null == ctx.directory ? null : tableFile(ctx.directory, i)));
            }
            if (null != ctx.directory)
            {
                rehome(ctx);
            }
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private void rehome(final Context ctx)
    {
        final Path dir = ctx.directory;
        final Path agentsFile = dir.resolve(AGENTS_FILE);
        try
        {
            final List<Path> foreign = new ArrayList<>();
            if (Files.exists(dir.resolve(LEGACY_FILE)))
            {
                foreign.add(dir.resolve(LEGACY_FILE));
            }
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "conns-*.dat"))
            {
                for (final Path f : files)
                {
                    final Matcher m = TABLE_FILE.matcher(f.getFileName().toString());
                    if (m.matches() && Long.parseLong(m.group(1)) >= tables.length)
                    {
                        foreign.add(f);
                    }
                }
            }
            final String recorded = Files.exists(agentsFile) ? Files.readString(agentsFile).trim() : "";
            final boolean sameCount = recorded.equals(Integer.toString(tables.length));
            if (sameCount && foreign.isEmpty())
            {
                return;
            }
            for (final Path f : foreign)
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
            if (!sameCount)
            {
                for (int i = 0; i < tables.length; i++)
                {
                    moveStrangers(i);
                }
            }
            Files.writeString(agentsFile, tables.length + "\n");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot rehome connections in " + dir, ex);
        }
    }

    /** Moves the connections of table {@code i} that another agent owns to that agent's table. */
    private void moveStrangers(final int i)
    {
        final List<ConnKey> keys = new ArrayList<>();
        final List<ConnEntry> entries = new ArrayList<>();
        tables[i].forEach((k, e) ->
        {
            if (ConnOwner.of(k, tables.length) != i)
            {
                keys.add(new ConnKey().copyFrom(k));
                entries.add(new ConnEntry().copyFrom(e));
            }
            return true;
        });
        for (int j = 0; j < keys.size(); j++)
        {
            final ConnKey k = keys.get(j);
            tables[ConnOwner.of(k, tables.length)].adopt(k, entries.get(j));
            tables[i].remove(k);
            moved++;
        }
    }

    private static void deleteTableFiles(final Path table) throws IOException
    {
        Files.deleteIfExists(table);
        Files.deleteIfExists(ConnTable.cleanMarkerPath(table));
        Files.deleteIfExists(ConnTable.layoutPath(table));
        Files.deleteIfExists(ConnTable.repliesPath(table));
        Files.deleteIfExists(ConnTable.lockPath(table));
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
        return false;
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
        for (int i = 0; i < tables.length && !stopped[0]; i++)
        {
            n += tables[i].forEach((k, e) ->
            {
                final boolean more = visitor.onConn(k, e);
                stopped[0] = !more;
                return more;
            });
        }
        return n;
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
    }

    @Override
    public String toString()
    {
        return "ConnTables{agents=" + tables.length + ", size=" + size() + ", capacity=" + capacity + "}";
    }
}
