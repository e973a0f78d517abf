package io.jlvs.controlplane.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ldirectord's {@code check_http} for {@code service = http}, {@code https} and {@code http_proxy}, with the JDK's
 * {@link HttpClient}: the request (GET, or HEAD with {@code httpmethod = HEAD}) passes on a 2xx answer
 * ({@code is_success} in ldirectord's LWP check) whose body matches {@code receive} (a regular expression; empty: any
 * body). http and https go to the real server, with {@code virtualhost} as the Host header; http_proxy asks the real
 * server, as a proxy, for {@code request}, an absolute URL. HTTPS certificates are not verified, as ldirectord's
 * check does not verify them. At most {@link BoundedSocketFactory#MAX_ANSWER} bytes of the body are read.
 */
public final class HttpCheck implements Check
{
    static
    {
        // the Host header of virtualhost: the JDK client refuses to set it unless told it may (the JVM flags do;
        // this covers a JVM started without them, before the client's classes read the property)
        if (null == System.getProperty("jdk.httpclient.allowRestrictedHeaders"))
        {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    private final HttpClient client;
    private final HttpRequest request;
    private final Pattern receive;
    private final URI uri;
    private final String via;

    private HttpCheck(final HttpClient client, final URI uri, final String method, final Optional<String> host,
        final String receive, final int timeoutSec, final String via)
    {
        this.client = client;
        this.uri = uri;
        this.via = via;
        final HttpRequest.Builder b = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(timeoutSec))
            .method("HEAD".equalsIgnoreCase(method) ? "HEAD" : "GET", HttpRequest.BodyPublishers.noBody());
        host.ifPresent((h) -> b.header("Host", h));
        this.request = b.build();
        this.receive = receive.isEmpty() ? null : Pattern.compile(receive);
    }

    /** {@code service = http} or {@code https}: {@code path} on the real server. */
    public static HttpCheck direct(final HttpClient client, final boolean https, final InetAddress address,
        final int port, final String path, final String method, final Optional<String> virtualHost,
        final String receive, final int timeoutSec)
    {
        final URI uri = path.contains("://") ? URI.create(path.startsWith("/") ? path.substring(1) : path) :
            URI.create((https ? "https://" : "http://") + Protocols.host(address) + ":" + port +
                (path.startsWith("/") ? path : "/" + path));
        return new HttpCheck(client, uri, method, virtualHost, receive, timeoutSec, "");
    }

    /** {@code service = http_proxy}: the absolute URL {@code request} through the real server as the proxy. */
    public static HttpCheck proxied(final InetAddress address, final int port, final String request,
        final String method, final String receive, final int timeoutSec)
    {
        final String url = request.startsWith("/") ? request.substring(1) : request;
        final java.net.InetSocketAddress proxy = new java.net.InetSocketAddress(address, port);
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSec))
            .proxy(java.net.ProxySelector.of(proxy)).followRedirects(HttpClient.Redirect.NEVER).build();
        return new HttpCheck(client, URI.create(url), method, Optional.empty(), receive, timeoutSec,
            " via proxy " + Protocols.host(address) + ":" + port);
    }

    @Override
    public boolean run()
    {
        try
        {
            final HttpResponse<InputStream> r = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = r.body())
            {
                if (r.statusCode() / 100 != 2)
                {
                    return Check.fail("HTTP " + r.statusCode());
                }
                if (null == receive)
                {
                    return true;
                }
                final byte[] bytes = body.readNBytes(BoundedSocketFactory.MAX_ANSWER);
                return Check.passIf(receive.matcher(new String(bytes, StandardCharsets.UTF_8)).find(),
                    "HTTP " + r.statusCode() + ", the body does not match receive");
            }
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            return Check.fail(ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return Check.fail(ex);
        }
    }

    @Override
    public String toString()
    {
        return request.method() + " " + uri + via;
    }
}
