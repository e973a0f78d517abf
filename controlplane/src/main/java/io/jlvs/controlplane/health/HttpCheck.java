package io.jlvs.controlplane.health;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * ldirectord's negotiate check for {@code service = http} and {@code https}, with the JDK's {@link HttpClient}: the
 * request (GET, or HEAD with {@code httpmethod = HEAD}) to the real server, with {@code virtualhost} as the Host
 * header, passes on a 2xx answer ({@code is_success} in ldirectord's LWP check) whose body matches {@code receive}
 * (a regular expression; empty: any body). HTTPS certificates are not verified, as ldirectord's check does not.
 */
public final class HttpCheck implements Check
{
    private final HttpClient client;
    private final HttpRequest request;
    private final Pattern receive;
    private final URI uri;

    public HttpCheck(final HttpClient client, final boolean https, final InetAddress address, final int port,
        final String path, final String method, final Optional<String> virtualHost, final String receive,
        final int timeoutSec)
    {
        this.client = client;
        final String host = address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]" :
            address.getHostAddress();
        this.uri = URI.create((https ? "https://" : "http://") + host + ":" + port +
            (path.startsWith("/") ? path : "/" + path));
        final HttpRequest.Builder b = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(timeoutSec))
            .method("HEAD".equalsIgnoreCase(method) ? "HEAD" : "GET", HttpRequest.BodyPublishers.noBody());
        virtualHost.ifPresent((h) -> b.header("Host", h));
        this.request = b.build();
        this.receive = receive.isEmpty() ? null : Pattern.compile(receive);
    }

    @Override
    public boolean run()
    {
        try
        {
            final HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2 && (null == receive || receive.matcher(r.body()).find());
        }
        catch (final java.io.IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString()
    {
        return request.method() + " " + uri;
    }
}
