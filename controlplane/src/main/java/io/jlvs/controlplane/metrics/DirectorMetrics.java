package io.jlvs.controlplane.metrics;

import io.jlvs.controlplane.Director;
import io.jlvs.controlplane.StatsRegistry;
import io.jlvs.controlplane.TableCompiler.CompiledDest;
import io.jlvs.controlplane.TableCompiler.CompiledService;
import io.jlvs.controlplane.admin.DaemonView;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.VirtualService;
import io.jlvs.controlplane.health.HealthMonitor;
import io.jlvs.controlplane.vrrp.VrrpInstance;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DutyCycleTracker;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.agrona.concurrent.status.CountersReader;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The director's metrics for Prometheus, read at each scrape. Where the node exporter's IPVS collector has a name
 * (its global connections, packets and bytes, and per real server the active and inactive connections and the
 * weight, with its labels), it is used, so that dashboards made for kernel LVS work; the rest are jlvs's own: per
 * real server and service counts, drops by reason and malformed packets by verdict per agent, every other agent
 * counter, the connection table's fill, the health checks' results and latency, VRRP's state, the sync daemon.
 */
public final class DirectorMetrics implements MultiCollector
{
    private static final String[] BACKEND_LABELS =
        {"local_address", "local_port", "local_mark", "proto", "remote_address", "remote_port"};
    private static final String[] SERVICE_LABELS = {"local_address", "local_port", "local_mark", "proto"};
    private static final String DROPPED = LbCounterDescriptor.DROPPED;

    private final Director director;

    public DirectorMetrics(final Director director)
    {
        this.director = director;
    }

    @Override
    public MetricSnapshots collect()
    {
        final Families f = new Families();
        table(f, director.table().services(), director.stats());
        agents(f, director.countersReader());
        f.gauge("jlvs_connections", "Connections in the connection tables of every agent.", Labels.EMPTY,
            director.conns().size());
        f.gauge("jlvs_connection_table_capacity", "Most connections the tables hold together.", Labels.EMPTY,
            director.conns().capacity());
        f.gauge("jlvs_standby", "1 while this director stands by for the pair's other one (it has not the VIPs).",
            Labels.EMPTY, director.isStandby() ? 1 : 0);
        checks(f, director.health().checks());
        vrrp(f);
        for (final DaemonView d : director.sync().views())
        {
            f.gauge("jlvs_sync_daemon", "A connection sync daemon running, by state (ipvsadm -L --daemon).",
                Labels.of("state", d.state(), "syncid", Integer.toString(d.syncId())), 1);
        }
        final var engine = director.sync().daemon();
        if (null != engine)
        {
            f.gauge("jlvs_sync_caught_up", "1 once a backup has received a whole table since it last asked.",
                Labels.EMPTY, engine.caughtUp() ? 1 : 0);
            final long lagMs = engine.lagMs();
            if (lagMs >= 0)
            {
                f.gauge("jlvs_sync_lag_seconds", "A backup's lag: the last batch of the master's stream, from its " +
                    "sending to its receipt (the directors' clocks' difference included).", Labels.EMPTY, lagMs / 1e3);
                f.gauge("jlvs_sync_last_batch_timestamp_seconds", "When a backup took the last batch of the " +
                    "master's stream: time() minus it is how long the stream has been quiet.", Labels.EMPTY,
                    engine.lastBatchMs() / 1e3);
            }
        }
        return f.snapshots();
    }

    private static void table(final Families f, final List<CompiledService> services, final StatsRegistry stats)
    {
        final long[] global = new long[5];
        for (final CompiledService cs : services)
        {
            final long[] s = stats.serviceTotals(cs.id());
            for (int i = 0; i < 5; i++)
            {
                global[i] += s[i];
            }
            final Labels svc = Labels.of(SERVICE_LABELS, serviceLabels(cs.config()));
            f.counter("jlvs_service_connections", "Connections scheduled by a virtual service.", svc, s[0]);
            f.counter("jlvs_service_incoming_packets", "Packets in to a virtual service.", svc, s[1]);
            f.counter("jlvs_service_outgoing_packets", "Packets out of a virtual service (NAT).", svc, s[2]);
            f.counter("jlvs_service_incoming_bytes", "Bytes in to a virtual service.", svc, s[3]);
            f.counter("jlvs_service_outgoing_bytes", "Bytes out of a virtual service (NAT).", svc, s[4]);
            for (final CompiledDest cd : cs.dests())
            {
                final long[] d = stats.destTotals(cd.id());
                final Labels b = Labels.of(BACKEND_LABELS, backendLabels(cs.config(), cd.config()));
                f.gauge("node_ipvs_backend_connections_active", "The current active connections by local and " +
                    "remote address.", b, d[5]);
                f.gauge("node_ipvs_backend_connections_inactive", "The current inactive connections by local and " +
                    "remote address.", b, d[6]);
                f.gauge("node_ipvs_backend_weight", "The current backend weight by local and remote address.", b,
                    cd.weight());
                f.gauge("jlvs_backend_persistent_connections", "Persistence templates pointing at a real server.",
                    b, d[7]);
                f.counter("jlvs_backend_connections", "Connections scheduled to a real server.", b, d[0]);
                f.counter("jlvs_backend_incoming_packets", "Packets in to a real server.", b, d[1]);
                f.counter("jlvs_backend_outgoing_packets", "Packets out of a real server (NAT).", b, d[2]);
                f.counter("jlvs_backend_incoming_bytes", "Bytes in to a real server.", b, d[3]);
                f.counter("jlvs_backend_outgoing_bytes", "Bytes out of a real server (NAT).", b, d[4]);
            }
        }
        f.counter("node_ipvs_connections", "The total number of connections made.", Labels.EMPTY, global[0]);
        f.counter("node_ipvs_incoming_packets", "The total number of incoming packets.", Labels.EMPTY, global[1]);
        f.counter("node_ipvs_outgoing_packets", "The total number of outgoing packets.", Labels.EMPTY, global[2]);
        f.counter("node_ipvs_incoming_bytes", "The total amount of incoming data.", Labels.EMPTY, global[3]);
        f.counter("node_ipvs_outgoing_bytes", "The total amount of outgoing data.", Labels.EMPTY, global[4]);
    }

