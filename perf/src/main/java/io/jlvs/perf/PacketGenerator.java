package io.jlvs.perf;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.bindings.dpdk.LvsShim;
import io.jlvs.bindings.dpdk.rte_mbuf;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static io.jlvs.bindings.dpdk.RteConstants.RTE_MBUF_DEFAULT_BUF_SIZE;
import static io.jlvs.bindings.dpdk.RteConstants.SOCKET_ID_ANY;

/**
 * Packet-rate generator over one DPDK port (normally {@code net_memif}): many established TCP flows of 64-byte
 * frames to {@link BenchTopology#VIP}:80, sent at full speed, and a count of what comes back.
 * <p>
 * Phases: wait for the link (and, with {@code --wait-arp}, for ARP requests for the real servers, which it answers
 * with {@link BenchTopology#RS_MAC}) -> one SYN per flow, all flows, waiting until they are back (so the director has
 * a connection for every flow), then one ACK per flow likewise (the handshake's) -> ACKs round robin over the flows at full speed: a warm-up, then a measurement
 * window over which received packets per second are counted -> one {@code RESULT} line.
 * <p>
 * With {@code --new-conns} there is no SYN phase, and every packet of the warm-up and the window is a SYN of a flow
 * never seen before (the flow index runs on past {@code --flows}): what comes back is the peer's rate of new
 * connections, each scheduled, inserted and forwarded.
 * <p>
 * Frames are made in place in freshly allocated mbufs (bulk alloc of 32): eight 64-bit stores of a template, then
 * the four fields that differ per flow (source address, source port, IPv4 and TCP checksums, the checksums from
 * precomputed partial sums, no loops). Unsent mbufs stay queued and are offered again, so nothing is lost on the
 * sending side: a full transmit ring means the peer is the slower side ({@code tx_full_pct} in the result).
 * The loop sends a burst and polls once per cycle, and over memif it moves in step with its peer: a cycle in which
 * the peer took none of the last burst is one in which it sent nothing back, so {@code tx_full_pct} and
 * {@code rx_empty_poll_pct} count the same cycles (the peer's idle ones, from where the generator stands);
 * {@code apart_pct} is the share of cycles where only one of the two came short, which shows it.
 * <p>
 * With {@code --queues N} the port has N queue pairs: each burst (32 consecutive flows) goes on queue
 * {@code (first flow / 32) mod N}, and every queue is polled in turn.
 * <p>
 * Runs its loop on the EAL main lcore (pinned by EAL to {@code --cpu}); nothing in the loop allocates.
 * <pre>
 * java @perf/target/jlvs.jvm.args -cp 'perf/target/jlvs-perf-0.1.0-SNAPSHOT.jar:perf/target/lib/*' \
 *   io.jlvs.perf.PacketGenerator --cpu 0 --socket /run/jlvs-perf/memif.sock --flows 131072 --warmup 2 --seconds 5 \
 *   -- --no-huge -m 512
 * </pre>
 */
public final class PacketGenerator
{
    private static final int BURST = 32;
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfLong LONG_BE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfShort SHORT_BE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED;

    // frame layout (Ethernet, IPv4 without options, TCP without options)
    private static final int IP = 14;
    private static final int IP_CSUM = IP + 10;
    private static final int IP_SRC = IP + 12;
    private static final int TCP = IP + 20;
    private static final int TCP_SPORT = TCP;
    private static final int TCP_CSUM = TCP + 16;
    private static final int TCP_PAYLOAD = 10;

