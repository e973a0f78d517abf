package io.jlvs.controlplane.health;

import javax.net.SocketFactory;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;

/**
 * Sockets whose input ends in an error after {@link #MAX_ANSWER} bytes: a check target that floods (an endless
 * banner, a reply line without an end) fails the check instead of filling the checker's heap, whatever the protocol
 * library does with what it reads. Libraries that take a factory by class name (JNDI, the JDBC drivers) use the
 * public constructor or {@link #getDefault()}.
 */
public class BoundedSocketFactory extends SocketFactory
{
    /** More than any check's answer needs: a banner, a login exchange, a query's first rows. */
    public static final int MAX_ANSWER = 1 << 20;

    private static final BoundedSocketFactory INSTANCE = new BoundedSocketFactory();

    private final int floorTimeoutMs;

    /** For libraries that make their factory by class name and set their own read timeouts. */
    public BoundedSocketFactory()
    {
        this(0);
    }

    /**
     * @param floorTimeoutMs a read timeout the socket keeps when a library asks for none (0, wait forever): a
     *                       library phase that forgets the timeout (a TLS handshake) still ends
     */
    public BoundedSocketFactory(final int floorTimeoutMs)
    {
        this.floorTimeoutMs = floorTimeoutMs;
    }

    /** JNDI's {@code java.naming.ldap.factory.socket} calls this. */
    public static SocketFactory getDefault()
    {
        return INSTANCE;
    }

    @Override
    public Socket createSocket()
    {
        return new BoundedSocket(floorTimeoutMs);
    }

    @Override
    public Socket createSocket(final String host, final int port) throws IOException
    {
        final Socket s = new BoundedSocket(floorTimeoutMs);
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(final String host, final int port, final InetAddress localHost, final int localPort)
        throws IOException
    {
        final Socket s = new BoundedSocket(floorTimeoutMs);
        s.bind(new java.net.InetSocketAddress(localHost, localPort));
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(final InetAddress host, final int port) throws IOException
    {
        final Socket s = new BoundedSocket(floorTimeoutMs);
        s.connect(new java.net.InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(final InetAddress address, final int port, final InetAddress localAddress,
        final int localPort) throws IOException
    {
        final Socket s = new BoundedSocket(floorTimeoutMs);
        s.bind(new java.net.InetSocketAddress(localAddress, localPort));
        s.connect(new java.net.InetSocketAddress(address, port));
        return s;
    }

    /** A plain socket whose input stream counts. */
    static final class BoundedSocket extends Socket
    {
        private final int floorTimeoutMs;
        private InputStream in;

        BoundedSocket(final int floorTimeoutMs)
        {
            this.floorTimeoutMs = floorTimeoutMs;
            if (floorTimeoutMs > 0)
            {
                try
                {
                    super.setSoTimeout(floorTimeoutMs);
                }
                catch (final java.net.SocketException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }
        }

        @Override
        public synchronized void setSoTimeout(final int timeout) throws java.net.SocketException
        {
            super.setSoTimeout(timeout == 0 && floorTimeoutMs > 0 ? floorTimeoutMs : timeout);
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException
        {
            if (null == in)
            {
                in = new BoundedInputStream(super.getInputStream(), MAX_ANSWER);
            }
            return in;
        }
    }

    /** Fails the read that would pass the limit. */
    static final class BoundedInputStream extends FilterInputStream
    {
        private long left;

        BoundedInputStream(final InputStream in, final long limit)
        {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException
        {
            if (left <= 0)
            {
                throw new IOException("check target sent more than " + MAX_ANSWER + " bytes");
            }
            final int b = super.read();
            if (b >= 0)
            {
                left--;
            }
            return b;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException
        {
            if (left <= 0)
            {
                throw new IOException("check target sent more than " + MAX_ANSWER + " bytes");
            }
            final int n = super.read(b, off, (int)Math.min(len, left));
            if (n > 0)
            {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(final long n) throws IOException
        {
            final long skipped = super.skip(Math.min(n, left));
            left -= skipped;
            return skipped;
        }
    }
}
