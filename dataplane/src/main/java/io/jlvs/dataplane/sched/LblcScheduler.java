package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Locality-based least-connection, as ip_vs_lblc.c, for cache clusters: each destination address keeps the real
 * server it was first given (the weighted least-connection one) while that server has weight and is not overloaded
 * in lblc's sense (more active connections than its weight while another has fewer than half its own); otherwise it
 * is given the weighted least-connection server again. Unused addresses expire as the kernel's do
 * ({@link LocalityTable}). The table is this agent's, carried across snapshots by real-server identity.
 */
public final class LblcScheduler extends LocalityScheduler
{
    /** Per slot: the index of its dest in the service's list, or -1 when that real server has gone. */
    private final int[] dest = new int[LocalityTable.CAPACITY];
    private final LocalityTable.Payload payload = new LocalityTable.Payload()
    {
        @Override
        public void move(final int from, final int to)
        {
            dest[to] = dest[from];
        }

        @Override
        public void clear(final int slot)
        {
            dest[slot] = -1;
        }
    };

    @Override
    public String name()
    {
        return "lblc";
    }

    @Override
    LocalityTable.Payload payload()
    {
        return payload;
    }

    @Override
    public void takeOver(final Service svc, final Service previous)
    {
        if (!(previous.scheduler() instanceof LblcScheduler old))
        {
            return;
        }
        takeOverTable(old);
        final Dest[] was = previous.dests();
        for (int i = 0; i < LocalityTable.CAPACITY; i++)
        {
            dest[i] = table.used[i] && old.dest[i] >= 0 ? svc.indexOf(was[old.dest[i]]) : -1;
        }
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final Dest[] dests = svc.dests();
        final long h = pkt.daddrHi;
        final long l = pkt.daddrLo;
        final int slot = table.find(h, l);
        if (slot >= 0)
        {
            table.lastUse[slot] = nowMs;
            final int i = dest[slot];
            if (i >= 0 && dests[i].weight() > 0 && !isOverloaded(dests[i], dests))
            {
                return dests[i];
            }
        }
        final int chosen = WlcScheduler.leastLoaded(dests); // __ip_vs_lblc_schedule()
        if (chosen < 0)
        {
            return null;
        }
        if (slot >= 0)
        {
            if (dest[slot] != chosen)
            {
                dest[slot] = chosen; // ip_vs_lblc_new(): the entry is replaced, used from now
                table.lastUse[slot] = nowMs;
            }
        }
        else
        {
            final int added = table.add(h, l, nowMs);
            if (added >= 0)
            {
                dest[added] = chosen;
            }
        }
        return dests[chosen];
    }

    /**
     * lblc's own is_overloaded(): more active connections than its weight, while some server of the service has
     * fewer than half its weight.
     */
    static boolean isOverloaded(final Dest d, final Dest[] dests)
    {
        if (d.activeConns() > d.weight())
        {
            for (final Dest other : dests)
            {
                if (other.activeConns() * 2 < other.weight())
                {
                    return true;
                }
            }
        }
        return false;
    }
}
