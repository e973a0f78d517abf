package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.conn.TcpStateTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The output direction of IPVS, the kernel's {@code ip_vs_out()}: a packet from a NAT real server (the director
 * is its gateway) is matched to its connection by the reply-direction key (client and real server), drives the
 * connection's TCP state with the full state table ({@link ConnStateMachine#DIR_OUTPUT}, which also clears
 * {@code NOOUTPUT}), and counts as OutPkts/OutBytes. It hands back the connection's own key, whose virtual service
 * the reply's source becomes; it transmits nothing itself.
 */
public final class IpvsOut
{
    private final AgentConnTable conns;
    private final Persistence persistence;
    private final ConnStateMachine states;
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final AtomicCounter noConn;
    private final AtomicCounter destUnavailable;
    private Dest dest;

    /** @param persistence the agent's hand on the templates, which a reply that establishes a connection assures. */
    public IpvsOut(final AgentConnTable conns, final Persistence persistence, final ConnStateMachine states,
        final AtomicCounter[] counters)
    {
        this.conns = conns;
        this.persistence = persistence;
        this.states = states;
        this.noConn = counters[LbCounterDescriptor.NO_CONN_OUT.ordinal()];
        this.destUnavailable = counters[LbCounterDescriptor.DEST_UNAVAILABLE.ordinal()];
    }

    /**
     * Processes one packet from a real server, whose reply-direction key and its tag the classifier put in
     * {@code p.key} and {@code p.tag}.
     *
     * @return true when it belongs to a NAT connection: {@link #key()}, {@link #entry()} and {@link #dest()} hold
     *         it. False when it belongs to none (counted).
     */
    public boolean onPacket(final Packet p, final ServiceTable services, final long nowMs)
    {
        final PacketView pkt = p.view;
        if (!find(p.key, p.tag, services, nowMs))
        {
            return false;
        }
        if (pkt.fragment == PacketView.LATER_FRAGMENT)
        {
            // no transport header: no state to move
            dest.stats().onOutPacket(pkt.l3Length);
            dest.service().stats().onOutPacket(pkt.l3Length);
            return true;
        }
        final int result = states.onPacket(entry, pkt.protocol, ConnStateMachine.DIR_OUTPUT, pkt.tcpFlags, nowMs);
        IpvsIn.onTransition(result, dest);
        IpvsIn.onControlled(persistence, key, entry, result, pkt.protocol);
        int changed = result;
        if (pkt.protocol == IpProtocol.UDP && 0 != entry.control() && (entry.flags() & ConnFlags.CONTROL_ASSURED) == 0)
        {
            // udp_state_transition(): a reply assures the template; the flag spares the lock at every later one
            persistence.assure(key, entry);
            entry.flags(entry.flags() | ConnFlags.CONTROL_ASSURED);
            changed |= ConnStateMachine.FLAGS_CHANGED;
        }
        conns.save(key, entry, changed);
        final int length = pkt.l3Length;
        dest.stats().onOutPacket(length);
        dest.service().stats().onOutPacket(length);
        return true;
    }

    /**
     * Finds the connection an ICMP error from a real server is about ({@code ip_vs_out_icmp}), from the quoted
     * packet (client to real server) turned into a reply-direction key; counts it as an output packet.
     */
    public boolean onIcmp(final ConnKey quotedReplyKey, final int length, final ServiceTable services, final long nowMs)
    {
        if (!find(quotedReplyKey, FlowCache.tagOf(quotedReplyKey), services, nowMs))
        {
            return false;
        }
        dest.stats().onOutPacket(length);
        dest.service().stats().onOutPacket(length);
        return true;
    }

    private boolean find(final ConnKey reply, final long tag, final ServiceTable services, final long nowMs)
    {
        if (!conns.findOut(reply, tag, key) ||
            (!resolves(reply, nowMs) && !(conns.refreshOut(reply, tag, key) && resolves(reply, nowMs))))
        {
            noConn.incrementRelease();
            return false;
        }
        dest = services.destById(entry.destId());
        if (null == dest)
        {
            destUnavailable.incrementRelease();
            return false;
        }
        return true;
    }

    /** True when {@link #key} names a live NAT connection to the real server {@code reply} came from. */
    private boolean resolves(final ConnKey reply, final long nowMs)
    {
        return conns.find(key, FlowCache.tagOf(key), nowMs, entry) && entry.fwdMethod() == FwdMethod.MASQ.flags() &&
            entry.dport() == reply.vport() && entry.daddrLo() == reply.vaddrLo() && entry.daddrHi() == reply.vaddrHi();
    }

    /**
     * The kernel's {@code nat_icmp_send}: whether a real server's packet that belongs to no connection is to be
     * answered with ICMP port unreachable, so that the real server gives up: when it is no TCP reset and no SCTP
     * ABORT and comes from the service port of a NAT real server.
     *
     * @return that real server; null when the packet is only dropped.
     */
    public Dest unknownReply(final Packet p, final ServiceTable services)
    {
        final PacketView v = p.view;
        if (v.fragment == PacketView.LATER_FRAGMENT ||
            (v.protocol == IpProtocol.TCP && (v.tcpFlags & TcpStateTable.TCP_RST) != 0) ||
            (v.protocol == IpProtocol.SCTP && IpvsIn.sctpChunk(p) == IpvsIn.SCTP_ABORT))
        {
            return null;
        }
        return services.masqDest(v.af, v.protocol, v.saddrHi, v.saddrLo, v.sport);
    }

    /** The connection's own key (client, virtual service) of the last packet. */
    public ConnKey key()
    {
        return key;
    }

    public ConnEntry entry()
    {
        return entry;
    }

    public Dest dest()
    {
        return dest;
    }
}
