package io.jlvs.controlplane.config;

import io.jlvs.dataplane.conn.FwdMethod;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A real (or real6) line of a virtual section, {@code address[->address][:port] options}, read when its section
 * ends, once the virtual service's address, port and protocol are known: the address (an IPv4 range expands to one
 * {@link RealServer} per address), its port, then the {@link RealOptions}.
 */
final class RealLine
{
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9.-]+");

    /**
     * The address part as written: {@code [ipv6]:port}, or host, IPv4 address or range with an optional port.
     *
     * @param last     the end of an IPv4 range, or null
     * @param portText the port as written, or null for the virtual service's
     */
    private record Spec(String first, String last, String portText)
    {
    }

    /** The resolved address, and the resolved end of a range or null. */
    private record Ends(InetAddress first, InetAddress last)
    {
    }

    private RealLine()
    {
    }

    /**
     * Adds the real servers of line {@code r} to {@code s}, unless one of them is in {@code seen} already.
     * Reports the first thing wrong with the line and adds none of its servers before it.
     */
    static void expand(final VirtualSection s, final CfValues v, final VirtualSection.Held r, final Set<String> seen)
    {
        final CfLine at = r.at();
        final String value = r.value();
        final int space = indexOfWhitespace(value);
        final String text = space < 0 ? value : value.substring(0, space);
        final String rest = space < 0 ? "" : value.substring(space).strip();

        final Spec spec = text.startsWith("[") ? bracketed(v, at, text) : plain(v, at, text);
        if (null == spec)
        {
            return;
        }
        if (spec.portText != null && !CfValues.PORT_TEXT.matcher(spec.portText).matches())
        {
            v.error(at, "invalid port \"" + spec.portText + "\" for real server");
            return;
        }
        final RealOptions o = RealOptions.parse(v, at, rest);
        if (o == null)
        {
            return;
        }
        final Ends ends = resolve(s, v, at, spec);
        if (null == ends)
        {
            return;
        }
        final int port = port(s, v, at, spec.portText, o.fwd);
        if (port < 0)
        {
            return;
        }
        final List<InetAddress> addresses = addresses(v, at, spec, ends);
        if (null == addresses)
        {
            return;
        }
        for (final InetAddress a : addresses)
        {
            final String key = InetLiterals.ntop(a) + "/" + port;
            if (!seen.add(key))
            {
                final String shown = s.family == AddressFamily.INET6 ?
                    "[" + InetLiterals.ntop(a) + "]:" + port : InetLiterals.ntop(a) + ":" + port;
                v.error(at, "duplicate real server " + shown);
                return;
            }
            s.builtReals.add(new RealServer(at.number(), a, port, o.fwd, o.weight, o.lower, o.upper, o.request(),
                o.receive(), o.tunnelType, o.tunnelPort, TunnelOptions.checksum(o.tunnelOptions)));
        }
    }

    /** {@code [ipv6]} or {@code [ipv6]:port}; IPv6 ranges are refused, as ldirectord does. */
    private static Spec bracketed(final CfValues v, final CfLine at, final String spec)
    {
        final int close = spec.indexOf(']');
        if (close < 0)
        {
            v.error(at, "invalid address for real server (wrong format): \"" + spec + "\"");
            return null;
        }
        final String first = spec.substring(1, close);
        final String tail = spec.substring(close + 1);
        if (tail.startsWith("->"))
        {
            v.error(at, "Address range for IPv6 is not supported yet");
            return null;
        }
        if (tail.startsWith(":"))
        {
            return new Spec(first, null, tail.substring(1));
        }
        if (!tail.isEmpty())
        {
            v.error(at, "invalid address for real server (wrong format): \"" + spec + "\"");
            return null;
        }
        return new Spec(first, null, null);
    }

    /** {@code host[:port]} or {@code first->last[:port]}; the port is after the last ':'. */
    private static Spec plain(final CfValues v, final CfLine at, final String spec)
    {
        final int arrow = spec.indexOf("->");
        final int colon = spec.lastIndexOf(':');
        final String beforePort = colon >= 0 ? spec.substring(0, colon) : spec;
        final String portText = colon >= 0 ? spec.substring(colon + 1) : null;
        final boolean range = arrow >= 0 && arrow < beforePort.length();
        final String first = range ? beforePort.substring(0, arrow) : beforePort;
        final String last = range ? beforePort.substring(arrow + 2) : null;
        if (!HOST_NAME.matcher(first).matches() || (last != null && !HOST_NAME.matcher(last).matches()))
        {
            v.error(at, "invalid address for real server (wrong format): \"" + spec + "\"" +
                (spec.indexOf(':') != spec.lastIndexOf(':') ? "; write IPv6 addresses as [address]:port" : ""));
            return null;
        }
        return new Spec(first, last, portText);
    }

    /** @return the resolved address, and the end of the range if there is one, or null after reporting */
    private static Ends resolve(final VirtualSection s, final CfValues v, final CfLine at, final Spec spec)
    {
        final InetAddress first = v.host(spec.first, s.family);
        if (first == null)
        {
            v.error(at, "invalid address (" + spec.first + ") for real server (could not resolve host)");
            return null;
        }
        if (spec.last == null)
        {
            return new Ends(first, null);
        }
        final InetAddress last = v.host(spec.last, s.family);
        if (last == null)
        {
            v.error(at, "invalid address (" + spec.last + ") for real server (could not resolve end host)");
            return null;
        }
        return new Ends(first, last);
    }

    /** @return the address, or every address of the range, or null after reporting */
    private static List<InetAddress> addresses(final CfValues v, final CfLine at, final Spec spec, final Ends ends)
    {
        if (ends.last == null)
        {
            return List.of(ends.first);
        }
        final String range = spec.first + "->" + spec.last;
        if (!(ends.first instanceof Inet4Address first4) || !(ends.last instanceof Inet4Address last4))
        {
            v.error(at, "invalid range " + range + ": a range is of IPv4 addresses, as ldirectord expands it; " +
                "write one real6 line per IPv6 real server");
            return null;
        }
        final long from = Integer.toUnsignedLong(InetLiterals.toInt(first4));
        final long to = Integer.toUnsignedLong(InetLiterals.toInt(last4));
        if (from > to)
        {
            v.error(at, "invalid range " + range + ": the first address must not be greater than the last");
            return null;
        }
        if (to - from + 1 > LdirectordConfigParser.MAX_RANGE)
        {
            v.error(at, "invalid range " + range + ": more than " + LdirectordConfigParser.MAX_RANGE + " addresses");
            return null;
        }
        final List<InetAddress> addresses = new ArrayList<>((int)(to - from + 1));
        for (long a = from; a <= to; a++)
        {
            addresses.add(InetLiterals.fromInt((int)a));
        }
        return addresses;
    }

    /**
     * The real server's port: the virtual service's unless one is written, and always the virtual service's for
     * gate and ipip, which cannot change it (as with ipvsadm, with a warning).
     *
     * @return the port, or -1 after reporting
     */
    private static int port(final VirtualSection s, final CfValues v, final CfLine at, final String portText,
        final FwdMethod fwd)
    {
        if (portText == null)
        {
            return s.port;
        }
        final int port = v.port(portText, null);
        if (port == -2)
        {
            v.error(at, "invalid port (" + portText + ") for real server: must be 0..65535");
            return -1;
        }
        if (port == -1)
        {
            v.error(at, "invalid port (" + portText + ") for real server (could not resolve port)");
            return -1;
        }
        if (s.fwmark == 0 && fwd != FwdMethod.MASQ && port != s.port)
        {
            v.warn(at, "real server port " + port + " ignored: " + fwd.ldirectordName() +
                " forwarding always uses the virtual service's port " + s.port + " (as ipvsadm does)");
            return s.port;
        }
        return port;
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
}
