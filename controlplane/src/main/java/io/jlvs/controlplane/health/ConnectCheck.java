package io.jlvs.controlplane.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A TCP connection to the real server's check port, closed at once: ldirectord's {@code checktype = connect} and
 * keepalived's {@code TCP_CHECK} (which may leave from its {@code bindto}).
 */
public final class ConnectCheck implements Check
{
    private final String name;
    private final InetSocketAddress bind;
    private final InetSocketAddress target;
    private final int timeoutMs;

    /** ldirectord's: from the kernel's choice of source, {@code timeoutSec} to be accepted. */
    public ConnectCheck(final InetAddress address, final int port, final int timeoutSec)
    {
        this("connect " + new InetSocketAddress(address, port), null, new InetSocketAddress(address, port),
            timeoutSec * 1000);
    }

    /**
     * @param name      how the check names itself in the log
     * @param bind      the source address and port, or null for the kernel's choice
     * @param target    where it connects
     * @param timeoutMs how long the connection may take to be accepted
     */
    public ConnectCheck(final String name, final InetSocketAddress bind, final InetSocketAddress target,
        final int timeoutMs)
    {
        this.name = name;
        this.bind = bind;
        this.target = target;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public boolean run()
    {
        try (Socket s = new Socket())
        {
            if (null != bind)
            {
                s.bind(bind);
            }
            s.connect(target, timeoutMs);
            return true;
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
    }

    @Override
    public String toString()
    {
        return name;
    }
}