    // ------------------------------------------------------------------------------------------------ options
    private int cpu = 0;
    private String socket = "/run/jlvs-perf/memif.sock";
    private String role = "server";
    private int flows = 131072;
    /** {@code --new-conns}: every packet a SYN of a flow never seen, so each is a new connection to the peer. */
    private boolean newConns;
    /** {@code --syn-flood P}: P of every 100 bursts of the window are SYNs of flows never seen (a flood), the rest
     * the established flows' ACKs; what comes back is counted by kind. */
    private int floodPercent;
    private int floodFlow = 1 << 24;
    private int burstNumber;
    private long rxSyn;
    private long rxAck;
    /** {@code --rate}: packets per microsecond (Mpps) offered at most; 0, as fast as the peer takes them. */
    private double rateMpps;
    private long paceStartNs;
    private long pacedSent;
    /** Each burst's frames carry the time they were made, after the TCP header; what comes back is timed. */
    private final LatencyHistogram latency = new LatencyHistogram();
    private boolean timing;
    /** Where the timestamp is: an ACK's payload (in its checksum), a SYN's padding (in none). */
    private static final int STAMP = TCP + 20;
    /** Where the flow index wraps: the flows, or (new connections) far beyond what a run sends. */
    private int flowLimit;
    private double warmupSec = 2;
    private double seconds = 5;
    private int waitArp = 0;
    private double synTimeoutSec = 10;
    private String peer = "unknown";
    private String readyFile;
    private int queues = 1;
    private final List<String> extraEal = new ArrayList<>();

    // ------------------------------------------------------------------------------------------------ state
    private int portId;
    private MemorySegment pool;
    private final Arena arena = Arena.ofShared(); // made on main, used on the EAL lcore thread
    private MemorySegment arpOne;
    private MemorySegment rxArr;
    private MemorySegment txArr;
    private MemorySegment[] txFrom;
    private int pendingFrom;
    private int pendingCount;
    private int pendingQueue;
    private int rxQueue;
    private int nextFlow;

    private final long[] synTemplate = new long[8];
    private final long[] ackTemplate = new long[8];
    private int synIpBase;
    private int synTcpBase;
    private int ackIpBase;
    private int ackTcpBase;

    // counters (one thread)
    private long txPackets;
    private long txOffered;
    private long txFullBursts;
    /** Ack cycles (one transmit burst, one receive poll each), and those in which only one of the two came short. */
    private long cycles;
    private long apartCycles;
    private long txBursts;
    private long rxPackets;
    private long rxIpv4;
    private long rxToGen;
    private long rxOther;
    private final long[] rxToRs = new long[BenchTopology.RS_MAC.length];
    private long arpRequestsAnswered;
    private int arpAnsweredMask;
    private long rxPolls;
    private long rxEmptyPolls;

    public static void main(final String[] args)
    {
        final PacketGenerator gen = new PacketGenerator();
        gen.parse(args);
        final List<String> eal = new ArrayList<>(List.of(
            "-l", Integer.toString(gen.cpu),
            "--no-pci", "--no-shconf", "--no-telemetry",
            "--file-prefix", "jlvs-perf-gen-" + ProcessHandle.current().pid(),
            "--log-level", "warning",
            "--vdev", "net_memif0,role=" + gen.role + ",socket=" + gen.socket + ",socket-abstract=no,mac=" +
                BenchTopology.macString(BenchTopology.GEN_MAC)));
        eal.addAll(gen.extraEal);
        final Dpdk dpdk = Dpdk.init(eal);
        try
        {
            dpdk.onMainLcore(() -> gen.run(dpdk));
        }
        finally
        {
            try
            {
                dpdk.stopPort(gen.portId);
                dpdk.closePort(gen.portId);
            }
            catch (final RuntimeException ignore)
            {
                // exiting anyway
            }
            dpdk.cleanup();
        }
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
                case "--flows" -> flows = Integer.parseInt(args[++i]);
                case "--warmup" -> warmupSec = Double.parseDouble(args[++i]);
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--wait-arp" -> waitArp = Integer.parseInt(args[++i]);
                case "--syn-timeout" -> synTimeoutSec = Double.parseDouble(args[++i]);
                case "--peer" -> peer = args[++i];
                case "--ready-file" -> readyFile = args[++i];
                case "--queues" -> queues = Integer.parseInt(args[++i]);
                case "--new-conns" -> newConns = true;
                case "--rate" -> rateMpps = Double.parseDouble(args[++i]);
                case "--syn-flood" -> floodPercent = Integer.parseInt(args[++i]);
                case "--" ->
                {
                    extraEal.addAll(List.of(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --cpu N " +
                    "--socket PATH --role server|client --flows N --warmup S --seconds S --wait-arp N " +
                    "--syn-timeout S --peer NAME --ready-file PATH --queues N --new-conns --rate MPPS --syn-flood PERCENT -- <extra EAL args>");
            }
        }
        if (queues < 1 || queues > 16)
        {
            throw new IllegalArgumentException("--queues must be 1..16");
        }
        if (flows < 1 || flows > (1 << 24))
        {
            throw new IllegalArgumentException("--flows must be 1..16M");
        }
        flowLimit = newConns ? 1 << 30 : flows;
    }

