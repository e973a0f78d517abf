package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.Netmask;
import io.jlvs.controlplane.config.SchedFlags;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads one {@code virtual_server} block and its {@code real_server} blocks as keepalived 2.2's
 * {@code check_parser.c} and {@code validate_check_config} do: keepalived's defaults (scheduler wlc, protocol UDP,
 * forwarding NAT, each filled in with keepalived's own complaint as a warning), its port fix-ups, and its quorum
 * checks. Values keepalived would reject are errors.
 */
final class VirtualServerReader
{
    /** The schedulers keepalived's {@code lvs_sched} takes. */
    static final List<String> SCHEDULERS = List.of("rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf",
        "lblcr", "sed", "nq", "twos");
    static final int DEFAULT_PERSISTENCE_TIMEOUT = 360;
    static final int MAX_PERSISTENCE_TIMEOUT = 2_678_400;
    static final long DEFAULT_DELAY_LOOP_US = 60_000_000L;
    static final long DEFAULT_CONNECT_TIMEOUT_US = 5_000_000L;
    /** The dataplane's largest weight (ipvsadm's too); keepalived would pass up to 2^31-1 to the kernel. */
    static final int MAX_WEIGHT = 65535;

    private final KeepalivedValues values;
    private final CheckerReader checkers;
    private final ScriptCheck scripts;
    private final Map<String, VirtualServerGroup> groups;
    /** How many virtual servers each group serves so far: keepalived names each "[GROUP]:N" by its place. */
    private final Map<String, Integer> groupUses = new HashMap<>();

    VirtualServerReader(final KeepalivedValues values, final CheckerReader checkers, final ScriptCheck scripts,
        final Map<String, VirtualServerGroup> groups)
    {
        this.values = values;
        this.checkers = checkers;
        this.scripts = scripts;
        this.groups = groups;
    }

    /** The forwarding method of {@code lvs_method}: NAT, DR or TUN with its type, port and checksum. */
    record Method(FwdMethod forwarding, TunnelType type, int port, TunnelChecksum checksum)
    {
        static final Method NAT = new Method(FwdMethod.MASQ, TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);
    }

    /** The settings of a virtual server that its real servers and their checkers take unless they set their own. */
    private static final class Defaults
    {
        Integer retry;
        Long delayBeforeRetryUs;
        long delayLoopUs = DEFAULT_DELAY_LOOP_US;
        Long warmupUs;
        long connectTimeoutUs = DEFAULT_CONNECT_TIMEOUT_US;
        boolean alpha;
        boolean inhibitOnFailure;
        Optional<String> virtualhost = Optional.empty();
        int weight = 1;
        Method method;
    }

