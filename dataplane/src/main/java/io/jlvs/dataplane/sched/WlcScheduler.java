package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Weighted least-connection, as ip_vs_wlc.c: the least {@code overhead / weight}, where overhead is
 * {@code activeconns * 256 + inactconns}, compared by cross-multiplication ({@code h1*w2 > h2*w1});
 * the first available dest in list order wins ties. Weight 0 (quiescent) never wins.
 */
public final class WlcScheduler implements Scheduler
{
    @Override
    public String name()
    {
        return "wlc";
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final int least = leastLoaded(svc.dests());
        return least < 0 ? null : svc.dests()[least];
    }

    /**
     * The index of the least {@code overhead / weight} among {@code dests}, or -1: the first available one in list
     * order, displaced only by a strictly smaller load. lblc and lblcr choose by it too
     * ({@code __ip_vs_lblc_schedule()} is this loop).
     */
    static int leastLoaded(final Dest[] dests)
    {
        final int n = dests.length;
        int i = 0;
        while (i < n && (dests[i].isOverloaded() || dests[i].weight() <= 0))
        {
            i++;
        }
        if (i == n)
        {
            return -1;
        }
        int least = i;
        long loh = dests[i].connOverhead();
        for (i++; i < n; i++)
        {
            final Dest d = dests[i];
            if (d.isOverloaded())
            {
                continue;
            }
            final long doh = d.connOverhead();
            if (loh * d.weight() > doh * dests[least].weight())
            {
                least = i;
                loh = doh;
            }
        }
        return least;
    }
}
