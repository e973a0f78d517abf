package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.InetLiterals;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a keepalived.conf as keepalived 2.2 does: its lexis ({@link KeepalivedSource}), its blocks
 * ({@link KeepalivedBlock}), then {@code global_defs}, {@code track_file}, {@code virtual_server_group} and
 * {@code virtual_server}. The VRRP statements are handed on whole. An error anywhere refuses the whole file, with
 * every error found, each with its file and line; keywords keepalived knows and jlvs does not act on are warnings.
 */
public final class KeepalivedConfigParser
{
    /** The top-level keywords of keepalived's VRRP process, handed on to the VRRP configuration. */
    static final Set<String> VRRP_ROOT = Set.of("vrrp_instance", "vrrp_sync_group", "vrrp_script", "static_ipaddress",
        "static_routes", "static_rules", "garp_group", "linkbeat_interfaces", "vrrp_track_process", "track_group",
        "interface_up_down_delays", "vrrp_track_file");
    /** The top-level keywords keepalived knows and jlvs does not act on, and why. */
    static final Map<String, String> NOT_DONE_ROOT = Map.of(
        "bfd_instance", "jlvs does not speak BFD",
        "SSL", "jlvs's SSL_GET trusts any certificate, as keepalived's without ca",
        "net_namespace", "the director owns its NICs; it runs in no namespace",
        "net_namespace_ipvs", "the director owns its NICs; it runs in no namespace",
        "namespace_with_ipsets", "the director owns its NICs; it runs in no namespace",
        "use_pid_dir", "systemd keeps the director's pid",
        "instance", "one director runs per settings file (jlvs@INSTANCE)",
        "child_wait_time", "the director has no child processes to wait for",
        "linkbeat_use_polling", "the director watches its NICs' links itself");
    /** global_defs keywords the VRRP configuration reads. */
    static final Set<String> VRRP_GLOBALS = Set.of("vrrp_version", "vrrp_garp_master_delay");

    private final KeepalivedValues values = new KeepalivedValues();

    private KeepalivedConfigParser()
    {
    }

