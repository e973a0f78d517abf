package io.jlvs.controlplane.health;

import org.apache.commons.net.SocketClient;

import java.io.IOException;
import java.net.InetAddress;

/** What the Apache Commons Net checks share: a bounded socket, timeouts on connect and on every read. */
final class Protocols
{
    private Protocols()
    {
    }

    /** Connects {@code client} with the check's timeout on connect and on every read. */
    static void connect(final SocketClient client, final InetAddress address, final int port, final int timeoutMs)
        throws IOException
    {
        client.setSocketFactory(new BoundedSocketFactory(timeoutMs));
        client.setConnectTimeout(timeoutMs);
        client.setDefaultTimeout(timeoutMs);
        client.connect(address, port);
        client.setSoTimeout(timeoutMs);
    }

    static void disconnect(final SocketClient client)
    {
        if (client.isConnected())
        {
            try
            {
                client.disconnect();
            }
            catch (final IOException ignored)
            {
                // the check has its answer
            }
        }
    }

    /** The host part of a URL or a log line: an IPv6 address in brackets, in its short form (RFC 5952). */
    static String host(final InetAddress address)
    {
        return address instanceof java.net.Inet6Address ?
            "[" + io.jlvs.controlplane.config.InetLiterals.ntop(address) + "]" : address.getHostAddress();
    }
}