    private Void run(final Dpdk dpdk)
    {
        portId = dpdk.portByName("net_memif0");
        pool = dpdk.createPktmbufPool("gen_pool", 16383, 256, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
        dpdk.setupPort(portId, Dpdk.PortConfig.of(queues, queues, 1024, 1024), pool);
        if (null != readyFile)
        {
            // for the launcher: start the peer only now, so every peer meets a started server port
            try
            {
                java.nio.file.Files.writeString(java.nio.file.Path.of(readyFile), "ready\n");
            }
            catch (final java.io.IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }
        rxArr = arena.allocate(ValueLayout.JAVA_LONG, BURST);
        txArr = arena.allocate(ValueLayout.JAVA_LONG, BURST);
        arpOne = arena.allocate(ValueLayout.JAVA_LONG);
        txFrom = new MemorySegment[BURST];
        for (int i = 0; i < BURST; i++)
        {
            txFrom[i] = txArr.asSlice((long)i * Long.BYTES);
        }
        buildTemplates();
        selfCheck();
        log("lcore %d on cpu %d, port %d (%s), flows %d, peer %s", Dpdk.currentLcoreId(), LvsShim.lvs_current_cpu(),
            portId, Dpdk.formatMac(dpdk.macAddress(portId)), flows, peer);

        // 1. link, and ARP for the real servers if the peer is a director
        final long linkDeadline = System.nanoTime() + 60_000_000_000L;
        while (!dpdk.link(portId).up())
        {
            pollRx();
            if (System.nanoTime() > linkDeadline)
            {
                throw new IllegalStateException("memif link did not come up within 60 s (is the peer running?)");
            }
            Thread.onSpinWait();
        }
        log("link up");
        if (waitArp > 0)
        {
            final int want = (1 << Math.min(waitArp, BenchTopology.RIP.length)) - 1;
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while ((arpAnsweredMask & want) != want)
            {
                pollRx();
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("no ARP requests for the real servers within 60 s (mask " +
                        Integer.toBinaryString(arpAnsweredMask) + ")");
                }
            }
            log("answered ARP for %d real servers", Integer.bitCount(arpAnsweredMask));
        }
        final long settle = System.nanoTime() + 200_000_000L;
        while (System.nanoTime() < settle)
        {
            pollRx();
        }

        // 2. one SYN, then one ACK, per flow, each waited for (not with --new-conns: every packet is a SYN)
        final long synReturned = newConns ? 0 : establishFlows();

        // 3. ACKs round robin over all flows at full speed (with --new-conns, SYNs of flows never seen): warm-up,
        // then the measurement window
        nextFlow = 0;
        dpdk.resetStats(portId);
        final long start = System.nanoTime();
        paceStartNs = start;
        pacedSent = 0;
        final long windowStart = start + (long)(warmupSec * 1e9);
        final long windowEnd = windowStart + (long)(seconds * 1e9);
        long now;
        while ((now = System.nanoTime()) < windowStart)
        {
            sendCycle();
        }
        final long rx0 = rxPackets;
        final long tx0 = txPackets;
        final long full0 = txFullBursts;
        final long bursts0 = txBursts;
        final long polls0 = rxPolls;
        final long empty0 = rxEmptyPolls;
        final long cycles0 = cycles;
        latency.reset();
        rxSyn = 0;
        rxAck = 0;
        timing = true;
        final long apart0 = apartCycles;
        final long[] rs0 = rxToRs.clone();
        final long gen0 = rxToGen;
        final long t0 = now;
        while ((now = System.nanoTime()) < windowEnd)
        {
            sendCycle();
        }
        final long t1 = now;
        timing = false;
        final long rx = rxPackets - rx0;
        final long tx = txPackets - tx0;
        final long fullBursts = txFullBursts - full0;
        final long bursts = txBursts - bursts0;
        final long polls = rxPolls - polls0;
        final long empty = rxEmptyPolls - empty0;
        final long windowCycles = cycles - cycles0;
        final long apart = apartCycles - apart0;
        final long toGen = rxToGen - gen0;
        final StringBuilder split = new StringBuilder();
        for (int k = 0; k < rxToRs.length; k++)
        {
            split.append(k == 0 ? "" : ":").append(rxToRs[k] - rs0[k]);
        }

        // 4. stop sending, drain what is in flight
        final long drainEnd = System.nanoTime() + 100_000_000L;
        while (System.nanoTime() < drainEnd)
        {
            pollRx();
        }
        if (pendingCount > 0)
        {
            LvsShim.lvs_pktmbuf_free_bulk(txFrom[pendingFrom], pendingCount);
            pendingCount = 0;
        }
        final Dpdk.EthStats st = dpdk.stats(portId);

        final double window = (t1 - t0) / 1e9;
        System.out.printf(Locale.ROOT,
            "RESULT role=generator peer=%s mode=%s cpu=%d flows=%d syn_returned=%d window_s=%.3f rx_pkts=%d tx_pkts=%d " +
            "rx_mpps=%.3f tx_mpps=%.3f loss_pct=%.3f tx_full_pct=%.2f rx_empty_poll_pct=%.2f apart_pct=%.3f " +
            "rate_mpps=%s lat_p50_us=%.2f lat_p99_us=%.2f lat_p999_us=%.2f lat_samples=%d " +
            "syn_flood_pct=%d rx_ack_mpps=%.3f rx_syn_mpps=%.3f " +
            "rx_to_rs=%s rx_to_gen=%d port_imissed=%d port_rx_nombuf=%d port_oerrors=%d%n",
            peer, newConns ? "new-conns" : "established", LvsShim.lvs_current_cpu(), flows, synReturned, window, rx, tx, rx / window / 1e6,
            tx / window / 1e6, tx == 0 ? 0.0 : 100.0 * (tx - rx) / tx,
            bursts == 0 ? 0.0 : 100.0 * fullBursts / bursts, polls == 0 ? 0.0 : 100.0 * empty / polls,
            windowCycles == 0 ? 0.0 : 100.0 * apart / windowCycles,
            rateMpps > 0 ? String.format(Locale.ROOT, "%.3f", rateMpps) : "max",
            latency.percentile(0.5) / 1e3, latency.percentile(0.99) / 1e3, latency.percentile(0.999) / 1e3,
            latency.total(), floodPercent, rxAck / window / 1e6, rxSyn / window / 1e6, split, toGen, st.imissed(), st.rxNombuf(), st.oerrors());
        System.out.flush();
        return null;
    }

    /** One SYN per flow, then waits (up to the SYN timeout without progress) for them to come back. */
    private long establishFlows()
    {
        final long synStart = System.nanoTime();
        final long synReturned = toEveryFlow(synTemplate, synIpBase, synTcpBase);
        log("SYNs: %d sent, %d returned in %.3f s", flows, synReturned, (System.nanoTime() - synStart) / 1e9);
        // the handshake's last packet: an established flow has shown the director two packets, the second of which
        // writes it to the table of record (without it, at 10M flows the window still paid each flow's first ACK)
        final long ackStart = System.nanoTime();
        final long ackReturned = toEveryFlow(ackTemplate, ackIpBase, ackTcpBase);
        log("handshake ACKs: %d sent, %d returned in %.3f s", flows, ackReturned, (System.nanoTime() - ackStart) / 1e9);
        return synReturned;
    }

    /** Sends one frame of {@code template} to every flow, then waits for them to come back; returns how many did. */
    private long toEveryFlow(final long[] template, final int ipBase, final int tcpBase)
    {
        final long rxBefore = rxIpv4;
        nextFlow = 0;
        int queued = 0;
        while (queued < flows || pendingCount > 0)
        {
            if (pendingCount == 0)
            {
                queued += fillBurst(template, ipBase, tcpBase, Math.min(BURST, flows - queued));
            }
            sendPending();
            pollRx();
        }
        long lastRx = rxIpv4;
        long lastProgress = System.nanoTime();
        while (rxIpv4 - rxBefore < flows)
        {
            pollRx();
            final long now = System.nanoTime();
            if (rxIpv4 != lastRx)
            {
                lastRx = rxIpv4;
                lastProgress = now;
            }
            else if (now - lastProgress > (long)(synTimeoutSec * 1e9))
            {
                break;
            }
        }
        return rxIpv4 - rxBefore;
    }

    private void sendCycle()
    {
        if (rateMpps > 0 && pendingCount == 0)
        {
            final long allowed = (long)((System.nanoTime() - paceStartNs) * rateMpps / 1_000.0);
            if (pacedSent + BURST > allowed)
            {
                pollRx(); // paced: not yet time for the next burst
                return;
            }
            // a peer that held us back earns no credit to catch up with: the rate stays the rate
            pacedSent = Math.max(pacedSent, allowed - 4L * BURST);
        }
        if (pendingCount == 0)
        {
            if (newConns)
            {
                pacedSent += fillBurst(synTemplate, synIpBase, synTcpBase, BURST);
            }
            else if (floodPercent > 0 && burstNumber++ % 100 < floodPercent)
            {
                // a flood burst: SYNs from flows past the established ones, each new
                final int established = nextFlow;
                nextFlow = floodFlow;
                pacedSent += fillBurst(synTemplate, synIpBase, synTcpBase, BURST);
                floodFlow = nextFlow;
                nextFlow = established;
            }
            else
            {
                pacedSent += fillBurst(ackTemplate, ackIpBase, ackTcpBase, BURST);
            }
        }
        final long full = txFullBursts;
        final long empty = rxEmptyPolls;
        sendPending();
        pollRx();
        // a closed loop over memif moves in step with its peer: a cycle in which the peer took nothing of ours
        // is one in which it sent nothing back; these cycles count where that does not hold
        if ((txFullBursts != full) != (rxEmptyPolls != empty))
        {
            apartCycles++;
        }
        cycles++;
    }

    // ------------------------------------------------------------------------------------------------ tx

    /**
     * Allocates {@code n} mbufs and writes the next {@code n} flows' frames into them.
     *
     * @return how many were made (0 when the pool is empty for now).
     */
    private int fillBurst(final long[] template, final int ipBase, final int tcpBase, final int n)
    {
        if (LvsShim.lvs_pktmbuf_alloc_bulk(pool, txArr, n) != 0)
        {
            return 0;
        }
        final long t0 = template[0];
        final long t1 = template[1];
        final long t2 = template[2];
        final long t3 = template[3];
        final long t4 = template[4];
        final long t5 = template[5];
        final long t6 = template[6];
        final long t7 = template[7];
        int flow = nextFlow;
        final long stamp = System.nanoTime();
        // an ACK carries the stamp in its payload, so its checksum takes it in; a SYN's stamp is padding
        final int stampSum = template == ackTemplate ? (int)(stamp >>> 48) + (int)((stamp >>> 32) & 0xFFFF) +
            (int)((stamp >>> 16) & 0xFFFF) + (int)(stamp & 0xFFFF) : 0;
        // with several queues, a burst of consecutive flows goes on one queue: a flow stays on its queue, as a
        // NIC's RSS keeps it, and the queue has nothing to do with the agent that owns the flow's connection
        pendingQueue = (flow / BURST) % queues;
        for (int i = 0; i < n; i++)
        {
            final long m = txArr.getAtIndex(ValueLayout.JAVA_LONG, i);
            final long d = ALL.get(LONG, m + rte_mbuf.buf_addr$OFFSET) +
                (ALL.get(SHORT, m + rte_mbuf.data_off$OFFSET) & 0xFFFF);
            ALL.set(LONG, d, t0);
            ALL.set(LONG, d + 8, t1);
            ALL.set(LONG, d + 16, t2);
            ALL.set(LONG, d + 24, t3);
            ALL.set(LONG, d + 32, t4);
            ALL.set(LONG, d + 40, t5);
            ALL.set(LONG, d + 48, t6);
            ALL.set(LONG, d + 56, t7);
            final int saddr = BenchTopology.clientAddr(flow);
            final int sport = BenchTopology.clientPort(flow);
            final int addrSum = (saddr >>> 16) + (saddr & 0xFFFF);
            ALL.set(INT_BE, d + IP_SRC, saddr);
            ALL.set(SHORT_BE, d + IP_CSUM, (short)~fold(ipBase + addrSum));
            ALL.set(SHORT_BE, d + TCP_SPORT, (short)sport);
            ALL.set(SHORT_BE, d + TCP_CSUM, (short)~fold(tcpBase + addrSum + sport + stampSum));
            ALL.set(LONG_BE, d + STAMP, stamp);
            ALL.set(SHORT, m + rte_mbuf.data_len$OFFSET, (short)BenchTopology.FRAME_LENGTH);
            ALL.set(INT, m + rte_mbuf.pkt_len$OFFSET, BenchTopology.FRAME_LENGTH);
            flow = flow + 1 == flowLimit ? 0 : flow + 1;
        }
        nextFlow = flow;
        pendingFrom = 0;
        pendingCount = n;
        txOffered += n;
        return n;
    }

    private void sendPending()
    {
        if (pendingCount == 0)
        {
            return;
        }
        final int sent = LvsShim.lvs_tx_burst(portId, pendingQueue, txFrom[pendingFrom], pendingCount);
        txBursts++;
        txPackets += sent;
        if (sent < pendingCount)
        {
            txFullBursts++;
        }
        pendingFrom += sent;
        pendingCount -= sent;
    }

    // ------------------------------------------------------------------------------------------------ rx

    private void pollRx()
    {
        rxPolls++;
        final int n = LvsShim.lvs_rx_burst(portId, rxQueue, rxArr, BURST);
        rxQueue = rxQueue + 1 == queues ? 0 : rxQueue + 1;
        if (n == 0)
        {
            rxEmptyPolls++;
            return;
        }
        rxPackets += n;
        final long now = timing ? System.nanoTime() : 0;
        for (int i = 0; i < n; i++)
        {
            final long m = rxArr.getAtIndex(ValueLayout.JAVA_LONG, i);
            final long d = ALL.get(LONG, m + rte_mbuf.buf_addr$OFFSET) +
                (ALL.get(SHORT, m + rte_mbuf.data_off$OFFSET) & 0xFFFF);
            final long dst = ALL.get(LONG_BE, d) >>> 16;
            final int etherType = ALL.get(SHORT_BE, d + 12) & 0xFFFF;
            if (etherType == 0x0800)
            {
                rxIpv4++;
                if (timing)
                {
                    latency.record(now - ALL.get(LONG_BE, d + STAMP));
                    if ((ALL.get(ValueLayout.JAVA_BYTE, d + TCP + 13) & 0x02) != 0)
                    {
                        rxSyn++;
                    }
                    else
                    {
                        rxAck++;
                    }
                }
                if (dst == BenchTopology.GEN_MAC)
                {
                    rxToGen++;
                }
                else
                {
                    final int k = (int)(dst - BenchTopology.RS_MAC[0]);
                    if (k >= 0 && k < rxToRs.length)
                    {
                        rxToRs[k]++;
                    }
                    else
                    {
                        rxOther++;
                    }
                }
            }
            else if (etherType == 0x0806 && onArp(m, d))
            {
                rxArr.setAtIndex(ValueLayout.JAVA_LONG, i, 0L); // sent back as the reply: not ours to free
            }
        }
        LvsShim.lvs_pktmbuf_free_bulk(rxArr, n);
    }

    /** Answers "who has RIP k?" with RS_MAC[k], in place; true when the mbuf was handed to the port. */
    private boolean onArp(final long m, final long d)
    {
        final int len = ALL.get(SHORT, m + rte_mbuf.data_len$OFFSET) & 0xFFFF;
        if (len < 42 || (ALL.get(SHORT_BE, d + 20) & 0xFFFF) != 1)
        {
            return false;
        }
        final int tpa = ALL.get(INT_BE, d + 38);
        int k = -1;
        for (int i = 0; i < BenchTopology.RIP.length; i++)
        {
            if (BenchTopology.RIP[i] == tpa)
            {
                k = i;
            }
        }
        if (k < 0)
        {
            return false;
        }
        final long sha = ALL.get(LONG_BE, d + 22) >>> 16;
        final int spa = ALL.get(INT_BE, d + 28);
        putMac(d, sha);
        putMac(d + 6, BenchTopology.RS_MAC[k]);
        ALL.set(SHORT_BE, d + 20, (short)2);
        putMac(d + 22, BenchTopology.RS_MAC[k]);
        ALL.set(INT_BE, d + 28, tpa);
        putMac(d + 32, sha);
        ALL.set(INT_BE, d + 38, spa);
        arpOne.set(ValueLayout.JAVA_LONG, 0, m);
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            if (LvsShim.lvs_tx_burst(portId, 0, arpOne, 1) == 1)
            {
                arpRequestsAnswered++;
                arpAnsweredMask |= 1 << k;
                return true;
            }
        }
        return false;
    }

