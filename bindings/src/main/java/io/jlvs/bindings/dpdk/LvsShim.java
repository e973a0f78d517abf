package io.jlvs.bindings.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * The fast path: {@code lvs_shim.c}'s exported wrappers of DPDK's {@code static inline} functions, in jextract's shape.
 * <p>
 * Every downcall is linked with {@code Linker.Option.critical(false)}: no thread-state transition, no heap segments,
 * so pass native memory only; except {@code lvs_tap_open} and {@code lvs_fd_wait_readable}, which may block and are
 * linked as ordinary downcalls. All functions return raw ints (or pointers): nothing here throws on a DPDK error.
 * Ports, queues and counts are plain {@code int}s; the shim narrows them to {@code uint16_t}.
 */
@SuppressWarnings("restricted")
public final class LvsShim {

    private LvsShim() {
        // static members only
    }

    private static final class lvs_noop {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_noop");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_noop$descriptor() {
        return lvs_noop.DESC;
    }

    public static MethodHandle lvs_noop$handle() {
        return lvs_noop.HANDLE;
    }

    public static MemorySegment lvs_noop$address() {
        return lvs_noop.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_noop(void)
     * }
     */
    public static int lvs_noop() {
        var mh$ = lvs_noop.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_rte_version_num {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_rte_version_num");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_rte_version_num$descriptor() {
        return lvs_rte_version_num.DESC;
    }

    public static MethodHandle lvs_rte_version_num$handle() {
        return lvs_rte_version_num.HANDLE;
    }

    public static MemorySegment lvs_rte_version_num$address() {
        return lvs_rte_version_num.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_rte_version_num(void)
     * }
     */
    public static int lvs_rte_version_num() {
        var mh$ = lvs_rte_version_num.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_rx_burst {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_rx_burst");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_rx_burst$descriptor() {
        return lvs_rx_burst.DESC;
    }

    public static MethodHandle lvs_rx_burst$handle() {
        return lvs_rx_burst.HANDLE;
    }

    public static MemorySegment lvs_rx_burst$address() {
        return lvs_rx_burst.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_rx_burst(int port_id, int queue_id, struct rte_mbuf **rx_pkts, int nb_pkts)
     * }
     */
    public static int lvs_rx_burst(int port_id, int queue_id, MemorySegment rx_pkts, int nb_pkts) {
        var mh$ = lvs_rx_burst.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, queue_id, rx_pkts, nb_pkts);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_tx_burst {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_tx_burst");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_tx_burst$descriptor() {
        return lvs_tx_burst.DESC;
    }

    public static MethodHandle lvs_tx_burst$handle() {
        return lvs_tx_burst.HANDLE;
    }

    public static MemorySegment lvs_tx_burst$address() {
        return lvs_tx_burst.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_tx_burst(int port_id, int queue_id, struct rte_mbuf **tx_pkts, int nb_pkts)
     * }
     */
    public static int lvs_tx_burst(int port_id, int queue_id, MemorySegment tx_pkts, int nb_pkts) {
        var mh$ = lvs_tx_burst.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, queue_id, tx_pkts, nb_pkts);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_tx_prepare {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_tx_prepare");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_tx_prepare$descriptor() {
        return lvs_tx_prepare.DESC;
    }

    public static MethodHandle lvs_tx_prepare$handle() {
        return lvs_tx_prepare.HANDLE;
    }

    public static MemorySegment lvs_tx_prepare$address() {
        return lvs_tx_prepare.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_tx_prepare(int port_id, int queue_id, struct rte_mbuf **tx_pkts, int nb_pkts)
     * }
     */
    public static int lvs_tx_prepare(int port_id, int queue_id, MemorySegment tx_pkts, int nb_pkts) {
        var mh$ = lvs_tx_prepare.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, queue_id, tx_pkts, nb_pkts);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_pktmbuf_alloc {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(ADDRESS, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("lvs_pktmbuf_alloc");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_pktmbuf_alloc$descriptor() {
        return lvs_pktmbuf_alloc.DESC;
    }

    public static MethodHandle lvs_pktmbuf_alloc$handle() {
        return lvs_pktmbuf_alloc.HANDLE;
    }

    public static MemorySegment lvs_pktmbuf_alloc$address() {
        return lvs_pktmbuf_alloc.ADDR;
    }

    /**
     * {@snippet lang=c :
     * struct rte_mbuf *lvs_pktmbuf_alloc(struct rte_mempool *mp)
     * }
     */
    public static MemorySegment lvs_pktmbuf_alloc(MemorySegment mp) {
        var mh$ = lvs_pktmbuf_alloc.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(mp);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_pktmbuf_alloc_bulk {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_pktmbuf_alloc_bulk");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_pktmbuf_alloc_bulk$descriptor() {
        return lvs_pktmbuf_alloc_bulk.DESC;
    }

    public static MethodHandle lvs_pktmbuf_alloc_bulk$handle() {
        return lvs_pktmbuf_alloc_bulk.HANDLE;
    }

    public static MemorySegment lvs_pktmbuf_alloc_bulk$address() {
        return lvs_pktmbuf_alloc_bulk.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, int count)
     * }
     */
    public static int lvs_pktmbuf_alloc_bulk(MemorySegment mp, MemorySegment mbufs, int count) {
        var mh$ = lvs_pktmbuf_alloc_bulk.HANDLE;
        try {
            return (int) mh$.invokeExact(mp, mbufs, count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_pktmbuf_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("lvs_pktmbuf_free");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_pktmbuf_free$descriptor() {
        return lvs_pktmbuf_free.DESC;
    }

    public static MethodHandle lvs_pktmbuf_free$handle() {
        return lvs_pktmbuf_free.HANDLE;
    }

    public static MemorySegment lvs_pktmbuf_free$address() {
        return lvs_pktmbuf_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lvs_pktmbuf_free(struct rte_mbuf *m)
     * }
     */
    public static void lvs_pktmbuf_free(MemorySegment m) {
        var mh$ = lvs_pktmbuf_free.HANDLE;
        try {
            mh$.invokeExact(m);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_pktmbuf_free_bulk {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_pktmbuf_free_bulk");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_pktmbuf_free_bulk$descriptor() {
        return lvs_pktmbuf_free_bulk.DESC;
    }

    public static MethodHandle lvs_pktmbuf_free_bulk$handle() {
        return lvs_pktmbuf_free_bulk.HANDLE;
    }

    public static MemorySegment lvs_pktmbuf_free_bulk$address() {
        return lvs_pktmbuf_free_bulk.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void lvs_pktmbuf_free_bulk(struct rte_mbuf **mbufs, int count)
     * }
     */
    public static void lvs_pktmbuf_free_bulk(MemorySegment mbufs, int count) {
        var mh$ = lvs_pktmbuf_free_bulk.HANDLE;
        try {
            mh$.invokeExact(mbufs, count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_ring_enqueue_burst {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_ring_enqueue_burst");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_ring_enqueue_burst$descriptor() {
        return lvs_ring_enqueue_burst.DESC;
    }

    public static MethodHandle lvs_ring_enqueue_burst$handle() {
        return lvs_ring_enqueue_burst.HANDLE;
    }

    public static MemorySegment lvs_ring_enqueue_burst$address() {
        return lvs_ring_enqueue_burst.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_ring_enqueue_burst(struct rte_ring *r, void **objs, int n)
     * }
     */
    public static int lvs_ring_enqueue_burst(MemorySegment r, MemorySegment objs, int n) {
        var mh$ = lvs_ring_enqueue_burst.HANDLE;
        try {
            return (int) mh$.invokeExact(r, objs, n);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_ring_dequeue_burst {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_ring_dequeue_burst");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_ring_dequeue_burst$descriptor() {
        return lvs_ring_dequeue_burst.DESC;
    }

    public static MethodHandle lvs_ring_dequeue_burst$handle() {
        return lvs_ring_dequeue_burst.HANDLE;
    }

    public static MemorySegment lvs_ring_dequeue_burst$address() {
        return lvs_ring_dequeue_burst.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_ring_dequeue_burst(struct rte_ring *r, void **objs, int n)
     * }
     */
    public static int lvs_ring_dequeue_burst(MemorySegment r, MemorySegment objs, int n) {
        var mh$ = lvs_ring_dequeue_burst.HANDLE;
        try {
            return (int) mh$.invokeExact(r, objs, n);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_ring_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("lvs_ring_count");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_ring_count$descriptor() {
        return lvs_ring_count.DESC;
    }

    public static MethodHandle lvs_ring_count$handle() {
        return lvs_ring_count.HANDLE;
    }

    public static MemorySegment lvs_ring_count$address() {
        return lvs_ring_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_ring_count(const struct rte_ring *r)
     * }
     */
    public static int lvs_ring_count(MemorySegment r) {
        var mh$ = lvs_ring_count.HANDLE;
        try {
            return (int) mh$.invokeExact(r);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_errno {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_errno");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_errno$descriptor() {
        return lvs_errno.DESC;
    }

    public static MethodHandle lvs_errno$handle() {
        return lvs_errno.HANDLE;
    }

    public static MemorySegment lvs_errno$address() {
        return lvs_errno.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_errno(void)
     * }
     */
    public static int lvs_errno() {
        var mh$ = lvs_errno.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_lcore_id {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_lcore_id");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_lcore_id$descriptor() {
        return lvs_lcore_id.DESC;
    }

    public static MethodHandle lvs_lcore_id$handle() {
        return lvs_lcore_id.HANDLE;
    }

    public static MemorySegment lvs_lcore_id$address() {
        return lvs_lcore_id.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_lcore_id(void)
     * }
     */
    public static int lvs_lcore_id() {
        var mh$ = lvs_lcore_id.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_link_get_nowait {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("lvs_link_get_nowait");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_link_get_nowait$descriptor() {
        return lvs_link_get_nowait.DESC;
    }

    public static MethodHandle lvs_link_get_nowait$handle() {
        return lvs_link_get_nowait.HANDLE;
    }

    public static MemorySegment lvs_link_get_nowait$address() {
        return lvs_link_get_nowait.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_link_get_nowait(int port_id, uint32_t *speed_mbps, int *up, int *full_duplex)
     * }
     */
    public static int lvs_link_get_nowait(int port_id, MemorySegment speed_mbps, MemorySegment up, MemorySegment full_duplex) {
        var mh$ = lvs_link_get_nowait.HANDLE;
        try {
            return (int) mh$.invokeExact(port_id, speed_mbps, up, full_duplex);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_pin_current_thread {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_pin_current_thread");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_pin_current_thread$descriptor() {
        return lvs_pin_current_thread.DESC;
    }

    public static MethodHandle lvs_pin_current_thread$handle() {
        return lvs_pin_current_thread.HANDLE;
    }

    public static MemorySegment lvs_pin_current_thread$address() {
        return lvs_pin_current_thread.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_pin_current_thread(int cpu)
     * }
     */
    public static int lvs_pin_current_thread(int cpu) {
        var mh$ = lvs_pin_current_thread.HANDLE;
        try {
            return (int) mh$.invokeExact(cpu);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_current_thread_cpu_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_current_thread_cpu_count");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_current_thread_cpu_count$descriptor() {
        return lvs_current_thread_cpu_count.DESC;
    }

    public static MethodHandle lvs_current_thread_cpu_count$handle() {
        return lvs_current_thread_cpu_count.HANDLE;
    }

    public static MemorySegment lvs_current_thread_cpu_count$address() {
        return lvs_current_thread_cpu_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_current_thread_cpu_count(void)
     * }
     */
    public static int lvs_current_thread_cpu_count() {
        var mh$ = lvs_current_thread_cpu_count.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_current_cpu {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_current_cpu");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_current_cpu$descriptor() {
        return lvs_current_cpu.DESC;
    }

    public static MethodHandle lvs_current_cpu$handle() {
        return lvs_current_cpu.HANDLE;
    }

    public static MemorySegment lvs_current_cpu$address() {
        return lvs_current_cpu.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_current_cpu(void)
     * }
     */
    public static int lvs_current_cpu() {
        var mh$ = lvs_current_cpu.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_tap_open {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("lvs_tap_open");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lvs_tap_open$descriptor() {
        return lvs_tap_open.DESC;
    }

    public static MethodHandle lvs_tap_open$handle() {
        return lvs_tap_open.HANDLE;
    }

    public static MemorySegment lvs_tap_open$address() {
        return lvs_tap_open.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_tap_open(const char *name)
     * }
     */
    public static int lvs_tap_open(MemorySegment name) {
        var mh$ = lvs_tap_open.HANDLE;
        try {
            return (int) mh$.invokeExact(name);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_fd_read {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_fd_read");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_fd_read$descriptor() {
        return lvs_fd_read.DESC;
    }

    public static MethodHandle lvs_fd_read$handle() {
        return lvs_fd_read.HANDLE;
    }

    public static MemorySegment lvs_fd_read$address() {
        return lvs_fd_read.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_fd_read(int fd, void *buf, int len)
     * }
     */
    public static int lvs_fd_read(int fd, MemorySegment buf, int len) {
        var mh$ = lvs_fd_read.HANDLE;
        try {
            return (int) mh$.invokeExact(fd, buf, len);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_fd_write {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_fd_write");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC, Linker.Option.critical(false));
    }

    public static FunctionDescriptor lvs_fd_write$descriptor() {
        return lvs_fd_write.DESC;
    }

    public static MethodHandle lvs_fd_write$handle() {
        return lvs_fd_write.HANDLE;
    }

    public static MemorySegment lvs_fd_write$address() {
        return lvs_fd_write.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_fd_write(int fd, const void *buf, int len)
     * }
     */
    public static int lvs_fd_write(int fd, MemorySegment buf, int len) {
        var mh$ = lvs_fd_write.HANDLE;
        try {
            return (int) mh$.invokeExact(fd, buf, len);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_fd_wait_readable {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_fd_wait_readable");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lvs_fd_wait_readable$descriptor() {
        return lvs_fd_wait_readable.DESC;
    }

    public static MethodHandle lvs_fd_wait_readable$handle() {
        return lvs_fd_wait_readable.HANDLE;
    }

    public static MemorySegment lvs_fd_wait_readable$address() {
        return lvs_fd_wait_readable.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_fd_wait_readable(int fd, int timeout_ms)
     * }
     */
    public static int lvs_fd_wait_readable(int fd, int timeout_ms) {
        var mh$ = lvs_fd_wait_readable.HANDLE;
        try {
            return (int) mh$.invokeExact(fd, timeout_ms);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class lvs_fd_close {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("lvs_fd_close");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor lvs_fd_close$descriptor() {
        return lvs_fd_close.DESC;
    }

    public static MethodHandle lvs_fd_close$handle() {
        return lvs_fd_close.HANDLE;
    }

    public static MemorySegment lvs_fd_close$address() {
        return lvs_fd_close.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int lvs_fd_close(int fd)
     * }
     */
    public static int lvs_fd_close(int fd) {
        var mh$ = lvs_fd_close.HANDLE;
        try {
            return (int) mh$.invokeExact(fd);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
