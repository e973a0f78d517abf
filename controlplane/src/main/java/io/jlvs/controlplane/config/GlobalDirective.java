package io.jlvs.controlplane.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The global directives of ldirectord.cf (those in column 0), each with the handler that checks its value and sets
 * it on the {@link GlobalSection}. {@link #onLine} first refuses what is not a global directive, in ldirectord's
 * words where it has some.
 */
enum GlobalDirective
{
    CHECKTIMEOUT("checktimeout", (g, v, at, value) -> g.checkTimeout = v.positive(at, value)),
    NEGOTIATETIMEOUT("negotiatetimeout", (g, v, at, value) -> g.negotiateTimeout = v.positive(at, value)),
    CHECKINTERVAL("checkinterval", (g, v, at, value) -> g.checkInterval = v.positive(at, value, g.checkInterval)),
    FAILURECOUNT("failurecount", (g, v, at, value) -> g.failureCount = v.positive(at, value, g.failureCount)),
    FALLBACK("fallback", (g, v, at, value) -> g.fallback = v.fallback(at, value, AddressFamily.INET, null)),
    FALLBACK6("fallback6", (g, v, at, value) -> g.fallback6 = v.fallback(at, value, AddressFamily.INET6, null)),
    QUIESCENT("quiescent", (g, v, at, value) -> g.quiescent = v.yesNo(at, value, g.quiescent)),
    LOGFILE("logfile", GlobalDirective::logfile),
    AUTORELOAD("autoreload", (g, v, at, value) -> g.autoreload = v.yesNo(at, value, g.autoreload)),
    MAINTENANCEDIR("maintenancedir", GlobalDirective::maintenanceDir),
    FALLBACKCOMMAND("fallbackcommand", GlobalDirective::fallbackCommand),
    SUPERVISED("supervised", (g, v, at, value) -> g.supervised = v.yesNo(at, value, g.supervised)),
    EMAILALERT("emailalert", (g, v, at, value) -> g.emailAlertTo = value),
    EMAILALERTFREQ("emailalertfreq", GlobalDirective::emailAlertFreq),
    EMAILALERTSTATUS("emailalertstatus", GlobalDirective::emailAlertStatus),
    EMAILALERTFROM("emailalertfrom", (g, v, at, value) -> g.emailAlertFrom = value),
    SMTP("smtp", (g, v, at, value) -> g.smtp = value),
    CLEANSTOP("cleanstop", (g, v, at, value) -> g.cleanStop = v.yesNo(at, value, g.cleanStop)),
    FORK("fork", (g, v, at, value) -> g.fork = v.yesNo(at, value, g.fork)),
    READDQUIESCENT("readdquiescent", (g, v, at, value) -> g.readdQuiescent = v.yesNo(at, value, g.readdQuiescent));

    /** Global directives of ldirectord that jlvs does not implement yet: a warning, not an error. */
    private static final Set<String> UNSUPPORTED = Set.of("checkcount", "callback", "execute");
    private static final Map<String, GlobalDirective> BY_NAME = new HashMap<>();

    static
    {
        for (final GlobalDirective d : values())
        {
            if (BY_NAME.put(d.ldirectordName, d) != null)
            {
                throw new IllegalStateException("duplicate global directive " + d.ldirectordName);
            }
        }
    }

    /** Checks the value of one directive and sets it; the value is unquoted once. */
    @FunctionalInterface
    private interface Handler
    {
        void apply(GlobalSection g, CfValues v, CfLine at, String value);
    }

    private final String ldirectordName;
    private final Handler handler;

    GlobalDirective(final String ldirectordName, final Handler handler)
    {
        this.ldirectordName = ldirectordName;
        this.handler = handler;
    }

    /** Whether {@code key} is a global directive of ldirectord, implemented or not. */
    static boolean isKnown(final String key)
    {
        return BY_NAME.containsKey(key) || UNSUPPORTED.contains(key);
    }

    /** One line in column 0 other than {@code virtual}. */
    static void onLine(final GlobalSection g, final CfValues v, final CfLine at)
    {
        final String key = at.key();
        final String value = LdirectordTokenizer.unquote(at.value());
        final GlobalDirective d = BY_NAME.get(key);
        if (UNSUPPORTED.contains(key))
        {
            v.unsupported(at);
        }
        else if (CfValues.isDeprecated(key))
        {
            v.deprecated(at);
        }
        else if (key.equals("real") || key.equals("real6"))
        {
            v.error(at, key + " outside a virtual section");
        }
        else if (null == d)
        {
            v.error(at, VirtualDirective.isKnown(key) ?
                key + " is only valid inside a virtual section (indent it by at least 4 spaces or a tab)" :
                "unknown directive \"" + key + "\"");
        }
        else if (d == SUPERVISED && !at.hasEquals() && value.isEmpty())
        {
            // ldirectord takes a bare "supervised" as yes, with a warning
            v.warn(at, "supervised without a value is taken as \"supervised = yes\"");
            g.supervised = true;
        }
        else if (v.requireEquals(at, value))
        {
            d.handler.apply(g, v, at, value);
        }
    }

    private static void logfile(final GlobalSection g, final CfValues v, final CfLine at, final String value)
    {
        final String file = LdirectordTokenizer.unquote(value);
        if (file.isEmpty())
        {
            v.error(at, "no logfile specified");
            return;
        }
        g.logfile = file;
    }

    private static void maintenanceDir(final GlobalSection g, final CfValues v, final CfLine at, final String value)
    {
        final Path dir = Path.of(LdirectordTokenizer.unquote(value));
        if (!dir.isAbsolute() || !Files.isDirectory(dir))
        {
            v.error(at, "maintenancedir " + value + " is not a directory (an absolute path)");
            return;
        }
        g.maintenanceDir = dir;
    }

    private static void fallbackCommand(final GlobalSection g, final CfValues v, final CfLine at, final String value)
    {
        final Path command = v.command(at, value);
        if (null != command)
        {
            g.fallbackCommand = command;
        }
    }

    private static void emailAlertFreq(final GlobalSection g, final CfValues v, final CfLine at, final String value)
    {
        final Integer freq = v.nonNegative(at, value);
        if (null != freq)
        {
            g.emailAlertFreq = freq;
        }
    }

    private static void emailAlertStatus(final GlobalSection g, final CfValues v, final CfLine at, final String value)
    {
        final Integer mask = v.emailAlertStatus(at, value);
        if (null != mask)
        {
            g.emailAlertStatus = mask;
        }
    }
}
