package io.jlvs.dataplane.status;

import org.agrona.collections.IntHashSet;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;

/**
 * The per-agent counters every forwarding agent keeps, with stable ids and the labels {@code jlvs stat}
 * shows ("fwd-0: No destination"). Drops caused by malformed packets are kept apart, one per parser
 * verdict (see {@code PacketParser}); these are the others.
 */
public enum LbCounterDescriptor
{
    RX_PACKETS(1, "Packets received"),
    RX_BYTES(2, "Bytes received"),
    TX_PACKETS(3, "Packets transmitted"),
    TX_BYTES(4, "Bytes transmitted"),
    TX_FULL(5, "Dropped: transmit queue full"),
    DROPPED_MALFORMED(6, "Dropped: malformed (all parser verdicts)"),
    CHAINED_MBUF(7, "Dropped: multi-segment packet"),
    NOT_FOR_SERVICE(8, "Dropped: not for a virtual service"),
    NO_DEST(9, "Dropped: no destination available"),
    CONN_TABLE_FULL(10, "Dropped: connection table full"),
    NO_NEIGHBOUR(11, "Dropped: real server MAC unresolved"),
    DEST_UNAVAILABLE(12, "Dropped: connection's real server removed"),
    NO_CONN_NOT_SYN(13, "Dropped: TCP packet without SYN for no connection"),
    UNSUPPORTED_FWD(14, "Dropped: forwarding method not supported"),
    ICMP_FOR_VIP(15, "Dropped: ICMP to a local address, neither an echo request nor an error to relay"),
    NOT_OUR_MAC(16, "Dropped: frame for another MAC address"),
    NO_ROUTE(17, "Dropped: no route to the destination"),
    NO_CONN_OUT(18, "Dropped: packet from a real server for no NAT connection"),
    TTL_EXCEEDED(19, "Dropped: TTL exceeded in transit"),
    TOO_BIG(34, "Dropped: too big for the tunnel (DF set, or too many fragments)"),
    NO_HEADROOM(35, "Dropped: no headroom to encapsulate"),
    FRAGMENTED(36, "Tunnel packets fragmented (DF clear)"),
    ICMP_ERRORS_SENT(28, "ICMP errors sent"),
    ICMP_RATE_LIMITED(29, "ICMP errors not sent: rate limit"),
    ICMP_NOT_SENT(37, "ICMP errors not sent: about an ICMP error, to a non-unicast source, or no room"),
    ICMP_RELAYED(38, "ICMP errors relayed to a connection's real server or client"),
    ICMP_MALFORMED(39, "Dropped: ICMP error quoting too little, or a bad checksum"),
    ICMP_NO_CONN(43, "Dropped: ICMP error about no connection"),
    ARP_REQUESTS_RECEIVED(20, "ARP requests received"),
    ARP_REPLIES_SENT(21, "ARP replies sent"),
    ARP_REQUESTS_SENT(22, "ARP requests sent"),
    ARP_REPLIES_RECEIVED(23, "ARP replies received"),
    ARP_NOT_FOR_US(24, "ARP not for a local or virtual address"),
    ND_SOLICITATIONS_RECEIVED(58, "IPv6 neighbour solicitations received"),
    ND_ADVERTISEMENTS_SENT(59, "IPv6 neighbour advertisements sent"),
    ND_SOLICITATIONS_SENT(60, "IPv6 neighbour solicitations sent"),
    ND_ADVERTISEMENTS_RECEIVED(61, "IPv6 neighbour advertisements received"),
    ND_MALFORMED(62, "Dropped: neighbour discovery with a bad hop limit, code, checksum or length"),
    NEIGHBOURS_EXPIRED(25, "Neighbours expired"),
    NO_MBUF(26, "No mbuf for a locally made frame"),
    ICMP_ECHO_REPLIES(27, "ICMP echo replies sent"),
    CONNS_CREATED(30, "Connections created"),
    CONNS_EXPIRED(31, "Connections expired"),
    CONNS_REUSED(32, "Connections rescheduled on reuse"),
    CONN_CACHE_MISSES(33, "Connection lookups the agent's cache did not answer"),
    REDIRECTED(44, "Packets handed to the agent owning their connection"),
    REDIRECTED_IN(45, "Packets taken from other agents: connections this agent owns"),
    REDIRECT_RING_FULL(46, "Dropped: the owning agent's ring was full"),
    REDIRECT_NOT_OWNER(63, "Dropped: handed over, but another agent's (agents on different snapshots)"),
    FRAGMENTS(51, "IP fragments of a virtual service's or a NAT real server's datagrams"),
    FRAGMENTS_HELD(52, "Fragments held until their datagram's first fragment came"),
    FRAGMENT_BAD(53, "Dropped: overlapping, oversized or too many fragments of a datagram"),
    FRAGMENT_TABLE_FULL(54, "Dropped: fragment table full, or a datagram's hold full"),
    FRAGMENT_TIMEOUT(55, "Dropped: fragments held when their datagram timed out"),
    FRAGMENT_NO_CONN(56, "Dropped: fragment of no known connection"),
    FRAGMENT_UNSUPPORTED(57, "Dropped: fragment of anything but a virtual service's TCP, UDP or SCTP"),
    HOST_FRAMES_IN(64, "Frames handed to the director's own host (TAP)"),
    HOST_FRAMES_OUT(65, "Frames from the director's own host put on the wire"),
    HOST_RING_FULL(66, "Dropped: the ring to the director's own host was full"),
    SYNC_REPORTED(67, "Connections reported to the sync daemon"),
    SYNC_RING_FULL(68, "Not reported: the ring to the sync daemon was full"),
    SYNC_APPLIED(69, "Connections applied from the sync master"),
    SYNC_NO_DEST(70, "Synced connections whose real server this director lacks (bound at their first packet)"),
    SYNC_STALE(71, "Synced reports ignored: a replaced connection's, or older than this director's copy"),
    SYNC_INVALID(72, "Synced reports dropped: unknown protocol or state"),
    SYNC_TABLE_FULL(73, "Synced reports dropped: the connection table was full"),
    STANDBY(74, "Dropped: to a virtual service or from a NAT real server while this director stands by"),
    NO_CONN_NOT_INIT(75, "Dropped: SCTP packet without INIT for no connection"),
    DEFENSE_DROPPED(76, "Connections and idle templates ended by the drop_entry defence"),
    NAT_ICMP_SENT(77, "ICMP port unreachable to real servers for packets of no connection (nat_icmp_send)"),
    SNAPSHOTS_APPLIED(40, "Forwarding snapshots applied"),
    HEARTBEAT_MS(78, "Heartbeat: epoch milliseconds of the agent's last expiry step, once a millisecond"),
    MAX_CYCLE_TIME_NS(41, "Max duty cycle time (ns)"),
    CYCLE_TIME_THRESHOLD_EXCEEDED(42, "Duty cycles over threshold"),
    ERRORS(50, "Errors");

