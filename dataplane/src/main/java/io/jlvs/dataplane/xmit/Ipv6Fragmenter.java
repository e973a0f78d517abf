package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.port.TxBuffer;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.Ipv6Flyweight;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ThreadLocalRandom;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * Fragments an outer IPv6 packet the director made (a tunnel's, around an IPv4 packet that allowed fragmenting) that
 * does not fit the link, as the kernel's {@code ip6_fragment} does for a packet it sends itself: a fragment header
 * (next header 44) after the 40-byte header of each piece, all of the rest fragmentable, every piece but the last a
 * multiple of 8 bytes with M set, one 32-bit identification per packet. The first piece stays in the packet's buffer
 * (8 bytes of headroom taken), the others are copied into new buffers and queued to send. One per agent.
 */
public final class Ipv6Fragmenter
{
    public static final int FRAGMENT_HEADER_LENGTH = 8;
    /** Most pieces one packet is cut into: a 2 KB buffer over an IPv6 link of at least 1280. */
    public static final int MAX_PIECES = 8;

    private final long[] spare = new long[MAX_PIECES];
    private final PacketPort port;
    private final TxBuffer tx;
    private final AtomicCounter fragmented;
    private final AtomicCounter noMbuf;
    private final AtomicCounter tooBig;
    private final AtomicCounter noHeadroom;
    private int id = ThreadLocalRandom.current().nextInt();

    public Ipv6Fragmenter(final PacketPort port, final TxBuffer tx, final AtomicCounter[] counters)
    {
        this.port = port;
        this.tx = tx;
        this.fragmented = counters[LbCounterDescriptor.FRAGMENTED.ordinal()];
        this.noMbuf = counters[LbCounterDescriptor.NO_MBUF.ordinal()];
        this.tooBig = counters[LbCounterDescriptor.TOO_BIG.ordinal()];
        this.noHeadroom = counters[LbCounterDescriptor.NO_HEADROOM.ordinal()];
    }

    /**
     * Splits the IPv6 packet at {@code p.frame + l2} (no extension headers) into pieces of at most {@code mtu}
     * bytes; {@code p} keeps the first, the rest are queued on the transmit buffer.
     *
     * @return false when a buffer or headroom could not be had (nothing is queued; the caller drops {@code p}).
     */
    public boolean fragment(final Packet p, final int l2, final int mtu)
    {
        final MemorySegment seg = p.seg;
        final long at = p.frame + l2;
        final int payload = Short.toUnsignedInt(seg.get(U16, at + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET));
        final int nextHeader = Byte.toUnsignedInt(seg.get(U8, at + Ipv6Flyweight.NEXT_HEADER_OFFSET));
        final int chunk = ((mtu - Ipv6Flyweight.HEADER_LENGTH - FRAGMENT_HEADER_LENGTH) >> 3) << 3;
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
        if (port.headroom(p.handle) < FRAGMENT_HEADER_LENGTH)
        {
            noHeadroom.incrementRelease();
            return false;
        }
        if (!Ipv4Fragmenter.claim(port, tx, spare, pieces, noMbuf))
        {
            return false;
        }
        id++;
        final int headers = l2 + Ipv6Flyweight.HEADER_LENGTH;
        // the later pieces first, from the packet as it is
        for (int i = 1; i < pieces; i++)
        {
            final long h = spare[i];
            final int offset = i * chunk;
            final int length = Math.min(chunk, payload - offset);
            port.dataLength(h, headers + FRAGMENT_HEADER_LENGTH + length);
            final MemorySegment out = port.data(h);
            final long outFrame = port.dataOffset(h);
            MemorySegment.copy(seg, p.frame, out, outFrame, headers);
            MemorySegment.copy(seg, at + Ipv6Flyweight.HEADER_LENGTH + offset, out,
                outFrame + headers + FRAGMENT_HEADER_LENGTH, length);
            writeFragmentHeader(out, outFrame + l2, nextHeader, FRAGMENT_HEADER_LENGTH + length, offset,
                i < pieces - 1);
            tx.send(h, headers + FRAGMENT_HEADER_LENGTH + length);
        }
        // the first: the link and IPv6 headers move 8 bytes to the front, the fragment header goes in between
        if (!p.prepend(port, FRAGMENT_HEADER_LENGTH))
        {
            noHeadroom.incrementRelease();
            return false; // checked above; not reached
        }
        final MemorySegment first = p.seg;
        MemorySegment.copy(first, p.frame + FRAGMENT_HEADER_LENGTH, first, p.frame, headers);
        writeFragmentHeader(first, p.frame + l2, nextHeader, FRAGMENT_HEADER_LENGTH + chunk, 0, true);
        p.length(port, headers + FRAGMENT_HEADER_LENGTH + chunk);
        fragmented.incrementRelease();
        return true;
    }

    private void writeFragmentHeader(final MemorySegment seg, final long ip, final int nextHeader,
        final int payloadLength, final int offset, final boolean more)
    {
        seg.set(U16, ip + Ipv6Flyweight.PAYLOAD_LENGTH_OFFSET, (short)payloadLength);
        seg.set(U8, ip + Ipv6Flyweight.NEXT_HEADER_OFFSET, (byte)IpProtocol.IPV6_FRAGMENT);
        final long fragment = ip + Ipv6Flyweight.HEADER_LENGTH;
        seg.set(U8, fragment, (byte)nextHeader);
        seg.set(U8, fragment + 1, (byte)0);
        seg.set(U16, fragment + 2, (short)(offset | (more ? 1 : 0)));
        seg.set(U32, fragment + 4, id);
    }
}
