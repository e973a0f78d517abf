package io.jlvs.controlplane.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    private static final Pattern V4_HOST_PORT = Pattern.compile("(\\d+\\.\\d+\\.\\d+\\.\\d+):([0-9A-Za-z_-]+)");
    private static final Pattern NAME_PORT = Pattern.compile("([0-9A-Za-z._+-]+):([0-9A-Za-z_-]+)");
    private static final Pattern V6_PORT = Pattern.compile("\\[([0-9A-Fa-f:.]+)\\]:([0-9A-Za-z_-]+)");

    private final CfDiagnostics diagnostics;
    private final CfValues values;
    private final GlobalSection global = new GlobalSection();
    private final List<VirtualSection> sections = new ArrayList<>();
    private final Map<String, Integer> virtualIds = new HashMap<>();
    /** The virtual section being read, or null in the global part of the file. */
    private VirtualSection current;
    /** Whether a blank line ended the last section: named in the error of an indented line after it. */
    private boolean endedByBlank;

    private LdirectordConfigParser(final Path file, final Resolver resolver)
    {
        this.diagnostics = new CfDiagnostics(file);
        this.values = new CfValues(diagnostics, resolver);
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
        for (final CfLine l : LdirectordTokenizer.tokenize(lines))
        {
            onLine(l);
        }
        endSection();
        diagnostics.throwIfErrors();

        final GlobalSettings settings = global.settings();
        final List<VirtualService> services = new ArrayList<>(sections.size());
        for (final VirtualSection s : sections)
        {
            if (null != s.checkInterval && !global.fork)
            {
                diagnostics.warn(s.checkIntervalAt, "checkinterval in a virtual section is ignored when fork=no " +
                    "(jlvs uses the global checkinterval, as ldirectord does)");
            }
            services.add(s.build(settings, global.fork));
        }
        return new LdirectordConfig(diagnostics.file(), settings, services, diagnostics.warnings());
    }

    /** Sends a line to the section it belongs to by its indentation, opening and ending virtual sections. */
    private void onLine(final CfLine l)
    {
        switch (l.kind())
        {
            case COMMENT ->
            {
                // a comment line does not end a section
            }
            case BLANK ->
            {
                if (current != null)
                {
                    endSection();
                    endedByBlank = true;
                }
            }
            case MALFORMED ->
            {
                if (l.indent() == 0)
                {
                    endSection();
                }
                diagnostics.error(l, "cannot parse line");
            }
            case DIRECTIVE -> onDirective(l);
        }
    }

    private void onDirective(final CfLine l)
    {
        if (l.indent() == 0)
        {
            endSection();
            endedByBlank = false;
            if (l.isVirtual())
            {
                current = values.requireEquals(l, l.value()) ? openSection(l) : VirtualSection.broken(l.number());
            }
            else
            {
                GlobalDirective.onLine(global, values, l);
            }
        }
        else if (l.indent() < 4)
        {
            diagnostics.error(l, "wrong indentation: lines of a virtual section must be indented by at least 4 " +
                "spaces or a tab, global directives must start in column 0");
        }
        else if (current == null)
        {
            final String hint = endedByBlank ? " (a blank line ends a virtual section in ldirectord.cf)" : "";
            diagnostics.error(l, l.isVirtual() ? l.key() + " must start in column 0" :
                l.key() + " outside a virtual section" + hint);
        }
        else
        {
            VirtualDirective.onLine(current, values, l);
        }
    }

    /** {@code virtual = ip:port | host:service | fwmark}, {@code virtual6 = [ipv6]:port | host:service | fwmark}. */
    private VirtualSection openSection(final CfLine at)
    {
        final String value = at.value();
        final AddressFamily family = at.key().equals("virtual6") ? AddressFamily.INET6 : AddressFamily.INET;
        final VirtualSection s = new VirtualSection(at.number(), family, at.text());
        Matcher m;
        if (CfValues.DIGITS.matcher(value).matches())
        {
            final long mark = CfValues.parseLong(value);
            if (mark < 1 || mark > 0xffffffffL)
            {
                diagnostics.error(at, "invalid firewall mark \"" + value + "\": must be 1..4294967295");
                s.broken = true;
            }
            s.fwmark = (int)mark;
        }
        else if ((m = V6_PORT.matcher(value)).matches())
        {
            hostPort(s, at, m, AddressFamily.INET6, InetLiterals.ipv6(m.group(1)) == null,
                "invalid ipv6 address for virtual server: ");
        }
        else if ((m = V4_HOST_PORT.matcher(value)).matches())
        {
            hostPort(s, at, m, AddressFamily.INET, InetLiterals.ipv4(m.group(1)) == null,
                "invalid address for virtual server: ");
        }
        else if ((m = NAME_PORT.matcher(value)).matches())
        {
            s.hostText = m.group(1);
            s.portText = m.group(2);
        }
        else
        {
            diagnostics.error(at, "invalid address for virtual server \"" + value + "\": expected " +
                (family == AddressFamily.INET6 ? "[ipv6-address]:port, host:port" : "ip_address:port, host:port") +
                " or a firewall mark");
            s.broken = true;
        }
        return s;
    }

    /** An address literal of {@code literalFamily} with its port; on the other family's line it is refused. */
    private void hostPort(final VirtualSection s, final CfLine at, final Matcher m, final AddressFamily literalFamily,
        final boolean invalid, final String invalidMessage)
    {
        if (s.family != literalFamily)
        {
            diagnostics.error(at, literalFamily == AddressFamily.INET6 ?
                "cannot specify an IPv6 address here. please use \"virtual6\" instead." :
                "cannot specify an IPv4 address here. please use \"virtual\" instead.");
            s.broken = true;
            return;
        }
        s.hostText = m.group(1);
        s.portText = m.group(2);
        if (invalid)
        {
            diagnostics.error(at, invalidMessage + s.hostText);
            s.broken = true;
        }
    }

    private void endSection()
    {
        if (current != null)
        {
            finish(current);
            current = null;
        }
    }

    /**
     * End of a virtual section: resolve names, read the lines kept for it, check what needs the whole section. A
     * section with an error is not built, and is not counted for duplicates.
     */
    private void finish(final VirtualSection s)
    {
        if (s.broken)
        {
            return;
        }
        final int errorsBefore = diagnostics.errorCount();
        if (s.fwmark != 0)
        {
            s.protocol = ServiceProtocol.FWM;
            s.port = 0;
        }
        else
        {
            resolveAddress(s);
        }
        if (Boolean.TRUE.equals(s.ops) && s.protocol != ServiceProtocol.UDP && s.protocol != ServiceProtocol.FWM)
        {
            diagnostics.error(s.opsAt, "ops (one-packet scheduling) is for UDP virtual services only");
        }
        if (s.schedFlags != null)
        {
            try
            {
                s.schedFlagBits = SchedFlags.parse(s.scheduler, s.schedFlags.value());
            }
            catch (final IllegalArgumentException ex)
            {
                diagnostics.error(s.schedFlags.at(), ex.getMessage() + " (schedflags for scheduler " + s.scheduler +
                    ")");
            }
        }
        if (s.netmask != null && s.persistent == null)
        {
            diagnostics.warn(s.netmaskAt, "netmask without persistent is ignored (ldirectord passes -M only with -p)");
        }
        if (s.fallback != null)
        {
            s.resolvedFallback = values.fallback(s.fallback.at(), s.fallback.value(), s.family,
                s.protocol.servicesName());
        }
        final Set<String> seen = new HashSet<>();
        for (final VirtualSection.Held r : s.reals)
        {
            RealLine.expand(s, values, r, seen);
        }
        if (diagnostics.errorCount() != errorsBefore)
        {
            return;
        }
        final String id = s.id();
        final Integer first = virtualIds.putIfAbsent(id, s.line);
        if (first != null)
        {
            diagnostics.error(s.line, "duplicate virtual server " + id + " (first defined at line " + first + ")",
                s.text);
            return;
        }
        sections.add(s);
    }

    /** The protocol (udp for DNS's port, else tcp, unless given), the address and the port of {@code s}. */
    private void resolveAddress(final VirtualSection s)
    {
        if (s.protocol == null)
        {
            s.protocol = s.portText.equals("53") || s.portText.equals("domain") ?
                ServiceProtocol.UDP : ServiceProtocol.TCP;
        }
        s.address = values.host(s.hostText, s.family);
        if (s.address == null)
        {
            diagnostics.error(s.line, "invalid address for virtual server: could not resolve host \"" + s.hostText +
                "\"", s.text);
        }
        final int port = values.port(s.portText, s.protocol.servicesName());
        if (port == -2)
        {
            diagnostics.error(s.line, "invalid port \"" + s.portText + "\" for virtual server: must be 0..65535",
                s.text);
        }
        else if (port == -1)
        {
            diagnostics.error(s.line, "invalid port \"" + s.portText + "\" for virtual server (could not resolve " +
                "port)", s.text);
        }
        s.port = Math.max(port, 0);
        if (port == 0 && s.persistent == null)
        {
            diagnostics.error(s.line, "Zero port specified for non-persistent service", s.text);
        }
    }
}