    /** Agrona counter type id of agent counters; the key holds the agent index and the descriptor id. */
    public static final int TYPE_ID = 1000;

    /** The label of every counter that counts dropped packets starts with it. */
    public static final String DROPPED = "Dropped: ";

    private static final LbCounterDescriptor[] BY_ID = new LbCounterDescriptor[128];

    private final int id;
    private final String label;

    static
    {
        final IntHashSet ids = new IntHashSet();
        for (final LbCounterDescriptor d : values())
        {
            BY_ID[d.id] = d;
            if (!ids.add(d.id))
            {
                throw new IllegalStateException("duplicate id " + d.id + " for " + d);
            }
        }
    }

    LbCounterDescriptor(final int id, final String label)
    {
        this.id = id;
        this.label = label;
    }

    public int id()
    {
        return id;
    }

    /** The descriptor of a counter file key's id; null for none. */
    public static LbCounterDescriptor ofId(final int id)
    {
        return id >= 0 && id < BY_ID.length ? BY_ID[id] : null;
    }

    /** Whether it counts packets dropped (its label starts with {@link #DROPPED}). */
    public boolean isDrop()
    {
        return label.startsWith(DROPPED);
    }

    public String label()
    {
        return label;
    }

    /** Allocates this counter for one agent, labelled "roleName: label". */
    public AtomicCounter newCounter(final CountersManager manager, final int agentIndex, final String roleName)
    {
        return manager.newCounter(
            roleName + ": " + label,
            TYPE_ID,
            (key) ->
            {
                key.putInt(0, agentIndex);
                key.putInt(4, id);
            });
    }
}
