package io.jlvs.controlplane.health;

import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

import java.io.IOException;
import java.net.InetAddress;

/**
 * ldirectord's {@code check_smtp} ({@code service = smtp} and {@code submission}) with Apache Commons Net: the
 * server's greeting and its answer to HELO must both be positive; then QUIT.
 */
public final class SmtpCheck implements Check
{
    private final InetAddress address;
    private final int port;
    private final int timeoutMs;
    private final String heloName;

    public SmtpCheck(final InetAddress address, final int port, final int timeoutSec)
    {
        this(address, port, timeoutSec, LocalHost.name());
    }

    /** @param heloName the name given in HELO (keepalived's {@code helo_name}; ldirectord's is the host's name) */
    public SmtpCheck(final InetAddress address, final int port, final int timeoutSec, final String heloName)
    {
        this.address = address;
        this.port = port;
        this.timeoutMs = timeoutSec * 1000;
        this.heloName = heloName;
    }

    @Override
    public boolean run()
    {
        final SMTPClient smtp = new SMTPClient();
        try
        {
            Protocols.connect(smtp, address, port, timeoutMs);
            if (!SMTPReply.isPositiveCompletion(smtp.getReplyCode()) || !smtp.login(heloName))
            {
                return Check.fail(smtp.getReplyString().strip());
            }
            smtp.logout();
            return true;
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
        finally
        {
            Protocols.disconnect(smtp);
        }
    }

    @Override
    public String toString()
    {
        return "smtp " + Protocols.host(address) + ":" + port;
    }
}
