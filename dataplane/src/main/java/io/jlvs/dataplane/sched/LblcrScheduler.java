package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Locality-based least-connection with replication, as ip_vs_lblcr.c: each destination address keeps a set of real
 * servers and is served by the set's weighted least-connection member; when that one is overloaded in lblc's sense
 * (or the set has none available) the service's weighted least-connection server joins the set; a set of more than
 * one untouched for the expiration (24 h) loses its most loaded member. A set lists its newest member first, as the
 * kernel's, which decides ties. Unused addresses expire as the kernel's do ({@link LocalityTable}); the table is
 * this agent's, carried across snapshots by real-server identity.
 */
public final class LblcrScheduler extends LocalityScheduler
{
    /**
     * Members a set holds at most: a set grows by one only when all its members are overloaded, so sets stay small;
     * a set that is full takes no more, as the kernel's does when its allocation fails, and bounds the memory to
     * {@code CAPACITY x 16} indices per service and agent.
     */
    static final int MAX_SET = 16;

    private int width;
    /** Per slot, {@code width} dest indices, newest first; {@link #setSize} of them in use. */
    private int[] members = new int[0];
    private final int[] setSize = new int[LocalityTable.CAPACITY];
    private final long[] lastMod = new long[LocalityTable.CAPACITY];
    private final LocalityTable.Payload payload = new LocalityTable.Payload()
    {
        @Override
        public void move(final int from, final int to)
        {
            System.arraycopy(members, from * width, members, to * width, width);
            setSize[to] = setSize[from];
            lastMod[to] = lastMod[from];
        }

        @Override
        public void clear(final int slot)
        {
            setSize[slot] = 0;
        }
    };

    @Override
    public String name()
    {
        return "lblcr";
    }

    @Override
    LocalityTable.Payload payload()
    {
        return payload;
    }

    @Override
    public void initService(final Service svc)
    {
        width = Math.min(svc.dests().length, MAX_SET);
        members = new int[LocalityTable.CAPACITY * width];
    }

    /** The members of the set of {@code (hi, lo)}, newest first, as indices; empty if none. */
    int[] set(final long hi, final long lo)
    {
        final int slot = table.find(hi, lo);
        return slot < 0 ? new int[0] : java.util.Arrays.copyOfRange(members, slot * width, slot * width + setSize[slot]);
    }

    /** The sets of a previous snapshot's table, each member found again by identity; gone ones leave their set. */
    @Override
    public void takeOver(final Service svc, final Service previous)
    {
        if (!(previous.scheduler() instanceof LblcrScheduler old))
        {
            return;
        }
        takeOverTable(old);
        final Dest[] was = previous.dests();
        for (int slot = 0; slot < LocalityTable.CAPACITY; slot++)
        {
            setSize[slot] = 0;
            if (!table.used[slot])
            {
                continue;
            }
            lastMod[slot] = old.lastMod[slot];
            for (int k = 0; k < old.setSize[slot]; k++)
            {
                final int i = svc.indexOf(was[old.members[slot * old.width + k]]);
                if (i >= 0 && setSize[slot] < width)
                {
                    members[slot * width + setSize[slot]++] = i;
                }
            }
        }
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final Dest[] dests = svc.dests();
        final long h = pkt.daddrHi;
        final long l = pkt.daddrLo;
        final int slot = table.find(h, l);
        if (slot < 0)
        {
            final int chosen = WlcScheduler.leastLoaded(dests);
            if (chosen < 0)
            {
                return null;
            }
            final int added = table.add(h, l, nowMs);
            if (added >= 0)
            {
                setSize[added] = 0;
                insert(added, chosen);
            }
            return dests[chosen];
        }
        table.lastUse[slot] = nowMs;
        final int min = setMin(slot, dests);
        if (setSize[slot] > 1 && nowMs > lastMod[slot] + expirationMs)
        {
            final int max = setMax(slot, dests);
            if (max >= 0)
            {
                erase(slot, max);
            }
        }
        if (min >= 0 && !LblcScheduler.isOverloaded(dests[min], dests))
        {
            return dests[min];
        }
        final int chosen = WlcScheduler.leastLoaded(dests);
        if (chosen < 0)
        {
            return null;
        }
        insert(slot, chosen);
        return dests[chosen];
    }

    /** ip_vs_dest_set_insert() with its check: a new member goes first, and the set is modified now. */
    private void insert(final int slot, final int d)
    {
        final int base = slot * width;
        for (int k = 0; k < setSize[slot]; k++)
        {
            if (members[base + k] == d)
            {
                return;
            }
        }
        if (setSize[slot] == width)
        {
            return; // full: as the kernel when it cannot allocate the member
        }
        System.arraycopy(members, base, members, base + 1, setSize[slot]);
        members[base] = d;
        setSize[slot]++;
        lastMod[slot] = nowMs;
    }

    private void erase(final int slot, final int d)
    {
        final int base = slot * width;
        for (int k = 0; k < setSize[slot]; k++)
        {
            if (members[base + k] == d)
            {
                System.arraycopy(members, base + k + 1, members, base + k, setSize[slot] - k - 1);
                setSize[slot]--;
                lastMod[slot] = nowMs;
                return;
            }
        }
    }

    /** ip_vs_dest_set_min(): the first available member with weight, displaced by a strictly smaller load. */
    private int setMin(final int slot, final Dest[] dests)
    {
        final int base = slot * width;
        int k = 0;
        while (k < setSize[slot] && (dests[members[base + k]].isOverloaded() || dests[members[base + k]].weight() <= 0))
        {
            k++;
        }
        if (k == setSize[slot])
        {
            return -1;
        }
        int least = members[base + k];
        long loh = dests[least].connOverhead();
        for (k++; k < setSize[slot]; k++)
        {
            final Dest d = dests[members[base + k]];
            if (d.isOverloaded())
            {
                continue;
            }
            final long doh = d.connOverhead();
            if (loh * d.weight() > doh * dests[least].weight())
            {
                least = members[base + k];
                loh = doh;
            }
        }
        return least;
    }

    /** ip_vs_dest_set_max(): the first member with weight, displaced by a strictly larger load with weight. */
    private int setMax(final int slot, final Dest[] dests)
    {
        final int base = slot * width;
        int k = 0;
        while (k < setSize[slot] && dests[members[base + k]].weight() <= 0)
        {
            k++;
        }
        if (k == setSize[slot])
        {
            return -1;
        }
        int most = members[base + k];
        long moh = dests[most].connOverhead();
        for (k++; k < setSize[slot]; k++)
        {
            final Dest d = dests[members[base + k]];
            final long doh = d.connOverhead();
            if (moh * d.weight() < doh * dests[most].weight() && d.weight() > 0)
            {
                most = members[base + k];
                moh = doh;
            }
        }
        return most;
    }
}
