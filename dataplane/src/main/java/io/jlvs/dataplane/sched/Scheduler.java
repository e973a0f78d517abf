package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * A scheduling method, mirroring the kernel's {@code struct ip_vs_scheduler}: one small class each,
 * registered by its ipvsadm {@code -s} name in {@link Schedulers}.
 * <p>
 * Instances are per service and per agent, so state needs no lock. {@link #schedule} runs on the fast
 * path for the first packet of each new connection: no allocation, no logging.
 */
public interface Scheduler
{
    /** The ipvsadm -s name, such as "wlc". */
    String name();

    /** Called once when a service is built with this scheduler. */
    default void initService(final Service svc)
    {
    }

    default void doneService(final Service svc)
    {
    }

    default void onDestAdded(final Service svc, final Dest dest)
    {
    }

    default void onDestRemoved(final Service svc, final Dest dest)
    {
    }

    default void onDestUpdated(final Service svc, final Dest dest)
    {
    }

    /**
     * Chooses a real server for a new connection.
     *
     * @return the dest, or null when none is available (the caller counts it as "no destination").
     */
    Dest schedule(Service svc, PacketView pkt);
}
