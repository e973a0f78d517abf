package io.jlvs.controlplane.health;

import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;

/**
 * TLS that takes any certificate, as ldirectord's checks do (LWP, IO::Socket::SSL and Net::LDAPS without
 * verification): a check asks "does the service answer", not "is its certificate trusted". A socket factory too,
 * for JNDI's {@code java.naming.ldap.factory.socket}, which names a class with a static {@link #getDefault()}.
 */
public final class TrustAllTls extends SSLSocketFactory
{
    private static final SSLContext CONTEXT = context();
    private static final TrustAllTls INSTANCE = new TrustAllTls();

    private final SSLSocketFactory delegate = CONTEXT.getSocketFactory();

    public static SSLContext context()
    {
        if (null != CONTEXT)
        {
            return CONTEXT;
        }
        try
        {
            final SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {trustManager()}, null);
            return ctx;
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    public static X509TrustManager trustManager()
    {
        return new X509TrustManager()
        {
            @Override
            public void checkClientTrusted(final X509Certificate[] chain, final String authType)
            {
            }

            @Override
            public void checkServerTrusted(final X509Certificate[] chain, final String authType)
            {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers()
            {
                return new X509Certificate[0];
            }
        };
    }

    public static SocketFactory getDefault()
    {
        return INSTANCE;
    }

    @Override
    public String[] getDefaultCipherSuites()
    {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites()
    {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket() throws IOException
    {
        return delegate.createSocket();
    }

    @Override
    public Socket createSocket(final Socket s, final String host, final int port, final boolean autoClose)
        throws IOException
    {
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(final String host, final int port) throws IOException
    {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(final String host, final int port, final InetAddress localHost, final int localPort)
        throws IOException
    {
        return delegate.createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(final InetAddress host, final int port) throws IOException
    {
        return delegate.createSocket(host, port);
    }

    @Override
    public Socket createSocket(final InetAddress address, final int port, final InetAddress localAddress,
        final int localPort) throws IOException
    {
        return delegate.createSocket(address, port, localAddress, localPort);
    }
}
