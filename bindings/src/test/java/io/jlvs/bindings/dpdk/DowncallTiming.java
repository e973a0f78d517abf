package io.jlvs.bindings.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A quick timing loop, not a benchmark (JMH lives in perf): downcall cost of an empty shim call, critical and not,
 * and of rx_burst on an empty net_ring port. Run from the jar to exercise the extract-to-temp path:
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp bindings/target/jlvs-bindings-0.1.0-SNAPSHOT.jar:bindings/target/test-classes \
 *   io.jlvs.bindings.dpdk.DowncallTiming
 * </pre>
 */
@SuppressWarnings("restricted")
final class DowncallTiming {

    private static final int ROUNDS = 5;
    private static final int CALLS = 20_000_000;

    private DowncallTiming() {
    }

    public static void main(String[] args) throws Throwable {
        System.out.println("shim: " + DpdkNative.shimPath());
        System.out.println("rte_eth_from_rings in shim lookup before EAL init: " +
            DpdkNative.shimLookup().find("rte_eth_from_rings").isPresent());
        final Dpdk dpdk = TestDpdk.dpdk();
        System.out.println("rte_eth_from_rings in shim lookup after EAL init: " +
            DpdkNative.shimLookup().find("rte_eth_from_rings").isPresent());
        System.out.println(Dpdk.runtimeVersion() + ", caller lcore " + Dpdk.currentLcoreId() + ", cpu count " +
            LvsShim.lvs_current_thread_cpu_count());

        final MethodHandle noopNotCritical = DpdkNative.linker().downcallHandle(LvsShim.lvs_noop$address(),
            FunctionDescriptor.of(JAVA_INT));
        final MemorySegment pool = dpdk.createPktmbufPool("timing_pool", 1023);
        final Dpdk.RingPort ring = dpdk.createRingPort("timing", 1, 1024);
        dpdk.setupPort(ring.portId(), Dpdk.PortConfig.of(1, 1, 1024, 1024), pool);

        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment mbufs = arena.allocate(ADDRESS, 32);
            final int port = ring.portId();
            for (int round = 0; round < ROUNDS; round++) {
                long sink = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += LvsShim.lvs_noop();
                }
                final double critical = (System.nanoTime() - t0) / (double) CALLS;

                t0 = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += (int) noopNotCritical.invokeExact();
                }
                final double notCritical = (System.nanoTime() - t0) / (double) CALLS;

                t0 = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += LvsShim.lvs_rx_burst(port, 0, mbufs, 32);
                }
                final double rxEmpty = (System.nanoTime() - t0) / (double) CALLS;
                System.out.printf("round %d: lvs_noop critical %.2f ns, lvs_noop not critical %.2f ns, " +
                    "rx_burst(32) on empty net_ring %.2f ns (sink %d)%n", round, critical, notCritical, rxEmpty, sink);
            }
        }
    }
}
