package io.jlvs.dataplane.port;

import java.lang.foreign.MemorySegment;

/**
 * One receive/transmit queue pair of a NIC or virtual device, as a forwarding agent drives it.
 * <p>
 * Packets are opaque handles (an {@code rte_mbuf *} for DPDK, a slot for the in-memory port) moved in
 * bursts through native arrays of 64-bit handles. A packet's bytes are addressed as
 * {@code data(handle)} at {@code dataOffset(handle)} for {@code dataLength(handle)} bytes: for DPDK
 * the segment spans all memory, so every access must first be checked against the length; the
 * in-memory port gives a segment exactly as long as the packet, so a read past the end fails a test.
 * <p>
 * Not thread safe: one port instance belongs to one agent.
 */
public interface PacketPort extends AutoCloseable
{
    /** A name for counters and logs, such as {@code "net_af_packet0:0"}. */
    String name();

    /** The port's MAC address in the low 48 bits, most significant byte first on the wire. */
    long macAddress();

    /** Receives up to {@code max} packet handles into {@code handles}; returns how many. */
    int rxBurst(MemorySegment handles, int max);

    /**
     * Offers {@code count} handles starting at index {@code from} of {@code handles} for transmission.
     * Returns how many the device took; ownership of those passes to the device, the rest stay the caller's.
     */
    int txBurst(MemorySegment handles, int from, int count);

    /** Returns {@code count} handles starting at index {@code from} to their pool. */
    void freeBulk(MemorySegment handles, int from, int count);

    /** Allocates an empty packet for a locally made frame (ARP), or 0 when the pool is empty. */
    long alloc();

    /** The segment through which the packet's bytes are addressed. */
    MemorySegment data(long handle);

    /** Offset in {@link #data(long)} of the packet's first byte. */
    long dataOffset(long handle);

    /** Number of bytes in the packet's first (and for the forwarding path, only) segment. */
    int dataLength(long handle);

    /** True when the packet is chained over more than one buffer. */
    boolean isChained(long handle);

    /** Room after the packet's data in its buffer, for growing a locally made frame. */
    int tailroom(long handle);

    /** Sets the length of a single-segment packet (after writing a locally made frame, or to trim one). */
    void dataLength(long handle, int length);

    /** Room before the packet's data in its buffer, for {@link #prepend}. */
    int headroom(long handle);

    /**
     * Grows a single-segment packet at its front by {@code bytes} (an encapsulation's outer headers): the data
     * starts that much earlier and is that much longer, the bytes before the old start are the caller's to fill.
     * Re-read {@link #data} and {@link #dataOffset} afterwards.
     *
     * @return false when there is not that much headroom (nothing changes).
     */
    boolean prepend(long handle, int bytes);

    @Override
    void close();
}
