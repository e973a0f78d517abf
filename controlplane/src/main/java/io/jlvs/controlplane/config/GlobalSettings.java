package io.jlvs.controlplane.config;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Global (unindented) settings of ldirectord.cf, with ldirectord's defaults ({@code set_defaults()}).
 *
 * @param checkInterval    seconds between checks, default 10
 * @param checkTimeout     global checktimeout if set (the effective default 5 s is applied per virtual)
 * @param negotiateTimeout global negotiatetimeout if set (effective default 30 s applied per virtual)
 * @param failureCount     default 1
 * @param quiescent        default false: ldirectord's code sets QUIESCENT="no" (its POD and the SUSE guide say yes)
 * @param autoreload       default false
 * @param fallback         global IPv4 fallback
 * @param fallback6        global IPv6 fallback
 * @param logfile          default "/var/log/ldirectord.log"; a value without a leading "/" is a syslog facility
 * @param maintenanceDir   a directory in which a file named for a real server ({@code ip:port} or {@code ip}) takes it
 *                         down, as ldirectord's {@code maintenancedir}
 * @param fallbackCommand  run when a service's fallback takes over ({@code start}) and leaves ({@code stop})
 * @param supervised       ldirectord's {@code supervised}: its log lines also go to standard output
 * @param emailAlert       the global e-mail alert settings (a virtual service's own override them)
 * @param cleanStop        ldirectord's {@code cleanstop}, default yes: on stop, the services are purged (logged and
 *                         alerted as ldirectord does)
 * @param readdQuiescent   ldirectord's {@code readdquiescent}, default no: whether a quiescent real server found
 *                         missing from the table is put back at weight 0. The director's table is compiled from this
 *                         file and the checks alone, which keep every quiescent real server in it at weight 0, so
 *                         either value behaves as ldirectord's does while nothing else edits the table
 */
public record GlobalSettings(
    int checkInterval,
    OptionalInt checkTimeout,
    OptionalInt negotiateTimeout,
    int failureCount,
    boolean quiescent,
    boolean autoreload,
    Optional<Fallback> fallback,
    Optional<Fallback> fallback6,
    String logfile,
    Optional<java.nio.file.Path> maintenanceDir,
    Optional<java.nio.file.Path> fallbackCommand,
    boolean supervised,
    EmailAlert emailAlert,
    boolean cleanStop,
    boolean readdQuiescent)
{
    public static final int DEFAULT_CHECK_INTERVAL = 10;
    public static final int DEFAULT_FAILURE_COUNT = 1;
    public static final String DEFAULT_LOGFILE = "/var/log/ldirectord.log";

    public static final GlobalSettings DEFAULTS = new GlobalSettings(
        DEFAULT_CHECK_INTERVAL, OptionalInt.empty(), OptionalInt.empty(), DEFAULT_FAILURE_COUNT,
        false, false, Optional.empty(), Optional.empty(), DEFAULT_LOGFILE, Optional.empty(), Optional.empty(),
        false, EmailAlert.NONE, true, false);

    public GlobalSettings
    {
        Objects.requireNonNull(checkTimeout, "checkTimeout");
        Objects.requireNonNull(negotiateTimeout, "negotiateTimeout");
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(fallback6, "fallback6");
        Objects.requireNonNull(logfile, "logfile");
        Objects.requireNonNull(maintenanceDir, "maintenanceDir");
        Objects.requireNonNull(emailAlert, "emailAlert");
    }
}