    /** @return the virtual server, or null when keepalived would not set it up (said as a warning or an error) */
    KeepalivedVirtualServer read(final KeepalivedBlock block)
    {
        InetAddress address = null;
        int port = 0;
        int fwmark = 0;
        String group = null;
        final List<String> head = block.args();
        if (head.isEmpty())
        {
            values.error(block, "virtual_server needs an address and port, fwmark N or group NAME");
            return null;
        }
        switch (head.getFirst())
        {
            case "fwmark" ->
            {
                fwmark = (int)values.number(block, 1, 1, 0xFFFF_FFFFL, 0);
                if (0 == fwmark)
                {
                    return null;
                }
            }
            case "group" ->
            {
                group = values.arg(block, 1);
                if (null == group)
                {
                    return null;
                }
                if (!groups.containsKey(group))
                {
                    // keepalived's link_vsg_to_vs, when it starts (keepalived -t does not say it)
                    values.warn(block, "Virtual server group " + group + " specified but not configured - ignoring " +
                        "virtual server [" + group + "]");
                    return null;
                }
            }
            default ->
            {
                address = values.address(block, head.getFirst(), "virtual server");
                if (head.size() > 1)
                {
                    port = (int)values.number(block, 1, 0, 65535, 0);
                }
                if (null == address)
                {
                    return null;
                }
            }
        }
        final Defaults d = new Defaults();
        String scheduler = null;
        int schedFlags = 0;
        boolean ops = false;
        ServiceProtocol protocol = null;
        Integer persistence = null;
        Netmask granularity = null;
        long quorum = 1;
        long hysteresis = 0;
        List<String> quorumUp = List.of();
        List<String> quorumDown = List.of();
        boolean omega = false;
        KeepalivedBlock sorryAt = null;
        Method sorryMethod = null;
        boolean sorryInhibit = false;
        AddressFamily family = null;
        final List<KeepalivedBlock> realBlocks = new ArrayList<>();
        for (final KeepalivedBlock s : block.children())
        {
            switch (s.keyword())
            {
                case "ip_family" ->
                {
                    final String v = values.arg(s, 0);
                    if ("inet".equals(v) || "inet6".equals(v))
                    {
                        family = v.equals("inet") ? AddressFamily.INET : AddressFamily.INET6;
                    }
                    else if (null != v)
                    {
                        values.error(s, "unknown address family " + v + ": inet or inet6");
                    }
                }
                case "delay_loop" -> d.delayLoopUs = values.timerUs(s, 0, 1, DEFAULT_DELAY_LOOP_US);
                case "connect_timeout" -> d.connectTimeoutUs = values.timerUs(s, 0, 1, DEFAULT_CONNECT_TIMEOUT_US);
                case "retry" -> d.retry = (int)values.number(s, 0, 1, 0xFFFF_FFFFL, 1);
                case "delay_before_retry" -> d.delayBeforeRetryUs = values.timerUs(s, 0, 0, 0);
                case "warmup" -> d.warmupUs = values.timerUs(s, 0, 0, 0);
                case "lb_algo", "lvs_sched" ->
                {
                    final String v = values.arg(s, 0);
                    if (null != v && !SCHEDULERS.contains(v))
                    {
                        values.error(s, "Invalid lvs_scheduler '" + v + "': one of " + String.join(" ", SCHEDULERS));
                    }
                    else if (null != v)
                    {
                        scheduler = v;
                    }
                }
                case "hashed" ->
                {
                    // accepted by keepalived and without effect there too
                }
                case "flag-1" -> schedFlags |= SchedFlags.FLAG_1;
                case "flag-2" -> schedFlags |= SchedFlags.FLAG_2;
                case "flag-3" -> schedFlags |= SchedFlags.FLAG_3;
                case "sh-port", "sh-fallback", "mh-port", "mh-fallback" ->
                {
                    if (null == scheduler || !scheduler.equals(s.keyword().substring(0, 2)))
                    {
                        values.error(s, s.keyword() + " only applies to the " + s.keyword().substring(0, 2) +
                            " scheduler, set by lvs_sched before it");
                    }
                    schedFlags |= s.keyword().endsWith("fallback") ? SchedFlags.FLAG_1 : SchedFlags.FLAG_2;
                }
                case "ops" -> ops = true;
                case "lb_kind", "lvs_method" -> d.method = method(s);
                case "persistence_timeout" -> persistence = s.args().isEmpty() ? DEFAULT_PERSISTENCE_TIMEOUT :
                    (int)values.number(s, 0, 1, MAX_PERSISTENCE_TIMEOUT, DEFAULT_PERSISTENCE_TIMEOUT);
                case "persistence_granularity" -> granularity = granularity(s);
                case "persistence_engine" -> values.notDone(s, "jlvs has no persistence engines (sip)");
                case "protocol" ->
                {
                    final String v = values.arg(s, 0);
                    if (null != v)
                    {
                        switch (v.toUpperCase(Locale.ROOT))
                        {
                            case "TCP" -> protocol = ServiceProtocol.TCP;
                            case "UDP" -> protocol = ServiceProtocol.UDP;
                            case "SCTP" -> protocol = ServiceProtocol.SCTP;
                            default -> values.error(s, "Unknown protocol " + v + ": TCP, UDP or SCTP");
                        }
                    }
                }
                case "ha_suspend" -> values.notDone(s, "jlvs's virtual addresses are served whatever the VRRP state");
                case "smtp_alert" -> values.bool(s, 0);
                case "virtualhost" -> d.virtualhost = Optional.ofNullable(values.arg(s, 0));
                case "snmp_name" -> values.notDone(s, "jlvs has no SNMP agent; its metrics are Prometheus'");
                case "alpha" -> d.alpha = true;
                case "omega" -> omega = true;
                case "inhibit_on_failure" -> d.inhibitOnFailure = true;
                case "quorum" ->
                {
                    quorum = values.number(s, 0, 1, 0xFFFF_FFFFL, 1);
                }
                case "hysteresis" -> hysteresis = values.number(s, 0, 0, 0xFFFF_FFFFL, 0);
                case "quorum_up" -> quorumUp = scripts.command(s);
                case "quorum_down" -> quorumDown = scripts.command(s);
                case "weight" -> d.weight = (int)values.number(s, 0, 1, MAX_WEIGHT, 1);
                case "sorry_server" -> sorryAt = s;
                case "sorry_server_inhibit" ->
                {
                    if (null == sorryAt)
                    {
                        values.error(s, "sorry_server_inhibit used before or without sorry_server");
                    }
                    sorryInhibit = true;
                }
                case "sorry_server_lvs_method" -> sorryMethod = method(s);
                case "real_server" -> realBlocks.add(s);
                default -> values.unknown(s, "virtual_server");
            }
        }
        if (0 != fwmark && null != protocol)
        {
            values.warn(block, "Virtual server FWM " + Integer.toUnsignedString(fwmark) +
                ": protocol specified for fwmark - protocol will be ignored");
        }
        if (0 != fwmark)
        {
            protocol = ServiceProtocol.FWM;
        }
        else if (null == protocol)
        {
            values.warn(block, "Virtual server " + name(address, port, fwmark, group, protocol) +
                ": no protocol set - defaulting to UDP");
            protocol = ServiceProtocol.UDP;
        }
        if (ops && protocol != ServiceProtocol.UDP)
        {
            values.warn(block, "one packet scheduling requires UDP - resetting");
            ops = false;
        }
        if (null == scheduler)
        {
            values.warn(block, "Virtual server " + name(address, port, fwmark, group, protocol) +
                ": no scheduler set, setting default '" + KeepalivedVirtualServer.DEFAULT_SCHEDULER + "'");
            scheduler = KeepalivedVirtualServer.DEFAULT_SCHEDULER;
        }
        if (null != granularity && (null == persistence || 0 == persistence))
        {
            persistence = DEFAULT_PERSISTENCE_TIMEOUT;
        }
        if (null == group && 0 == fwmark && 0 == port && null == persistence)
        {
            values.warn(block, "Virtual server " + name(address, port, fwmark, group, protocol) +
                ": zero port only valid for persistent services - setting");
            persistence = DEFAULT_PERSISTENCE_TIMEOUT;
        }
        if (null == family)
        {
            // a group's or a fwmark's family comes from its first real server that is not tunnelled, as keepalived's
            family = null != address ? AddressFamily.of(address) : null;
        }
        else if (null != address && AddressFamily.of(address) != family)
        {
            values.error(block, "Virtual server specified family " + family + " conflicts with server family");
        }
        if (null != granularity && null != family && granularity.family() != family)
        {
            values.error(block, "persistence_granularity is not of the virtual server's family");
        }
        if (null == d.method)
        {
            final boolean anyReal = realBlocks.stream().anyMatch((r) -> r.children().stream()
                .noneMatch((c) -> c.keyword().equals("lvs_method")));
            if (anyReal || (null != sorryAt && null == sorryMethod))
            {
                values.warn(block, "Virtual server " + name(address, port, fwmark, group, protocol) +
                    ": no forwarding method set, setting default NAT");
            }
            d.method = Method.NAT;
        }
        final List<KeepalivedRealServer> reals = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        for (final KeepalivedBlock r : realBlocks)
        {
            final KeepalivedRealServer rs = real(r, d, port, fwmark, family, group);
            if (null == rs)
            {
                continue;
            }
            if (null == family && rs.forwarding() != FwdMethod.TUNNEL)
            {
                family = AddressFamily.of(rs.address());
            }
            if (!seen.add(rs.address().getHostAddress() + "/" + rs.port()))
            {
                values.warn(r, "real server " + endpoint(rs.address(), rs.port(), protocol) +
                    " is duplicated - removing second rs");
                continue;
            }
            reals.add(rs);
        }
        Optional<KeepalivedRealServer> sorry = Optional.empty();
        if (null != sorryAt)
        {
            sorry = Optional.ofNullable(sorry(sorryAt, null == sorryMethod ? d.method : sorryMethod, port, fwmark,
                family, group, sorryInhibit));
        }
        if (null == family && sorry.isPresent() && sorry.get().forwarding() != FwdMethod.TUNNEL)
        {
            family = AddressFamily.of(sorry.get().address());
        }
        if (null != group)
        {
            family = groupFamily(block, groups.get(group), family);
            if (null == family)
            {
                return null;
            }
            final int sequence = groupUses.merge(group, 1, Integer::sum) - 1;
            groupPorts(groups.get(group), "[" + group + "]:" + sequence, realBlocks, reals, sorryAt, sorry, protocol);
        }
        else if (null == family)
        {
            family = tunnelledFamily(sorry, reals);
        }
        if (reals.isEmpty())
        {
            values.warn(block, "Virtual server " + name(address, port, fwmark, group, protocol) +
                " has no real servers - ignoring");
            return null;
        }
        final long total = reals.stream().mapToLong(KeepalivedRealServer::weight).sum();
        if (total < quorum)
        {
            values.warn(block, "quorum " + quorum + " for " + name(address, port, fwmark, group, protocol) +
                " exceeds total weight of real servers " + total + ", reducing quorum to " + total);
            quorum = total;
        }
        if (hysteresis >= quorum)
        {
            values.warn(block, "hysteresis " + hysteresis + " >= quorum " + quorum + "; setting hysteresis to " +
                (quorum - 1));
            hysteresis = quorum - 1;
        }
        return new KeepalivedVirtualServer(block.where(), address, port, fwmark, group, family, protocol, scheduler,
            schedFlags,
            ops, null == persistence ? OptionalInt.empty() : OptionalInt.of(persistence),
            Optional.ofNullable(granularity), d.virtualhost, quorum, hysteresis, quorumUp, quorumDown, omega, sorry,
            sorryInhibit, reals);
    }