    private static void putMac(final long at, final long mac)
    {
        ALL.set(INT_BE, at, (int)(mac >>> 16));
        ALL.set(SHORT_BE, at + 4, (short)mac);
    }

    // ------------------------------------------------------------------------------------------------ frames

    private void buildTemplates()
    {
        final MemorySegment syn = arena.allocate(BenchTopology.FRAME_LENGTH, 8);
        final MemorySegment ack = arena.allocate(BenchTopology.FRAME_LENGTH, 8);
        writeFrame(syn, 0x02, 0);
        writeFrame(ack, 0x10, TCP_PAYLOAD);
        for (int i = 0; i < 8; i++)
        {
            synTemplate[i] = syn.get(LONG, i * 8L);
            ackTemplate[i] = ack.get(LONG, i * 8L);
        }
        // partial sums with source address, source port and checksum fields zero
        synIpBase = sum16(syn, IP, 20);
        ackIpBase = sum16(ack, IP, 20);
        synTcpBase = sum16(syn, TCP, 20) + pseudoSumWithoutSource(20);
        ackTcpBase = sum16(ack, TCP, 20 + TCP_PAYLOAD) + pseudoSumWithoutSource(20 + TCP_PAYLOAD);
    }

    /** A frame with source address, source port and both checksums zero. */
    private static void writeFrame(final MemorySegment f, final int tcpFlags, final int payload)
    {
        f.fill((byte)0);
        final long base = f.address();
        putMac(base, BenchTopology.DIR_MAC);
        putMac(base + 6, BenchTopology.GEN_MAC);
        ALL.set(SHORT_BE, base + 12, (short)0x0800);
        ALL.set(ValueLayout.JAVA_BYTE, base + IP, (byte)0x45);
        ALL.set(SHORT_BE, base + IP + 2, (short)(20 + 20 + payload));
        ALL.set(SHORT_BE, base + IP + 6, (short)0x4000);
        ALL.set(ValueLayout.JAVA_BYTE, base + IP + 8, (byte)64);
        ALL.set(ValueLayout.JAVA_BYTE, base + IP + 9, (byte)6);
        ALL.set(INT_BE, base + IP + 16, BenchTopology.VIP);
        ALL.set(SHORT_BE, base + TCP + 2, (short)BenchTopology.VPORT);
        ALL.set(INT_BE, base + TCP + 4, tcpFlags == 0x02 ? 1000 : 1001);
        ALL.set(INT_BE, base + TCP + 8, tcpFlags == 0x02 ? 0 : 2001);
        ALL.set(ValueLayout.JAVA_BYTE, base + TCP + 12, (byte)0x50);
        ALL.set(ValueLayout.JAVA_BYTE, base + TCP + 13, (byte)tcpFlags);
        ALL.set(SHORT_BE, base + TCP + 14, (short)0xFFFF);
        for (int i = 0; i < payload; i++)
        {
            ALL.set(ValueLayout.JAVA_BYTE, base + TCP + 20 + i, (byte)('a' + i));
        }
    }

