package io.jlvs.bindings.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * Functions of {@code rte_eth_ring.h} (the {@code net_ring} PMD, {@code librte_net_ring.so.23}), in jextract's shape.
 * libdpdk does not link PMDs, so this symbol comes from {@link DpdkNative}'s fallback lookup.
 */
@SuppressWarnings("restricted")
public final class RteEthRing {

    private RteEthRing() {
        // static members only
    }

    private static final class rte_eth_from_rings {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_from_rings");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_from_rings$descriptor() {
        return rte_eth_from_rings.DESC;
    }

    public static MethodHandle rte_eth_from_rings$handle() {
        return rte_eth_from_rings.HANDLE;
    }

    public static MemorySegment rte_eth_from_rings$address() {
        return rte_eth_from_rings.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_from_rings(const char *name, struct rte_ring *const rx_queues[], const unsigned nb_rx_queues, struct rte_ring *const tx_queues[], const unsigned nb_tx_queues, const unsigned numa_node)
     * }
     */
    public static int rte_eth_from_rings(MemorySegment name, MemorySegment rx_queues, int nb_rx_queues, MemorySegment tx_queues, int nb_tx_queues, int numa_node) {
        var mh$ = rte_eth_from_rings.HANDLE;
        try {
            return (int) mh$.invokeExact(name, rx_queues, nb_rx_queues, tx_queues, nb_tx_queues, numa_node);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
