package io.jlvs.bindings.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * Functions of {@code rte_mempool.h}, in jextract's shape.
 */
@SuppressWarnings("restricted")
public final class RteMempool {

    private RteMempool() {
        // static members only
    }

    private static final class rte_mempool_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_mempool_free");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_mempool_free$descriptor() {
        return rte_mempool_free.DESC;
    }

    public static MethodHandle rte_mempool_free$handle() {
        return rte_mempool_free.HANDLE;
    }

    public static MemorySegment rte_mempool_free$address() {
        return rte_mempool_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void rte_mempool_free(struct rte_mempool *mp)
     * }
     */
    public static void rte_mempool_free(MemorySegment mp) {
        var mh$ = rte_mempool_free.HANDLE;
        try {
            mh$.invokeExact(mp);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_mempool_avail_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_mempool_avail_count");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_mempool_avail_count$descriptor() {
        return rte_mempool_avail_count.DESC;
    }

    public static MethodHandle rte_mempool_avail_count$handle() {
        return rte_mempool_avail_count.HANDLE;
    }

    public static MemorySegment rte_mempool_avail_count$address() {
        return rte_mempool_avail_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * unsigned int rte_mempool_avail_count(const struct rte_mempool *mp)
     * }
     */
    public static int rte_mempool_avail_count(MemorySegment mp) {
        var mh$ = rte_mempool_avail_count.HANDLE;
        try {
            return (int) mh$.invokeExact(mp);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_mempool_in_use_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_mempool_in_use_count");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_mempool_in_use_count$descriptor() {
        return rte_mempool_in_use_count.DESC;
    }

    public static MethodHandle rte_mempool_in_use_count$handle() {
        return rte_mempool_in_use_count.HANDLE;
    }

    public static MemorySegment rte_mempool_in_use_count$address() {
        return rte_mempool_in_use_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * unsigned int rte_mempool_in_use_count(const struct rte_mempool *mp)
     * }
     */
    public static int rte_mempool_in_use_count(MemorySegment mp) {
        var mh$ = rte_mempool_in_use_count.HANDLE;
        try {
            return (int) mh$.invokeExact(mp);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_mempool_lookup {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(ADDRESS, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_mempool_lookup");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_mempool_lookup$descriptor() {
        return rte_mempool_lookup.DESC;
    }

    public static MethodHandle rte_mempool_lookup$handle() {
        return rte_mempool_lookup.HANDLE;
    }

    public static MemorySegment rte_mempool_lookup$address() {
        return rte_mempool_lookup.ADDR;
    }

    /**
     * {@snippet lang=c :
     * struct rte_mempool *rte_mempool_lookup(const char *name)
     * }
     */
    public static MemorySegment rte_mempool_lookup(MemorySegment name) {
        var mh$ = rte_mempool_lookup.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(name);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
