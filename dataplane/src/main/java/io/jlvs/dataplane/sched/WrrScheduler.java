package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Weighted round robin, as ip_vs_wrr.c: a current weight {@code cw} steps down from the maximum weight
 * by the weights' greatest common divisor; each pass over the list picks dests whose weight is at least
 * {@code cw}. Weights 3:2:1 give A A B A B C. Any change of dests restarts from the head with
 * {@code cw} kept but bounded and aligned, as the kernel's {@code ip_vs_wrr_dest_changed()} does; a new service
 * starts where the kernel's stands after ldirectord added its real servers one by one, and a service whose
 * scheduler becomes wrr starts from the maximum weight, as ip_vs_wrr_init_svc() over the whole list does.
 */
public final class WrrScheduler implements Scheduler
{
    private static final int HEAD = -1;
    private static final int NONE = -2;

    /** Index of the current dest ({@code mark->cl}); HEAD is the list head. */
    private int cl = HEAD;
    /** Current weight. */
    private int cw;
    /** Maximum weight, less (gcd - 1). */
    private int mw;
    /** Decrement: the gcd of the positive weights. */
    private int di;

    @Override
    public String name()
    {
        return "wrr";
    }

    @Override
    public void initService(final Service svc)
    {
        // ldirectord builds a service as ipvsadm -A, then one -a per real server in file order, each linked at the
        // head of the list: the kernel's init_service with no dest (cw 0), then dest_changed for the last of the
        // list, the last two, ... So 3:2:1 added A, B, C starts at cw 1: C B A, then A B A C B A.
        final Dest[] dests = svc.dests();
        cw = 0;
        di = 1;
        mw = 0;
        for (int from = dests.length - 1; from >= 0; from--)
        {
            destChanged(dests, from);
        }
        cl = HEAD;
    }

    /** ip_vs_wrr_init_svc() over the whole list: from the maximum weight. */
    @Override
    public void rebind(final Service svc)
    {
        cw = 0;
        destChanged(svc);
    }

    @Override
    public void onDestAdded(final Service svc, final Dest dest)
    {
        destChanged(svc);
    }

    @Override
    public void onDestRemoved(final Service svc, final Dest dest)
    {
        destChanged(svc);
    }

    @Override
    public void onDestUpdated(final Service svc, final Dest dest)
    {
        destChanged(svc);
    }

    /**
     * The same real servers in the same order with the same weights: nothing changed for wrr, so it goes on exactly
     * where it was ({@code cl} then names the same real server; {@code mw} and {@code di}, from the same weights, are
     * the old ones). Anything else is one change as {@code ip_vs_wrr_dest_changed()} sees it: the old {@code cw},
     * bounded by the new {@code mw} and aligned to the new {@code di}, from the head of the new list.
     */
    @Override
    public void takeOver(final Service svc, final Service previous)
    {
        if (!(previous.scheduler() instanceof WrrScheduler old))
        {
            return;
        }
        cw = old.cw;
        if (isUnchanged(svc.dests(), previous.dests()))
        {
            cl = old.cl;
        }
        else
        {
            destChanged(svc);
        }
    }

    private static boolean isUnchanged(final Dest[] dests, final Dest[] was)
    {
        if (dests.length != was.length)
        {
            return false;
        }
        for (int i = 0; i < dests.length; i++)
        {
            if (!dests[i].isSameRealServer(was[i]) || dests[i].weight() != was[i].weight())
            {
                return false;
            }
        }
        return true;
    }

    private void destChanged(final Service svc)
    {
        destChanged(svc.dests(), 0);
    }

    /** ip_vs_wrr_dest_changed() over the list {@code dests[from..]}. */
    private void destChanged(final Dest[] dests, final int from)
    {
        cl = HEAD;
        di = gcdWeight(dests, from);
        mw = maxWeight(dests, from) - (di - 1);
        if (cw > mw || cw == 0)
        {
            cw = mw;
        }
        else if (di > 1)
        {
            cw = (cw / di) * di + 1;
        }
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        if (mw == 0)
        {
            return null;
        }
        final Dest[] dests = svc.dests();
        final int n = dests.length;
        final int last = cl;
        int stop = NONE;
        boolean lastPass = false;
        boolean restarted = false;
        int from = cl;

        while (true)
        {
            for (int i = from + 1; i < n; i++)
            {
                final Dest d = dests[i];
                if (!d.isOverloaded() && d.weight() >= cw)
                {
                    cl = i;
                    return d;
                }
                if (i == stop)
                {
                    cl = i;
                    return null;
                }
            }
            from = HEAD;
            cw -= di;
            if (cw <= 0)
            {
                cw = mw;
                if (lastPass || last == HEAD)
                {
                    cl = HEAD;
                    return null;
                }
                restarted = true;
            }
            lastPass = cw <= di;
            if (lastPass && restarted && last != HEAD)
            {
                stop = last;
            }
        }
    }

    static int gcdWeight(final Dest[] dests)
    {
        return gcdWeight(dests, 0);
    }

    private static int gcdWeight(final Dest[] dests, final int from)
    {
        int g = 0;
        for (int i = from; i < dests.length; i++)
        {
            final int w = dests[i].weight();
            if (w > 0)
            {
                g = g > 0 ? gcd(w, g) : w;
            }
        }
        return g > 0 ? g : 1;
    }

    static int maxWeight(final Dest[] dests)
    {
        return maxWeight(dests, 0);
    }

    private static int maxWeight(final Dest[] dests, final int from)
    {
        int max = 0;
        for (int i = from; i < dests.length; i++)
        {
            max = Math.max(max, dests[i].weight());
        }
        return max;
    }

    private static int gcd(final int a, final int b)
    {
        int x = a;
        int y = b;
        while (y != 0)
        {
            final int t = x % y;
            x = y;
            y = t;
        }
        return x;
    }
}