    /**
     * What a read found: the configuration when there was no error, and every error and warning, each with its file
     * and line, in file order.
     *
     * @param config   null when there is an error
     * @param errors   what refuses the file
     * @param warnings what keepalived would complain of and carry on past, and what jlvs does not act on
     */
    public record Checked(KeepalivedConfig config, List<ConfigDiagnostic> errors, List<ConfigDiagnostic> warnings)
    {
        public Checked
        {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param configId the {@code @ID} lines that apply (keepalived's {@code -i}, default the short host name)
     * @throws ConfigException with every error, each with its file and line
     */
    public static KeepalivedConfig parse(final Path file, final String configId) throws ConfigException
    {
        return orThrow(check(file, configId));
    }

    /** Parses {@code text} as if it were {@code file} (includes relative to it). */
    public static KeepalivedConfig parse(final Path file, final List<String> text, final String configId)
        throws ConfigException
    {
        return orThrow(new KeepalivedConfigParser().read(KeepalivedSource.read(file, text, configId), file));
    }

    /** Reads {@code file} and says everything found, errors and warnings both ({@code jlvs check -k}). */
    public static Checked check(final Path file, final String configId)
    {
        return new KeepalivedConfigParser().read(KeepalivedSource.read(file, configId), file);
    }

    private static KeepalivedConfig orThrow(final Checked checked) throws ConfigException
    {
        if (null == checked.config())
        {
            throw new ConfigException(checked.errors());
        }
        return checked.config();
    }

    private Checked read(final KeepalivedSource.Result source, final Path file)
    {
        values.addErrors(source.errors());
        values.addWarnings(source.warnings());
        final KeepalivedBlock.Tree tree = KeepalivedBlock.parse(source.lines());
        values.addErrors(tree.errors());
        final List<KeepalivedBlock> globalBlocks = new ArrayList<>();
        final List<KeepalivedBlock> trackFileBlocks = new ArrayList<>();
        final List<KeepalivedBlock> groupBlocks = new ArrayList<>();
        final List<KeepalivedBlock> serverBlocks = new ArrayList<>();
        final List<KeepalivedBlock> vrrp = new ArrayList<>();
        for (final KeepalivedBlock s : tree.statements())
        {
            switch (s.keyword())
            {
                case "global_defs" ->
                {
                    globalBlocks.add(s);
                    vrrp.add(s);
                }
                case "track_file" -> trackFileBlocks.add(s);
                case "virtual_server_group" -> groupBlocks.add(s);
                case "virtual_server" -> serverBlocks.add(s);
                default ->
                {
                    if (VRRP_ROOT.contains(s.keyword()))
                    {
                        vrrp.add(s);
                    }
                    else if (NOT_DONE_ROOT.containsKey(s.keyword()))
                    {
                        values.notDone(s, NOT_DONE_ROOT.get(s.keyword()));
                    }
                    else
                    {
                        values.unknown(s, null);
                    }
                }
            }
        }
        final Map<String, KeepalivedGlobals.TrackFile> trackFiles = new LinkedHashMap<>();
        for (final KeepalivedBlock t : trackFileBlocks)
        {
            trackFile(t, trackFiles);
        }
        final KeepalivedGlobals globals = new GlobalDefsReader(values).read(globalBlocks, trackFiles);
        final Map<String, VirtualServerGroup> groups = new LinkedHashMap<>();
        for (final KeepalivedBlock g : groupBlocks)
        {
            final VirtualServerGroup group = group(g);
            if (null != group)
            {
                groups.put(group.name(), group);
            }
        }
        final ScriptCheck scripts = new ScriptCheck(values, globals.scriptSecurity(), globals.scriptUser().isPresent(),
            ScriptCheck::isUser);
        final VirtualServerReader reader = new VirtualServerReader(values, new CheckerReader(values, scripts, trackFiles), scripts,
            groups);
        final List<KeepalivedVirtualServer> servers = new ArrayList<>();
        for (final KeepalivedBlock b : serverBlocks)
        {
            final KeepalivedVirtualServer vs = reader.read(b);
            if (null != vs)
            {
                servers.add(vs);
            }
        }
        final List<ConfigDiagnostic> errors = values.errors();
        final List<ConfigDiagnostic> warnings = values.warnings();
        return new Checked(errors.isEmpty() ? new KeepalivedConfig(file, globals, groups, servers, vrrp, warnings) : null,
            errors, warnings);
    }

    /** {@code track_file NAME { file PATH; weight W [reverse]; init_file [VALUE] [overwrite] }}. */
    private void trackFile(final KeepalivedBlock t, final Map<String, KeepalivedGlobals.TrackFile> into)
    {
        final String name = values.arg(t, 0);
        Path path = null;
        int weight = 1;
        boolean reverse = false;
        for (final KeepalivedBlock s : t.children())
        {
            switch (s.keyword())
            {
                case "file" ->
                {
                    final String v = values.arg(s, 0);
                    path = null == v ? null : Path.of(v);
                }
                case "weight" ->
                {
                    weight = (int)values.number(s, 0, -254, 254, 1);
                    reverse = s.args().size() > 1 && s.args().get(1).equals("reverse");
                }
                case "init_file" -> values.notDone(s, "jlvs reads the file as it is and does not create it");
                default -> values.unknown(s, "track_file");
            }
        }
        if (null == path)
        {
            values.error(t, "track_file " + name + " has no file");
            return;
        }
        if (null != name)
        {
            into.put(name, new KeepalivedGlobals.TrackFile(name, path, weight, reverse));
        }
    }

    /**
     * {@code virtual_server_group NAME { ... }}: {@code IP [PORT]}, {@code A.B.C.D-E [PORT]} (a range in the last
     * byte, or the last group of an IPv6 address in hex), {@code IP1-IP2 [PORT]}, {@code IP/LEN [PORT]} and
     * {@code fwmark N [inet|inet6]}.
     */
    private VirtualServerGroup group(final KeepalivedBlock g)
    {
        final String name = values.arg(g, 0);
        if (null == name)
        {
            return null;
        }
        final List<VirtualServerGroup.Member> members = new ArrayList<>();
        for (final KeepalivedBlock e : g.children())
        {
            if (e.keyword().equals("fwmark"))
            {
                final int mark = (int)values.number(e, 0, 1, 0xFFFF_FFFFL, 0);
                if (e.args().size() > 1 && !List.of("inet", "inet6").contains(e.args().get(1)))
                {
                    values.error(e, "fwmark '" + e.args().getFirst() + "' family " + e.args().get(1) + " unknown");
                }
                if (0 != mark)
                {
                    final String family = e.args().size() > 1 ? e.args().get(1) : "";
                    members.add(new VirtualServerGroup.Member(null, 0, mark, family.equals("inet") ?
                        AddressFamily.INET : family.equals("inet6") ? AddressFamily.INET6 : null));
                }
                continue;
            }
            final int port = e.args().isEmpty() ? 0 : (int)values.number(e, 0, 0, 65535, 0);
            for (final InetAddress a : addresses(e, e.keyword()))
            {
                members.add(new VirtualServerGroup.Member(a, port, 0, AddressFamily.of(a)));
            }
        }
        if (members.isEmpty())
        {
            values.warn(g, "virtual server group " + name + " has no entries - removing");
            return null;
        }
        final VirtualServerGroup group = new VirtualServerGroup(g.where(), name, members);
        if (group.has(AddressFamily.INET) && group.has(AddressFamily.INET6) && group.hasFwmarkWithoutFamily())
        {
            values.warn(g, "virtual server group " + name + " cannot have IPv4, IPv6 and fwmark without family - " +
                "removing");
            return null;
        }
        return group;
    }

    /** The addresses of one group entry: one, a range, or a prefix. */
    private List<InetAddress> addresses(final KeepalivedBlock at, final String text)
    {
        final int slash = text.indexOf('/');
        final int dash = text.indexOf('-');
        if (slash < 0 && dash < 0)
        {
            final InetAddress a = values.address(at, text, "virtual server group");
            return null == a ? List.of() : List.of(a);
        }
        final InetAddress first = values.address(at, text.substring(0, slash >= 0 ? slash : dash), "virtual server group");
        if (null == first)
        {
            return List.of();
        }
        final byte[] start = first.getAddress();
        final byte[] end = start.clone();
        if (slash >= 0)
        {
            final int bits = start.length * 8;
            final long len = KeepalivedValues.parseNumber(text.substring(slash + 1)).orElse(-1);
            if (len < 1 || len > bits)
            {
                values.error(at, "Invalid netmask - " + text);
                return List.of();
            }
            for (int b = (int)len; b < bits; b++)
            {
                if ((start[b / 8] & (0x80 >>> (b % 8))) != 0)
                {
                    values.error(at, "Address mask bits not empty - " + text);
                    return List.of();
                }
                end[b / 8] |= (byte)(0x80 >>> (b % 8));
            }
        }
        else
        {
            final String last = text.substring(dash + 1);
            if (last.contains(".") || last.contains(":"))
            {
                final InetAddress to = values.address(at, last, "virtual server group");
                if (null == to)
                {
                    return List.of();
                }
                if (to.getAddress().length != start.length)
                {
                    values.error(at, "Range address families do not match " + text);
                    return List.of();
                }
                System.arraycopy(to.getAddress(), 0, end, 0, end.length);
            }
            else
            {
                final int v6 = first instanceof Inet6Address ? 1 : 0;
                final int value;
                try
                {
                    value = Integer.parseInt(last, v6 == 1 ? 16 : 10);
                }
                catch (final NumberFormatException ex)
                {
                    values.error(at, "Invalid virtual server group range '" + text + "'");
                    return List.of();
                }
                if (value > (v6 == 1 ? 0xffff : 0xff))
                {
                    values.error(at, "Virtual server group range '" + text + "' end '" + last + "' too large");
                    return List.of();
                }
                if (v6 == 1)
                {
                    end[14] = (byte)(value >>> 8);
                    end[15] = (byte)value;
                }
                else
                {
                    end[3] = (byte)value;
                }
            }
        }
        final java.math.BigInteger lo = new java.math.BigInteger(1, start);
        final java.math.BigInteger hi = new java.math.BigInteger(1, end);
        if (hi.compareTo(lo) <= 0 && slash < 0)
        {
            values.error(at, "Address range end is not greater than address range start - " + text);
            return List.of();
        }
        if (hi.subtract(lo).compareTo(java.math.BigInteger.valueOf(65535)) > 0)
        {
            values.error(at, "virtual server group entry " + text + " holds more than 65536 addresses");
            return List.of();
        }
        final List<InetAddress> out = new ArrayList<>();
        for (java.math.BigInteger v = lo; v.compareTo(hi) <= 0; v = v.add(java.math.BigInteger.ONE))
        {
            final byte[] raw = v.toByteArray();
            final byte[] bytes = new byte[start.length];
            final int n = Math.min(raw.length, bytes.length);
            System.arraycopy(raw, raw.length - n, bytes, bytes.length - n, n);
            out.add(InetLiterals.byAddress(bytes));
        }
        return out;
    }
}
