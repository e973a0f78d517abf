package io.jlvs.controlplane.sync;

/**
 * A sync daemon as the director drives it, whatever it speaks: jlvs's own protocol over Aeron ({@link SyncDaemon})
 * or the kernel's ({@link IpvsSyncDaemon}). Roles start ({@code syncId} 0..255) and stop (-1) from any thread.
 */
public interface SyncEngine
{
    void master(int syncId);

    void backup(int syncId);

    /** A backup that has received a whole table since it last asked (always, for a protocol without catch-up). */
    boolean caughtUp();

    /**
     * A backup's lag: when it took the last batch of a master's stream, less when the master sent it (ms, the two
     * directors' clocks' difference included); -1 before the first, or for a protocol that carries no time.
     */
    long lagMs();

    /** When a backup took the last batch of a master's stream (epoch ms); -1 as for {@link #lagMs()}. */
    long lastBatchMs();

    /** For {@code jlvs sync}. */
    String report();
}