    /**
     * keepalived's checks of a group's ports ({@code validate_check_config}): a direct-routed or tunnelled real (or
     * sorry) server with a port is told that a fwmark entry ignores it, and that it does not match an address entry of
     * another port (each such port once); the table gives each entry's real servers the entry's port.
     *
     * @param name keepalived's name of the virtual server, "[GROUP]:N", N its place among the group's
     */
    private void groupPorts(final VirtualServerGroup g, final String name, final List<KeepalivedBlock> realBlocks,
        final List<KeepalivedRealServer> reals, final KeepalivedBlock sorryAt,
        final Optional<KeepalivedRealServer> sorry, final ServiceProtocol protocol)
    {
        final boolean fwmarks = g.members().stream().anyMatch((m) -> 0 != m.fwmark());
        final Set<Integer> entryPorts = new LinkedHashSet<>();
        g.members().stream().filter((m) -> null != m.address()).forEach((m) -> entryPorts.add(m.port()));
        for (final KeepalivedRealServer rs : reals)
        {
            if (rs.forwarding() == FwdMethod.MASQ || 0 == rs.port())
            {
                continue;
            }
            final KeepalivedBlock at = realBlocks.stream().filter((b) -> b.where().equals(rs.where())).findFirst()
                .orElseThrow();
            if (fwmarks)
            {
                values.warn(at, "fwmark virtual server " + name + ", real server " +
                    endpoint(rs.address(), rs.port(), protocol) + " has port specified - port will be ignored");
            }
            for (final int port : entryPorts)
            {
                if (port != rs.port())
                {
                    final VirtualServerGroup.Member m = g.members().stream()
                        .filter((e) -> null != e.address() && e.port() == port).findFirst().orElseThrow();
                    values.warn(at, "virtual server " + name + ":[" + InetLiterals.ntop(m.address()) + "," + port +
                        "] and real server " + endpoint(rs.address(), rs.port(), protocol) + " ports don't match");
                }
            }
        }
        if (sorry.isPresent() && sorry.get().forwarding() != FwdMethod.MASQ && 0 != sorry.get().port())
        {
            if (fwmarks)
            {
                values.warn(sorryAt, "fwmark virtual server " + name + ", sorry server has port specified - port will " +
                    "be ignored");
            }
            if (entryPorts.stream().anyMatch((p) -> p != sorry.get().port()))
            {
                values.warn(sorryAt, "virtual server " + name + ", sorry server has port specified - port will be " +
                    "ignored");
            }
        }
    }

