package io.jlvs.controlplane.vrrp;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.keepalived.KeepalivedSource;
import io.jlvs.controlplane.vrrp.VrrpConfig.SyncGroup;
import io.jlvs.controlplane.vrrp.VrrpConfig.TrackedInterface;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads the VRRP part of a keepalived.conf into a {@link VrrpConfig}: {@code global_defs}' VRRP keywords,
 * {@code vrrp_script}, {@code vrrp_sync_group} and the one {@code vrrp_instance}, with keepalived's defaults and its
 * words where it complains. The words come from {@link KeepalivedSource} (include, @ID lines, $ definitions), each
 * with its file and line; every error is gathered and thrown together, so a file is taken whole or not at all.
 */
final class VrrpConfigReader
{
    private VrrpConfigReader()
    {
    }

    /**
     * keepalived 2.2's vrrp_instance keywords that jlvs does not do and that would change what the pair does: refused
     * with why, not called unknown.
     */
    private static final Map<String, String> NOT_DONE_REFUSED = Map.of(
        "virtual_routes", "jlvs adds no routes with the addresses (its routes are the settings')",
        "virtual_rules", "jlvs adds no policy rules with the addresses",
        "use_ipvlan", "jlvs has no ipvlan interface; it answers for the addresses on its port",
        "vrf", "jlvs's VRRP runs in its host path, in no VRF",
        "mcast_dst_ip", "jlvs advertises to 224.0.0.18 (ff02::12) or to unicast_peer, as the RFC",
        "old_unicast_checksum", "jlvs computes the unicast checksum as RFC 5798 (keepalived 2.2's default)");
    /** keepalived 2.2's other vrrp_instance keywords that jlvs does not do: each one warned and passed over. */
    private static final Set<String> NOT_DONE_IGNORED = Set.of("smtp_alert", "dont_track_primary", "use_vmac_addr",
        "unicast_fault_no_peer", "check_unicast_src", "mcast_src_ip", "unicast_ttl", "promote_secondaries",
        "linkbeat_use_polling", "accept", "no_accept", "skip_check_adv_addr", "strict_mode", "debug",
        "lvs_sync_daemon_interface", "down_timer_adverts", "vmac_garp_intvl", "lower_prio_no_advert",
        "higher_prio_send_advert", "kernel_rx_buf_size");

    static VrrpConfig read(final Path file, final KeepalivedSource.Result source, final boolean servicesHere,
        final Consumer<String> warn) throws ConfigException
    {
        if (!source.errors().isEmpty())
        {
            throw new ConfigException(source.errors());
        }
        source.warnings().forEach((w) -> warn.accept(w.toString()));
        return new Parser(file, tokens(source.lines()), servicesHere, warn).parse();
    }

    private record Token(String text, int line, Path file)
    {
    }

    /** The words of keepalived's lines (its lexis is {@link KeepalivedSource}'s), each with its file and line. */
    private static List<Token> tokens(final List<KeepalivedSource.Line> lines)
    {
        final List<Token> out = new ArrayList<>();
        for (final KeepalivedSource.Line l : lines)
        {
            for (final String w : l.words())
            {
                out.add(new Token(w, l.number(), l.file()));
            }
        }
        return out;
    }

    /** The top-level statements of keepalived's checker process, not VRRP's. */
    private static final Set<String> SERVICES = Set.of("virtual_server", "virtual_server_group",
        "track_file", "SSL");

    /** A {@code track_script} line: the script's name, and the weight it gives, if it gives one. */
    private record Tracked(Token at, String name, TrackWeight weight)
    {
    }

