package io.jlvs.dataplane;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.bindings.dpdk.LvsShim;
import io.jlvs.bindings.dpdk.RteMbuf;
import io.jlvs.bindings.dpdk.RteRing;
import io.jlvs.bindings.dpdk.rte_mbuf;
import io.jlvs.dataplane.port.DpdkPort;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A net_ring ethdev standing in for a NIC: a pktmbuf pool, a ring port of one queue pair or several, and a
 * {@link DpdkPort} over each queue ({@link #port} is queue 0's). The "wire" side writes frames into mbufs and enqueues them on the port's rx ring, and dequeues what
 * the port transmitted from its tx ring. Wire-side calls are for one (test) thread; the port is for the agent's.
 */
final class DpdkRingRig implements AutoCloseable
{
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    final Dpdk dpdk;
    final MemorySegment pool;
    final Dpdk.RingPort ring;
    final DpdkPort port;
    final DpdkPort[] ports;
    final long mac;
    final int ringSize;
    final int poolSize;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment wire;
    private final int inUseAtStart;

    /** A transmitted frame as taken off the tx ring: its mbuf's address, its bytes, pkt_len and nb_segs. */
    record Sent(long mbuf, byte[] bytes, int pktLen, int nbSegs)
    {
    }

    DpdkRingRig(final Dpdk dpdk, final int mbufs, final int ringSize)
    {
        this(dpdk, mbufs, ringSize, 1);
    }

    DpdkRingRig(final Dpdk dpdk, final int mbufs, final int ringSize, final int queues)
    {
        this.dpdk = dpdk;
        this.ringSize = ringSize;
        this.poolSize = mbufs;
        final String name = "dpf" + SEQUENCE.incrementAndGet();
        pool = dpdk.createPktmbufPool(name + "_pool", mbufs);
        ring = dpdk.createRingPort(name, queues, ringSize);
        dpdk.setupPort(ring.portId(), Dpdk.PortConfig.of(queues, queues, ringSize, ringSize), pool);
        mac = DpdkPort.macOf(dpdk, ring.portId());
        ports = new DpdkPort[queues];
        for (int q = 0; q < queues; q++)
        {
            ports[q] = new DpdkPort(ring.name() + ":" + q, ring.portId(), q, pool, mac);
        }
        port = ports[0];
        wire = arena.allocate(ADDRESS, ringSize);
        inUseAtStart = Dpdk.mempoolInUseCount(pool);
    }

    int inUse()
    {
        return Dpdk.mempoolInUseCount(pool);
    }

    int inUseAtStart()
    {
        return inUseAtStart;
    }

    /** An mbuf from the pool holding {@code frame} in one segment, after the default headroom. */
    MemorySegment mbuf(final byte[] frame)
    {
        return fill(alloc(), frame);
    }

    /** An mbuf holding {@code frame} in one segment, its data starting {@code headroom} bytes into the buffer. */
    MemorySegment mbuf(final byte[] frame, final int headroom)
    {
        final MemorySegment m = alloc();
        rte_mbuf.data_off(m, (short)headroom);
        return fill(m, frame);
    }

    /**
     * A two-segment mbuf chain holding {@code frame}: the first {@code split} bytes in the head, the rest in a
     * second mbuf, linked as {@code rte_pktmbuf_chain} does (head's next, nb_segs and pkt_len).
     */
    MemorySegment chained(final byte[] frame, final int split)
    {
        final MemorySegment head = mbuf(Arrays.copyOfRange(frame, 0, split));
        final MemorySegment tail = mbuf(Arrays.copyOfRange(frame, split, frame.length));
        rte_mbuf.next(head, tail);
        rte_mbuf.nb_segs(head, (short)2);
        rte_mbuf.pkt_len(head, frame.length);
        return head;
    }

    /** Puts mbufs on the port's rx ring, as a NIC would deliver them. */
    void deliver(final MemorySegment... mbufs)
    {
        deliverTo(0, mbufs);
    }

    /** Puts mbufs on queue {@code queue}'s rx ring, as RSS would spread them. */
    void deliverTo(final int queue, final MemorySegment... mbufs)
    {
        for (int i = 0; i < mbufs.length; i++)
        {
            wire.setAtIndex(ADDRESS, i, mbufs[i]);
        }
        assertEquals(mbufs.length, LvsShim.lvs_ring_enqueue_burst(ring.rxRings().get(queue), wire, mbufs.length),
            "rx ring full");
    }

    /** Frames waiting on every rx ring, not yet taken by the port. */
    int rxRingCount()
    {
        int n = 0;
        for (final MemorySegment r : ring.rxRings())
        {
            n += LvsShim.lvs_ring_count(r);
        }
        return n;
    }

    void deliver(final byte[]... frames)
    {
        final MemorySegment[] mbufs = new MemorySegment[frames.length];
        for (int i = 0; i < frames.length; i++)
        {
            mbufs[i] = mbuf(frames[i]);
        }
        deliver(mbufs);
    }

    /** Puts mbufs straight on the tx ring, to leave the port less room than a burst needs. */
    void occupyTxRing(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            wire.setAtIndex(ADDRESS, i, mbuf(new byte[60]));
        }
        assertEquals(count, LvsShim.lvs_ring_enqueue_burst(ring.txRings().getFirst(), wire, count));
    }

    int txRingCount()
    {
        return LvsShim.lvs_ring_count(ring.txRings().getFirst());
    }

    /** Takes everything off the tx ring, copies each frame out and frees its mbuf. */
    List<Sent> takeTransmitted()
    {
        final List<Sent> out = new ArrayList<>();
        for (final MemorySegment txRing : ring.txRings())
        {
            takeTransmitted(txRing, out);
        }
        return out;
    }

    private void takeTransmitted(final MemorySegment txRing, final List<Sent> out)
    {
        int n;
        while ((n = LvsShim.lvs_ring_dequeue_burst(txRing, wire, ringSize)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                final MemorySegment m = rte_mbuf.reinterpret(wire.getAtIndex(ADDRESS, i));
                out.add(new Sent(m.address(), RteMbuf.rte_pktmbuf_mtod(m).toArray(JAVA_BYTE), rte_mbuf.pkt_len(m),
                    Short.toUnsignedInt(rte_mbuf.nb_segs(m))));
            }
            dpdk.freeMbufs(wire, n);
        }
    }

    /**
     * Audits the pool from a thread without an lcore cache: allocates every free mbuf, checks each address comes
     * out once (a double free puts an mbuf in the pool twice, and hides a leak from the in-use count) and that
     * all but the ones in use at the start are there, then frees them again.
     */
    void assertEveryMbufBackExactlyOnce()
    {
        final List<MemorySegment> all = new ArrayList<>();
        final Set<Long> distinct = new HashSet<>();
        MemorySegment m;
        while (!MemorySegment.NULL.equals(m = dpdk.allocMbuf(pool)))
        {
            all.add(m);
            distinct.add(m.address());
        }
        all.forEach(dpdk::freeMbuf);
        assertEquals(all.size(), distinct.size(), "mbufs in the pool twice (double free)");
        assertEquals(poolSize - inUseAtStart, all.size(), "mbufs back in the pool");
    }

    private MemorySegment alloc()
    {
        final MemorySegment m = dpdk.allocMbuf(pool);
        assertNotEquals(MemorySegment.NULL, m, "mbuf pool exhausted");
        return rte_mbuf.reinterpret(m);
    }

    private static MemorySegment fill(final MemorySegment m, final byte[] frame)
    {
        final MemorySegment data = RteMbuf.rte_pktmbuf_append(m, frame.length);
        assertNotEquals(MemorySegment.NULL, data, frame.length + " bytes do not fit in the mbuf");
        MemorySegment.copy(frame, 0, data, JAVA_BYTE, 0, frame.length);
        return m;
    }

    /** Stops and closes the port, frees its rings and the pool. Call once every mbuf is back in the pool. */
    @Override
    public void close()
    {
        dpdk.stopPort(ring.portId());
        dpdk.closePort(ring.portId());
        for (final MemorySegment r : ring.rxRings())
        {
            RteRing.rte_ring_free(r);
        }
        for (final MemorySegment r : ring.txRings())
        {
            RteRing.rte_ring_free(r);
        }
        Dpdk.freeMempool(pool);
        arena.close();
    }
}
