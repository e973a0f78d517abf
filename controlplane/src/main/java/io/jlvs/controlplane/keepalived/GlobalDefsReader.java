package io.jlvs.controlplane.keepalived;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads {@code global_defs} as keepalived 2.2's {@code global_parser.c}: what a director acts on (router_id, the
 * notification addresses, the SMTP relay, script security, lvs_timeouts, lvs_sync_daemon, lvs_flush), the VRRP
 * globals left to the VRRP configuration, and every other keyword keepalived knows as a warning that jlvs does not
 * act on it. A keyword keepalived does not know is an error.
 */
final class GlobalDefsReader
{
    /** keepalived 2.2's global_defs keywords that jlvs reads and does not act on. */
    static final Set<String> NOT_DONE = Set.of("linkbeat_use_polling", "net_namespace", "net_namespace_ipvs",
        "namespace_with_ipsets", "use_pid_dir", "instance", "child_wait_time", "process_names", "process_name",
        "vrrp_process_name", "checker_process_name", "lvs_process_name", "bfd_process_name", "startup_script",
        "startup_script_timeout", "shutdown_script", "shutdown_script_timeout", "max_auto_priority",
        "min_auto_priority_delay", "smtp_alert_vrrp", "dynamic_interfaces", "no_email_faults", "default_interface",
        "disable_local_igmp", "lvs_flush_on_stop", "lvs_flush_onstop", "vrrp_mcast_group4", "vrrp_mcast_group6",
        "vrrp_garp_master_repeat", "vrrp_garp_master_refresh", "vrrp_garp_master_refresh_repeat",
        "vrrp_garp_lower_prio_delay", "vrrp_garp_lower_prio_repeat", "vrrp_down_timer_adverts", "vrrp_garp_interval",
        "vrrp_gna_interval", "vrrp_min_garp", "vrrp_garp_extra_if", "vrrp_vmac_garp_intvl", "vrrp_lower_prio_no_advert",
        "vrrp_higher_prio_send_advert", "vrrp_iptables", "vrrp_ipsets", "nftables", "nftables_priority",
        "nftables_ifindex", "nftables_ipvs", "nftables_ipvs_priority", "nftables_ipvs_start_fwmark", "nftables_counters",
        "vrrp_check_unicast_src", "vrrp_skip_check_adv_addr", "vrrp_strict", "vrrp_priority", "vrrp_no_swap",
        "vrrp_rt_priority", "vrrp_cpu_affinity", "vrrp_rlimit_rttime", "vrrp_rlimit_rtime", "notify_fifo",
        "notify_fifo_script", "vrrp_notify_fifo", "vrrp_notify_fifo_script", "vrrp_notify_priority_changes",
        "fifo_write_vrrp_states_on_reload", "lvs_notify_fifo", "lvs_notify_fifo_script", "checker_priority",
        "checker_no_swap", "checker_rt_priority", "checker_cpu_affinity", "checker_rlimit_rttime", "checker_rlimit_rtime",
        "bfd_priority", "bfd_no_swap", "bfd_rt_priority", "bfd_cpu_affinity", "bfd_rlimit_rttime", "bfd_rlimit_rtime",
        "snmp_socket", "enable_traps", "enable_snmp_vrrp", "enable_snmp_keepalived", "enable_snmp_rfc",
        "enable_snmp_rfcv2", "enable_snmp_rfcv3", "enable_snmp_checker", "enable_dbus", "dbus_service_name",
        "vrrp_netlink_cmd_rcv_bufs", "vrrp_netlink_cmd_rcv_bufs_force", "vrrp_netlink_monitor_rcv_bufs",
        "vrrp_netlink_monitor_rcv_bufs_force", "process_monitor_rcv_bufs", "process_monitor_rcv_bufs_force",
        "lvs_netlink_cmd_rcv_bufs", "lvs_netlink_cmd_rcv_bufs_force", "lvs_netlink_monitor_rcv_bufs",
        "lvs_netlink_monitor_rcv_bufs_force", "rs_init_notifies", "no_checker_emails", "vrrp_rx_bufs_policy",
        "vrrp_rx_bufs_multiplier", "vrrp_startup_delay", "log_unknown_vrids", "vmac_prefix", "vmac_addr_prefix", "umask",
        "random_seed", "reload_check_config", "reload_time_file", "reload_repeat", "reload_file", "include_check",
        "config_save_dir", "tmp_config_directory", "data_use_instance");

