package io.jlvs.controlplane.config;

import io.jlvs.dataplane.route.RouteTable;

import io.jlvs.dataplane.sync.SyncPolicy;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.Inet6Address;
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
import java.util.TreeMap;
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
 * address           = 198.18.0.2/24, 198.18.1.1/24, 2001:db8::2/64
 *                                              # required: the director's addresses with prefix lengths, the
 *                                              # first IPv4 one its primary (DIP); each is a connected subnet (NAT
 *                                              # real servers take the director's address on theirs as gateway);
 *                                              # IPv6 ones serve IPv6 services and real servers
 * gateway           = 198.18.0.1, 2001:db8::fe # optional default gateways, at most one per family, each on one of
 *                                              # those subnets
 * floating-address  = 198.18.1.1/24, 2001:db8:1::1/64
 *                                              # addresses that move with the VIPs in a pair (keepalived puts them
 *                                              # in virtual_ipaddress): the NAT real servers' gateway. The director
 *                                              # serving the VIPs holds them; standing by, it neither answers for
 *                                              # them nor sends from them (default none)
 * mtu               = 1500                     # link MTU, 576..9216 (tunnels fit in it) (default 1500)
 * idle-sleep-max    = 0                        # microseconds, 0..1000000: an agent whose port has gone quiet backs
 *                                              # off from spinning to yielding to sleeping up to this long, and
 *                                              # spins again at the next packet; 0: it always spins (default 0)
 * cores             = 1                        # forwarding lcores: "1", "1,2", "2-5"   (default 1); one agent each,
 *                                              # pinned to the CPU of its number, or, in DPDK's --lcores form,
 *                                              # "1@1,2@1": lcores 1 and 2 both on CPU 1 (more agents than CPUs:
 *                                              # a lab or a small VM, never a production director)
 * control-core      = 0                        # lcore of the control thread / EAL main lcore (default 0)
 * eal-args          = --log-level=lib.eal:debug  # extra EAL arguments, split on blanks
 * hugepages         = yes                      # no: --no-huge -m &lt;memory&gt;              (default yes)
 * memory            = 512                      # MiB                                     (default 512)
 * conn-table-size   = 1048576                  # connection entries                      (default 1048576)
 * conn-table-dir    = /dev/shm/jlvs/default    # default /dev/shm/jlvs/&lt;instance&gt;
 * admin-socket      = /run/jlvs/default.sock   # default /run/jlvs/&lt;instance&gt;.sock
 * ldirectord-config = /etc/ha.d/ldirectord.cf  # default /etc/ha.d/ldirectord.cf (ldirectord's default)
 * keepalived-config = /etc/keepalived/keepalived.conf  # instead of ldirectord-config: the services, their checkers
 *                                              # and the VRRP instance from a keepalived.conf (default none)
 * config-id         = lb1                      # keepalived's -i: the @lb1 lines of keepalived-config apply
 *                                              # (default the host name up to its first dot)
 * host-path         = yes                      # a TAP device (jlvs-&lt;instance&gt;) carrying the director's addresses
 *                                              # for its own kernel: checks, ssh (default yes)
 * vrrp              = /etc/jlvs/keepalived.conf  # the pair's VRRP instance, in keepalived's words (vrrp_instance):
 *                                              # VRRP then decides master and backup (default none)
 * state             = master                   # the pair: master serves the VIPs; backup stands by (answers for its
 *                                              # own addresses only, keeps synced connections) until told
 *                                              # `jlvs state master` (default master)
 * drain             = yes                      # a real server a reload removes drains: its connections go on, new
 *                                              # ones avoid it; no: the kernel's way, its packets dropped (default yes)
 * drain-timeout     = 0                        # seconds a removed real server may drain; 0: until its connections
 *                                              # end (default 0)
 * expire-nodest-conn = no                      # the kernel's expire_nodest_conn: a connection whose real server is
 *                                              # gone (not draining) is expired at its next packet, not kept until
 *                                              # its timeout (default no, the kernel's 0)
 * conn-reuse-mode   = 1                        # the kernel's conn_reuse_mode, 0..3 (default 1)
 * sloppy-tcp        = no                       # the kernel's sloppy_tcp: any TCP packet but a RST starts a
 *                                              # connection, not only a SYN (default no)
 * sloppy-sctp       = no                       # the kernel's sloppy_sctp: any SCTP packet, not only an INIT
 *                                              # (default no)
 * expire-quiescent-template = no               # the kernel's expire_quiescent_template: a persistent client whose
 *                                              # real server went to weight 0 is scheduled afresh (default no)
 * nat-icmp-send     = no                       # the kernel's nat_icmp_send: a NAT real server's packet of no
 *                                              # connection, not a reset, gets ICMP port unreachable (default no)
 * drop-entry        = 0                        # the kernel's drop_entry defence, 0..3: 3 always, 1 when the
 *                                              # connection table is short of room (amemthresh), 0 never (default 0)
 * secure-tcp        = 0                        # the kernel's secure_tcp defence (its stricter TCP state table), as
 *                                              # drop-entry (default 0)
 * amemthresh        = 1024                     # room, in entries of an agent's connection table, below which the
 *                                              # table is short of it (the kernel's counts free pages; default 1024)
 * fwmark-rules      = mangle.rules             # iptables-save output whose mangle MARK rules (PREROUTING, INPUT)
 *                                              # mark packets for the fwmark services: {@link MangleRules}; relative
 *                                              # to this file (default none)
 * fwmark-rules6     = mangle6.rules            # the same from ip6tables-save, for IPv6 fwmark services
 * metrics           = 127.0.0.1:9280           # address:port ([address]:port) of the Prometheus endpoint, on the
 *                                              # director's own host (the host path or a management port), never
 *                                              # the data port's VIPs (default none: off)
 * sync-...                                     # connection sync with the other director: {@link SyncSettings}
 * </pre>
 */
