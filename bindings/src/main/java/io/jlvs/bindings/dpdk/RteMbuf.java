package io.jlvs.bindings.dpdk;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.*;

/**
 * Functions of {@code rte_mbuf.h}, in jextract's shape, plus Java versions of a few of its {@code static inline}
 * helpers. Allocation and free on the fast path are in {@link LvsShim}.
 */
@SuppressWarnings("restricted")
public final class RteMbuf {

    private RteMbuf() {
        // static members only
    }

    private static final class rte_pktmbuf_pool_create {
        static final FunctionDescriptor DESC = FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_pktmbuf_pool_create");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_pktmbuf_pool_create$descriptor() {
        return rte_pktmbuf_pool_create.DESC;
    }

    public static MethodHandle rte_pktmbuf_pool_create$handle() {
        return rte_pktmbuf_pool_create.HANDLE;
    }

    public static MemorySegment rte_pktmbuf_pool_create$address() {
        return rte_pktmbuf_pool_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * struct rte_mempool *rte_pktmbuf_pool_create(const char *name, unsigned n, unsigned cache_size, uint16_t priv_size, uint16_t data_room_size, int socket_id)
     * }
     */
    public static MemorySegment rte_pktmbuf_pool_create(MemorySegment name, int n, int cache_size, short priv_size, short data_room_size, int socket_id) {
        var mh$ = rte_pktmbuf_pool_create.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(name, n, cache_size, priv_size, data_room_size, socket_id);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final class rte_pktmbuf_free_bulk {
        static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT);
        static final MemorySegment ADDR = DpdkNative.find("rte_pktmbuf_free_bulk");
        static final MethodHandle HANDLE = DpdkNative.linker().downcallHandle(ADDR, DESC);
    }

    public static FunctionDescriptor rte_pktmbuf_free_bulk$descriptor() {
        return rte_pktmbuf_free_bulk.DESC;
    }

    public static MethodHandle rte_pktmbuf_free_bulk$handle() {
        return rte_pktmbuf_free_bulk.HANDLE;
    }

    public static MemorySegment rte_pktmbuf_free_bulk$address() {
        return rte_pktmbuf_free_bulk.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void rte_pktmbuf_free_bulk(struct rte_mbuf **mbufs, unsigned int count)
     * }
     */
    public static void rte_pktmbuf_free_bulk(MemorySegment mbufs, int count) {
        var mh$ = rte_pktmbuf_free_bulk.HANDLE;
        try {
            mh$.invokeExact(mbufs, count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    // ---- Java versions of rte_mbuf.h static-inline helpers, built on the generated rte_mbuf offsets ----
    // They take an mbuf pointer as returned by DPDK (zero-length segments are widened to rte_mbuf.SIZEOF) and
    // handle the single-segment case jlvs uses. The dataplane's flyweights do the same with no allocation.

    private static MemorySegment mbuf(MemorySegment m) {
        return m.byteSize() >= rte_mbuf.SIZEOF ? m : rte_mbuf.reinterpret(m);
    }

    /** {@code rte_pktmbuf_headroom(m)}: bytes before the packet data. */
    public static int rte_pktmbuf_headroom(MemorySegment m) {
        return Short.toUnsignedInt(rte_mbuf.data_off(mbuf(m)));
    }

    /** {@code rte_pktmbuf_tailroom(m)}: free bytes after the packet data. */
    public static int rte_pktmbuf_tailroom(MemorySegment m) {
        final MemorySegment mb = mbuf(m);
        return Short.toUnsignedInt(rte_mbuf.buf_len(mb)) - Short.toUnsignedInt(rte_mbuf.data_off(mb)) -
            Short.toUnsignedInt(rte_mbuf.data_len(mb));
    }

    /** {@code rte_pktmbuf_mtod(m, void *)} as a segment spanning the {@code data_len} bytes of this segment. */
    public static MemorySegment rte_pktmbuf_mtod(MemorySegment m) {
        final MemorySegment mb = mbuf(m);
        final long off = Short.toUnsignedInt(rte_mbuf.data_off(mb));
        final long len = Short.toUnsignedInt(rte_mbuf.data_len(mb));
        return rte_mbuf.buf_addr(mb).reinterpret(off + len).asSlice(off, len);
    }

    /**
     * {@code rte_pktmbuf_append(m, len)} for a single-segment mbuf: grows data_len and pkt_len by {@code len} and
     * returns the appended bytes, or {@link MemorySegment#NULL} when the tailroom is too small (nothing changes).
     */
    public static MemorySegment rte_pktmbuf_append(MemorySegment m, int len) {
        final MemorySegment mb = mbuf(m);
        if (!MemorySegment.NULL.equals(rte_mbuf.next(mb))) {
            throw new UnsupportedOperationException("rte_pktmbuf_append on a chained mbuf");
        }
        if (len < 0 || len > rte_pktmbuf_tailroom(mb)) {
            return MemorySegment.NULL;
        }
        final int off = Short.toUnsignedInt(rte_mbuf.data_off(mb));
        final int dataLen = Short.toUnsignedInt(rte_mbuf.data_len(mb));
        rte_mbuf.data_len(mb, (short) (dataLen + len));
        rte_mbuf.pkt_len(mb, rte_mbuf.pkt_len(mb) + len);
        return rte_mbuf.buf_addr(mb).reinterpret((long) off + dataLen + len).asSlice((long) off + dataLen, len);
    }
}
