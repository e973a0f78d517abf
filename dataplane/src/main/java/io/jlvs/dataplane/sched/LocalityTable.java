package io.jlvs.dataplane.sched;

/**
 * The destination-address table of lblc and lblcr: which real server (or set of them) serves each destination
 * address, and when it was last used. The kernel keeps a chained hash of 1024 buckets, trimmed towards
 * {@link #MAX_SIZE} entries by a timer ({@code ip_vs_lblc_check_expire()}); this is the same table over fixed arrays
 * (open addressing, linear probing, deletion by backward shift), so scheduling allocates nothing. When it is full an
 * address is served without being remembered, as the kernel does when its allocation fails.
 * <p>
 * The expiry runs as the kernel's: every 60 s, a full pass every 30th time removing what is unused for the
 * expiration (24 h), else, above {@link #MAX_SIZE}, removing entries unused for 6 min until 4/3 of the excess is gone.
 */
final class LocalityTable
{
    /** IP_VS_LBLC_TAB_SIZE * 16, the kernel's max_size. */
    static final int MAX_SIZE = 1024 * 16;
    static final int CAPACITY = 1 << 15;
    static final long CHECK_EXPIRE_INTERVAL_MS = 60_000;
    static final long ENTRY_TIMEOUT_MS = 6 * 60_000;
    /** The default of the lblc_expiration and lblcr_expiration sysctls. */
    static final long DEFAULT_EXPIRATION_MS = 24 * 60 * 60_000L;
    static final int COUNT_FOR_FULL_EXPIRATION = 30;
    private static final int MASK = CAPACITY - 1;
    /** Entries the table holds at most; beyond, addresses are not remembered. */
    private static final int LIMIT = CAPACITY * 3 / 4;

    final long[] hi = new long[CAPACITY];
    final long[] lo = new long[CAPACITY];
    final long[] lastUse = new long[CAPACITY];
    final boolean[] used = new boolean[CAPACITY];
    private int size;
    private int rover;
    private int counter = 1;
    private long nextCheckMs;

    int size()
    {
        return size;
    }

    private static int home(final long h, final long l)
    {
        final long x = (h ^ l) * 0x9E37_79B9_7F4A_7C15L;
        return (int)(x >>> 49) & MASK;
    }

    /** The slot of {@code (h, l)}, or -1. */
    int find(final long h, final long l)
    {
        for (int i = home(h, l); used[i]; i = (i + 1) & MASK)
        {
            if (hi[i] == h && lo[i] == l)
            {
                return i;
            }
        }
        return -1;
    }

    /** A new slot for {@code (h, l)}, not present, used now; -1 when full. */
    int add(final long h, final long l, final long nowMs)
    {
        if (size >= LIMIT)
        {
            return -1;
        }
        int i = home(h, l);
        while (used[i])
        {
            i = (i + 1) & MASK;
        }
        used[i] = true;
        hi[i] = h;
        lo[i] = l;
        lastUse[i] = nowMs;
        size++;
        return i;
    }

    /** What a slot's payload must do when an entry moves or goes. */
    interface Payload
    {
        void move(int from, int to);

        void clear(int slot);
    }

    /** Removes the entry in slot {@code i}, shifting back the run after it so every entry stays findable. */
    void remove(final int slot, final Payload payload)
    {
        int i = slot;
        used[i] = false;
        payload.clear(i);
        size--;
        for (int j = (i + 1) & MASK; used[j]; j = (j + 1) & MASK)
        {
            final int k = home(hi[j], lo[j]);
            // j's entry may fill the hole at i unless its home lies cyclically in (i, j]
            final boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays)
            {
                used[i] = true;
                hi[i] = hi[j];
                lo[i] = lo[j];
                lastUse[i] = lastUse[j];
                payload.move(j, i);
                used[j] = false;
                payload.clear(j);
                i = j;
            }
        }
    }

    /** The kernel's periodic check, when its 60 s have come: full expiry every 30th time, else trimming. */
    void housekeeping(final long nowMs, final long expirationMs, final Payload payload)
    {
        if (0 == nextCheckMs)
        {
            nextCheckMs = nowMs + CHECK_EXPIRE_INTERVAL_MS;
            return;
        }
        if (nowMs < nextCheckMs)
        {
            return;
        }
        nextCheckMs = nowMs + CHECK_EXPIRE_INTERVAL_MS;
        if (counter % COUNT_FOR_FULL_EXPIRATION == 0)
        {
            expire(nowMs, expirationMs, Integer.MAX_VALUE, payload);
            counter = 1;
            return;
        }
        if (size <= MAX_SIZE)
        {
            counter++;
            return;
        }
        expire(nowMs, ENTRY_TIMEOUT_MS, Math.min((size - MAX_SIZE) * 4 / 3, MAX_SIZE / 2), payload);
    }

    /** Removes entries unused for {@code timeoutMs}, from the rover on, until {@code goal} are gone. */
    private void expire(final long nowMs, final long timeoutMs, final int goal, final Payload payload)
    {
        int left = goal;
        for (int n = 0; n < CAPACITY && left > 0; n++)
        {
            rover = (rover + 1) & MASK;
            // a removal shifts a later entry into this slot: look at it again
            while (used[rover] && nowMs - lastUse[rover] >= timeoutMs && left > 0)
            {
                remove(rover, payload);
                left--;
            }
        }
    }

    /** Copies the entries of {@code from} (a previous snapshot's table) into this empty one. */
    void copyFrom(final LocalityTable from)
    {
        System.arraycopy(from.hi, 0, hi, 0, CAPACITY);
        System.arraycopy(from.lo, 0, lo, 0, CAPACITY);
        System.arraycopy(from.lastUse, 0, lastUse, 0, CAPACITY);
        System.arraycopy(from.used, 0, used, 0, CAPACITY);
        size = from.size;
        rover = from.rover;
        counter = from.counter;
        nextCheckMs = from.nextCheckMs;
    }
}