    private final KeepalivedValues values;

    GlobalDefsReader(final KeepalivedValues values)
    {
        this.values = values;
    }

    KeepalivedGlobals read(final List<KeepalivedBlock> blocks, final Map<String, KeepalivedGlobals.TrackFile> trackFiles)
    {
        Optional<String> routerId = Optional.empty();
        final List<String> emails = new ArrayList<>();
        Optional<String> from = Optional.empty();
        Optional<String> smtp = Optional.empty();
        Optional<String> helo = Optional.empty();
        int smtpTimeout = KeepalivedGlobals.DEFAULT_SMTP_CONNECT_TIMEOUT;
        boolean smtpAlert = false;
        boolean security = false;
        Optional<String> scriptUser = Optional.empty();
        KeepalivedGlobals.LvsTimeouts timeouts = KeepalivedGlobals.LvsTimeouts.UNSET;
        Optional<KeepalivedGlobals.LvsSyncDaemon> sync = Optional.empty();
        boolean flush = false;
        boolean logAll = false;
        for (final KeepalivedBlock block : blocks)
        {
            for (final KeepalivedBlock s : block.children())
            {
                switch (s.keyword())
                {
                    case "router_id" -> routerId = Optional.ofNullable(values.arg(s, 0));
                    case "notification_email" ->
                    {
                        if (s.children().isEmpty())
                        {
                            values.warn(s, "Warning - empty notification_email block");
                        }
                        for (final KeepalivedBlock e : s.children())
                        {
                            emails.add(e.keyword());
                            emails.addAll(e.args());
                        }
                    }
                    case "notification_email_from" -> from = Optional.ofNullable(values.arg(s, 0));
                    case "smtp_server" ->
                    {
                        final String host = values.arg(s, 0);
                        final int port = s.args().size() > 1 ? (int)values.number(s, 1, 1, 65535, 25) : 25;
                        smtp = null == host ? smtp : Optional.of(host.contains(":") ? "[" + host + "]:" + port :
                            host + ":" + port);
                    }
                    case "smtp_helo_name" -> helo = Optional.ofNullable(values.arg(s, 0));
                    case "smtp_connect_timeout" ->
                    {
                        smtpTimeout = (int)values.number(s, 0, 0, 4294, KeepalivedGlobals.DEFAULT_SMTP_CONNECT_TIMEOUT);
                        if (0 == smtpTimeout)
                        {
                            values.warn(s, "smtp_connect_timeout must be greater than 0, setting to 1");
                            smtpTimeout = 1;
                        }
                    }
                    case "smtp_alert", "smtp_alert_checker" -> smtpAlert = values.bool(s, 0);
                    case "checker_log_all_failures" -> logAll = values.bool(s, 0);
                    case "enable_script_security" -> security = true;
                    case "script_user" ->
                    {
                        scriptUser = Optional.ofNullable(values.arg(s, 0));
                        values.notDone(s, "jlvs runs its scripts as the director's user");
                    }
                    case "lvs_timeouts" -> timeouts = timeouts(s);
                    case "lvs_sync_daemon" ->
                    {
                        if (sync.isPresent())
                        {
                            values.error(s, "lvs_sync_daemon has already been specified");
                        }
                        sync = Optional.ofNullable(syncDaemon(s));
                    }
                    case "lvs_flush" -> flush = true;
                    default ->
                    {
                        if (KeepalivedConfigParser.VRRP_GLOBALS.contains(s.keyword()))
                        {
                            continue; // the VRRP configuration reads it
                        }
                        if (NOT_DONE.contains(s.keyword()))
                        {
                            values.notDone(s, "keepalived's, not a director's setting jlvs takes");
                        }
                        else
                        {
                            values.unknown(s, "global_defs");
                        }
                    }
                }
            }
        }
        return new KeepalivedGlobals(routerId, emails, from, smtp, helo, smtpTimeout, smtpAlert, security, scriptUser,
            timeouts, sync, flush, logAll, trackFiles);
    }

