package io.jlvs.controlplane.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The global directives of ldirectord.cf while they are read, with ldirectord's defaults; the
 * {@link GlobalDirective} handlers set them and {@link #settings()} freezes them.
 */
final class GlobalSection
{
    int checkInterval = GlobalSettings.DEFAULT_CHECK_INTERVAL;
    Integer checkTimeout;
    Integer negotiateTimeout;
    int failureCount = GlobalSettings.DEFAULT_FAILURE_COUNT;
    boolean quiescent;
    boolean autoreload;
    Path maintenanceDir;
    Path fallbackCommand;
    Fallback fallback;
    Fallback fallback6;
    String logfile = GlobalSettings.DEFAULT_LOGFILE;
    boolean supervised;
    String emailAlertTo = "";
    String emailAlertFrom;
    int emailAlertFreq;
    int emailAlertStatus = EmailAlert.ALL;
    String smtp;
    boolean cleanStop = true;
    /** ldirectord's fork: a child per virtual service, so each has its own checkinterval. */
    boolean fork;
    boolean readdQuiescent;

    GlobalSettings settings()
    {
        return new GlobalSettings(
            checkInterval,
            checkTimeout == null ? OptionalInt.empty() : OptionalInt.of(checkTimeout),
            negotiateTimeout == null ? OptionalInt.empty() : OptionalInt.of(negotiateTimeout),
            failureCount, quiescent, autoreload,
            Optional.ofNullable(fallback), Optional.ofNullable(fallback6), logfile,
            Optional.ofNullable(maintenanceDir), Optional.ofNullable(fallbackCommand), supervised,
            new EmailAlert(emailAlertTo, Optional.ofNullable(emailAlertFrom), emailAlertFreq, emailAlertStatus,
                Optional.ofNullable(smtp)), cleanStop, readdQuiescent);
    }
}
