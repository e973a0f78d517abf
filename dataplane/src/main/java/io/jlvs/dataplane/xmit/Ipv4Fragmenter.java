package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.port.TxBuffer;
import io.jlvs.dataplane.proto.InetChecksum;
import io.jlvs.dataplane.proto.Ipv4Flyweight;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;

/**
 * Fragments an IPv4 packet that may be fragmented (DF clear) but does not fit the link, as the kernel's output path
 * does for an encapsulated packet whose inner packet allowed it ({@code ignore_df}): the first fragment stays in
 * the packet's buffer, the others are copied into new buffers, each behind a copy of the frame's link header and IP
 * header, and queued to send. RFC 791: every fragment but the last carries a multiple of 8 bytes and MF; options
 * are not copied (an encapsulating header has none). One per agent.
 */
public final class Ipv4Fragmenter
{
    /** Most fragments one packet is cut into: a 2 KB buffer over a link MTU of at least 576. */
    public static final int MAX_PIECES = 8;

    private final long[] spare = new long[MAX_PIECES];
    private final PacketPort port;
    private final TxBuffer tx;
    private final Ipv4Flyweight ip = new Ipv4Flyweight();
    private final AtomicCounter fragmented;
    private final AtomicCounter noMbuf;
    private final AtomicCounter tooBig;

    public Ipv4Fragmenter(final PacketPort port, final TxBuffer tx, final AtomicCounter[] counters)
    {
        this.port = port;
        this.tx = tx;
        this.fragmented = counters[LbCounterDescriptor.FRAGMENTED.ordinal()];
        this.noMbuf = counters[LbCounterDescriptor.NO_MBUF.ordinal()];
        this.tooBig = counters[LbCounterDescriptor.TOO_BIG.ordinal()];
    }

    /**
     * Claims the buffers of pieces 1 .. {@code pieces - 1} into {@code spare} before any is written, so a shortage
     * drops a packet whole rather than sending part of it: on a shortage what was claimed is freed, and it is counted.
     */
    static boolean claim(
        final PacketPort port, final TxBuffer tx, final long[] spare, final int pieces, final AtomicCounter noMbuf)
    {
        for (int i = 1; i < pieces; i++)
        {
            spare[i] = port.alloc();
            if (0 == spare[i])
            {
                noMbuf.incrementRelease();
                for (int j = 1; j < i; j++)
                {
                    tx.drop(spare[j]);
                }
                return false;
            }
        }
        return true;
    }

    /**
     * Splits the IPv4 packet at {@code frame + l2} of {@code p} (a 20-byte header, no options) into fragments of at
     * most {@code mtu} bytes; {@code p} keeps the first, the rest are queued on the transmit buffer.
     *
     * @return false when a buffer could not be had (nothing is queued; the caller drops {@code p}).
     */
    public boolean fragment(final Packet p, final int l2, final int mtu)
    {
        final MemorySegment seg = p.seg;
        final long at = p.frame + l2;
        ip.wrap(seg, at);
        final int headerLength = ip.headerLength();
        final int total = ip.totalLength();
        final int chunk = ((mtu - headerLength) >> 3) << 3;
        final int payload = total - headerLength;
        final int pieces = (payload + chunk - 1) / chunk;
        if (chunk <= 0 || pieces < 2)
        {
            return true;
        }
        if (pieces > MAX_PIECES)
        {
            tooBig.incrementRelease();
            return false;
        }
        if (!claim(port, tx, spare, pieces, noMbuf))
        {
            return false;
        }
        final int id = ip.id();
        for (int i = 1; i < pieces; i++)
        {
            final long h = spare[i];
            final int offset = i * chunk;
            final int length = Math.min(chunk, payload - offset);
            port.dataLength(h, l2 + headerLength + length);
            final MemorySegment out = port.data(h);
            final long outFrame = port.dataOffset(h);
            MemorySegment.copy(seg, p.frame, out, outFrame, l2 + headerLength);
            MemorySegment.copy(seg, at + headerLength + offset, out, outFrame + l2 + headerLength, length);
            ip.wrap(out, outFrame + l2)
                .totalLength(headerLength + length)
                .id(id)
                .flagsFragmentOffset((offset >> 3) | (i < pieces - 1 ? Ipv4Flyweight.FLAG_MF : 0))
                .checksum(0);
            InetChecksum.writeIpv4HeaderChecksum(out, outFrame + l2);
            tx.send(h, l2 + headerLength + length);
        }
        ip.wrap(seg, at).totalLength(headerLength + chunk).flagsFragmentOffset(Ipv4Flyweight.FLAG_MF).checksum(0);
        InetChecksum.writeIpv4HeaderChecksum(seg, at);
        p.length(port, l2 + headerLength + chunk);
        fragmented.incrementRelease();
        return true;
    }
}
