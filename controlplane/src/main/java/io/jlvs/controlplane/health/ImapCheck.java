package io.jlvs.controlplane.health;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

/**
 * ldirectord's {@code check_imap} ({@code service = imap}, and {@code imaps} over implicit TLS): with {@code login}
 * set, a LOGIN with {@code passwd} through Jakarta Mail's IMAP provider (Eclipse Angus) must succeed, then LOGOUT;
 * without, the server's greeting must be an untagged OK (or PREAUTH). (Apache Commons Net's IMAP client refuses the
 * long tagged OK with capabilities that Dovecot answers a LOGIN with, so it does not check IMAP here.)
 */
public final class ImapCheck implements Check
{
    private final InetAddress address;
    private final int port;
    private final boolean tls;
    private final String login;
    private final String passwd;
    private final int timeoutMs;
    private final Session session;

    public ImapCheck(final InetAddress address, final int port, final boolean tls, final String login,
        final String passwd, final int timeoutSec)
    {
        this.address = address;
        this.port = port;
        this.tls = tls;
        this.login = login;
        this.passwd = passwd;
        this.timeoutMs = timeoutSec * 1000;
        final String p = tls ? "mail.imaps." : "mail.imap.";
        final Properties props = new Properties();
        props.put(p + "connectiontimeout", Integer.toString(timeoutMs));
        props.put(p + "timeout", Integer.toString(timeoutMs));
        props.put(p + "ssl.trust", "*");
        props.put(p + "ssl.checkserveridentity", "false");
        props.put(p + "auth.login.disable", "false");
        if (tls)
        {
            props.put(p + "ssl.socketFactory", TrustAllTls.getDefault());
        }
        else
        {
            props.put(p + "socketFactory", new BoundedSocketFactory(timeoutMs));
        }
        this.session = Session.getInstance(props);
    }

    @Override
    public boolean run()
    {
        return login.isEmpty() ? greets() : logsIn();
    }

    private boolean logsIn()
    {
        Store store = null;
        try
        {
            store = session.getStore(tls ? "imaps" : "imap");
            store.connect(address.getHostAddress(), port, login, passwd);
            return Check.passIf(store.isConnected(), "not connected after LOGIN");
        }
        catch (final MessagingException | RuntimeException ex)
        {
            return Check.fail(ex);
        }
        finally
        {
            if (null != store)
            {
                try
                {
                    store.close();
                }
                catch (final MessagingException ignored)
                {
                    // the check has its answer
                }
            }
        }
    }

    private boolean greets()
    {
        try (Socket plain = new BoundedSocketFactory(timeoutMs).createSocket())
        {
            plain.connect(new InetSocketAddress(address, port), timeoutMs);
            plain.setSoTimeout(timeoutMs);
            final Socket s = tls ? TrustAllTls.context().getSocketFactory()
                .createSocket(plain, address.getHostAddress(), port, true) : plain;
            final String greeting = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.US_ASCII)).readLine();
            return Check.passIf(null != greeting && (greeting.startsWith("* OK") || greeting.startsWith("* PREAUTH")),
                "greeting: " + greeting);
        }
        catch (final IOException | RuntimeException ex)
        {
            return Check.fail(ex);
        }
    }

    @Override
    public String toString()
    {
        return (tls ? "imaps " : "imap ") + Protocols.host(address) + ":" + port;
    }
}
