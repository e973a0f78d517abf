package io.jlvs.controlplane;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.controlplane.config.VirtualService;
import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Addresses;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.MarkRules;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DestStats;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * Compiles an ldirectord configuration into one {@link ForwardingSnapshot} per forwarding agent, the way
 * Katran and glb-director keep all decisions out of the dataplane. Each agent gets its own Service and
 * Dest objects (their scheduler state is the agent's alone) sharing stable ids, and stats counters that
 * outlive the snapshot so ipvsadm --stats keeps counting across reloads.
 * <p>
 * Real servers are put in the kernel's list order: ldirectord adds them in file order and IPVS links each
 * new one at the head of the list, so the last in the file comes first (and rr/wrr start with it).
 */
public final class TableCompiler
{
    private final StatsRegistry stats;
    /** Each real server's {@code last_weight}, by dest id, across compiles (a compile is the kernel's add or edit). */
    private final java.util.Map<Integer, Integer> lastWeights = new java.util.HashMap<>();
    /** By service id: the real servers of the last compile, and those draining, by dest id. */
    private java.util.Map<Integer, List<CompiledDest>> previousDests = java.util.Map.of();
    private final java.util.Map<Integer, java.util.Map<Integer, Draining>> draining = new java.util.HashMap<>();
    private DrainPolicy drainPolicy = DrainPolicy.DEFAULT;
    private MarkRules marks = MarkRules.NONE;
    private java.util.function.LongSupplier clock = System::currentTimeMillis;

    public TableCompiler(final StatsRegistry stats)
    {
        this.stats = stats;
    }

    /** A compiled service: its configuration, stable id and real servers in kernel list order. */
    /**
     * A virtual service as the table has it.
     *
     * @param dests    its real servers, in the kernel's list order.
     * @param draining real servers a reload removed while they held connections: those go on until they end (or the
     *                 drain timeout passes), new ones never go there; not listed, as the kernel lists no removed one.
     */
    public record CompiledService(int id, VirtualService config, List<CompiledDest> dests, List<CompiledDest> draining)
    {
        public CompiledService(final int id, final VirtualService config, final List<CompiledDest> dests)
        {
            this(id, config, dests, List.of());
        }
    }

    /**
     * What becomes of a real server a reload removes: it drains (its connections go on, for at most
     * {@code timeoutMs} when above 0), or, with {@code enabled} false, the kernel's way (its connections' packets are
     * dropped at once).
     */
    public record DrainPolicy(boolean enabled, long timeoutMs)
    {
        public static final DrainPolicy DEFAULT = new DrainPolicy(true, 0);
    }

    /** A removed real server, draining since {@code sinceMs}. */
    private record Draining(CompiledDest dest, long sinceMs)
    {
    }

    /**
     * A real server as the table has it: its configuration, the weight its health leaves it, and the kernel's
     * {@code last_weight} (the weight it was first added with, then its latest weight other than 0).
     */
    public record CompiledDest(int id, RealServer config, int weight, int lastWeight, boolean fallback)
    {
    }

    /** Which real servers are up, as the health checks last said. */
    @FunctionalInterface
    public interface Health
    {
        /** Every real server up: a table compiled without checks. */
        Health ALL_UP = (vs, rs) -> true;

        boolean isUp(VirtualService vs, RealServer rs);

        /** Whether the service has a real server up, as its checks see it: the fallback takes over when not. */
        default boolean anyUp(final VirtualService vs)
        {
            return vs.reals().stream().anyMatch((rs) -> isUp(vs, rs));
        }

        /**
         * The real server's weight in the table, or {@link #ABSENT}: ldirectord's rule by default, the configured
         * weight when up, 0 when down with {@code quiescent = yes}, absent otherwise. keepalived's checkers say it
         * per real server ({@code inhibit_on_failure}, {@code misc_dynamic} weights, a quorum lost to the sorry
         * server).
         */
        default int weight(final VirtualService vs, final RealServer rs)
        {
            return isUp(vs, rs) ? rs.weight() : vs.quiescent() ? 0 : ABSENT;
        }

        /**
         * The fallback's (sorry server's) weight, or {@link #ABSENT}: by default 1 while no real server is up, as
         * ldirectord's; keepalived's while the quorum is lost, and 0 otherwise with {@code sorry_server_inhibit}.
         */
        default int fallbackWeight(final VirtualService vs)
        {
            return vs.fallback().isPresent() && !anyUp(vs) ? 1 : ABSENT;
        }

        /** Not in the table. */
        int ABSENT = -1;
    }

    /** The result: a snapshot per agent plus what the listing needs to describe it. */
    public record CompiledTable(long version, List<ForwardingSnapshot> snapshots, List<CompiledService> services)
    {
    }

    /**
     * What of a configuration this version of jlvs cannot forward yet, each with file and line: such a
     * configuration is refused rather than run with different behaviour than the operator wrote.
     */
    public static List<ConfigDiagnostic> unsupported(final LdirectordConfig config)
    {
        final List<ConfigDiagnostic> problems = new ArrayList<>();
        for (final VirtualService vs : config.virtualServices())
        {
            if (!Schedulers.exists(vs.scheduler()))
            {
                problems.add(new ConfigDiagnostic(config.file(), vs.line(),
                    "scheduler '" + vs.scheduler() + "' is no IPVS scheduler (IPVS has " +
                        String.join(", ", Schedulers.names()) + ")", "scheduler = " + vs.scheduler()));
            }
            for (final RealServer rs : vs.reals())
            {
                if (rs.family() != vs.family() && rs.forwarding() != FwdMethod.TUNNEL)
                {
                    problems.add(new ConfigDiagnostic(config.file(), rs.line(),
                        "a real server of another address family than its virtual service's needs tunnelling (ipip), as in the kernel",
                        "real = " + rs.address().getHostAddress()));
                }
            }
        }
        return problems;
    }

    /**
     * Real servers the director's routes cannot take packets to as written, each with file and line, to be shown as
     * warnings (the packets are dropped and counted, as a kernel without a route drops them): an IPv4 real server
     * with no route at all, and a direct-routing one off the director's subnets, which DR cannot reach (it only
     * changes MAC addresses, so the real server must share a link with the director).
     */
    public static List<ConfigDiagnostic> unroutable(final LdirectordConfig config, final RouteTable routes)
    {
        final List<ConfigDiagnostic> warnings = new ArrayList<>();
        for (final VirtualService vs : config.virtualServices())
        {
            for (final RealServer rs : vs.reals())
            {
                if (rs.address() instanceof java.net.Inet6Address)
                {
                    final long hi = Addresses.hi(rs.address());
                    final long lo = Addresses.lo(rs.address());
                    final String where6 = "real = " + rs.address().getHostAddress();
                    if (!routes.reachesV6(hi, lo))
                    {
                        warnings.add(new ConfigDiagnostic(config.file(), rs.line(), "no route to real server " +
                            rs.address().getHostAddress() + ": it is on none of the director's IPv6 subnets and " +
                            "there is no IPv6 gateway; its packets will be dropped", where6));
                    }
                    else if (!routes.isDirectV6(hi, lo) && rs.forwarding() == FwdMethod.DROUTE)
                    {
                        warnings.add(new ConfigDiagnostic(config.file(), rs.line(), "direct routing needs real " +
                            "server " + rs.address().getHostAddress() + " on one of the director's subnets; it " +
                            "would be sent to the gateway", where6));
                    }
                    continue;
                }
                final int addr = (int)Addresses.lo(rs.address());
                final int nextHop = routes.nextHop(addr);
                final String where = "real = " + rs.address().getHostAddress();
                if (nextHop == RouteTable.UNREACHABLE)
                {
                    warnings.add(new ConfigDiagnostic(config.file(), rs.line(), "no route to real server " +
                        rs.address().getHostAddress() + ": it is on none of the director's subnets and there is no " +
                        "gateway; its packets will be dropped", where));
                }
                else if (nextHop != addr && rs.forwarding() == FwdMethod.DROUTE)
                {
                    warnings.add(new ConfigDiagnostic(config.file(), rs.line(), "direct routing needs real server " +
                        rs.address().getHostAddress() + " on one of the director's subnets; it would be sent to the " +
                        "gateway", where));
                }
            }
        }
        return warnings;
    }

    /**
     * Compiles the configuration for {@code agents} agents.
     *
     * @param routes the director's own addresses (answered in ARP), connected subnets and gateway, which bind
     *               each real server to its next hop.
     */
    public CompiledTable compile(final LdirectordConfig config, final int agents, final RouteTable routes,
        final long version)
    {
        return compile(config, agents, routes, version, Health.ALL_UP);
    }

    /**
     * Compiles the configuration with the real servers' health, as ldirectord drives IPVS: a real server that is not
     * up is at weight 0 with {@code quiescent = yes} (its connections go on) and left out otherwise; when none is up,
     * the {@code fallback} server takes the service's traffic.
     */
    public synchronized CompiledTable compile(final LdirectordConfig config, final int agents, final RouteTable routes,
        final long version, final Health health)
    {
        final List<CompiledService> compiled = new ArrayList<>();
        final Set<Integer> usedIds = new HashSet<>();
        final long nowMs = clock.getAsLong();
        final java.util.Map<Integer, List<CompiledDest>> current = new java.util.HashMap<>();
        for (final VirtualService vs : config.virtualServices())
        {
            final int serviceId = uniqueId(serviceKey(vs), usedIds);
            final List<RealServer> reals = new ArrayList<>(vs.reals());
            final List<CompiledDest> dests = new ArrayList<>();
            for (int i = reals.size() - 1; i >= 0; i--)
            {
                final RealServer rs = reals.get(i);
                final int weight = health.weight(vs, rs);
                if (weight != Health.ABSENT)
                {
                    final int id = uniqueId(serviceKey(vs) + "->" + destKey(rs), usedIds);
                    dests.add(new CompiledDest(id, rs, weight, lastWeight(id, weight), false));
                }
            }
            final int fallbackWeight = vs.fallback().isPresent() ? health.fallbackWeight(vs) : Health.ABSENT;
            if (fallbackWeight != Health.ABSENT)
            {
                final RealServer fallback = fallbackServer(vs);
                final int id = uniqueId(serviceKey(vs) + "->fallback " + destKey(fallback), usedIds);
                dests.add(new CompiledDest(id, fallback, fallbackWeight, lastWeight(id, fallbackWeight), true));
            }
            current.put(serviceId, List.copyOf(dests));
            compiled.add(new CompiledService(serviceId, vs, List.copyOf(dests),
                drainingOf(serviceId, vs, dests, usedIds, nowMs)));
        }
        draining.keySet().retainAll(current.keySet());
        previousDests = current;

        final List<ForwardingSnapshot> snapshots = new ArrayList<>(agents);
        for (int agent = 0; agent < agents; agent++)
        {
            final Service[] services = new Service[compiled.size()];
            for (int s = 0; s < compiled.size(); s++)
            {
                services[s] = buildService(agent, agents, compiled.get(s));
            }
            snapshots.add(ForwardingSnapshot.of(version, routes, marks, services));
        }
        stats.retainOnly(usedIds);
        lastWeights.keySet().retainAll(usedIds);
        return new CompiledTable(version, List.copyOf(snapshots), List.copyOf(compiled));
    }

    private Service buildService(final int agent, final int agents, final CompiledService cs)
    {
        final VirtualService vs = cs.config();
        final Dest[] dests = cs.dests().stream().map((cd) -> buildDest(agent, agents, vs, cd)).toArray(Dest[]::new);
        final Dest[] draining = cs.draining().stream().map((cd) -> buildDest(agent, agents, vs, cd))
            .toArray(Dest[]::new);
        final boolean fwmark = vs.fwmark() != 0;
        final int af = vs.family() == io.jlvs.controlplane.config.AddressFamily.INET6 ?
            io.jlvs.dataplane.proto.PacketView.AF_INET6 : io.jlvs.dataplane.proto.PacketView.AF_INET;
        return new Service(
            vs.protocol().number(),
            af,
            fwmark ? 0 : Addresses.hi(vs.address()),
            fwmark ? 0 : Addresses.lo(vs.address()),
            vs.port(),
            vs.fwmark(),
            vs.schedFlags() | (vs.ops() ? Service.F_ONEPACKET : 0) |
                (vs.persistent().isPresent() ? Service.F_PERSISTENT : 0),
            vs.persistent().orElse(0),
            vs.netmask().map((m) -> m.value() & 0xFFFF_FFFFL)
                .orElse(af == io.jlvs.dataplane.proto.PacketView.AF_INET6 ? 128L : 0xFFFF_FFFFL),
            Schedulers.create(vs.scheduler()),
            dests,
            draining,
            stats.serviceStats(agent, cs.id(), describe(vs)));
    }

    private Dest buildDest(final int agent, final int agents, final VirtualService vs, final CompiledDest cd)
    {
        final RealServer rs = cd.config();
        final String label = describe(vs) + " -> " + destKey(rs);
        return Dest.builder(cd.id())
            .address(Addresses.af(rs.address()), Addresses.hi(rs.address()), Addresses.lo(rs.address()))
            .port(rs.port())
            .fwdMethod(rs.forwarding())
            .tunnel(rs.tunnelType(), rs.tunnelPort(), rs.tunnelChecksum())
            .weight(cd.weight())
            .lastWeight(cd.lastWeight())
            .onePacket(vs.ops())
            .thresholds(rs.upperThreshold(), rs.lowerThreshold())
            .stats(stats.destStats(agent, cd.id(), label))
            .allAgents(allAgents(agents, cd.id(), label))
            .build();
    }

    /** The fallback as a real server of weight 1, as ldirectord adds it. */
    private static RealServer fallbackServer(final VirtualService vs)
    {
        final io.jlvs.controlplane.config.Fallback f = vs.fallback().orElseThrow();
        return new RealServer(vs.line(), f.address(), f.port(), f.forwarding(), 1, 0, 0, java.util.Optional.empty(),
            java.util.Optional.empty(), io.jlvs.dataplane.xmit.TunnelType.IPIP, 0,
            io.jlvs.dataplane.xmit.TunnelChecksum.NOCSUM);
    }

    /** The rules that mark packets for the firewall-mark services, from the next compile on. */
    public synchronized void marks(final MarkRules marks)
    {
        this.marks = marks;
    }

    /**
     * The firewall-mark services no marking rule can give their mark (no rule's value has a bit of it that the rule
     * sets), as warnings with file and line: nothing would reach them, as with a kernel director without the rule.
     */
    public static List<ConfigDiagnostic> unmarked(final LdirectordConfig config, final MarkRules marks)
    {
        final List<ConfigDiagnostic> warnings = new ArrayList<>();
        for (final VirtualService vs : config.virtualServices())
        {
            if (vs.fwmark() != 0 && marks.rules().stream().noneMatch((r) -> (r.value() & vs.fwmark()) != 0 &&
                r.af() == (vs.family() == io.jlvs.controlplane.config.AddressFamily.INET6 ?
                    io.jlvs.dataplane.proto.PacketView.AF_INET6 : io.jlvs.dataplane.proto.PacketView.AF_INET)))
            {
                warnings.add(new ConfigDiagnostic(config.file(), vs.line(), "no marking rule (fwmark-rules) gives " +
                    "mark " + Integer.toUnsignedString(vs.fwmark()) + ": no packet will reach this service",
                    "virtual = " + Integer.toUnsignedString(vs.fwmark())));
            }
        }
        return warnings;
    }

    /** What becomes of real servers a reload removes; {@code clock} stamps when they were. */
    public synchronized void drainPolicy(final DrainPolicy policy, final java.util.function.LongSupplier clock)
    {
        this.drainPolicy = policy;
        this.clock = clock;
    }

    /**
     * The service's draining real servers after this compile: those of the last compile that the configuration no
     * longer has (a health check's removal is the kernel's, not a drain) and that still hold connections, with those
     * draining already, until they hold none or the drain timeout passes.
     */
    private List<CompiledDest> drainingOf(final int serviceId, final VirtualService vs, final List<CompiledDest> dests,
        final Set<Integer> usedIds, final long nowMs)
    {
        final java.util.Map<Integer, Draining> of = draining.computeIfAbsent(serviceId, (k) -> new java.util.HashMap<>());
        if (drainPolicy.enabled())
        {
            for (final CompiledDest was : previousDests.getOrDefault(serviceId, List.of()))
            {
                final boolean stays = dests.stream().anyMatch((d) -> d.id() == was.id());
                final boolean configured = vs.reals().stream().anyMatch((rs) -> destKey(rs).equals(destKey(was.config())));
                if (!stays && !configured && !was.fallback())
                {
                    of.putIfAbsent(was.id(), new Draining(was, nowMs));
                }
            }
        }
        else
        {
            of.clear();
        }
        final List<CompiledDest> out = new ArrayList<>();
        of.values().removeIf((d) -> isDrained(d, nowMs) || usedIds.contains(d.dest().id())); // done, or back
        for (final Draining d : of.values())
        {
            usedIds.add(d.dest().id());
            out.add(d.dest());
        }
        return List.copyOf(out);
    }

    /** Its connections, over all agents, have ended, or its drain timeout has passed. */
    private boolean isDrained(final Draining d, final long nowMs)
    {
        final long[] t = stats.destTotals(d.dest().id()); // [5] active, [6] inactive
        return t[5] + t[6] == 0 || (drainPolicy.timeoutMs() > 0 && nowMs - d.sinceMs() >= drainPolicy.timeoutMs());
    }

    /** True when some draining real server is done (no connection, or its time is up): a compile lets it go. */
    public synchronized boolean isDrainDone()
    {
        final long nowMs = clock.getAsLong();
        for (final java.util.Map<Integer, Draining> of : draining.values())
        {
            for (final Draining d : of.values())
            {
                if (isDrained(d, nowMs))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /** Every agent's counters of one dest: its thresholds count the connections of all agents. */
    private DestStats[] allAgents(final int agents, final int id, final String label)
    {
        final DestStats[] all = new DestStats[agents];
        for (int a = 0; a < agents; a++)
        {
            all[a] = stats.destStats(a, id, label);
        }
        return all;
    }

    /** ip_vs_ctl.c's rule: set when the dest is added (whatever its weight), then by any weight other than 0. */
    private int lastWeight(final int id, final int weight)
    {
        final Integer previous = lastWeights.get(id);
        final int last = null == previous || weight != 0 ? weight : previous;
        lastWeights.put(id, last);
        return last;
    }

    static String describe(final VirtualService vs)
    {
        return vs.protocol() == ServiceProtocol.FWM ? "FWM " + vs.fwmark() :
            vs.protocol().listName() + " " + hostPort(vs.address(), vs.port());
    }

    private static String serviceKey(final VirtualService vs)
    {
        return describe(vs);
    }

    private static String destKey(final RealServer rs)
    {
        return hostPort(rs.address(), rs.port());
    }

    private static String hostPort(final java.net.InetAddress a, final int port)
    {
        return Addresses.toString(Addresses.af(a), Addresses.hi(a), Addresses.lo(a), port);
    }

    /**
     * A stable id from the object's description, so a restarted director finds the real server of each
     * connection it kept in its persisted table; a collision (rare) moves to the next free value.
     */
    private static int uniqueId(final String key, final Set<Integer> used)
    {
        final CRC32C crc = new CRC32C();
        crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        int id = (int)(crc.getValue() & 0x7FFF_FFFF);
        while (id == 0 || !used.add(id))
        {
            id = (id + 1) & 0x7FFF_FFFF;
        }
        return id;
    }
}
