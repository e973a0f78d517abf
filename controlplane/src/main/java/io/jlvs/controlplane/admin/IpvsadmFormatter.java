package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.SchedFlags;
import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelType;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Prints what ipvsadm 1.31 prints, character for character (column widths, trailing blanks, K/M/G/T scaling),
 * from plain views of the table: {@code -L} in every format, {@code -L -t vip:port}, {@code -S}, {@code -L -c},
 * {@code --timeout} and {@code --daemon}. Without {@code -n} names come from the {@link NameLookup}.
 *
 * <p>Order: unless {@code --nosort}, services and real servers are in ipvsadm's order to the entry, wrapped
 * differences and all ({@link LibipvsOrder}).
 */
public final class IpvsadmFormatter
{
    public static final String IPVSADM_VERSION = "v1.31 2019/12/24";
    private static final String NA = "n/a";


    private final NameLookup names;

    /** A formatter that resolves names (for listings without -n) with {@link NameLookup#system()}. */
    public IpvsadmFormatter()
    {
        this(NameLookup.system());
    }

    public IpvsadmFormatter(final NameLookup names)
    {
        this.names = Objects.requireNonNull(names, "names");
    }

    // ---------------------------------------------------------------------------------------------- commands

    /**
     * Executes a read-only command against a view of the table; the director runs the others.
     */
    public IpvsadmResult run(final IpvsadmCommand cmd, final IpvsTableView table)
    {
        return switch (cmd.command())
        {
            case HELP -> IpvsadmResult.ok(usage());
            case VERSION -> IpvsadmResult.ok(version(table.version()));
            case SAVE -> IpvsadmResult.ok(save(table.services(), cmd.format()));
            case LIST -> switch (cmd.listKind())
            {
                case CONNECTIONS -> IpvsadmResult.ok(connections(table.connections(), cmd.format()));
                case TIMEOUT -> IpvsadmResult.ok(timeout(table.timeouts()));
                case DAEMON -> IpvsadmResult.ok(daemons(table.daemons()));
                case SERVICE ->
                {
                    for (final ServiceView s : table.services())
                    {
                        if (cmd.service().matches(s))
                        {
                            yield IpvsadmResult.ok(listService(s, cmd.format()));
                        }
                    }
                    yield IpvsadmResult.error(1, "No such service\n");
                }
                case ALL -> IpvsadmResult.ok(listAll(table.version(), table.services(), cmd.format()));
            };
            default -> throw new IllegalArgumentException("not a listing: ipvsadm --" + cmd.command().ipvsadmName());
        };
    }

