package io.jlvs.controlplane.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The directives of a virtual section of ldirectord.cf (the indented lines), each with the handler that checks its
 * value and sets it on the {@link VirtualSection}. What needs the whole section (real lines, fallback, schedflags)
 * is only kept here and checked when the section ends. {@link #onLine} first refuses what is not a virtual
 * directive, in ldirectord's words where it has some.
 */
enum VirtualDirective
{
    REAL("real", VirtualDirective::real),
    REAL6("real6", VirtualDirective::real),
    SCHEDULER("scheduler", VirtualDirective::scheduler),
    PROTOCOL("protocol", VirtualDirective::protocol),
    PERSISTENT("persistent", VirtualDirective::persistent),
    NETMASK("netmask", (s, v, at, value) ->
    {
        s.netmask = v.netmask(at, s.family, value);
        s.netmaskAt = at;
    }),
    CHECKTYPE("checktype", VirtualDirective::checkType),
    CHECKINTERVAL("checkinterval", (s, v, at, value) ->
    {
        s.checkInterval = v.positive(at, value);
        s.checkIntervalAt = at;
    }),
    CHECKTIMEOUT("checktimeout", (s, v, at, value) -> s.checkTimeout = v.positive(at, value)),
    NEGOTIATETIMEOUT("negotiatetimeout", (s, v, at, value) -> s.negotiateTimeout = v.positive(at, value)),
    FAILURECOUNT("failurecount", (s, v, at, value) -> s.failureCount = v.positive(at, value)),
    SERVICE("service", VirtualDirective::service),
    REQUEST("request", VirtualDirective::request),
    RECEIVE("receive", VirtualDirective::receive),
    HTTPMETHOD("httpmethod", VirtualDirective::httpMethod),
    VIRTUALHOST("virtualhost", VirtualDirective::virtualHost),
    CHECKPORT("checkport", VirtualDirective::checkPort),
    QUIESCENT("quiescent", (s, v, at, value) -> s.quiescent = v.yesNo(at, value)),
    FALLBACK("fallback", VirtualDirective::fallback),
    FALLBACK6("fallback6", VirtualDirective::fallback),
    CHECKCOMMAND("checkcommand", (s, v, at, value) ->
    {
        // ldirectord runs it for checktype = external: missing or not executable is refused at load
        final Path command = v.command(at, value);
        if (null != command)
        {
            s.checkCommand = command;
        }
    }),
    FALLBACKCOMMAND("fallbackcommand", (s, v, at, value) ->
    {
        final Path command = v.command(at, value);
        if (null != command)
        {
            s.fallbackCommand = command;
        }
    }),
    LOGIN("login", (s, v, at, value) -> s.login = LdirectordTokenizer.unquote(value)),
    PASSWD("passwd", (s, v, at, value) -> s.passwd = LdirectordTokenizer.unquote(value)),
    DATABASE("database", (s, v, at, value) -> s.database = LdirectordTokenizer.unquote(value)),
    SECRET("secret", (s, v, at, value) -> s.secret = LdirectordTokenizer.unquote(value)),
    EMAILALERT("emailalert", (s, v, at, value) -> s.emailAlertTo = LdirectordTokenizer.unquote(value)),
    EMAILALERTFREQ("emailalertfreq", (s, v, at, value) -> s.emailAlertFreq = v.nonNegative(at, value)),
    EMAILALERTSTATUS("emailalertstatus", (s, v, at, value) ->
    {
        final Integer mask = v.emailAlertStatus(at, LdirectordTokenizer.unquote(value));
        if (null != mask)
        {
            s.emailAlertStatus = mask;
        }
    }),
    SMTP("smtp", (s, v, at, value) -> s.smtp = LdirectordTokenizer.unquote(value)),
    CLEANSTOP("cleanstop", (s, v, at, value) -> s.cleanStop = v.yesNo(at, value)),
    MONITORFILE("monitorfile", VirtualDirective::monitorFile),
    SCHEDFLAGS("schedflags", (s, v, at, value) -> s.schedFlags = new VirtualSection.Held(at, value)),
    OPS("ops", (s, v, at, value) ->
    {
        s.ops = v.yesNo(at, value);
        s.opsAt = at;
    });

    /** Per-virtual directives of ldirectord (plus servicename, comment of newer releases) not implemented yet. */
    private static final Set<String> UNSUPPORTED = Set.of("checkcount", "load", "servicename", "comment");
    private static final Set<String> SERVICES = Set.of(
        "dns", "ftp", "http", "https", "http_proxy", "imap", "imaps", "ldap", "nntp", "mysql", "none", "oracle",
        "pop", "pops", "radius", "pgsql", "sip", "smtp", "submission", "simpletcp", "ldaps");
    private static final Pattern SCHEDULER_NAME = Pattern.compile("[a-z]+");
    private static final Map<String, VirtualDirective> BY_NAME = new HashMap<>();

    static
    {
        for (final VirtualDirective d : values())
        {
            if (BY_NAME.put(d.ldirectordName, d) != null)
            {
                throw new IllegalStateException("duplicate virtual directive " + d.ldirectordName);
            }
        }
    }

    /** Checks the value of one directive and sets it; the value is unquoted once, but for real lines. */
    @FunctionalInterface
    private interface Handler
    {
        void apply(VirtualSection s, CfValues v, CfLine at, String value);
    }

    private final String ldirectordName;
    private final Handler handler;

    VirtualDirective(final String ldirectordName, final Handler handler)
    {
        this.ldirectordName = ldirectordName;
        this.handler = handler;
    }

    /** Whether {@code key} is a directive of ldirectord's virtual sections, implemented or not. */
    static boolean isKnown(final String key)
    {
        return BY_NAME.containsKey(key) || UNSUPPORTED.contains(key);
    }

    /** One indented line of section {@code s}; a broken section has its lines checked by name and form only. */
    static void onLine(final VirtualSection s, final CfValues v, final CfLine at)
    {
        final String key = at.key();
        final String value = key.startsWith("real") ? at.value() : LdirectordTokenizer.unquote(at.value());
        final VirtualDirective d = BY_NAME.get(key);
        if (UNSUPPORTED.contains(key))
        {
            v.unsupported(at);
        }
        else if (CfValues.isDeprecated(key))
        {
            v.deprecated(at);
        }
        else if (null == d)
        {
            v.error(at, at.isVirtual() ? key + " must start in column 0 (it opens a new virtual section)" :
                GlobalDirective.isKnown(key) ?
                key + " is a global directive: it must start in column 0, not inside a virtual section" :
                "unknown directive \"" + key + "\"");
        }
        else if (v.requireEquals(at, value) && !s.broken)
        {
            d.handler.apply(s, v, at, value);
        }
    }

    /** real and real6 must match the section's family; the line is read when the section ends. */
    private static void real(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final boolean six = at.key().equals("real6");
        if (six != (s.family == AddressFamily.INET6))
        {
            v.error(at, "cannot specify \"" + at.key() + "\" here.  please use \"real" + (six ? "" : "6") +
                "\" instead");
            return;
        }
        s.reals.add(new VirtualSection.Held(at, value));
    }

    /** fallback and fallback6 must match the section's family; resolved when the section ends. */
    private static void fallback(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final boolean six = at.key().equals("fallback6");
        if (six != (s.family == AddressFamily.INET6))
        {
            v.error(at, "cannot specify \"" + at.key() + "\" here.  please use \"fallback" + (six ? "" : "6") +
                "\" instead");
            return;
        }
        s.fallback = new VirtualSection.Held(at, value);
    }

    private static void scheduler(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        if (!SCHEDULER_NAME.matcher(value).matches())
        {
            v.error(at, "invalid scheduler \"" + value + "\", should be only lowercase letters (a-z)");
            return;
        }
        s.scheduler = value;
    }

    private static void protocol(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        if (s.fwmark != 0)
        {
            if (!value.equals("fwm"))
            {
                v.error(at, "protocol must be fwm if the virtual service is a fwmark (a number)");
            }
        }
        else if (value.equals("tcp") || value.equals("udp"))
        {
            s.protocol = ServiceProtocol.ofLdirectordName(value);
        }
        else
        {
            v.error(at, "protocol must be tcp or udp if the virtual service is an address and port");
        }
    }

    private static void persistent(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final long t = CfValues.DIGITS.matcher(value).matches() ? CfValues.parseLong(value) : -1;
        if (t < 1 || t > LdirectordConfigParser.MAX_PERSISTENT_TIMEOUT)
        {
            v.error(at, "invalid persistent timeout \"" + value + "\": must be 1.." +
                LdirectordConfigParser.MAX_PERSISTENT_TIMEOUT + " seconds");
            return;
        }
        s.persistent = (int)t;
    }

    /** A check type by name, or a number N: N connect checks, then one negotiate check. */
    private static void checkType(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        if (CfValues.DIGITS.matcher(value).matches())
        {
            final long n = CfValues.parseLong(value);
            if (n > Integer.MAX_VALUE)
            {
                v.error(at, "invalid checktype \"" + value + "\": number too large");
                return;
            }
            s.checkType = CheckType.COMBINED;
            s.connectsPerNegotiate = (int)n;
            return;
        }
        final CheckType t = CheckType.fromLdirectordName(value);
        if (t == null)
        {
            v.error(at, "checktype must be \"connect\", \"negotiate\", \"on\", \"off\", \"ping\", " +
                "\"external\", \"external-perl\" or a positive number");
            return;
        }
        s.checkType = t;
        s.connectsPerNegotiate = 0;
    }

    private static void service(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        if (!SERVICES.contains(value))
        {
            v.error(at, "service must be dns, ftp, http, https, http_proxy, imap, imaps, ldap, ldaps, nntp, mysql, " +
                "none, oracle, pop, pops, radius, pgsql, simpletcp, sip, smtp or submission");
            return;
        }
        s.service = value;
    }

    private static void request(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final String r = LdirectordTokenizer.unquote(value);
        if (r.isEmpty())
        {
            v.error(at, "no request string specified");
            return;
        }
        s.request = CfValues.normaliseRequest(r);
    }

    private static void receive(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final String r = LdirectordTokenizer.unquote(value);
        if (r.isEmpty())
        {
            v.error(at, "invalid receive string");
            return;
        }
        if (v.isRegex(at, r))
        {
            s.receive = r;
        }
    }

    private static void httpMethod(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final String m = value.toUpperCase(Locale.ROOT);
        if (!m.equals("GET") && !m.equals("HEAD"))
        {
            v.error(at, "httpmethod must be GET or HEAD");
            return;
        }
        s.httpMethod = m;
    }

    private static void virtualHost(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final String h = LdirectordTokenizer.unquote(value);
        if (h.isEmpty())
        {
            v.error(at, "invalid virtualhost");
            return;
        }
        s.virtualHost = h;
    }

    private static void checkPort(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final long p = CfValues.DIGITS.matcher(value).matches() ? CfValues.parseLong(value) : -1;
        if (p < 1 || p > 65535)
        {
            v.error(at, "checkport must be in range 1..65535: \"" + value + "\"");
            return;
        }
        s.checkPort = (int)p;
    }

    /** ldirectord opens it for appending as it reads the file: one it could not open is refused here. */
    private static void monitorFile(final VirtualSection s, final CfValues v, final CfLine at, final String value)
    {
        final Path file = Path.of(LdirectordTokenizer.unquote(value));
        final Path parent = file.toAbsolutePath().getParent();
        if (!file.isAbsolute() || null == parent || !Files.isDirectory(parent) ||
            (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(parent)))
        {
            v.error(at, "monitorfile \"" + file + "\" cannot be written (an absolute path in a writable directory)");
            return;
        }
        s.monitorFile = file;
    }
}