    private static final class Parser
    {
        private final Path file;
        private final List<Token> t;
        private final Consumer<String> warn;
        private final List<ConfigDiagnostic> errors = new ArrayList<>();
        private final boolean servicesHere;
        private int p;
        private int version = 2;
        private int garpDelay = 5;
        private String name;
        private int nameLine;
        private boolean initialMaster;
        private int vrid = -1;
        private int priority = 100;
        private int intervalCs = 100;
        private boolean preempt = true;
        private int preemptDelay;
        private byte[] password;
        private String authType;
        private final List<InetAddress> addresses = new ArrayList<>();
        private final List<InetAddress> excluded = new ArrayList<>();
        private boolean nativeIpv6;
        private int addressesLine;
        private InetAddress unicastSource;
        private int unicastSourceLine;
        private final List<InetAddress> peers = new ArrayList<>();
        private int peersLine;
        private Integer instanceVersion;
        private Integer instanceGarpDelay;
        private List<String> notifyMaster = List.of();
        private List<String> notifyBackup = List.of();
        private List<String> notifyStop = List.of();
        private List<String> notify = List.of();
        private List<String> notifyFault = List.of();
        private final List<TrackedInterface> interfaces = new ArrayList<>();
        /** The vrrp_sync_group blocks, as read: resolved against the instance at the end. */
        private final List<GroupBlock> groups = new ArrayList<>();
        private boolean useVmac;
        private final Map<String, VrrpScript> definedScripts = new HashMap<>();
        private final List<Tracked> tracks = new ArrayList<>();

        Parser(final Path file, final List<Token> tokens, final boolean servicesHere, final Consumer<String> warn)
        {
            this.file = file;
            this.t = tokens;
            this.servicesHere = servicesHere;
            this.warn = warn;
        }

        private void error(final int line, final String message)
        {
            errors.add(new ConfigDiagnostic(file, line, message, ""));
        }

        private void error(final Token at, final String message)
        {
            errors.add(new ConfigDiagnostic(at.file(), at.line(), message, ""));
        }

        private void warning(final int line, final String message)
        {
            warn.accept(file + ":" + line + ": " + message);
        }

        private void warning(final Token at, final String message)
        {
            warn.accept(at.file() + ":" + at.line() + ": " + message);
        }

        VrrpConfig parse() throws ConfigException
        {
            while (p < t.size())
            {
                final Token k = t.get(p++);
                switch (k.text())
                {
                    case "global_defs" -> block(k, this::globalKeyword);
                    case "vrrp_sync_group" ->
                    {
                        final Token n = p < t.size() ? t.get(p++) : k;
                        syncGroup(k, n.text());
                    }
                    case "vrrp_script" ->
                    {
                        final Token n = p < t.size() ? t.get(p++) : k;
                        script(k, n.text());
                    }
                    case "vrrp_instance" ->
                    {
                        final Token n = p < t.size() ? t.get(p++) : k;
                        if (null != name)
                        {
                            error(k, "a second vrrp_instance (" + n.text() + "): jlvs moves all its VIPs " +
                                "together, as one instance (the first is " + name + " at line " + nameLine + ")");
                            skipBlock(k);
                            continue;
                        }
                        name = n.text();
                        nameLine = k.line();
                        block(k, this::instanceKeyword);
                    }
                    default ->
                    {
                        if (!servicesHere || !SERVICES.contains(k.text()))
                        {
                            warning(k, "ignored: " + k.text() + (SERVICES.contains(k.text()) ?
                                " (jlvs's services come from ldirectord.cf)" :
                                " (jlvs reads vrrp_instance and global_defs)"));
                        }
                        skipStatement();
                    }
                }
            }
            if (null == name)
            {
                error(0, "no vrrp_instance");
            }
            else if (vrid < 0)
            {
                error(nameLine, "vrrp_instance " + name + " has no virtual_router_id");
            }
            final boolean ipv6 = addresses.isEmpty() ? nativeIpv6 : addresses.getFirst() instanceof Inet6Address;
            final String family = ipv6 ? "IPv6" : "IPv4";
            if (addresses.stream().anyMatch((a) -> (a instanceof Inet6Address) != ipv6))
            {
                error(addressesLine, "virtual_ipaddress mixes IPv4 and IPv6: an instance is of one family (its " +
                    "first address's, " + family + "); the others go in virtual_ipaddress_excluded");
            }
            if (null != unicastSource && (unicastSource instanceof Inet6Address) != ipv6)
            {
                error(unicastSourceLine, "unicast_src_ip " + unicastSource.getHostAddress() + " is not " + family +
                    ", the instance's family");
            }
            if (peers.stream().anyMatch((a) -> (a instanceof Inet6Address) != ipv6))
            {
                error(peersLine, "unicast_peer: every peer must be " + family + ", the instance's family");
            }
            int v = null != instanceVersion ? instanceVersion : version;
            if (ipv6 && v == 2)
            {
                warning(nameLine, "VRRP version 2 is IPv4 only: the IPv6 instance speaks version 3, as keepalived's");
                v = 3;
            }
            if (v == 2 && intervalCs % 100 != 0)
            {
                error(nameLine, "advert_int " + intervalCs / 100.0 + " with VRRP version 2, which takes whole " +
                    "seconds (vrrp_version 3 for fractions)");
            }
            if (v == 3 && null != password)
            {
                warning(nameLine, "authentication is not part of VRRP version 3: ignored");
            }
            if (!errors.isEmpty())
            {
                throw new ConfigException(errors);
            }
            final Optional<SyncGroup> group = resolveGroups();
            final List<VrrpScript> scripts = new ArrayList<>();
            for (final Tracked tracked : tracks)
            {
                final VrrpScript script = definedScripts.get(tracked.name());
                if (null == script)
                {
                    warning(tracked.at(), "(" + name + ") track script " + tracked.name() + " not found, ignoring...");
                    continue;
                }
                scripts.add(null == tracked.weight() ? script : new VrrpScript(script.name(), script.command(),
                    script.intervalMs(), script.timeoutMs(), tracked.weight().weight(), tracked.weight().reverse(),
                    script.rise(), script.fall(), script.initFail()));
            }
            return new VrrpConfig(file, name, initialMaster, vrid, priority, intervalCs, v, preempt, preemptDelay,
                v == 2 ? password : null, addresses, ipv6, unicastSource, peers,
                null != instanceGarpDelay ? instanceGarpDelay : garpDelay, notifyMaster, notifyBackup, notifyStop,
                notify, useVmac, scripts, notifyFault, group, interfaces);
        }

