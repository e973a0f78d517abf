package io.jlvs.controlplane.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Health-check settings of one virtual service, with global settings and ldirectord's defaults already applied
 * (ldirectord's {@code ld_setup}). Kept in the model for the health checker; the forwarding table does not use them.
 *
 * @param type             checktype, default negotiate
 * @param connectsPerNegotiate for {@link CheckType#COMBINED} ({@code checktype = N}): N; otherwise 0
 * @param service          service to negotiate: default from the virtual port (80 http, 443 https, 53 dns, ...,
 *                         "none" otherwise and for fwmark services)
 * @param request          default "/"; a leading "/" is added as ldirectord does unless it is an absolute URL
 * @param receive          default "" (any answer)
 * @param httpMethod       GET (default) or HEAD
 * @param virtualHost      HTTP Host header / HTTPS name
 * @param checkPort        port to check instead of the real server's
 * @param checkTimeout     effective: virtual checktimeout, else virtual negotiatetimeout, else global checktimeout,
 *                         else global negotiatetimeout, else 5 s
 * @param negotiateTimeout effective: virtual negotiatetimeout, else virtual checktimeout, else global
 *                         negotiatetimeout, else global checktimeout, else 30 s
 * @param checkInterval    the virtual service's checkinterval with {@code fork = yes}, else the global one (default
 *                         10 s), as ldirectord
 * @param failureCount     effective failurecount, default 1
 * @param checkCommand     for {@link CheckType#EXTERNAL}: run with the virtual address (or fwmark), virtual port, real
 *                         address and real port, exit 0 for up; default {@code /bin/true}
 * @param credentials      login, passwd, database and secret of the negotiate checks that log in
 */
public record HealthCheck(
    CheckType type,
    int connectsPerNegotiate,
    String service,
    String request,
    String receive,
    String httpMethod,
    Optional<String> virtualHost,
    OptionalInt checkPort,
    int checkTimeout,
    int negotiateTimeout,
    int checkInterval,
    int failureCount,
    java.nio.file.Path checkCommand,
    Credentials credentials)
{
    /** ldirectord's default checkcommand. */
    public static final java.nio.file.Path DEFAULT_CHECK_COMMAND = java.nio.file.Path.of("/bin/true");

    public static final int DEFAULT_CHECK_TIMEOUT = 5;
    public static final int DEFAULT_NEGOTIATE_TIMEOUT = 30;

    public HealthCheck
    {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(receive, "receive");
        Objects.requireNonNull(httpMethod, "httpMethod");
        Objects.requireNonNull(virtualHost, "virtualHost");
        Objects.requireNonNull(checkPort, "checkPort");
        Objects.requireNonNull(credentials, "credentials");
    }
}
