package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.SchedFlags;
import io.jlvs.controlplane.admin.IpvsadmCommand.Command;
import io.jlvs.controlplane.admin.IpvsadmCommand.DaemonOptions;
import io.jlvs.controlplane.admin.IpvsadmCommand.DestOptions;
import io.jlvs.controlplane.admin.IpvsadmCommand.Option;
import io.jlvs.controlplane.admin.IpvsadmCommand.ServiceKey;
import io.jlvs.controlplane.admin.IpvsadmCommand.ServiceOptions;
import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.Resolver;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.controlplane.config.TunnelOptions;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelType;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalInt;

/**
 * Parses an ipvsadm 1.31 argument vector the way ipvsadm does (popt): the first option is the command, short
 * options combine ({@code -Ln}, {@code -At 10.0.0.1:80}), an argument may be attached ({@code -t10.0.0.1:80},
 * {@code --tcp-service=10.0.0.1:80}) or follow, {@code -p} takes an optional timeout, non-option words are left over
 * (the three values of {@code --set}), and {@code --} ends the options. Then ipvsadm's checks run in its order:
 * its table of legal command/option combinations, the service and real-server rules, the tunnel-type table
 * ({@link TunnelOptions}, shared with ldirectord.cf's real lines) and the list conflicts, each failing with
 * ipvsadm's exact message and exit status.
 *
 * <p>Hand-written rather than picocli: picocli has no notion of "the first option is the command", of an option
 * with an optional argument that only takes a word not starting with '-', or of ipvsadm's per-command legality
 * table, and its messages are not ipvsadm's.
 *
 * <p>Differences: addresses are IPv4 dotted quads, IPv6 literals or host names (inet_aton's "10.1" and octal
 * forms are not accepted); port names come from /etc/services through the {@link Resolver}.
 */
public final class IpvsadmOptions
{
    public static final String PROGRAM = "ipvsadm";
    /** ipvsadm's default scheduler (DEF_SCHED). */
    public static final String DEFAULT_SCHEDULER = "wlc";
    /**
     * libipvs.h's IPVS_SVC_PERSISTENT_TIMEOUT, (6*60): what {@code -p} without a value gives. ipvsadm(8) says 300,
     * which is the kernel's own default for a persistent service made without a timeout, not ipvsadm's.
     */
    public static final int DEFAULT_PERSISTENT_TIMEOUT = 360;
    /** DEF_MCAST_IFN. */
    public static final String DEFAULT_MCAST_INTERFACE = "eth0";
    private static final int MAX_TIMEOUT = 86400 * 31;
    private static final int SCHEDNAME_MAX = 15;
    private static final int PENAME_MAX = 16;
    private static final int IFNAME_MAX = 15;

