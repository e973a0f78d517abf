package io.jlvs.controlplane.config;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The director's own settings file ({@code /etc/jlvs/<instance>.conf}): one {@code key = value} per line,
 * {@code #} comments, blank lines, optional double quotes around a value. Unknown keys, repeated keys and
 * malformed values are errors reported as {@code FILE:LINE: message}, all of them at once.
 *
 * <pre>
 * instance          = default                  # name used in default paths; [A-Za-z0-9_.-]+
 * port              = 0000:03:00.0             # required: PCI address, or vdev devargs "net_af_packet0,iface=veth-dir"
 * address           = 198.18.0.2/24            # required: the director's IPv4 address (DIP) with prefix length
 * gateway           = 198.18.0.1               # optional default gateway
 * cores             = 1                        # forwarding lcores: "1", "1,2", "2-5"   (default 1)
 * control-core      = 0                        # lcore of the control thread / EAL main lcore (default 0)
 * eal-args          = --log-level=lib.eal:debug  # extra EAL arguments, split on blanks
 * hugepages         = yes                      # no: --no-huge -m &lt;memory&gt;              (default yes)
 * memory            = 512                      # MiB                                     (default 512)
 * conn-table-size   = 1048576                  # connection entries                      (default 1048576)
 * conn-table-dir    = /dev/shm/jlvs/default    # default /dev/shm/jlvs/&lt;instance&gt;
 * admin-socket      = /run/jlvs/default.sock   # default /run/jlvs/&lt;instance&gt;.sock
 * ldirectord-config = /etc/ha.d/ldirectord.cf  # default /etc/ha.d/ldirectord.cf (ldirectord's default)
 * </pre>
 */
public record DirectorSettings(
    Path file,
    String instance,
    String port,
    Inet4Address address,
    int prefixLength,
    Optional<Inet4Address> gateway,
    List<Integer> cores,
    int controlCore,
    List<String> extraEalArgs,
    boolean hugepages,
    int memoryMiB,
    int connTableSize,
    Path connTableDir,
    Path adminSocket,
    Path ldirectordConfig)
{
    public static final String DEFAULT_INSTANCE = "default";
    public static final List<Integer> DEFAULT_CORES = List.of(1);
    public static final int DEFAULT_CONTROL_CORE = 0;
    public static final int DEFAULT_MEMORY_MIB = 512;
    public static final int DEFAULT_CONN_TABLE_SIZE = 1 << 20;
    public static final Path DEFAULT_LDIRECTORD_CONFIG = Path.of("/etc/ha.d/ldirectord.cf");

    private static final Pattern LINE = Pattern.compile("([A-Za-z][A-Za-z0-9-]*)\\s*=\\s*(.*)");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern PCI = Pattern.compile("([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");
    private static final Pattern CIDR = Pattern.compile("([0-9.]+)/(\\d{1,2})");
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?");
    private static final int MAX_LCORE = 1023;
    private static final List<String> KEYS = List.of("instance", "port", "address", "gateway", "cores",
        "control-core", "eal-args", "hugepages", "memory", "conn-table-size", "conn-table-dir", "admin-socket",
        "ldirectord-config");

    public DirectorSettings
    {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(connTableDir, "connTableDir");
        Objects.requireNonNull(adminSocket, "adminSocket");
        Objects.requireNonNull(ldirectordConfig, "ldirectordConfig");
        cores = List.copyOf(cores);
        extraEalArgs = List.copyOf(extraEalArgs);
        if (prefixLength < 0 || prefixLength > 32)
        {
            throw new IllegalArgumentException("prefixLength: " + prefixLength);
        }
    }

    /** @return true when {@link #port()} is a PCI address rather than vdev devargs */
    public boolean isPciPort()
    {
        return PCI.matcher(port).matches();
    }

    /**
     * The EAL argument vector these settings imply (without argv[0]):
     * {@code -l <control> --main-lcore <control> --file-prefix jlvs-<instance>}, then {@code -a <pci>} or
     * {@code --no-pci --vdev <devargs>}, then {@code --no-huge -m <memory>} when hugepages are off, then eal-args.
     * The forwarding cores are not given to EAL (see the comment in the body).
     */
    public List<String> ealArguments()
    {
        final List<String> args = new ArrayList<>();
        // EAL gets only the control core: forwarding agents are Java threads that pin themselves and register
        // with rte_thread_register(), so EAL must not start its own worker threads on their cores.
        args.add("-l");
        args.add(Integer.toString(controlCore));
        args.add("--main-lcore");
        args.add(Integer.toString(controlCore));
        args.add("--file-prefix");
        args.add("jlvs-" + instance);
        if (isPciPort())
        {
            args.add("-a");
            args.add(port);
        }
        else
        {
            args.add("--no-pci");
            args.add("--vdev");
            args.add(port);
        }
        if (!hugepages)
        {
            args.add("--no-huge");
            args.add("-m");
            args.add(Integer.toString(memoryMiB));
        }
        args.addAll(extraEalArgs);
        return args;
    }

    /** Reads and checks a settings file. */
    public static DirectorSettings parse(final Path file) throws IOException, ConfigException
    {
        return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    /** Checks {@code lines} as the content of {@code file} (used in messages only). */
    public static DirectorSettings parse(final Path file, final List<String> lines) throws ConfigException
    {
        final List<ConfigDiagnostic> errors = new ArrayList<>();
        final Map<String, String> values = new HashMap<>();
        final Map<String, Integer> lineOf = new HashMap<>();
        final Map<String, String> textOf = new HashMap<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String text = lines.get(i).strip();
            final String content = LdirectordConfigParser.stripComment(lines.get(i)).strip();
            if (content.isEmpty())
            {
                continue;
            }
            final Matcher m = LINE.matcher(content);
            if (!m.matches())
            {
                errors.add(new ConfigDiagnostic(file, i + 1, "expected \"key = value\"", text));
                continue;
            }
            final String key = m.group(1);
            if (!KEYS.contains(key))
            {
                errors.add(new ConfigDiagnostic(file, i + 1, "unknown key \"" + key + "\"", text));
                continue;
            }
            final Integer first = lineOf.putIfAbsent(key, i + 1);
            if (first != null)
            {
                errors.add(new ConfigDiagnostic(file, i + 1, "duplicate key \"" + key + "\" (first set at line " +
                    first + ")", text));
                continue;
            }
            values.put(key, LdirectordConfigParser.unquote(m.group(2)));
            textOf.put(key, text);
        }

        final Checker c = new Checker(file, errors, values, lineOf, textOf);
        final String instance = c.string("instance", DEFAULT_INSTANCE);
        if (!INSTANCE.matcher(instance).matches())
        {
            c.error("instance", "invalid instance \"" + instance + "\": use letters, digits, '_', '.', '-'");
        }
        final String port = c.required("port");
        Inet4Address address = null;
        int prefix = 0;
        final String addressText = c.required("address");
        if (addressText != null)
        {
            final Matcher m = CIDR.matcher(addressText);
            address = m.matches() ? InetLiterals.ipv4(m.group(1)) : null;
            prefix = m.matches() ? Integer.parseInt(m.group(2)) : -1;
            if (address == null || prefix < 0 || prefix > 32)
            {
                c.error("address", "invalid address \"" + addressText +
                    "\": expected an IPv4 address with prefix length, e.g. 198.18.0.2/24");
                address = null;
            }
        }
        Inet4Address gateway = null;
        final String gatewayText = c.string("gateway", null);
        if (gatewayText != null)
        {
            gateway = InetLiterals.ipv4(gatewayText);
            if (gateway == null)
            {
                c.error("gateway", "invalid gateway \"" + gatewayText + "\": expected an IPv4 address");
            }
        }
        final List<Integer> cores = c.cores("cores");
        final int controlCore = c.integer("control-core", DEFAULT_CONTROL_CORE, 0, MAX_LCORE);
        if (cores.contains(controlCore))
        {
            c.error(values.containsKey("control-core") ? "control-core" : "cores",
                "control-core " + controlCore + " is also a forwarding core");
        }
        final String eal = c.string("eal-args", "");
        final List<String> ealArgs = eal.isBlank() ? List.of() : List.of(eal.strip().split("\\s+"));
        final boolean hugepages = c.yesNo("hugepages", true);
        final int memory = c.integer("memory", DEFAULT_MEMORY_MIB, 1, 1 << 20);
        final int connTableSize = c.integer("conn-table-size", DEFAULT_CONN_TABLE_SIZE, 1, 1 << 30);
        final Path connTableDir = Path.of(c.string("conn-table-dir", "/dev/shm/jlvs/" + instance));
        final Path adminSocket = Path.of(c.string("admin-socket", "/run/jlvs/" + instance + ".sock"));
        final Path ldirectordConfig = Path.of(c.string("ldirectord-config", DEFAULT_LDIRECTORD_CONFIG.toString()));

        if (!errors.isEmpty())
        {
            errors.sort(java.util.Comparator.comparingInt(ConfigDiagnostic::line));
            throw new ConfigException(errors);
        }
        return new DirectorSettings(file, instance, port, address, prefix, Optional.ofNullable(gateway), cores,
            controlCore, ealArgs, hugepages, memory, connTableSize, connTableDir, adminSocket, ldirectordConfig);
    }

    private record Checker(Path file, List<ConfigDiagnostic> errors, Map<String, String> values,
        Map<String, Integer> lineOf, Map<String, String> textOf)
    {
        void error(final String key, final String message)
        {
            errors.add(new ConfigDiagnostic(file, lineOf.getOrDefault(key, 0), message, textOf.getOrDefault(key, "")));
        }

        String string(final String key, final String def)
        {
            final String v = values.get(key);
            if (v != null && v.isEmpty())
            {
                error(key, "no value given for " + key);
                return def;
            }
            return v != null ? v : def;
        }

        String required(final String key)
        {
            final String v = string(key, null);
            if (v == null && !values.containsKey(key))
            {
                errors.add(new ConfigDiagnostic(file, 0, "missing required key \"" + key + "\"", ""));
            }
            return v;
        }

        int integer(final String key, final int def, final int min, final int max)
        {
            final String v = string(key, null);
            if (v == null)
            {
                return def;
            }
            try
            {
                final long n = Long.parseLong(v);
                if (n >= min && n <= max)
                {
                    return (int)n;
                }
            }
            catch (final NumberFormatException ignore)
            {
                // reported below
            }
            error(key, "invalid " + key + " \"" + v + "\": must be a number in " + min + ".." + max);
            return def;
        }

        boolean yesNo(final String key, final boolean def)
        {
            final String v = string(key, null);
            if (v == null)
            {
                return def;
            }
            switch (v.toLowerCase(Locale.ROOT))
            {
                case "yes":
                    return true;
                case "no":
                    return false;
                default:
                    error(key, key + " must be 'yes' or 'no'");
                    return def;
            }
        }

        List<Integer> cores(final String key)
        {
            final String v = string(key, null);
            if (v == null)
            {
                return DEFAULT_CORES;
            }
            final TreeSet<Integer> set = new TreeSet<>();
            for (final String part : v.split(","))
            {
                final Matcher m = RANGE.matcher(part.strip());
                if (!m.matches())
                {
                    error(key, "invalid cores \"" + v + "\": expected a list such as 1,2 or 2-5");
                    return DEFAULT_CORES;
                }
                final long from = Long.parseLong(m.group(1));
                final long to = m.group(2) == null ? from : Long.parseLong(m.group(2));
                if (from > to || to > MAX_LCORE)
                {
                    error(key, "invalid cores \"" + v + "\": ranges go low-high, lcores 0.." + MAX_LCORE);
                    return DEFAULT_CORES;
                }
                for (long c = from; c <= to; c++)
                {
                    set.add((int)c);
                }
            }
            return List.copyOf(set);
        }
    }
}
