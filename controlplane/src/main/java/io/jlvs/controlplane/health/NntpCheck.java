package io.jlvs.controlplane.health;

import org.apache.commons.net.nntp.NNTPClient;

import java.io.IOException;
import java.net.InetAddress;

/** ldirectord's {@code check_nntp} with Apache Commons Net: the server's greeting must be a 2xx. */
public final class NntpCheck implements Check
{
    private final InetAddress address;
    private final int port;
    private final int timeoutMs;

    public NntpCheck(final InetAddress address, final int port, final int timeoutSec)
    {
        this.address = address;
        this.port = port;
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        final NNTPClient nntp = new NNTPClient();
        try
        {
            Protocols.connect(nntp, address, port, timeoutMs);
            final boolean passed = nntp.getReplyCode() / 100 == 2;
            nntp.logout();
            return Check.passIf(passed, "greeting: " + nntp.getReplyString().strip());
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
        finally
        {
            Protocols.disconnect(nntp);
        }
    }

    @Override
    public String toString()
    {
        return "nntp " + Protocols.host(address) + ":" + port;
    }
}
