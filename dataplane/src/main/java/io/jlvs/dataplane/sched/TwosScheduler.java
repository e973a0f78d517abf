package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;

import java.util.function.IntUnaryOperator;

/**
 * Weighted random twos choice, as ip_vs_twos.c: two dests drawn at random in proportion to their weights (two draws
 * in {@code [0, total weight]}, each walked down the list in order, so the first dest has one value more, as in
 * the kernel), and the one with the lesser {@code overhead / weight} of the two taken, ties to the first draw.
 * Overloaded and weight-0 dests are never drawn. The draws come from a generator of the agent's own (no lock, no
 * allocation).
 */
public final class TwosScheduler implements Scheduler
{
    private final IntUnaryOperator below;

    public TwosScheduler()
    {
        this(new XorShift(System.nanoTime())); // each agent builds its own at its own instant
    }

    /** @param below a uniform draw in {@code [0, n)} for {@code n}: the kernel's {@code get_random_u32_below()}. */
    TwosScheduler(final IntUnaryOperator below)
    {
        this.below = below;
    }

    @Override
    public String name()
    {
        return "twos";
    }

    @Override
    public Dest schedule(final Service svc, final PacketView pkt)
    {
        final Dest[] dests = svc.dests();
        int total = 0;
        Dest choice1 = null;
        for (final Dest d : dests)
        {
            if (!d.isOverloaded() && d.weight() > 0)
            {
                total += d.weight();
                choice1 = d;
            }
        }
        if (null == choice1)
        {
            return null;
        }
        total += 1; // the draws include total weight itself, as the kernel's
        int r1 = below.applyAsInt(total);
        int r2 = below.applyAsInt(total);
        Dest choice2 = null;
        int weight1 = -1;
        int weight2 = -1;
        long overhead1 = 0;
        long overhead2 = 0;
        for (final Dest d : dests)
        {
            if (d.isOverloaded() || d.weight() <= 0)
            {
                continue;
            }
            r1 -= d.weight();
            r2 -= d.weight();
            if (r1 <= 0 && weight1 == -1)
            {
                choice1 = d;
                weight1 = d.weight();
                overhead1 = d.connOverhead();
            }
            if (r2 <= 0 && weight2 == -1)
            {
                choice2 = d;
                weight2 = d.weight();
                overhead2 = d.connOverhead();
            }
            if (weight1 != -1 && weight2 != -1)
            {
                break;
            }
        }
        return null != choice2 && weight2 * overhead1 > weight1 * overhead2 ? choice2 : choice1;
    }

    /** Marsaglia's xorshift64*, reduced by Lemire's multiply-shift: cheap, and enough for spreading load. */
    static final class XorShift implements IntUnaryOperator
    {
        private long state;

        XorShift(final long seed)
        {
            state = 0 == seed ? 0x9E37_79B9_7F4A_7C15L : seed;
        }

        @Override
        public int applyAsInt(final int n)
        {
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            final long r = (state * 0x2545_F491_4F6C_DD1DL) >>> 32;
            return (int)((r * n) >>> 32);
        }
    }
}
