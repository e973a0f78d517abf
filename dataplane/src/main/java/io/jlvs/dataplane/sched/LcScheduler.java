package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Least-connection, as ip_vs_lc.c: the least {@code activeconns * 256 + inactconns}, weights aside but for
 * weight 0 (quiescent), which never wins; the first in list order (the newest) wins ties.
 */
public final class LcScheduler implements Scheduler
{
    @Override
    public String name()
    {
        return "lc";
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
            final long doh = d.connOverhead();
            if (null == least || doh < loh)
            {
                least = d;
                loh = doh;
            }
        }
        return least;
    }
}
