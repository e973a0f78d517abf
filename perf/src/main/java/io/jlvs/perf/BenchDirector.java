package io.jlvs.perf;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.bindings.dpdk.LvsShim;
import io.jlvs.controlplane.Director;
import io.jlvs.dataplane.ForwardingAgent;
import io.jlvs.dataplane.ForwardingSnapshot;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.redirect.RedirectRings;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CompositeAgent;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.port.DpdkPort;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.jlvs.bindings.dpdk.RteConstants.RTE_MBUF_DEFAULT_BUF_SIZE;
import static io.jlvs.bindings.dpdk.RteConstants.SOCKET_ID_ANY;

/**
 * A minimal director for the packet-rate bench: EAL with one {@code net_memif} port (client role by default), one
 * {@link ForwardingAgent} on a pinned core ({@link AgentRunner}, the director's idle strategy: a busy spin, or
 * {@code --idle-sleep-max}'s backoff; thread registered with DPDK), one wrr service {@link BenchTopology#VIP}:80 with three real servers forwarded by DR, or with
 * {@code --method}: NAT (to port 8080, so the port is rewritten too), or a tunnel (IPIP, GUE with checksums, GRE
 * with checksums). The real
 * servers' MACs are learned from ARP (the agent asks, {@link PacketGenerator} answers) unless
 * {@code --seed-neighbours} pre-seeds the {@link NeighbourTable}.
 * <p>
 * {@code --agents N}: N agents, each on its own queue of the port with its own connection table, all run in turn on
 * the one pinned thread (a {@link CompositeAgent}). On a machine without a CPU per agent this measures what owning
 * connections costs (packets handed between agents over the rings), not scaling.
 * <p>
 * It runs until the memif link, once up, goes down (the generator left), or {@code --max-seconds}, then prints a
 * {@code RESULT role=director ...} line of its counters. (The real director main is controlplane's.)
 * <pre>
 * java @perf/target/jlvs.jvm.args -cp 'perf/target/jlvs-perf-0.1.0-SNAPSHOT.jar:perf/target/lib/*' \
 *   io.jlvs.perf.BenchDirector --cpu 1 --socket /run/jlvs-perf/memif.sock -- --no-huge -m 512
 * </pre>
 */
public final class BenchDirector
{
    private int cpu = 1;
    private String socket = "/run/jlvs-perf/memif.sock";
    private String role = "client";
    private long capacity = 1 << 18;
    /** The kernel's sysctls the agents run with: the defences, for the flood phases. */
    private io.jlvs.dataplane.IpvsSysctls sysctls = io.jlvs.dataplane.IpvsSysctls.DEFAULTS;
    private double maxSeconds = 120;
    private boolean seedNeighbours;
    private long entriesPerSegment = ConnTable.DEFAULT_ENTRIES_PER_SEGMENT;
    private String connDir;
    private int agents = 1;
    /** {@code --idle-sleep-max}: the director setting of that name; 0, a busy spin. */
    private int idleSleepMaxUs;
    private String method = "dr";
    /** {@code --capture PPS}: a {@code jlvs capture} of every frame, bounded at that rate, runs the whole time. */
    private long captureRate;
    /** {@code --capture-filter "EXPRESSION"}: that capture's filter, in jlvs capture's (tcpdump's) words. */
    private String captureFilter = "";
    private final List<String> extraEal = new ArrayList<>();

    public static void main(final String[] args) throws InterruptedException
    {
        final BenchDirector d = new BenchDirector();
        d.parse(args);
        d.run();
    }