    /**
     * keepalived's {@code link_vsg_to_vs}: a group of both families serves only a virtual server whose real servers
     * are all tunnelled (no family of its own), a group of one family only a virtual server of that family, which a
     * virtual server without one takes. Null, with keepalived's words, when the virtual server is ignored.
     */
    private AddressFamily groupFamily(final KeepalivedBlock block, final VirtualServerGroup g, final AddressFamily family)
    {
        final String group = g.name();
        final boolean ipv4 = g.has(AddressFamily.INET);
        final boolean ipv6 = g.has(AddressFamily.INET6);
        if (ipv4 && ipv6 && null != family)
        {
            values.warn(block, group + ": virtual server group with IPv4 & IPv6 doesn't match virtual server [" +
                group + "] - ignoring");
            return null;
        }
        if ((ipv4 && family == AddressFamily.INET6) || (ipv6 && family == AddressFamily.INET))
        {
            values.warn(block, group + ": address family doesn't match virtual server [" + group + "] - ignoring");
            return null;
        }
        if (ipv4 != ipv6)
        {
            return ipv4 ? AddressFamily.INET : AddressFamily.INET6;
        }
        if (null == family && g.hasFwmarkWithoutFamily())
        {
            values.warn(block, group + ": Virtual server [" + group + "] address family cannot be determined, " +
                "defaulting to IPv4");
        }
        return null == family ? AddressFamily.INET : family;
    }

