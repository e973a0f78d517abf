package io.jlvs.controlplane.config;

import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelType;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SequencedSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What follows the address on a real line of ldirectord.cf: the forwarding method, weight, thresholds, the
 * request/receive pair, and jlvs's tunnel options for ipip.
 */
final class RealOptions
{
    /** A threshold as ldirectord's manual writes it, {@code <l:N>} or {@code <u:N>}. */
    private static final Pattern THRESHOLD = Pattern.compile("<([lu]):(\\d+)>");
    /**
     * A threshold as ldirectord's code reads it ({@code add_real_server}: {@code /\s+l:(\d+)/}, then
     * {@code /\s+u:(\d+)/}), which is how the configurations in use write it: {@code l:N u:N}.
     */
    private static final Pattern BARE_THRESHOLD = Pattern.compile("([lu]):(\\d+)");

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

    private RealOptions(final FwdMethod fwd)
    {
        this.fwd = fwd;
    }

    Optional<String> request()
    {
        return requestReceive.isEmpty() ? Optional.empty() :
            Optional.of(CfValues.normaliseRequest(requestReceive.get(0)));
    }

    Optional<String> receive()
    {
        return requestReceive.isEmpty() ? Optional.empty() : Optional.of(requestReceive.get(1));
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
    static RealOptions parse(final CfValues v, final CfLine at, final String rest)
    {
        final List<String> tokens = new ArrayList<>();
        final List<Boolean> quoted = new ArrayList<>();
        if (!tokenize(rest, tokens, quoted))
        {
            v.error(at, "invalid real server line: unterminated quote");
            return null;
        }
        if (tokens.isEmpty() || quoted.getFirst())
        {
            v.error(at, "forward method must be gate, masq or ipip");
            return null;
        }
        final RealOptions o = new RealOptions(FwdMethod.ofLdirectordName(tokens.getFirst()));
        if (o.fwd == null)
        {
            v.error(at, "forward method must be gate, masq or ipip: \"" + tokens.getFirst() + "\"");
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
            if (i == 1 && plain && CfValues.DIGITS.matcher(t).matches())
            {
                final long w = CfValues.parseLong(t);
                if (w > RealServer.MAX_WEIGHT)
                {
                    v.error(at, "invalid weight \"" + t + "\" for real server: must be 0..65535");
                    return null;
                }
                o.weight = (int)w;
            }
            else if (tm.matches())
            {
                final long n = CfValues.parseLong(tm.group(2));
                if (n > Integer.MAX_VALUE)
                {
                    v.error(at, "invalid threshold \"" + t + "\" for real server: must be 0..2147483647");
                    return null;
                }
                if (tm.group(1).equals("l"))
                {
                    o.lower = (int)n;
                }
                else
                {
                    o.upper = (int)n;
                }
            }
            else if (!plain)
            {
                o.requestReceive.add(t);
            }
            else if (t.startsWith("--tun-"))
            {
                final String value = i + 1 < tokens.size() && !quoted.get(i + 1) ? tokens.get(i + 1) : null;
                final int used = tunnelOption(v, at, o, t, value);
                if (used < 0)
                {
                    return null;
                }
                i += used;
            }
            else
            {
                v.error(at, "Invalid real server line, around \"" + t + "\"");
                return null;
            }
        }
        return isComplete(v, at, o) ? o : null;
    }

    /** What only the whole line can tell: request with receive, thresholds in order, tunnel options with ipip. */
    private static boolean isComplete(final CfValues v, final CfLine at, final RealOptions o)
    {
        if (o.requestReceive.size() != 0 && o.requestReceive.size() != 2)
        {
            v.error(at, "request and receive must be given together: \"request\", \"receive\"");
            return false;
        }
        if (o.requestReceive.size() == 2 && !v.isRegex(at, o.requestReceive.get(1)))
        {
            return false;
        }
        if (o.lower > o.upper)
        {
            // ip_vs_add_dest() refuses it (-ERANGE), as it refuses l:N without u: the upper 0 is "no limit" only there
            v.error(at, "lower threshold " + o.lower + " is higher than upper threshold " + o.upper);
            return false;
        }
        return checkTunnel(v, at, o);
    }

    /**
     * One tunnel option of a real line, {@code --tun-type} and {@code --tun-port} with the token after them as
     * value ({@code --tun-port=6080} works too, as with ipvsadm).
     *
     * @return how many tokens after this one it used (0 or 1), or -1 after reporting an error
     */
    private static int tunnelOption(final CfValues v, final CfLine at, final RealOptions o, final String token,
        final String next)
    {
        final int eq = token.indexOf('=');
        final String name = eq < 0 ? token : token.substring(0, eq);
        final String value = eq < 0 ? next : token.substring(eq + 1);
        final int used = eq < 0 ? 1 : 0;
        if (!o.tunnelGiven.add(name))
        {
            v.error(at, name + " given more than once");
            return -1;
        }
        if (name.equals("--tun-type"))
        {
            o.tunnelType = value == null ? null : TunnelType.ofIpvsadmName(value);
            if (o.tunnelType == null)
            {
                v.error(at, "invalid --tun-type" + (value == null ? "" : " \"" + value + "\"") +
                    ": must be ipip, gue or gre");
                return -1;
            }
            return used;
        }
        final TunnelOptions.Option option = TunnelOptions.Option.ofLongOption(name);
        if (option == null)
        {
            v.error(at, "unknown tunnel option \"" + name + "\": expected --tun-type, --tun-port, --tun-nocsum, " +
                "--tun-csum or --tun-remcsum");
            return -1;
        }
        o.tunnelOptions.add(option);
        if (option != TunnelOptions.Option.PORT)
        {
            if (eq >= 0)
            {
                v.error(at, name + " takes no value");
                return -1;
            }
            return 0;
        }
        final long port = value != null && CfValues.DIGITS.matcher(value).matches() ? CfValues.parseLong(value) : -1;
        if (port < 1 || port > 65535)
        {
            v.error(at, "invalid --tun-port" + (value == null ? "" : " \"" + value + "\"") + ": must be 1..65535");
            return -1;
        }
        o.tunnelPort = (int)port;
        return used;
    }

    /** Tunnel options only with ipip, and only in the combinations ipvsadm allows. */
    private static boolean checkTunnel(final CfValues v, final CfLine at, final RealOptions o)
    {
        if (o.tunnelGiven.isEmpty())
        {
            return true;
        }
        if (o.fwd != FwdMethod.TUNNEL)
        {
            v.error(at, o.tunnelGiven.getFirst() + " is only valid with the ipip forwarding method, not " +
                o.fwd.ldirectordName());
            return false;
        }
        final TunnelOptions.Violation violation = TunnelOptions.check(o.tunnelType, o.tunnelOptions);
        if (violation != null)
        {
            v.error(at, violation.message());
            return false;
        }
        return true;
    }

    /** Splits at white space and commas; a double-quoted token may hold both. @return false on an open quote */
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
}
