package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Service;

import java.lang.foreign.MemorySegment;

/**
 * One received packet of a burst as the agent classified it, the counterpart of an {@code sk_buff} with its
 * {@code ip_vs_iphdr}: the buffer ({@link #handle}, addressed through {@link #seg} from {@link #frame} for
 * {@link #length} bytes), what the parser found ({@link #view}, {@link #verdict}), where it goes ({@link #route})
 * and its connection key ({@link #key}, {@link #tag}), all computed once per burst. The agent holds one per burst
 * slot, reused for every burst.
 */
public final class Packet
{
    /** Not yet classified, or dropped and counted. */
    public static final int ROUTE_DROP = 0;
    /** To a virtual service: the input direction ({@code ip_vs_in}). */
    public static final int ROUTE_IN = 1;
    /** From a NAT real server: the reply direction ({@code ip_vs_out}). */
    public static final int ROUTE_OUT = 2;
    /** ARP, for the neighbour table or to be answered. */
    public static final int ROUTE_ARP = 3;
    /** ICMP to one of the director's addresses: an echo to answer, or an error about a connection. */
    public static final int ROUTE_ICMP_LOCAL = 4;
    /** An ICMP error from a NAT real server about one of its connections. */
    public static final int ROUTE_ICMP_OUT = 5;
    /**
     * A later fragment (no ports) to a virtual or local address, or from a NAT real server: its datagram's first
     * fragment says which connection it belongs to.
     */
    public static final int ROUTE_FRAGMENT = 6;
    /** IPv6 neighbour discovery: a solicitation to answer, or an advertisement to learn from. */
    public static final int ROUTE_ND = 7;
    /** For the director's own host (its TAP device): TCP or UDP to one of its own addresses, not a service's. */
    public static final int ROUTE_HOST = 8;

    /** Received from the port. */
    public static final int STAGE_RX = 0;
    /** Handed over by another agent: a fragment of a datagram this agent gathers. */
    public static final int STAGE_GATHER = 1;
    /** Handed over by another agent: a packet of a connection this agent owns. */
    public static final int STAGE_OWNED = 2;

    public final PacketView view = new PacketView();
    public long handle;
    public MemorySegment seg;
    /** Offset of the frame's first byte in {@link #seg}. */
    public long frame;
    /** Frame length in bytes. */
    public int length;
    /** The parser's {@link io.jlvs.dataplane.proto.ParseVerdict}. */
    public int verdict;
    public int route;
    /**
     * For {@link #ROUTE_IN}: the connection's key (client, virtual service); for {@link #ROUTE_OUT}: its reply-direction
     * key (client, real server).
     */
    public final ConnKey key = new ConnKey();
    /** {@link io.jlvs.dataplane.conn.FlowCache#tagOf} of {@link #key}. */
    public long tag;
    /** For {@link #ROUTE_IN} and {@link #ROUTE_OUT}: the agent that owns the connection ({@link io.jlvs.dataplane.conn.ConnOwner}). */
    public int owner;
    /** For {@link #ROUTE_IN}: the virtual service it is for. */
    public Service service;

    /** Points the packet at a received buffer. */
    public Packet wrap(final PacketPort port, final long handle)
    {
        this.handle = handle;
        this.seg = port.data(handle);
        this.frame = port.dataOffset(handle);
        this.length = port.dataLength(handle);
        this.route = ROUTE_DROP;
        this.tag = 0;
        this.owner = 0;
        this.service = null;
        return this;
    }

    /** Offset of the IP header in {@link #seg}. */
    public long l3()
    {
        return frame + view.l3Offset;
    }

    /** Offset of the transport header in {@link #seg}. */
    public long l4()
    {
        return frame + view.l4Offset;
    }

    /**
     * Grows the frame by {@code bytes} at its front (see {@link PacketPort#prepend}); the view's offsets still
     * count from the old first byte, so add {@code bytes} to them when they are used again.
     *
     * @return false when the buffer has not that much headroom.
     */
    public boolean prepend(final PacketPort port, final int bytes)
    {
        if (!port.prepend(handle, bytes))
        {
            return false;
        }
        seg = port.data(handle);
        frame = port.dataOffset(handle);
        length += bytes;
        return true;
    }

    /** Sets the frame's length (shorter to trim; longer within the buffer's tailroom). */
    public void length(final PacketPort port, final int newLength)
    {
        port.dataLength(handle, newLength);
        seg = port.data(handle);
        length = newLength;
    }
}
