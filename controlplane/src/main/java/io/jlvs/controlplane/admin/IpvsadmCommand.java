package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.dataplane.conn.FwdMethod;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * A parsed and checked ipvsadm command line, for the director to execute or refuse. Built by {@link IpvsadmOptions}
 * with ipvsadm's own defaults applied (scheduler "wlc" for -A/-E, weight 1, -g, persistence 360 s, /32 mask).
 *
 * @param command        the command (the first option on the line)
 * @param options        the options given, named as ipvsadm names them
 * @param format         listing flags (for {@link Command#LIST} and {@link Command#SAVE})
 * @param service        -t/-u/--sctp-service/-f; null when not given
 * @param serviceOptions -s -p -M --pe -o -b, with defaults
 * @param dest           -r and the real-server options; null when -r was not given
 * @param timeouts       the three values of --set; null otherwise
 * @param daemon         --start-daemon/--stop-daemon settings; null otherwise
 */
public record IpvsadmCommand(
    Command command,
    Set<Option> options,
    ListFormat format,
    ServiceKey service,
    ServiceOptions serviceOptions,
    DestOptions dest,
    TimeoutView timeouts,
    DaemonOptions daemon)
{
    /** Exit status of an operation the kernel refuses: ipvsadm returns -1. */
    public static final int REFUSED_EXIT_STATUS = 255;

    public IpvsadmCommand
    {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(serviceOptions, "serviceOptions");
        options = Set.copyOf(options);
    }

    /** @return true for what only reads the table: list, save, help, version */
    public boolean isReadOnly()
    {
        return command == Command.LIST || command == Command.SAVE || command == Command.HELP ||
            command == Command.VERSION;
    }

    public boolean has(final Option option)
    {
        return options.contains(option);
    }

    /** @return what a LIST prints, in ipvsadm's precedence: -c, then a service, then --timeout, then --daemon */
    public ListKind listKind()
    {
        if (has(Option.CONNECTION))
        {
            return ListKind.CONNECTIONS;
        }
        if (has(Option.SERVICE_ADDRESS))
        {
            return ListKind.SERVICE;
        }
        if (has(Option.TIMEOUT))
        {
            return ListKind.TIMEOUT;
        }
        if (has(Option.DAEMON))
        {
            return ListKind.DAEMON;
        }
        return ListKind.ALL;
    }

    /** The commands, in ipvsadm's CMD_* order (which indexes its option table). */
    public enum Command
    {
        ADD_SERVICE("add-service"),
        EDIT_SERVICE("edit-service"),
        DELETE_SERVICE("delete-service"),
        FLUSH("flush"),
        LIST("list"),
        ADD_SERVER("add-server"),
        DELETE_SERVER("delete-server"),
        EDIT_SERVER("edit-server"),
        SET_TIMEOUT("set"),
        START_DAEMON("start-daemon"),
        STOP_DAEMON("stop-daemon"),
        RESTORE("restore"),
        SAVE("save"),
        ZERO("zero"),
        HELP("help"),
        VERSION("version");

        private final String ipvsadmName;

        Command(final String ipvsadmName)
        {
            this.ipvsadmName = ipvsadmName;
        }

        /** @return ipvsadm's name, used in its messages: "add-service", "flush" (-C), "set" (--set)... */
        public String ipvsadmName()
        {
            return ipvsadmName;
        }
    }

    /** The options, in ipvsadm's OPTC_* order, named as its messages name them. */
    public enum Option
    {
        NUMERIC("numeric"),
        CONNECTION("connection"),
        SERVICE_ADDRESS("service-address"),
        SCHEDULER("scheduler"),
        PERSISTENT("persistent"),
        NETMASK("netmask"),
        REAL_SERVER("real-server"),
        FORWARDING_METHOD("forwarding-method"),
        WEIGHT("weight"),
        U_THRESHOLD("u-threshold"),
        L_THRESHOLD("l-threshold"),
        MCAST_INTERFACE("mcast-interface"),
        TIMEOUT("timeout"),
        DAEMON("daemon"),
        STATS("stats"),
        RATE("rate"),
        THRESHOLDS("thresholds"),
        PERSISTENT_CONN("persistent-conn"),
        NOSORT("nosort"),
        SYNCID("syncid"),
        EXACT("exact"),
        OPS("ops"),
        PE("pe"),
        SCHED_FLAGS("sched-flags"),
        MCAST_GROUP("mcast-group"),
        MCAST_PORT("mcast-port"),
        MCAST_TTL("mcast-ttl"),
        SYNC_MAXLEN("sync-maxlen"),
        TUN_INFO("tun-info"),
        TUN_TYPE("tun-type"),
        TUN_PORT("tun-port"),
        TUN_NOCSUM("tun-nocsum"),
        TUN_CSUM("tun-csum"),
        TUN_REMCSUM("tun-remcsum");

        private final String ipvsadmName;

        Option(final String ipvsadmName)
        {
            this.ipvsadmName = ipvsadmName;
        }

        public String ipvsadmName()
        {
            return ipvsadmName;
        }
    }

    /** What a {@link Command#LIST} prints. */
    public enum ListKind
    {
        ALL,
        SERVICE,
        CONNECTIONS,
        TIMEOUT,
        DAEMON
    }

    /**
     * A virtual service key: -t/-u/--sctp-service addr[:port], or -f mark [-6].
     *
     * @param protocol protocol (TCP for -f, as ipvsadm sets it)
     * @param af       family
     * @param address  address; null for -f
     * @param port     port (0 when not given)
     * @param fwmark   unsigned mark, 0 for address services
     */
    public record ServiceKey(ServiceProtocol protocol, AddressFamily af, InetAddress address, int port, int fwmark)
    {
        /** @return true when {@code s} is the service this key names, as the kernel's service lookup matches */
        public boolean matches(final ServiceView s)
        {
            if (fwmark != 0)
            {
                return s.fwmark() == fwmark && s.af() == af;
            }
            return s.fwmark() == 0 && s.protocol() == protocol && s.port() == port &&
                Arrays.equals(s.address().getAddress(), address.getAddress());
        }

        @Override
        public String toString()
        {
            if (fwmark != 0)
            {
                return "-f " + Integer.toUnsignedString(fwmark) + (af == AddressFamily.INET6 ? " -6" : "");
            }
            final String a = InetLiterals.ntop(address);
            return protocol.ipvsadmOption() + " " + (af == AddressFamily.INET6 ? "[" + a + "]" : a) + ":" + port;
        }
    }

    /**
     * Service options with ipvsadm's defaults.
     *
     * @param scheduler  -s; "wlc" for -A/-E when not given, otherwise null when not given
     * @param persistent -p given
     * @param timeout    -p value, default 360 (libipvs's IPVS_SVC_PERSISTENT_TIMEOUT)
     * @param netmask    -M: IPv4 mask bits (default 0xffffffff) or IPv6 prefix (default 128)
     * @param peName     --pe, "" when not given
     * @param onePacket  -o
     * @param schedFlags -b as IP_VS_SVC_F_SCHED* bits
     */
    public record ServiceOptions(String scheduler, boolean persistent, int timeout, int netmask, String peName,
        boolean onePacket, int schedFlags)
    {
    }

    /**
     * Real-server options with ipvsadm's defaults.
     *
     * @param af             family of -r
     * @param address        -r address
     * @param port           -r port; the service port when not given, and always for -g/-i on non-fwmark services
     * @param forward        -g (default), -i or -m
     * @param weight         -w, default 1
     * @param upperThreshold -x, default 0
     * @param lowerThreshold -y, default 0
     * @param tunnel         --tun-type/--tun-port/--tun-*csum, default ipip without checksum
     */
    public record DestOptions(AddressFamily af, InetAddress address, int port, FwdMethod forward, int weight,
        int upperThreshold, int lowerThreshold, TunnelView tunnel)
    {
    }

    /**
     * Sync daemon options.
     *
     * @param state          "master" or "backup"
     * @param mcastInterface default "eth0" for --start-daemon
     * @param syncId         0..255, default 0
     * @param syncMaxLen     0 = kernel default
     * @param mcastGroup     null = kernel default
     * @param mcastPort      0 = kernel default
     * @param mcastTtl       0 = kernel default
     */
    public record DaemonOptions(String state, String mcastInterface, int syncId, int syncMaxLen,
        InetAddress mcastGroup, int mcastPort, int mcastTtl)
    {
    }
}