        /** {@code keyword { ... }}: each statement inside to {@code handler}, which consumes its arguments. */
        private void block(final Token head, final Consumer<Token> handler)
        {
            while (p < t.size() && !t.get(p).text().equals("{"))
            {
                p++;
            }
            if (p >= t.size())
            {
                error(head, head.text() + " without {");
                return;
            }
            p++;
            while (p < t.size() && !t.get(p).text().equals("}"))
            {
                handler.accept(t.get(p++));
            }
            if (p >= t.size())
            {
                error(head, head.text() + " is not closed by }");
            }
            p++;
        }

        private void skipBlock(final Token head)
        {
            while (p < t.size() && !t.get(p).text().equals("{"))
            {
                p++;
            }
            int depth = 0;
            while (p < t.size())
            {
                final String s = t.get(p++).text();
                if (s.equals("{"))
                {
                    depth++;
                }
                else if (s.equals("}") && --depth == 0)
                {
                    return;
                }
            }
        }

        /** The rest of a statement: its words on its line, and a block after them if one opens. */
        private void skipStatement()
        {
            final int line = p > 0 ? t.get(p - 1).line() : 0;
            while (p < t.size() && t.get(p).line() == line && !t.get(p).text().equals("{") &&
                !t.get(p).text().equals("}"))
            {
                p++;
            }
            if (p < t.size() && t.get(p).text().equals("{"))
            {
                skipBlock(t.get(p));
            }
        }

        private String arg(final Token k)
        {
            if (p < t.size() && t.get(p).line() == k.line() && !t.get(p).text().equals("{") &&
                !t.get(p).text().equals("}"))
            {
                return t.get(p++).text();
            }
            error(k, k.text() + " needs a value");
            return null;
        }

        private int number(final Token k, final int min, final int max, final int def)
        {
            final String v = arg(k);
            if (null == v)
            {
                return def;
            }
            try
            {
                final int n = Integer.parseInt(v);
                if (n >= min && n <= max)
                {
                    return n;
                }
            }
            catch (final NumberFormatException ignore)
            {
                // below
            }
            error(k, "invalid " + k.text() + " \"" + v + "\": a number in " + min + ".." + max);
            return def;
        }

        private InetAddress address(final Token k, final String text)
        {
            final String a = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
            final InetAddress ip = a.contains(":") ? InetLiterals.ipv6(a) : InetLiterals.ipv4(a);
            if (null == ip)
            {
                error(k, "invalid address \"" + text + "\" in " + k.text());
            }
            return ip;
        }

