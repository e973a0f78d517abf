package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * {@code ipvsadm -s none}: a service without a scheduler, as the kernel allows since 4.x ({@code ip_vs_add_service}
 * takes the name "none"): it schedules no new connection; only those it already has, or that the sync daemon or a
 * persistence template brings, go on.
 */
public final class NoneScheduler implements Scheduler
{
    @Override
    public String name()
    {
        return "none";
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        return null;
    }
}
