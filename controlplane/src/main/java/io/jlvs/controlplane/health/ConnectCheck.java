package io.jlvs.controlplane.health;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/** ldirectord's {@code checktype = connect}: a TCP connection to the real server's check port, closed at once. */
public final class ConnectCheck implements Check
{
    private final InetSocketAddress target;
    private final int timeoutMs;

    public ConnectCheck(final InetAddress address, final int port, final int timeoutSec)
    {
        this.target = new InetSocketAddress(address, port);
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        try (Socket s = new Socket())
        {
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
        return "connect " + target;
    }
}