        private void globalKeyword(final Token k)
        {
            switch (k.text())
            {
                case "vrrp_version" -> version = number(k, 2, 3, 2);
                case "vrrp_garp_master_delay" -> garpDelay = number(k, 0, 1000, 5);
                default -> skipStatement(); // keepalived's mail, router_id, scripts...: nothing for the dataplane
            }
        }

        /** What a {@code vrrp_sync_group} block says, as it is read. */
        private static final class GroupBlock
        {
            Token at;
            String name;
            final List<Token> members = new ArrayList<>();
            List<String> notifyMaster = List.of();
            List<String> notifyBackup = List.of();
            List<String> notifyFault = List.of();
            List<String> notifyStop = List.of();
            List<String> notify = List.of();
        }

        /** {@code vrrp_sync_group NAME { group { INSTANCE ... } notify_* ...; track_script { ... } }}. */
        private void syncGroup(final Token head, final String groupName)
        {
            final GroupBlock g = new GroupBlock();
            g.at = head;
            g.name = groupName;
            block(head, (k) ->
            {
                switch (k.text())
                {
                    case "group" -> block(k, (member) ->
                    {
                        g.members.add(member);
                        while (p < t.size() && t.get(p).line() == member.line() && !t.get(p).text().equals("}"))
                        {
                            g.members.add(t.get(p++));
                        }
                    });
                    case "notify_master" -> g.notifyMaster = command(k);
                    case "notify_backup" -> g.notifyBackup = command(k);
                    case "notify_fault" -> g.notifyFault = command(k);
                    case "notify_stop" -> g.notifyStop = command(k);
                    case "notify" -> g.notify = command(k);
                    case "track_script", "track_interface" -> instanceKeyword(k);
                    default ->
                    {
                        if (k.text().startsWith("track_") || k.text().equals("smtp_alert") ||
                            k.text().equals("global_tracking") || k.text().equals("sync_group_tracking_weight") ||
                            k.text().equals("notify_priority_changes"))
                        {
                            warning(k, "not done by jlvs yet, ignored: " + k.text());
                            skipStatement();
                        }
                        else
                        {
                            error(k, "unknown vrrp_sync_group keyword \"" + k.text() + "\"");
                            skipStatement();
                        }
                    }
                }
            });
            groups.add(g);
        }

        /** The sync group naming the instance, as keepalived's {@code vrrp_sync_group_check} sees it. */
        private Optional<SyncGroup> resolveGroups()
        {
            SyncGroup found = null;
            for (final GroupBlock g : groups)
            {
                boolean ours = false;
                for (final Token m : g.members)
                {
                    if (m.text().equals(name))
                    {
                        ours = true;
                    }
                    else
                    {
                        warning(m, "Virtual router " + m.text() + " specified in sync group " + g.name +
                            " doesn't exist - ignoring");
                    }
                }
                if (!ours)
                {
                    warning(g.at, "Sync group " + g.name + ", no matching virtual router found in group declaration" +
                        " - removing");
                    continue;
                }
                if (null != found)
                {
                    error(g.at, "VRRP instance " + name + " is in more than one sync group (" + found.name() + ", " +
                        g.name + ")");
                    continue;
                }
                warning(g.at, "Sync group " + g.name + " has only 1 virtual router(s) - this probably isn't what you " +
                    "want (jlvs runs one instance: the group is the instance)");
                found = new SyncGroup(g.name, g.notifyMaster, g.notifyBackup, g.notifyFault, g.notifyStop, g.notify);
            }
            return Optional.ofNullable(found);
        }

        /** What a {@code vrrp_script} block says, as it is read. */
        private static final class ScriptBlock
        {
            List<String> command;
            long intervalMs = 1000;
            long timeoutMs;
            int weight;
            boolean reverse;
            int rise = 1;
            int fall = 1;
            boolean initFail;
        }

