package io.jlvs.controlplane.config;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Addresses;
import io.jlvs.dataplane.service.MarkRule;
import io.jlvs.dataplane.service.MarkRules;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the marking rules of firewall-mark services from {@code iptables-save} (or {@code ip6tables-save}) output,
 * the rules operators of kernel LVS already keep: the {@code mangle} table's {@code MARK} rules of chains
 * {@code PREROUTING} and {@code INPUT}, which mark packets before the kernel's IPVS sees them.
 * <p>
 * What is honoured: {@code -s}, {@code -d} (an address, with a prefix length or a mask), {@code -p},
 * {@code --dport N[:M]} (with {@code -m tcp}, {@code udp} or {@code sctp}), {@code -m multiport --dports},
 * {@code -m comment}, and {@code -j MARK} with {@code --set-xmark}, {@code --set-mark}, {@code --and-mark},
 * {@code --or-mark} or {@code --xor-mark}. Everything else in those two chains (another match or target, a negation,
 * a user-defined chain) changes which packets are marked, so it is refused with file and line rather than ignored.
 * Other tables and other chains of {@code mangle} do not see packets for the director's addresses: they are skipped.
 */
public final class MangleRules
{
    private static final Set<String> MARKING_CHAINS = Set.of("PREROUTING", "INPUT");
    private static final Set<String> BUILT_IN_CHAINS = Set.of("PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING");
    private static final Map<String, Integer> PROTOCOLS = Map.of(
        "tcp", IpProtocol.TCP, "udp", IpProtocol.UDP, "sctp", IpProtocol.SCTP, "all", 0, "0", 0);

    private final Path file;
    private final int af;
    private final List<ConfigDiagnostic> errors = new ArrayList<>();
    private final List<MarkRule> prerouting = new ArrayList<>();
    private final List<MarkRule> input = new ArrayList<>();

    private MangleRules(final Path file, final int af)
    {
        this.file = file;
        this.af = af;
    }

    /** The rules of the settings' {@code fwmark-rules} (IPv4) and {@code fwmark-rules6} (IPv6) files, in order. */
    public static MarkRules read(final DirectorSettings settings) throws ConfigException, IOException
    {
        final List<MarkRule> all = new ArrayList<>();
        final List<ConfigDiagnostic> problems = new ArrayList<>();
        for (final var f : List.of(
            Map.entry(settings.fwmarkRules(), PacketView.AF_INET),
            Map.entry(settings.fwmarkRules6(), PacketView.AF_INET6)))
        {
            if (f.getKey().isEmpty())
            {
                continue;
            }
            final Path path = f.getKey().get();
            try
            {
                all.addAll(parse(path, Files.readAllLines(path, StandardCharsets.UTF_8), f.getValue()));
            }
            catch (final ConfigException ex)
            {
                problems.addAll(ex.errors());
            }
        }
        if (!problems.isEmpty())
        {
            throw new ConfigException(problems);
        }
        return new MarkRules(all);
    }

    /**
     * The marking rules of one file, {@code PREROUTING}'s then {@code INPUT}'s, as packets meet them.
     *
     * @param af {@link PacketView#AF_INET} for iptables-save output, {@link PacketView#AF_INET6} for ip6tables-save.
     * @throws ConfigException with every line that cannot be honoured.
     */
    public static List<MarkRule> parse(final Path file, final List<String> lines, final int af) throws ConfigException
    {
        final MangleRules r = new MangleRules(file, af);
        r.read(lines);
        if (!r.errors.isEmpty())
        {
            throw new ConfigException(r.errors);
        }
        final List<MarkRule> rules = new ArrayList<>(r.prerouting);
        rules.addAll(r.input);
        return List.copyOf(rules);
    }

    private void read(final List<String> lines)
    {
        String table = null;
        for (int n = 1; n <= lines.size(); n++)
        {
            final String text = lines.get(n - 1);
            final String line = text.strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            if (line.startsWith("*"))
            {
                if (null != table)
                {
                    error(n, "table " + table + " has no COMMIT before the next table", text);
                }
                table = line.substring(1);
                continue;
            }
            if (line.equals("COMMIT"))
            {
                if (null == table)
                {
                    error(n, "COMMIT outside a table", text);
                }
                table = null;
                continue;
            }
            if (null == table)
            {
                error(n, "a line outside a table (iptables-save output starts each with *table)", text);
                continue;
            }
            if (!table.equals("mangle"))
            {
                continue;
            }
            if (line.startsWith(":"))
            {
                final String chain = line.substring(1).split("\\s+")[0];
                if (!BUILT_IN_CHAINS.contains(chain))
                {
                    error(n, "user-defined chain " + chain + " is not honoured by jlvs (mark in PREROUTING or INPUT)",
                        text);
                }
                continue;
            }
            rule(n, text, line);
        }
        if (null != table)
        {
            error(lines.size(), "table " + table + " has no COMMIT", "");
        }
    }

