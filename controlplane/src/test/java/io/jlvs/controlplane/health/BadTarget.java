package io.jlvs.controlplane.health;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A check target that misbehaves on loopback, TCP and UDP on one port: it accepts and never answers, answers
 * garbage, resets, or floods (an endless line). Every check must fail against it, within its timeout. Its threads
 * are platform threads: a flood on virtual threads would starve the checks' carriers, not test them.
 */
final class BadTarget implements AutoCloseable
{
    enum Mode
    {
        SILENT, GARBAGE, RESET, FLOOD
    }

    private static final byte[] GARBAGE = "\u0000\u00ff\u0013garbage \u0007\u00fe nonsense\r\n\r\n\u0000\u0001\u0002"
        .getBytes(StandardCharsets.ISO_8859_1);

    private final ServerSocket tcp;
    private final DatagramSocket udp;
    private final Mode mode;
    private final List<Socket> held = new ArrayList<>();
    private final Thread acceptor;
    private final Thread datagrams;
    private volatile boolean closed;

    BadTarget(final Mode mode) throws IOException
    {
        this.mode = mode;
        this.tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().start(this::accept);
        this.datagrams = Thread.ofPlatform().daemon().start(this::answerDatagrams);
    }

    int port()
    {
        return tcp.getLocalPort();
    }

    private void accept()
    {
        while (!closed)
        {
            try
            {
                final Socket s = tcp.accept();
                Thread.ofPlatform().daemon().start(() -> serve(s));
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    private void serve(final Socket s)
    {
        try
        {
            switch (mode)
            {
                case SILENT ->
                {
                    synchronized (held)
                    {
                        held.add(s);
                    }
                }
                case GARBAGE ->
                {
                    s.getOutputStream().write(GARBAGE);
                    s.getOutputStream().flush();
                    synchronized (held)
                    {
                        held.add(s);
                    }
                }
                case RESET ->
                {
                    s.setSoLinger(true, 0);
                    s.close();
                }
                case FLOOD ->
                {
                    final byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte)'2');
                    final OutputStream out = s.getOutputStream();
                    while (!closed)
                    {
                        out.write(chunk);
                        Thread.sleep(5); // 13 MB/s a connection: a flood for a check, not a load on the machine
                    }
                }
            }
        }
        catch (final IOException | InterruptedException ex)
        {
            // the check went away
        }
    }

    private void answerDatagrams()
    {
        final byte[] buf = new byte[65535];
        while (!closed)
        {
            try
            {
                final DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                switch (mode)
                {
                    case SILENT, RESET -> { }
                    case GARBAGE -> udp.send(new DatagramPacket(GARBAGE, GARBAGE.length, p.getSocketAddress()));
                    case FLOOD ->
                    {
                        final byte[] big = new byte[60000];
                        for (int i = 0; i < 50 && !closed; i++)
                        {
                            udp.send(new DatagramPacket(big, big.length, p.getSocketAddress()));
                        }
                    }
                }
            }
            catch (final IOException ex)
            {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException
    {
        closed = true;
        tcp.close();
        udp.close();
        synchronized (held)
        {
            for (final Socket s : held)
            {
                s.close();
            }
        }
        acceptor.interrupt();
        datagrams.interrupt();
    }
}
