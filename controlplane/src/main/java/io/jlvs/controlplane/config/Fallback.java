package io.jlvs.controlplane.config;

import io.jlvs.dataplane.conn.FwdMethod;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A {@code fallback} (sorry) server: activated with weight 1 when every real server of a virtual service is down.
 *
 * @param address    the fallback server's address
 * @param port       its port, or {@link #VIRTUAL_PORT} when none was given (then the virtual service's port is used)
 * @param forwarding forwarding method, default {@code gate} ({@link FwdMethod#DROUTE})
 */
public record Fallback(InetAddress address, int port, FwdMethod forwarding)
{
    /** Port value meaning "no port given: use the virtual service's port". */
    public static final int VIRTUAL_PORT = -1;

    public Fallback
    {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(forwarding, "forwarding");
        if (port < VIRTUAL_PORT || port > 65535)
        {
            throw new IllegalArgumentException("port: " + port);
        }
    }

    /** @return this fallback with an unspecified port replaced by {@code virtualPort} */
    public Fallback withDefaultPort(final int virtualPort)
    {
        return port == VIRTUAL_PORT ? new Fallback(address, virtualPort, forwarding) : this;
    }
}
