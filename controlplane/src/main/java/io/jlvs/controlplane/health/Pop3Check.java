package io.jlvs.controlplane.health;

import org.apache.commons.net.pop3.POP3Client;
import org.apache.commons.net.pop3.POP3SClient;

import java.io.IOException;
import java.net.InetAddress;

/**
 * ldirectord's {@code check_pop} ({@code service = pop}, and {@code pops} over implicit TLS) with Apache Commons
 * Net: a positive greeting, then, when {@code login} is set, USER/PASS must be accepted. (ldirectord's Perl library
 * reports up without a login whatever the server says; jlvs asks for the greeting at least.)
 */
public final class Pop3Check implements Check
{
    private final InetAddress address;
    private final int port;
    private final boolean tls;
    private final String login;
    private final String passwd;
    private final int timeoutMs;

    public Pop3Check(final InetAddress address, final int port, final boolean tls, final String login,
        final String passwd, final int timeoutSec)
    {
        this.address = address;
        this.port = port;
        this.tls = tls;
        this.login = login;
        this.passwd = passwd;
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        final POP3Client pop = tls ? new POP3SClient(true, TrustAllTls.context()) : new POP3Client();
        try
        {
            Protocols.connect(pop, address, port, timeoutMs);
            if (pop.getState() != POP3Client.AUTHORIZATION_STATE || !pop.getReplyString().startsWith("+OK"))
            {
                return Check.fail(pop.getReplyString().strip());
            }
            if (!login.isEmpty() && !pop.login(login, passwd))
            {
                return Check.fail(pop.getReplyString().strip());
            }
            pop.logout();
            return true;
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
        finally
        {
            Protocols.disconnect(pop);
        }
    }

    @Override
    public String toString()
    {
        return (tls ? "pops " : "pop ") + Protocols.host(address) + ":" + port;
    }
}