    /**
     * ipvsadm's commands_v_options: per command (CMD_* order), per option (OPTC_* order):
     * '+' compulsory, 'x' illegal, '1' exclusive, ' ' optional.
     */
    private static final String[] LEGAL = {
        /*                -n-c svc-s-p-M-r fw-w-x-y mc to dm st rt th pc so si ex op pe -b gr po tt sz ti ty tp no cs rc */
        /* ADD     */ "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
        /* EDIT    */ "xx+   xxxxxxxxxxxxxxx   xxxxxxxxxx",
        /* DEL     */ "xx+xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* FLUSH   */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* LIST    */ " 11xxxxxxxxx11       xxxxxxx xxxxx",
        /* ADDSRV  */ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
        /* DELSRV  */ "xx+xxx+xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* EDITSRV */ "xx+xxx+    xxxxxxxxxxxxxxxxxx     ",
        /* TIMEOUT */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* STARTD  */ "xxxxxxxxxxx xxxxxxx xxxx    xxxxxx",
        /* STOPD   */ "xxxxxxxxxxxxxxxxxxx xxxxxxxxxxxxxx",
        /* RESTORE */ "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* SAVE    */ " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        /* ZERO    */ "xx xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    };

    /** The ipvsadm option of each {@link TunnelOptions.Option}, by ordinal. */
    private static final Option[] TUNNEL_OPTIONS = {
        Option.TUN_PORT, Option.TUN_NOCSUM, Option.TUN_CSUM, Option.TUN_REMCSUM};

    static
    {
        for (final TunnelOptions.Option o : TunnelOptions.Option.values())
        {
            if (!TUNNEL_OPTIONS[o.ordinal()].ipvsadmName().equals(o.ipvsadmName()))
            {
                throw new IllegalStateException("tunnel option " + o);
            }
        }
        for (final String row : LEGAL)
        {
            if (row.length() != Option.values().length)
            {
                throw new IllegalStateException("option table row length " + row.length());
            }
        }
    }

    private enum Arg
    {
        NONE,
        REQUIRED,
        OPTIONAL
    }

    /** What an option does to the command being parsed: checks its argument and sets what it names. */
    @FunctionalInterface
    private interface Handler
    {
        void apply(IpvsadmOptions o, String arg) throws IpvsadmUsageException;
    }

    /**
     * ipvsadm's popt option table, with the handler of each option that may follow the command (its
     * parse_options switch); the commands themselves have none, as another command after the first is invalid.
     */
    private enum Opt
    {
        ADD_SERVICE("add-service", 'A', Arg.NONE, null),
        EDIT_SERVICE("edit-service", 'E', Arg.NONE, null),
        DELETE_SERVICE("delete-service", 'D', Arg.NONE, null),
        CLEAR("clear", 'C', Arg.NONE, null),
        LIST("list", 'L', Arg.NONE, null),
        LIST_LOWER("list", 'l', Arg.NONE, null),
        ZERO("zero", 'Z', Arg.NONE, null),
        ADD_SERVER("add-server", 'a', Arg.NONE, null),
        EDIT_SERVER("edit-server", 'e', Arg.NONE, null),
        DELETE_SERVER("delete-server", 'd', Arg.NONE, null),
        SET("set", '\0', Arg.NONE, null),
        HELP("help", 'h', Arg.NONE, null),
        VERSION("version", 'v', Arg.NONE, null),
        RESTORE("restore", 'R', Arg.NONE, null),
        SAVE("save", 'S', Arg.NONE, null),
        START_DAEMON("start-daemon", '\0', Arg.REQUIRED, null),
        STOP_DAEMON("stop-daemon", '\0', Arg.REQUIRED, null),
        TCP_SERVICE("tcp-service", 't', Arg.REQUIRED, (o, arg) -> o.service(ServiceProtocol.TCP, arg)),
        UDP_SERVICE("udp-service", 'u', Arg.REQUIRED, (o, arg) -> o.service(ServiceProtocol.UDP, arg)),
        SCTP_SERVICE("sctp-service", '\0', Arg.REQUIRED, (o, arg) -> o.service(ServiceProtocol.SCTP, arg)),
        FWMARK_SERVICE("fwmark-service", 'f', Arg.REQUIRED, IpvsadmOptions::fwmarkService),
        SCHEDULER("scheduler", 's', Arg.REQUIRED,
            (o, arg) -> o.scheduler = o.text(Option.SCHEDULER, arg, SCHEDNAME_MAX)),
        PERSISTENT("persistent", 'p', Arg.OPTIONAL, IpvsadmOptions::persistent),
        NETMASK("netmask", 'M', Arg.REQUIRED, IpvsadmOptions::netmask),
        REAL_SERVER("real-server", 'r', Arg.REQUIRED, IpvsadmOptions::realServer),
        MASQUERADING("masquerading", 'm', Arg.NONE, (o, arg) -> o.forwarding(FwdMethod.MASQ)),
        IPIP("ipip", 'i', Arg.NONE, (o, arg) -> o.forwarding(FwdMethod.TUNNEL)),
        GATEWAYING("gatewaying", 'g', Arg.NONE, (o, arg) -> o.forwarding(FwdMethod.DROUTE)),
        WEIGHT("weight", 'w', Arg.REQUIRED, (o, arg) -> o.weight = o.number(Option.WEIGHT, arg, 0, 65535, "weight")),
        U_THRESHOLD("u-threshold", 'x', Arg.REQUIRED,
            (o, arg) -> o.upperThreshold = o.number(Option.U_THRESHOLD, arg, 0, Integer.MAX_VALUE, "u_threshold")),
        L_THRESHOLD("l-threshold", 'y', Arg.REQUIRED,
            (o, arg) -> o.lowerThreshold = o.number(Option.L_THRESHOLD, arg, 0, Integer.MAX_VALUE, "l_threshold")),
        NUMERIC("numeric", 'n', Arg.NONE, (o, arg) -> o.numeric = o.flag(Option.NUMERIC)),
        CONNECTION("connection", 'c', Arg.NONE, (o, arg) -> o.flag(Option.CONNECTION)),
        MCAST_INTERFACE("mcast-interface", '\0', Arg.REQUIRED,
            (o, arg) -> o.mcastInterface = o.text(Option.MCAST_INTERFACE, arg, IFNAME_MAX)),
        SYNCID("syncid", '\0', Arg.REQUIRED, (o, arg) -> o.syncId = o.number(Option.SYNCID, arg, 0, 255, "syncid")),
        TIMEOUT("timeout", '\0', Arg.NONE, (o, arg) -> o.flag(Option.TIMEOUT)),
        DAEMON("daemon", '\0', Arg.NONE, (o, arg) -> o.flag(Option.DAEMON)),
        STATS("stats", '\0', Arg.NONE, (o, arg) -> o.stats = o.flag(Option.STATS)),
        RATE("rate", '\0', Arg.NONE, (o, arg) -> o.rate = o.flag(Option.RATE)),
        THRESHOLDS("thresholds", '\0', Arg.NONE, (o, arg) -> o.thresholds = o.flag(Option.THRESHOLDS)),
        PERSISTENT_CONN("persistent-conn", '\0', Arg.NONE,
            (o, arg) -> o.persistentConn = o.flag(Option.PERSISTENT_CONN)),
        NOSORT("nosort", '\0', Arg.NONE, (o, arg) -> o.noSort = o.flag(Option.NOSORT)),
        SORT("sort", '\0', Arg.NONE, (o, arg) ->
        {
            // sorting is the default: a no-op kept for backwards compatibility, as in ipvsadm
        }),
        EXACT("exact", 'X', Arg.NONE, (o, arg) -> o.exact = o.flag(Option.EXACT)),
        IPV6("ipv6", '6', Arg.NONE, IpvsadmOptions::ipv6),
        OPS("ops", 'o', Arg.NONE, (o, arg) -> o.onePacket = o.flag(Option.OPS)),
        PE("pe", '\0', Arg.REQUIRED, (o, arg) -> o.peName = o.text(Option.PE, arg, PENAME_MAX)),
        SCHED_FLAGS("sched-flags", 'b', Arg.REQUIRED,
            (o, arg) -> o.schedFlagsArg = o.text(Option.SCHED_FLAGS, arg, Integer.MAX_VALUE)),
        MCAST_GROUP("mcast-group", '\0', Arg.REQUIRED, IpvsadmOptions::mcastGroup),
        MCAST_PORT("mcast-port", '\0', Arg.REQUIRED,
            (o, arg) -> o.mcastPort = o.number(Option.MCAST_PORT, arg, 1, 65535, "mcast-port")),
        MCAST_TTL("mcast-ttl", '\0', Arg.REQUIRED,
            (o, arg) -> o.mcastTtl = o.number(Option.MCAST_TTL, arg, 1, 255, "mcast-ttl")),
        SYNC_MAXLEN("sync-maxlen", '\0', Arg.REQUIRED,
            (o, arg) -> o.syncMaxLen = o.number(Option.SYNC_MAXLEN, arg, 1, 65535 - 20 - 8, "sync-maxlen")),
        TUN_INFO("tun-info", '\0', Arg.NONE, (o, arg) -> o.tunInfo = o.flag(Option.TUN_INFO)),
        TUN_TYPE("tun-type", '\0', Arg.REQUIRED, IpvsadmOptions::tunType),
        TUN_PORT("tun-port", '\0', Arg.REQUIRED,
            (o, arg) -> o.tunPort = o.number(Option.TUN_PORT, arg, 1, 65535, "tunnel port")),
        TUN_NOCSUM("tun-nocsum", '\0', Arg.NONE, (o, arg) -> o.flag(Option.TUN_NOCSUM)),
        TUN_CSUM("tun-csum", '\0', Arg.NONE, (o, arg) -> o.flag(Option.TUN_CSUM)),
        TUN_REMCSUM("tun-remcsum", '\0', Arg.NONE, (o, arg) -> o.flag(Option.TUN_REMCSUM));

        final String longName;
        final char shortName;
        final Arg arg;
        final Handler handler;

        Opt(final String longName, final char shortName, final Arg arg, final Handler handler)
        {
            this.longName = longName;
            this.shortName = shortName;
            this.arg = arg;
            this.handler = handler;
        }

        static Opt byLong(final String name)
        {
            for (final Opt o : values())
            {
                if (o.longName.equals(name))
                {
                    return o;
                }
            }
            return null;
        }

        static Opt byShort(final char c)
        {
            for (final Opt o : values())
            {
                if (o.shortName == c && c != '\0')
                {
                    return o;
                }
            }
            return null;
        }
    }

    private final String program;
    private final Resolver resolver;
    private final List<String> argv;

    // popt state
    private int next;
    private String cluster = "";
    private String word;
    private boolean endOfOptions;
    private final List<String> leftovers = new ArrayList<>();

    // ipvs_command_entry and flags
    private Command cmd;
    private final EnumSet<Option> options = EnumSet.noneOf(Option.class);
    private boolean numeric;
    private boolean stats;
    private boolean rate;
    private boolean thresholds;
    private boolean persistentConn;
    private boolean tunInfo;
    private boolean exact;
    private boolean noSort;

    private ServiceProtocol svcProtocol;
    private AddressFamily svcAf;
    private InetAddress svcAddress;
    private int svcPort;
    private int svcFwmark;
    private String scheduler;
    private boolean persistent;
    private int timeout;
    private int netmask = 0xffffffff;
    private String peName = "";
    private boolean onePacket;
    private String schedFlagsArg;
    private int schedFlags;

    private AddressFamily destAf;
    private InetAddress destAddress;
    private int destPort;
    private FwdMethod forward = FwdMethod.DROUTE;
    private int weight = 1;
    private int upperThreshold;
    private int lowerThreshold;
    private TunnelType tunType = TunnelType.IPIP;
    private int tunPort;

    private TimeoutView timeouts;
    private String daemonState;
    private String mcastInterface = "";
    private int syncId;
    private int syncMaxLen;
    private InetAddress mcastGroup;
    private int mcastPort;
    private int mcastTtl;

    private IpvsadmOptions(final String program, final List<String> argv, final Resolver resolver)
    {
        this.program = program;
        this.argv = argv;
        this.resolver = resolver;
    }

    /** Parses {@code args} (without the program name), resolving names with {@link Resolver#system()}. */
    public static IpvsadmCommand parse(final String... args) throws IpvsadmUsageException
    {
        return parse(List.of(args), Resolver.system());
    }

    /**
     * @param args     the arguments after the program name; empty means a plain {@code ipvsadm}, which lists the
     *                 table with names resolved
     * @param resolver for host names and service names in -t/-u/-r
     * @return the command, checked as ipvsadm checks it
     * @throws IpvsadmUsageException with ipvsadm's message and exit status
     */
    public static IpvsadmCommand parse(final List<String> args, final Resolver resolver) throws IpvsadmUsageException
    {
        return new IpvsadmOptions(PROGRAM, List.copyOf(args), resolver).run();
    }

    private IpvsadmCommand run() throws IpvsadmUsageException
    {
        if (argv.isEmpty())
        {
            cmd = Command.LIST;
            return build();
        }
        parseOptions();
        if (cmd == Command.HELP || cmd == Command.VERSION)
        {
            return build();
        }
        genericOptCheck();
        if (cmd == Command.ADD_SERVICE || cmd == Command.EDIT_SERVICE)
        {
            if (svcFwmark == 0 && svcPort == 0 && !persistent)
            {
                throw fail("Zero port specified for non-persistent service");
            }
            if (onePacket && svcFwmark == 0 && svcProtocol != ServiceProtocol.UDP)
            {
                throw fail("One-Packet Scheduling is only for UDP virtual services");
            }
            if (scheduler == null || scheduler.isEmpty())
            {
                scheduler = DEFAULT_SCHEDULER;
            }
        }
        if (cmd == Command.START_DAEMON && mcastInterface.isEmpty())
        {
            mcastInterface = DEFAULT_MCAST_INTERFACE;
        }
        if (cmd == Command.ADD_SERVER || cmd == Command.EDIT_SERVER)
        {
            if (svcFwmark == 0 && (forward == FwdMethod.TUNNEL || forward == FwdMethod.DROUTE))
            {
                destPort = svcPort;
            }
            if (destAf != svcAf && forward != FwdMethod.TUNNEL)
            {
                throw fail("Different address family is allowed only for tunneling servers");
            }
            if ((has(Option.TUN_TYPE) || has(Option.TUN_PORT) || has(Option.TUN_NOCSUM) || has(Option.TUN_CSUM) ||
                has(Option.TUN_REMCSUM)) && forward != FwdMethod.TUNNEL)
            {
                throw fail("Tunnel options conflict with forward method");
            }
            tunnelOptCheck();
        }
        if (cmd == Command.LIST)
        {
            final boolean other = has(Option.CONNECTION) || has(Option.TIMEOUT) || has(Option.DAEMON);
            if ((other && (has(Option.STATS) || has(Option.RATE) || has(Option.THRESHOLDS))) ||
                ((has(Option.TIMEOUT) || has(Option.DAEMON)) && has(Option.PERSISTENT_CONN)))
            {
                throw fail("options conflicts in the list command");
            }
        }
        return build();
    }

    private IpvsadmCommand build()
    {
        final ListFormat format = new ListFormat(numeric, stats, rate, thresholds, persistentConn, tunInfo, exact,
            noSort);
        final ServiceKey key = has(Option.SERVICE_ADDRESS) ?
            new ServiceKey(svcProtocol, svcAf, svcAddress, svcPort, svcFwmark) : null;
        final ServiceOptions so = new ServiceOptions(scheduler, persistent,
            persistent ? timeout : 0, netmask, peName, onePacket, schedFlags);
        DestOptions dest = null;
        if (has(Option.REAL_SERVER))
        {
            dest = new DestOptions(destAf, destAddress, destPort, forward, weight, upperThreshold, lowerThreshold,
                forward == FwdMethod.TUNNEL ?
                    new TunnelView(tunType, tunPort, TunnelOptions.checksum(givenTunnelOptions())) : null);
        }
        final DaemonOptions daemon = daemonState == null ? null :
            new DaemonOptions(daemonState, mcastInterface, syncId, syncMaxLen, mcastGroup, mcastPort, mcastTtl);
        return new IpvsadmCommand(cmd, options, format, key, so, dest, timeouts, daemon);
    }

    // ------------------------------------------------------------------------------------------ popt emulation

    private record Event(Opt opt, String arg, int error)
    {
    }

    private static final int END = -1;
    private static final int BADOPT = -11;
    private static final int NOARG = -10;
    private static final int UNWANTEDARG = -12;

    /** poptGetNextOpt: the next option, END, or a negative popt error; {@link #word} is the argv word it came from. */
    private Event nextOpt()
    {
        if (!cluster.isEmpty())
        {
            final char c = cluster.charAt(0);
            cluster = cluster.substring(1);
            final Opt o = Opt.byShort(c);
            if (o == null)
            {
                cluster = "";
                return new Event(null, null, BADOPT);
            }
            return withArg(o, cluster.isEmpty() ? null : cluster, true);
        }
        while (next < argv.size())
        {
            final String w = argv.get(next++);
            if (endOfOptions || w.equals("-") || !w.startsWith("-"))
            {
                leftovers.add(w);
                continue;
            }
            word = w;
            if (w.equals("--"))
            {
                endOfOptions = true;
                continue;
            }
            if (w.startsWith("--"))
            {
                final int eq = w.indexOf('=');
                final String name = eq < 0 ? w.substring(2) : w.substring(2, eq);
                final Opt o = Opt.byLong(name);
                if (o == null)
                {
                    return new Event(null, null, BADOPT);
                }
                if (eq >= 0 && o.arg == Arg.NONE)
                {
                    return new Event(null, null, UNWANTEDARG);
                }
                return withArg(o, eq < 0 ? null : w.substring(eq + 1), false);
            }
            cluster = w.substring(1);
            return nextOpt();
        }
        return new Event(null, null, END);
    }

    private Event withArg(final Opt o, final String attached, final boolean inCluster)
    {
        if (o.arg == Arg.NONE)
        {
            return new Event(o, null, 0);
        }
        if (inCluster)
        {
            cluster = "";
        }
        if (attached != null)
        {
            return new Event(o, attached, 0);
        }
        if (o.arg == Arg.OPTIONAL)
        {
            if (next < argv.size() && !argv.get(next).startsWith("-"))
            {
                return new Event(o, argv.get(next++), 0);
            }
            return new Event(o, null, 0);
        }
        if (next >= argv.size())
        {
            return new Event(null, null, NOARG);
        }
        return new Event(o, argv.get(next++), 0);
    }

    private static String poptStrerror(final int error)
    {
        return switch (error)
        {
            case NOARG -> "missing argument";
            case UNWANTEDARG -> "option does not take an argument";
            default -> "unknown option";
        };
    }

    // ----------------------------------------------------------------------------------------- parse_options

    private void parseOptions() throws IpvsadmUsageException
    {
        final Event first = nextOpt();
        if (first.error != 0 || first.opt == null)
        {
            throw tryHelp();
        }
        switch (first.opt)
        {
            case ADD_SERVICE -> cmd = Command.ADD_SERVICE;
            case EDIT_SERVICE -> cmd = Command.EDIT_SERVICE;
            case DELETE_SERVICE -> cmd = Command.DELETE_SERVICE;
            case ADD_SERVER -> cmd = Command.ADD_SERVER;
            case EDIT_SERVER -> cmd = Command.EDIT_SERVER;
            case DELETE_SERVER -> cmd = Command.DELETE_SERVER;
            case CLEAR -> cmd = Command.FLUSH;
            case LIST, LIST_LOWER -> cmd = Command.LIST;
            case ZERO -> cmd = Command.ZERO;
            case SET -> cmd = Command.SET_TIMEOUT;
            case RESTORE -> cmd = Command.RESTORE;
            case SAVE -> cmd = Command.SAVE;
            case START_DAEMON, STOP_DAEMON ->
            {
                cmd = first.opt == Opt.START_DAEMON ? Command.START_DAEMON : Command.STOP_DAEMON;
                if (!first.arg.equals("master") && !first.arg.equals("backup"))
                {
                    throw fail(first.opt == Opt.START_DAEMON ?
                        "illegal start-daemon parameter specified" : "illegal start_daemon specified");
                }
                daemonState = first.arg;
            }
            case HELP ->
            {
                cmd = Command.HELP;
                return;
            }
            case VERSION ->
            {
                cmd = Command.VERSION;
                return;
            }
            default -> throw tryHelp();
        }

        Event e;
        while ((e = nextOpt()).error == 0 && e.opt != null)
        {
            apply(e.opt, e.arg);
        }
        if (e.error < END)
        {
            throw new IpvsadmUsageException(word + ": " + poptStrerror(e.error) + "\n", 255);
        }

        int used = 0;
        if (cmd == Command.SET_TIMEOUT)
        {
            if (leftovers.size() < 3)
            {
                throw fail("--set option requires 3 timeout values");
            }
            timeouts = new TimeoutView(parseTimeout(leftovers.get(0), 0), parseTimeout(leftovers.get(1), 0),
                parseTimeout(leftovers.get(2), 0));
            used = 3;
        }
        if (leftovers.size() > used)
        {
            throw fail("unexpected argument " + leftovers.get(used));
        }
        if (schedFlagsArg != null)
        {
            schedFlags = parseSchedFlags(scheduler, schedFlagsArg);
        }
    }

    private void apply(final Opt opt, final String arg) throws IpvsadmUsageException
    {
        if (null == opt.handler)
        {
            throw fail("invalid option `" + word + "'");
        }
        opt.handler.apply(this, arg);
    }

    // ------------------------------------------------------------------------------------------- the handlers

    /** An option without argument: given once. */
    private boolean flag(final Option o) throws IpvsadmUsageException
    {
        setOption(o);
        return true;
    }

    /** A number in min..max, else ipvsadm's "illegal WHAT specified". */
    private int number(final Option o, final String arg, final int min, final int max, final String what)
        throws IpvsadmUsageException
    {
        setOption(o);
        final int value = stringToNumber(arg, min, max);
        if (value == -1)
        {
            throw fail("illegal " + what + " specified");
        }
        return value;
    }

    /** A name, cut to the kernel's length as ipvsadm's strncpy cuts it. */
    private String text(final Option o, final String arg, final int max) throws IpvsadmUsageException
    {
        setOption(o);
        return arg.length() > max ? arg.substring(0, max) : arg;
    }

    private void service(final ServiceProtocol protocol, final String arg) throws IpvsadmUsageException
    {
        setOption(Option.SERVICE_ADDRESS);
        svcProtocol = protocol;
        final Parsed p = parseService(arg, svcProtocol);
        if (p == null)
        {
            throw fail("illegal virtual server address[:port] specified");
        }
        svcAf = p.af;
        svcAddress = p.address;
        if (p.af == AddressFamily.INET6)
        {
            netmask = 128;
        }
        if (p.hasPort)
        {
            svcPort = p.port;
        }
    }

    private void fwmarkService(final String arg) throws IpvsadmUsageException
    {
        setOption(Option.SERVICE_ADDRESS);
        svcAf = AddressFamily.INET;
        svcProtocol = ServiceProtocol.TCP;
        svcFwmark = parseFwmark(arg);
    }

    private void persistent(final String arg) throws IpvsadmUsageException
    {
        persistent = flag(Option.PERSISTENT);
        timeout = arg == null ? DEFAULT_PERSISTENT_TIMEOUT : parseTimeout(arg, 1);
    }

    private void netmask(final String arg) throws IpvsadmUsageException
    {
        setOption(Option.NETMASK);
        if (svcAf != AddressFamily.INET6)
        {
            InetAddress mask = InetLiterals.ipv4(arg);
            if (mask == null)
            {
                mask = resolver.host(arg, AddressFamily.INET);
            }
            if (!(mask instanceof Inet4Address m4))
            {
                throw fail("illegal virtual server persistent mask specified");
            }
            netmask = InetLiterals.toInt(m4);
        }
        else
        {
            final int prefix = atoi(arg);
            if (prefix < 1 || prefix > 128)
            {
                throw fail("illegal ipv6 netmask specified");
            }
            netmask = prefix;
        }
    }

    private void realServer(final String arg) throws IpvsadmUsageException
    {
        setOption(Option.REAL_SERVER);
        final Parsed p = parseService(arg, svcProtocol);
        if (p == null)
        {
            throw fail("illegal real server address[:port] specified");
        }
        destAf = p.af;
        destAddress = p.address;
        destPort = p.hasPort ? p.port : svcPort;
    }

    private void forwarding(final FwdMethod method) throws IpvsadmUsageException
    {
        setOption(Option.FORWARDING_METHOD);
        forward = method;
    }

    private void ipv6(final String arg) throws IpvsadmUsageException
    {
        if (svcFwmark == 0)
        {
            throw fail("-6 used before -f\n");
        }
        svcAf = AddressFamily.INET6;
        netmask = 128;
    }

    private void mcastGroup(final String arg) throws IpvsadmUsageException
    {
        setOption(Option.MCAST_GROUP);
        if (arg.indexOf(':') >= 0)
        {
            final Inet6Address g = InetLiterals.ipv6(arg);
            if (g == null || !g.isMulticastAddress() || arg.startsWith("["))
            {
                throw fail("invalid IPv6 mcast-group `" + arg + "'");
            }
            mcastGroup = g;
        }
        else
        {
            final Inet4Address g = InetLiterals.ipv4(arg);
            if (g == null || !g.isMulticastAddress())
            {
                throw fail("invalid IPv4 mcast-group `" + arg + "'");
            }
            mcastGroup = g;
        }
    }

    private void tunType(final String arg) throws IpvsadmUsageException
    {
        setOption(Option.TUN_TYPE);
        tunType = TunnelType.ofIpvsadmName(arg);
        if (tunType == null)
        {
            throw fail("illegal tunnel type specified");
        }
    }

    // ------------------------------------------------------------------------------------------------ checks

    private void genericOptCheck() throws IpvsadmUsageException
    {
        final String row = LEGAL[cmd.ordinal()];
        Option last = null;
        for (final Option o : Option.values())
        {
            final char rule = row.charAt(o.ordinal());
            if (!has(o))
            {
                if (rule == '+')
                {
                    throw fail("You need to supply the '" + o.ipvsadmName() + "' option for the '" +
                        cmd.ipvsadmName() + "' command");
                }
            }
            else
            {
                if (rule == 'x')
                {
                    throw fail("Illegal '" + o.ipvsadmName() + "' option with the '" + cmd.ipvsadmName() +
                        "' command");
                }
                if (rule == '1')
                {
                    if (last == null)
                    {
                        last = o;
                        continue;
                    }
                    throw fail("The option '" + o.ipvsadmName() + "' conflicts with the '" + last.ipvsadmName() +
                        "' option in the '" + cmd.ipvsadmName() + "' command");
                }
            }
        }
    }

    private void tunnelOptCheck() throws IpvsadmUsageException
    {
        final TunnelOptions.Violation v = TunnelOptions.check(tunType, givenTunnelOptions());
        if (v == null)
        {
            return;
        }
        final String type = tunType.ipvsadmName();
        throw fail(switch (v.problem())
        {
            case MISSING -> "You need to supply the '" + v.option().ipvsadmName() + "' option for the '" + type +
                "' tunnel type";
            case ILLEGAL -> "Illegal '" + v.option().ipvsadmName() + "' option with the '" + type + "' tunnel type";
            case CONFLICT -> "The option '" + v.option().ipvsadmName() + "' conflicts with the '" +
                v.other().ipvsadmName() + "' option in the '" + type + "' tunnel type";
        });
    }

    private EnumSet<TunnelOptions.Option> givenTunnelOptions()
    {
        final EnumSet<TunnelOptions.Option> given = EnumSet.noneOf(TunnelOptions.Option.class);
        for (final TunnelOptions.Option o : TunnelOptions.Option.values())
        {
            if (has(TUNNEL_OPTIONS[o.ordinal()]))
            {
                given.add(o);
            }
        }
        return given;
    }

    private void setOption(final Option o) throws IpvsadmUsageException
    {
        if (!options.add(o))
        {
            throw fail("multiple '" + o.ipvsadmName() + "' options specified");
        }
    }

    private boolean has(final Option o)
    {
        return options.contains(o);
    }

    // --------------------------------------------------------------------------------------------- parsing

    private record Parsed(AddressFamily af, InetAddress address, int port, boolean hasPort)
    {
    }

    /** parse_service: host[:port], [ipv6][:port] or a bare IPv6 literal; null when illegal. */
    private Parsed parseService(final String text, final ServiceProtocol protocol)
    {
        if (text == null || text.isEmpty() || text.chars().allMatch(Character::isDigit))
        {
            return null;
        }
        String host = text;
        String portText = null;
        if (text.startsWith("["))
        {
            final int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':')
            {
                return null;
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
            final Inet6Address v6 = InetLiterals.ipv6(host);
            if (v6 == null)
            {
                return null;
            }
            return withPort(AddressFamily.INET6, v6, portText, protocol);
        }
        final Inet6Address v6 = InetLiterals.ipv6(text);
        if (v6 != null)
        {
            return new Parsed(AddressFamily.INET6, v6, 0, false);
        }
        final int colon = text.lastIndexOf(':');
        if (colon >= 0)
        {
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
        }
        InetAddress address = InetLiterals.ipv4(host);
        if (address == null && !host.isEmpty() && host.indexOf(':') < 0)
        {
            address = resolver.host(host, AddressFamily.INET);
        }
        if (!(address instanceof Inet4Address))
        {
            return null;
        }
        return withPort(AddressFamily.INET, address, portText, protocol);
    }

    private Parsed withPort(final AddressFamily af, final InetAddress address, final String portText,
        final ServiceProtocol protocol)
    {
        if (portText == null)
        {
            return new Parsed(af, address, 0, false);
        }
        int port = stringToNumber(portText, 0, 65535);
        if (port == -1 && protocol != null && !portText.isEmpty())
        {
            final OptionalInt p = resolver.port(portText, protocol.servicesName());
            port = p.isPresent() ? p.getAsInt() : -1;
        }
        return port == -1 ? null : new Parsed(af, address, port, true);
    }

    private int parseFwmark(final String text) throws IpvsadmUsageException
    {
        long v = -1;
        if (!text.isEmpty() && text.chars().allMatch(Character::isDigit) && text.length() <= 10)
        {
            v = Long.parseLong(text);
        }
        if (v <= 0 || v > 0xffffffffL)
        {
            throw fail("invalid fwmark value `" + text + "' specified");
        }
        return (int)v;
    }

    private int parseTimeout(final String text, final int min) throws IpvsadmUsageException
    {
        final int v = stringToNumber(text, min, MAX_TIMEOUT);
        if (v == -1)
        {
            throw fail("invalid timeout value `" + text + "' specified");
        }
        return v;
    }

    private int parseSchedFlags(final String sched, final String arg) throws IpvsadmUsageException
    {
        try
        {
            return SchedFlags.parse(
                sched == null || sched.isEmpty() ? DEFAULT_SCHEDULER : sched, arg);
        }
        catch (final IllegalArgumentException ex)
        {
            throw fail(ex.getMessage());
        }
    }

    /** string_to_number: a whole decimal number (strtol, so a sign is allowed) in min..max, else -1. */
    private static int stringToNumber(final String s, final int min, final int max)
    {
        if (s == null || !s.matches("\\s*[+-]?\\d+"))
        {
            return -1;
        }
        try
        {
            final long n = Long.parseLong(s.strip().replace("+", ""));
            return n >= min && n <= max ? (int)n : -1;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static int atoi(final String s)
    {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i)))
        {
            i++;
        }
        int j = i;
        if (j < s.length() && (s.charAt(j) == '+' || s.charAt(j) == '-'))
        {
            j++;
        }
        while (j < s.length() && Character.isDigit(s.charAt(j)) && j - i < 10)
        {
            j++;
        }
        try
        {
            return Integer.parseInt(s.substring(i, j));
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    private IpvsadmUsageException fail(final String message)
    {
        return new IpvsadmUsageException(message + "\n", 2);
    }

    /** ipvsadm's tryhelp_exit(-1): exit status 255. */
    public static IpvsadmUsageException tryHelp()
    {
        return tryHelp(PROGRAM);
    }

    private static IpvsadmUsageException tryHelp(final String program)
    {
        return new IpvsadmUsageException(
            "Try `" + program + " -h' or '" + program + " --help' for more information.\n", 255);
    }
}
