package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.InetLiterals;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The values of keepalived.conf as keepalived's {@code lib/parser.c} reads them under {@code keepalived -t}, and the
 * diagnostics of one read: a value keepalived would reject is an error at its file and line (jlvs refuses the file,
 * where keepalived would carry on without the value); a default keepalived fills in with a complaint, and what jlvs
 * reads but does not do, are warnings.
 */
final class KeepalivedValues
{
    /** keepalived's timers take six decimal places: microseconds. */
    private static final int TIMER_PLACES = 6;

    private final List<ConfigDiagnostic> errors = new ArrayList<>();
    private final List<ConfigDiagnostic> warnings = new ArrayList<>();

    void error(final KeepalivedBlock at, final String message)
    {
        errors.add(new ConfigDiagnostic(at.line().file(), at.line().number(), message, at.text()));
    }

    /**
     * An error found when a block ends, reported at its closing } as keepalived reports it (its end handler runs
     * there), naming the line that opened it.
     */
    void errorAtEnd(final KeepalivedBlock at, final String message)
    {
        errors.add(new ConfigDiagnostic(at.end().file(), at.end().number(), message + " (the block opened at line " +
            at.line().number() + ")", "}"));
    }

    void warn(final KeepalivedBlock at, final String message)
    {
        warnings.add(new ConfigDiagnostic(at.line().file(), at.line().number(), message, at.text()));
    }

    void addErrors(final List<ConfigDiagnostic> more)
    {
        errors.addAll(more);
    }

    void addWarnings(final List<ConfigDiagnostic> more)
    {
        warnings.addAll(more);
    }

    List<ConfigDiagnostic> errors()
    {
        return sorted(errors);
    }

    List<ConfigDiagnostic> warnings()
    {
        return sorted(warnings);
    }

    private static List<ConfigDiagnostic> sorted(final List<ConfigDiagnostic> list)
    {
        final List<ConfigDiagnostic> out = new ArrayList<>(list);
        out.sort(Comparator.comparing((ConfigDiagnostic d) -> d.file().toString()).thenComparingInt(ConfigDiagnostic::line));
        return out;
    }

    /** A statement that jlvs reads but does not act on: said, never silently dropped. */
    void notDone(final KeepalivedBlock at, final String why)
    {
        warn(at, at.keyword() + ": " + why + "; ignored");
    }

    /** A keyword this block does not know: keepalived's "Unknown keyword", which jlvs refuses. */
    void unknown(final KeepalivedBlock at, final String where)
    {
        error(at, "Unknown keyword '" + at.keyword() + "'" + (null == where ? "" : " in " + where));
    }

    /** The statement's word {@code i} (0 is the first after the keyword), or an error and null. */
    String arg(final KeepalivedBlock at, final int i)
    {
        if (at.args().size() > i)
        {
            return at.args().get(i);
        }
        error(at, at.keyword() + " is missing a parameter");
        return null;
    }

    /** An unsigned whole number in {@code min..max}; an error (and {@code def}) otherwise. */
    long number(final KeepalivedBlock at, final int i, final long min, final long max, final long def)
    {
        final String text = arg(at, i);
        if (null == text)
        {
            return def;
        }
        final OptionalLong n = parseNumber(text);
        if (n.isEmpty() || n.getAsLong() < min || n.getAsLong() > max)
        {
            error(at, "invalid " + at.keyword() + " '" + text + "': a number in [" + min + ", " + max + "]");
            return def;
        }
        return n.getAsLong();
    }

    static OptionalLong parseNumber(final String text)
    {
        if (text.isEmpty() || text.length() > 19)
        {
            return OptionalLong.empty();
        }
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if ((c < '0' || c > '9') && !(i == 0 && c == '-' && text.length() > 1))
            {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(text));
    }

    /**
     * A timer: seconds with up to six decimal places, held in microseconds, as keepalived's {@code read_timer}.
     *
     * @param minUs the least it may be (1 for a delay loop or a timeout, 0 for a delay or a warm-up)
     */
    long timerUs(final KeepalivedBlock at, final int i, final long minUs, final long def)
    {
        final String text = arg(at, i);
        if (null == text)
        {
            return def;
        }
        final long us = parseTimerUs(text);
        if (us < minUs)
        {
            error(at, "invalid " + at.keyword() + " '" + text + "': seconds" + (minUs > 0 ? " above 0" : "") +
                ", up to " + TIMER_PLACES + " decimal places");
            return def;
        }
        return us;
    }

    /** @return the timer in microseconds, or -1 when it is not one */
    static long parseTimerUs(final String text)
    {
        final int dot = text.indexOf('.');
        final String whole = dot < 0 ? text : text.substring(0, dot);
        final String fraction = dot < 0 ? "" : text.substring(dot + 1);
        if ((whole.isEmpty() && fraction.isEmpty()) || fraction.length() > TIMER_PLACES ||
            !(whole + fraction).chars().allMatch((c) -> c >= '0' && c <= '9') || whole.length() > 12)
        {
            return -1;
        }
        final long seconds = whole.isEmpty() ? 0 : Long.parseLong(whole);
        final long micros = fraction.isEmpty() ? 0 : Long.parseLong((fraction + "000000").substring(0, TIMER_PLACES));
        return seconds * 1_000_000L + micros;
    }

    /** {@code true|on|yes} or {@code false|off|no}; no word is true, as keepalived's {@code check_true_false}. */
    boolean bool(final KeepalivedBlock at, final int i)
    {
        if (at.args().size() <= i)
        {
            return true;
        }
        final String v = at.args().get(i).toLowerCase(Locale.ROOT);
        return switch (v)
        {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default ->
            {
                error(at, "invalid " + at.keyword() + " parameter '" + at.args().get(i) + "': yes or no");
                yield true;
            }
        };
    }

    /** An IPv4 or IPv6 literal (keepalived resolves no names here), or an error and null. */
    InetAddress address(final KeepalivedBlock at, final String text, final String what)
    {
        final InetAddress a = InetLiterals.literal(text);
        if (null == a)
        {
            error(at, "invalid " + what + " address '" + text + "'");
        }
        return a;
    }
}
