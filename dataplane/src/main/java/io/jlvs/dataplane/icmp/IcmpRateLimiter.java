package io.jlvs.dataplane.icmp;

/**
 * A token bucket for the ICMP errors an agent sends, the kernel's global ICMP limit ({@code icmp_msgs_per_sec}
 * 1000, {@code icmp_msgs_burst} 50): a flood of packets that each deserve an error (a port scan of a VIP with no
 * real server left) gets a bounded trickle of them. As in the kernel, "fragmentation needed" is never limited:
 * path MTU discovery must not stall. One agent's.
 */
public final class IcmpRateLimiter
{
    public static final int DEFAULT_PER_SECOND = 1000;
    public static final int DEFAULT_BURST = 50;

    private static final long MILLI = 1000;

    private final long perSecond;
    /** The most tokens kept, in thousandths of a token. */
    private final long burstMilli;
    /** Tokens in thousandths, so a rate under one a millisecond still refills. */
    private long milliTokens;
    private long lastMs = Long.MIN_VALUE;

    public IcmpRateLimiter(final int perSecond, final int burst)
    {
        this.perSecond = perSecond;
        this.burstMilli = burst * MILLI;
        this.milliTokens = burstMilli;
    }

    public IcmpRateLimiter()
    {
        this(DEFAULT_PER_SECOND, DEFAULT_BURST);
    }

    /** Takes a token if there is one. */
    public boolean tryAcquire(final long nowMs)
    {
        if (lastMs == Long.MIN_VALUE)
        {
            lastMs = nowMs;
        }
        else if (nowMs > lastMs)
        {
            milliTokens = Math.min(burstMilli, milliTokens + Math.min(nowMs - lastMs, burstMilli) * perSecond);
            lastMs = nowMs;
        }
        if (milliTokens >= MILLI)
        {
            milliTokens -= MILLI;
            return true;
        }
        return false;
    }
}
