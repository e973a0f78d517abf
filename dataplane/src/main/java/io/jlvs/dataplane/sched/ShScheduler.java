package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Source hashing, as ip_vs_sh.c: a 256-bucket table, tiled in list order with each dest taking as many consecutive
 * buckets as its weight (a weight of 0 or less still takes one), maps the hash of the client's address (and source
 * port with {@code sh-port}) to a dest. An unavailable dest (weight 0 or overloaded) fails the connection, or with
 * {@code sh-fallback} the table is probed again from offsets after the hash, as the kernel does, so the choice
 * stays deterministic. The table is built with the service, in the control plane; {@link #schedule} is a lookup.
 */
public final class ShScheduler implements Scheduler
{
    /** IP_VS_SH_TAB_BITS, the kernel's default (CONFIG_IP_VS_SH_TAB_BITS=8). */
    static final int TAB_BITS = 8;
    static final int TAB_SIZE = 1 << TAB_BITS;
    static final int TAB_MASK = TAB_SIZE - 1;

    private final Dest[] buckets = new Dest[TAB_SIZE];
    private boolean fallback;
    private boolean port;

    @Override
    public String name()
    {
        return "sh";
    }

    @Override
    public void initService(final Service svc)
    {
        fallback = (svc.flags() & Service.F_SCHED_SH_FALLBACK) != 0;
        port = (svc.flags() & Service.F_SCHED_SH_PORT) != 0;
        final Dest[] dests = svc.dests();
        int p = 0;
        int count = 0;
        for (int i = 0; i < TAB_SIZE; i++)
        {
            if (0 == dests.length)
            {
                buckets[i] = null;
                continue;
            }
            buckets[i] = dests[p];
            if (++count >= dests[p].weight())
            {
                p = (p + 1) % dests.length;
                count = 0;
            }
        }
    }

    /**
     * {@code ip_vs_sh_hashkey()}: the bucket of an address (folded) and port, probed at {@code offset}:
     * {@code hash_32()}, the table's bits from the top of the product (seen on Debian 12's kernel:
     * KernelLvsPeerSystemTest).
     */
    static int hash(final int address, final int port, final int offset)
    {
        return (offset + AddressHash.hash32(port + address, TAB_BITS)) & TAB_MASK;
    }

    /** The dest in bucket {@code i}, for listings and tests. */
    Dest bucket(final int i)
    {
        return buckets[i];
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final int address = AddressHash.foldSource(pkt);
        final int p = port ? AddressHash.sourcePort(pkt) : 0;
        final int ihash = hash(address, p, 0);
        Dest d = buckets[ihash];
        if (null == d || !AddressHash.isUnavailable(d))
        {
            return d;
        }
        if (!fallback)
        {
            return null;
        }
        for (int offset = 0; offset < TAB_SIZE; offset++)
        {
            d = buckets[hash(address, p, (offset + ihash) % TAB_SIZE)];
            if (null == d)
            {
                return null;
            }
            if (!AddressHash.isUnavailable(d))
            {
                return d;
            }
        }
        return null;
    }
}