    /** Every agent counter of the counters file, by its agent ("fwd-0") and kind. */
    private static void agents(final Families f, final CountersReader counters)
    {
        final Map<String, io.jlvs.controlplane.sync.SyncCounters.Kind> syncKinds = new java.util.HashMap<>();
        for (final var k : io.jlvs.controlplane.sync.SyncCounters.Kind.values())
        {
            syncKinds.put("sync: " + k.label(), k);
        }
        final Map<String, long[]> cycles = new java.util.TreeMap<>(); // per agent: the buckets, then the total ns
        counters.forEach((counterId, typeId, key, label) ->
        {
            if (typeId == DataplaneCounters.TYPE_CYCLE_HISTOGRAM)
            {
                final int bucket = key.getInt(4);
                final long[] h = cycles.computeIfAbsent(label.substring(0, label.indexOf(": ")),
                    (a) -> new long[DutyCycleTracker.BUCKETS + 1]);
                h[bucket < 0 ? DutyCycleTracker.BUCKETS : bucket] = counters.getCounterValue(counterId);
                return;
            }
            if (typeId == io.jlvs.controlplane.sync.SyncCounters.TYPE_SYNC)
            {
                final var kind = syncKinds.get(label);
                if (null != kind)
                {
                    f.counter("jlvs_sync_" + kind.name().toLowerCase(java.util.Locale.ROOT), "The sync daemon: " +
                        kind.label() + ".", Labels.EMPTY, counters.getCounterValue(counterId));
                }
                return;
            }
            final int colon = label.indexOf(": ");
            if (colon < 0 || (typeId != LbCounterDescriptor.TYPE_ID && typeId != DataplaneCounters.TYPE_DROP_VERDICT))
            {
                return;
            }
            final String agent = label.substring(0, colon);
            final String what = label.substring(colon + 2);
            final long value = counters.getCounterValue(counterId);
            if (typeId == DataplaneCounters.TYPE_DROP_VERDICT)
            {
                f.counter("jlvs_malformed_packets", "Malformed packets dropped, by the parser's verdict.",
                    Labels.of("agent", agent, "verdict", what.substring(DROPPED.length())), value);
                return;
            }
            final LbCounterDescriptor d = LbCounterDescriptor.ofId(key.getInt(4));
            if (null == d)
            {
                return;
            }
            switch (d)
            {
                case RX_PACKETS -> f.counter("jlvs_received_packets", "Packets received by an agent.",
                    Labels.of("agent", agent), value);
                case RX_BYTES -> f.counter("jlvs_received_bytes", "Bytes received by an agent.",
                    Labels.of("agent", agent), value);
                case TX_PACKETS -> f.counter("jlvs_transmitted_packets", "Packets transmitted by an agent.",
                    Labels.of("agent", agent), value);
                case TX_BYTES -> f.counter("jlvs_transmitted_bytes", "Bytes transmitted by an agent.",
                    Labels.of("agent", agent), value);
                case CONN_CACHE_MISSES -> f.counter("jlvs_flow_cache_misses",
                    "Connection lookups an agent's flow cache did not answer.", Labels.of("agent", agent), value);
                case HEARTBEAT_MS ->
                {
                    // a time, for the watchdog: not a count
                }
                case MAX_CYCLE_TIME_NS -> f.gauge("jlvs_agent_max_cycle_seconds",
                    "The longest duty cycle of an agent.", Labels.of("agent", agent), value / 1e9);
                default ->
                {
                    if (d.isDrop())
                    {
                        f.counter("jlvs_dropped_packets", "Packets dropped, by reason.",
                            Labels.of("agent", agent, "reason", d.label().substring(DROPPED.length())), value);
                    }
                    else
                    {
                        f.counter("jlvs_agent_events", "Every other counter of an agent, by its name in jlvs stat.",
                            Labels.of("agent", agent, "event", what), value);
                    }
                }
            }
        });
        cycles.forEach((agent, h) -> f.histogram("jlvs_agent_cycle_seconds",
            "How long an agent's duty cycles took (poll, forward, housekeeping).", Labels.of("agent", agent), h));
    }

