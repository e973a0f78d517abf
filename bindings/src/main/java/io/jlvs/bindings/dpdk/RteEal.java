package io.jlvs.bindings.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * Functions of {@code rte_eal.h}, {@code rte_lcore.h}, {@code rte_errno.h} and {@code rte_version.h}, in jextract's shape:
 * a {@code MethodHandle} per function and a static method calling it. Return codes are raw; see {@link Dpdk} for the
 * checked setup path.
 */
@SuppressWarnings("restricted")
public final class RteEal {

    private RteEal() {
        // static members only
    }

    private static final class rte_eal_init {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_eal_init");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eal_init$descriptor() {
        return rte_eal_init.DESC;
    }

    public static MethodHandle rte_eal_init$handle() {
        return rte_eal_init.HANDLE;
    }

    public static MemorySegment rte_eal_init$address() {
        return rte_eal_init.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eal_init(int argc, char **argv)
     * }
     */
    public static int rte_eal_init(int argc, MemorySegment argv) {
        var mh$ = rte_eal_init.HANDLE;
        try {
            return (int) mh$.invokeExact(argc, argv);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_eal_cleanup {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_eal_cleanup");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_eal_cleanup$descriptor() {
        return rte_eal_cleanup.DESC;
    }

    public static MethodHandle rte_eal_cleanup$handle() {
        return rte_eal_cleanup.HANDLE;
    }

    public static MemorySegment rte_eal_cleanup$address() {
        return rte_eal_cleanup.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_eal_cleanup(void)
     * }
     */
    public static int rte_eal_cleanup() {
        var mh$ = rte_eal_cleanup.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_lcore_count {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_lcore_count");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_lcore_count$descriptor() {
        return rte_lcore_count.DESC;
    }

    public static MethodHandle rte_lcore_count$handle() {
        return rte_lcore_count.HANDLE;
    }

    public static MemorySegment rte_lcore_count$address() {
        return rte_lcore_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * unsigned int rte_lcore_count(void)
     * }
     */
    public static int rte_lcore_count() {
        var mh$ = rte_lcore_count.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_get_main_lcore {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_get_main_lcore");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_get_main_lcore$descriptor() {
        return rte_get_main_lcore.DESC;
    }

    public static MethodHandle rte_get_main_lcore$handle() {
        return rte_get_main_lcore.HANDLE;
    }

    public static MemorySegment rte_get_main_lcore$address() {
        return rte_get_main_lcore.ADDR;
    }

    /**
     * {@snippet lang=c :
     * unsigned int rte_get_main_lcore(void)
     * }
     */
    public static int rte_get_main_lcore() {
        var mh$ = rte_get_main_lcore.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_thread_register {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_thread_register");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_thread_register$descriptor() {
        return rte_thread_register.DESC;
    }

    public static MethodHandle rte_thread_register$handle() {
        return rte_thread_register.HANDLE;
    }

    public static MemorySegment rte_thread_register$address() {
        return rte_thread_register.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int rte_thread_register(void)
     * }
     */
    public static int rte_thread_register() {
        var mh$ = rte_thread_register.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_thread_unregister {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid();
        static final MemorySegment ADDR = DpdkNative.find("rte_thread_unregister");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_thread_unregister$descriptor() {
        return rte_thread_unregister.DESC;
    }

    public static MethodHandle rte_thread_unregister$handle() {
        return rte_thread_unregister.HANDLE;
    }

    public static MemorySegment rte_thread_unregister$address() {
        return rte_thread_unregister.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void rte_thread_unregister(void)
     * }
     */
    public static void rte_thread_unregister() {
        var mh$ = rte_thread_unregister.HANDLE;
        try {
            mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_strerror {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_strerror");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_strerror$descriptor() {
        return rte_strerror.DESC;
    }

    public static MethodHandle rte_strerror$handle() {
        return rte_strerror.HANDLE;
    }

    public static MemorySegment rte_strerror$address() {
        return rte_strerror.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *rte_strerror(int errnum)
     * }
     */
    public static MemorySegment rte_strerror(int errnum) {
        var mh$ = rte_strerror.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(errnum);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_socket_id {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_socket_id");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_socket_id$descriptor() {
        return rte_socket_id.DESC;
    }

    public static MethodHandle rte_socket_id$handle() {
        return rte_socket_id.HANDLE;
    }

    public static MemorySegment rte_socket_id$address() {
        return rte_socket_id.ADDR;
    }

    /**
     * {@snippet lang=c :
     * unsigned int rte_socket_id(void)
     * }
     */
    public static int rte_socket_id() {
        var mh$ = rte_socket_id.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_version {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(ADDRESS);
        static final MemorySegment ADDR = DpdkNative.find("rte_version");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_version$descriptor() {
        return rte_version.DESC;
    }

    public static MethodHandle rte_version$handle() {
        return rte_version.HANDLE;
    }

    public static MemorySegment rte_version$address() {
        return rte_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *rte_version(void)
     * }
     */
    public static MemorySegment rte_version() {
        var mh$ = rte_version.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
