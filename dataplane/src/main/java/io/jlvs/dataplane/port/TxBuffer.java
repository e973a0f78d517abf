package io.jlvs.dataplane.port;

import io.jlvs.dataplane.capture.CaptureTap;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Collects one burst's outgoing and dropped packets and hands them to the port in two bulk calls at the
 * end of the burst, like {@code rte_eth_tx_buffer}: what the device does not take is freed and counted.
 */
public final class TxBuffer
{
    private final PacketPort port;
    private final MemorySegment toSend;
    private final MemorySegment toFree;
    private final int capacity;
    private final AtomicCounter txPackets;
    private final AtomicCounter txBytes;
    private final AtomicCounter txFull;
    private final int[] sendLengths;
    private int sendCount;
    private int freeCount;
    private CaptureTap tap;

    /**
     * @param counters the agent's counters, indexed by {@link LbCounterDescriptor#ordinal()}.
     */
    public TxBuffer(final PacketPort port, final int capacity, final Arena arena, final AtomicCounter[] counters)
    {
        this.port = port;
        this.capacity = capacity;
        this.toSend = arena.allocate(ValueLayout.JAVA_LONG, capacity);
        this.toFree = arena.allocate(ValueLayout.JAVA_LONG, capacity);
        this.sendLengths = new int[capacity];
        this.txPackets = counters[LbCounterDescriptor.TX_PACKETS.ordinal()];
        this.txBytes = counters[LbCounterDescriptor.TX_BYTES.ordinal()];
        this.txFull = counters[LbCounterDescriptor.TX_FULL.ordinal()];
    }

    /** Where the frames sent are copied for {@code jlvs capture}, before the device owns them. */
    public void tap(final CaptureTap tap)
    {
        this.tap = tap;
    }

    /** Queues a packet to send; flushes first if full. */
    public void send(final long handle, final int length)
    {
        if (sendCount == capacity)
        {
            flush();
        }
        sendLengths[sendCount] = length;
        toSend.setAtIndex(ValueLayout.JAVA_LONG, sendCount++, handle);
    }

    /** Queues a packet to return to its pool. */
    public void drop(final long handle)
    {
        if (freeCount == capacity)
        {
            flushFree();
        }
        toFree.setAtIndex(ValueLayout.JAVA_LONG, freeCount++, handle);
    }

    /** Sends what is queued, frees what the device refused and what was dropped; returns packets sent. */
    public int flush()
    {
        int sent = 0;
        if (sendCount > 0)
        {
            if (null != tap)
            {
                tap.outbound(port, toSend, sendLengths, sendCount);
            }
            sent = port.txBurst(toSend, 0, sendCount);
            if (sent < sendCount)
            {
                port.freeBulk(toSend, sent, sendCount - sent);
                txFull.getAndAddRelease(sendCount - sent);
            }
            long bytes = 0;
            for (int i = 0; i < sent; i++)
            {
                bytes += sendLengths[i];
            }
            txPackets.getAndAddRelease(sent);
            txBytes.getAndAddRelease(bytes);
            sendCount = 0;
        }
        flushFree();
        return sent;
    }

    private void flushFree()
    {
        if (freeCount > 0)
        {
            port.freeBulk(toFree, 0, freeCount);
            freeCount = 0;
        }
    }

    public int pending()
    {
        return sendCount;
    }
}
