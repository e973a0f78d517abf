package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Never queue, as ip_vs_nq.c: the first idle dest in list order (no active connection) at once, else the
 * shortest expected delay {@code (activeconns + 1) / weight} as {@link SedScheduler}, ties to the first.
 */
public final class NqScheduler implements Scheduler
{
    @Override
    public String name()
    {
        return "nq";
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        Dest least = null;
        long loh = 0;
        for (final Dest d : svc.dests())
        {
            if (d.isOverloaded() || d.weight() == 0)
            {
                continue;
            }
            final long doh = SedScheduler.overhead(d);
            if (d.activeConns() == 0)
            {
                return d;
            }
            if (null == least || loh * d.weight() > doh * least.weight())
            {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
