package io.jlvs.controlplane.config;

import io.jlvs.dataplane.conn.FwdMethod;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the values of ldirectord.cf directives that several directives share in shape (numbers, yes/no, paths,
 * ports, fallback servers), reporting a bad one against its line. A reader returns null (or the value it is given to
 * keep) after reporting, so that the rest of the file is still read. Names are resolved through the
 * {@link Resolver}.
 */
final class CfValues
{
    static final Pattern DIGITS = Pattern.compile("\\d+");
    static final Pattern PORT_TEXT = Pattern.compile("[0-9A-Za-z_-]+");

    private final CfDiagnostics diagnostics;
    private final Resolver resolver;

    CfValues(final CfDiagnostics diagnostics, final Resolver resolver)
    {
        this.diagnostics = diagnostics;
        this.resolver = resolver;
    }

    void error(final CfLine at, final String message)
    {
        diagnostics.error(at, message);
    }

    void warn(final CfLine at, final String message)
    {
        diagnostics.warn(at, message);
    }

    /** A directive of ldirectord's vocabulary that jlvs does not implement yet: a warning, so the file still loads. */
    void unsupported(final CfLine at)
    {
        warn(at, at.key() + " is not supported yet by jlvs; ignored");
    }

    /** Whether ldirectord refuses {@code key} as deprecated, in either section. */
    static boolean isDeprecated(final String key)
    {
        return key.equals("connecttimeout") || key.equals("timeout");
    }

    /** A deprecated directive is an error, as in ldirectord, with its message. */
    void deprecated(final CfLine at)
    {
        error(at, at.key().equals("timeout") ?
            "timeout directive deprecated in favour of checktimeout and negotiatetimeout" :
            "connecttimeout directive deprecated in favour of negotiatetimeout");
    }

    /** Every directive but a bare {@code supervised} needs '=' and a value. */
    boolean requireEquals(final CfLine at, final String value)
    {
        if (!at.hasEquals())
        {
            error(at, "expected \"" + at.key() + " = value\"");
            return false;
        }
        if (value.isEmpty())
        {
            error(at, "no value given for " + at.key());
            return false;
        }
        return true;
    }

    /** @return 1..Integer.MAX_VALUE, or null after reporting */
    Integer positive(final CfLine at, final String value)
    {
        final long v = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
        if (v < 1 || v > Integer.MAX_VALUE)
        {
            error(at, "invalid " + at.key() + " \"" + value + "\": must be a positive number");
            return null;
        }
        return (int)v;
    }

    /** @return the positive number, or {@code keep} after reporting */
    int positive(final CfLine at, final String value, final int keep)
    {
        final Integer v = positive(at, value);
        return null == v ? keep : v;
    }

    /** @return 0..Integer.MAX_VALUE, or null after reporting */
    Integer nonNegative(final CfLine at, final String value)
    {
        final long v = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
        if (v < 0 || v > Integer.MAX_VALUE)
        {
            error(at, "invalid " + at.key() + " \"" + value + "\": must be a number");
            return null;
        }
        return (int)v;
    }

    /** @return yes or no (quoted or not), or null after reporting */
    Boolean yesNo(final CfLine at, final String value)
    {
        final String v = LdirectordTokenizer.unquote(value);
        if (v.equals("yes"))
        {
            return Boolean.TRUE;
        }
        if (v.equals("no"))
        {
            return Boolean.FALSE;
        }
        error(at, at.key() + " must be 'yes' or 'no'");
        return null;
    }

    /** @return yes or no, or {@code keep} after reporting */
    boolean yesNo(final CfLine at, final String value, final boolean keep)
    {
        final Boolean b = yesNo(at, value);
        return null == b ? keep : b;
    }

    /** @return the mask of {@link EmailAlert#parseStatus}, or null after reporting */
    Integer emailAlertStatus(final CfLine at, final String value)
    {
        final int mask = EmailAlert.parseStatus(value);
        if (mask < 0)
        {
            error(at, "emailalertstatus must be all, none, or a comma list of starting, running, " +
                "stopping and reloading");
            return null;
        }
        return mask;
    }

    /** A command ldirectord runs (checkcommand, fallbackcommand): missing or not executable is refused at load. */
    Path command(final CfLine at, final String value)
    {
        final Path command = executable(value);
        if (null == command)
        {
            error(at, at.key() + " " + value + " is not an executable file (an absolute path)");
        }
        return command;
    }

    /** A receive string is a regular expression the checks match answers with: one that does not compile is refused. */
    boolean isRegex(final CfLine at, final String regex)
    {
        try
        {
            Pattern.compile(regex);
            return true;
        }
        catch (final PatternSyntaxException ex)
        {
            error(at, "receive is not a regular expression: " + ex.getDescription() + " near index " + ex.getIndex());
            return false;
        }
    }

