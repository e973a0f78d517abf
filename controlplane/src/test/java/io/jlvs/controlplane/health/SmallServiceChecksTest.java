package io.jlvs.controlplane.health;

import org.junit.jupiter.api.Test;
import org.tinyradius.packet.AccessRequest;
import org.tinyradius.packet.RadiusPacket;
import org.tinyradius.util.RadiusServer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checks of the protocols the lab has no Debian server for (SIP), or whose exchange is best shown exactly
 * (RADIUS with TinyRadius's own server, NNTP's greeting): a small server in the test, a passing and a failing check.
 */
class SmallServiceChecksTest
{
    private static final InetAddress LO = InetAddress.getLoopbackAddress();

    /** Answers each OPTIONS over UDP and TCP with {@code status}; keeps the last request it saw. */
    private static final class SipServer implements AutoCloseable
    {
        final DatagramSocket udp;
        final ServerSocket tcp;
        final AtomicReference<String> lastRequest = new AtomicReference<>();

        SipServer(final String status) throws Exception
        {
            tcp = new ServerSocket(0, 5, LO);
            udp = new DatagramSocket(tcp.getLocalPort(), LO);
            Thread.ofPlatform().daemon().start(() ->
            {
                final byte[] buf = new byte[65535];
                while (!udp.isClosed())
                {
                    try
                    {
                        final DatagramPacket p = new DatagramPacket(buf, buf.length);
                        udp.receive(p);
                        lastRequest.set(new String(buf, 0, p.getLength(), StandardCharsets.UTF_8));
                        final byte[] reply = (status + "\r\nContent-Length: 0\r\n\r\n")
                            .getBytes(StandardCharsets.UTF_8);
                        udp.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    }
                    catch (final Exception ex)
                    {
                        return;
                    }
                }
            });
            Thread.ofPlatform().daemon().start(() ->
            {
                while (!tcp.isClosed())
                {
                    try (Socket s = tcp.accept())
                    {
                        final BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                        final StringBuilder request = new StringBuilder();
                        String line;
                        while (null != (line = in.readLine()) && !line.isEmpty())
                        {
                            request.append(line).append("\r\n");
                        }
                        lastRequest.set(request.toString());
                        final OutputStream out = s.getOutputStream();
                        out.write((status + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                    catch (final Exception ex)
                    {
                        if (tcp.isClosed())
                        {
                            return;
                        }
                    }
                }
            });
        }

        int port()
        {
            return tcp.getLocalPort();
        }

        @Override
        public void close() throws Exception
        {
            udp.close();
            tcp.close();
        }
    }

    @Test
    void sipPassesOnTwoHundredOkOverUdpAndTcp() throws Exception
    {
        try (SipServer server = new SipServer("SIP/2.0 200 OK"))
        {
            assertTrue(new SipCheck(LO, server.port(), false, "", 2).run());
            final String request = server.lastRequest.get();
            assertTrue(request.startsWith("OPTIONS sip:ldirectord@"), request);
            assertTrue(request.contains("\r\nVia: SIP/2.0/UDP "), request);
            assertTrue(request.contains("\r\nCSeq: 63104 OPTIONS\r\n"), request);
            assertTrue(new SipCheck(LO, server.port(), true, "probe@jlvs.lab", 2).run());
            assertTrue(server.lastRequest.get().startsWith("OPTIONS sip:probe@jlvs.lab SIP/2.0\r\n"));
        }
    }

    @Test
    void sipFailsOnAnyOtherStatus() throws Exception
    {
        try (SipServer server = new SipServer("SIP/2.0 503 Service Unavailable"))
        {
            assertFalse(new SipCheck(LO, server.port(), false, "", 2).run());
            assertFalse(new SipCheck(LO, server.port(), true, "", 2).run());
        }
    }

    @Test
    void radiusPassesOnAcceptOnlyAndChecksTheAuthenticator() throws Exception
    {
        final int port;
        try (DatagramSocket probe = new DatagramSocket(0, LO))
        {
            port = probe.getLocalPort();
        }
        final RadiusServer server = new RadiusServer()
        {
            @Override
            public String getSharedSecret(final InetSocketAddress client)
            {
                return "jlvs-secret";
            }

            @Override
            public String getUserPassword(final String userName)
            {
                return "jlvs".equals(userName) ? "jlvs-check" : null;
            }

            @Override
            public RadiusPacket accessRequestReceived(final AccessRequest request, final InetSocketAddress client)
                throws org.tinyradius.util.RadiusException
            {
                return super.accessRequestReceived(request, client);
            }
        };
        server.setAuthPort(port);
        server.setAcctPort(port == 65535 ? port - 1 : port + 1); // not started, but it must be a port
        server.setListenAddress(LO);
        server.start(true, false);
        try
        {
            // the server binds on its own thread: the passing check is tried until it is listening
            final RadiusCheck good = new RadiusCheck(LO, port, "jlvs-secret", "jlvs", "jlvs-check", 1);
            boolean passed = false;
            for (int i = 0; i < 5 && !passed; i++)
            {
                passed = good.run();
            }
            assertTrue(passed, "accepted");
            assertFalse(new RadiusCheck(LO, port, "jlvs-secret", "jlvs", "wrong", 2).run(), "a reject is down");
            assertFalse(new RadiusCheck(LO, port, "other-secret", "jlvs", "jlvs-check", 2).run(),
                "the wrong secret: the password does not decode, a reject");
        }
        finally
        {
            server.stop();
        }
    }

    @Test
    void nntpPassesOnATwoHundredGreetingOnly() throws Exception
    {
        for (final String greeting : new String[] {"200 jlvs NNTP ready", "502 no permission"})
        {
            try (ServerSocket server = new ServerSocket(0, 5, LO))
            {
                Thread.ofPlatform().daemon().start(() ->
                {
                    try (Socket s = server.accept())
                    {
                        s.getOutputStream().write((greeting + "\r\n").getBytes(StandardCharsets.UTF_8));
                        final BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                            StandardCharsets.UTF_8));
                        if ("QUIT".equals(in.readLine()))
                        {
                            s.getOutputStream().write("205 bye\r\n".getBytes(StandardCharsets.UTF_8));
                        }
                    }
                    catch (final Exception ignored)
                    {
                        // the check went away
                    }
                });
                final boolean passed = new NntpCheck(LO, server.getLocalPort(), 2).run();
                if (greeting.startsWith("2"))
                {
                    assertTrue(passed, greeting);
                }
                else
                {
                    assertFalse(passed, greeting);
                }
            }
        }
    }
}