        /** {@code vrrp_script NAME { script ...; interval; timeout; weight [reverse]; rise; fall; user; init_fail }}. */
        private void script(final Token head, final String scriptName)
        {
            final ScriptBlock b = new ScriptBlock();
            block(head, (k) ->
            {
                switch (k.text())
                {
                    case "script" -> b.command = command(k);
                    case "interval" -> b.intervalMs = number(k, 1, 4294, 1) * 1000L;
                    case "timeout" -> b.timeoutMs = number(k, 1, 4294, 1) * 1000L;
                    case "weight" ->
                    {
                        b.weight = number(k, -253, 253, 0);
                        if (p < t.size() && t.get(p).line() == k.line() && t.get(p).text().equals("reverse"))
                        {
                            p++;
                            b.reverse = true;
                        }
                    }
                    case "rise" -> b.rise = number(k, 1, 1_000_000, 1);
                    case "fall" -> b.fall = number(k, 1, 1_000_000, 1);
                    case "init_fail" -> b.initFail = true;
                    case "user" ->
                    {
                        warning(k, "user: jlvs runs its scripts as the director's user; ignored");
                        skipStatement();
                    }
                    default ->
                    {
                        error(k, "unknown vrrp_script keyword \"" + k.text() + "\"");
                        skipStatement();
                    }
                }
            });
            if (null == b.command || b.command.isEmpty())
            {
                error(head, "No script set for vrrp_script " + scriptName);
                return;
            }
            definedScripts.put(scriptName, new VrrpScript(scriptName, b.command, b.intervalMs,
                0 == b.timeoutMs ? b.intervalMs : b.timeoutMs, b.weight, b.reverse, b.rise, b.fall, b.initFail));
        }

        /**
         * The rest of a tracked object's line, {@code [weight N [reverse]]}: its weight, or null when it gives none;
         * whatever else stands on the line is passed over.
         */
        private TrackWeight trackedWeight(final Token item, final int limit)
        {
            TrackWeight weight = null;
            if (p + 1 < t.size() && t.get(p).line() == item.line() && t.get(p).text().equals("weight"))
            {
                p++;
                final int w = number(t.get(p - 1), -limit, limit, 0);
                final boolean reverse = p < t.size() && t.get(p).line() == item.line() &&
                    t.get(p).text().equals("reverse");
                if (reverse)
                {
                    p++;
                }
                weight = new TrackWeight(w, reverse);
            }
            while (p < t.size() && t.get(p).line() == item.line() && !t.get(p).text().equals("}"))
            {
                p++;
            }
            return weight;
        }

        private void instanceKeyword(final Token k)
        {
            switch (k.text())
            {
                case "state" ->
                {
                    final String s = arg(k);
                    if (null != s)
                    {
                        final String u = s.toUpperCase(Locale.ROOT);
                        if (!u.equals("MASTER") && !u.equals("BACKUP"))
                        {
                            error(k, "invalid state \"" + s + "\": MASTER or BACKUP");
                        }
                        initialMaster = u.equals("MASTER");
                    }
                }
                case "interface" ->
                {
                    final String i = arg(k);
                    warning(k, "interface " + i + ": jlvs speaks VRRP on its own port, through its host path");
                }
                case "virtual_router_id" -> vrid = number(k, 1, 255, 1);
                case "priority" -> priority = number(k, 1, 255, 100);
                case "version" -> instanceVersion = number(k, 2, 3, 2);
                case "advert_int" ->
                {
                    final String v = arg(k);
                    try
                    {
                        final double s = Double.parseDouble(null == v ? "1" : v);
                        intervalCs = (int)Math.round(s * 100);
                        if (intervalCs < 1 || intervalCs > 4095)
                        {
                            throw new NumberFormatException();
                        }
                    }
                    catch (final NumberFormatException ex)
                    {
                        error(k, "invalid advert_int \"" + v + "\": seconds, 0.01..40.95");
                        intervalCs = 100;
                    }
                }
                case "nopreempt" -> preempt = false;
                case "preempt" ->
                {
                    // keepalived's compatibility keyword: preemption is the default
                }
                case "preempt_delay" -> preemptDelay = number(k, 0, 1000, 0);
                case "garp_master_delay" -> instanceGarpDelay = number(k, 0, 1000, 5);
                case "unicast_src_ip" ->
                {
                    final String v = arg(k);
                    unicastSource = null == v ? null : address(k, v);
                    unicastSourceLine = k.line();
                }
                case "unicast_peer" ->
                {
                    peersLine = k.line();
                    list(k, peers);
                }
                case "virtual_ipaddress" ->
                {
                    addressesLine = k.line();
                    list(k, addresses);
                }
                case "virtual_ipaddress_excluded" -> list(k, excluded);
                case "native_ipv6" -> nativeIpv6 = true;
                case "authentication" -> block(k, this::authKeyword);
                case "notify_master" -> notifyMaster = command(k);
                case "notify_backup" -> notifyBackup = command(k);
                case "notify_stop" -> notifyStop = command(k);
                case "notify_fault" -> notifyFault = command(k);
                case "notify" -> notify = command(k);
                case "use_vmac" ->
                {
                    useVmac = true;
                    if (p < t.size() && t.get(p).line() == k.line() && !t.get(p).text().equals("}"))
                    {
                        warning(k, "use_vmac " + t.get(p++).text() + ": jlvs has no macvlan interface to " +
                            "name; it answers from the virtual MAC on its port");
                    }
                }
                case "vmac_xmit_base" ->
                {
                    warning(k, "vmac_xmit_base: jlvs advertises from the virtual MAC, as RFC 5798 says");
                }
                case "track_interface" -> block(k, (item) ->
                {
                    final TrackWeight weight = trackedWeight(item, 254);
                    warning(item, "track_interface " + item.text() + ": jlvs tracks its data port's link (VRRP rides it)");
                    interfaces.add(new TrackedInterface(item.text(), null == weight ? new TrackWeight(0, false) : weight));
                });
                case "track_script" -> block(k, (item) -> tracks.add(new Tracked(item, item.text(),
                    trackedWeight(item, 253))));
                default ->
                {
                    final String refused = NOT_DONE_REFUSED.get(k.text());
                    if (null != refused)
                    {
                        error(k, k.text() + ": not done by jlvs: " + refused);
                    }
                    else if (k.text().startsWith("track_") || k.text().startsWith("notify_") ||
                        k.text().startsWith("garp_") || NOT_DONE_IGNORED.contains(k.text()))
                    {
                        warning(k, "not done by jlvs yet, ignored: " + k.text());
                    }
                    else
                    {
                        error(k, "unknown vrrp_instance keyword \"" + k.text() + "\"");
                    }
                    skipStatement();
                }
            }
        }

