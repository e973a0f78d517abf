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

    private final long perSecond;
    private final long burst;
    private long tokens;
    private long lastMs = Long.MIN_VALUE;

    public IcmpRateLimiter(final int perSecond, final int burst)
    {
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
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
            tokens = Math.min(burst, tokens + (nowMs - lastMs) * perSecond / 1000);
            lastMs = nowMs;
        }
        if (tokens > 0)
        {
            tokens--;
            return true;
        }
        return false;
    }
}