    /**
     * The family of a fwmark virtual server whose real and sorry servers are all tunnelled, as keepalived's
     * {@code vs_end_handler}: the sorry server's, else the real servers' when they have one, else IPv4.
     */
    private static AddressFamily tunnelledFamily(final Optional<KeepalivedRealServer> sorry,
        final List<KeepalivedRealServer> reals)
    {
        if (sorry.isPresent())
        {
            return AddressFamily.of(sorry.get().address());
        }
        final Set<AddressFamily> families = new HashSet<>();
        reals.forEach((r) -> families.add(AddressFamily.of(r.address())));
        return 1 == families.size() ? families.iterator().next() : AddressFamily.INET;
    }

    /** keepalived's FMT_VS: "[192.0.2.1]:tcp:80" ("none" before a protocol is set), "FWM 1", "[GROUP]". */
    private static String name(final InetAddress address, final int port, final int fwmark, final String group,
        final ServiceProtocol protocol)
    {
        if (null != group)
        {
            return "[" + group + "]";
        }
        if (0 != fwmark)
        {
            return "FWM " + Integer.toUnsignedString(fwmark);
        }
        return endpoint(address, port, protocol);
    }

    /** keepalived's FMT_RS: "[10.0.0.1]:tcp:80", the virtual server's protocol. */
    private static String endpoint(final InetAddress address, final int port, final ServiceProtocol protocol)
    {
        return "[" + InetLiterals.ntop(address) + "]:" + (null == protocol ? "none" :
            protocol.name().toLowerCase(Locale.ROOT)) + ":" + port;
    }

