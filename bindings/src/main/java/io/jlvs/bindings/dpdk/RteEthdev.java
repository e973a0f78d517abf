package io.jlvs.bindings.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * Functions of {@code rte_ethdev.h}, in jextract's shape. {@code uint16_t} maps to {@code short} as jextract maps it.
 * The static-inline burst functions are in {@link LvsShim}.
 */
@SuppressWarnings("restricted")
public final class RteEthdev {

    private RteEthdev() {
        // static members only
    }

    private static final class rte_eth_dev_count_avail {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_count_avail");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_count_avail$descriptor() {
        return rte_eth_dev_count_avail.DESC;
    }

    public static MethodHandle rte_eth_dev_count_avail$handle() {
        return rte_eth_dev_count_avail.HANDLE;
    }

    public static MemorySegment rte_eth_dev_count_avail$address() {
        return rte_eth_dev_count_avail.ADDR;
    }

    /**
     * {@snippet lang=c :
     * uint16_t rte_eth_dev_count_avail(void)
     * }
     */
    public static short rte_eth_dev_count_avail() {
        var mh$ = rte_eth_dev_count_avail.HANDLE;
        try {
            return (short) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_is_valid_port {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_is_valid_port");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_is_valid_port$descriptor() {
        return rte_eth_dev_is_valid_port.DESC;
    }

    public static MethodHandle rte_eth_dev_is_valid_port$handle() {
        return rte_eth_dev_is_valid_port.HANDLE;
    }

    public static MemorySegment rte_eth_dev_is_valid_port$address() {
        return rte_eth_dev_is_valid_port.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_is_valid_port(uint16_t port_id)
     * }
     */
    public static int rte_eth_dev_is_valid_port(short port_id) {
        var mh$ = rte_eth_dev_is_valid_port.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_info_get {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_info_get");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_info_get$descriptor() {
        return rte_eth_dev_info_get.DESC;
    }

    public static MethodHandle rte_eth_dev_info_get$handle() {
        return rte_eth_dev_info_get.HANDLE;
    }

    public static MemorySegment rte_eth_dev_info_get$address() {
        return rte_eth_dev_info_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_info_get(uint16_t port_id, struct rte_eth_dev_info *dev_info)
     * }
     */
    public static int rte_eth_dev_info_get(short port_id, MemorySegment dev_info) {
        var mh$ = rte_eth_dev_info_get.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, dev_info);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_configure {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_configure");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_configure$descriptor() {
        return rte_eth_dev_configure.DESC;
    }

    public static MethodHandle rte_eth_dev_configure$handle() {
        return rte_eth_dev_configure.HANDLE;
    }

    public static MemorySegment rte_eth_dev_configure$address() {
        return rte_eth_dev_configure.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_configure(uint16_t port_id, uint16_t nb_rx_queue, uint16_t nb_tx_queue, const struct rte_eth_conf *eth_conf)
     * }
     */
    public static int rte_eth_dev_configure(short port_id, short nb_rx_queue, short nb_tx_queue, MemorySegment eth_conf) {
        var mh$ = rte_eth_dev_configure.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, nb_rx_queue, nb_tx_queue, eth_conf);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_rx_queue_setup {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_rx_queue_setup");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_rx_queue_setup$descriptor() {
        return rte_eth_rx_queue_setup.DESC;
    }

    public static MethodHandle rte_eth_rx_queue_setup$handle() {
        return rte_eth_rx_queue_setup.HANDLE;
    }

    public static MemorySegment rte_eth_rx_queue_setup$address() {
        return rte_eth_rx_queue_setup.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_rx_desc, unsigned int socket_id, const struct rte_eth_rxconf *rx_conf, struct rte_mempool *mb_pool)
     * }
     */
    public static int rte_eth_rx_queue_setup(short port_id, short rx_queue_id, short nb_rx_desc, int socket_id, MemorySegment rx_conf, MemorySegment mb_pool) {
        var mh$ = rte_eth_rx_queue_setup.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, rx_queue_id, nb_rx_desc, socket_id, rx_conf, mb_pool);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_tx_queue_setup {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_tx_queue_setup");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_tx_queue_setup$descriptor() {
        return rte_eth_tx_queue_setup.DESC;
    }

    public static MethodHandle rte_eth_tx_queue_setup$handle() {
        return rte_eth_tx_queue_setup.HANDLE;
    }

    public static MemorySegment rte_eth_tx_queue_setup$address() {
        return rte_eth_tx_queue_setup.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_tx_desc, unsigned int socket_id, const struct rte_eth_txconf *tx_conf)
     * }
     */
    public static int rte_eth_tx_queue_setup(short port_id, short tx_queue_id, short nb_tx_desc, int socket_id, MemorySegment tx_conf) {
        var mh$ = rte_eth_tx_queue_setup.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, tx_queue_id, nb_tx_desc, socket_id, tx_conf);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_start {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_start");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_start$descriptor() {
        return rte_eth_dev_start.DESC;
    }

    public static MethodHandle rte_eth_dev_start$handle() {
        return rte_eth_dev_start.HANDLE;
    }

    public static MemorySegment rte_eth_dev_start$address() {
        return rte_eth_dev_start.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_start(uint16_t port_id)
     * }
     */
    public static int rte_eth_dev_start(short port_id) {
        var mh$ = rte_eth_dev_start.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_stop {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_stop");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_stop$descriptor() {
        return rte_eth_dev_stop.DESC;
    }

    public static MethodHandle rte_eth_dev_stop$handle() {
        return rte_eth_dev_stop.HANDLE;
    }

    public static MemorySegment rte_eth_dev_stop$address() {
        return rte_eth_dev_stop.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_stop(uint16_t port_id)
     * }
     */
    public static int rte_eth_dev_stop(short port_id) {
        var mh$ = rte_eth_dev_stop.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_close {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_close");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_close$descriptor() {
        return rte_eth_dev_close.DESC;
    }

    public static MethodHandle rte_eth_dev_close$handle() {
        return rte_eth_dev_close.HANDLE;
    }

    public static MemorySegment rte_eth_dev_close$address() {
        return rte_eth_dev_close.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_close(uint16_t port_id)
     * }
     */
    public static int rte_eth_dev_close(short port_id) {
        var mh$ = rte_eth_dev_close.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_stats_get {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_stats_get");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_stats_get$descriptor() {
        return rte_eth_stats_get.DESC;
    }

    public static MethodHandle rte_eth_stats_get$handle() {
        return rte_eth_stats_get.HANDLE;
    }

    public static MemorySegment rte_eth_stats_get$address() {
        return rte_eth_stats_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_stats_get(uint16_t port_id, struct rte_eth_stats *stats)
     * }
     */
    public static int rte_eth_stats_get(short port_id, MemorySegment stats) {
        var mh$ = rte_eth_stats_get.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, stats);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_stats_reset {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_stats_reset");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_stats_reset$descriptor() {
        return rte_eth_stats_reset.DESC;
    }

    public static MethodHandle rte_eth_stats_reset$handle() {
        return rte_eth_stats_reset.HANDLE;
    }

    public static MemorySegment rte_eth_stats_reset$address() {
        return rte_eth_stats_reset.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_stats_reset(uint16_t port_id)
     * }
     */
    public static int rte_eth_stats_reset(short port_id) {
        var mh$ = rte_eth_stats_reset.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_macaddr_get {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_macaddr_get");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_macaddr_get$descriptor() {
        return rte_eth_macaddr_get.DESC;
    }

    public static MethodHandle rte_eth_macaddr_get$handle() {
        return rte_eth_macaddr_get.HANDLE;
    }

    public static MemorySegment rte_eth_macaddr_get$address() {
        return rte_eth_macaddr_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_macaddr_get(uint16_t port_id, struct rte_ether_addr *mac_addr)
     * }
     */
    public static int rte_eth_macaddr_get(short port_id, MemorySegment mac_addr) {
        var mh$ = rte_eth_macaddr_get.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, mac_addr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_mac_addr_add {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_mac_addr_add");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_mac_addr_add$descriptor() {
        return rte_eth_dev_mac_addr_add.DESC;
    }

    public static MethodHandle rte_eth_dev_mac_addr_add$handle() {
        return rte_eth_dev_mac_addr_add.HANDLE;
    }

    public static MemorySegment rte_eth_dev_mac_addr_add$address() {
        return rte_eth_dev_mac_addr_add.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_mac_addr_add(uint16_t port_id, struct rte_ether_addr *mac_addr, uint32_t pool)
     * }
     */
    public static int rte_eth_dev_mac_addr_add(short port_id, MemorySegment mac_addr, int pool) {
        var mh$ = rte_eth_dev_mac_addr_add.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, mac_addr, pool);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_promiscuous_enable {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_promiscuous_enable");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_promiscuous_enable$descriptor() {
        return rte_eth_promiscuous_enable.DESC;
    }

    public static MethodHandle rte_eth_promiscuous_enable$handle() {
        return rte_eth_promiscuous_enable.HANDLE;
    }

    public static MemorySegment rte_eth_promiscuous_enable$address() {
        return rte_eth_promiscuous_enable.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_promiscuous_enable(uint16_t port_id)
     * }
     */
    public static int rte_eth_promiscuous_enable(short port_id) {
        var mh$ = rte_eth_promiscuous_enable.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_promiscuous_disable {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_promiscuous_disable");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_promiscuous_disable$descriptor() {
        return rte_eth_promiscuous_disable.DESC;
    }

    public static MethodHandle rte_eth_promiscuous_disable$handle() {
        return rte_eth_promiscuous_disable.HANDLE;
    }

    public static MemorySegment rte_eth_promiscuous_disable$address() {
        return rte_eth_promiscuous_disable.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_promiscuous_disable(uint16_t port_id)
     * }
     */
    public static int rte_eth_promiscuous_disable(short port_id) {
        var mh$ = rte_eth_promiscuous_disable.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_promiscuous_get {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_promiscuous_get");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_promiscuous_get$descriptor() {
        return rte_eth_promiscuous_get.DESC;
    }

    public static MethodHandle rte_eth_promiscuous_get$handle() {
        return rte_eth_promiscuous_get.HANDLE;
    }

    public static MemorySegment rte_eth_promiscuous_get$address() {
        return rte_eth_promiscuous_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_promiscuous_get(uint16_t port_id)
     * }
     */
    public static int rte_eth_promiscuous_get(short port_id) {
        var mh$ = rte_eth_promiscuous_get.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_get_port_by_name {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_get_port_by_name");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_get_port_by_name$descriptor() {
        return rte_eth_dev_get_port_by_name.DESC;
    }

    public static MethodHandle rte_eth_dev_get_port_by_name$handle() {
        return rte_eth_dev_get_port_by_name.HANDLE;
    }

    public static MemorySegment rte_eth_dev_get_port_by_name$address() {
        return rte_eth_dev_get_port_by_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_get_port_by_name(const char *name, uint16_t *port_id)
     * }
     */
    public static int rte_eth_dev_get_port_by_name(MemorySegment name, MemorySegment port_id) {
        var mh$ = rte_eth_dev_get_port_by_name.HANDLE;
        try {
            return (int) mh$.invokeExact(name, port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_get_name_by_port {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_get_name_by_port");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_get_name_by_port$descriptor() {
        return rte_eth_dev_get_name_by_port.DESC;
    }

    public static MethodHandle rte_eth_dev_get_name_by_port$handle() {
        return rte_eth_dev_get_name_by_port.HANDLE;
    }

    public static MemorySegment rte_eth_dev_get_name_by_port$address() {
        return rte_eth_dev_get_name_by_port.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_get_name_by_port(uint16_t port_id, char *name)
     * }
     */
    public static int rte_eth_dev_get_name_by_port(short port_id, MemorySegment name) {
        var mh$ = rte_eth_dev_get_name_by_port.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, name);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_socket_id {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_socket_id");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_socket_id$descriptor() {
        return rte_eth_dev_socket_id.DESC;
    }

    public static MethodHandle rte_eth_dev_socket_id$handle() {
        return rte_eth_dev_socket_id.HANDLE;
    }

    public static MemorySegment rte_eth_dev_socket_id$address() {
        return rte_eth_dev_socket_id.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_socket_id(uint16_t port_id)
     * }
     */
    public static int rte_eth_dev_socket_id(short port_id) {
        var mh$ = rte_eth_dev_socket_id.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eth_dev_set_mtu {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eth_dev_set_mtu");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eth_dev_set_mtu$descriptor() {
        return rte_eth_dev_set_mtu.DESC;
    }

    public static MethodHandle rte_eth_dev_set_mtu$handle() {
        return rte_eth_dev_set_mtu.HANDLE;
    }

    public static MemorySegment rte_eth_dev_set_mtu$address() {
        return rte_eth_dev_set_mtu.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eth_dev_set_mtu(uint16_t port_id, uint16_t mtu)
     * }
     */
    public static int rte_eth_dev_set_mtu(short port_id, short mtu) {
        var mh$ = rte_eth_dev_set_mtu.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, mtu);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
