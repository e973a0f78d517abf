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
            return address.isReachable(timeoutMs);
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    @Override
    public String toString()
    {
        return "ping " + address.getHostAddress();
    }
}
