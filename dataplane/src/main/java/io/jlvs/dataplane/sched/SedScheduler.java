package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Shortest expected delay, as ip_vs_sed.c: the least {@code (activeconns + 1) / weight}, inactive connections
 * ignored, compared by cross-multiplication; the first available dest in list order starts, and only a strictly
 * smaller delay displaces it. As in the kernel, dests after the first are skipped for the overload flag only: a
 * weight of 0 can never compare smaller.
 */
public final class SedScheduler implements Scheduler
{
    @Override
    public String name()
    {
        return "sed";
    }

    /** {@code ip_vs_sed_dest_overhead()}: the connection it would be queued behind counts. */
    static long overhead(final Dest d)
    {
        return d.activeConns() + 1;
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final Dest[] dests = svc.dests();
        int i = 0;
        Dest least = null;
        for (; i < dests.length; i++)
        {
            if (!dests[i].isOverloaded() && dests[i].weight() > 0)
            {
                least = dests[i];
                break;
            }
        }
        if (null == least)
        {
            return null;
        }
        long loh = overhead(least);
        for (i++; i < dests.length; i++)
        {
            final Dest d = dests[i];
            if (d.isOverloaded())
            {
                continue;
            }
            final long doh = overhead(d);
            if (loh * d.weight() > doh * least.weight())
            {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
