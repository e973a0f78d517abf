package io.jlvs.bindings.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EAL in this JVM, an mbuf pool and a net_ring port: the whole binding surface without a NIC. */
class DpdkRingPortTest {

    private static final int BURST = 8;

    private static Dpdk dpdk;

    @BeforeAll
    static void initEal() {
        dpdk = TestDpdk.dpdk();
    }

    @Test
    void shouldLoopPacketsThroughRingPort() {
        final MemorySegment pool = dpdk.createPktmbufPool("loop_pool", 1023);
        final Dpdk.RingPort ring = dpdk.createRingPort("net_loop", 1, 256);
        final Dpdk.PortInfo info = dpdk.setupPort(ring.portId(), Dpdk.PortConfig.of(1, 1, 256, 256), pool);
        assertEquals("net_ring_net_loop", ring.name());
        assertEquals(ring.name(), info.name());
        assertEquals("net_ring", info.driverName());
        assertEquals(ring.portId(), dpdk.portByName(ring.name()));

        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment mbufs = arena.allocate(ADDRESS, BURST);
            assertEquals(0, dpdk.allocMbufs(pool, mbufs, BURST));
            assertEquals(BURST, Dpdk.mempoolInUseCount(pool));

            final byte[][] sent = new byte[BURST][];
            for (int i = 0; i < BURST; i++) {
                final MemorySegment m = mbufs.getAtIndex(ADDRESS, i);
                sent[i] = frame(i, 60 + i * 10);
                final MemorySegment data = RteMbuf.rte_pktmbuf_append(m, sent[i].length);
                assertNotEquals(MemorySegment.NULL, data);
                MemorySegment.copy(sent[i], 0, data, JAVA_BYTE, 0, sent[i].length);
                assertEquals(RteConstants.RTE_PKTMBUF_HEADROOM, RteMbuf.rte_pktmbuf_headroom(m));
            }

            // what the "wire" delivers: enqueue on the port's rx ring, then receive through ethdev
            assertEquals(BURST, LvsShim.lvs_ring_enqueue_burst(ring.rxRings().getFirst(), mbufs, BURST));
            final MemorySegment rx = arena.allocate(ADDRESS, BURST * 2);
            assertEquals(BURST, dpdk.rxBurst(ring.portId(), 0, rx, BURST * 2));
            for (int i = 0; i < BURST; i++) {
                final MemorySegment m = rx.getAtIndex(ADDRESS, i);
                assertEquals(mbufs.getAtIndex(ADDRESS, i), m);
                final MemorySegment mb = rte_mbuf.reinterpret(m);
                assertEquals(sent[i].length, rte_mbuf.pkt_len(mb));
                assertEquals(sent[i].length, rte_mbuf.data_len(mb));
                assertArrayEquals(sent[i], RteMbuf.rte_pktmbuf_mtod(m).toArray(JAVA_BYTE));
            }
            assertEquals(0, dpdk.rxBurst(ring.portId(), 0, rx, BURST * 2), "rx ring drained");

            assertEquals(BURST, dpdk.txBurst(ring.portId(), 0, rx, BURST));
            final MemorySegment out = arena.allocate(ADDRESS, BURST * 2);
            assertEquals(BURST, LvsShim.lvs_ring_count(ring.txRings().getFirst()));
            assertEquals(BURST, LvsShim.lvs_ring_dequeue_burst(ring.txRings().getFirst(), out, BURST * 2));
            for (int i = 0; i < BURST; i++) {
                assertArrayEquals(sent[i], RteMbuf.rte_pktmbuf_mtod(out.getAtIndex(ADDRESS, i)).toArray(JAVA_BYTE));
            }

            final Dpdk.EthStats stats = dpdk.stats(ring.portId());
            assertEquals(BURST, stats.ipackets());
            assertEquals(BURST, stats.opackets());
            assertEquals(0, stats.oerrors());

            dpdk.freeMbufs(out, BURST);
            assertEquals(0, Dpdk.mempoolInUseCount(pool));
            dpdk.resetStats(ring.portId());
            assertEquals(0, dpdk.stats(ring.portId()).ipackets());
        }
    }

    @Test
    void shouldReportMacAndLinkOfRingPort() {
        final MemorySegment pool = dpdk.createPktmbufPool("link_pool", 511);
        final Dpdk.RingPort ring = dpdk.createRingPort("net_link", 2, 64);
        final byte[] mac = dpdk.macAddress(ring.portId());
        assertEquals(6, mac.length);
        assertEquals(0, mac[0] & 1, "unicast: " + Dpdk.formatMac(mac));

        assertTrue(!dpdk.link(ring.portId()).up(), "down before start");
        dpdk.setupPort(ring.portId(), Dpdk.PortConfig.of(2, 2, 0, 0).withPromiscuous(true), pool);
        final Dpdk.EthLink link = dpdk.link(ring.portId());
        assertTrue(link.up());
        assertTrue(link.fullDuplex());
        assertTrue(link.speedMbps() > 0);
        // VRRP's virtual MAC: net_ring keeps a list of addresses, as a NIC's filter does
        assertTrue(dpdk.addMacAddress(ring.portId(), new byte[] {0, 0, 0x5e, 0, 1, 0x33}));
        final DpdkException multicast = assertThrows(DpdkException.class,
            () -> dpdk.addMacAddress(ring.portId(), new byte[] {1, 0, 0x5e, 0, 0, 1}), "a group address is refused");
        assertTrue(multicast.getMessage().contains("rte_eth_dev_mac_addr_add"), multicast.getMessage());
        dpdk.stopPort(ring.portId());
        assertTrue(!dpdk.link(ring.portId()).up(), "down after stop");
        dpdk.closePort(ring.portId());
    }

    @Test
    void shouldRaiseDpdkExceptionWithFunctionAndStrerrorText() {
        final int noSuchPort = RteConstants.RTE_MAX_ETHPORTS - 1;
        final DpdkException e = assertThrows(DpdkException.class, () -> dpdk.portInfo(noSuchPort));
        assertEquals("rte_eth_dev_info_get", e.function());
        assertEquals(-19, e.rc());
        assertEquals("No such device", e.rteError());
        assertTrue(e.getMessage().contains("rte_eth_dev_info_get") && e.getMessage().contains("No such device"),
            e.getMessage());

        dpdk.createPktmbufPool("dup_pool", 63);
        final DpdkException dup = assertThrows(DpdkException.class, () -> dpdk.createPktmbufPool("dup_pool", 63));
        assertEquals("rte_pktmbuf_pool_create", dup.function());
        assertEquals(-17, dup.rc(), "rte_errno EEXIST read on the calling thread");
        assertEquals("File exists", dup.rteError());

        final DpdkException notFound = assertThrows(DpdkException.class, () -> dpdk.portByName("0000:99:00.0"));
        assertTrue(notFound.getMessage().contains("DPDK sees"), notFound.getMessage());
    }

    @Test
    void shouldRunEalOnDedicatedPinnedThreadAndLeaveCallerUnpinned() throws Exception {
        assertEquals(Dpdk.MAIN_LCORE_THREAD_NAME, dpdk.mainLcoreThread().getName());
        assertEquals(0, dpdk.onMainLcore(LvsShim::lvs_lcore_id), "main lcore is -l 0");
        assertEquals(1, dpdk.onMainLcore(LvsShim::lvs_current_thread_cpu_count), "rte_eal_init pinned its caller");
        assertEquals(0, dpdk.onMainLcore(LvsShim::lvs_current_cpu));

        final int cpus = Runtime.getRuntime().availableProcessors();
        assertEquals(cpus, LvsShim.lvs_current_thread_cpu_count(), "the test thread keeps its affinity");
        assertEquals(-1, Dpdk.currentLcoreId(), "an unregistered thread is LCORE_ID_ANY");

        final AtomicIntegerArray seen = new AtomicIntegerArray(4);
        final Thread t = Thread.ofPlatform().start(() -> {
            seen.set(0, Dpdk.currentLcoreId());
            seen.set(1, dpdk.registerCurrentThread());
            seen.set(2, LvsShim.lvs_current_thread_cpu_count());
            dpdk.unregisterCurrentThread();
            seen.set(3, Dpdk.currentLcoreId());
        });
        t.join();
        assertEquals(-1, seen.get(0));
        assertTrue(seen.get(1) > 0 && seen.get(1) < RteConstants.RTE_MAX_LCORE, "registered lcore " + seen.get(1));
        assertEquals(cpus, seen.get(2), "rte_thread_register does not pin");
        assertEquals(-1, seen.get(3));
    }

    @Test
    void shouldPinCallingThread() throws Exception {
        final int[] after = new int[2];
        final Thread t = Thread.ofPlatform().start(() -> {
            Dpdk.pinCurrentThread(0);
            after[0] = LvsShim.lvs_current_thread_cpu_count();
            after[1] = LvsShim.lvs_current_cpu();
        });
        t.join();
        assertEquals(1, after[0]);
        assertEquals(0, after[1]);
        final DpdkException e = assertThrows(DpdkException.class, () -> Dpdk.pinCurrentThread(100_000));
        assertEquals("pthread_setaffinity_np", e.function());
    }

    @Test
    void shouldBeIdempotentPerProcessAndRejectOtherArgs() {
        assertSame(dpdk, Dpdk.init(TestDpdk.EAL_ARGS));
        assertSame(dpdk, Dpdk.current().orElseThrow());
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> Dpdk.init(List.of("--no-huge", "-l", "1")));
        assertTrue(e.getMessage().contains("already initialised"), e.getMessage());
        assertTrue(dpdk.lcoreCount() >= 1);
        assertTrue(Dpdk.runtimeVersion().startsWith("DPDK 22.11"), Dpdk.runtimeVersion());
    }

    @Test
    void shouldResolveRteSymbolsThroughShimLookupAlone() {
        for (String symbol : List.of("rte_eal_init", "rte_strerror", "rte_eth_dev_configure", "rte_eth_stats_get",
            "rte_pktmbuf_pool_create", "rte_mempool_avail_count", "rte_ring_create", "lvs_rx_burst")) {
            assertTrue(DpdkNative.shimLookup().find(symbol).isPresent(), symbol);
        }
        assertTrue(DpdkNative.findOptional("rte_eth_from_rings").isPresent(), "PMD symbol via the fallback");
    }

    /** An Ethernet frame with a recognisable payload. */
    private static byte[] frame(int seq, int length) {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seq * 31 + i);
        }
        b[12] = 0x08;
        b[13] = 0x00;
        return b;
    }
}
