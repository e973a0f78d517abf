package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Destination hashing, as ip_vs_dh.c: a 256-bucket table dealt round the dests in list order, one bucket each in
 * turn and weights ignored, maps the hash of the packet's destination address to a dest (for cache clusters in
 * front of many origin addresses, with a fwmark service). An unavailable dest (weight 0 or overloaded) fails the
 * connection. The table is built with the service, in the control plane.
 */
public final class DhScheduler implements Scheduler
{
    /** IP_VS_DH_TAB_BITS. */
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;

    private final Dest[] buckets = new Dest[TAB_SIZE];

    @Override
    public String name()
    {
        return "dh";
    }

    @Override
    public void initService(final Service svc)
    {
        final Dest[] dests = svc.dests();
        for (int i = 0; i < TAB_SIZE; i++)
        {
            buckets[i] = 0 == dests.length ? null : dests[i % dests.length];
        }
    }

    /** {@code ip_vs_dh_hashkey()}: {@code hash_32()}, as sh's (seen on Debian 12's kernel: KernelLvsPeerSystemTest). */
    static int hash(final int address)
    {
        return AddressHash.hash32(address, TAB_BITS);
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final Dest d = buckets[hash(AddressHash.foldDestination(pkt))];
        return null == d || AddressHash.isUnavailable(d) ? null : d;
    }
}