    private void rule(final int n, final String text, final String line)
    {
        final List<String> t;
        try
        {
            t = tokens(line.startsWith("[") ? line.substring(line.indexOf(']') + 1).strip() : line);
        }
        catch (final IllegalArgumentException ex)
        {
            error(n, ex.getMessage(), text);
            return;
        }
        if (t.size() < 2 || !(t.get(0).equals("-A") || t.get(0).equals("--append")))
        {
            error(n, "expected a rule (-A CHAIN ...)", text);
            return;
        }
        final String chain = t.get(1);
        if (!MARKING_CHAINS.contains(chain))
        {
            if (!BUILT_IN_CHAINS.contains(chain))
            {
                error(n, "user-defined chain " + chain + " is not honoured by jlvs (mark in PREROUTING or INPUT)", text);
            }
            return; // FORWARD, OUTPUT, POSTROUTING never see a packet for the director's addresses
        }
        final Rule r = new Rule();
        for (int i = 2; i < t.size(); i++)
        {
            final String opt = t.get(i);
            final String arg = i + 1 < t.size() ? t.get(i + 1) : null;
            if (opt.equals("!"))
            {
                error(n, "negation (!) is not honoured by jlvs", text);
                return;
            }
            if (null == arg)
            {
                error(n, opt + " needs a value", text);
                return;
            }
            final String problem = switch (opt)
            {
                case "-s", "--source" -> r.network(arg, r.source, "source");
                case "-d", "--destination" -> r.network(arg, r.destination, "destination");
                case "-p", "--protocol" -> r.protocol(arg);
                case "-m", "--match" -> r.match(arg);
                case "--dport", "--destination-port" -> r.dport(arg);
                case "--dports", "--destination-ports" -> r.dports(arg);
                case "--comment" -> r.comment();
                case "-j", "--jump" -> r.target(arg);
                case "--set-xmark" -> r.mark(arg, Op.XMARK);
                case "--set-mark" -> r.mark(arg, Op.SET);
                case "--and-mark" -> r.mark(arg, Op.AND);
                case "--or-mark" -> r.mark(arg, Op.OR);
                case "--xor-mark" -> r.mark(arg, Op.XOR);
                default -> "option " + opt + " is not honoured by jlvs (it reads -s, -d, -p, --dport, " +
                    "-m multiport --dports and -j MARK)";
            };
            if (null != problem)
            {
                error(n, problem, text);
                return;
            }
            i++;
        }
        final String problem = r.check();
        if (null != problem)
        {
            error(n, problem, text);
            return;
        }
        (chain.equals("PREROUTING") ? prerouting : input).add(new MarkRule(af, r.protocol, r.source[0], r.source[1],
            (int)r.source[2], r.destination[0], r.destination[1], (int)r.destination[2],
            r.ports.stream().mapToInt(Integer::intValue).toArray(), r.value, r.mask, n));
    }

    private enum Op
    {
        XMARK, SET, AND, OR, XOR
    }

    /** One rule as it is read. */
    private final class Rule
    {
        int protocol;
        /** {hi, lo, prefix}; prefix 0: any. */
        final long[] source = new long[3];
        final long[] destination = new long[3];
        final List<Integer> ports = new ArrayList<>();
        boolean portMatch;
        boolean multiport;
        boolean dportGiven;
        boolean dportsGiven;
        boolean marks;
        boolean target;
        int value;
        int mask;

        /** A {@code -s} or {@code -d} network into {@code into}: {hi, lo, prefix}. */
        String network(final String arg, final long[] into, final String what)
        {
            final long[] a = MangleRules.this.network(arg);
            if (null == a)
            {
                return "invalid " + what + " " + arg;
            }
            System.arraycopy(a, 0, into, 0, 3);
            return null;
        }

        String protocol(final String arg)
        {
            final String p = arg.toLowerCase(Locale.ROOT);
            final Integer known = PROTOCOLS.get(p);
            if (null != known)
            {
                protocol = known;
                return null;
            }
            final int number = unsigned(p, 255);
            if (number < 0)
            {
                return "unknown protocol " + arg;
            }
            protocol = number;
            return null;
        }

        String match(final String arg)
        {
            switch (arg)
            {
                case "tcp", "udp", "sctp" ->
                {
                    portMatch = true;
                    return null;
                }
                case "multiport" ->
                {
                    multiport = true;
                    return null;
                }
                case "comment" ->
                {
                    return null;
                }
                default ->
                {
                    return "match " + arg + " is not honoured by jlvs (it reads tcp, udp, sctp, multiport, comment)";
                }
            }
        }

        String dport(final String arg)
        {
            if (!portMatch)
            {
                return "--dport needs -p tcp, udp or sctp and its match (-m tcp)";
            }
            dportGiven = true;
            return range(arg);
        }

        String dports(final String arg)
        {
            if (!multiport)
            {
                return "--dports needs -m multiport";
            }
            dportsGiven = true;
            final String[] parts = arg.split(",", -1);
            if (parts.length > 15)
            {
                return "multiport takes at most 15 ports";
            }
            for (final String part : parts)
            {
                final String problem = range(part);
                if (null != problem)
                {
                    return problem;
                }
            }
            return null;
        }

