package io.jlvs.controlplane.admin;

/** Estimated rates of a service or destination, per second; unsigned 64-bit values held in longs. */
public record RateView(long cps, long inPps, long outPps, long inBps, long outBps)
{
    public static final RateView ZERO = new RateView(0, 0, 0, 0, 0);
}
