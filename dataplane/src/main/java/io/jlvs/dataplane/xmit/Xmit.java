package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.service.Dest;

/**
 * A transmit method, the kernel's {@code cp->packet_xmit}: bound to a connection when it is created, by its
 * forwarding method ({@link XmitTable}), and used for every packet from the client after that, and for the ICMP
 * errors about the connection that DR and TUN relay unchanged.
 */
public interface Xmit
{
    /**
     * Sends a client's packet to the connection's real server: rewrites the frame in place (growing it at its
     * front for a tunnel) and addresses it to the next hop. It may instead turn the packet into an ICMP error to
     * its sender (time exceeded, fragmentation needed), as the kernel's transmit path does.
     *
     * @return true when {@code p} is ready to send as it now is; false when it is to be freed (already counted).
     */
    boolean xmit(Packet p, ConnEntry conn, Dest dest);
}