    /** {@code NAT}, {@code DR} or {@code TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]}. */
    private Method method(final KeepalivedBlock s)
    {
        final String v = values.arg(s, 0);
        if (null == v)
        {
            return Method.NAT;
        }
        switch (v.toUpperCase(Locale.ROOT))
        {
            case "NAT" ->
            {
                return Method.NAT;
            }
            case "DR" ->
            {
                return new Method(FwdMethod.DROUTE, TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);
            }
            case "TUN" ->
            {
                TunnelType type = TunnelType.IPIP;
                int port = 0;
                TunnelChecksum checksum = TunnelChecksum.NOCSUM;
                boolean checksumSet = false;
                for (int i = 1; i < s.args().size(); i++)
                {
                    final String w = s.args().get(i);
                    switch (w)
                    {
                        case "type" ->
                        {
                            final String t = i + 1 < s.args().size() ? s.args().get(++i) : "";
                            switch (t)
                            {
                                case "ipip" -> type = TunnelType.IPIP;
                                case "gue" -> type = TunnelType.GUE;
                                case "gre" -> type = TunnelType.GRE;
                                default -> values.error(s, "unknown tunnel type '" + t + "': ipip, gue or gre");
                            }
                        }
                        case "port" -> port = (int)values.number(s, ++i, 1, 65535, 0);
                        case "nocsum", "csum", "remcsum" ->
                        {
                            checksum = w.equals("nocsum") ? TunnelChecksum.NOCSUM : w.equals("csum") ?
                                TunnelChecksum.CSUM : TunnelChecksum.REMCSUM;
                            checksumSet = true;
                        }
                        default -> values.error(s, "unknown TUN option '" + w + "': type, port, nocsum, csum, remcsum");
                    }
                }
                if ((type == TunnelType.GUE) != (port != 0))
                {
                    values.error(s, "gue tunnels require port, otherwise cannot have port.");
                }
                if (checksumSet && type == TunnelType.IPIP)
                {
                    values.error(s, "ipip tunnels take no checksum option (gue and gre do)");
                }
                if (checksum == TunnelChecksum.REMCSUM && type == TunnelType.GRE)
                {
                    values.error(s, "remcsum is for gue tunnels only");
                }
                return new Method(FwdMethod.TUNNEL, type, port, checksum);
            }
            default ->
            {
                values.error(s, "unknown [" + v + "] routing method: NAT, DR or TUN");
                return Method.NAT;
            }
        }
    }

    private Netmask granularity(final KeepalivedBlock s)
    {
        final String v = values.arg(s, 0);
        if (null == v)
        {
            return null;
        }
        final Inet4Address mask = InetLiterals.ipv4(v);
        if (null != mask)
        {
            return new Netmask(AddressFamily.INET, InetLiterals.toInt(mask));
        }
        final java.util.OptionalLong prefix = KeepalivedValues.parseNumber(v);
        if (prefix.isPresent() && prefix.getAsLong() >= 1 && prefix.getAsLong() <= 128)
        {
            return new Netmask(AddressFamily.INET6, (int)prefix.getAsLong());
        }
        values.error(s, "Invalid persistence_granularity specified - " + v + ": a netmask or an IPv6 prefix length");
        return null;
    }