    private static int pseudoSumWithoutSource(final int l4Length)
    {
        return (BenchTopology.VIP >>> 16) + (BenchTopology.VIP & 0xFFFF) + 6 + l4Length;
    }

    private static int sum16(final MemorySegment f, final int offset, final int length)
    {
        int s = 0;
        for (int i = 0; i < length; i += 2)
        {
            s += f.get(SHORT_BE, offset + i) & 0xFFFF;
        }
        return s;
    }

    private static int fold(final int sum)
    {
        int s = (sum & 0xFFFF) + (sum >>> 16);
        s = (s & 0xFFFF) + (s >>> 16);
        return s;
    }

    /** Builds flow 12345's ACK in a scratch buffer the slow way and checks the fast path's checksums against it. */
    private void selfCheck()
    {
        final int flow = Math.min(12345, flows - 1);
        final MemorySegment f = arena.allocate(BenchTopology.FRAME_LENGTH, 8);
        writeFrame(f, 0x10, TCP_PAYLOAD);
        final int saddr = BenchTopology.clientAddr(flow);
        final int sport = BenchTopology.clientPort(flow);
        f.set(INT_BE, IP_SRC, saddr);
        f.set(SHORT_BE, TCP_SPORT, (short)sport);
        final int ipCsum = ~fold(sum16(f, IP, 20)) & 0xFFFF;
        final int tcpCsum = ~fold(sum16(f, TCP, 20 + TCP_PAYLOAD) + pseudoSumWithoutSource(20 + TCP_PAYLOAD) +
            (saddr >>> 16) + (saddr & 0xFFFF)) & 0xFFFF;
        final int addrSum = (saddr >>> 16) + (saddr & 0xFFFF);
        final int fastIp = ~fold(ackIpBase + addrSum) & 0xFFFF;
        final int fastTcp = ~fold(ackTcpBase + addrSum + sport) & 0xFFFF;
        if (ipCsum != fastIp || tcpCsum != fastTcp)
        {
            throw new IllegalStateException("checksum self-check failed: ip " + ipCsum + " vs " + fastIp +
                ", tcp " + tcpCsum + " vs " + fastTcp);
        }
    }

    private static void log(final String format, final Object... args)
    {
        System.out.printf(Locale.ROOT, "generator: " + format + "%n", args);
        System.out.flush();
    }
}
