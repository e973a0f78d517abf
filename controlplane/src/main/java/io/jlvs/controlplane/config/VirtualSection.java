package io.jlvs.controlplane.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A virtual section of ldirectord.cf while it is read: what its {@link VirtualDirective} handlers set, the lines
 * that can only be checked once the whole section is known (real, fallback, schedflags), and the build of the
 * {@link VirtualService} with ldirectord's defaults and the global settings beneath.
 */
final class VirtualSection
{
    /** A line kept for the end of the section, with its value as the handler was given it. */
    record Held(CfLine at, String value)
    {
    }

    private static final Map<Integer, String> SERVICE_BY_PORT = Map.ofEntries(
        Map.entry(21, "ftp"), Map.entry(25, "smtp"), Map.entry(53, "dns"), Map.entry(80, "http"),
        Map.entry(110, "pop"), Map.entry(119, "nntp"), Map.entry(143, "imap"), Map.entry(389, "ldap"),
        Map.entry(443, "https"), Map.entry(587, "submission"), Map.entry(636, "ldaps"), Map.entry(993, "imaps"),
        Map.entry(995, "pops"), Map.entry(1521, "oracle"), Map.entry(1812, "radius"), Map.entry(3128, "http_proxy"),
        Map.entry(3306, "mysql"), Map.entry(5060, "sip"), Map.entry(5432, "pgsql"));

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
    String scheduler = VirtualService.DEFAULT_SCHEDULER;
    /** Checked at the end of the section, once the scheduler is known. */
    Held schedFlags;
    int schedFlagBits;
    Integer persistent;
    Netmask netmask;
    CfLine netmaskAt;
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
    CfLine checkIntervalAt;
    String login = "";
    String passwd = "";
    String database = "";
    String secret = "";
    Integer checkPort;
    Path checkCommand;
    Path fallbackCommand;
    Boolean quiescent;
    Boolean ops;
    CfLine opsAt;
    /** Resolved at the end of the section, with the virtual service's protocol. */
    Held fallback;
    Fallback resolvedFallback;
    final List<Held> reals = new ArrayList<>();
    final List<RealServer> builtReals = new ArrayList<>();

    VirtualSection(final int line, final AddressFamily family, final String text)
    {
        this.line = line;
        this.family = family;
        this.text = text;
    }

    /** Stands for a section whose virtual line was refused: its lines are checked by name and form only. */
    static VirtualSection broken(final int line)
    {
        final VirtualSection s = new VirtualSection(line, AddressFamily.INET, "");
        s.broken = true;
        return s;
    }

    /** The identity duplicates are found by, as ipvsadm names a service: "tcp:10.0.0.1:80", "fwm6:2". */
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