    private KeepalivedRealServer real(final KeepalivedBlock block, final Defaults vs, final int vsPort,
        final int fwmark, final AddressFamily family, final String group)
    {
        final InetAddress address = null == values.arg(block, 0) ? null :
            values.address(block, block.args().getFirst(), "real server");
        final int written = block.args().size() > 1 ? (int)values.number(block, 1, 0, 65535, 0) : 0;
        if (null == address)
        {
            return null;
        }
        int weight = vs.weight;
        Method method = vs.method;
        int upper = 0;
        int lower = 0;
        boolean inhibit = vs.inhibitOnFailure;
        boolean alpha = vs.alpha;
        List<String> up = List.of();
        List<String> down = List.of();
        Integer retry = vs.retry;
        Long delayBeforeRetry = vs.delayBeforeRetryUs;
        Long warmup = vs.warmupUs;
        long connectTimeout = vs.connectTimeoutUs;
        long delayLoop = vs.delayLoopUs;
        Optional<String> virtualhost = vs.virtualhost;
        final List<KeepalivedBlock> checkerBlocks = new ArrayList<>();
        for (final KeepalivedBlock s : block.children())
        {
            if (CheckerReader.KEYWORDS.contains(s.keyword()))
            {
                checkerBlocks.add(s);
                continue;
            }
            switch (s.keyword())
            {
                case "weight" -> weight = (int)values.number(s, 0, 0, MAX_WEIGHT, vs.weight);
                case "lvs_method" -> method = method(s);
                case "uthreshold" -> upper = (int)values.number(s, 0, 0, Integer.MAX_VALUE, 0);
                case "lthreshold" -> lower = (int)values.number(s, 0, 0, Integer.MAX_VALUE, 0);
                case "inhibit_on_failure" -> inhibit = values.bool(s, 0);
                case "alpha" -> alpha = values.bool(s, 0);
                case "notify_up" -> up = scripts.command(s);
                case "notify_down" -> down = scripts.command(s);
                case "retry" -> retry = (int)values.number(s, 0, 1, 0xFFFF_FFFFL, 1);
                case "delay_before_retry" -> delayBeforeRetry = values.timerUs(s, 0, 0, 0);
                case "warmup" -> warmup = values.timerUs(s, 0, 0, 0);
                case "connect_timeout" -> connectTimeout = values.timerUs(s, 0, 1, connectTimeout);
                case "delay_loop" -> delayLoop = values.timerUs(s, 0, 1, delayLoop);
                case "smtp_alert" -> values.bool(s, 0);
                case "virtualhost" -> virtualhost = Optional.ofNullable(values.arg(s, 0));
                case "snmp_name" -> values.notDone(s, "jlvs has no SNMP agent; its metrics are Prometheus'");
                default -> values.unknown(s, "real_server");
            }
        }
        if (method.forwarding() != FwdMethod.TUNNEL && null != family && AddressFamily.of(address) != family)
        {
            values.error(block, "Address family of virtual server and real server " + InetLiterals.ntop(address) +
                " don't match (only a tunnel may cross families)");
            return null;
        }
        final int port = realPort(block, written, method, vsPort, fwmark, group, "real server");
        final CheckerReader.Inherited inherited = new CheckerReader.Inherited(address, written, retry,
            delayBeforeRetry, delayLoop, warmup, connectTimeout, alpha, virtualhost, false);
        final List<Checker> list = new ArrayList<>();
        for (final KeepalivedBlock c : checkerBlocks)
        {
            list.addAll(checkers.read(c, inherited));
        }
        return new KeepalivedRealServer(block.where(), address, port, weight, method.forwarding(), method.type(),
            method.port(), method.checksum(), upper, lower, inhibit, up, down, list);
    }

    /** keepalived's port fix-ups: a missing port is the virtual's; DR and TUN cannot map a port; fwmark has none. */
    private int realPort(final KeepalivedBlock at, final int written, final Method method, final int vsPort,
        final int fwmark, final String group, final String what)
    {
        if (null != group)
        {
            return written;
        }
        if (0 != fwmark)
        {
            if (0 != written && method.forwarding() != FwdMethod.MASQ)
            {
                values.warn(at, "fwmark virtual server, " + what + " has port specified - clearing");
                return 0;
            }
            return written;
        }
        if (0 == written)
        {
            return vsPort;
        }
        if (method.forwarding() != FwdMethod.MASQ && written != vsPort)
        {
            values.warn(at, "virtual server and " + what + " ports don't match - resetting");
            return vsPort;
        }
        return written;
    }

    private KeepalivedRealServer sorry(final KeepalivedBlock at, final Method method, final int vsPort, final int fwmark,
        final AddressFamily family, final String group, final boolean inhibit)
    {
        final String a = values.arg(at, 0);
        final InetAddress address = null == a ? null : values.address(at, a, "sorry server");
        final int written = at.args().size() > 1 ? (int)values.number(at, 1, 0, 65535, 0) : 0;
        if (null == address)
        {
            return null;
        }
        if (method.forwarding() != FwdMethod.TUNNEL && null != family && AddressFamily.of(address) != family)
        {
            values.error(at, "Address family of virtual server and sorry server " + a + " don't match");
            return null;
        }
        final int port = realPort(at, written, method, vsPort, fwmark, group, "sorry server");
        return new KeepalivedRealServer(at.where(), address, port, 1, method.forwarding(), method.type(), method.port(),
            method.checksum(), 0, 0, inhibit, List.of(), List.of(), List.of());
    }
}
