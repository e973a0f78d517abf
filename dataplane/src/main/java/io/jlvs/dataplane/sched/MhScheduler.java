package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

/**
 * Maglev hashing, as ip_vs_mh.c: each dest's permutation of a 4093-entry lookup table (its offset and skip from
 * hsiphash of its address and port under the kernel's fixed keys) is walked in list order, each dest taking as many
 * turns as its {@code last_weight} over the weights' gcd (shifted right so the largest needs at most 6 bits), until
 * the table is full. A client hashes (with its source port under {@code mh-port}) to an entry; an unavailable dest
 * (weight 0 or overloaded) fails the connection, or with {@code mh-fallback} the kernel's probe sequence finds
 * another. A quiesced dest keeps its entries (its last weight), so clients of the others stay where they are.
 * Built with the service in the control plane; {@link #schedule} is a lookup.
 */
public final class MhScheduler implements Scheduler
{
    /** IP_VS_MH_TAB_SIZE: primes[CONFIG_IP_VS_MH_TAB_INDEX - 8], the default index 12. */
    static final int TAB_SIZE = 4093;
    /** IP_VS_MH_TAB_BITS: CONFIG_IP_VS_MH_TAB_INDEX / 2. */
    static final int TAB_BITS = 6;
    /** generate_hash_secret(): both words of each key. */
    static final long KEY1 = 2654435761L;
    static final long KEY2 = 2654446892L;

    private final Dest[] lookup = new Dest[TAB_SIZE];
    private boolean fallback;
    private boolean port;

    @Override
    public String name()
    {
        return "mh";
    }

    /** {@code ip_vs_mh_hashkey()}: hsiphash of {@code offset + port + address} as a u32. */
    static int hash(final int address, final int port, final long key, final int offset)
    {
        return HalfSipHash.hash(offset + port + address, key, key);
    }

    private static int mod(final int hash, final int n)
    {
        return Integer.remainderUnsigned(hash, n);
    }

    @Override
    public void initService(final Service svc)
    {
        fallback = (svc.flags() & Service.F_SCHED_MH_FALLBACK) != 0;
        port = (svc.flags() & Service.F_SCHED_MH_PORT) != 0;
        java.util.Arrays.fill(lookup, null);
        final Dest[] dests = svc.dests();
        final int gcd = gcdLastWeight(dests);
        if (gcd < 1)
        {
            return; // no dest, or none ever weighted: an empty table
        }
        final int rshift = shift(dests, gcd);
        final int n = dests.length;
        final int[] perm = new int[n];
        final int[] skip = new int[n];
        final int[] turns = new int[n];
        for (int i = 0; i < n; i++)
        {
            final int address = foldAddress(dests[i]);
            perm[i] = mod(hash(address, dests[i].port(), KEY1, 0), TAB_SIZE);
            skip[i] = mod(hash(address, dests[i].port(), KEY2, 0), TAB_SIZE - 1) + 1;
            final int lw = dests[i].lastWeight();
            final int t = (lw / gcd) >> rshift;
            turns[i] = t != 0 ? t : lw != 0 ? 1 : 0;
        }
        final boolean[] taken = new boolean[TAB_SIZE];
        int filled = 0;
        int d = 0;
        int count = 0;
        while (true)
        {
            if (turns[d] < 1)
            {
                d = (d + 1) % n; // a dest added with weight 0 takes no entry
                continue;
            }
            int c = perm[d];
            while (taken[c])
            {
                perm[d] += skip[d];
                if (perm[d] >= TAB_SIZE)
                {
                    perm[d] -= TAB_SIZE;
                }
                c = perm[d];
            }
            taken[c] = true;
            lookup[c] = dests[d];
            if (++filled == TAB_SIZE)
            {
                return;
            }
            if (++count >= turns[d])
            {
                count = 0;
                d = (d + 1) % n;
            }
        }
    }

    /** ip_vs_mh_gcd_weight(): over the positive last weights. */
    private static int gcdLastWeight(final Dest[] dests)
    {
        int g = 0;
        for (final Dest d : dests)
        {
            final int w = d.lastWeight();
            if (w > 0)
            {
                g = g > 0 ? gcd(w, g) : w;
            }
        }
        return g;
    }

    private static int gcd(final int a, final int b)
    {
        return 0 == b ? a : gcd(b, a % b);
    }

    /** ip_vs_mh_shift_weight(): the bits of the largest weight over the gcd beyond TAB_BITS. */
    private static int shift(final Dest[] dests, final int gcd)
    {
        int max = 0;
        for (final Dest d : dests)
        {
            max = Math.max(max, d.lastWeight());
        }
        final int fls = 32 - Integer.numberOfLeadingZeros(max / gcd);
        return Math.max(fls - TAB_BITS, 0);
    }

    private static int foldAddress(final Dest d)
    {
        return d.af() == PacketView.AF_INET ? d.addrV4() : AddressHash.fold(d.addrHi(), d.addrLo());
    }

    /** The dest at entry {@code i}, for tests. */
    Dest entry(final int i)
    {
        return lookup[i];
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final int address = AddressHash.foldSource(pkt);
        final int p = port ? AddressHash.sourcePort(pkt) : 0;
        final int ihash = mod(hash(address, p, KEY1, 0), TAB_SIZE);
        Dest d = lookup[ihash];
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
            d = lookup[mod(hash(address, p, KEY1, (offset + ihash) % TAB_SIZE), TAB_SIZE)];
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
