package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Weighted overflow, as ip_vs_ovf.c: the dest of the highest weight whose active connections do not exceed its
 * weight, the first in list order among equals; when it fills, the next weight takes the overflow. Inactive
 * connections are not counted, so UDP services fill nothing.
 */
public final class OvfScheduler implements Scheduler
{
    @Override
    public String name()
    {
        return "ovf";
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        Dest highest = null;
        int hw = 0;
        for (final Dest d : svc.dests())
        {
            final int w = d.weight();
            if (d.isOverloaded() || d.activeConns() > w || w == 0)
            {
                continue;
            }
            if (null == highest || w > hw)
            {
                highest = d;
                hw = w;
            }
        }
        return highest;
    }
}
