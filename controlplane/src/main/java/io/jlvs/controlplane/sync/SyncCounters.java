package io.jlvs.controlplane.sync;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

import java.util.EnumMap;
import java.util.Map;

/**
 * The sync daemon's counters, in the director's counters file beside the agents' ({@code sync: ...}): what it sent
 * and received, and every message it refused, by reason. Written by the daemon's thread only.
 */
public final class SyncCounters
{
    /** Counter type id in the counters file. */
    public static final int TYPE_SYNC = 1004;

    /** What is counted; the label is what a reader of the counters file sees. */
    public enum Kind
    {
        MESSAGES_SENT("Messages sent"),
        CONNS_SENT("Connections sent in the stream"),
        SENT_TO_NOBODY("Messages dropped: no peer connected (it catches up when it comes)"),
        BACK_PRESSURED("Sends delayed: the publication was full"),
        CATCH_UPS_SERVED("Catch-ups sent to backups"),
        CATCH_UP_CONNS_SENT("Connections sent in catch-ups"),
        CATCH_UP_REQUESTS_SENT("Catch-ups asked for"),
        MESSAGES_RECEIVED("Messages received and accepted"),
        CONNS_RECEIVED("Connections received and handed to their agents"),
        CATCH_UPS_COMPLETED("Catch-ups received whole"),
        DROPPED_TRUNCATED("Dropped: shorter than a header and a tag"),
        DROPPED_AUTHENTICATION("Dropped: the HMAC tag is wrong (another key, or forged)"),
        DROPPED_SCHEMA("Dropped: another schema id or version"),
        DROPPED_MALFORMED("Dropped: the body does not fit its length, or an unknown message"),
        DROPPED_SYNC_ID("Dropped: another syncid"),
        DROPPED_REPLAYED("Dropped: replayed, reordered, or from a superseded epoch"),
        DROPPED_NOT_BACKUP("Dropped: connections received while not a backup"),
        DROPPED_INBOX_FULL("Connections dropped: their agent's inbox stayed full"),
        TRANSPORT_RESTARTS("Transport made again after Aeron failed");

        private final String label;

        Kind(final String label)
        {
            this.label = label;
        }

        public String label()
        {
            return label;
        }
    }

    private final Map<Kind, AtomicCounter> counters = new EnumMap<>(Kind.class);

    public SyncCounters(final CountersManager manager)
    {
        for (final Kind k : Kind.values())
        {
            counters.put(k, manager.newCounter("sync: " + k.label(), TYPE_SYNC));
        }
    }

    public AtomicCounter get(final Kind kind)
    {
        return counters.get(kind);
    }

    public long value(final Kind kind)
    {
        return counters.get(kind).get();
    }

    /** Every counter, {@code name value} a line, for {@code jlvs sync}. */
    public String report()
    {
        final StringBuilder sb = new StringBuilder();
        for (final Kind k : Kind.values())
        {
            sb.append(String.format("  %-24s %12d  %s%n", k.name().toLowerCase(java.util.Locale.ROOT), value(k),
                k.label()));
        }
        return sb.toString();
    }

    public void close()
    {
        counters.values().forEach(AtomicCounter::close);
    }
}
