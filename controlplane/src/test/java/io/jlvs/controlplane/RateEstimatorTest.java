package io.jlvs.controlplane;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** ipvsadm --rate as ip_vs_est.c estimates and ip_vs_read_estimator rounds. */
class RateEstimatorTest
{
    @Test
    void shouldRoundAsTheKernelReadsItsEstimate()
    {
        final RateEstimator rates = new RateEstimator();
        rates.sample(1, new long[5]);
        rates.sample(1, new long[] {4, 4, 4, 4, 4});
        // 4 in a 2 s tick: a quarter of the way to 2/s, 0.5/s, held as 512 (<< 10) and 16 (<< 5): exactly a half
        assertArrayEquals(new long[] {0, 0, 0, 0, 0}, rates.rates(1), "+0x1FF and +0xF: a half rounds down");
        rates.sample(1, new long[] {8, 8, 8, 8, 8});
        // 512 + (2048 - 512) / 4 = 896 and 16 + (64 - 16) / 4 = 28: above a half
        assertArrayEquals(new long[] {1, 1, 1, 1, 1}, rates.rates(1));
    }

    @Test
    void shouldStartAgainFromZeroAfterReset()
    {
        final RateEstimator rates = new RateEstimator();
        rates.sample(1, new long[5]);
        rates.sample(1, new long[] {4000, 4000, 4000, 4000, 4000});
        assertArrayEquals(new long[] {500, 500, 500, 500, 500}, rates.rates(1));
        rates.reset(1); // ipvsadm -Z: the totals go back to 0 and so does the estimate
        assertArrayEquals(new long[5], rates.rates(1));
        rates.sample(1, new long[5]);
        rates.sample(1, new long[] {40, 40, 40, 40, 40});
        assertArrayEquals(new long[] {5, 5, 5, 5, 5}, rates.rates(1), "from the zeroed totals, not the old ones");
    }
}
