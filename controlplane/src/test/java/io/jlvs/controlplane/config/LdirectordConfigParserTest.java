package io.jlvs.controlplane.config;

import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LdirectordConfigParserTest
{
    private final StubResolver resolver = new StubResolver();

    @Test
    void shouldParseSuseGuideExample() throws Exception
    {
        final Path file = resource("suse-guide.cf");
        final LdirectordConfig config = LdirectordConfigParser.parse(file, resolver);

        assertEquals(file, config.file());
        final GlobalSettings g = config.global();
        assertTrue(g.autoreload());
        assertEquals(5, g.checkInterval());
        assertEquals(OptionalInt.of(3), g.checkTimeout());
        assertTrue(g.quiescent());
        assertEquals("/var/log/ldirectord.log", g.logfile());

        assertEquals(1, config.virtualServices().size());
        final VirtualService v = config.virtualServices().getFirst();
        assertEquals(7, v.line());
        assertEquals("tcp:192.168.0.200:80", v.id());
        assertEquals(AddressFamily.INET, v.family());
        assertEquals(ip("192.168.0.200"), v.address());
        assertEquals(80, v.port());
        assertEquals(ServiceProtocol.TCP, v.protocol());
        assertEquals("wlc", v.scheduler());
        assertEquals(OptionalInt.empty(), v.persistent());
        assertTrue(v.quiescent());
        assertEquals(Optional.of(new Fallback(ip("127.0.0.1"), 80, FwdMethod.DROUTE)), v.fallback());
        assertEquals(List.of(
            new RealServer(11, ip("192.168.0.110"), 80, FwdMethod.DROUTE, 1, 0, 0, Optional.empty(),
                Optional.empty()),
            new RealServer(12, ip("192.168.0.120"), 80, FwdMethod.DROUTE, 1, 0, 0, Optional.empty(),
                Optional.empty())), v.reals());
        final HealthCheck c = v.check();
        assertEquals(CheckType.NEGOTIATE, c.type());
        assertEquals("http", c.service());
        assertEquals("/test.html", c.request());
        assertEquals("still alive", c.receive());
        assertEquals(3, c.checkTimeout());
        assertEquals(3, c.negotiateTimeout());
        assertEquals(5, c.checkInterval());
        assertEquals(1, c.failureCount());
        assertTrue(config.warnings().isEmpty());
    }

    @Test
    void shouldApplyLdirectordDefaults() throws Exception
    {
        final LdirectordConfig config = parse("x.cf",
            "virtual=10.0.0.1:8080",
            "    real=10.0.1.1 gate");

        assertEquals(GlobalSettings.DEFAULTS, config.global());
        final VirtualService v = config.virtualServices().getFirst();
        assertEquals("wrr", v.scheduler());
        assertEquals(ServiceProtocol.TCP, v.protocol());
        assertFalse(v.quiescent());
        assertEquals(Optional.empty(), v.fallback());
        final RealServer r = v.reals().getFirst();
        assertEquals(8080, r.port());
        assertEquals(1, r.weight());
        final HealthCheck c = v.check();
        assertEquals(CheckType.NEGOTIATE, c.type());
        assertEquals("none", c.service());
        assertEquals("/", c.request());
        assertEquals("", c.receive());
        assertEquals("GET", c.httpMethod());
        assertEquals(5, c.checkTimeout());
        assertEquals(30, c.negotiateTimeout());
        assertEquals(10, c.checkInterval());
        assertEquals(1, c.failureCount());
    }

    @Test
    void shouldParseShippedSampleStyleFile() throws Exception
    {
        final LdirectordConfig config = LdirectordConfigParser.parse(Path.of("sample.cf"),
            Files.readAllLines(resource("sample.cf"), StandardCharsets.ISO_8859_1), resolver);

        assertEquals(List.of("tcp:192.168.6.240:80", "tcp:192.168.6.240:443", "udp:192.168.84.5:53", "fwm:1",
                "tcp:192.0.2.80:80", "tcp:[2001:db8::5]:119", "fwm6:2"),
            config.virtualServices().stream().map(VirtualService::id).toList());
        assertEquals("local0", config.global().logfile());
        assertEquals(Optional.of(new Fallback(ip("127.0.0.1"), 80, FwdMethod.DROUTE)), config.global().fallback());
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());

        final VirtualService http = config.virtualServices().get(0);
        assertEquals("rr", http.scheduler());
        assertEquals(OptionalInt.of(80), http.check().checkPort());
        assertEquals(Optional.of("www.x.y.z"), http.check().virtualHost());
        assertEquals("/index.html", http.check().request());
        assertEquals(new RealServer(17, ip("192.168.6.6"), 80, FwdMethod.DROUTE, 0, 0, 0,
            Optional.of("/alive.html"), Optional.of("I am alive")), http.reals().get(2));
        assertEquals(2, http.reals().get(1).weight());
    }

    @Test
    void shouldKeepMasqPortMappingAndThresholds() throws Exception
    {
        final VirtualService https = sample().virtualServices().get(1);

        assertEquals(OptionalInt.of(600), https.persistent());
        assertEquals(Optional.of(new Netmask(AddressFamily.INET, 0xffffff00)), https.netmask());
        assertEquals("255.255.255.0", https.netmask().orElseThrow().toString());
        assertEquals("wrr", https.scheduler());
        assertEquals("https", https.check().service());
        assertEquals(CheckType.COMBINED, https.check().type());
        assertEquals(3, https.check().connectsPerNegotiate());
        assertEquals(20, https.check().negotiateTimeout());
        assertEquals(20, https.check().checkTimeout());
        for (final RealServer r : https.reals())
        {
            assertEquals(8443, r.port());
            assertEquals(FwdMethod.MASQ, r.forwarding());
            assertEquals(5, r.weight());
            assertEquals(100, r.lowerThreshold());
            assertEquals(400, r.upperThreshold());
        }
        assertEquals(Optional.of(new Fallback(ip("127.0.0.1"), 80, FwdMethod.DROUTE)), https.fallback());
    }

    @Test
    void shouldDefaultToUdpForPort53AndExpandIpv4Range() throws Exception
    {
        final VirtualService dns = sample().virtualServices().get(2);

        assertEquals(ServiceProtocol.UDP, dns.protocol());
        assertEquals(53, dns.port());
        assertEquals("dns", dns.check().service());
        assertEquals(List.of(ip("10.0.1.4"), ip("10.0.1.5"), ip("10.0.1.6"), ip("10.0.1.7")),
            dns.reals().stream().map(RealServer::address).toList());
        for (final RealServer r : dns.reals())
        {
            assertEquals(42, r.line());
            assertEquals(53, r.port());
        }
    }

    @Test
    void shouldParseFwmarkServiceWithPortlessReals() throws Exception
    {
        final VirtualService fwm = sample().virtualServices().get(3);

        assertTrue(fwm.isFwmark());
        assertEquals(1, fwm.fwmark());
        assertEquals(ServiceProtocol.FWM, fwm.protocol());
        assertEquals(null, fwm.address());
        assertEquals(0, fwm.port());
        assertEquals(OptionalInt.of(600), fwm.persistent());
        assertEquals("http", fwm.check().service());
        assertEquals(List.of(0, 0), fwm.reals().stream().map(RealServer::port).toList());
        assertEquals(Optional.of(new Fallback(ip("127.0.0.1"), 80, FwdMethod.DROUTE)), fwm.fallback());
    }

    @Test
    void shouldResolveHostNamesOnlyWhenNotLiterals() throws Exception
    {
        final VirtualService named = sample().virtualServices().get(4);

        assertEquals(ip("192.0.2.80"), named.address());
        assertEquals(80, named.port());
        assertEquals(List.of(ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3")),
            named.reals().stream().map(RealServer::address).toList());
        assertEquals(10, named.reals().getFirst().weight());
        assertEquals(CheckType.CONNECT, named.check().type());
        assertTrue(named.quiescent());
        assertEquals(List.of("lb.example.com", "web1", "web3"), resolver.hostLookups);
    }

    @Test
    void shouldParseVirtual6WithBracketedAddresses() throws Exception
    {
        final LdirectordConfig config = sample();
        final VirtualService nntp = config.virtualServices().get(5);

        assertEquals(AddressFamily.INET6, nntp.family());
        assertEquals(ip("2001:db8::5"), nntp.address());
        assertEquals(119, nntp.port());
        assertEquals("nntp", nntp.check().service());
        assertEquals(Optional.of(new Netmask(AddressFamily.INET6, 64)), nntp.netmask());
        assertEquals(List.of(ip("2001:db8:0:1::4"), ip("2001:db8:0:1::6")),
            nntp.reals().stream().map(RealServer::address).toList());
        assertEquals(List.of(119, 119), nntp.reals().stream().map(RealServer::port).toList());
        assertEquals(Optional.of(new Fallback(ip("::1"), 119, FwdMethod.DROUTE)), nntp.fallback());

        final VirtualService fwm6 = config.virtualServices().get(6);
        assertEquals("fwm6:2", fwm6.id());
        assertEquals(AddressFamily.INET6, fwm6.family());
        assertEquals("none", fwm6.check().service());
        assertEquals(Optional.empty(), fwm6.fallback());
    }

    @Test
    void shouldAcceptKeyEqualsValueWithAndWithoutBlanksAndQuotes() throws Exception
    {
        final LdirectordConfig config = parse("x.cf",
            "checktimeout=7",
            "negotiatetimeout = 11",
            "logfile = \"/var/log/jlvs-ld.log\"   # a comment",
            "virtual =10.0.0.1:80",
            "\treal= 10.0.1.1:80   gate   3",
            "    # a comment line does not end the section",
            "\treceive = \"a#b\"   # '#' inside quotes is data",
            "    scheduler=\"lc\"",
            "    httpmethod = head",
            "    virtualhost = \"www.example.com\"");

        assertEquals(OptionalInt.of(7), config.global().checkTimeout());
        assertEquals(OptionalInt.of(11), config.global().negotiateTimeout());
        assertEquals("/var/log/jlvs-ld.log", config.global().logfile());
        final VirtualService v = config.virtualServices().getFirst();
        assertEquals(3, v.reals().getFirst().weight());
        assertEquals("a#b", v.check().receive());
        assertEquals("lc", v.scheduler());
        assertEquals("HEAD", v.check().httpMethod());
        assertEquals(Optional.of("www.example.com"), v.check().virtualHost());
        assertEquals(7, v.check().checkTimeout());
        assertEquals(11, v.check().negotiateTimeout());
    }

    @Test
    void shouldReadThresholdsAndRefuseALowerAboveTheUpper() throws Exception
    {
        final LdirectordConfig ok = LdirectordConfigParser.parse(Path.of("t.cf"), List.of(
            "virtual = 10.0.0.10:80",
            "    real = 10.0.1.1:80 gate 2 <u:100> <l:50>"), resolver);
        assertEquals(100, ok.virtualServices().getFirst().reals().getFirst().upperThreshold());
        assertEquals(50, ok.virtualServices().getFirst().reals().getFirst().lowerThreshold());
        final ConfigException ex = assertThrows(ConfigException.class, () -> LdirectordConfigParser.parse(
            Path.of("t.cf"), List.of(
                "virtual = 10.0.0.10:80",
                "    real = 10.0.1.1:80 gate 2 <u:10> <l:50>",
                "    real = 10.0.1.2:80 gate 2 <l:5>"), resolver));
        assertEquals(List.of("t.cf:2: lower threshold 50 is higher than upper threshold 10",
                "t.cf:3: lower threshold 5 is higher than upper threshold 0"),
            ex.errors().stream().map(Object::toString).toList());
    }

    @Test
    void shouldRefuseARangeOfIpv6RealServersWithFileAndLine()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> LdirectordConfigParser.parse(
            Path.of("t.cf"), List.of(
                "virtual6 = [2001:db8::10]:80",
                "    real6 = web6a->web6b:80 gate"), resolver));
        assertEquals(List.of("t.cf:2: invalid range web6a->web6b: a range is of IPv4 addresses, as ldirectord " +
                "expands it; write one real6 line per IPv6 real server"),
            ex.errors().stream().map(Object::toString).toList());
    }

    @Test
    void shouldReadThresholdsAsLdirectordsCodeReadsThemWithoutBrackets() throws Exception
    {
        final LdirectordConfig ok = LdirectordConfigParser.parse(Path.of("t.cf"), List.of(
            "virtual = 10.0.0.10:80",
            "    real = 10.0.1.1:80 gate 2 \"/check\", \"ok\" l:50 u:100",
            "    real = 10.0.1.2:80 masq l:5 u:10"), resolver);
        final var reals = ok.virtualServices().getFirst().reals();
        assertEquals(List.of(50, 100, 2), List.of(reals.get(0).lowerThreshold(), reals.get(0).upperThreshold(),
            reals.get(0).weight()));
        assertEquals(List.of(5, 10, 1), List.of(reals.get(1).lowerThreshold(), reals.get(1).upperThreshold(),
            reals.get(1).weight()));
        final ConfigException ex = assertThrows(ConfigException.class, () -> LdirectordConfigParser.parse(
            Path.of("t.cf"), List.of(
                "virtual = 10.0.0.10:80",
                "    real = 10.0.1.1:80 gate l:50 u:10",
                "    real = 10.0.1.2:80 gate x:5"), resolver));
        assertEquals(2, ex.errors().size(), ex.errors().toString());
        assertEquals("t.cf:2: lower threshold 50 is higher than upper threshold 10", ex.errors().get(0).toString());
        assertTrue(ex.errors().get(1).toString().startsWith("t.cf:3: Invalid real server line, around \"x:5\""),
            ex.errors().toString());
    }

    @Test
    void shouldReadOnePacketSchedulingForUdpServicesOnly() throws Exception
    {
        final LdirectordConfig ok = LdirectordConfigParser.parse(Path.of("ops.cf"), List.of(
            "virtual = 10.0.0.10:53",
            "    real = 10.0.1.1:53 gate",
            "    protocol = udp",
            "    ops = yes"), resolver);
        assertTrue(ok.virtualServices().getFirst().ops());
        final ConfigException ex = assertThrows(ConfigException.class, () -> LdirectordConfigParser.parse(
            Path.of("ops.cf"), List.of(
                "virtual = 10.0.0.10:80",
                "    real = 10.0.1.1:80 gate",
                "    ops = yes",
                "virtual = 10.0.0.11:53",
                "    real = 10.0.1.1:53 gate",
                "    protocol = udp",
                "    ops = perhaps"), resolver));
        assertEquals(2, ex.errors().size(), ex.getMessage());
        assertEquals("ops.cf:3: ops (one-packet scheduling) is for UDP virtual services only",
            ex.errors().get(0).toString());
        assertTrue(ex.errors().get(1).toString().startsWith("ops.cf:7: "), ex.errors().get(1).toString());
    }

    @Test
    void shouldReportUnsupportedDirectivesAsWarnings() throws Exception
    {
        final LdirectordConfig config = LdirectordConfigParser.parse(Path.of("unsupported.cf"),
            Files.readAllLines(resource("unsupported.cf"), StandardCharsets.ISO_8859_1), resolver);

        assertEquals(List.of(
                "unsupported.cf:6: checkcount is not supported yet by jlvs; ignored",
                "unsupported.cf:7: supervised without a value is taken as \"supervised = yes\"",
                "unsupported.cf:9: real server port 8080 ignored: gate forwarding always uses the virtual " +
                    "service's port 80 (as ipvsadm does)",
                "unsupported.cf:17: checkinterval in a virtual section is ignored when fork=no (jlvs uses the " +
                    "global checkinterval, as ldirectord does)",
                "unsupported.cf:18: netmask without persistent is ignored (ldirectord passes -M only with -p)"),
            config.warnings().stream().map(ConfigDiagnostic::toString).toList());
        assertEquals("checkcount = 3", config.warnings().getFirst().text());
        assertEquals(new EmailAlert("admin@example.com", java.util.Optional.empty(), 3600, EmailAlert.ALL,
            java.util.Optional.empty()), config.global().emailAlert(), "emailalert is taken now (issue 7)");
        assertTrue(config.global().supervised());
        assertFalse(config.global().cleanStop(), "cleanstop = no");
        assertFalse(config.virtualServices().getFirst().cleanStop(), "the global cleanstop, as ldirectord");
        assertEquals(java.util.Optional.of(Path.of("/var/log/ldirectord-web.log")),
            config.virtualServices().getFirst().monitorFile(), "monitorfile is taken now");
        assertEquals(config.global().emailAlert(), config.virtualServices().getFirst().emailAlert(),
            "a virtual service without its own alert settings has the global ones");

        final VirtualService v = config.virtualServices().getFirst();
        assertEquals(CheckType.EXTERNAL, v.check().type());
        assertEquals(Path.of("/bin/true"), v.check().checkCommand(), "checkcommand is taken now (issue 7)");
        assertEquals(List.of(80, 8080), v.reals().stream().map(RealServer::port).toList());
        assertEquals(new Credentials("monitor", "secret", "", ""), v.check().credentials(),
            "login and passwd are taken now (issue 7)");
    }

    @Test
    void shouldTakeLdapsAndTheCredentialsOfTheChecksThatLogIn() throws Exception
    {
        final LdirectordConfig config = LdirectordConfigParser.parse(Path.of("login.cf"), List.of(
            "virtual = 10.0.0.10:636",
            "    real = 10.0.1.1:636 gate",
            "virtual = 10.0.0.10:3306",
            "    real = 10.0.1.1:3306 gate",
            "    login = \"monitor\"",
            "    passwd = \"Åpen sesam\"",
            "    database = \"health\"",
            "virtual = 10.0.0.10:1812",
            "    real = 10.0.1.1:1812 gate",
            "    protocol = udp",
            "    service = radius",
            "    secret = s3cret",
            "virtual = 10.0.0.11:389",
            "    real = 10.0.1.1:389 gate",
            "    service = ldaps"), resolver);
        final List<VirtualService> vs = config.virtualServices();
        assertEquals("ldaps", vs.get(0).check().service(), "636 is ldaps, as ldirectord guesses it");
        assertEquals(Credentials.NONE, vs.get(0).check().credentials());
        assertEquals("mysql", vs.get(1).check().service());
        assertEquals(new Credentials("monitor", "Åpen sesam", "health", ""), vs.get(1).check().credentials());
        assertEquals(new Credentials("", "", "", "s3cret"), vs.get(2).check().credentials());
        assertEquals("ldaps", vs.get(3).check().service(), "service = ldaps is accepted, as by ldirectord");
        assertTrue(config.warnings().isEmpty(), config.warnings().toString());
        assertFalse(vs.get(1).check().credentials().toString().contains("sesam"), "a password is never printed");
    }

    @Test
    void shouldTakeAVirtualServicesCheckintervalWithForkOnly() throws Exception
    {
        final List<String> lines = List.of(
            "checkinterval = 10",
            "fork = FORK",
            "virtual = 10.0.0.10:80",
            "    real = 10.0.1.1:80 gate",
            "    checkinterval = 3",
            "virtual = 10.0.0.11:80",
            "    real = 10.0.1.1:80 gate");
        final LdirectordConfig forked = LdirectordConfigParser.parse(Path.of("fork.cf"),
            lines.stream().map((l) -> l.replace("FORK", "yes")).toList(), resolver);
        assertEquals(3, forked.virtualServices().get(0).check().checkInterval(), "its own, as ldirectord's child");
        assertEquals(10, forked.virtualServices().get(1).check().checkInterval());
        assertTrue(forked.warnings().isEmpty(), forked.warnings().toString());
        final LdirectordConfig single = LdirectordConfigParser.parse(Path.of("fork.cf"),
            lines.stream().map((l) -> l.replace("FORK", "no")).toList(), resolver);
        assertEquals(10, single.virtualServices().get(0).check().checkInterval(), "fork = no: the global one");
        assertFalse(single.global().readdQuiescent(), "readdquiescent defaults to no, as ldirectord's");
        assertTrue(LdirectordConfigParser.parse(Path.of("r.cf"), List.of("readdquiescent = yes"), resolver)
            .global().readdQuiescent());
        assertEquals(List.of("fork.cf:5: checkinterval in a virtual section is ignored when fork=no (jlvs uses the " +
            "global checkinterval, as ldirectord does)"),
            single.warnings().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldRefuseAMonitorfileThatCannotBeWritten()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> LdirectordConfigParser.parse(
            Path.of("monitor.cf"), List.of(
                "virtual = 10.0.0.10:80",
                "    real = 10.0.1.1:80 gate",
                "    monitorfile = \"/no/such/dir/web.log\""), resolver));
        assertEquals(List.of("monitor.cf:3: monitorfile \"/no/such/dir/web.log\" cannot be written (an absolute " +
            "path in a writable directory)"), ex.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldRefuseAReceiveThatIsNoRegularExpression()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> LdirectordConfigParser.parse(
            Path.of("regex.cf"), List.of(
                "virtual = 10.0.0.10:80",
                "    real = 10.0.1.1:80 gate 1 \"/health\", \"ok(\"",
                "    real = 10.0.1.2:80 gate",
                "    receive = \"[unclosed\"",
                "    request = \"/\""), resolver));
        final List<String> errors = ex.errors().stream().map(ConfigDiagnostic::toString).toList();
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).startsWith("regex.cf:2: receive is not a regular expression: Unclosed group"),
            errors.toString());
        assertTrue(errors.get(1).startsWith("regex.cf:4: receive is not a regular expression: Unclosed character class"),
            errors.toString());
    }

    @Test
    void shouldReportEveryErrorWithFileAndLine() throws Exception
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> LdirectordConfigParser.parse(
            Path.of("errors.cf"), Files.readAllLines(resource("errors.cf"), StandardCharsets.ISO_8859_1), resolver));

        assertEquals(List.of(
                "errors.cf:2: invalid checkinterval \"5s\": must be a positive number",
                "errors.cf:4: invalid weight \"70000\" for real server: must be 0..65535",
                "errors.cf:5: invalid port (99999) for real server: must be 0..65535",
                "errors.cf:6: forward method must be gate, masq or ipip: \"route\"",
                "errors.cf:7: invalid address (10.0.1.300) for real server (could not resolve host)",
                "errors.cf:8: wrong indentation: lines of a virtual section must be indented by at least 4 spaces " +
                    "or a tab, global directives must start in column 0",
                "errors.cf:9: unknown directive \"frobnicate\"",
                "errors.cf:11: real outside a virtual section (a blank line ends a virtual section in ldirectord.cf)",
                "errors.cf:12: real outside a virtual section",
                "errors.cf:13: invalid address for virtual server: 10.0.0.999",
                "errors.cf:15: protocol must be tcp or udp if the virtual service is an address and port",
                "errors.cf:16: invalid persistent timeout \"0\": must be 1..2678400 seconds",
                "errors.cf:17: invalid netmask \"255.255.255\": dotted quad notation is required",
                "errors.cf:18: checktype must be \"connect\", \"negotiate\", \"on\", \"off\", \"ping\", \"external\", " +
                    "\"external-perl\" or a positive number",
                "errors.cf:19: service must be dns, ftp, http, https, http_proxy, imap, imaps, ldap, ldaps, nntp, mysql, " +
                    "none, oracle, pop, pops, radius, pgsql, simpletcp, sip, smtp or submission",
                "errors.cf:20: quiescent must be 'yes' or 'no'",
                "errors.cf:21: httpmethod must be GET or HEAD",
                "errors.cf:22: checkport must be in range 1..65535: \"0\"",
                "errors.cf:23: cannot specify an IPv4 address here. please use \"virtual\" instead.",
                "errors.cf:24: cannot specify an IPv6 address here. please use \"virtual6\" instead.",
                "errors.cf:25: unknown directive \"bogus\"",
                "errors.cf:27: cannot specify \"real6\" here.  please use \"real\" instead",
                "errors.cf:28: forward method must be gate, masq or ipip: \"tunnel\"",
                "errors.cf:29: invalid firewall mark \"0\": must be 1..4294967295",
                "errors.cf:30: connecttimeout directive deprecated in favour of negotiatetimeout",
                "errors.cf:33: duplicate virtual server tcp:10.0.0.4:80 (first defined at line 31)",
                "errors.cf:35: Zero port specified for non-persistent service",
                "errors.cf:37: duplicate real server 10.0.1.1:0",
                "errors.cf:39: invalid range 10.0.1.9->10.0.1.8: the first address must not be greater than the last",
                "errors.cf:40: request and receive must be given together: \"request\", \"receive\"",
                "errors.cf:41: invalid address (unknown-host) for real server (could not resolve host)"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
        assertEquals("real = 10.0.1.1:80 gate 70000", ex.errors().get(1).text());
        assertTrue(ex.getMessage().startsWith("31 errors in errors.cf\nerrors.cf:2: invalid checkinterval \"5s\": " +
            "must be a positive number\n    checkinterval = 5s\n"), ex.getMessage());
    }

    @Test
    void shouldRejectMisplacedDirectives()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> parse("m.cf",
            "scheduler = rr",
            "    real = 10.0.1.1:80 gate",
            "virtual = 10.0.0.1:80",
            "    autoreload = yes",
            "    virtual = 10.0.0.2:80",
            "    timeout = 5",
            "checktype"));

        assertEquals(List.of(
                "m.cf:1: scheduler is only valid inside a virtual section (indent it by at least 4 spaces or a tab)",
                "m.cf:2: real outside a virtual section",
                "m.cf:4: autoreload is a global directive: it must start in column 0, not inside a virtual section",
                "m.cf:5: virtual must start in column 0 (it opens a new virtual section)",
                "m.cf:6: timeout directive deprecated in favour of checktimeout and negotiatetimeout",
                "m.cf:7: checktype is only valid inside a virtual section (indent it by at least 4 spaces or a tab)"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldForceVirtualPortForGateAndIpipButNotForFwmark() throws Exception
    {
        final LdirectordConfig config = parse("p.cf",
            "virtual = 10.0.0.1:80",
            "    real = 10.0.1.1:8080 ipip",
            "    real = 10.0.1.2:8080 masq",
            "virtual = 7",
            "    real = 10.0.1.3:8080 gate");

        assertEquals(List.of(80, 8080), config.virtualServices().get(0).reals().stream().map(RealServer::port).toList());
        assertEquals(8080, config.virtualServices().get(1).reals().getFirst().port());
        assertEquals(List.of("p.cf:2: real server port 8080 ignored: ipip forwarding always uses the virtual " +
            "service's port 80 (as ipvsadm does)"), config.warnings().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldAcceptMasqIpipAndMixedMethodsInOneVirtual() throws Exception
    {
        final LdirectordConfig config = parse("mixed.cf",
            "virtual = 10.0.0.1:80",
            "    real = 10.0.1.1:80 gate 3",
            "    real = 10.0.0.2:8080 masq 2",
            "    real = 10.0.2.1 ipip",
            "    real = 10.0.2.2:8080 ipip");

        final List<RealServer> reals = config.virtualServices().getFirst().reals();
        assertEquals(List.of(FwdMethod.DROUTE, FwdMethod.MASQ, FwdMethod.TUNNEL, FwdMethod.TUNNEL),
            reals.stream().map(RealServer::forwarding).toList());
        assertEquals(List.of(80, 8080, 80, 80), reals.stream().map(RealServer::port).toList(),
            "masq keeps its own port (port mapping); ipip takes the virtual's");
        assertEquals(new RealServer(4, ip("10.0.2.1"), 80, FwdMethod.TUNNEL, 1, 0, 0, Optional.empty(),
            Optional.empty(), TunnelType.IPIP, 0, TunnelChecksum.NOCSUM), reals.get(2));
        assertEquals(List.of("mixed.cf:5: real server port 8080 ignored: ipip forwarding always uses the virtual " +
                "service's port 80 (as ipvsadm does)"),
            config.warnings().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldReadTunnelOptionsInAnyOrderAfterMethodAndWeight() throws Exception
    {
        final List<RealServer> reals = parse("tun.cf",
            "virtual = 10.0.0.1:80",
            "    real = 10.0.2.1:80 ipip 2 --tun-type gue --tun-port 6080 --tun-csum",
            "    real = 10.0.2.2:80 ipip --tun-remcsum --tun-port=6081 \"/alive\", \"up\" --tun-type=gue",
            "    real = 10.0.2.3:80 ipip 3 --tun-type gre --tun-csum",
            "    real = 10.0.2.4:80 ipip --tun-nocsum --tun-type gre",
            "    real = 10.0.2.5:80 ipip 4 --tun-type ipip",
            "    real = 10.0.2.6:80 ipip --tun-type gue --tun-nocsum --tun-port 6080")
            .virtualServices().getFirst().reals();

        assertEquals(new RealServer(2, ip("10.0.2.1"), 80, FwdMethod.TUNNEL, 2, 0, 0, Optional.empty(),
            Optional.empty(), TunnelType.GUE, 6080, TunnelChecksum.CSUM), reals.get(0));
        assertEquals(new RealServer(3, ip("10.0.2.2"), 80, FwdMethod.TUNNEL, 1, 0, 0, Optional.of("/alive"),
            Optional.of("up"), TunnelType.GUE, 6081, TunnelChecksum.REMCSUM), reals.get(1));
        assertEquals(List.of(TunnelType.GUE, TunnelType.GUE, TunnelType.GRE, TunnelType.GRE, TunnelType.IPIP,
            TunnelType.GUE), reals.stream().map(RealServer::tunnelType).toList());
        assertEquals(List.of(6080, 6081, 0, 0, 0, 6080), reals.stream().map(RealServer::tunnelPort).toList());
        assertEquals(List.of(TunnelChecksum.CSUM, TunnelChecksum.REMCSUM, TunnelChecksum.CSUM, TunnelChecksum.NOCSUM,
                TunnelChecksum.NOCSUM, TunnelChecksum.NOCSUM),
            reals.stream().map(RealServer::tunnelChecksum).toList());
        assertEquals(List.of(2, 1, 3, 1, 4, 1), reals.stream().map(RealServer::weight).toList());
    }

    @Test
    void shouldRefuseIllegalTunnelOptionsAsIpvsadmDoesWithFileAndLine()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> parse("tun.cf",
            "virtual = 10.0.0.1:80",
            "    real = 10.0.2.1 ipip --tun-type gue",
            "    real = 10.0.2.2 ipip --tun-port 6080",
            "    real = 10.0.2.3 ipip --tun-csum",
            "    real = 10.0.2.4 ipip --tun-type gre --tun-port 6080",
            "    real = 10.0.2.5 ipip --tun-type gre --tun-remcsum",
            "    real = 10.0.2.6 ipip --tun-type gre --tun-nocsum --tun-csum",
            "    real = 10.0.2.7 ipip --tun-type gue --tun-port 6080 --tun-remcsum --tun-csum",
            "    real = 10.0.2.8 gate --tun-type gre",
            "    real = 10.0.2.9 masq 2 --tun-csum",
            "    real = 10.0.2.10 ipip --tun-type vxlan",
            "    real = 10.0.2.11 ipip --tun-type gue --tun-port 0",
            "    real = 10.0.2.12 ipip --tun-type gue --tun-port 65536",
            "    real = 10.0.2.13 ipip --tun-type gue --tun-port",
            "    real = 10.0.2.14 ipip --tun-type gre --tun-csum --tun-csum",
            "    real = 10.0.2.15 ipip --tun-flags 1",
            "    real = 10.0.2.16 ipip --tun-type gre --tun-csum=yes",
            "    real = 10.0.2.17 ipip --tun-type gue --tun-port 6080 --tun-csum 2"));

        assertEquals(List.of(
                "tun.cf:2: --tun-port is required with --tun-type gue",
                "tun.cf:3: --tun-port is not allowed with --tun-type ipip",
                "tun.cf:4: --tun-csum is not allowed with --tun-type ipip",
                "tun.cf:5: --tun-port is not allowed with --tun-type gre",
                "tun.cf:6: --tun-remcsum is not allowed with --tun-type gre",
                "tun.cf:7: --tun-csum conflicts with --tun-nocsum (--tun-type gre takes only one checksum option)",
                "tun.cf:8: --tun-remcsum conflicts with --tun-csum (--tun-type gue takes only one checksum option)",
                "tun.cf:9: --tun-type is only valid with the ipip forwarding method, not gate",
                "tun.cf:10: --tun-csum is only valid with the ipip forwarding method, not masq",
                "tun.cf:11: invalid --tun-type \"vxlan\": must be ipip, gue or gre",
                "tun.cf:12: invalid --tun-port \"0\": must be 1..65535",
                "tun.cf:13: invalid --tun-port \"65536\": must be 1..65535",
                "tun.cf:14: invalid --tun-port: must be 1..65535",
                "tun.cf:15: --tun-csum given more than once",
                "tun.cf:16: unknown tunnel option \"--tun-flags\": expected --tun-type, --tun-port, --tun-nocsum, " +
                    "--tun-csum or --tun-remcsum",
                "tun.cf:17: --tun-csum takes no value",
                "tun.cf:18: Invalid real server line, around \"2\""),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
        assertEquals("real = 10.0.2.1 ipip --tun-type gue", ex.errors().getFirst().text());
    }

    @Test
    void shouldAcceptZeroPortForPersistentService() throws Exception
    {
        final VirtualService v = parse("z.cf",
            "virtual = 10.0.0.1:0",
            "    real = 10.0.1.1 gate",
            "    persistent = 300").virtualServices().getFirst();

        assertEquals(0, v.port());
        assertEquals(OptionalInt.of(300), v.persistent());
    }

    /** A persistence netmask is a mask: its ones lead; 255.0.255.0 is refused, 0.0.0.0 (every client as one) is not. */
    @Test
    void shouldRefuseANetmaskThatIsNotAMask()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> parse("m.cf",
            "virtual = 10.0.0.1:443",
            "    real = 10.0.1.1:443 gate",
            "    persistent = 600",
            "    netmask = 255.0.255.0"));
        assertEquals(List.of("m.cf:4: invalid netmask \"255.0.255.0\": not a mask (its ones must lead, as 255.255.255.0)"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
        assertDoesNotThrow(() -> parse("m0.cf", "virtual = 10.0.0.1:443", "    real = 10.0.1.1:443 gate",
            "    persistent = 600", "    netmask = 0.0.0.0"));
    }

    @Test
    void shouldRejectRangesForIpv6AndUnbracketedIpv6Reals()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> parse("r6.cf",
            "virtual6 = [2001:db8::1]:80",
            "    real6 = [2001:db8::10]->[2001:db8::12]:80 gate",
            "    real6 = 2001:db8::13:80 gate",
            "    netmask = 255.255.255.0"));

        assertEquals(List.of(
                "r6.cf:2: Address range for IPv6 is not supported yet",
                "r6.cf:3: invalid address for real server (wrong format): \"2001:db8::13:80\"; write IPv6 " +
                    "addresses as [address]:port",
                "r6.cf:4: invalid netmask \"255.255.255.0\": a prefix length between 1 and 128 is required"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldReadTheFileFromDisk() throws Exception
    {
        final Path file = Files.createTempFile("ldirectord", ".cf");
        try
        {
            Files.writeString(file, "virtual = 10.0.0.1:80\n    real = 10.0.1.1:80 masq 2\n");
            final LdirectordConfig config = LdirectordConfigParser.parse(file);
            assertEquals(FwdMethod.MASQ, config.virtualServices().getFirst().reals().getFirst().forwarding());
        }
        finally
        {
            Files.delete(file);
        }
    }

    @Test
    void shouldReadAUtf8FileAsUtf8AndALatin1OneAsLatin1() throws Exception
    {
        final Path file = Files.createTempFile("ldirectord", ".cf");
        try
        {
            // "Å" is C3 85 in UTF-8: read as ISO-8859-1 the 0x85 became a line end for Java's regex, and the line
            // was refused
            Files.writeString(file, "virtual = 10.0.0.1:80\n    real = 10.0.1.1:80 masq 2\n    receive=\"Åpen\"\n",
                java.nio.charset.StandardCharsets.UTF_8);
            assertEquals("Åpen", LdirectordConfigParser.parse(file).virtualServices().getFirst().check().receive());
            Files.write(file, "virtual = 10.0.0.1:80\n    real = 10.0.1.1:80 masq 2\n    receive=\"\u00c5pen\"\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertEquals("Åpen", LdirectordConfigParser.parse(file).virtualServices().getFirst().check().receive(),
                "not UTF-8: read byte for byte");
        }
        finally
        {
            Files.delete(file);
        }
    }

    private LdirectordConfig sample() throws Exception
    {
        return LdirectordConfigParser.parse(Path.of("sample.cf"),
            Files.readAllLines(resource("sample.cf"), StandardCharsets.ISO_8859_1), resolver);
    }

    private LdirectordConfig parse(final String name, final String... lines) throws ConfigException
    {
        return LdirectordConfigParser.parse(Path.of(name), List.of(lines), resolver);
    }

    private static Path resource(final String name) throws URISyntaxException
    {
        return Path.of(LdirectordConfigParserTest.class.getResource(name).toURI());
    }

    private static InetAddress ip(final String literal)
    {
        return InetLiterals.literal(literal);
    }
}
