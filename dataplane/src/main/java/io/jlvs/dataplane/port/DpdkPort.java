package io.jlvs.dataplane.port;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.bindings.dpdk.LvsShim;
import io.jlvs.bindings.dpdk.RteConstants;
import io.jlvs.bindings.dpdk.rte_mbuf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One queue pair of a DPDK ethdev port, any PMD (PCI NIC, net_af_packet, net_af_xdp, net_memif, net_ring).
 * Handles are {@code struct rte_mbuf *}; mbuf fields are read at the offsets generated from the installed
 * headers ({@link rte_mbuf}), and packet bytes through one segment spanning all memory, so callers check
 * every access against {@link #dataLength(long)} first (the parser does).
 * <p>
 * Handle arrays are checked against their segment before DPDK is given them: {@code rte_eth_rx_burst} writes
 * {@code max} pointers with no idea how big the array is, and the shim narrows counts to {@code uint16_t}.
 */
@SuppressWarnings("restricted")
public final class DpdkPort implements PacketPort
{
    /** Most packets one burst call may move: the shim passes counts to DPDK as {@code uint16_t}. */
    public static final int MAX_BURST = 0xFFFF;

    /** All of the address space: packet data lives in DPDK's memory, addressed by absolute address. */
    private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
    private static final ValueLayout.OfLong ADDRESS = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    static
    {
        // The layouts above must match the field widths the generator found in the installed headers.
        requireFieldSize("buf_addr", rte_mbuf.buf_addr$SIZE, ADDRESS.byteSize());
        requireFieldSize("data_off", rte_mbuf.data_off$SIZE, U16.byteSize());
        requireFieldSize("nb_segs", rte_mbuf.nb_segs$SIZE, U16.byteSize());
        requireFieldSize("pkt_len", rte_mbuf.pkt_len$SIZE, U32.byteSize());
        requireFieldSize("data_len", rte_mbuf.data_len$SIZE, U16.byteSize());
        requireFieldSize("buf_len", rte_mbuf.buf_len$SIZE, U16.byteSize());
    }

    private final String name;
    private final int portId;
    private final int queueId;
    private final MemorySegment pool;
    private final long mac;

    /**
     * @param pool the {@code struct rte_mempool *} locally made frames ({@link #alloc()}) come from.
     */
    public DpdkPort(final String name, final int portId, final int queueId, final MemorySegment pool, final long mac)
    {
        if (portId < 0 || portId >= RteConstants.RTE_MAX_ETHPORTS)
        {
            throw new IllegalArgumentException("port id " + portId + " outside 0.." + (RteConstants.RTE_MAX_ETHPORTS - 1));
        }
        if (queueId < 0 || queueId > 0xFFFF)
        {
            throw new IllegalArgumentException("queue id " + queueId + " is not a uint16_t");
        }
        Objects.requireNonNull(pool, "pool");
        if (MemorySegment.NULL.equals(pool))
        {
            throw new IllegalArgumentException("pool is NULL: rte_pktmbuf_alloc would dereference it");
        }
        this.name = name;
        this.portId = portId;
        this.queueId = queueId;
        this.pool = pool;
        this.mac = mac;
    }

    /** The MAC of a started port as the low 48 bits of a long. */
    public static long macOf(final Dpdk dpdk, final int portId)
    {
        final byte[] b = dpdk.macAddress(portId);
        long v = 0;
        for (final byte x : b)
        {
            v = (v << 8) | (x & 0xFF);
        }
        return v;
    }

    public int portId()
    {
        return portId;
    }

    public int queueId()
    {
        return queueId;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public long macAddress()
    {
        return mac;
    }

    @Override
    public int rxBurst(final MemorySegment handles, final int max)
    {
        Objects.checkFromIndexSize(0, max, handleCapacity(handles));
        return LvsShim.lvs_rx_burst(portId, queueId, handles, Math.min(max, MAX_BURST));
    }

    @Override
    public int txBurst(final MemorySegment handles, final int from, final int count)
    {
        Objects.checkFromIndexSize(from, count, handleCapacity(handles));
        return LvsShim.lvs_tx_burst(portId, queueId, slice(handles, from), Math.min(count, MAX_BURST));
    }

    @Override
    public void freeBulk(final MemorySegment handles, final int from, final int count)
    {
        Objects.checkFromIndexSize(from, count, handleCapacity(handles));
        LvsShim.lvs_pktmbuf_free_bulk(slice(handles, from), count);
    }

    @Override
    public long alloc()
    {
        return LvsShim.lvs_pktmbuf_alloc(pool).address();
    }

    @Override
    public MemorySegment data(final long handle)
    {
        return ALL;
    }

    @Override
    public long dataOffset(final long handle)
    {
        return ALL.get(ADDRESS, handle + rte_mbuf.buf_addr$OFFSET) + dataOff(handle);
    }

    @Override
    public int dataLength(final long handle)
    {
        return Short.toUnsignedInt(ALL.get(U16, handle + rte_mbuf.data_len$OFFSET));
    }

    @Override
    public boolean isChained(final long handle)
    {
        return Short.toUnsignedInt(ALL.get(U16, handle + rte_mbuf.nb_segs$OFFSET)) != 1;
    }

    @Override
    public int tailroom(final long handle)
    {
        return bufLen(handle) - dataOff(handle) - dataLength(handle);
    }

    /**
     * Sets {@code data_len} and {@code pkt_len} of a single-segment mbuf.
     *
     * @throws IllegalArgumentException when the length does not fit between {@code data_off} and the buffer's
     *                                  end (the data would overrun the buffer), or the mbuf is chained.
     */
    @Override
    public void dataLength(final long handle, final int length)
    {
        final int room = bufLen(handle) - dataOff(handle);
        if (length < 0 || length > room || isChained(handle))
        {
            throw new IllegalArgumentException("length " + length + " for an mbuf with " + room +
                " bytes after data_off" + (isChained(handle) ? ", chained" : ""));
        }
        ALL.set(U16, handle + rte_mbuf.data_len$OFFSET, (short)length);
        ALL.set(U32, handle + rte_mbuf.pkt_len$OFFSET, length);
    }

    @Override
    public int headroom(final long handle)
    {
        return dataOff(handle);
    }

    /** {@code rte_pktmbuf_prepend()} of a single-segment mbuf: {@code data_off}, {@code data_len}, {@code pkt_len}. */
    @Override
    public boolean prepend(final long handle, final int bytes)
    {
        final int off = dataOff(handle);
        if (bytes < 0 || bytes > off)
        {
            return false;
        }
        final int length = dataLength(handle) + bytes;
        ALL.set(U16, handle + rte_mbuf.data_off$OFFSET, (short)(off - bytes));
        ALL.set(U16, handle + rte_mbuf.data_len$OFFSET, (short)length);
        ALL.set(U32, handle + rte_mbuf.pkt_len$OFFSET, length);
        return true;
    }

    @Override
    public void close()
    {
        // the port and its pool belong to the director that set them up
    }

    private static int dataOff(final long handle)
    {
        return Short.toUnsignedInt(ALL.get(U16, handle + rte_mbuf.data_off$OFFSET));
    }

    private static int bufLen(final long handle)
    {
        return Short.toUnsignedInt(ALL.get(U16, handle + rte_mbuf.buf_len$OFFSET));
    }

    private static long handleCapacity(final MemorySegment handles)
    {
        return handles.byteSize() >>> 3;
    }

    private static MemorySegment slice(final MemorySegment handles, final int from)
    {
        return 0 == from ? handles : handles.asSlice((long)from * Long.BYTES);
    }

    private static void requireFieldSize(final String field, final long generated, final long used)
    {
        if (generated != used)
        {
            throw new IllegalStateException("rte_mbuf." + field + " is " + generated + " bytes in the installed " +
                "headers but DpdkPort reads " + used + ": update DpdkPort's layouts");
        }
    }
}
