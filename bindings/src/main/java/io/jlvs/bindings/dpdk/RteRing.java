package io.jlvs.bindings.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * Functions of {@code rte_ring.h}, in jextract's shape. The static-inline burst functions are in {@link LvsShim}.
 */
@SuppressWarnings("restricted")
public final class RteRing {

    private RteRing() {
        // static members only
    }

    private static final class rte_ring_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_ring_create");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_ring_create$descriptor() {
        return rte_ring_create.DESC;
    }

    public static MethodHandle rte_ring_create$handle() {
        return rte_ring_create.HANDLE;
    }

    public static MemorySegment rte_ring_create$address() {
        return rte_ring_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * struct rte_ring *rte_ring_create(const char *name, unsigned int count, int socket_id, unsigned int flags)
     * }
     */
    public static MemorySegment rte_ring_create(MemorySegment name, int count, int socket_id, int flags) {
        var mh$ = rte_ring_create.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(name, count, socket_id, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_ring_free {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_ring_free");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_ring_free$descriptor() {
        return rte_ring_free.DESC;
    }

    public static MethodHandle rte_ring_free$handle() {
        return rte_ring_free.HANDLE;
    }

    public static MemorySegment rte_ring_free$address() {
        return rte_ring_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void rte_ring_free(struct rte_ring *r)
     * }
     */
    public static void rte_ring_free(MemorySegment r) {
        var mh$ = rte_ring_free.HANDLE;
        try {
            mh$.invokeExact(r);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_ring_lookup {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(ADDRESS, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_ring_lookup");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_ring_lookup$descriptor() {
        return rte_ring_lookup.DESC;
    }

    public static MethodHandle rte_ring_lookup$handle() {
        return rte_ring_lookup.HANDLE;
    }

    public static MemorySegment rte_ring_lookup$address() {
        return rte_ring_lookup.ADDR;
    }

    /**
     * {@snippet lang=c :
     * struct rte_ring *rte_ring_lookup(const char *name)
     * }
     */
    public static MemorySegment rte_ring_lookup(MemorySegment name) {
        var mh$ = rte_ring_lookup.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(name);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
