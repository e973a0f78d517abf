package io.jlvs.controlplane.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * ldirectord's negotiate check for {@code service = simpletcp}: connect, send {@code request} (without the leading
 * "/" ldirectord's configuration reader puts before every request, which its simpletcp check takes off again, and
 * with each two-character {@code \n} made a line feed, as ldirectord sends it), and
 * read what the server answers, at most 64 KiB, until {@code receive} (a regular expression) matches, the server
 * closes, or the timeout; a match passes. An empty {@code receive} passes on any answer or a clean close.
 */
public final class SimpleTcpCheck implements Check
{
    private static final int MAX_ANSWER = 64 * 1024;

    private final InetSocketAddress target;
    private final byte[] request;
    private final Pattern receive;
    private final int timeoutMs;

    public SimpleTcpCheck(final InetAddress address, final int port, final String request, final String receive,
        final int timeoutSec)
    {
        this.target = new InetSocketAddress(address, port);
        this.request = (request.startsWith("/") ? request.substring(1) : request).replace("\\n", "\n")
            .getBytes(StandardCharsets.UTF_8);
        this.receive = receive.isEmpty() ? null : Pattern.compile(receive);
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        try (Socket s = new Socket())
        {
            s.connect(target, timeoutMs);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            s.shutdownOutput(); // as ldirectord: the request is all the server gets
            final InputStream in = s.getInputStream();
            final ByteArrayOutputStream answer = new ByteArrayOutputStream();
            final byte[] buf = new byte[4096];
            while (answer.size() < MAX_ANSWER)
            {
                final int left = (int)(deadline - System.currentTimeMillis());
                if (left <= 0)
                {
                    return Check.fail("no match within " + timeoutMs + " ms");
                }
                s.setSoTimeout(left);
                final int n = in.read(buf);
                if (n < 0)
                {
                    break;
                }
                answer.write(buf, 0, n);
                if (null == receive || receive.matcher(answer.toString(StandardCharsets.UTF_8)).find())
                {
                    return true;
                }
            }
            return Check.passIf(null == receive, "no answer matching receive");
        }
        catch (final SocketTimeoutException ex)
        {
            return Check.fail(ex);
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
    }

    @Override
    public String toString()
    {
        return "simpletcp " + Protocols.host(target.getAddress()) + ":" + target.getPort();
    }
}