        /**
         * A notify command: its words, as keepalived splits them (a quoted string is split again on blanks), the
         * program an absolute path that exists.
         */
        private List<String> command(final Token k)
        {
            final List<String> words = new ArrayList<>();
            while (p < t.size() && t.get(p).line() == k.line() && !t.get(p).text().equals("}"))
            {
                words.addAll(io.jlvs.controlplane.keepalived.ScriptWords.split(t.get(p++).text()));
            }
            if (words.isEmpty())
            {
                error(k, k.text() + " needs a command");
                return List.of();
            }
            final Path program = Path.of(words.getFirst());
            if (!program.isAbsolute() || !Files.isExecutable(program))
            {
                error(k, k.text() + " " + words.getFirst() + ": not an executable file given by its full path");
            }
            return List.copyOf(words);
        }

        /** {@code keyword { address ... }}: the first word of each line inside is an address. */
        private void list(final Token k, final List<InetAddress> into)
        {
            block(k, (item) ->
            {
                final InetAddress a = address(k, item.text());
                if (null != a)
                {
                    into.add(a);
                }
                while (p < t.size() && t.get(p).line() == item.line() && !t.get(p).text().equals("}"))
                {
                    p++; // dev, label, scope, ... of keepalived's address lines
                }
            });
        }

        private void authKeyword(final Token k)
        {
            switch (k.text())
            {
                case "auth_type" ->
                {
                    authType = arg(k);
                    if (null != authType && !authType.equalsIgnoreCase("PASS"))
                    {
                        error(k, "auth_type " + authType + ": jlvs does PASS (AH is not done)");
                    }
                }
                case "auth_pass" ->
                {
                    final String v = arg(k);
                    if (null != v)
                    {
                        if (v.length() > 8)
                        {
                            warning(k, "auth_pass is 8 characters at most: keepalived and jlvs use \"" +
                                v.substring(0, 8) + "\"");
                        }
                        password = VrrpPacket.password(v.length() > 8 ? v.substring(0, 8) : v);
                    }
                }
                default ->
                {
                    error(k, "unknown authentication keyword \"" + k.text() + "\"");
                    skipStatement();
                }
            }
        }
    }
}