    /** {@code ipvsadm -L [-n] [--stats|--rate|--thresholds|--persistent-conn|--tun-info] [--exact] [--nosort]}. */
    public String listAll(final VersionView version, final List<ServiceView> services, final ListFormat f)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(header(version));
        sb.append(title(f));
        for (final ServiceView s : sorted(services, f))
        {
            appendService(sb, s, f, false);
        }
        return sb.toString();
    }

    /** {@code ipvsadm -L -t vip:port}: the title and one service, without the version line. */
    public String listService(final ServiceView service, final ListFormat f)
    {
        final StringBuilder sb = new StringBuilder(title(f));
        appendService(sb, service, f, false);
        return sb.toString();
    }

    /**
     * {@code ipvsadm -S [-n]}: the rules that rebuild the table (no timeouts or daemons); unlike ipvsadm, with a real
     * server's thresholds where it has some, so that {@code -S | -R} keeps them.
     */
    public String save(final List<ServiceView> services, final ListFormat f)
    {
        final StringBuilder sb = new StringBuilder();
        for (final ServiceView s : sorted(services, f))
        {
            appendService(sb, s, f, true);
        }
        return sb.toString();
    }

    /** "IP Virtual Server version 1.2.1 (size=4096)". */
    public static String header(final VersionView v)
    {
        return "IP Virtual Server version " + v.major() + "." + v.minor() + "." + v.patch() + " (size=" + v.size() +
            ")\n";
    }

    /** {@code ipvsadm -L --timeout}. */
    public static String timeout(final TimeoutView t)
    {
        return "Timeout (tcp tcpfin udp): " + t.tcp() + " " + t.tcpFin() + " " + t.udp() + "\n";
    }

    /** {@code ipvsadm -L --daemon}: one line per running daemon, nothing when none runs. */
    public static String daemons(final List<DaemonView> daemons)
    {
        final StringBuilder sb = new StringBuilder();
        for (final DaemonView d : daemons)
        {
            sb.append(d.state()).append(" sync daemon (mcast=").append(d.mcastInterface())
                .append(", syncid=").append(d.syncId());
            if (d.maxLen() != 0)
            {
                sb.append(", maxlen=").append(Integer.toUnsignedString(d.maxLen()));
            }
            if (d.group() != null)
            {
                sb.append(", group=").append(InetLiterals.ntop(d.group()));
            }
            if (d.port() != 0)
            {
                sb.append(", port=").append(Integer.toUnsignedString(d.port()));
            }
            if (d.ttl() != 0)
            {
                sb.append(", ttl=").append(Integer.toUnsignedString(d.ttl()));
            }
            sb.append(")\n");
        }
        return sb.toString();
    }

    /** {@code ipvsadm -L -c [-n] [--persistent-conn]}: header and one row per entry, expiry as mm:ss. */
    public String connections(final List<ConnView> conns, final ListFormat f)
    {
        final StringBuilder sb = new StringBuilder("IPVS connection entries\n");
        if (f.persistentConn())
        {
            sb.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %-18s %-16s %s\n",
                "state", "source", "virtual", "destination", "pe name", "pe_data"));
        }
        else
        {
            sb.append(String.format(Locale.ROOT, "pro expire %-11s %-18s %-18s %s\n",
                "state", "source", "virtual", "destination"));
        }
        for (final ConnView c : conns)
        {
            sb.append(connectionRow(c, f));
        }
        return sb.toString();
    }

    /** One row of {@code ipvsadm -L -c}, for callers that stream a large table. */
    public String connectionRow(final ConnView c, final ListFormat f)
    {
        final ServiceProtocol proto = ServiceProtocol.ofListName(c.protocol());
        final String cname = addrPort(c.client(), c.clientPort(), proto, f.numeric());
        final String vname = addrPort(c.virtual(), c.virtualPort(), proto, f.numeric());
        final String dname = addrPort(c.dest(), c.destPort(), proto, f.numeric());
        final String expire = String.format(Locale.ROOT, "%02d:%02d",
            Integer.divideUnsigned(c.expiresSeconds(), 60), Integer.remainderUnsigned(c.expiresSeconds(), 60));
        if (f.persistentConn() && c.peName() != null && c.peData() != null)
        {
            return String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n",
                c.protocol(), expire, c.state(), cname, vname, dname, c.peName(), c.peData());
        }
        return String.format(Locale.ROOT, "%-3s %-6s %-11s %-18s %-18s %s\n",
            c.protocol(), expire, c.state(), cname, vname, dname);
    }

    /** {@code ipvsadm -v}. */
    public static String version(final VersionView v)
    {
        return "ipvsadm " + IPVSADM_VERSION + " (compiled with jlvs and IPVS v" + v.major() + "." + v.minor() + "." +
            v.patch() + ")\n";
    }

    /** {@code ipvsadm -h}. */
    public static String usage()
    {
        return "ipvsadm " + IPVSADM_VERSION + " (jlvs)\n" +
            "Usage:\n" +
            "  ipvsadm -L|l [virtual-service] [options]\n" +
            "  ipvsadm -S [-n]\n" +
            "  ipvsadm --start-daemon {master|backup} [daemon-options]\n" +
            "  ipvsadm --stop-daemon {master|backup}\n" +
            "  ipvsadm -h\n" +
            "\n" +
            "jlvs builds the table from ldirectord.cf: -A -E -D -C -R -a -e -d --set are parsed and refused.\n" +
            "\n" +
            "virtual-service:\n" +
            "  --tcp-service|-t  service-address   service-address is host[:port]\n" +
            "  --udp-service|-u  service-address   service-address is host[:port]\n" +
            "  --sctp-service    service-address   service-address is host[:port]\n" +
            "  --fwmark-service|-f fwmark          fwmark is an integer greater than zero\n" +
            "\n" +
            "Options:\n" +
            "  --ipv6         -6                   fwmark entry uses IPv6\n" +
            "  --connection   -c                   output of current IPVS connections\n" +
            "  --timeout                           output of timeout (tcp tcpfin udp)\n" +
            "  --daemon                            output of daemon information\n" +
            "  --stats                             output of statistics information\n" +
            "  --rate                              output of rate information\n" +
            "  --exact                             expand numbers (display exact values)\n" +
            "  --thresholds                        output of thresholds information\n" +
            "  --persistent-conn                   output of persistent connection info\n" +
            "  --tun-info                          output of tunnel information\n" +
            "  --nosort                            disable sorting output of service/server entries\n" +
            "  --sort                              does nothing, for backwards compatibility\n" +
            "  --numeric      -n                   numeric output of addresses and ports\n";
    }

    // ------------------------------------------------------------------------------------------------ pieces

    /** The two title lines for format {@code f} (none for -S). */
    public static String title(final ListFormat f)
    {
        if (f.stats())
        {
            return String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
                "Prot LocalAddress:Port", "Conns", "InPkts", "OutPkts", "InBytes", "OutBytes");
        }
        if (f.rate())
        {
            return String.format(Locale.ROOT, "%-33s %8s %8s %8s %8s %8s\n  -> RemoteAddress:Port\n",
                "Prot LocalAddress:Port", "CPS", "InPPS", "OutPPS", "InBPS", "OutBPS");
        }
        if (f.thresholds())
        {
            return String.format(Locale.ROOT, "%-33s %-10s %-10s %-10s %-10s\n  -> RemoteAddress:Port\n",
                "Prot LocalAddress:Port", "Uthreshold", "Lthreshold", "ActiveConn", "InActConn");
        }
        if (f.persistentConn())
        {
            return String.format(Locale.ROOT, "%-33s %-9s %-11s %-10s %-10s\n  -> RemoteAddress:Port\n",
                "Prot LocalAddress:Port", "Weight", "PersistConn", "ActiveConn", "InActConn");
        }
        if (f.tunInfo())
        {
            return "Prot LocalAddress:Port Scheduler Flags\n" +
                "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n";
        }
        return "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";
    }

    /**
     * print_largenum: without --exact, below 10^8 right-aligned in 9 columns; below 10^9 thousands with "K", below
     * 10^11 millions with "M", below 10^14 billions with "G", else "T" (each in 8 columns plus the letter); with
     * --exact the full number right-aligned in 9 columns, or in its length plus one when longer than 8 digits.
     * {@code value} is unsigned.
     */
    public static String largenum(final long value, final boolean exact)
    {
        final String s = Long.toUnsignedString(value);
        if (exact)
        {
            return pad(s, s.length() <= 8 ? 9 : s.length() + 1);
        }
        if (Long.compareUnsigned(value, 100_000_000L) < 0)
        {
            return pad(s, 9);
        }
        if (Long.compareUnsigned(value, 1_000_000_000L) < 0)
        {
            return pad(Long.toUnsignedString(Long.divideUnsigned(value, 1000L)), 8) + "K";
        }
        if (Long.compareUnsigned(value, 100_000_000_000L) < 0)
        {
            return pad(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000L)), 8) + "M";
        }
        if (Long.compareUnsigned(value, 100_000_000_000_000L) < 0)
        {
            return pad(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000_000L)), 8) + "G";
        }
        return pad(Long.toUnsignedString(Long.divideUnsigned(value, 1_000_000_000_000L)), 8) + "T";
    }

    private void appendService(final StringBuilder sb, final ServiceView s, final ListFormat f, final boolean rule)
    {
        final String svcName = serviceName(s, f, rule);
        if (rule)
        {
            sb.append("-A ").append(svcName).append(" -s ").append(s.scheduler());
            if (s.persistent())
            {
                sb.append(" -p ").append(Integer.toUnsignedString(s.timeout()));
                final String mask = maskText(s);
                if (mask != null)
                {
                    sb.append(" -M ").append(mask);
                }
            }
            if (!s.peName().isEmpty())
            {
                sb.append(" --pe ").append(s.peName());
            }
            if (s.onePacket())
            {
                sb.append(" -o");
            }
            if ((s.schedFlags() & SchedFlags.ALL) != 0)
            {
                sb.append(" -b ").append(schedFlagNames(s));
            }
        }
        else if (f.stats())
        {
            sb.append(String.format(Locale.ROOT, "%-33s", svcName));
            appendLargenums(sb, f, s.stats().conns(), s.stats().inPkts(), s.stats().outPkts(), s.stats().inBytes(),
                s.stats().outBytes());
        }
        else if (f.rate())
        {
            sb.append(String.format(Locale.ROOT, "%-33s", svcName));
            appendLargenums(sb, f, s.rate().cps(), s.rate().inPps(), s.rate().outPps(), s.rate().inBps(),
                s.rate().outBps());
        }
        else
        {
            sb.append(svcName).append(' ').append(s.scheduler());
            if ((s.schedFlags() & SchedFlags.ALL) != 0)
            {
                sb.append(" (").append(schedFlagNames(s)).append(')');
            }
            if (s.persistent())
            {
                sb.append(" persistent ").append(Integer.toUnsignedString(s.timeout()));
                final String mask = maskText(s);
                if (mask != null)
                {
                    sb.append(" mask ").append(mask);
                }
                if (!s.peName().isEmpty())
                {
                    sb.append(" pe ").append(s.peName());
                }
            }
            if (s.onePacket())
            {
                sb.append(" ops");
            }
        }
        sb.append('\n');

        final List<DestView> dests = f.noSort() ? s.dests() : LibipvsOrder.sort(s.dests(), LibipvsOrder.DESTS);
        final ServiceProtocol proto = s.fwmark() != 0 ? null : s.protocol();
        for (final DestView d : dests)
        {
            String dname = addrPort(d.address(), d.port(), proto, f.numeric());
            if (!rule && d.af() != AddressFamily.INET6 && dname.length() > 28)
            {
                dname = dname.substring(0, 28);
            }
            if (rule)
            {
                sb.append("-a ").append(svcName).append(" -r ").append(dname).append(' ')
                    .append(d.forward().ipvsadmSwitch()).append(" -w ").append(d.weight());
                if (d.upperThreshold() != 0 || d.lowerThreshold() != 0)
                {
                    // ipvsadm drops them, so its -S | -R loses them; jlvs keeps them, only where they are set
                    sb.append(" -x ").append(u(d.upperThreshold())).append(" -y ").append(u(d.lowerThreshold()));
                }
                if (d.forward() == FwdMethod.TUNNEL)
                {
                    final TunnelView t = d.tunnel();
                    sb.append(" --tun-type ").append(t.type().ipvsadmName());
                    if (t.type() == TunnelType.GUE)
                    {
                        sb.append(" --tun-port ").append(t.port()).append(' ').append(t.checksum().ipvsadmOption());
                    }
                    else if (t.type() == TunnelType.GRE)
                    {
                        sb.append(' ').append(t.checksum().ipvsadmOption());
                    }
                }
                sb.append('\n');
            }
            else if (f.stats())
            {
                sb.append(String.format(Locale.ROOT, "  -> %-28s", dname));
                appendLargenums(sb, f, d.stats().conns(), d.stats().inPkts(), d.stats().outPkts(),
                    d.stats().inBytes(), d.stats().outBytes());
                sb.append('\n');
            }
            else if (f.rate())
            {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %8s %8s %8s", dname,
                    Long.toUnsignedString(d.rate().cps()), Long.toUnsignedString(d.rate().inPps()),
                    Long.toUnsignedString(d.rate().outPps())));
                appendLargenums(sb, f, d.rate().inBps(), d.rate().outBps());
                sb.append('\n');
            }
            else if (f.thresholds())
            {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-10s %-10s %-10s %-10s\n", dname,
                    u(d.upperThreshold()), u(d.lowerThreshold()), u(d.activeConns()), u(d.inactConns())));
            }
            else if (f.persistentConn())
            {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-9s %-11s %-10s %-10s\n", dname,
                    u(d.weight()), u(d.persistConns()), u(d.activeConns()), u(d.inactConns())));
            }
            else if (f.tunInfo())
            {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-13s %-6d %-10s %-10s\n", dname,
                    d.forward().listName(), tunnelInfo(d), d.weight(), u(d.activeConns()), u(d.inactConns())));
            }
            else
            {
                sb.append(String.format(Locale.ROOT, "  -> %-28s %-7s %-6d %-10s %-10s\n", dname,
                    d.forward().listName(), d.weight(), u(d.activeConns()), u(d.inactConns())));
            }
        }
    }

    private String serviceName(final ServiceView s, final ListFormat f, final boolean rule)
    {
        final boolean v6 = s.af() == AddressFamily.INET6;
        if (s.fwmark() != 0)
        {
            final String mark = Integer.toUnsignedString(s.fwmark());
            if (rule)
            {
                return "-f " + mark + (v6 ? " -6" : "");
            }
            return "FWM  " + mark + (v6 ? " IPv6" : "");
        }
        final String vname = addrPort(s.address(), s.port(), s.protocol(), f.numeric());
        if (rule)
        {
            return s.protocol().ipvsadmOption() + " " + vname;
        }
        final String name = String.format(Locale.ROOT, "%-4s %s", s.protocol().listName(), vname);
        return !v6 && name.length() > 33 ? name.substring(0, 33) : name;
    }

    /** @return the -M / mask text, or null for the host mask (/32, /128) that ipvsadm does not print */
    private static String maskText(final ServiceView s)
    {
        if (s.af() == AddressFamily.INET6)
        {
            return s.netmask() != ServiceView.IPV6_HOST_PREFIX ? Integer.toString(s.netmask()) : null;
        }
        if (s.netmask() == ServiceView.IPV4_HOST_MASK)
        {
            return null;
        }
        final int m = s.netmask();
        return ((m >>> 24) & 0xff) + "." + ((m >>> 16) & 0xff) + "." + ((m >>> 8) & 0xff) + "." + (m & 0xff);
    }

    /** print_sched_flags: the names depend on the scheduler. */
    private static String schedFlagNames(final ServiceView s)
    {
        final List<String> names = new ArrayList<>(3);
        final int flags = s.schedFlags();
        if (s.scheduler().equals("sh") || s.scheduler().equals("mh"))
        {
            final String p = s.scheduler();
            if ((flags & SchedFlags.FLAG_1) != 0)
            {
                names.add(p + "-fallback");
            }
            if ((flags & SchedFlags.FLAG_2) != 0)
            {
                names.add(p + "-port");
            }
        }
        else
        {
            if ((flags & SchedFlags.FLAG_1) != 0)
            {
                names.add("flag-1");
            }
            if ((flags & SchedFlags.FLAG_2) != 0)
            {
                names.add("flag-2");
            }
            if ((flags & SchedFlags.FLAG_3) != 0)
            {
                names.add("flag-3");
            }
        }
        return String.join(",", names);
    }

    private static String tunnelInfo(final DestView d)
    {
        if (d.forward() != FwdMethod.TUNNEL)
        {
            return NA;
        }
        final TunnelView t = d.tunnel();
        return switch (t.type())
        {
            case IPIP -> "ipip";
            case GUE -> "gue:" + t.port() + ":" + t.checksum().infoName();
            case GRE -> "gre:" + t.checksum().infoName();
        };
    }

    /** addrport_to_anyname: "a.b.c.d:port" or "[v6]:port", names instead of numbers without -n. */
    private String addrPort(final InetAddress address, final int port, final ServiceProtocol proto,
        final boolean numeric)
    {
        String host = null;
        String service = null;
        if (!numeric)
        {
            host = names.hostName(address);
            service = proto == null ? null : names.serviceName(port, proto);
        }
        if (host == null)
        {
            host = InetLiterals.ntop(address);
        }
        if (service == null)
        {
            service = Integer.toString(port);
        }
        return AddressFamily.of(address) == AddressFamily.INET6 ? "[" + host + "]:" + service : host + ":" + service;
    }

    private static void appendLargenums(final StringBuilder sb, final ListFormat f, final long... values)
    {
        for (final long v : values)
        {
            sb.append(largenum(v, f.exact()));
        }
    }

    private static List<ServiceView> sorted(final List<ServiceView> services, final ListFormat f)
    {
        if (f.noSort())
        {
            return services;
        }
        return LibipvsOrder.sort(services, LibipvsOrder.SERVICES);
    }

    private static String u(final int value)
    {
        return Integer.toUnsignedString(value);
    }

    private static String pad(final String s, final int width)
    {
        if (s.length() >= width)
        {
            return s;
        }
        return " ".repeat(width - s.length()) + s;
    }
}
