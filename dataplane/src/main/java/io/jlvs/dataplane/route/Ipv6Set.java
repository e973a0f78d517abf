package io.jlvs.dataplane.route;

import java.util.Arrays;

/**
 * An immutable set of IPv6 addresses (hi, lo), looked up on the fast path without allocation: open addressing,
 * at most half full. Built once per snapshot.
 */
public final class Ipv6Set
{
    private static final Ipv6Set EMPTY = new Ipv6Set(new long[0], new long[0], 0);

    private final long[] hi;
    private final long[] lo;
    private final boolean[] used;
    private final long[] listHi;
    private final long[] listLo;
    private final int size;

    private Ipv6Set(final long[] listHi, final long[] listLo, final int size)
    {
        this.listHi = Arrays.copyOf(listHi, size);
        this.listLo = Arrays.copyOf(listLo, size);
        this.size = size;
        int capacity = 4;
        while (capacity < 2 * size)
        {
            capacity <<= 1;
        }
        hi = new long[capacity];
        lo = new long[capacity];
        used = new boolean[capacity];
        for (int i = 0; i < size; i++)
        {
            final int s = slot(listHi[i], listLo[i]);
            hi[s] = listHi[i];
            lo[s] = listLo[i];
            used[s] = true;
        }
    }

    public static Ipv6Set empty()
    {
        return EMPTY;
    }

    /** A set of the addresses {@code (hi[i], lo[i])} for {@code i < count}; duplicates are kept once. */
    public static Ipv6Set of(final long[] hi, final long[] lo, final int count)
    {
        final long[] h = new long[count];
        final long[] l = new long[count];
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            boolean seen = false;
            for (int j = 0; j < n && !seen; j++)
            {
                seen = h[j] == hi[i] && l[j] == lo[i];
            }
            if (!seen)
            {
                h[n] = hi[i];
                l[n] = lo[i];
                n++;
            }
        }
        return 0 == n ? EMPTY : new Ipv6Set(h, l, n);
    }

    private int slot(final long h, final long l)
    {
        long x = (h * 0x9E3779B97F4A7C15L) ^ (l * 0xC2B2AE3D27D4EB4FL);
        x ^= x >>> 31;
        final int mask = used.length - 1;
        int i = (int)x & mask;
        while (used[i] && (hi[i] != h || lo[i] != l))
        {
            i = (i + 1) & mask;
        }
        return i;
    }

    public boolean contains(final long h, final long l)
    {
        return size > 0 && used[slot(h, l)];
    }

    public int size()
    {
        return size;
    }

    /** The {@code i}th address added, for announcing and resolving them; not for the fast path's lookups. */
    public long hi(final int i)
    {
        return listHi[i];
    }

    public long lo(final int i)
    {
        return listLo[i];
    }
}