    private void parse(final String[] args)
    {
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--cpu" -> cpu = Integer.parseInt(args[++i]);
                case "--socket" -> socket = args[++i];
                case "--role" -> role = args[++i];
                case "--capacity" -> capacity = Long.parseLong(args[++i]);
                case "--max-seconds" -> maxSeconds = Double.parseDouble(args[++i]);
                case "--seed-neighbours" -> seedNeighbours = true;
                case "--entries-per-segment" -> entriesPerSegment = Long.parseLong(args[++i]);
                case "--conn-dir" -> connDir = args[++i];
                case "--method" -> method = args[++i];
                case "--agents" -> agents = Integer.parseInt(args[++i]);
                case "--idle-sleep-max" -> idleSleepMaxUs = Integer.parseInt(args[++i]);
                case "--capture" -> captureRate = Long.parseLong(args[++i]);
                case "--capture-filter" -> captureFilter = args[++i];
                case "--drop-entry" -> sysctls = sysctls.withDefense(Integer.parseInt(args[++i]), sysctls.secureTcp(),
                    sysctls.amemthresh());
                case "--secure-tcp" -> sysctls = sysctls.withDefense(sysctls.dropEntry(), Integer.parseInt(args[++i]),
                    sysctls.amemthresh());
                case "--amemthresh" -> sysctls = sysctls.withDefense(sysctls.dropEntry(), sysctls.secureTcp(),
                    Integer.parseInt(args[++i]));
                case "--" ->
                {
                    extraEal.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --cpu N " +
                    "--socket PATH --role client|server --capacity N --max-seconds S --seed-neighbours " +
                    "--entries-per-segment N (default " + ConnTable.DEFAULT_ENTRIES_PER_SEGMENT + ", as the real director; 0: Chronicle's choice) --conn-dir PATH " +
                    "--method dr|nat|tun|gue|gre --agents N --capture PPS --capture-filter EXPRESSION --drop-entry 0..3 --secure-tcp 0..3 --amemthresh N " +
                    "-- <extra EAL args>");
            }
        }
    }

    /** The forwarding method of every real server, as {@code --method} names it. */
    private Dest.Builder method(final Dest.Builder b)
    {
        return switch (method)
        {
            case "dr" -> b.fwdMethod(FwdMethod.DROUTE);
            case "nat" -> b.fwdMethod(FwdMethod.MASQ).port(8080);
            case "tun" -> b.fwdMethod(FwdMethod.TUNNEL);
            case "gue" -> b.fwdMethod(FwdMethod.TUNNEL).tunnel(TunnelType.GUE, 6080, TunnelChecksum.CSUM);
            case "gre" -> b.fwdMethod(FwdMethod.TUNNEL).tunnel(TunnelType.GRE, 0, TunnelChecksum.CSUM);
            default -> throw new IllegalArgumentException("--method dr|nat|tun|gue|gre, not " + method);
        };
    }

    private void run() throws InterruptedException
    {
        final List<String> eal = new ArrayList<>(List.of(
            "-l", Integer.toString(cpu),
            "--no-pci", "--no-shconf", "--no-telemetry",
            "--file-prefix", "jlvs-perf-dir-" + ProcessHandle.current().pid(),
            "--log-level", "warning",
            "--vdev", "net_memif0,role=" + role + ",socket=" + socket + ",socket-abstract=no,mac=" +
                BenchTopology.macString(BenchTopology.DIR_MAC)));
        eal.addAll(extraEal);
        final Dpdk dpdk = Dpdk.init(eal);
        final int portId = dpdk.portByName("net_memif0");
        final MemorySegment pool = dpdk.createPktmbufPool("dir_pool", 16383, 256, RTE_MBUF_DEFAULT_BUF_SIZE,
            SOCKET_ID_ANY);
        dpdk.setupPort(portId, Dpdk.PortConfig.of(agents, agents, 1024, 1024), pool);
        final long mac = DpdkPort.macOf(dpdk, portId);

        final DataplaneCounters counters = DataplaneCounters.onHeap(4096);
        final AtomicCounter[][] agentCounters = new AtomicCounter[agents][];
        final AtomicCounter[][] verdictCounters = new AtomicCounter[agents][];
        final Dest[][] dests = new Dest[agents][BenchTopology.RIP.length];
        final ConnTables conns = new ConnTables(new ConnTables.Context()
            .agents(agents)
            .capacity(capacity)
            .entriesPerSegment(entriesPerSegment)
            .directory(null == connDir ? null : java.nio.file.Path.of(connDir))
            .conclude());
        final RedirectRings rings = new RedirectRings(agents);
        final int[] agentCpu = {-1};
        final int[] agentLcore = {-1};
        final ForwardingAgent[] forwarding = new ForwardingAgent[agents];
        for (int a = 0; a < agents; a++)
        {
            final String roleName = "fwd-" + a;
            agentCounters[a] = counters.newAgentCounters(a, roleName);
            verdictCounters[a] = counters.newVerdictCounters(a, roleName);
            for (int i = 0; i < BenchTopology.RIP.length; i++)
            {
                dests[a][i] = method(Dest.builder(i + 1).addressV4(BenchTopology.RIP[i]).port(BenchTopology.VPORT))
                    .weight(BenchTopology.WEIGHTS[i])
                    .stats(counters.newDestStats(a, roleName, i + 1, "rs" + (i + 1)))
                    .build();
            }
            final Service svc = new Service(6, PacketView.AF_INET, 0, BenchTopology.VIP & 0xFFFF_FFFFL,
                BenchTopology.VPORT, 0, 0, 0, 0xFFFF_FFFFL, Schedulers.create("wrr"), dests[a],
                counters.newServiceStats(a, roleName, 1, "vip"));
            final NeighbourTable neighbours = new NeighbourTable();
            if (seedNeighbours)
            {
                final long now = System.currentTimeMillis();
                for (int i = 0; i < BenchTopology.RIP.length; i++)
                {
                    neighbours.learn(BenchTopology.RIP[i], BenchTopology.RS_MAC[i], now);
                }
            }
            final boolean first = 0 == a;
            forwarding[a] = new ForwardingAgent(new ForwardingAgent.Context()
                .roleName(roleName)
                .agent(a)
                .redirectRings(rings)
                .port(new DpdkPort("net_memif0:" + a, portId, a, pool, mac))
                .conns(conns.table(a))
                .templates(conns.templates())
                .sysctls(sysctls)
                .timeouts(new ConnTimeouts())
                .neighbours(neighbours)
                .snapshot(ForwardingSnapshot.of(1, RouteTable.of(BenchTopology.DIP, 24), svc))
                .counters(agentCounters[a])
                .dropsByVerdict(verdictCounters[a])
                .epochClock(new SystemEpochClock())
                .nanoClock(new SystemNanoClock())
                .onStart(first ? () ->
                {
                    // the agents share one thread (a CompositeAgent): the first one's start registers and pins it
                    agentLcore[0] = dpdk.registerCurrentThread();
                    Dpdk.pinCurrentThread(cpu);
                    agentCpu[0] = LvsShim.lvs_current_cpu();
                } : null));
        }
        final Agent agent = agents == 1 ? forwarding[0] : new CompositeAgent(forwarding);
        // the director's own: a busy spin, or with --idle-sleep-max the backoff a quiet director uses
        final CountingIdleStrategy idle = new CountingIdleStrategy(Director.idleStrategy(idleSleepMaxUs));
        final AtomicCounter errors = agentCounters[0][LbCounterDescriptor.ERRORS.ordinal()];
        final AgentRunner runner = new AgentRunner(idle, Throwable::printStackTrace, errors, agent);
        AgentRunner.startOnThread(runner);
        final BenchCapture capture = captureRate > 0 ? BenchCapture.start(forwarding, captureRate,
            io.jlvs.controlplane.capture.CaptureExpression.parse(
                captureFilter.isBlank() ? List.of() : List.of(captureFilter.trim().split("\\s+")))) : null;
        log("port %d %s, method %s, %d agent(s) on one thread, conn tables capacity %d (%s), neighbours %s, cpu %d",
            portId, BenchTopology.macString(mac), method, agents, capacity,
            null == connDir ? "in memory" : connDir, seedNeighbours ? "pre-seeded" : "learned from ARP", cpu);

        // run until the link has been up and goes down again (the generator has finished), or the time limit
        final long deadline = System.nanoTime() + (long)(maxSeconds * 1e9);
        boolean wasUp = false;
        final long t0 = System.nanoTime();
        long lastTrace = t0;
        long lastRx = 0;
        long lastPolls = 0;
        long lastEmpty = 0;
        final long[] lastClsN = new long[4];
        final long[] lastClsNs = new long[4];
        while (System.nanoTime() < deadline)
        {
            final boolean up = dpdk.link(portId).up();
            if (up && !wasUp)
            {
                log("link up");
            }
            if (wasUp && !up)
            {
                log("link down: stopping");
                break;
            }
            wasUp |= up;
            Thread.sleep(50);
            final long t = System.nanoTime();
            if (t - lastTrace >= 500_000_000L)
            {
                final long rx = sum(agentCounters, LbCounterDescriptor.RX_PACKETS);
                final long p = idle.pollsPub;
                final long e = idle.emptyPub;
                final Dpdk.EthStats st = dpdk.stats(portId);
                final StringBuilder cls = new StringBuilder();
                for (int c = 0; c < 4; c++)
                {
                    final long n = idle.clsN[c];
                    final long ns = idle.clsNs[c];
                    cls.append(String.format(Locale.ROOT, " c%d=%d/%.0fms", c, n - lastClsN[c], (ns - lastClsNs[c]) / 1e6));
                    lastClsN[c] = n;
                    lastClsNs[c] = ns;
                }
                log("trace t=%.1f rx_mpps=%.3f polls=%d empty=%d pool_avail=%d ipackets=%d rx_nombuf=%d imissed=%d%s",
                    (t - t0) / 1e9, (rx - lastRx) / ((t - lastTrace) / 1e3), p - lastPolls, e - lastEmpty,
                    Dpdk.mempoolAvailCount(pool), st.ipackets(), st.rxNombuf(), st.imissed(), cls);
                lastTrace = t;
                lastRx = rx;
                lastPolls = p;
                lastEmpty = e;
            }
        }
        System.out.print(idle.histogram());
        final String captured = null == capture ? "" : capture.stop();
        runner.close();
        final long releaseStart = System.nanoTime();
        for (final ForwardingAgent f : forwarding)
        {
            f.release(); // writes the connections that only the agent's cache held to the table
        }
        final long releaseMs = (System.nanoTime() - releaseStart) / 1_000_000;

        final long offHeap = conns.offHeapMemoryUsed() +
            (long)agents * FlowCache.slotsForTable((capacity + agents - 1) / agents) * FlowCache.SLOT_SIZE;
        final StringBuilder sb = new StringBuilder(512);
        sb.append("RESULT role=director agent_cpu=").append(agentCpu[0]).append(" agent_lcore=").append(agentLcore[0])
            .append(" agents=").append(agents).append(" conns=").append(conns.size())
            .append(" release_ms=").append(releaseMs)
            // memory per connection: every map as made for its capacity, and each agent's flow cache
            .append(" offheap_bytes=").append(offHeap)
            .append(" bytes_per_conn=").append(conns.size() == 0 ? "na" : Long.toString(offHeap / conns.size()))
            .append(" polls=").append(idle.polls).append(" empty_polls=").append(idle.emptyPolls)
            .append(" empty_poll_pct=").append(String.format(Locale.ROOT, "%.2f",
                idle.polls == 0 ? 0.0 : 100.0 * idle.emptyPolls / idle.polls))
            // time-weighted: an empty cycle costs ~0.2 us, a 32-packet one 8-60 us, so empty_poll_pct (a count) says
            // little about headroom; this is the share of the agent's time spent in empty cycles
            .append(" empty_time_pct=").append(String.format(Locale.ROOT, "%.2f",
                idle.sumNs[0] + idle.sumNs[1] == 0 ? 0.0 : 100.0 * idle.sumNs[0] / (idle.sumNs[0] + idle.sumNs[1])))
            .append(captured);
        for (final LbCounterDescriptor c : LbCounterDescriptor.values())
        {
            final long v = sum(agentCounters, c);
            if (v != 0)
            {
                sb.append(' ').append(c.name().toLowerCase(Locale.ROOT)).append('=').append(v);
            }
        }
        for (int v = 0; v < verdictCounters[0].length; v++)
        {
            long n = 0;
            for (final AtomicCounter[] perAgent : verdictCounters)
            {
                n += null == perAgent[v] ? 0 : perAgent[v].get();
            }
            if (n != 0)
            {
                sb.append(" drop_verdict_").append(v).append('=').append(n);
            }
        }
        for (int i = 0; i < BenchTopology.RIP.length; i++)
        {
            long n = 0;
            for (final Dest[] perAgent : dests)
            {
                n += perAgent[i].stats().conns();
            }
            sb.append(" rs").append(i + 1).append("_conns=").append(n);
        }
        System.out.println(sb);
        System.out.flush();
        conns.close();
        try
        {
            dpdk.stopPort(portId);
            dpdk.closePort(portId);
        }
        catch (final RuntimeException ignore)
        {
            // exiting anyway
        }
        dpdk.cleanup();
    }

    /** The agent's idle strategy with a count of empty duty cycles: the agent's idle headroom. */
    static final class CountingIdleStrategy implements IdleStrategy
    {
        private final IdleStrategy delegate;
        long polls; // plain: read after the runner has stopped (its thread joined)
        long emptyPolls;

        CountingIdleStrategy(final IdleStrategy delegate)
        {
            this.delegate = delegate;
        }

        // duty-cycle time histogram (ns from one idle() call to the next, i.e. doWork + idle), log2 buckets,
        // [0] empty cycles, [1] cycles with work; read by the main thread after the runner has stopped
        final long[][] hist = new long[2][48];
        final long[] sumNs = new long[2];
        // classes: 0 empty, 1 work < 32 us, 2 work 32 us..1 ms, 3 work >= 1 ms (racy reads by the trace: fine)
        final long[] clsN = new long[4];
        final long[] clsNs = new long[4];
        private long last;
        volatile long pollsPub; // published every 4096 polls for the main thread's trace
        volatile long emptyPub;

        @Override
        public void idle(final int workCount)
        {
            final long now = System.nanoTime();
            if (last != 0)
            {
                final long d = now - last;
                final int k = workCount <= 0 ? 0 : 1;
                hist[k][63 - Long.numberOfLeadingZeros(d | 1)]++;
                sumNs[k] += d;
                final int c = k == 0 ? 0 : d < 32_768 ? 1 : d < 1_048_576 ? 2 : 3;
                clsN[c]++;
                clsNs[c] += d;
            }
            last = now;
            polls++;
            if ((polls & 4095) == 0)
            {
                pollsPub = polls;
                emptyPub = emptyPolls;
            }
            if (workCount <= 0)
            {
                emptyPolls++;
                delegate.idle(workCount);
            }
        }

        String histogram()
        {
            final StringBuilder sb = new StringBuilder();
            for (int k = 0; k < 2; k++)
            {
                long n = 0;
                for (final long c : hist[k])
                {
                    n += c;
                }
                sb.append(k == 0 ? "HIST empty" : "HIST work").append(" n=").append(n).append(" mean_ns=")
                    .append(n == 0 ? 0 : sumNs[k] / n).append(" total_ms=").append(sumNs[k] / 1_000_000).append(':');
                for (int b = 0; b < hist[k].length; b++)
                {
                    if (hist[k][b] != 0)
                    {
                        sb.append(" <").append(1L << (b + 1)).append("ns=").append(hist[k][b]);
                    }
                }
                sb.append('\n');
            }
            return sb.toString();
        }

        @Override
        public void idle()
        {
            delegate.idle();
        }

        @Override
        public void reset()
        {
            delegate.reset();
        }

        @Override
        public String alias()
        {
            return "counting-" + delegate.alias();
        }
    }

    private static long sum(final AtomicCounter[][] perAgent, final LbCounterDescriptor c)
    {
        long n = 0;
        for (final AtomicCounter[] counters : perAgent)
        {
            n += counters[c.ordinal()].get();
        }
        return n;
    }

    private static void log(final String format, final Object... args)
    {
        System.out.printf(Locale.ROOT, "director: " + format + "%n", args);
        System.out.flush();
    }
}