    private static void checks(final Families f, final List<HealthMonitor.CheckState> checks)
    {
        for (final HealthMonitor.CheckState c : checks)
        {
            final Labels l = Labels.of("real_server", c.realServer(), "check", c.check());
            f.gauge("jlvs_healthcheck_up", "1 when the real server passes its check (as ldirectord counts it).", l,
                c.up() ? 1 : 0);
            f.gauge("jlvs_healthcheck_latency_seconds", "How long the last check took.", l, c.lastLatencyNs() / 1e9);
            f.counter("jlvs_healthchecks", "Checks done.", l, c.runs());
            f.counter("jlvs_healthcheck_failures", "Checks failed.", l, c.failed());
            f.counter("jlvs_healthcheck_overruns", "Checks still running past their interval and timeout.", l,
                c.overruns());
        }
    }

    private void vrrp(final Families f)
    {
        final var vrrp = director.vrrp();
        if (null == vrrp)
        {
            return;
        }
        final VrrpInstance.State now = vrrp.state();
        for (final VrrpInstance.State s : VrrpInstance.State.values())
        {
            f.gauge("jlvs_vrrp_state", "1 for the VRRP instance's state (INIT, BACKUP, MASTER, FAULT), 0 for the others.",
                Labels.of("instance", vrrp.config().name(), "state", s.name()), s == now ? 1 : 0);
        }
    }

    private static String[] serviceLabels(final VirtualService vs)
    {
        final boolean fwmark = vs.isFwmark();
        return new String[] {fwmark ? "" : address(vs.address()), Integer.toString(vs.port()),
            fwmark ? Integer.toUnsignedString(vs.fwmark()) : "", vs.protocol().listName()};
    }

    private static String[] backendLabels(final VirtualService vs, final RealServer rs)
    {
        final String[] s = serviceLabels(vs);
        return new String[] {s[0], s[1], s[2], s[3], address(rs.address()), Integer.toString(rs.port())};
    }

    private static String address(final InetAddress a)
    {
        return InetLiterals.ntop(a);
    }

    /** The families of one scrape, each with its data points, in the order they were first met. */
    private static final class Families
    {
        private final Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
        private final Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
        private final Map<String, HistogramSnapshot.Builder> histograms = new LinkedHashMap<>();
        /** Name and labels of each point: a family may not have two with the same labels. */
        private final java.util.Set<String> points = new java.util.HashSet<>();

        void counter(final String name, final String help, final Labels labels, final double value)
        {
            if (!points.add(name + labels))
            {
                return;
            }
            counters.computeIfAbsent(name, (n) -> CounterSnapshot.builder().name(n).help(help))
                .dataPoint(CounterDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        void gauge(final String name, final String help, final Labels labels, final double value)
        {
            if (!points.add(name + labels))
            {
                return;
            }
            gauges.computeIfAbsent(name, (n) -> GaugeSnapshot.builder().name(n).help(help))
                .dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(value).build());
        }

        /** A classic histogram from {@link DutyCycleTracker}'s buckets, in seconds, and their total time (last). */
        void histogram(final String name, final String help, final Labels labels, final long[] bucketsAndTotalNs)
        {
            final double[] bounds = new double[DutyCycleTracker.BUCKETS];
            final long[] counts = new long[DutyCycleTracker.BUCKETS];
            for (int i = 0; i < DutyCycleTracker.BUCKETS; i++)
            {
                bounds[i] = i == DutyCycleTracker.BUCKETS - 1 ? Double.POSITIVE_INFINITY :
                    DutyCycleTracker.upperBoundNs(i) / 1e9;
                counts[i] = bucketsAndTotalNs[i];
            }
            histograms.computeIfAbsent(name, (n) -> HistogramSnapshot.builder().name(n).help(help))
                .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(labels)
                    .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, counts))
                    .sum(bucketsAndTotalNs[DutyCycleTracker.BUCKETS] / 1e9).build());
        }

        MetricSnapshots snapshots()
        {
            final MetricSnapshots.Builder b = MetricSnapshots.builder();
            counters.values().forEach((c) -> b.metricSnapshot(c.build()));
            gauges.values().forEach((g) -> b.metricSnapshot(g.build()));
            histograms.values().forEach((h) -> b.metricSnapshot(h.build()));
            return b.build();
        }
    }
}
