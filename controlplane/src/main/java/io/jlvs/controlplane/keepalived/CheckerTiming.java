package io.jlvs.controlplane.keepalived;

import java.net.InetAddress;
import java.util.Optional;

/**
 * What every keepalived checker has, its own value or the one it took from its real server, then its virtual server,
 * then keepalived's default: where it connects, from where, how long it waits, how often it runs and how many
 * failures in a row take its real server down.
 *
 * @param connectIp          {@code connect_ip}: the address checked instead of the real server's
 * @param connectPort        the port checked: {@code connect_port}, else the real server's port as its line writes it
 *                           (keepalived's checkers take it before the port fix-ups: 0 when the line has none)
 * @param bindTo             {@code bindto}: the source address of the check
 * @param bindPort           {@code bind_port}: its source port; 0 for any
 * @param connectTimeoutUs   {@code connect_timeout}, default 5 s (microseconds, as keepalived's timers)
 * @param retry              {@code retry} (or {@code nb_get_retry}): failures after the first before the real
 *                           server goes down
 * @param delayBeforeRetryUs {@code delay_before_retry}: the wait before a retry, instead of {@code delay_loop}
 * @param delayLoopUs        {@code delay_loop}: the interval between checks, default 60 s
 * @param warmupUs           {@code warmup}: the first check waits a random time up to this, by default the delay loop
 * @param alpha              the real server starts down and the first passed check brings it up (without it, it
 *                           starts up and the first failed check takes it down)
 * @param logAllFailures     {@code log_all_failures}: every failure is logged, not only the one that changes state
 */
public record CheckerTiming(
    Optional<InetAddress> connectIp,
    int connectPort,
    Optional<InetAddress> bindTo,
    int bindPort,
    long connectTimeoutUs,
    int retry,
    long delayBeforeRetryUs,
    long delayLoopUs,
    long warmupUs,
    boolean alpha,
    boolean logAllFailures)
{
    public CheckerTiming
    {
        java.util.Objects.requireNonNull(connectIp, "connectIp");
        java.util.Objects.requireNonNull(bindTo, "bindTo");
        if (connectPort < 0 || connectPort > 65535 || bindPort < 0 || bindPort > 65535)
        {
            throw new IllegalArgumentException("port out of range");
        }
    }

    /** This timing (retries, loop, warmup, alpha) with {@code other}'s connection: an SMTP_CHECK host's copy. */
    CheckerTiming withConnectionOf(final CheckerTiming other)
    {
        return new CheckerTiming(other.connectIp, other.connectPort, other.bindTo, other.bindPort,
            other.connectTimeoutUs, retry, delayBeforeRetryUs, delayLoopUs, warmupUs, alpha, logAllFailures);
    }
}
