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
        final Dest[] dests = svc.dests();
        final int n = dests.length;
        int i = 0;
        Dest least = null;
        for (; i < n; i++)
        {
            final Dest d = dests[i];
            if (!d.isOverloaded() && d.weight() > 0)
            {
                least = d;
                break;
            }
        }
        if (null == least)
        {
            return null;
        }

        long loh = least.connOverhead();
        for (i++; i < n; i++)
        {
            final Dest d = dests[i];
            if (d.isOverloaded())
            {
                continue;
            }
            final long doh = d.connOverhead();
            if (loh * d.weight() > doh * least.weight())
            {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