public record DirectorSettings(
    Path file,
    String instance,
    String port,
    List<Address> addresses,
    Optional<Inet4Address> gateway,
    List<Address6> addresses6,
    Optional<Inet6Address> gateway6,
    List<Address> floating,
    List<Address6> floating6,
    List<Integer> cores,
    int controlCore,
    List<String> extraEalArgs,
    boolean hugepages,
    int memoryMiB,
    int mtu,
    int connTableSize,
    Path connTableDir,
    Path adminSocket,
    Path ldirectordConfig,
    Optional<Path> keepalivedConfig,
    String configId,
    boolean hostPath,
    boolean standby,
    Optional<Path> vrrp,
    SyncSettings sync,
    boolean drain,
    int drainTimeoutSec,
    io.jlvs.dataplane.IpvsSysctls sysctls,
    Optional<Path> fwmarkRules,
    Optional<Path> fwmarkRules6,
    int idleSleepMaxUs,
    Optional<java.net.InetSocketAddress> metrics)
{
    /** These settings with {@code sync} instead (keepalived's {@code lvs_sync_daemon} where the settings have none). */
    public DirectorSettings withSync(final SyncSettings sync)
    {
        return new DirectorSettings(file, instance, port, addresses, gateway, addresses6, gateway6, floating, floating6,
            cores, controlCore, extraEalArgs, hugepages, memoryMiB, mtu, connTableSize, connTableDir, adminSocket,
            ldirectordConfig, keepalivedConfig, configId, hostPath, standby, vrrp, sync, drain, drainTimeoutSec, sysctls,
            fwmarkRules, fwmarkRules6, idleSleepMaxUs, metrics);
    }

    public static final String DEFAULT_INSTANCE = "default";
    public static final List<Integer> DEFAULT_CORES = List.of(1);
    public static final int DEFAULT_CONTROL_CORE = 0;
    public static final int DEFAULT_MEMORY_MIB = 512;
    /** Ethernet's MTU, the port's default. */
    public static final int DEFAULT_MTU = 1500;
    public static final int MIN_MTU = io.jlvs.dataplane.ForwardingAgent.Context.MIN_MTU;
    public static final int MAX_MTU = io.jlvs.dataplane.ForwardingAgent.Context.MAX_MTU;
    public static final int DEFAULT_CONN_TABLE_SIZE = 1 << 20;
    public static final Path DEFAULT_LDIRECTORD_CONFIG = Path.of("/etc/ha.d/ldirectord.cf");

    private static final Pattern LINE = Pattern.compile("([A-Za-z][A-Za-z0-9-]*)\\s*=\\s*(.*)");
    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern PCI = Pattern.compile("([0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");
    private static final Pattern CIDR = Pattern.compile("([0-9.]+)/(\\d{1,2})");
    private static final Pattern CIDR6 = Pattern.compile("([0-9A-Fa-f:.]+)/(\\d{1,3})");
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?");
    private static final Pattern PLACED = Pattern.compile("(\\d+)@(\\d+)");
    private static final int MAX_LCORE = 1023;
    private static final List<String> KEYS = List.of("instance", "port", "address", "gateway", "floating-address", "cores",
        "control-core", "eal-args", "hugepages", "memory", "mtu", "conn-table-size", "conn-table-dir",
        "admin-socket", "ldirectord-config", "keepalived-config", "config-id", "host-path", "state", "vrrp", "sync-daemon", "sync-id", "sync-peers", "sync-group",
        "sync-port", "sync-interface", "sync-key", "sync-threshold", "sync-refresh-period", "sync-retries",
        "sync-protocol", "drain", "drain-timeout", "expire-nodest-conn", "conn-reuse-mode", "sloppy-tcp",
        "sloppy-sctp", "expire-quiescent-template", "nat-icmp-send", "drop-entry", "secure-tcp", "amemthresh",
        "fwmark-rules", "fwmark-rules6", "idle-sleep-max", "metrics");

    public DirectorSettings
    {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(instance, "instance");
        Objects.requireNonNull(port, "port");
        Objects.requireNonNull(gateway, "gateway");
        Objects.requireNonNull(connTableDir, "connTableDir");
        Objects.requireNonNull(adminSocket, "adminSocket");
        Objects.requireNonNull(ldirectordConfig, "ldirectordConfig");
        Objects.requireNonNull(keepalivedConfig, "keepalivedConfig");
        Objects.requireNonNull(configId, "configId");
        addresses = List.copyOf(addresses);
        addresses6 = List.copyOf(addresses6);
        floating = List.copyOf(floating);
        floating6 = List.copyOf(floating6);
        cores = List.copyOf(cores);
        extraEalArgs = List.copyOf(extraEalArgs);
        if (addresses.isEmpty())
        {
            throw new IllegalArgumentException("at least one address");
        }
        if (mtu < MIN_MTU || mtu > MAX_MTU)
        {
            throw new IllegalArgumentException("mtu: " + mtu);
        }
    }

    /**
     * One of the director's addresses with the prefix length of its subnet, {@code 198.18.0.2/24}.
     *
     * @param address      the address
     * @param prefixLength 0..32
     */
    public record Address(Inet4Address address, int prefixLength)
    {
        public Address
        {
            Objects.requireNonNull(address, "address");
            if (prefixLength < 0 || prefixLength > 32)
            {
                throw new IllegalArgumentException("prefixLength: " + prefixLength);
            }
        }

        /** @return true when {@code other} is on this address's subnet */
        public boolean isOnSubnet(final Inet4Address other)
        {
            final int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
            return ((InetLiterals.toInt(address) ^ InetLiterals.toInt(other)) & mask) == 0;
        }

        @Override
        public String toString()
        {
            return InetLiterals.ntop(address) + "/" + prefixLength;
        }
    }

    /**
     * One of the director's IPv6 addresses with the prefix length of its subnet, {@code 2001:db8::2/64}.
     *
     * @param address      the address
     * @param prefixLength 0..128
     */
    public record Address6(Inet6Address address, int prefixLength)
    {
        public Address6
        {
            Objects.requireNonNull(address, "address");
            if (prefixLength < 0 || prefixLength > 128)
            {
                throw new IllegalArgumentException("prefixLength: " + prefixLength);
            }
        }

        /** @return true when {@code other} is on this address's subnet */
        public boolean isOnSubnet(final Inet6Address other)
        {
            final byte[] a = address.getAddress();
            final byte[] b = other.getAddress();
            for (int bit = 0; bit < prefixLength; bit++)
            {
                final int mask = 0x80 >>> (bit & 7);
                if ((a[bit >>> 3] & mask) != (b[bit >>> 3] & mask))
                {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString()
        {
            return InetLiterals.ntop(address) + "/" + prefixLength;
        }
    }

    /** @return the primary address (DIP), the first of {@link #addresses()} */
    public Inet4Address address()
    {
        return addresses.getFirst().address();
    }

    /** @return the prefix length of the primary address */
    public int prefixLength()
    {
        return addresses.getFirst().prefixLength();
    }

    /**
     * @return the director's routes: its addresses, primary first, then the floating ones, their subnets and the
     * gateways
     */
    public RouteTable routes()
    {
        final List<Address> all = new ArrayList<>(addresses);
        all.addAll(floating);
        final int[] a = new int[all.size()];
        final int[] p = new int[all.size()];
        for (int i = 0; i < a.length; i++)
        {
            a[i] = InetLiterals.toInt(all.get(i).address());
            p[i] = all.get(i).prefixLength();
        }
        final RouteTable v4 = new RouteTable(a, p, gateway.map(InetLiterals::toInt).orElse(0));
        final List<Address6> all6 = new ArrayList<>(addresses6);
        all6.addAll(floating6);
        if (all6.isEmpty())
        {
            return v4.withFloating(floating.size(), 0);
        }
        final long[] hi = new long[all6.size()];
        final long[] lo = new long[all6.size()];
        final int[] p6 = new int[all6.size()];
        for (int i = 0; i < hi.length; i++)
        {
            final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(all6.get(i).address().getAddress());
            hi[i] = b.getLong(0);
            lo[i] = b.getLong(8);
            p6[i] = all6.get(i).prefixLength();
        }
        final java.nio.ByteBuffer g = java.nio.ByteBuffer.wrap(
            gateway6.map(Inet6Address::getAddress).orElse(new byte[16]));
        return v4.withIpv6(hi, lo, p6, g.getLong(0), g.getLong(8)).withFloating(floating.size(), floating6.size());
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
            final String content = LdirectordTokenizer.stripComment(lines.get(i)).strip();
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
            values.put(key, LdirectordTokenizer.unquote(m.group(2)));
            textOf.put(key, text);
        }

        final Checker c = new Checker(file, errors, values, lineOf, textOf);
        final String instance = c.string("instance", DEFAULT_INSTANCE);
        if (!INSTANCE.matcher(instance).matches())
        {
            c.error("instance", "invalid instance \"" + instance + "\": use letters, digits, '_', '.', '-'");
        }
        final String port = c.required("port");
        final List<Address6> addresses6 = new ArrayList<>();
        final List<Address> addresses = c.addresses("address", addresses6);
        final Inet6Address[] gateway6 = new Inet6Address[1];
        final Inet4Address gateway = c.gateway("gateway", addresses, addresses6, gateway6);
        final List<Address6> floating6 = new ArrayList<>();
        final List<Address> floating = c.floating("floating-address", addresses, addresses6, floating6,
            null == gateway ? List.of() : List.of(gateway), null == gateway6[0] ? List.of() : List.of(gateway6[0]));
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
        final int mtu = c.integer("mtu", DEFAULT_MTU, MIN_MTU, MAX_MTU);
        final int connTableSize = c.integer("conn-table-size", DEFAULT_CONN_TABLE_SIZE, 1, 1 << 30);
        final Path connTableDir = Path.of(c.string("conn-table-dir", "/dev/shm/jlvs/" + instance));
        final Path adminSocket = Path.of(c.string("admin-socket", "/run/jlvs/" + instance + ".sock"));
        final Path ldirectordConfig = Path.of(c.string("ldirectord-config", DEFAULT_LDIRECTORD_CONFIG.toString()));
        final Optional<Path> keepalivedConfig = Optional.ofNullable(c.string("keepalived-config", null)).map(Path::of);
        if (keepalivedConfig.isPresent() && values.containsKey("ldirectord-config"))
        {
            c.error("keepalived-config", "ldirectord-config and keepalived-config both set: the services come from one");
        }
        if (keepalivedConfig.isPresent() && values.containsKey("vrrp"))
        {
            c.error("vrrp", "vrrp and keepalived-config both set: keepalived-config's vrrp_instance is the pair's");
        }
        final String configId = c.string("config-id",
            io.jlvs.controlplane.keepalived.KeepalivedSource.defaultConfigId(io.jlvs.controlplane.health.LocalHost.name()));
        final boolean hostPath = c.yesNo("host-path", true);
        final String state = c.string("state", "master").toLowerCase(Locale.ROOT);
        if (!state.equals("master") && !state.equals("backup"))
        {
            c.error("state", "invalid state \"" + state + "\": master or backup");
        }
        final String vrrpFile = c.string("vrrp", null);
        if (null != vrrpFile && values.containsKey("state"))
        {
            c.error("state", "state and vrrp both set: with vrrp, the vrrp_instance's state is the initial one");
        }
        if (null != vrrpFile && !hostPath)
        {
            c.error("vrrp", "vrrp needs the host path (host-path = yes): VRRP runs in the director's own kernel");
        }
        final SyncSettings sync = c.sync();
        final boolean drain = c.yesNo("drain", true);
        final int drainTimeout = c.integer("drain-timeout", 0, 0, 86_400 * 365);
        final io.jlvs.dataplane.IpvsSysctls sysctls = new io.jlvs.dataplane.IpvsSysctls(
            c.integer("conn-reuse-mode", io.jlvs.dataplane.IpvsSysctls.DEFAULTS.connReuseMode(), 0, 3),
            c.yesNo("expire-nodest-conn", false), c.yesNo("sloppy-tcp", false), c.yesNo("sloppy-sctp", false),
            c.yesNo("expire-quiescent-template", false), c.yesNo("nat-icmp-send", false),
            c.integer("drop-entry", 0, 0, 3), c.integer("secure-tcp", 0, 0, 3),
            c.integer("amemthresh", io.jlvs.dataplane.IpvsSysctls.DEFAULT_AMEMTHRESH, 0, Integer.MAX_VALUE));
        // relative to the settings file, as ldirectord-config is where it is read
        final Optional<Path> fwmarkRules = Optional.ofNullable(c.string("fwmark-rules", null))
            .map((f) -> file.toAbsolutePath().resolveSibling(f));
        final Optional<Path> fwmarkRules6 = Optional.ofNullable(c.string("fwmark-rules6", null))
            .map((f) -> file.toAbsolutePath().resolveSibling(f));
        final int idleSleepMax = c.integer("idle-sleep-max", 0, 0, 1_000_000);
        final Optional<java.net.InetSocketAddress> metrics = c.listen("metrics");

        if (!errors.isEmpty())
        {
            errors.sort(java.util.Comparator.comparingInt(ConfigDiagnostic::line));
            throw new ConfigException(errors);
        }
        return new DirectorSettings(file, instance, port, addresses, Optional.ofNullable(gateway),
            List.copyOf(addresses6), Optional.ofNullable(gateway6[0]), floating, floating6, cores,
            controlCore, ealArgs, hugepages, memory, mtu, connTableSize, connTableDir, adminSocket, ldirectordConfig, keepalivedConfig, configId, hostPath,
            state.equals("backup"), Optional.ofNullable(vrrpFile).map(Path::of), sync, drain, drainTimeout,
            sysctls, fwmarkRules, fwmarkRules6, idleSleepMax, metrics);
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

        /** An {@code address:port} or {@code [address]:port} to listen on, of literal addresses; empty when unset. */
        Optional<java.net.InetSocketAddress> listen(final String key)
        {
            final String v = string(key, null);
            if (null == v)
            {
                return Optional.empty();
            }
            final int colon = v.lastIndexOf(':');
            final String host = colon < 0 ? "" : v.substring(0, colon);
            final java.net.InetAddress address = host.startsWith("[") && host.endsWith("]") ?
                InetLiterals.ipv6(host.substring(1, host.length() - 1)) : InetLiterals.ipv4(host);
            final int port = colon < 0 ? -1 : parsePort(v.substring(colon + 1));
            if (null == address || port < 1)
            {
                error(key, "invalid " + key + " \"" + v + "\": address:port or [address]:port, e.g. 127.0.0.1:9280");
                return Optional.empty();
            }
            return Optional.of(new java.net.InetSocketAddress(address, port));
        }

        private static int parsePort(final String text)
        {
            try
            {
                final int p = Integer.parseInt(text);
                return p >= 1 && p <= 65535 ? p : -1;
            }
            catch (final NumberFormatException ex)
            {
                return -1;
            }
        }

        /** The {@code sync-*} keys. */
        SyncSettings sync()
        {
            final SyncSettings d = SyncSettings.defaults();
            final String daemon = string("sync-daemon", "none").toLowerCase(Locale.ROOT);
            final boolean master = daemon.equals("master") || daemon.equals("both");
            final boolean backup = daemon.equals("backup") || daemon.equals("both");
            final boolean vrrp = daemon.equals("vrrp");
            if (!master && !backup && !vrrp && !daemon.equals("none"))
            {
                error("sync-daemon", "invalid sync-daemon \"" + daemon + "\": none, master, backup, both or vrrp");
            }
            if (vrrp && !values.containsKey("vrrp") && !values.containsKey("keepalived-config"))
            {
                error("sync-daemon", "sync-daemon = vrrp follows the VRRP instance: set vrrp = <keepalived.conf> (or keepalived-config)");
            }
            final int syncId = integer("sync-id", 0, 0, 255);
            final List<InetAddress> peers = new ArrayList<>();
            final String peerList = string("sync-peers", "");
            for (final String part : peerList.isBlank() ? new String[0] : peerList.split(","))
            {
                final InetAddress a = InetLiterals.literal(part.strip());
                if (null == a)
                {
                    error("sync-peers", "invalid sync-peers address \"" + part.strip() + "\"");
                }
                else
                {
                    peers.add(a);
                }
            }
            final String groupText = string("sync-group", SyncSettings.DEFAULT_GROUP);
            InetAddress group = InetLiterals.literal(groupText);
            if (null == group || !group.isMulticastAddress() ||
                (group.getAddress()[group.getAddress().length - 1] & 1) == 0)
            {
                error("sync-group", "invalid sync-group \"" + groupText +
                    "\": a multicast address whose last octet is odd (Aeron's control address is the next one)");
                group = d.group();
            }
            final int port = integer("sync-port", SyncSettings.DEFAULT_PORT, 1, 65534);
            final String protocol = string("sync-protocol", "jlvs").toLowerCase(Locale.ROOT);
            final boolean kernel = protocol.equals("ipvs");
            if (!kernel && !protocol.equals("jlvs"))
            {
                error("sync-protocol", "invalid sync-protocol \"" + protocol + "\": jlvs or ipvs");
            }
            final String ifName = string("sync-interface", null);
            final Path key = Path.of(string("sync-key", SyncSettings.DEFAULT_KEY_FILE.toString()));
            final String threshold = string("sync-threshold", SyncPolicy.DEFAULT_THRESHOLD + " " +
                SyncPolicy.DEFAULT_PERIOD);
            final int refresh = integer("sync-refresh-period", SyncPolicy.DEFAULT_REFRESH_PERIOD_SEC, 0, 1 << 20);
            final int retries = integer("sync-retries", SyncPolicy.DEFAULT_RETRIES, 0, SyncPolicy.MAX_RETRIES);
            SyncPolicy policy = SyncPolicy.OFF;
            final String[] tp = threshold.strip().split("\\s+");
            try
            {
                policy = new SyncPolicy(false, Integer.parseInt(tp[0]), tp.length > 1 ? Integer.parseInt(tp[1]) :
                    SyncPolicy.DEFAULT_PERIOD, refresh, retries);
                if (tp.length > 2)
                {
                    throw new IllegalArgumentException("three values");
                }
            }
            catch (final IllegalArgumentException ex)
            {
                error("sync-threshold", "invalid sync-threshold \"" + threshold +
                    "\": threshold and period, 0 <= threshold < period (or period 0), as the kernel's sysctl");
            }
            return new SyncSettings(master, backup, vrrp, syncId, peers, group, port, Optional.ofNullable(ifName), key,
                policy, kernel);
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

        /**
         * A comma-separated list of CIDRs, each address once, an IPv4 one first; the IPv6 ones go to {@code six}.
         * Empty after an error.
         */
        List<Address> addresses(final String key, final List<Address6> six)
        {
            final String v = required(key);
            if (v == null)
            {
                return List.of();
            }
            final List<Address> list = cidrs(key, v, six, true);
            if (null != list && list.isEmpty())
            {
                error(key, "no IPv4 address: the director needs one as its primary address (DIP)");
            }
            return null == list ? List.of() : list;
        }

        /**
         * The floating addresses: CIDRs as {@link #addresses}, none of them one of the director's own or a gateway.
         */
        List<Address> floating(final String key, final List<Address> own, final List<Address6> own6,
            final List<Address6> six, final List<Inet4Address> gateways, final List<Inet6Address> gateways6)
        {
            final String v = string(key, null);
            if (v == null)
            {
                return List.of();
            }
            final List<Address> list = cidrs(key, v, six, false);
            if (null == list)
            {
                return List.of();
            }
            for (final Address a : list)
            {
                if (own.stream().anyMatch((o) -> o.address().equals(a.address())) || gateways.contains(a.address()))
                {
                    error(key, "floating address " + InetLiterals.ntop(a.address()) + " is also " +
                        (gateways.contains(a.address()) ? "the gateway" : "one of the director's own addresses"));
                    return List.of();
                }
            }
            for (final Address6 a : six)
            {
                if (own6.stream().anyMatch((o) -> o.address().equals(a.address())) || gateways6.contains(a.address()))
                {
                    error(key, "floating address " + InetLiterals.ntop(a.address()) + " is also " +
                        (gateways6.contains(a.address()) ? "the gateway" : "one of the director's own addresses"));
                    six.clear();
                    return List.of();
                }
            }
            return list;
        }

        /** A comma-separated list of CIDRs, each once; the IPv6 ones go to {@code six}. Null after an error. */
        private List<Address> cidrs(final String key, final String v, final List<Address6> six,
            final boolean ipv4First)
        {
            final List<Address> list = new ArrayList<>();
            for (final String part : v.split(",", -1))
            {
                final String text = part.strip();
                final Matcher m6 = CIDR6.matcher(text);
                if (text.contains(":") && m6.matches())
                {
                    final Inet6Address a6 = InetLiterals.ipv6(m6.group(1));
                    final int prefix6 = Integer.parseInt(m6.group(2));
                    if (a6 == null || prefix6 > 128)
                    {
                        error(key, "invalid address \"" + text +
                            "\": expected an IPv6 address with prefix length, e.g. 2001:db8::2/64");
                        return null;
                    }
                    if (six.stream().anyMatch((other) -> other.address().equals(a6)))
                    {
                        error(key, "address " + InetLiterals.ntop(a6) + " is given twice");
                        return null;
                    }
                    six.add(new Address6(a6, prefix6));
                    continue;
                }
                if (ipv4First && list.isEmpty() && !six.isEmpty())
                {
                    error(key, "the first address must be IPv4: the director's primary address (DIP)");
                    return null;
                }
                final Matcher m = CIDR.matcher(text);
                final Inet4Address a = m.matches() ? InetLiterals.ipv4(m.group(1)) : null;
                final int prefix = m.matches() ? Integer.parseInt(m.group(2)) : -1;
                if (a == null || prefix > 32)
                {
                    error(key, "invalid address \"" + text +
                        "\": expected an IPv4 address with prefix length, e.g. 198.18.0.2/24");
                    return null;
                }
                final Address address = new Address(a, prefix);
                if (list.stream().anyMatch((other) -> other.address().equals(a)))
                {
                    error(key, "address " + InetLiterals.ntop(a) + " is given twice");
                    return null;
                }
                list.add(address);
            }
            return List.copyOf(list);
        }

        /**
         * The default gateways, at most one per family: each an address on one of the director's subnets, not one
         * of its own. The IPv6 one goes to {@code gateway6[0]}.
         */
        Inet4Address gateway(final String key, final List<Address> addresses, final List<Address6> addresses6,
            final Inet6Address[] gateway6)
        {
            final String all = string(key, null);
            if (all == null)
            {
                return null;
            }
            Inet4Address gateway4 = null;
            for (final String part : all.split(",", -1))
            {
                final String v = part.strip();
                if (v.contains(":"))
                {
                    final Inet6Address g6 = InetLiterals.ipv6(v);
                    if (g6 == null || null != gateway6[0])
                    {
                        error(key, null == g6 ? "invalid gateway \"" + v + "\": expected an IPv6 address" :
                            "more than one IPv6 gateway");
                        return null;
                    }
                    if (addresses6.stream().anyMatch((a) -> a.address().equals(g6)))
                    {
                        error(key, "gateway " + v + " is one of the director's own addresses");
                    }
                    else if (addresses6.stream().noneMatch((a) -> a.isOnSubnet(g6)))
                    {
                        error(key, "gateway " + v + " is on none of the director's IPv6 subnets (" +
                            String.join(", ", addresses6.stream().map(Address6::toString).toList()) + ")");
                    }
                    gateway6[0] = g6;
                    continue;
                }
                if (null != gateway4)
                {
                    error(key, "more than one IPv4 gateway");
                    return null;
                }
                gateway4 = gateway4(key, v, addresses);
            }
            return gateway4;
        }

        private Inet4Address gateway4(final String key, final String v, final List<Address> addresses)
        {
            final Inet4Address gateway = InetLiterals.ipv4(v);
            if (gateway == null)
            {
                error(key, "invalid gateway \"" + v + "\": expected an IPv4 address");
                return null;
            }
            if (addresses.isEmpty())
            {
                return gateway; // the address is wrong or missing, and said so
            }
            if (addresses.stream().anyMatch((a) -> a.address().equals(gateway)))
            {
                error(key, "gateway " + v + " is one of the director's own addresses");
            }
            else if (addresses.stream().noneMatch((a) -> a.isOnSubnet(gateway)))
            {
                error(key, "gateway " + v + " is on none of the director's subnets (" +
                    String.join(", ", addresses.stream().map(Address::toString).toList()) + ")");
            }
            return gateway;
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
            // lcore -> the CPU its agent is pinned to
            final TreeMap<Integer, Integer> set = new TreeMap<>();
            for (final String part : v.split(","))
            {
                final Matcher placed = PLACED.matcher(part.strip());
                if (placed.matches())
                {
                    final long lcore = Long.parseLong(placed.group(1));
                    final long cpu = Long.parseLong(placed.group(2));
                    if (lcore > MAX_LCORE || cpu > MAX_LCORE || set.containsKey((int)lcore))
                    {
                        error(key, "invalid cores \"" + v + "\": lcore@cpu names each lcore once, 0.." + MAX_LCORE);
                        return DEFAULT_CORES;
                    }
                    set.put((int)lcore, (int)cpu);
                    continue;
                }
                final Matcher m = RANGE.matcher(part.strip());
                if (!m.matches())
                {
                    error(key, "invalid cores \"" + v + "\": expected a list such as 1,2 or 2-5 (or 1@1,2@1)");
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
                    if (null != set.put((int)c, (int)c))
                    {
                        error(key, "invalid cores \"" + v + "\": lcore " + c + " named twice");
                        return DEFAULT_CORES;
                    }
                }
            }
            return List.copyOf(set.values());
        }
    }
}
