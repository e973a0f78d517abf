package io.jlvs.dataplane.status;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * One agent's counters for a real server: the {@link ConnStats} plus the gauges IPVS keeps per dest,
 * {@code activeconns}, {@code inactconns} and {@code persistconns}, which the schedulers read.
 */
public final class DestStats extends ConnStats
{
    private final AtomicCounter activeConns;
    private final AtomicCounter inactConns;
    private final AtomicCounter persistConns;

    public DestStats(
        final AtomicCounter conns,
        final AtomicCounter inPkts,
        final AtomicCounter outPkts,
        final AtomicCounter inBytes,
        final AtomicCounter outBytes,
        final AtomicCounter activeConns,
        final AtomicCounter inactConns,
        final AtomicCounter persistConns)
    {
        super(conns, inPkts, outPkts, inBytes, outBytes);
        this.activeConns = activeConns;
        this.inactConns = inactConns;
        this.persistConns = persistConns;
    }

    /** The gauge as its single writer sees it: a plain read is enough on the owning agent. */
    public long activeConns()
    {
        return activeConns.getPlain();
    }

    public long inactConns()
    {
        return inactConns.getPlain();
    }

    public long persistConns()
    {
        return persistConns.getPlain();
    }

    /** Read from another thread. */
    public long activeConnsVolatile()
    {
        return activeConns.get();
    }

    public long inactConnsVolatile()
    {
        return inactConns.get();
    }

    public long persistConnsVolatile()
    {
        return persistConns.get();
    }

    public void addActive(final int delta)
    {
        activeConns.getAndAddRelease(delta);
    }

    public void addInactive(final int delta)
    {
        inactConns.getAndAddRelease(delta);
    }

    public void addPersist(final int delta)
    {
        persistConns.getAndAddRelease(delta);
    }

    /** An inactive connection became active (the kernel's move into ESTABLISHED). */
    public void inactiveToActive()
    {
        inactConns.getAndAddRelease(-1);
        activeConns.getAndAddRelease(1);
    }

    /** An active connection left ESTABLISHED. */
    public void activeToInactive()
    {
        activeConns.getAndAddRelease(-1);
        inactConns.getAndAddRelease(1);
    }

    @Override
    public int[] counterIds()
    {
        final int[] base = super.counterIds();
        final int[] ids = new int[base.length + 3];
        System.arraycopy(base, 0, ids, 0, base.length);
        ids[base.length] = activeConns.id();
        ids[base.length + 1] = inactConns.id();
        ids[base.length + 2] = persistConns.id();
        return ids;
    }

    @Override
    public void close()
    {
        super.close();
        activeConns.close();
        inactConns.close();
        persistConns.close();
    }
}
