package io.jlvs.controlplane.capture;

import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.dataplane.capture.CaptureFilter;
import io.jlvs.dataplane.service.Addresses;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * Reads a capture filter written as tcpdump's expressions are, for the part {@link CaptureFilter} keeps:
 * primitives joined by {@code and} (or {@code &&}). {@code or}, {@code not} and parentheses are refused by name
 * rather than misread. Addresses are literals; no name is resolved.
 *
 * <pre>
 *   [src|dst] host ADDR     [src|dst] net ADDR/LEN     [src|dst] port N
 *   ip  ip6  arp  tcp  udp  sctp  icmp  icmp6          tcp port N  (a protocol, then a primitive)
 * </pre>
 */
public final class CaptureExpression
{
    private CaptureExpression()
    {
    }

    /** The filter the words say; {@link CaptureFilter#ALL} for none. */
    public static CaptureFilter parse(final List<String> arguments)
    {
        // tcpdump joins its arguments and splits them again: 'tcp port 80', quoted as one, is three words
        final List<String> words = arguments.stream().flatMap((a) -> java.util.Arrays.stream(a.trim().split("\\s+")))
            .filter((w) -> !w.isEmpty()).toList();
        CaptureFilter filter = CaptureFilter.ALL;
        boolean needTerm = true;
        int i = 0;
        while (i < words.size())
        {
            final String word = words.get(i).toLowerCase(Locale.ROOT);
            switch (word)
            {
                case "and", "&&" ->
                {
                    if (needTerm)
                    {
                        throw error("'" + word + "' with nothing before it");
                    }
                    needTerm = true;
                    i++;
                    continue;
                }
                case "or", "||", "not", "!", "(", ")" ->
                    throw error("'" + word + "' is not supported: jlvs capture joins primitives with 'and' only");
                default ->
                {
                }
            }
            if (!needTerm)
            {
                throw error("'" + words.get(i) + "': expected 'and' before it");
            }
            int direction = CaptureFilter.EITHER;
            int at = i;
            if (word.equals("src") || word.equals("dst"))
            {
                direction = word.equals("src") ? CaptureFilter.SRC : CaptureFilter.DST;
                at++;
            }
            final String primitive = at < words.size() ? words.get(at).toLowerCase(Locale.ROOT) : "";
            final String text = String.join(" ", words.subList(i, Math.min(words.size(), at + 2)));
            switch (primitive)
            {
                case "host" -> filter = net(filter, value(words, at), direction, true, text);
                case "net" -> filter = net(filter, value(words, at), direction, false, text);
                case "port" -> filter = filter.port(port(value(words, at)), direction, text);
                default ->
                {
                    if (at != i)
                    {
                        throw error("'" + words.get(i) + "' must be followed by host, net or port");
                    }
                    filter = protocol(filter, words.get(i));
                    i++;
                    // a qualifier, as in "tcp port 80" or "ip6 host ::1": the primitive after it is a second term
                    needTerm = isQualifier(word) && i < words.size() && isPrimitiveWord(words.get(i));
                    continue;
                }
            }
            i = at + 2;
            needTerm = false;
        }
        if (needTerm && !words.isEmpty())
        {
            throw error("the expression ends with 'and'");
        }
        return filter;
    }

    private static boolean isQualifier(final String word)
    {
        return switch (word)
        {
            case "tcp", "udp", "sctp", "ip", "ip6" -> true;
            default -> false;
        };
    }

    private static boolean isPrimitiveWord(final String word)
    {
        return switch (word.toLowerCase(Locale.ROOT))
        {
            case "host", "net", "port", "src", "dst" -> true;
            default -> false;
        };
    }

    private static CaptureFilter protocol(final CaptureFilter filter, final String word)
    {
        return switch (word.toLowerCase(Locale.ROOT))
        {
            case "ip" -> filter.etherType(0x0800, "ip");
            case "ip6" -> filter.etherType(0x86DD, "ip6");
            case "arp" -> filter.etherType(0x0806, "arp");
            case "tcp" -> filter.ipProtocol(6, "tcp");
            case "udp" -> filter.ipProtocol(17, "udp");
            case "sctp" -> filter.ipProtocol(132, "sctp");
            case "icmp" -> filter.etherType(0x0800, "ip").ipProtocol(1, "icmp");
            case "icmp6" -> filter.etherType(0x86DD, "ip6").ipProtocol(58, "icmp6");
            default -> throw error("'" + word + "' is not a primitive jlvs capture knows " +
                "(host, net, port, src, dst, ip, ip6, arp, tcp, udp, sctp, icmp, icmp6, and)");
        };
    }

    private static String value(final List<String> words, final int primitive)
    {
        if (primitive + 1 >= words.size())
        {
            throw error("'" + words.get(primitive) + "' needs a value");
        }
        return words.get(primitive + 1);
    }

    private static CaptureFilter net(final CaptureFilter filter, final String value, final int direction,
        final boolean host, final String text)
    {
        final int slash = value.indexOf('/');
        if (host && slash >= 0)
        {
            throw error("'host " + value + "': a host is one address; use 'net' for a prefix");
        }
        final InetAddress address = InetLiterals.literal(slash < 0 ? value : value.substring(0, slash));
        if (null == address)
        {
            throw error("'" + value + "' is not an IPv4 or IPv6 address (names are not resolved)");
        }
        final int bits = address instanceof Inet4Address ? 32 : 128;
        final int prefix;
        if (slash < 0)
        {
            prefix = bits;
        }
        else
        {
            try
            {
                prefix = Integer.parseInt(value.substring(slash + 1));
            }
            catch (final NumberFormatException ex)
            {
                throw error("'" + value + "': the prefix length is not a number");
            }
            if (prefix < 0 || prefix > bits)
            {
                throw error("'" + value + "': the prefix length must be 0 to " + bits);
            }
        }
        final long hostBits = address instanceof Inet4Address ?
            Addresses.lo(address) & (prefix == 32 ? 0 : (0xFFFF_FFFFL >>> prefix)) :
            (prefix >= 64 ? 0 : Addresses.hi(address) & (-1L >>> prefix)) |
                (prefix >= 128 ? 0 : Addresses.lo(address) & (prefix <= 64 ? -1L : -1L >>> (prefix - 64)));
        if (!host && 0 != hostBits)
        {
            throw error("non-network bits set in \"" + value + "\"");
        }
        return address instanceof Inet4Address ?
            filter.net4((int)Addresses.lo(address), prefix, direction, text) :
            filter.net6(Addresses.hi(address), Addresses.lo(address), prefix, direction, text);
    }

    private static int port(final String value)
    {
        try
        {
            final int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535)
            {
                return port;
            }
        }
        catch (final NumberFormatException ex)
        {
            // said below
        }
        throw error("'" + value + "' is not a port number (0 to 65535; names are not resolved)");
    }

    private static IllegalArgumentException error(final String message)
    {
        return new IllegalArgumentException("syntax error in filter expression: " + message);
    }
}
