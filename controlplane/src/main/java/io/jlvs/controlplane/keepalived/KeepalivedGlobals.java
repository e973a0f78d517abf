package io.jlvs.controlplane.keepalived;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * keepalived's {@code global_defs} as far as a director acts on it, and the top-level {@code track_file} blocks that
 * FILE_CHECK names.
 *
 * @param routerId              {@code router_id}: names the director in its alerts; default the host name
 * @param notificationEmail     {@code notification_email}: where alerts go
 * @param notificationEmailFrom {@code notification_email_from}
 * @param smtpServer            {@code smtp_server}: host, and port after a blank (default 25)
 * @param smtpHeloName          {@code smtp_helo_name}
 * @param smtpConnectTimeoutSec {@code smtp_connect_timeout}, default 30
 * @param smtpAlert             {@code smtp_alert} / {@code smtp_alert_checker}: the checkers mail on a change
 * @param scriptSecurity        {@code enable_script_security}: scripts run by root must not be writable by others
 * @param scriptUser            {@code script_user}
 * @param lvsTimeouts           {@code lvs_timeouts}: tcp, tcpfin, udp seconds (0 where not given)
 * @param lvsSyncDaemon         {@code lvs_sync_daemon}, if given
 * @param lvsFlush              {@code lvs_flush}: the table is emptied before the configuration is applied
 * @param logAllFailures        {@code checker_log_all_failures}
 * @param trackFiles            the {@code track_file} blocks, by name
 */
public record KeepalivedGlobals(
    Optional<String> routerId,
    List<String> notificationEmail,
    Optional<String> notificationEmailFrom,
    Optional<String> smtpServer,
    Optional<String> smtpHeloName,
    int smtpConnectTimeoutSec,
    boolean smtpAlert,
    boolean scriptSecurity,
    Optional<String> scriptUser,
    LvsTimeouts lvsTimeouts,
    Optional<LvsSyncDaemon> lvsSyncDaemon,
    boolean lvsFlush,
    boolean logAllFailures,
    Map<String, TrackFile> trackFiles)
{
    public static final int DEFAULT_SMTP_CONNECT_TIMEOUT = 30;

    public KeepalivedGlobals
    {
        notificationEmail = List.copyOf(notificationEmail);
        trackFiles = Map.copyOf(trackFiles);
    }

    /** {@code lvs_timeouts tcp N tcpfin N udp N}: ipvsadm's {@code --set}; 0 leaves a timeout as it is. */
    public record LvsTimeouts(int tcp, int tcpfin, int udp)
    {
        public static final LvsTimeouts UNSET = new LvsTimeouts(0, 0, 0);
    }

    /**
     * {@code lvs_sync_daemon IFNAME [VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDRESS]}: with an
     * instance, the director sends its connections while that instance is master and receives them while it is
     * backup (jlvs's {@code sync-daemon = vrrp}); without one, it does both.
     *
     * @param interfaceName the interface keepalived would bind to (jlvs syncs through its host path)
     * @param instance      the VRRP instance it follows, if any
     * @param syncId        {@code id}, if given; otherwise the instance's virtual_router_id, or 0
     * @param maxlen        {@code maxlen}, 0 when not given
     * @param port          {@code port}, 0 when not given (then 8848)
     * @param ttl           {@code ttl}, 0 when not given (then 1)
     * @param group         {@code group}: the multicast group, if given (then 224.0.0.81)
     */
    public record LvsSyncDaemon(String interfaceName, Optional<String> instance, java.util.OptionalInt syncId, int maxlen,
        int port, int ttl, Optional<java.net.InetAddress> group)
    {
    }

    /**
     * A {@code track_file NAME { file PATH; weight W [reverse] }} block.
     *
     * @param weight default 1
     */
    public record TrackFile(String name, Path path, int weight, boolean reverse)
    {
    }
}
