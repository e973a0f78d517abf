package io.jlvs.controlplane.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The Prometheus endpoint ({@code metrics = address:port} in director.conf): the client library's HTTP server with a
 * registry of its own holding the one collector, which reads the director's state at each scrape. Its threads are
 * the library's, off the agents' cores; a scrape allocates, the fast path never sees it.
 */
public final class MetricsEndpoint implements AutoCloseable
{
    private final HTTPServer server;

    private MetricsEndpoint(final HTTPServer server)
    {
        this.server = server;
    }

    /** Serves {@code collector} at {@code http://address:port/metrics}. */
    public static MetricsEndpoint start(final InetSocketAddress address, final MultiCollector collector)
        throws IOException
    {
        final PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        return new MetricsEndpoint(HTTPServer.builder()
            .hostname(address.getAddress().getHostAddress())
            .port(address.getPort())
            .registry(registry)
            .buildAndStart());
    }

    /** The port it listens on (the one asked for, or the one given for port 0). */
    public int port()
    {
        return server.getPort();
    }

    @Override
    public void close()
    {
        server.close();
    }
}
