package io.jlvs.bindings.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;

import static io.jlvs.bindings.dpdk.RteConstants.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Hand-written facade over the generated and jextract-shaped bindings: one per process.
 * <p>
 * {@link #init(List)} runs {@code rte_eal_init} once per process on a dedicated daemon thread,
 * {@value #MAIN_LCORE_THREAD_NAME}, because EAL pins its caller to the main lcore's CPU and every thread that
 * caller later creates inherits that mask. That thread then stays alive as the main lcore and runs tasks given to
 * {@link #onMainLcore(Callable)}; nothing on it creates threads.
 * <p>
 * Setup methods throw {@link DpdkException}; the fast-path methods ({@link #rxBurst}, {@link #txBurst},
 * {@link #allocMbufs}, ...) return raw ints like {@link LvsShim}, which they call.
 */
@SuppressWarnings("restricted")
public final class Dpdk {
    /** Linux errno: the operation is not supported (DPDK returns it negated). */
    private static final int ENOTSUP = 95;

    public static final String MAIN_LCORE_THREAD_NAME = "jlvs-eal-main";
    /** argv[0] handed to rte_eal_init. */
    public static final String PROGRAM_NAME = "jlvs";

    private static final int EINVAL = 22;

    private static final Object INIT_LOCK = new Object();
    private static List<String> initArgs;
    private static Dpdk instance;
    private static RuntimeException initFailure;
    private static boolean cleanedUp;

    private final List<String> ealArgs;
    private final MainLcoreThread mainLcore;

    private Dpdk(List<String> ealArgs, MainLcoreThread mainLcore) {
        this.ealArgs = ealArgs;
        this.mainLcore = mainLcore;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    /**
     * Initialises EAL for this process, or returns the existing instance when called again with the same arguments.
     *
     * @param ealArgs EAL arguments without argv[0], e.g. {@code ["-l", "0", "--in-memory", "--no-huge", "-m", "256"]}
     * @throws IllegalStateException if native access is disabled, if EAL was already initialised with other
     *                               arguments, or if an earlier attempt in this process failed
     * @throws DpdkException         if {@code rte_eal_init} fails
     */
    public static Dpdk init(List<String> ealArgs) {
        DpdkNative.requireNativeAccess();
        final List<String> args = List.copyOf(ealArgs);
        synchronized (INIT_LOCK) {
            if (cleanedUp) {
                throw new IllegalStateException("EAL was cleaned up in this process (rte_eal_cleanup); DPDK cannot " +
                    "be initialised again: start a new process");
            }
            if (instance != null) {
                if (!instance.ealArgs.equals(args)) {
                    throw new IllegalStateException("EAL is already initialised in this process with " +
                        instance.ealArgs + "; it cannot be initialised again with " + args);
                }
                return instance;
            }
            if (initFailure != null) {
                throw new IllegalStateException("EAL initialisation already failed in this process (args " +
                    initArgs + "); DPDK cannot retry it: start a new process", initFailure);
            }
            initArgs = args;
            try {
                checkRuntimeVersion();
                final MainLcoreThread thread = new MainLcoreThread();
                thread.call(() -> {
                    ealInit(args);
                    return null;
                });
                instance = new Dpdk(args, thread);
                return instance;
            } catch (RuntimeException e) {
                initFailure = e;
                throw e;
            }
        }
    }

    /** The instance created by {@link #init(List)}, if any. */
    public static Optional<Dpdk> current() {
        synchronized (INIT_LOCK) {
            return Optional.ofNullable(instance);
        }
    }

    public List<String> ealArgs() {
        return ealArgs;
    }

    /** Runs {@code task} on the main-lcore thread (the one that ran {@code rte_eal_init}) and returns its result. */
    public <T> T onMainLcore(Callable<T> task) {
        return mainLcore.call(task);
    }

    public Thread mainLcoreThread() {
        return mainLcore.thread;
    }

    /** {@code rte_version()} of the loaded DPDK, e.g. {@code "DPDK 22.11.11"}. */
    public static String runtimeVersion() {
        return cString(RteEal.rte_version());
    }

    public int lcoreCount() {
        return RteEal.rte_lcore_count();
    }

    /**
     * {@code rte_thread_register()}: gives the calling (non-EAL) thread an lcore id, so it gets a mempool cache.
     * It does not change the thread's CPU affinity. Returns the lcore id.
     */
    public int registerCurrentThread() {
        if (RteEal.rte_thread_register() != 0) {
            throw lastError("rte_thread_register");
        }
        return LvsShim.lvs_lcore_id();
    }

    /** {@code rte_thread_unregister()} for a thread registered by {@link #registerCurrentThread()}. */
    public void unregisterCurrentThread() {
        RteEal.rte_thread_unregister();
    }

    /** The calling thread's lcore id, or -1 ({@code LCORE_ID_ANY}) for an unregistered thread. */
    public static int currentLcoreId() {
        return LvsShim.lvs_lcore_id();
    }

    /** Pins the calling thread to {@code cpu} ({@code pthread_setaffinity_np}). */
    public static void pinCurrentThread(int cpu) {
        final int rc = LvsShim.lvs_pin_current_thread(cpu);
        if (rc != 0) {
            throw new DpdkException("pthread_setaffinity_np", rc, strerror(-rc), "cpu " + cpu);
        }
    }

    /**
     * {@code rte_eal_cleanup()} on the main-lcore thread. Afterwards no DPDK call may be made and this process cannot
     * initialise EAL again.
     */
    public void cleanup() {
        synchronized (INIT_LOCK) {
            if (cleanedUp) {
                return;
            }
            cleanedUp = true;
            instance = null;
        }
        check("rte_eal_cleanup", onMainLcore(RteEal::rte_eal_cleanup));
    }

    // ------------------------------------------------------------------------------------------------ mempools

    /** A pktmbuf pool with the default data room (2048 + headroom), a 256-mbuf per-lcore cache, any socket. */
    public MemorySegment createPktmbufPool(String name, int mbufs) {
        return createPktmbufPool(name, mbufs, Math.min(256, mbufs / 2), RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
    }

    /** {@code rte_pktmbuf_pool_create}; returns the {@code struct rte_mempool *}. */
    public MemorySegment createPktmbufPool(String name, int mbufs, int cacheSize, int dataRoomSize, int socketId) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment pool = RteMbuf.rte_pktmbuf_pool_create(arena.allocateFrom(name), mbufs, cacheSize,
                (short) 0, (short) dataRoomSize, socketId);
            if (MemorySegment.NULL.equals(pool)) {
                throw lastError("rte_pktmbuf_pool_create", "pool '" + name + "' of " + mbufs + " mbufs");
            }
            return pool;
        }
    }

    public static int mempoolAvailCount(MemorySegment pool) {
        return RteMempool.rte_mempool_avail_count(pool);
    }

    public static int mempoolInUseCount(MemorySegment pool) {
        return RteMempool.rte_mempool_in_use_count(pool);
    }

    public static void freeMempool(MemorySegment pool) {
        RteMempool.rte_mempool_free(pool);
    }

    // ------------------------------------------------------------------------------------------------ rings

    /** {@code rte_ring_create}; {@code count} must be a power of two unless flags has {@code RING_F_EXACT_SZ}. */
    public MemorySegment createRing(String name, int count, int socketId, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment ring = RteRing.rte_ring_create(arena.allocateFrom(name), count, socketId, flags);
            if (MemorySegment.NULL.equals(ring)) {
                throw lastError("rte_ring_create", "ring '" + name + "' of " + count);
            }
            return ring;
        }
    }

    /**
     * An ethdev made of rings by {@code rte_eth_from_rings}: rx_burst dequeues rxRings, tx_burst enqueues txRings.
     * {@code name} is the ethdev name, which net_ring prefixes: {@code net_ring_<name>}.
     */
    public record RingPort(int portId, String name, List<MemorySegment> rxRings, List<MemorySegment> txRings) {
    }

    /**
     * Creates single-producer/single-consumer rings {@code <name>_rx<q>}/{@code <name>_tx<q>} and a {@code net_ring}
     * port over them (ethdev name {@code net_ring_<name>}): a NIC stand-in for tests.
     */
    public RingPort createRingPort(String name, int queues, int ringSize) {
        final List<MemorySegment> rx = new ArrayList<>(queues);
        final List<MemorySegment> tx = new ArrayList<>(queues);
        for (int q = 0; q < queues; q++) {
            rx.add(createRing(name + "_rx" + q, ringSize, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ));
            tx.add(createRing(name + "_tx" + q, ringSize, SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ));
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment rxArray = arena.allocate(ADDRESS, queues);
            final MemorySegment txArray = arena.allocate(ADDRESS, queues);
            for (int q = 0; q < queues; q++) {
                rxArray.setAtIndex(ADDRESS, q, rx.get(q));
                txArray.setAtIndex(ADDRESS, q, tx.get(q));
            }
            final int port = RteEthRing.rte_eth_from_rings(arena.allocateFrom(name), rxArray, queues, txArray,
                queues, SOCKET_ID_ANY);
            if (port < 0) {
                throw lastError("rte_eth_from_rings", "port '" + name + "'");
            }
            final MemorySegment ethdevName = arena.allocate(RTE_ETH_NAME_MAX_LEN);
            check("rte_eth_dev_get_name_by_port", RteEthdev.rte_eth_dev_get_name_by_port((short) port, ethdevName));
            return new RingPort(port, ethdevName.getString(0), List.copyOf(rx), List.copyOf(tx));
        }
    }

    // ------------------------------------------------------------------------------------------------ ports

    /**
     * How to set up a port.
     *
     * @param rxQueues    rx queues (RSS across them when more than one and the device can hash)
     * @param txQueues    tx queues
     * @param rxDesc      rx ring size; 0 lets the driver choose
     * @param txDesc      tx ring size; 0 lets the driver choose
     * @param mtu         0 for the default (1500)
     * @param rssHf       wanted {@code RTE_ETH_RSS_*} hash functions, masked by what the device supports
     * @param rxOffloads  {@code RTE_ETH_RX_OFFLOAD_*}, passed as is (DPDK rejects unsupported ones)
     * @param txOffloads  {@code RTE_ETH_TX_OFFLOAD_*}, passed as is
     * @param promiscuous enable promiscuous mode after start
     */
    public record PortConfig(int rxQueues, int txQueues, int rxDesc, int txDesc, int mtu, long rssHf,
                             long rxOffloads, long txOffloads, boolean promiscuous) {

        public static PortConfig of(int rxQueues, int txQueues, int rxDesc, int txDesc) {
            return new PortConfig(rxQueues, txQueues, rxDesc, txDesc, 0,
                RTE_ETH_RSS_IP | RTE_ETH_RSS_TCP | RTE_ETH_RSS_UDP, 0, 0, false);
        }

        public PortConfig withMtu(int newMtu) {
            return new PortConfig(rxQueues, txQueues, rxDesc, txDesc, newMtu, rssHf, rxOffloads, txOffloads, promiscuous);
        }

        public PortConfig withPromiscuous(boolean on) {
            return new PortConfig(rxQueues, txQueues, rxDesc, txDesc, mtu, rssHf, rxOffloads, txOffloads, on);
        }
    }

    /** What {@code rte_eth_dev_info_get} says about a port. */
    public record PortInfo(int portId, String name, String driverName, int socketId, int maxRxQueues,
                           int maxTxQueues, int minMtu, int maxMtu, long maxRxPktLen, long rxOffloadCapa,
                           long txOffloadCapa, long flowTypeRssOffloads, int defaultRxRingSize,
                           int defaultTxRingSize) {
    }

    /** {@code struct rte_eth_stats} port totals. */
    public record EthStats(long ipackets, long opackets, long ibytes, long obytes, long imissed, long ierrors,
                           long oerrors, long rxNombuf) {
    }

    /** {@code struct rte_eth_link}, read without waiting. */
    public record EthLink(int speedMbps, boolean up, boolean fullDuplex) {
    }

    public int portCount() {
        return Short.toUnsignedInt(RteEthdev.rte_eth_dev_count_avail());
    }

    /** {@code rte_eth_dev_get_port_by_name}: a PCI address ({@code 0000:01:00.0}) or vdev name ({@code net_ring0}). */
    public OptionalInt findPort(String name) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment id = arena.allocate(JAVA_SHORT);
            final int rc = RteEthdev.rte_eth_dev_get_port_by_name(arena.allocateFrom(name), id);
            return rc == 0 ? OptionalInt.of(Short.toUnsignedInt(id.get(JAVA_SHORT, 0))) : OptionalInt.empty();
        }
    }

    /** Like {@link #findPort} but throws a {@link DpdkException} naming the ports DPDK does see. */
    public int portByName(String name) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment id = arena.allocate(JAVA_SHORT);
            final int rc = RteEthdev.rte_eth_dev_get_port_by_name(arena.allocateFrom(name), id);
            if (rc != 0) {
                throw new DpdkException("rte_eth_dev_get_port_by_name", rc, strerror(-rc),
                    "no port '" + name + "'; DPDK sees " + portNames());
            }
            return Short.toUnsignedInt(id.get(JAVA_SHORT, 0));
        }
    }

    /** Names of every valid port, in port-id order; {@link #findPort} maps a name to its id. */
    public List<String> portNames() {
        final List<String> names = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment buf = arena.allocate(RTE_ETH_NAME_MAX_LEN);
            for (int p = 0; p < RTE_MAX_ETHPORTS; p++) {
                if (RteEthdev.rte_eth_dev_is_valid_port((short) p) == 1 &&
                    RteEthdev.rte_eth_dev_get_name_by_port((short) p, buf) == 0) {
                    names.add(buf.getString(0));
                }
            }
        }
        return names;
    }

    public PortInfo portInfo(int port) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment info = rte_eth_dev_info.allocate(arena);
            check("rte_eth_dev_info_get", RteEthdev.rte_eth_dev_info_get((short) port, info), "port " + port);
            final MemorySegment name = arena.allocate(RTE_ETH_NAME_MAX_LEN);
            RteEthdev.rte_eth_dev_get_name_by_port((short) port, name);
            return new PortInfo(port, name.getString(0), cString(rte_eth_dev_info.driver_name(info)),
                RteEthdev.rte_eth_dev_socket_id((short) port),
                Short.toUnsignedInt(rte_eth_dev_info.max_rx_queues(info)),
                Short.toUnsignedInt(rte_eth_dev_info.max_tx_queues(info)),
                Short.toUnsignedInt(rte_eth_dev_info.min_mtu(info)),
                Short.toUnsignedInt(rte_eth_dev_info.max_mtu(info)),
                Integer.toUnsignedLong(rte_eth_dev_info.max_rx_pktlen(info)),
                rte_eth_dev_info.rx_offload_capa(info),
                rte_eth_dev_info.tx_offload_capa(info),
                rte_eth_dev_info.flow_type_rss_offloads(info),
                Short.toUnsignedInt(rte_eth_dev_info.default_rxportconf_ring_size(info)),
                Short.toUnsignedInt(rte_eth_dev_info.default_txportconf_ring_size(info)));
        }
    }

    /**
     * {@code rte_eth_dev_configure} plus every rx/tx queue's setup, on the port's NUMA socket; does not start it.
     *
     * @param pool the {@code struct rte_mempool *} every rx queue fills from
     */
    public void configurePort(int port, PortConfig config, MemorySegment pool) {
        Objects.requireNonNull(pool, "pool");
        final PortInfo info = portInfo(port);
        final String where = "port " + port + " (" + info.name() + ", " + info.driverName() + ")";
        if (config.rxQueues() > info.maxRxQueues() || config.txQueues() > info.maxTxQueues()) {
            throw new DpdkException("rte_eth_dev_configure", -EINVAL, strerror(EINVAL), where + ": asked for " +
                config.rxQueues() + " rx / " + config.txQueues() + " tx queues, device allows " +
                info.maxRxQueues() + " / " + info.maxTxQueues());
        }
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment conf = rte_eth_conf.allocate(arena);
            final long rssHf = config.rssHf() & info.flowTypeRssOffloads();
            if (config.rxQueues() > 1 && rssHf != 0) {
                rte_eth_conf.rxmode_mq_mode(conf, RTE_ETH_MQ_RX_RSS);
                rte_eth_conf.rx_adv_conf_rss_conf_rss_hf(conf, rssHf);
            } else {
                rte_eth_conf.rxmode_mq_mode(conf, RTE_ETH_MQ_RX_NONE);
            }
            rte_eth_conf.rxmode_mtu(conf, config.mtu());
            rte_eth_conf.rxmode_offloads(conf, config.rxOffloads());
            rte_eth_conf.txmode_mq_mode(conf, RTE_ETH_MQ_TX_NONE);
            rte_eth_conf.txmode_offloads(conf, config.txOffloads());
            check("rte_eth_dev_configure", RteEthdev.rte_eth_dev_configure((short) port,
                (short) config.rxQueues(), (short) config.txQueues(), conf), where);
        }
        final int socket = info.socketId();
        for (int q = 0; q < config.rxQueues(); q++) {
            check("rte_eth_rx_queue_setup", RteEthdev.rte_eth_rx_queue_setup((short) port, (short) q,
                (short) config.rxDesc(), socket, MemorySegment.NULL, pool), where + " rx queue " + q);
        }
        for (int q = 0; q < config.txQueues(); q++) {
            check("rte_eth_tx_queue_setup", RteEthdev.rte_eth_tx_queue_setup((short) port, (short) q,
                (short) config.txDesc(), socket, MemorySegment.NULL), where + " tx queue " + q);
        }
    }

    /** {@link #configurePort}, {@code rte_eth_dev_start}, then promiscuous mode if asked. */
    public PortInfo setupPort(int port, PortConfig config, MemorySegment pool) {
        configurePort(port, config, pool);
        startPort(port);
        if (config.promiscuous()) {
            setPromiscuous(port, true);
        }
        return portInfo(port);
    }

    public void startPort(int port) {
        check("rte_eth_dev_start", RteEthdev.rte_eth_dev_start((short) port), "port " + port);
    }

    public void stopPort(int port) {
        check("rte_eth_dev_stop", RteEthdev.rte_eth_dev_stop((short) port), "port " + port);
    }

    public void closePort(int port) {
        check("rte_eth_dev_close", RteEthdev.rte_eth_dev_close((short) port), "port " + port);
    }

    public void setPromiscuous(int port, boolean on) {
        if (on) {
            check("rte_eth_promiscuous_enable", RteEthdev.rte_eth_promiscuous_enable((short) port), "port " + port);
        } else {
            check("rte_eth_promiscuous_disable", RteEthdev.rte_eth_promiscuous_disable((short) port), "port " + port);
        }
    }

    public void setMtu(int port, int mtu) {
        check("rte_eth_dev_set_mtu", RteEthdev.rte_eth_dev_set_mtu((short) port, (short) mtu), "port " + port);
    }

    /**
     * Adds a MAC address the port receives for, beside its own ({@code rte_eth_dev_mac_addr_add}, pool 0).
     *
     * @return false when the driver cannot filter on more than one address (-ENOTSUP): promiscuous mode then.
     */
    public boolean addMacAddress(int port, byte[] mac) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment addr = rte_ether_addr.allocate(arena);
            MemorySegment.copy(MemorySegment.ofArray(mac), 0, rte_ether_addr.addr_bytes(addr), 0, 6);
            final int rc = RteEthdev.rte_eth_dev_mac_addr_add((short) port, addr, 0);
            if (rc == -ENOTSUP) {
                return false;
            }
            check("rte_eth_dev_mac_addr_add", rc, "port " + port);
            return true;
        }
    }

    /** Whether the port's link is up, as its driver says without waiting ({@code rte_eth_link_get_nowait}). */
    public boolean linkUp(int port) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment up = arena.allocate(JAVA_INT);
            check("rte_eth_link_get_nowait", LvsShim.lvs_link_get_nowait(port, MemorySegment.NULL, up,
                MemorySegment.NULL), "port " + port);
            return up.get(JAVA_INT, 0) != 0;
        }
    }

    /** The port's MAC address, 6 bytes in wire order. */
    public byte[] macAddress(int port) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment mac = rte_ether_addr.allocate(arena);
            check("rte_eth_macaddr_get", RteEthdev.rte_eth_macaddr_get((short) port, mac), "port " + port);
            return rte_ether_addr.addr_bytes(mac).toArray(JAVA_BYTE);
        }
    }

    /** The 6 bytes of a MAC held in a long's low 48 bits, first byte highest (as the dataplane holds them). */
    public static byte[] macBytes(long mac) {
        final byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (mac >>> (40 - 8 * i));
        }
        return b;
    }

    /** {@code aa:bb:cc:dd:ee:ff}. */
    public static String formatMac(byte[] mac) {
        return HexFormat.ofDelimiter(":").formatHex(mac);
    }

    public EthStats stats(int port) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment s = rte_eth_stats.allocate(arena);
            check("rte_eth_stats_get", RteEthdev.rte_eth_stats_get((short) port, s), "port " + port);
            return new EthStats(rte_eth_stats.ipackets(s), rte_eth_stats.opackets(s), rte_eth_stats.ibytes(s),
                rte_eth_stats.obytes(s), rte_eth_stats.imissed(s), rte_eth_stats.ierrors(s),
                rte_eth_stats.oerrors(s), rte_eth_stats.rx_nombuf(s));
        }
    }

    public void resetStats(int port) {
        check("rte_eth_stats_reset", RteEthdev.rte_eth_stats_reset((short) port), "port " + port);
    }

    /** Link state without waiting ({@code rte_eth_link_get_nowait}). */
    public EthLink link(int port) {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment out = arena.allocate(JAVA_INT, 3);
            final int rc = LvsShim.lvs_link_get_nowait(port, out, out.asSlice(4), out.asSlice(8));
            check("rte_eth_link_get_nowait", rc, "port " + port);
            return new EthLink(out.getAtIndex(JAVA_INT, 0), out.getAtIndex(JAVA_INT, 1) != 0,
                out.getAtIndex(JAVA_INT, 2) != 0);
        }
    }

    // ------------------------------------------------------------------------------------------------ fast path

    /** {@code rte_eth_rx_burst}: fills {@code mbufs} (an array of {@code struct rte_mbuf *}); returns how many. */
    public int rxBurst(int port, int queue, MemorySegment mbufs, int n) {
        return LvsShim.lvs_rx_burst(port, queue, mbufs, n);
    }

    /** {@code rte_eth_tx_burst}: returns how many were queued; the caller still owns the rest. */
    public int txBurst(int port, int queue, MemorySegment mbufs, int n) {
        return LvsShim.lvs_tx_burst(port, queue, mbufs, n);
    }

    /** {@code rte_pktmbuf_alloc_bulk}: 0, or -ENOENT with nothing allocated. */
    public int allocMbufs(MemorySegment pool, MemorySegment mbufs, int n) {
        return LvsShim.lvs_pktmbuf_alloc_bulk(pool, mbufs, n);
    }

    /** {@code rte_pktmbuf_alloc}: an mbuf or {@link MemorySegment#NULL}. */
    public MemorySegment allocMbuf(MemorySegment pool) {
        return LvsShim.lvs_pktmbuf_alloc(pool);
    }

    public void freeMbufs(MemorySegment mbufs, int n) {
        LvsShim.lvs_pktmbuf_free_bulk(mbufs, n);
    }

    public void freeMbuf(MemorySegment mbuf) {
        LvsShim.lvs_pktmbuf_free(mbuf);
    }

    // ------------------------------------------------------------------------------------------------ errors

    /** {@code rte_strerror(errnum)}: DPDK's own codes and libc's. */
    public static String strerror(int errnum) {
        return cString(RteEal.rte_strerror(errnum));
    }

    /** Throws a {@link DpdkException} when {@code rc < 0}; returns rc otherwise. */
    public static int check(String function, int rc) {
        return check(function, rc, null);
    }

    public static int check(String function, int rc, String detail) {
        if (rc < 0) {
            throw new DpdkException(function, rc, strerror(-rc), detail);
        }
        return rc;
    }

    /** For calls that return NULL or -1 and set {@code rte_errno}: read it on this thread, now. */
    static DpdkException lastError(String function) {
        return lastError(function, null);
    }

    static DpdkException lastError(String function, String detail) {
        final int errno = LvsShim.lvs_errno();
        return new DpdkException(function, -errno, strerror(errno), detail);
    }

    static String cString(MemorySegment s) {
        return MemorySegment.NULL.equals(s) ? "" : s.reinterpret(Integer.MAX_VALUE).getString(0);
    }

    // ------------------------------------------------------------------------------------------------ internals

    private static void checkRuntimeVersion() {
        final String runtime = runtimeVersion();
        final String built = "DPDK " + RTE_VER_YEAR + "." + String.format("%02d", RTE_VER_MONTH) + ".";
        if (!runtime.startsWith(built) || LvsShim.lvs_rte_version_num() != RTE_VERSION_NUM) {
            throw new IllegalStateException("jlvs bindings were built against " + RTE_VERSION + " but the loaded " +
                "DPDK is " + runtime + ": rebuild the bindings module on this machine");
        }
    }

    private static void ealInit(List<String> args) {
        // argv lives for the whole process: EAL's getopt permutes it and some options keep pointers into it.
        final Arena arena = Arena.global();
        final MemorySegment argv = arena.allocate(ADDRESS, args.size() + 2L);
        argv.setAtIndex(ADDRESS, 0, arena.allocateFrom(PROGRAM_NAME));
        for (int i = 0; i < args.size(); i++) {
            argv.setAtIndex(ADDRESS, i + 1, arena.allocateFrom(args.get(i)));
        }
        argv.setAtIndex(ADDRESS, args.size() + 1, MemorySegment.NULL);
        final int rc = RteEal.rte_eal_init(args.size() + 1, argv);
        if (rc < 0) {
            throw lastError("rte_eal_init", "args " + args + " (see EAL's log above; DpdkPreflight.beforeInit " +
                "explains common causes)");
        }
    }

    /** The main lcore: runs rte_eal_init, then tasks, on one platform thread that never creates threads. */
    private static final class MainLcoreThread {
        private final BlockingQueue<FutureTask<?>> tasks = new LinkedBlockingQueue<>();
        private final Thread thread;

        MainLcoreThread() {
            thread = Thread.ofPlatform().name(MAIN_LCORE_THREAD_NAME).daemon(true).unstarted(this::loop);
            thread.start();
        }

        private void loop() {
            while (true) {
                try {
                    tasks.take().run();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        <T> T call(Callable<T> task) {
            if (Thread.currentThread() == thread) {
                try {
                    return task.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            final FutureTask<T> future = new FutureTask<>(task);
            tasks.add(future);
            boolean interrupted = false;
            try {
                while (true) {
                    try {
                        return future.get();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    } catch (ExecutionException e) {
                        final Throwable cause = e.getCause();
                        if (cause instanceof RuntimeException re) {
                            throw re;
                        }
                        if (cause instanceof Error err) {
                            throw err;
                        }
                        throw new IllegalStateException(cause);
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "Dpdk" + ealArgs;
    }
}
