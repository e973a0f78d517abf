package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.service.Service;

/**
 * What lblc and lblcr share: the destination-address table, the owning agent's clock it is stamped with, and the
 * expiration sysctl it ages by. Each keeps its own payload per slot.
 */
abstract class LocalityScheduler implements Scheduler
{
    final LocalityTable table = new LocalityTable();
    long nowMs;
    long expirationMs = LocalityTable.DEFAULT_EXPIRATION_MS;

    /** What the slots carry beside the address: moved and cleared with them. */
    abstract LocalityTable.Payload payload();

    @Override
    public final boolean needsTime()
    {
        return true;
    }

    @Override
    public final void housekeeping(final Service svc, final long nowMs)
    {
        this.nowMs = nowMs;
        table.housekeeping(nowMs, expirationMs, payload());
    }

    /** The lblc_expiration or lblcr_expiration sysctl. */
    public final void expiration(final long ms)
    {
        expirationMs = ms;
    }

    final int entries()
    {
        return table.size();
    }

    /** The addresses, clock and expiration of the same scheduler in the snapshot before; the payload is the caller's. */
    final void takeOverTable(final LocalityScheduler old)
    {
        table.copyFrom(old.table);
        nowMs = old.nowMs;
        expirationMs = old.expirationMs;
    }
}
