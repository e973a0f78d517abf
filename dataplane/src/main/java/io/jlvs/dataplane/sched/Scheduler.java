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

    /**
     * Called instead of {@link #takeOver} when this scheduler replaces another on a service that has its real
     * servers ({@code ipvsadm -E -s}): the kernel's ip_vs_bind_scheduler() runs init_service over the whole list,
     * where {@link #initService} stands for a new service that ldirectord fills one real server at a time. Only wrr
     * starts differently (seen against Debian 12's kernel: KernelLvsPeerSystemTest).
     */
    default void rebind(final Service svc)
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
     * Takes over the state of the scheduler of {@code previous}, the same service (same key, same scheduler name)
     * in the snapshot the agent is leaving for the one {@code svc} is in. The kernel keeps one scheduler per service
     * across ip_vs_add_dest, ip_vs_del_dest and ip_vs_edit_dest, so a health change or a reload must not start rr or
     * wrr over. Real servers are matched by family, address and port ({@link Service#indexOf}), never by index:
     * the new list may have gained, lost or reordered them.
     * <p>
     * Called by the owning agent when it adopts a snapshot, not per packet. Stateless schedulers need nothing.
     */
    default void takeOver(final Service svc, final Service previous)
    {
    }

    /** True for a scheduler with state that ages (lblc, lblcr): the owning agent calls {@link #housekeeping}. */
    default boolean needsTime()
    {
        return false;
    }

    /**
     * The owning agent's clock, every housekeeping round (a tenth of a second): the time to stamp what the scheduler
     * remembers with, and to age it as the kernel's timers do. Not per packet.
     */
    default void housekeeping(final Service svc, final long nowMs)
    {
    }

    /**
     * Chooses a real server for a new connection.
     *
     * @return the dest, or null when none is available (the caller counts it as "no destination").
     */
    Dest schedule(Service svc, PacketView pkt);
}