    Netmask netmask(final CfLine at, final AddressFamily family, final String value)
    {
        if (family == AddressFamily.INET6)
        {
            final long p = DIGITS.matcher(value).matches() ? parseLong(value) : -1;
            if (p < 1 || p > 128)
            {
                error(at, "invalid netmask \"" + value + "\": a prefix length between 1 and 128 is required");
                return null;
            }
            return new Netmask(family, (int)p);
        }
        final Inet4Address mask = InetLiterals.ipv4(value);
        if (mask == null)
        {
            error(at, "invalid netmask \"" + value + "\": dotted quad notation is required");
            return null;
        }
        final int bits = InetLiterals.toInt(mask);
        if ((~bits & (~bits + 1)) != 0)
        {
            error(at, "invalid netmask \"" + value + "\": not a mask (its ones must lead, as 255.255.255.0)");
            return null;
        }
        return new Netmask(family, bits);
    }

    /**
     * {@code host[:port] [gate|masq|ipip]} ({@code [ipv6]:port} for fallback6); a named port goes through
     * /etc/services with {@code protocol} (null: any).
     *
     * @return the fallback, or null after reporting
     */
    Fallback fallback(final CfLine at, final String value, final AddressFamily family, final String protocol)
    {
        final String[] parts = value.strip().split("\\s+");
        if (value.isBlank() || parts.length > 2)
        {
            error(at, "invalid fallback server: " + value);
            return null;
        }
        FwdMethod fwd = FwdMethod.DROUTE;
        if (parts.length == 2)
        {
            fwd = FwdMethod.ofLdirectordName(parts[1]);
            if (fwd == null)
            {
                error(at, "forward method must be gate, masq or ipip: \"" + parts[1] + "\"");
                return null;
            }
        }
        final String hostPort = parts[0];
        String host;
        String portText = null;
        if (hostPort.startsWith("["))
        {
            final int close = hostPort.indexOf(']');
            if (close < 0)
            {
                error(at, "invalid fallback server: " + value);
                return null;
            }
            host = hostPort.substring(1, close);
            final String tail = hostPort.substring(close + 1);
            if (tail.startsWith(":"))
            {
                portText = tail.substring(1);
            }
            else if (!tail.isEmpty())
            {
                error(at, "invalid fallback server: " + value);
                return null;
            }
        }
        else
        {
            final int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
            if (host.indexOf(':') >= 0)
            {
                error(at, "invalid fallback server: " + value + " (write IPv6 addresses as [address]:port)");
                return null;
            }
        }
        final InetAddress address = host.isEmpty() ? null : resolver.host(host, family);
        if (address == null)
        {
            error(at, "invalid " + (family == AddressFamily.INET6 ? "IPv6" : "IPv4") +
                " address or could not resolve for fallback server: " + host);
            return null;
        }
        int port = Fallback.VIRTUAL_PORT;
        if (portText != null)
        {
            port = PORT_TEXT.matcher(portText).matches() ? port(portText, protocol) : -1;
            if (port < 0)
            {
                error(at, "invalid port for fallback server: \"" + portText + "\"");
                return null;
            }
        }
        return new Fallback(address, port, fwd);
    }

    /** @return the address of {@code text} in {@code family}, or null if it is no literal and does not resolve */
    InetAddress host(final String text, final AddressFamily family)
    {
        return resolver.host(text, family);
    }

    /** @return the port, -1 if the name cannot be resolved, -2 if the number is out of range */
    int port(final String text, final String protocol)
    {
        if (DIGITS.matcher(text).matches())
        {
            final long p = parseLong(text);
            return p <= 65535 ? (int)p : -2;
        }
        final OptionalInt p = resolver.port(text, protocol);
        return p.isPresent() ? p.getAsInt() : -1;
    }

    /** An absolute path to an executable file, or null. */
    static Path executable(final String value)
    {
        final Path command = Path.of(LdirectordTokenizer.unquote(value));
        return command.isAbsolute() && Files.isRegularFile(command) && Files.isExecutable(command) ? command : null;
    }

    /** A request without a leading '/' or a scheme gets the '/' ldirectord gives it. */
    static String normaliseRequest(final String request)
    {
        if (request.startsWith("/") || request.matches("[A-Za-z][A-Za-z0-9+.-]*://.*"))
        {
            return request;
        }
        return "/" + request;
    }

    /** @return the number of a string of digits, Long.MAX_VALUE when it is too long for a long */
    static long parseLong(final String digits)
    {
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }
}
