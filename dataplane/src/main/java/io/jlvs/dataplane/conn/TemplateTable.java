package io.jlvs.dataplane.conn;

import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapAbsentEntry;
import net.openhft.chronicle.map.MapEntry;

import java.io.File;

/**
 * The persistence templates of all agents: one table shared by them, where each connection table has one writer.
 * <h2>Why shared</h2>
 * A connection belongs to the agent its client's address and port hash to ({@link ConnOwner}), so one client's
 * connections, and every client under one netmask, spread over the agents; their template must be one. So
 * templates live apart from the connections, in one {@link ConnTable} (persisted beside the connection tables as
 * {@code templates.dat}) which any agent, and a backup's sync, reads and writes under Chronicle's entry locks: a
 * {@link Lock} holds one template's lock from looking it up to writing it back, as the kernel's
 * {@code ip_vs_sched_persist()} finds or creates a template and takes a reference on it in one step. Only the
 * scheduling of a persistent service's new connection, and the start and end of the connections it controls, come
 * here; no packet of an established connection does.
 * <h2>Expiry</h2>
 * Each agent expires its own share of the table's segments ({@link Writer#expire}), so that every segment has one
 * expirer.
 */
public final class TemplateTable implements AutoCloseable
{
    /** The map name. */
    public static final String MAP_NAME = "jlvs-templates";
    /** The stored layout: a template is a {@link ConnKey} and a {@link ConnEntry}. */
    public static final String LAYOUT =
        "jlvs-templates-v1 key=" + ConnKeyDescriptor.LENGTH + " value=" + ConnEntryDescriptor.LENGTH;

    private final ConnTable table;

    /**
     * Opens the table: {@code ctx} as for a connection table, its file {@code templates.dat} or none.
     */
    public TemplateTable(final ConnTable.Context ctx)
    {
        this.table = new ConnTable(ctx.kind(MAP_NAME, LAYOUT).replyIndex(false));
    }

    /** A context for a template table of {@code capacity} entries in {@code file} (null: in memory). */
    public static ConnTable.Context context(final long capacity, final File file)
    {
        return new ConnTable.Context().capacity(capacity).file(file);
    }

    /** The hand of one thread (an agent) on the table: its lock and its share of the expiry. */
    public Writer writer(final int agent, final int agents)
    {
        return new Writer(agent, agents);
    }

    /** Copies the template under {@code key} into {@code into}; from any thread. */
    public boolean lookup(final ConnKey key, final ConnEntry into)
    {
        return table.lookup(key, into);
    }

    /** Templates held; from any thread. */
    public long size()
    {
        return table.size();
    }

    public long capacity()
    {
        return table.capacity();
    }

    /** Off-heap bytes of the table's map. */
    public long offHeapMemoryUsed()
    {
        return table.offHeapMemoryUsed();
    }

    /** Visits every template, for {@code ipvsadm -L -c}; from any thread, allocating. */
    public long forEach(final ConnVisitor visitor)
    {
        return table.forEach(visitor);
    }

    /** Number of Chronicle segments, the unit of a walk that can stop and go on. */
    public int segments()
    {
        return table.segments();
    }

    /** Visits the templates of one segment, as {@link ConnTable#forEachInSegment} (a sync catch-up's walk). */
    public int forEachInSegment(final int segment, final ConnKey key, final ConnEntry entry, final ConnVisitor visitor)
    {
        return table.forEachInSegment(segment, key, entry, visitor);
    }

    /** True when the file had not been closed cleanly and recovery ran. */
    public boolean wasRecovered()
    {
        return table.wasRecovered();
    }

    @Override
    public void close()
    {
        table.close();
    }

    @Override
    public String toString()
    {
        return "TemplateTable{size=" + size() + ", capacity=" + capacity() + "}";
    }

    /** One thread's: its lock on one template at a time, and its cursor over its share of the segments. */
    public final class Writer
    {
        private final Lock lock = new Lock();
        private final ConnTable.ExpiryCursor cursor;

        private Writer(final int agent, final int agents)
        {
            this.cursor = table.new ExpiryCursor(agent, agents);
        }

        /** Copies the template under {@code key} into {@code into}, without holding its lock after. */
        public boolean lookup(final ConnKey key, final ConnEntry into)
        {
            return table.lookup(key, into);
        }

        /** Locks the template under {@code key}, present or not; close the lock to release it. */
        public Lock lock(final ConnKey key)
        {
            return lock.open(key);
        }

        /**
         * Expires at most {@code limit} of this writer's share whose time has come; {@code listener} may keep one
         * (a template that still controls connections).
         */
        public int expire(final long nowMs, final int limit, final ConnTable.ExpiryListener listener)
        {
            // no templates, no walk: walking an empty table's segments was 9 % of a new connection's time (JFR)
            return 0 == table.size() ? 0 : table.expire(nowMs, limit, listener, cursor);
        }

        /** How many segments this writer's share has: {@code agent}, {@code agent + agents}, ... */
        public int shareSegments()
        {
            return Math.max(0, (table.segments() - cursor.first() + cursor.stride() - 1) / cursor.stride());
        }

        /** The {@code i}-th segment of this writer's share. */
        public int shareSegment(final int i)
        {
            return cursor.first() + i * cursor.stride();
        }

        /** Offers every template of one segment of this writer's share to {@code decider} ({@link ConnTable#sweep}). */
        public int sweep(final int segment, final ConnTable.ExpiryListener decider)
        {
            return table.sweep(segment, decider, cursor);
        }
    }

    /** One template's entry lock, held from {@link Writer#lock} to {@link #close}. Reused; never across threads. */
    public final class Lock implements AutoCloseable
    {
        private ExternalMapQueryContext<ConnKey, ConnEntry, ?> context;

        private Lock()
        {
        }

        private Lock open(final ConnKey key)
        {
            if (null != context)
            {
                throw new IllegalStateException("template lock already held");
            }
            context = table.queryContext(key);
            context.writeLock().lock();
            return this;
        }

        /** Copies the template into {@code into}; false when there is none. */
        public boolean read(final ConnEntry into)
        {
            final MapEntry<ConnKey, ConnEntry> present = context.entry();
            if (null == present)
            {
                return false;
            }
            present.value().getUsing(into);
            return true;
        }

        /** Stores {@code entry} as the template, new or replacing; false when a new one finds the table full. */
        public boolean write(final ConnEntry entry)
        {
            final MapEntry<ConnKey, ConnEntry> present = context.entry();
            if (null != present)
            {
                present.doReplaceValue(context.wrapValueAsData(entry));
                return true;
            }
            if (table.size() >= table.capacity())
            {
                return false;
            }
            final MapAbsentEntry<ConnKey, ConnEntry> absent = context.absentEntry();
            try
            {
                absent.doInsert(context.wrapValueAsData(entry));
            }
            catch (final IllegalStateException ex)
            {
                return false; // Chronicle ran out of segment tiers: as full
            }
            table.sizeChanged(1);
            return true;
        }

        /** Removes the template, if there is one. */
        public void remove()
        {
            final MapEntry<ConnKey, ConnEntry> present = context.entry();
            if (null != present)
            {
                present.doRemove();
                table.sizeChanged(-1);
            }
        }

        @Override
        public void close()
        {
            final ExternalMapQueryContext<ConnKey, ConnEntry, ?> c = context;
            context = null;
            if (null != c)
            {
                c.close();
            }
        }
    }
}
