package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Weighted failover, as ip_vs_fo.c: every new connection to the available dest of the highest weight, the first
 * in list order among equals; the others wait for it to fail (or be quiesced).
 */
public final class FoScheduler implements Scheduler
{
    @Override
    public String name()
    {
        return "fo";
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        Dest highest = null;
        int hw = 0;
        for (final Dest d : svc.dests())
        {
            if (!d.isOverloaded() && d.weight() > hw)
            {
                highest = d;
                hw = d.weight();
            }
        }
        return highest;
    }
}
