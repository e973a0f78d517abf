package io.jlvs.controlplane.config;

import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelType;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SequencedSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads ldirectord.cf as ldirectord (resource-agents, "Linux Director v1.186-ha") reads it, into an immutable
 * {@link LdirectordConfig}.
 *
 * <p>Syntax, as ldirectord's {@code read_config}:
 * <ul>
 *   <li>{@code key = value} or {@code key=value}; global directives start in column 0;</li>
 *   <li>{@code virtual = ip:port | host:service | fwmark} (IPv6: {@code virtual6 = [addr]:port}) opens a section
 *       whose lines are indented by at least 4 spaces or a tab (a tab counts as 4 spaces). The section ends at the
 *       first line that is not so indented; a blank line ends it too, as in ldirectord. Comment lines do not;</li>
 *   <li>{@code #} starts a comment. Unlike ldirectord, which cuts a virtual-section line at any {@code #}, a
 *       {@code #} inside double quotes is kept (a receive regexp may contain one);</li>
 *   <li>values may be double-quoted; quotes are optional where ldirectord requires them (request, receive,
 *       logfile...);</li>
 *   <li>a jlvs extension: an {@code ipip} real line may carry ipvsadm's tunnel options after the method and
 *       weight, {@code real = 10.0.2.1:80 ipip 2 --tun-type gue --tun-port 6080 --tun-csum}, checked as ipvsadm
 *       checks them ({@link TunnelOptions}). Stock ldirectord refuses such a line.</li>
 * </ul>
 *
 * <p>Host and service names: a host name in virtual, real or fallback is resolved through the {@link Resolver}
 * (by default InetAddress, i.e. /etc/hosts then DNS, first address of the section's family) only when the text is
 * not an IP literal; a named port goes through /etc/services, with the virtual's protocol for virtual and
 * fallback ports and any protocol for real ports (ldirectord's ld_getservbyname). Resolution happens once, at
 * parse time, as ldirectord does at start and reload.
 *
 * <p>Directives of ldirectord's vocabulary that jlvs does not implement yet are reported as warnings
 * {@code "FILE:LINE: <directive> is not supported yet by jlvs; ignored"}. Anything else that is wrong (unknown
 * directive, malformed value, real outside a virtual section, wrong indentation) is an error; the whole file is
 * read and every error is reported in one {@link ConfigException}. Where ldirectord silently takes a prefix of a
 * value ({@code checkinterval = 5s} reads as 5, {@code virtual = 10.0.0.1} reads as fwmark 10) jlvs reports an
 * error instead.
 */
public final class LdirectordConfigParser
{
    /** The largest persistence timeout ipvsadm accepts (MAX_TIMEOUT, 31 days). */
    public static final int MAX_PERSISTENT_TIMEOUT = 86400 * 31;
    /** ldirectord's scheduler default; ipvsadm's own default is "wlc". */
    public static final String DEFAULT_SCHEDULER = VirtualService.DEFAULT_SCHEDULER;
    /** Largest IPv4 range jlvs expands for one real line. */
    public static final int MAX_RANGE = 65536;

    private static final Set<String> GLOBAL_SUPPORTED = Set.of(
        "checktimeout", "negotiatetimeout", "checkinterval", "failurecount", "fallback", "fallback6",
        "quiescent", "logfile", "autoreload", "maintenancedir", "fallbackcommand", "supervised",
        "emailalert", "emailalertfreq", "emailalertstatus", "emailalertfrom", "smtp", "cleanstop", "fork",
        "readdquiescent");
    private static final Set<String> GLOBAL_UNSUPPORTED = Set.of(
        "checkcount", "callback", "execute");
    private static final Set<String> VIRTUAL_SUPPORTED = Set.of(
        "real", "real6", "scheduler", "protocol", "persistent", "netmask", "checktype", "checkinterval",
        "checktimeout", "negotiatetimeout", "failurecount", "service", "request", "receive", "httpmethod",
        "virtualhost", "checkport", "quiescent", "fallback", "fallback6", "checkcommand", "fallbackcommand",
        "login", "passwd", "database", "secret", "emailalert", "emailalertfreq", "emailalertstatus", "smtp",
        "cleanstop", "monitorfile", "schedflags", "ops");
    /** Per-virtual directives of ldirectord (plus servicename, comment of newer releases). */
    private static final Set<String> VIRTUAL_UNSUPPORTED = Set.of(
        "checkcount", "load",
        "servicename", "comment");
    private static final Set<String> SERVICES = Set.of(
        "dns", "ftp", "http", "https", "http_proxy", "imap", "imaps", "ldap", "nntp", "mysql", "none", "oracle",
        "pop", "pops", "radius", "pgsql", "sip", "smtp", "submission", "simpletcp", "ldaps");
    private static final Map<Integer, String> SERVICE_BY_PORT = Map.ofEntries(
        Map.entry(21, "ftp"), Map.entry(25, "smtp"), Map.entry(53, "dns"), Map.entry(80, "http"),
        Map.entry(110, "pop"), Map.entry(119, "nntp"), Map.entry(143, "imap"), Map.entry(389, "ldap"),
        Map.entry(443, "https"), Map.entry(587, "submission"), Map.entry(636, "ldaps"), Map.entry(993, "imaps"), Map.entry(995, "pops"),
        Map.entry(1521, "oracle"), Map.entry(1812, "radius"), Map.entry(3128, "http_proxy"),
        Map.entry(3306, "mysql"), Map.entry(5060, "sip"), Map.entry(5432, "pgsql"));

    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern V4_HOST_PORT = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+):([0-9A-Za-z_-]+)");
    private static final Pattern NAME_PORT = Pattern.compile("([0-9A-Za-z._+-]+):([0-9A-Za-z_-]+)");
    private static final Pattern V6_PORT = Pattern.compile("\\[([0-9A-Fa-f:.]+)\\]:([0-9A-Za-z_-]+)");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]+");
    private static final Pattern PORT_TEXT = Pattern.compile("[0-9A-Za-z_-]+");
    /** A threshold as ldirectord's manual writes it, {@code <l:N>} or {@code <u:N>}. */
    private static final Pattern THRESHOLD = Pattern.compile("<([lu]):(\\d+)>");
    /**
     * A threshold as ldirectord's code reads it ({@code add_real_server}: {@code /\s+l:(\d+)/}, then
     * {@code /\s+u:(\d+)/}), which is how the configurations in use write it: {@code l:N u:N}.
     */
    private static final Pattern BARE_THRESHOLD = Pattern.compile("([lu]):(\\d+)");
    private static final Pattern SCHEDULER = Pattern.compile("[a-z]+");

    private final Path file;
    private final Resolver resolver;
    private final List<ConfigDiagnostic> errors = new ArrayList<>();
    private final List<ConfigDiagnostic> warnings = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final Map<String, Integer> virtualIds = new HashMap<>();

    private int globalCheckInterval = GlobalSettings.DEFAULT_CHECK_INTERVAL;
    private Integer globalCheckTimeout;
    private Integer globalNegotiateTimeout;
    private int globalFailureCount = GlobalSettings.DEFAULT_FAILURE_COUNT;
    private boolean globalQuiescent;
    private boolean autoreload;
    private Path maintenanceDir;
    private Path fallbackCommand;
    private Fallback globalFallback;
    private Fallback globalFallback6;
    private String logfile = GlobalSettings.DEFAULT_LOGFILE;
    private boolean supervised;
    private String emailAlertTo = "";
    private String emailAlertFrom;
    private int emailAlertFreq;
    private int emailAlertStatus = EmailAlert.ALL;
    private String smtp;
    private boolean cleanStop = true;
    /** ldirectord's fork: a child per virtual service, so each has its own checkinterval. */
    private boolean fork;
    private boolean readdQuiescent;

    private LdirectordConfigParser(final Path file, final Resolver resolver)
    {
        this.file = file;
        this.resolver = resolver;
    }

    /** Parses {@code file}, resolving names with {@link Resolver#system()}. */
    public static LdirectordConfig parse(final Path file) throws IOException, ConfigException
    {
        return parse(file, Resolver.system());
    }

    /**
     * Parses {@code file}, resolving host and service names with {@code resolver}. The file is read as UTF-8, as
     * ldirectord.cf files are written today; one that is not valid UTF-8 is read as ISO-8859-1, byte for byte, as
     * ldirectord's Perl reads it ({@link LdirectordTokenizer#decode}).
     */
    public static LdirectordConfig parse(final Path file, final Resolver resolver) throws IOException, ConfigException
    {
        return parse(file, LdirectordTokenizer.decode(Files.readAllBytes(file)).lines().toList(), resolver);
    }

    /** Parses {@code lines} as the content of {@code file} (which is only used in messages). */
    public static LdirectordConfig parse(final Path file, final List<String> lines, final Resolver resolver)
        throws ConfigException
    {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(resolver, "resolver");
        return new LdirectordConfigParser(file, resolver).run(lines);
    }

    private LdirectordConfig run(final List<String> lines) throws ConfigException
    {
        Section current = null;
        boolean endedByBlank = false;
        for (final CfLine l : LdirectordTokenizer.tokenize(lines))
        {
            final int lineNo = l.number();
            final String text = l.text();
            if (l.kind() == CfLine.Kind.COMMENT)
            {
                continue; // a comment line: does not end a section
            }
            if (l.kind() == CfLine.Kind.BLANK)
            {
                if (current != null)
                {
                    finish(current);
                    current = null;
                    endedByBlank = true;
                }
                continue;
            }
            final int indent = l.indent();
            if (l.kind() == CfLine.Kind.MALFORMED)
            {
                if (indent == 0 && current != null)
                {
                    finish(current);
                    current = null;
                }
                error(lineNo, "cannot parse line", text);
                continue;
            }
            final String key = l.key();
            final String value = l.value();
            final boolean hasEquals = l.hasEquals();

            if (indent == 0)
            {
                if (current != null)
                {
                    finish(current);
                    current = null;
                }
                endedByBlank = false;
                if (l.isVirtual())
                {
                    if (!requireEquals(lineNo, key, hasEquals, value, text))
                    {
                        current = Section.broken(lineNo);
                        continue;
                    }
                    current = openSection(lineNo, key, value, text);
                    continue;
                }
                onGlobal(lineNo, key, hasEquals, value, text);
            }
            else if (indent < 4)
            {
                error(lineNo, "wrong indentation: lines of a virtual section must be indented by at least 4 spaces " +
                    "or a tab, global directives must start in column 0", text);
            }
            else if (current == null)
            {
                final String hint = endedByBlank ? " (a blank line ends a virtual section in ldirectord.cf)" : "";
                if (l.isVirtual())
                {
                    error(lineNo, key + " must start in column 0", text);
                }
                else
                {
                    error(lineNo, key + " outside a virtual section" + hint, text);
                }
            }
            else
            {
                onVirtual(current, lineNo, key, hasEquals, value, text);
            }
        }
        if (current != null)
        {
            finish(current);
        }

        if (!errors.isEmpty())
        {
            errors.sort(Comparator.comparingInt(ConfigDiagnostic::line));
            throw new ConfigException(errors);
        }
        final GlobalSettings global = new GlobalSettings(
            globalCheckInterval,
            globalCheckTimeout == null ? OptionalInt.empty() : OptionalInt.of(globalCheckTimeout),
            globalNegotiateTimeout == null ? OptionalInt.empty() : OptionalInt.of(globalNegotiateTimeout),
            globalFailureCount, globalQuiescent, autoreload,
            Optional.ofNullable(globalFallback), Optional.ofNullable(globalFallback6), logfile,
            Optional.ofNullable(maintenanceDir), Optional.ofNullable(fallbackCommand), supervised,
            new EmailAlert(emailAlertTo, Optional.ofNullable(emailAlertFrom), emailAlertFreq, emailAlertStatus,
                Optional.ofNullable(smtp)), cleanStop, readdQuiescent);
        final List<VirtualService> services = new ArrayList<>(sections.size());
        for (final Section s : sections)
        {
            if (null != s.checkInterval && !fork)
            {
                warn(s.checkIntervalLine, "checkinterval in a virtual section is ignored when fork=no (jlvs uses " +
                    "the global checkinterval, as ldirectord does)", s.checkIntervalText);
            }
            services.add(s.build(global, fork));
        }
        warnings.sort(Comparator.comparingInt(ConfigDiagnostic::line));
        return new LdirectordConfig(file, global, services, warnings);
    }

    // ---------------------------------------------------------------------------------------------------- global

    private void onGlobal(final int line, final String key, final boolean hasEquals, final String rawValue,
        final String text)
    {
        final String value = unquote(rawValue);
        if (GLOBAL_UNSUPPORTED.contains(key))
        {
            unsupported(line, key, text);
            return;
        }
        if (key.equals("connecttimeout") || key.equals("timeout"))
        {
            deprecated(line, key, text);
            return;
        }
        if (key.equals("real") || key.equals("real6"))
        {
            error(line, key + " outside a virtual section", text);
            return;
        }
        if (!GLOBAL_SUPPORTED.contains(key))
        {
            if (VIRTUAL_SUPPORTED.contains(key) || VIRTUAL_UNSUPPORTED.contains(key))
            {
                error(line, key + " is only valid inside a virtual section (indent it by at least 4 spaces or a tab)",
                    text);
            }
            else
            {
                error(line, "unknown directive \"" + key + "\"", text);
            }
            return;
        }
        if (key.equals("supervised") && !hasEquals && value.isEmpty())
        {
            // ldirectord takes a bare "supervised" as yes, with a warning
            warn(line, "supervised without a value is taken as \"supervised = yes\"", text);
            supervised = true;
            return;
        }
        if (!requireEquals(line, key, hasEquals, value, text))
        {
            return;
        }
        switch (key)
        {
            case "checktimeout" -> globalCheckTimeout = positive(line, key, value, text);
            case "negotiatetimeout" -> globalNegotiateTimeout = positive(line, key, value, text);
            case "checkinterval" ->
            {
                final Integer v = positive(line, key, value, text);
                if (v != null)
                {
                    globalCheckInterval = v;
                }
            }
            case "failurecount" ->
            {
                final Integer v = positive(line, key, value, text);
                if (v != null)
                {
                    globalFailureCount = v;
                }
            }
            case "quiescent" ->
            {
                final Boolean b = yesNo(line, key, value, text);
                if (b != null)
                {
                    globalQuiescent = b;
                }
            }
            case "fallbackcommand" ->
            {
                final Path command = executable(value);
                if (null == command)
                {
                    error(line, "fallbackcommand " + value + " is not an executable file (an absolute path)", text);
                    return;
                }
                fallbackCommand = command;
            }
            case "maintenancedir" ->
            {
                final Path dir = Path.of(unquote(value));
                if (!dir.isAbsolute() || !Files.isDirectory(dir))
                {
                    error(line, "maintenancedir " + value + " is not a directory (an absolute path)", text);
                    return;
                }
                maintenanceDir = dir;
            }
            case "autoreload" ->
            {
                final Boolean b = yesNo(line, key, value, text);
                if (b != null)
                {
                    autoreload = b;
                }
            }
            case "supervised" ->
            {
                final Boolean b = yesNo(line, key, value, text);
                if (b != null)
                {
                    supervised = b;
                }
            }
            case "emailalert" -> emailAlertTo = value;
            case "emailalertfrom" -> emailAlertFrom = value;
            case "emailalertfreq" ->
            {
                final Integer f = nonNegative(line, key, value, text);
                if (f != null)
                {
                    emailAlertFreq = f;
                }
            }
            case "emailalertstatus" ->
            {
                final int mask = EmailAlert.parseStatus(value);
                if (mask < 0)
                {
                    error(line, "emailalertstatus must be all, none, or a comma list of starting, running, " +
                        "stopping and reloading", text);
                    return;
                }
                emailAlertStatus = mask;
            }
            case "smtp" -> smtp = value;
            case "cleanstop" ->
            {
                final Boolean b = yesNo(line, key, value, text);
                if (b != null)
                {
                    cleanStop = b;
                }
            }
            case "readdquiescent" ->
            {
                final Boolean b = yesNo(line, key, value, text);
                if (b != null)
                {
                    readdQuiescent = b;
                }
            }
            case "fork" ->
            {
                final Boolean b = yesNo(line, key, value, text);
                if (b != null)
                {
                    fork = b;
                }
            }
            case "logfile" ->
            {
                final String v = unquote(value);
                if (v.isEmpty())
                {
                    error(line, "no logfile specified", text);
                }
                else
                {
                    logfile = v;
                }
            }
            case "fallback" -> globalFallback = fallback(line, value, text, AddressFamily.INET, null);
            case "fallback6" -> globalFallback6 = fallback(line, value, text, AddressFamily.INET6, null);
            default -> throw new IllegalStateException(key);
        }
    }

    // --------------------------------------------------------------------------------------------------- virtual

    private Section openSection(final int line, final String key, final String value, final String text)
    {
        final AddressFamily family = key.equals("virtual6") ? AddressFamily.INET6 : AddressFamily.INET;
        final Section s = new Section(line, family, text);
        Matcher m;
        if (DIGITS.matcher(value).matches())
        {
            final long mark = parseLong(value);
            if (mark < 1 || mark > 0xffffffffL)
            {
                error(line, "invalid firewall mark \"" + value + "\": must be 1..4294967295", text);
                s.broken = true;
            }
            s.fwmark = (int)mark;
            return s;
        }
        if ((m = V6_PORT.matcher(value)).matches())
        {
            if (family == AddressFamily.INET)
            {
                error(line, "cannot specify an IPv6 address here. please use \"virtual6\" instead.", text);
                s.broken = true;
                return s;
            }
            s.hostText = m.group(1);
            s.portText = m.group(2);
            if (InetLiterals.ipv6(s.hostText) == null)
            {
                error(line, "invalid ipv6 address for virtual server: " + s.hostText, text);
                s.broken = true;
            }
            return s;
        }
        if ((m = V4_HOST_PORT.matcher(value)).matches())
        {
            if (family == AddressFamily.INET6)
            {
                error(line, "cannot specify an IPv4 address here. please use \"virtual\" instead.", text);
                s.broken = true;
                return s;
            }
            s.hostText = m.group(1);
            s.portText = m.group(2);
            if (InetLiterals.ipv4(s.hostText) == null)
            {
                error(line, "invalid address for virtual server: " + s.hostText, text);
                s.broken = true;
            }
            return s;
        }
        if ((m = NAME_PORT.matcher(value)).matches())
        {
            s.hostText = m.group(1);
            s.portText = m.group(2);
            return s;
        }
        error(line, "invalid address for virtual server \"" + value + "\": expected " +
            (family == AddressFamily.INET6 ? "[ipv6-address]:port, host:port" : "ip_address:port, host:port") +
            " or a firewall mark", text);
        s.broken = true;
        return s;
    }

    private void onVirtual(final Section s, final int line, final String key, final boolean hasEquals,
        final String rawValue, final String text)
    {
        final String value = key.startsWith("real") ? rawValue : unquote(rawValue);
        if (VIRTUAL_UNSUPPORTED.contains(key))
        {
            unsupported(line, key, text);
            return;
        }
        if (key.equals("connecttimeout") || key.equals("timeout"))
        {
            deprecated(line, key, text);
            return;
        }
        if (!VIRTUAL_SUPPORTED.contains(key))
        {
            if (key.equals("virtual") || key.equals("virtual6"))
            {
                error(line, key + " must start in column 0 (it opens a new virtual section)", text);
            }
            else if (GLOBAL_SUPPORTED.contains(key) || GLOBAL_UNSUPPORTED.contains(key))
            {
                error(line, key + " is a global directive: it must start in column 0, not inside a virtual section",
                    text);
            }
            else
            {
                error(line, "unknown directive \"" + key + "\"", text);
            }
            return;
        }
        if (!requireEquals(line, key, hasEquals, value, text) || s.broken)
        {
            return;
        }
        switch (key)
        {
            case "real", "real6" ->
            {
                final boolean six = key.equals("real6");
                if (six != (s.family == AddressFamily.INET6))
                {
                    error(line, "cannot specify \"" + key + "\" here.  please use \"real" + (six ? "" : "6") +
                        "\" instead", text);
                    return;
                }
                s.reals.add(new RawLine(line, value, text));
            }
            case "scheduler" ->
            {
                if (!SCHEDULER.matcher(value).matches())
                {
                    error(line, "invalid scheduler \"" + value + "\", should be only lowercase letters (a-z)", text);
                    return;
                }
                s.scheduler = value;
            }
            case "schedflags" -> s.schedFlags = new RawLine(line, value, text);
            case "protocol" ->
            {
                final String p = value;
                if (s.fwmark != 0)
                {
                    if (!p.equals("fwm"))
                    {
                        error(line, "protocol must be fwm if the virtual service is a fwmark (a number)", text);
                    }
                }
                else if (p.equals("tcp") || p.equals("udp"))
                {
                    s.protocol = ServiceProtocol.ofLdirectordName(p);
                }
                else
                {
                    error(line, "protocol must be tcp or udp if the virtual service is an address and port", text);
                }
            }
            case "persistent" ->
            {
                final long t = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
                if (t < 1 || t > MAX_PERSISTENT_TIMEOUT)
                {
                    error(line, "invalid persistent timeout \"" + value + "\": must be 1.." +
                        MAX_PERSISTENT_TIMEOUT + " seconds", text);
                    return;
                }
                s.persistent = (int)t;
            }
            case "netmask" ->
            {
                s.netmask = netmask(line, s.family, value, text);
                s.netmaskLine = line;
                s.netmaskText = text;
            }
            case "checktype" ->
            {
                if (DIGITS.matcher(value).matches())
                {
                    final long n = parseLong(value);
                    if (n > Integer.MAX_VALUE)
                    {
                        error(line, "invalid checktype \"" + value + "\": number too large", text);
                        return;
                    }
                    s.checkType = CheckType.COMBINED;
                    s.connectsPerNegotiate = (int)n;
                    return;
                }
                final CheckType t = CheckType.fromLdirectordName(value);
                if (t == null)
                {
                    error(line, "checktype must be \"connect\", \"negotiate\", \"on\", \"off\", \"ping\", " +
                        "\"external\", \"external-perl\" or a positive number", text);
                    return;
                }
                s.checkType = t;
                s.connectsPerNegotiate = 0;
            }
            case "checkinterval" ->
            {
                s.checkInterval = positive(line, key, value, text);
                s.checkIntervalLine = line;
                s.checkIntervalText = text;
            }
            case "checktimeout" -> s.checkTimeout = positive(line, key, value, text);
            case "negotiatetimeout" -> s.negotiateTimeout = positive(line, key, value, text);
            case "failurecount" -> s.failureCount = positive(line, key, value, text);
            case "service" ->
            {
                if (!SERVICES.contains(value))
                {
                    error(line, "service must be dns, ftp, http, https, http_proxy, imap, imaps, ldap, ldaps, nntp, mysql, " +
                        "none, oracle, pop, pops, radius, pgsql, simpletcp, sip, smtp or submission", text);
                    return;
                }
                s.service = value;
            }
            case "request" ->
            {
                final String r = unquote(value);
                if (r.isEmpty())
                {
                    error(line, "no request string specified", text);
                    return;
                }
                s.request = normaliseRequest(r);
            }
            case "receive" ->
            {
                final String r = unquote(value);
                if (r.isEmpty())
                {
                    error(line, "invalid receive string", text);
                    return;
                }
                if (!isRegex(line, r, text))
                {
                    return;
                }
                s.receive = r;
            }
            case "httpmethod" ->
            {
                final String m = value.toUpperCase(java.util.Locale.ROOT);
                if (!m.equals("GET") && !m.equals("HEAD"))
                {
                    error(line, "httpmethod must be GET or HEAD", text);
                    return;
                }
                s.httpMethod = m;
            }
            case "emailalert" -> s.emailAlertTo = unquote(value);
            case "emailalertfreq" -> s.emailAlertFreq = nonNegative(line, key, value, text);
            case "emailalertstatus" ->
            {
                final int mask = EmailAlert.parseStatus(unquote(value));
                if (mask < 0)
                {
                    error(line, "emailalertstatus must be all, none, or a comma list of starting, running, " +
                        "stopping and reloading", text);
                    return;
                }
                s.emailAlertStatus = mask;
            }
            case "smtp" -> s.smtp = unquote(value);
            case "cleanstop" -> s.cleanStop = yesNo(line, key, value, text);
            case "monitorfile" ->
            {
                // ldirectord opens it for appending as it reads the file: one it could not open is refused here
                final Path file = Path.of(unquote(value));
                final Path parent = file.toAbsolutePath().getParent();
                if (!file.isAbsolute() || null == parent || !Files.isDirectory(parent) ||
                    (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(parent)))
                {
                    error(line, "monitorfile \"" + file + "\" cannot be written (an absolute path in a writable " +
                        "directory)", text);
                    return;
                }
                s.monitorFile = file;
            }
            case "login" -> s.login = unquote(value);
            case "passwd" -> s.passwd = unquote(value);
            case "database" -> s.database = unquote(value);
            case "secret" -> s.secret = unquote(value);
            case "virtualhost" ->
            {
                final String h = unquote(value);
                if (h.isEmpty())
                {
                    error(line, "invalid virtualhost", text);
                    return;
                }
                s.virtualHost = h;
            }
            case "checkport" ->
            {
                final long p = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
                if (p < 1 || p > 65535)
                {
                    error(line, "checkport must be in range 1..65535: \"" + value + "\"", text);
                    return;
                }
                s.checkPort = (int)p;
            }
            case "quiescent" -> s.quiescent = yesNo(line, key, value, text);
            case "ops" ->
            {
                s.ops = yesNo(line, key, value, text);
                s.opsLine = line;
                s.opsText = text;
            }
            case "checkcommand" ->
            {
                // ldirectord runs it for checktype = external: missing or not executable is refused at load
                final Path command = executable(value);
                if (null == command)
                {
                    error(line, "checkcommand " + value + " is not an executable file (an absolute path)", text);
                    return;
                }
                s.checkCommand = command;
            }
            case "fallbackcommand" ->
            {
                final Path command = executable(value);
                if (null == command)
                {
                    error(line, "fallbackcommand " + value + " is not an executable file (an absolute path)", text);
                    return;
                }
                s.fallbackCommand = command;
            }
            case "fallback", "fallback6" ->
            {
                final boolean six = key.equals("fallback6");
                if (six != (s.family == AddressFamily.INET6))
                {
                    error(line, "cannot specify \"" + key + "\" here.  please use \"fallback" + (six ? "" : "6") +
                        "\" instead", text);
                    return;
                }
                s.fallback = new RawLine(line, value, text);
            }
            default -> throw new IllegalStateException(key);
        }
    }

    /** End of a virtual section: resolve names, expand reals, check what needs the whole section. */
    private void finish(final Section s)
    {
        if (s.broken)
        {
            return;
        }
        final int errorsBefore = errors.size();
        if (s.fwmark != 0)
        {
            s.protocol = ServiceProtocol.FWM;
            s.port = 0;
        }
        else
        {
            if (s.protocol == null)
            {
                s.protocol = s.portText.equals("53") || s.portText.equals("domain") ?
                    ServiceProtocol.UDP : ServiceProtocol.TCP;
            }
            s.address = resolver.host(s.hostText, s.family);
            if (s.address == null)
            {
                error(s.line, "invalid address for virtual server: could not resolve host \"" + s.hostText + "\"",
                    s.text);
            }
            final int port = port(s.portText, s.protocol.servicesName());
            if (port == -2)
            {
                error(s.line, "invalid port \"" + s.portText + "\" for virtual server: must be 0..65535", s.text);
            }
            else if (port == -1)
            {
                error(s.line, "invalid port \"" + s.portText + "\" for virtual server (could not resolve port)",
                    s.text);
            }
            s.port = Math.max(port, 0);
            if (port == 0 && s.persistent == null)
            {
                error(s.line, "Zero port specified for non-persistent service", s.text);
            }
        }
        if (Boolean.TRUE.equals(s.ops) && s.protocol != ServiceProtocol.UDP && s.protocol != ServiceProtocol.FWM)
        {
            error(s.opsLine, "ops (one-packet scheduling) is for UDP virtual services only", s.opsText);
        }
        if (s.schedFlags != null)
        {
            try
            {
                s.schedFlagBits = SchedFlags.parse(s.scheduler, s.schedFlags.value);
            }
            catch (final IllegalArgumentException ex)
            {
                error(s.schedFlags.line, ex.getMessage() + " (schedflags for scheduler " + s.scheduler + ")",
                    s.schedFlags.text);
            }
        }
        if (s.netmask != null && s.persistent == null)
        {
            warn(s.netmaskLine, "netmask without persistent is ignored (ldirectord passes -M only with -p)",
                s.netmaskText);
        }
        if (s.fallback != null)
        {
            s.resolvedFallback = fallback(s.fallback.line, s.fallback.value, s.fallback.text, s.family,
                s.protocol.servicesName());
        }
        final Set<String> seen = new HashSet<>();
        for (final RawLine r : s.reals)
        {
            realServers(s, r, seen);
        }
        if (errors.size() != errorsBefore)
        {
            return;
        }
        final String id = s.id();
        final Integer first = virtualIds.putIfAbsent(id, s.line);
        if (first != null)
        {
            error(s.line, "duplicate virtual server " + id + " (first defined at line " + first + ")", s.text);
            return;
        }
        sections.add(s);
    }

    private void realServers(final Section s, final RawLine r, final Set<String> seen)
    {
        final String value = r.value;
        final int space = indexOfWhitespace(value);
        final String spec = space < 0 ? value : value.substring(0, space);
        final String rest = space < 0 ? "" : value.substring(space).strip();

        // address[->address][:port]
        String first;
        String last = null;
        String portText = null;
        if (spec.startsWith("["))
        {
            final int close = spec.indexOf(']');
            if (close < 0)
            {
                error(r.line, "invalid address for real server (wrong format): \"" + spec + "\"", r.text);
                return;
            }
            first = spec.substring(1, close);
            final String tail = spec.substring(close + 1);
            if (tail.startsWith("->"))
            {
                error(r.line, "Address range for IPv6 is not supported yet", r.text);
                return;
            }
            if (tail.startsWith(":"))
            {
                portText = tail.substring(1);
            }
            else if (!tail.isEmpty())
            {
                error(r.line, "invalid address for real server (wrong format): \"" + spec + "\"", r.text);
                return;
            }
        }
        else
        {
            final int arrow = spec.indexOf("->");
            final String beforePort;
            final int colon = spec.lastIndexOf(':');
            if (colon >= 0)
            {
                beforePort = spec.substring(0, colon);
                portText = spec.substring(colon + 1);
            }
            else
            {
                beforePort = spec;
            }
            if (arrow >= 0 && arrow < beforePort.length())
            {
                first = beforePort.substring(0, arrow);
                last = beforePort.substring(arrow + 2);
            }
            else
            {
                first = beforePort;
            }
            if (!HOST_NAME.matcher(first).matches() || (last != null && !HOST_NAME.matcher(last).matches()))
            {
                error(r.line, "invalid address for real server (wrong format): \"" + spec + "\"" +
                    (spec.indexOf(':') != spec.lastIndexOf(':') ? "; write IPv6 addresses as [address]:port" : ""),
                    r.text);
                return;
            }
        }
        if (portText != null && !PORT_TEXT.matcher(portText).matches())
        {
            error(r.line, "invalid port \"" + portText + "\" for real server", r.text);
            return;
        }

        final RealOptions o = realOptions(r, rest);
        if (o == null)
        {
            return;
        }
        final FwdMethod fwd = o.fwd;
        final InetAddress firstAddress = resolver.host(first, s.family);
        if (firstAddress == null)
        {
            error(r.line, "invalid address (" + first + ") for real server (could not resolve host)", r.text);
            return;
        }
        InetAddress lastAddress = null;
        if (last != null)
        {
            lastAddress = resolver.host(last, s.family);
            if (lastAddress == null)
            {
                error(r.line, "invalid address (" + last + ") for real server (could not resolve end host)", r.text);
                return;
            }
        }
        int port = s.port;
        if (portText != null)
        {
            port = port(portText, null);
            if (port == -2)
            {
                error(r.line, "invalid port (" + portText + ") for real server: must be 0..65535", r.text);
                return;
            }
            if (port == -1)
            {
                error(r.line, "invalid port (" + portText + ") for real server (could not resolve port)", r.text);
                return;
            }
            if (s.fwmark == 0 && fwd != FwdMethod.MASQ && port != s.port)
            {
                warn(r.line, "real server port " + port + " ignored: " + fwd.ldirectordName() +
                    " forwarding always uses the virtual service's port " + s.port + " (as ipvsadm does)", r.text);
                port = s.port;
            }
        }

        final List<InetAddress> addresses = new ArrayList<>();
        if (lastAddress == null)
        {
            addresses.add(firstAddress);
        }
        else
        {
            final long from = Integer.toUnsignedLong(InetLiterals.toInt((Inet4Address)firstAddress));
            final long to = Integer.toUnsignedLong(InetLiterals.toInt((Inet4Address)lastAddress));
            if (from > to)
            {
                error(r.line, "invalid range " + first + "->" + last +
                    ": the first address must not be greater than the last", r.text);
                return;
            }
            if (to - from + 1 > MAX_RANGE)
            {
                error(r.line, "invalid range " + first + "->" + last + ": more than " + MAX_RANGE + " addresses",
                    r.text);
                return;
            }
            for (long a = from; a <= to; a++)
            {
                addresses.add(InetLiterals.fromInt((int)a));
            }
        }
        for (final InetAddress a : addresses)
        {
            final String key = InetLiterals.ntop(a) + "/" + port;
            if (!seen.add(key))
            {
                final String shown = s.family == AddressFamily.INET6 ?
                    "[" + InetLiterals.ntop(a) + "]:" + port : InetLiterals.ntop(a) + ":" + port;
                error(r.line, "duplicate real server " + shown, r.text);
                return;
            }
            s.builtReals.add(new RealServer(r.line, a, port, fwd, o.weight, o.lower, o.upper, o.request(), o.receive(),
                o.tunnelType, o.tunnelPort, TunnelOptions.checksum(o.tunnelOptions)));
        }
    }

    /**
     * What follows the address of a real line:
     * {@code gate|masq|ipip [weight] ["request", "receive"] [l:N] [u:N]} (or the manual's {@code <l:N> <u:N>}), and for
     * ipip jlvs's tunnel extension,
     * ipvsadm's options {@code --tun-type ipip|gue|gre}, {@code --tun-port N}, {@code --tun-nocsum},
     * {@code --tun-csum}, {@code --tun-remcsum}, checked by {@link TunnelOptions} as ipvsadm checks them. The weight
     * comes right after the method; the other tokens in any order.
     *
     * @return the options, or null after reporting an error
     */
    private RealOptions realOptions(final RawLine r, final String rest)
    {
        final List<String> tokens = new ArrayList<>();
        final List<Boolean> quoted = new ArrayList<>();
        if (!tokenize(rest, tokens, quoted))
        {
            error(r.line, "invalid real server line: unterminated quote", r.text);
            return null;
        }
        if (tokens.isEmpty() || quoted.getFirst())
        {
            error(r.line, "forward method must be gate, masq or ipip", r.text);
            return null;
        }
        final RealOptions o = new RealOptions(FwdMethod.ofLdirectordName(tokens.getFirst()));
        if (o.fwd == null)
        {
            error(r.line, "forward method must be gate, masq or ipip: \"" + tokens.getFirst() + "\"", r.text);
            return null;
        }
        for (int i = 1; i < tokens.size(); i++)
        {
            final String t = tokens.get(i);
            final boolean plain = !quoted.get(i);
            Matcher tm = THRESHOLD.matcher(t);
            if (plain && !tm.matches())
            {
                tm = BARE_THRESHOLD.matcher(t);
            }
            if (i == 1 && plain && DIGITS.matcher(t).matches())
            {
                final long w = parseLong(t);
                if (w > RealServer.MAX_WEIGHT)
                {
                    error(r.line, "invalid weight \"" + t + "\" for real server: must be 0..65535", r.text);
                    return null;
                }
                o.weight = (int)w;
            }
            else if (tm.matches())
            {
                final long v = parseLong(tm.group(2));
                if (v > Integer.MAX_VALUE)
                {
                    error(r.line, "invalid threshold \"" + t + "\" for real server: must be 0..2147483647", r.text);
                    return null;
                }
                if (tm.group(1).equals("l"))
                {
                    o.lower = (int)v;
                }
                else
                {
                    o.upper = (int)v;
                }
            }
            else if (!plain)
            {
                o.requestReceive.add(t);
            }
            else if (t.startsWith("--tun-"))
            {
                final String value = i + 1 < tokens.size() && !quoted.get(i + 1) ? tokens.get(i + 1) : null;
                final int used = tunnelOption(r, o, t, value);
                if (used < 0)
                {
                    return null;
                }
                i += used;
            }
            else
            {
                error(r.line, "Invalid real server line, around \"" + t + "\"", r.text);
                return null;
            }
        }
        if (o.requestReceive.size() != 0 && o.requestReceive.size() != 2)
        {
            error(r.line, "request and receive must be given together: \"request\", \"receive\"", r.text);
            return null;
        }
        if (o.requestReceive.size() == 2 && !isRegex(r.line, o.requestReceive.get(1), r.text))
        {
            return null;
        }
        if (o.lower > o.upper)
        {
            // ip_vs_add_dest() refuses it (-ERANGE), as it refuses l:N without u: the upper 0 is "no limit" only there
            error(r.line, "lower threshold " + o.lower + " is higher than upper threshold " + o.upper, r.text);
            return null;
        }
        return checkTunnel(r, o) ? o : null;
    }

    /**
     * One tunnel option of a real line, {@code --tun-type} and {@code --tun-port} with the token after them as
     * value ({@code --tun-port=6080} works too, as with ipvsadm).
     *
     * @return how many tokens after this one it used (0 or 1), or -1 after reporting an error
     */
    private int tunnelOption(final RawLine r, final RealOptions o, final String token, final String next)
    {
        final int eq = token.indexOf('=');
        final String name = eq < 0 ? token : token.substring(0, eq);
        final String value = eq < 0 ? next : token.substring(eq + 1);
        final int used = eq < 0 ? 1 : 0;
        if (!o.tunnelGiven.add(name))
        {
            error(r.line, name + " given more than once", r.text);
            return -1;
        }
        if (name.equals("--tun-type"))
        {
            o.tunnelType = value == null ? null : TunnelType.ofIpvsadmName(value);
            if (o.tunnelType == null)
            {
                error(r.line, "invalid --tun-type" + (value == null ? "" : " \"" + value + "\"") +
                    ": must be ipip, gue or gre", r.text);
                return -1;
            }
            return used;
        }
        final TunnelOptions.Option option = TunnelOptions.Option.ofLongOption(name);
        if (option == null)
        {
            error(r.line, "unknown tunnel option \"" + name + "\": expected --tun-type, --tun-port, --tun-nocsum, " +
                "--tun-csum or --tun-remcsum", r.text);
            return -1;
        }
        o.tunnelOptions.add(option);
        if (option != TunnelOptions.Option.PORT)
        {
            if (eq >= 0)
            {
                error(r.line, name + " takes no value", r.text);
                return -1;
            }
            return 0;
        }
        final long port = value != null && DIGITS.matcher(value).matches() ? parseLong(value) : -1;
        if (port < 1 || port > 65535)
        {
            error(r.line, "invalid --tun-port" + (value == null ? "" : " \"" + value + "\"") + ": must be 1..65535",
                r.text);
            return -1;
        }
        o.tunnelPort = (int)port;
        return used;
    }

    /** Tunnel options only with ipip, and only in the combinations ipvsadm allows. */
    private boolean checkTunnel(final RawLine r, final RealOptions o)
    {
        if (o.tunnelGiven.isEmpty())
        {
            return true;
        }
        if (o.fwd != FwdMethod.TUNNEL)
        {
            error(r.line, o.tunnelGiven.getFirst() + " is only valid with the ipip forwarding method, not " +
                o.fwd.ldirectordName(), r.text);
            return false;
        }
        final TunnelOptions.Violation v = TunnelOptions.check(o.tunnelType, o.tunnelOptions);
        if (v != null)
        {
            error(r.line, v.message(), r.text);
            return false;
        }
        return true;
    }

    // --------------------------------------------------------------------------------------------------- helpers

    private Fallback fallback(final int line, final String value, final String text, final AddressFamily family,
        final String protocol)
    {
        final String[] parts = value.strip().split("\\s+");
        if (value.isBlank() || parts.length > 2)
        {
            error(line, "invalid fallback server: " + value, text);
            return null;
        }
        FwdMethod fwd = FwdMethod.DROUTE;
        if (parts.length == 2)
        {
            fwd = FwdMethod.ofLdirectordName(parts[1]);
            if (fwd == null)
            {
                error(line, "forward method must be gate, masq or ipip: \"" + parts[1] + "\"", text);
                return null;
            }
        }
        final String hostPort = parts[0];
        String host;
        String portText = null;
        if (hostPort.startsWith("["))
        {
            final int close = hostPort.indexOf(']');
            if (close < 0)
            {
                error(line, "invalid fallback server: " + value, text);
                return null;
            }
            host = hostPort.substring(1, close);
            final String tail = hostPort.substring(close + 1);
            if (tail.startsWith(":"))
            {
                portText = tail.substring(1);
            }
            else if (!tail.isEmpty())
            {
                error(line, "invalid fallback server: " + value, text);
                return null;
            }
        }
        else
        {
            final int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
            if (host.indexOf(':') >= 0)
            {
                error(line, "invalid fallback server: " + value + " (write IPv6 addresses as [address]:port)", text);
                return null;
            }
        }
        final InetAddress address = host.isEmpty() ? null : resolver.host(host, family);
        if (address == null)
        {
            error(line, "invalid " + (family == AddressFamily.INET6 ? "IPv6" : "IPv4") +
                " address or could not resolve for fallback server: " + host, text);
            return null;
        }
        int port = Fallback.VIRTUAL_PORT;
        if (portText != null)
        {
            port = PORT_TEXT.matcher(portText).matches() ? port(portText, protocol) : -1;
            if (port < 0)
            {
                error(line, "invalid port for fallback server: \"" + portText + "\"", text);
                return null;
            }
        }
        return new Fallback(address, port, fwd);
    }

    private Netmask netmask(final int line, final AddressFamily family, final String value, final String text)
    {
        if (family == AddressFamily.INET6)
        {
            final long p = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
            if (p < 1 || p > 128)
            {
                error(line, "invalid netmask \"" + value + "\": a prefix length between 1 and 128 is required", text);
                return null;
            }
            return new Netmask(family, (int)p);
        }
        final Inet4Address mask = InetLiterals.ipv4(value);
        if (mask == null)
        {
            error(line, "invalid netmask \"" + value + "\": dotted quad notation is required", text);
            return null;
        }
        final int bits = InetLiterals.toInt(mask);
        if ((~bits & (~bits + 1)) != 0)
        {
            error(line, "invalid netmask \"" + value + "\": not a mask (its ones must lead, as 255.255.255.0)", text);
            return null;
        }
        return new Netmask(family, bits);
    }

    /** @return the port, -1 if the name cannot be resolved, -2 if the number is out of range */
    private int port(final String text, final String protocol)
    {
        if (DIGITS.matcher(text).matches())
        {
            final long p = parseLong(text);
            return p <= 65535 ? (int)p : -2;
        }
        final OptionalInt p = resolver.port(text, protocol);
        return p.isPresent() ? p.getAsInt() : -1;
    }

    private Integer positive(final int line, final String key, final String value, final String text)
    {
        final long v = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
        if (v < 1 || v > Integer.MAX_VALUE)
        {
            error(line, "invalid " + key + " \"" + value + "\": must be a positive number", text);
            return null;
        }
        return (int)v;
    }

    /** A receive string is a regular expression the checks match answers with: one that does not compile is refused. */
    private boolean isRegex(final int line, final String regex, final String text)
    {
        try
        {
            java.util.regex.Pattern.compile(regex);
            return true;
        }
        catch (final java.util.regex.PatternSyntaxException ex)
        {
            error(line, "receive is not a regular expression: " + ex.getDescription() + " near index " +
                ex.getIndex(), text);
            return false;
        }
    }

    private Integer nonNegative(final int line, final String key, final String value, final String text)
    {
        final long v = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
        if (v < 0 || v > Integer.MAX_VALUE)
        {
            error(line, "invalid " + key + " \"" + value + "\": must be a number", text);
            return null;
        }
        return (int)v;
    }

    private Boolean yesNo(final int line, final String key, final String value, final String text)
    {
        final String v = unquote(value);
        if (v.equals("yes"))
        {
            return Boolean.TRUE;
        }
        if (v.equals("no"))
        {
            return Boolean.FALSE;
        }
        error(line, key + " must be 'yes' or 'no'", text);
        return null;
    }

    private boolean requireEquals(final int line, final String key, final boolean hasEquals, final String value,
        final String text)
    {
        if (!hasEquals)
        {
            error(line, "expected \"" + key + " = value\"", text);
            return false;
        }
        if (value.isEmpty())
        {
            error(line, "no value given for " + key, text);
            return false;
        }
        return true;
    }

    private void unsupported(final int line, final String key, final String text)
    {
        warn(line, key + " is not supported yet by jlvs; ignored", text);
    }

    private void deprecated(final int line, final String key, final String text)
    {
        error(line, key.equals("timeout") ?
            "timeout directive deprecated in favour of checktimeout and negotiatetimeout" :
            "connecttimeout directive deprecated in favour of negotiatetimeout", text);
    }

    private void error(final int line, final String message, final String text)
    {
        errors.add(new ConfigDiagnostic(file, line, message, text));
    }

    private void warn(final int line, final String message, final String text)
    {
        warnings.add(new ConfigDiagnostic(file, line, message, text));
    }

    /** An absolute path to an executable file, or null. */
    private static Path executable(final String value)
    {
        final Path command = Path.of(unquote(value));
        return command.isAbsolute() && Files.isRegularFile(command) && Files.isExecutable(command) ? command : null;
    }

    private static String normaliseRequest(final String request)
    {
        if (request.startsWith("/") || request.matches("[A-Za-z][A-Za-z0-9+.-]*://.*"))
        {
            return request;
        }
        return "/" + request;
    }

    private static String unquote(final String value)
    {
        return LdirectordTokenizer.unquote(value);
    }

    private static boolean tokenize(final String s, final List<String> tokens, final List<Boolean> quoted)
    {
        int i = 0;
        while (i < s.length())
        {
            final char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == ',')
            {
                i++;
            }
            else if (c == '"')
            {
                final int end = s.indexOf('"', i + 1);
                if (end < 0)
                {
                    return false;
                }
                tokens.add(s.substring(i + 1, end));
                quoted.add(Boolean.TRUE);
                i = end + 1;
            }
            else
            {
                int end = i;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && s.charAt(end) != ',')
                {
                    end++;
                }
                tokens.add(s.substring(i, end));
                quoted.add(Boolean.FALSE);
                i = end;
            }
        }
        return true;
    }

    private static int indexOfWhitespace(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (Character.isWhitespace(s.charAt(i)))
            {
                return i;
            }
        }
        return -1;
    }

    private static long parseLong(final String digits)
    {
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private record RawLine(int line, String value, String text)
    {
    }

    /** The options of one real line while they are read. */
    private static final class RealOptions
    {
        final FwdMethod fwd;
        int weight = RealServer.DEFAULT_WEIGHT;
        int lower;
        int upper;
        final List<String> requestReceive = new ArrayList<>(2);
        /** The tunnel options as written, in order, for messages and to refuse repeats. */
        final SequencedSet<String> tunnelGiven = new LinkedHashSet<>();
        final Set<TunnelOptions.Option> tunnelOptions = EnumSet.noneOf(TunnelOptions.Option.class);
        TunnelType tunnelType = TunnelType.IPIP;
        int tunnelPort;

        RealOptions(final FwdMethod fwd)
        {
            this.fwd = fwd;
        }

        Optional<String> request()
        {
            return requestReceive.isEmpty() ? Optional.empty() : Optional.of(normaliseRequest(requestReceive.get(0)));
        }

        Optional<String> receive()
        {
            return requestReceive.isEmpty() ? Optional.empty() : Optional.of(requestReceive.get(1));
        }
    }

    /** A virtual section while it is read. */
    private static final class Section
    {
        final int line;
        final AddressFamily family;
        final String text;
        boolean broken;
        int fwmark;
        String hostText;
        String portText;
        InetAddress address;
        int port;
        ServiceProtocol protocol;
        String scheduler = DEFAULT_SCHEDULER;
        RawLine schedFlags;
        int schedFlagBits;
        Integer persistent;
        Netmask netmask;
        int netmaskLine;
        String netmaskText;
        CheckType checkType = CheckType.NEGOTIATE;
        int connectsPerNegotiate;
        Integer checkTimeout;
        Integer negotiateTimeout;
        Integer failureCount;
        String service;
        String request = "/";
        String receive = "";
        String httpMethod = "GET";
        String virtualHost;
        String emailAlertTo;
        Integer emailAlertFreq;
        Integer emailAlertStatus;
        String smtp;
        Boolean cleanStop;
        Path monitorFile;
        Integer checkInterval;
        int checkIntervalLine;
        String checkIntervalText;
        String login = "";
        String passwd = "";
        String database = "";
        String secret = "";
        Integer checkPort;
        Path checkCommand;
        Path fallbackCommand;
        Boolean quiescent;
        Boolean ops;
        int opsLine;
        String opsText;
        RawLine fallback;
        Fallback resolvedFallback;
        final List<RawLine> reals = new ArrayList<>();
        final List<RealServer> builtReals = new ArrayList<>();

        Section(final int line, final AddressFamily family, final String text)
        {
            this.line = line;
            this.family = family;
            this.text = text;
        }

        static Section broken(final int line)
        {
            final Section s = new Section(line, AddressFamily.INET, "");
            s.broken = true;
            return s;
        }

        String id()
        {
            if (fwmark != 0)
            {
                return "fwm" + (family == AddressFamily.INET6 ? "6" : "") + ":" + Integer.toUnsignedString(fwmark);
            }
            final String host = family == AddressFamily.INET6 ?
                "[" + InetLiterals.ntop(address) + "]" : InetLiterals.ntop(address);
            return protocol.ldirectordName() + ":" + host + ":" + port;
        }

        VirtualService build(final GlobalSettings g, final boolean fork)
        {
            // ldirectord's ld_setup: checktimeout and negotiatetimeout are mutual defaults
            final int ct = firstSet(checkTimeout, negotiateTimeout, intOrNull(g.checkTimeout()),
                intOrNull(g.negotiateTimeout()), HealthCheck.DEFAULT_CHECK_TIMEOUT);
            final int nt = firstSet(negotiateTimeout, checkTimeout, intOrNull(g.negotiateTimeout()),
                intOrNull(g.checkTimeout()), HealthCheck.DEFAULT_NEGOTIATE_TIMEOUT);
            final String svc = service != null ? service :
                fwmark != 0 ? "none" : SERVICE_BY_PORT.getOrDefault(port, "none");
            final HealthCheck check = new HealthCheck(checkType, connectsPerNegotiate, svc, request, receive,
                httpMethod, Optional.ofNullable(virtualHost),
                checkPort == null ? OptionalInt.empty() : OptionalInt.of(checkPort),
                ct, nt, fork && null != checkInterval ? checkInterval : g.checkInterval(),
                failureCount != null ? failureCount : g.failureCount(),
                null == checkCommand ? HealthCheck.DEFAULT_CHECK_COMMAND : checkCommand,
                new Credentials(login, passwd, database, secret));
            Fallback fb = resolvedFallback;
            if (fb == null)
            {
                fb = (family == AddressFamily.INET6 ? g.fallback6() : g.fallback()).orElse(null);
            }
            if (fb != null)
            {
                fb = fb.withDefaultPort(port);
            }
            return new VirtualService(line, family, address, port, fwmark, protocol, scheduler, schedFlagBits,
                Boolean.TRUE.equals(ops),
                persistent == null ? OptionalInt.empty() : OptionalInt.of(persistent),
                Optional.ofNullable(netmask), builtReals, check,
                quiescent != null ? quiescent : g.quiescent(), Optional.ofNullable(fb),
                Optional.ofNullable(null != fallbackCommand ? fallbackCommand : g.fallbackCommand().orElse(null)),
                emailAlert(g.emailAlert()), null != cleanStop ? cleanStop : g.cleanStop(),
                Optional.ofNullable(monitorFile));
        }

        /** ldirectord's per-virtual alert settings over the global ones; emailalertfrom is global only. */
        private EmailAlert emailAlert(final EmailAlert g)
        {
            return new EmailAlert(null != emailAlertTo ? emailAlertTo : g.to(), g.from(),
                null != emailAlertFreq ? emailAlertFreq : g.freqSec(),
                null != emailAlertStatus ? emailAlertStatus : g.status(),
                null != smtp ? Optional.of(smtp) : g.smtp());
        }

        private static Integer intOrNull(final OptionalInt v)
        {
            return v.isPresent() ? v.getAsInt() : null;
        }

        private static int firstSet(final Integer a, final Integer b, final Integer c, final Integer d, final int def)
        {
            return a != null ? a : b != null ? b : c != null ? c : d != null ? d : def;
        }
    }
}
