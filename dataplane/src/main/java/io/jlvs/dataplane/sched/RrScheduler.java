package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Round robin, as ip_vs_rr.c: continue after the last chosen dest, take the first that is not
 * overloaded and has weight above zero, wrapping round the list at most once.
 */
public final class RrScheduler implements Scheduler
{
    /** Index of the last chosen dest; -1 stands for the list head. */
    private int last = -1;

    @Override
    public String name()
    {
        return "rr";
    }

    @Override
    public void initService(final Service svc)
    {
        last = -1;
    }

    /**
     * Goes on after the same real server as before. When that one is gone, goes on after the nearest one before it
     * in the old list that is still here, as ip_vs_rr_del_dest() steps the cursor back over a removed dest; when
     * none is, from the head. Added dests and weight changes leave the cursor where it is, as in the kernel.
     */
    @Override
    public void takeOver(final Service svc, final Service previous)
    {
        int at = -1;
        if (previous.scheduler() instanceof RrScheduler old)
        {
            final Dest[] was = previous.dests();
            for (int i = old.last; i >= 0 && at < 0; i--)
            {
                at = svc.indexOf(was[i]);
            }
        }
        last = at;
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final Dest[] dests = svc.dests();
        final int n = dests.length;
        for (int step = 1; step <= n; step++)
        {
            final int i = (last + step) % n;
            final Dest d = dests[i];
            if (!d.isOverloaded() && d.weight() > 0)
            {
                last = i;
                return d;
            }
        }
        return null;
    }
}