        private String range(final String arg)
        {
            final String[] ends = arg.split(":", -1);
            final int from = ends.length > 2 ? -1 : unsigned(ends[0].isEmpty() ? "0" : ends[0], 65535);
            final int to = ends.length == 1 ? from : ends.length == 2 ?
                unsigned(ends[1].isEmpty() ? "65535" : ends[1], 65535) : -1;
            if (from < 0 || to < 0)
            {
                return "invalid port " + arg;
            }
            ports.add(Math.min(from, to));
            ports.add(Math.max(from, to));
            return null;
        }

        String comment()
        {
            return null;
        }

        String target(final String arg)
        {
            if (!arg.equals("MARK"))
            {
                return "target " + arg + " is not honoured by jlvs (only -j MARK sets what IPVS reads)";
            }
            target = true;
            return null;
        }

        String mark(final String arg, final Op op)
        {
            if (!target)
            {
                return "a mark option without -j MARK";
            }
            if (marks)
            {
                return "one mark option per rule";
            }
            final String[] parts = arg.split("/", -1);
            final long v = parseMark(parts[0]);
            final long m = parts.length == 2 ? parseMark(parts[1]) : 0xFFFF_FFFFL;
            if (v < 0 || m < 0 || parts.length > 2 ||
                (parts.length == 2 && (op == Op.AND || op == Op.OR || op == Op.XOR)))
            {
                return "invalid mark " + arg;
            }
            // each as iptables' MARK reduces it to --set-xmark value/mask: mark = (mark & ~mask) ^ value
            switch (op)
            {
                case XMARK ->
                {
                    value = (int)v;
                    mask = (int)m;
                }
                case SET ->
                {
                    value = (int)v;
                    mask = (int)(m | v);
                }
                case AND ->
                {
                    value = 0;
                    mask = (int)~v;
                }
                case OR ->
                {
                    value = (int)v;
                    mask = (int)v;
                }
                case XOR ->
                {
                    value = (int)v;
                    mask = 0;
                }
            }
            marks = true;
            return null;
        }

        String check()
        {
            if (!target)
            {
                return "a rule without -j MARK marks nothing: not honoured by jlvs";
            }
            if (!marks)
            {
                return "-j MARK without --set-mark or --set-xmark";
            }
            if (dportGiven && dportsGiven)
            {
                return "--dport and --dports in one rule (iptables requires both) are not honoured by jlvs";
            }
            if ((portMatch || multiport) && protocol != IpProtocol.TCP && protocol != IpProtocol.UDP &&
                protocol != IpProtocol.SCTP)
            {
                return "a port match needs -p tcp, udp or sctp";
            }
            return null;
        }
    }

    /** {hi, lo, prefix} of {@code addr[/prefix|/mask]} in this file's family, or null. */
    private long[] network(final String arg)
    {
        final int slash = arg.indexOf('/');
        final String host = slash < 0 ? arg : arg.substring(0, slash);
        final InetAddress a = af == PacketView.AF_INET6 ? InetLiterals.ipv6(host) : InetLiterals.ipv4(host);
        if (null == a)
        {
            return null;
        }
        final int max = af == PacketView.AF_INET6 ? 128 : 32;
        int prefix = max;
        if (slash >= 0)
        {
            final String p = arg.substring(slash + 1);
            if (p.matches("\\d{1,3}"))
            {
                prefix = Integer.parseInt(p);
            }
            else if (af == PacketView.AF_INET && null != InetLiterals.ipv4(p))
            {
                final int bits = InetLiterals.toInt(InetLiterals.ipv4(p));
                if ((~bits & (~bits + 1)) != 0)
                {
                    return null; // not a mask of leading ones
                }
                prefix = Integer.bitCount(bits);
            }
            else
            {
                return null;
            }
            if (prefix > max)
            {
                return null;
            }
        }
        return new long[] {Addresses.hi(a), Addresses.lo(a), prefix};
    }

    private static int unsigned(final String text, final int max)
    {
        if (!text.matches("\\d{1,10}"))
        {
            return -1;
        }
        final long v = Long.parseLong(text);
        return v > max ? -1 : (int)v;
    }

    /** A 32-bit mark in hex ({@code 0x1f}) or decimal; -1 when not one. */
    private static long parseMark(final String text)
    {
        try
        {
            final long v = text.startsWith("0x") || text.startsWith("0X") ?
                Long.parseLong(text.substring(2), 16) : Long.parseLong(text);
            return v < 0 || v > 0xFFFF_FFFFL ? -1 : v;
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    /** A rule's words as iptables-save quotes them: double quotes group, a backslash escapes a quote. */
    static List<String> tokens(final String line)
    {
        final List<String> out = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length() && quoted)
            {
                word.append(line.charAt(++i));
            }
            else if (c == '"')
            {
                quoted = !quoted;
                inWord = true;
            }
            else if (Character.isWhitespace(c) && !quoted)
            {
                if (inWord)
                {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            }
            else
            {
                word.append(c);
                inWord = true;
            }
        }
        if (quoted)
        {
            throw new IllegalArgumentException("unterminated quote");
        }
        if (inWord)
        {
            out.add(word.toString());
        }
        return out;
    }

    private void error(final int line, final String message, final String text)
    {
        errors.add(new ConfigDiagnostic(file, line, message, text));
    }
}
