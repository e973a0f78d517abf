package io.jlvs.controlplane.health;

import java.io.IOException;
import java.net.InetAddress;

/** ldirectord's {@code checktype = ping}: an ICMP echo (the JDK's, as root) answered within the timeout. */
public final class PingCheck implements Check
{
    private final InetAddress address;
    private final int timeoutMs;

    public PingCheck(final InetAddress address, final int timeoutSec)
    {
        this.address = address;
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        try
        {
            return Check.passIf(address.isReachable(timeoutMs), "no echo reply");
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
    }

    @Override
    public String toString()
    {
        return "ping " + address.getHostAddress();
    }
}