    /** {@code lvs_timeouts [tcp N] [tcpfin N] [udp N]}, any order, seconds up to 2678400 (31 days). */
    private KeepalivedGlobals.LvsTimeouts timeouts(final KeepalivedBlock s)
    {
        int tcp = 0;
        int fin = 0;
        int udp = 0;
        if (s.args().isEmpty())
        {
            values.error(s, "lvs_timeouts requires at least one option");
        }
        for (int i = 0; i < s.args().size(); i += 2)
        {
            final String which = s.args().get(i);
            final int value = (int)values.number(s, i + 1, 0, 2_678_400, 0);
            switch (which)
            {
                case "tcp" -> tcp = value;
                case "tcpfin" -> fin = value;
                case "udp" -> udp = value;
                default -> values.error(s, "Unknown option " + which + " specified for lvs_timeouts");
            }
        }
        return new KeepalivedGlobals.LvsTimeouts(tcp, fin, udp);
    }

    /**
     * {@code lvs_sync_daemon IFNAME [VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDRESS]}, and the old
     * positional {@code IFNAME INSTANCE SYNCID}.
     */
    private KeepalivedGlobals.LvsSyncDaemon syncDaemon(final KeepalivedBlock s)
    {
        final String ifName = values.arg(s, 0);
        if (null == ifName)
        {
            return null;
        }
        if (ifName.length() >= 16)
        {
            values.error(s, "lvs_sync_daemon interface name " + ifName + " is longer than 15 characters");
        }
        Optional<String> instance = Optional.empty();
        OptionalInt syncId = OptionalInt.empty();
        int maxlen = 0;
        int port = 0;
        int ttl = 0;
        Optional<InetAddress> group = Optional.empty();
        int i = 1;
        if (i < s.args().size() && !isSyncOption(s.args().get(i)))
        {
            instance = Optional.of(s.args().get(i++));
            if (i < s.args().size() && !isSyncOption(s.args().get(i)))
            {
                values.warn(s, "Please use keyword \"id\" before lvs_sync_daemon syncid value");
                syncId = OptionalInt.of((int)values.number(s, i++, 0, 255, 0));
            }
        }
        for (; i < s.args().size(); i += 2)
        {
            switch (s.args().get(i))
            {
                case "id" -> syncId = OptionalInt.of((int)values.number(s, i + 1, 0, 255, 0));
                case "maxlen" -> maxlen = (int)values.number(s, i + 1, 1, 65507, 0);
                case "port" -> port = (int)values.number(s, i + 1, 1, 65535, 0);
                case "ttl" -> ttl = (int)values.number(s, i + 1, 1, 255, 0);
                case "group" ->
                {
                    final String g = values.arg(s, i + 1);
                    final InetAddress a = null == g ? null : values.address(s, g, "lvs_sync_daemon group");
                    if (null != a && !a.isMulticastAddress())
                    {
                        values.error(s, "lvs_sync_daemon group " + g + " is not a multicast address");
                    }
                    group = Optional.ofNullable(a);
                }
                default -> values.error(s, "Unknown lvs_sync_daemon option " + s.args().get(i) +
                    ": id, maxlen, port, ttl or group");
            }
        }
        return new KeepalivedGlobals.LvsSyncDaemon(ifName, instance, syncId, maxlen, port, ttl, group);
    }

    private static boolean isSyncOption(final String word)
    {
        return Set.of("id", "maxlen", "port", "ttl", "group").contains(word);
    }
}
