package io.jlvs.controlplane.config;

import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;

import java.util.Objects;
import java.util.Set;

/**
 * Which tunnel options go with which tunnel type: ipvsadm 1.31's {@code tunnel_types_v_options} table and its
 * {@code tunnel_opt_check()}, in one place for both parsers that take the options, ipvsadm's ({@code -a ... -i
 * --tun-type gue --tun-port 6080}) and ldirectord.cf's real lines (a jlvs extension, same option names).
 * <pre>
 *   type   --tun-port  --tun-nocsum  --tun-csum  --tun-remcsum
 *   ipip   x           x             x           x
 *   gue    +           1             1           1
 *   gre    x           1             1           x
 * </pre>
 * {@code +} required, {@code x} illegal, {@code 1} at most one of the options so marked. As in ipvsadm, the options
 * are checked in the table's column order and the first problem is the one reported.
 */
public final class TunnelOptions
{
    /** The options after {@code --tun-type}, in the table's column order. */
    public enum Option
    {
        PORT("tun-port", null),
        NOCSUM("tun-nocsum", TunnelChecksum.NOCSUM),
        CSUM("tun-csum", TunnelChecksum.CSUM),
        REMCSUM("tun-remcsum", TunnelChecksum.REMCSUM);

        private final String ipvsadmName;
        private final TunnelChecksum checksum;

        Option(final String ipvsadmName, final TunnelChecksum checksum)
        {
            this.ipvsadmName = ipvsadmName;
            this.checksum = checksum;
        }

        /** @return "tun-port", ... as ipvsadm's messages name it */
        public String ipvsadmName()
        {
            return ipvsadmName;
        }

        /** @return "--tun-port", ... as written on a command line or a real line */
        public String longOption()
        {
            return "--" + ipvsadmName;
        }

        /** @return the checksum mode the option selects; null for PORT */
        public TunnelChecksum checksum()
        {
            return checksum;
        }

        /** @return the option written "--tun-port", ..., or null */
        public static Option ofLongOption(final String text)
        {
            for (final Option o : values())
            {
                if (o.longOption().equals(text))
                {
                    return o;
                }
            }
            return null;
        }
    }

    /** What is wrong with a combination. */
    public enum Problem
    {
        /** A required option is missing. */
        MISSING,
        /** The option is illegal with the type. */
        ILLEGAL,
        /** The option conflicts with an earlier one of the same exclusive group. */
        CONFLICT
    }

    /**
     * The first problem found.
     *
     * @param problem what is wrong
     * @param type    the tunnel type
     * @param option  the option at fault
     * @param other   for {@link Problem#CONFLICT}, the earlier option it conflicts with; null otherwise
     */
    public record Violation(Problem problem, TunnelType type, Option option, Option other)
    {
        public Violation
        {
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(option, "option");
        }

        /** @return the problem in a configuration file's words, e.g. "--tun-port is required with --tun-type gue" */
        public String message()
        {
            return switch (problem)
            {
                case MISSING -> option.longOption() + " is required with --tun-type " + type.ipvsadmName();
                case ILLEGAL -> option.longOption() + " is not allowed with --tun-type " + type.ipvsadmName();
                case CONFLICT -> option.longOption() + " conflicts with " + other.longOption() + " (--tun-type " +
                    type.ipvsadmName() + " takes only one checksum option)";
            };
        }
    }

    /** tunnel_types_v_options, a row per {@link TunnelType} (by ordinal), a column per {@link Option}. */
    private static final String[] LEGAL = {
        /* ipip */ "xxxx",
        /* gue  */ "+111",
        /* gre  */ "x11x",
    };

    static
    {
        if (LEGAL.length != TunnelType.values().length)
        {
            throw new IllegalStateException("a row per tunnel type");
        }
        for (final String row : LEGAL)
        {
            if (row.length() != Option.values().length)
            {
                throw new IllegalStateException("a column per tunnel option");
            }
        }
    }

    private TunnelOptions()
    {
    }

    /**
     * ipvsadm's {@code tunnel_opt_check()}.
     *
     * @param type  the tunnel type, {@link TunnelType#IPIP} when {@code --tun-type} was not given
     * @param given the options given
     * @return the first problem, or null when the combination is legal
     */
    public static Violation check(final TunnelType type, final Set<Option> given)
    {
        final String row = LEGAL[type.ordinal()];
        Option exclusive = null;
        for (final Option o : Option.values())
        {
            final char rule = row.charAt(o.ordinal());
            if (!given.contains(o))
            {
                if (rule == '+')
                {
                    return new Violation(Problem.MISSING, type, o, null);
                }
            }
            else if (rule == 'x')
            {
                return new Violation(Problem.ILLEGAL, type, o, null);
            }
            else if (rule == '1')
            {
                if (exclusive != null)
                {
                    return new Violation(Problem.CONFLICT, type, o, exclusive);
                }
                exclusive = o;
            }
        }
        return null;
    }

    /** @return the checksum mode a legal set of options selects: {@link TunnelChecksum#NOCSUM} when none */
    public static TunnelChecksum checksum(final Set<Option> given)
    {
        for (final Option o : Option.values())
        {
            if (o.checksum != null && o != Option.NOCSUM && given.contains(o))
            {
                return o.checksum;
            }
        }
        return TunnelChecksum.NOCSUM;
    }
}
