package io.jlvs.controlplane.health;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * ldirectord's {@code check_sip}: an OPTIONS request for {@code sip:login} (default {@code ldirectord@host}) over
 * the virtual service's transport, UDP or TCP; the first line of the answer must be {@code SIP/2.0 200 OK}. The
 * request is built here as ldirectord builds it (SIP is a text exchange of one request; no library is needed).
 */
public final class SipCheck implements Check
{
    private static final int MAX_DATAGRAM = 65535;

    private final InetSocketAddress target;
    private final boolean tcp;
    private final String login;
    private final int timeoutMs;

    public SipCheck(final InetAddress address, final int port, final boolean tcp, final String login,
        final int timeoutSec)
    {
        this.target = new InetSocketAddress(address, port);
        this.tcp = tcp;
        this.login = login.isEmpty() ? "ldirectord@" + LocalHost.name() : login;
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        try
        {
            return tcp ? overTcp() : overUdp();
        }
        catch (final IOException | RuntimeException ex)
        {
            return Check.fail(ex);
        }
    }

    private boolean overUdp() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket())
        {
            s.connect(target);
            s.setSoTimeout(timeoutMs);
            final byte[] request = request(s.getLocalAddress(), s.getLocalPort(), "UDP");
            s.send(new DatagramPacket(request, request.length));
            final byte[] buf = new byte[MAX_DATAGRAM];
            final DatagramPacket reply = new DatagramPacket(buf, buf.length);
            s.receive(reply);
            final String answer = new String(buf, 0, reply.getLength(), StandardCharsets.UTF_8);
            return Check.passIf(passes(answer), "answer: " + answer.lines().findFirst().orElse(""));
        }
    }

    private boolean overTcp() throws IOException
    {
        try (Socket s = new BoundedSocketFactory(timeoutMs).createSocket())
        {
            s.connect(target, timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.getOutputStream().write(request(s.getLocalAddress(), s.getLocalPort(), "TCP"));
            s.getOutputStream().flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                StandardCharsets.UTF_8));
            final String first = in.readLine();
            return Check.passIf(null != first && passes(first), "answer: " + first);
        }
    }

    static boolean passes(final String reply)
    {
        return reply.startsWith("SIP/2.0 200 OK");
    }

    private byte[] request(final InetAddress local, final int localPort, final String transport)
    {
        final String host = Protocols.host(local);
        final String callId = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        final String text =
            "OPTIONS sip:" + login + " SIP/2.0\r\n" +
            "Via: SIP/2.0/" + transport + " " + host + ":" + localPort + ";branch=z9hG4bK" + callId + "\r\n" +
            "Max-Forwards: 70\r\n" +
            "To: <sip:" + login + ">\r\n" +
            "From: <sip:" + login + ">;tag=" + callId.substring(0, 8) + "\r\n" +
            "Call-ID: " + callId + "\r\n" +
            "CSeq: 63104 OPTIONS\r\n" +
            "Contact: <sip:" + login + ">\r\n" +
            "Accept: application/sdp\r\n" +
            "Content-Length: 0\r\n" +
            "\r\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString()
    {
        return "sip " + Protocols.host(target.getAddress()) + ":" + target.getPort() + (tcp ? "/tcp" : "/udp");
    }
}
