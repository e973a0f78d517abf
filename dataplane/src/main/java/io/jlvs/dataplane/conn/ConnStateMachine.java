package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;

/**
 * Moves a connection through the IPVS states on each packet, as the kernel's {@code set_tcp_state()} and
 * {@code udp_state_transition()} do, and refreshes its expiry as {@code ip_vs_conn_put()} does on every packet.
 * <p>
 * {@link #onPacket} works on the agent's copy of the entry and returns a bit set saying what happened:
 * <ul>
 * <li>{@link #BECAME_ACTIVE} / {@link #BECAME_INACTIVE}: move one connection between the real server's
 *     inactive and active counts ({@code activeconns}, {@code inactconns}), exactly when the kernel does.
 *     A new connection starts {@link ConnFlags#INACTIVE} (the kernel's {@code __ip_vs_update_dest()} puts the
 *     flag in every dest's {@code conn_flags}) and is counted inactive when created; TCP becomes active on
 *     entering ESTABLISHED, SYN_SENT, SYN_RECV or SYNACK ({@link ConnState#isTcpActive}) and inactive on
 *     leaving them; UDP stays inactive.</li>
 * <li>{@link #WRITE_BACK}: the copy must be written back with {@link ConnTable#update}: the state or flags
 *     changed, or the expiry moved by {@link #WRITE_BACK_GRANULARITY_MS} or more since the stored value. Other
 *     packets cost one lookup and no write; the stored expiry then lags by less than the granularity, which
 *     the table's expiry grace covers, and the stored {@code inPkts} is a lower bound.</li>
 * </ul>
 * Not thread safe: one instance per agent, no allocation.
 */
public final class ConnStateMachine
{
    /** A packet from the client ({@code IP_VS_DIR_INPUT}). */
    public static final int DIR_INPUT = 0;
    /** A packet from the real server ({@code IP_VS_DIR_OUTPUT}, NAT only). */
    public static final int DIR_OUTPUT = 1;

    public static final int STATE_CHANGED = 1;
    public static final int BECAME_ACTIVE = 1 << 1;
    public static final int BECAME_INACTIVE = 1 << 2;
    public static final int FLAGS_CHANGED = 1 << 3;
    public static final int WRITE_BACK = 1 << 4;

    /** A write-back is due once the expiry has moved this far from the stored value. */
    public static final long WRITE_BACK_GRANULARITY_MS = 1000;

    /** Timeout of a connection just created, before its first packet's transition ({@code ip_vs_conn_new()}). */
    public static final int NEW_CONN_TIMEOUT_SEC = 3;

    /** The kernel's default {@code conn_reuse_mode}. */
    public static final int DEFAULT_CONN_REUSE_MODE = 1;

    private final ConnTimeouts timeouts;
    private TcpStateTable tcpTable = TcpStateTable.NORMAL;

    public ConnStateMachine(final ConnTimeouts timeouts)
    {
        this.timeouts = timeouts;
    }

    public ConnTimeouts timeouts()
    {
        return timeouts;
    }

    /** Switches to the {@code secure_tcp} table, as the kernel's {@code tcp_timeout_change()}. */
    public void secureTcp(final boolean on)
    {
        tcpTable = on ? TcpStateTable.SECURE_TCP : TcpStateTable.NORMAL;
    }

    public TcpStateTable tcpTable()
    {
        return tcpTable;
    }

    /**
     * Fills {@code e} as a new connection before its first packet, as {@code ip_vs_conn_new()}: state 0,
     * timeout {@link #NEW_CONN_TIMEOUT_SEC}, no packets. The caller sets the real server fields and counts
     * the connection inactive (or active if {@code flags} lacks {@link ConnFlags#INACTIVE}, as a synced
     * connection may), then runs {@link #onPacket} for the packet that created it.
     *
     * @param flags from {@link ConnFlags#newConnFlags(int, int, int)}.
     */
    public static ConnEntry initNewConn(final ConnEntry e, final int flags, final long nowMs)
    {
        return e.flags(flags)
            .state(0)
            .timeoutSec(NEW_CONN_TIMEOUT_SEC)
            .inPkts(0)
            .control(0)
            .expiresMs(nowMs + NEW_CONN_TIMEOUT_SEC * 1000L)
            .syncEndMs(nowMs & ~3L) // ip_vs_conn_new: sync_endtime = jiffies & ~3
            .oldState(0);
    }

    /**
     * Applies one packet to the connection {@code e}: the state transition (TCP), the timeout of the new state,
     * the expiry {@code now + timeout}, and for input packets {@code inPkts + 1}.
     *
     * @param protocol  {@link IpProtocol#TCP} or {@link IpProtocol#UDP}; other protocols only refresh the expiry.
     * @param direction {@link #DIR_INPUT} or {@link #DIR_OUTPUT}. A {@link ConnFlags#NOOUTPUT} connection uses the
     *                  INPUT-ONLY table for input; an output packet clears {@link ConnFlags#NOOUTPUT}, as in the
     *                  kernel.
     * @param tcpFlags  the TCP flags byte (ignored for other protocols).
     * @return a bit set of {@link #STATE_CHANGED}, {@link #BECAME_ACTIVE}, {@link #BECAME_INACTIVE},
     *         {@link #FLAGS_CHANGED} and {@link #WRITE_BACK}.
     */
    public int onPacket(final ConnEntry e, final int protocol, final int direction, final int tcpFlags, final long nowMs)
    {
        final int oldFlags = e.flags();
        final int oldState = e.state();
        final long oldExpiresMs = e.expiresMs();
        int flags = oldFlags;
        int result = 0;
        final int timeoutSec;

        if (IpProtocol.TCP == protocol)
        {
            int part = DIR_OUTPUT == direction ? TcpStateTable.OUTPUT : TcpStateTable.INPUT;
            if ((flags & ConnFlags.NOOUTPUT) != 0)
            {
                if (TcpStateTable.OUTPUT == part)
                {
                    flags &= ~ConnFlags.NOOUTPUT;
                }
                else
                {
                    part = TcpStateTable.INPUT_ONLY;
                }
            }

            final int newState = tcpTable.nextState(part, tcpFlags, oldState);
            if (newState != oldState)
            {
                result |= STATE_CHANGED;
                final boolean active = ConnState.isTcpActive(newState);
                if ((flags & ConnFlags.INACTIVE) == 0 && !active)
                {
                    flags |= ConnFlags.INACTIVE;
                    result |= BECAME_INACTIVE;
                }
                else if ((flags & ConnFlags.INACTIVE) != 0 && active)
                {
                    flags &= ~ConnFlags.INACTIVE;
                    result |= BECAME_ACTIVE;
                }
                e.state(newState);
            }
            timeoutSec = timeouts.tcpTimeout(newState);
        }
        else if (IpProtocol.UDP == protocol)
        {
            timeoutSec = timeouts.udpTimeout();
        }
        else
        {
            timeoutSec = e.timeoutSec();
        }

        if (DIR_INPUT == direction)
        {
            e.inPkts(e.inPkts() + 1);
        }

        final long expiresMs = (flags & ConnFlags.ONE_PACKET) != 0 ? nowMs : nowMs + timeoutSec * 1000L;
        e.flags(flags).timeoutSec(timeoutSec).expiresMs(expiresMs);

        if (flags != oldFlags)
        {
            result |= FLAGS_CHANGED;
        }
        if (result != 0 || Math.abs(expiresMs - oldExpiresMs) >= WRITE_BACK_GRANULARITY_MS)
        {
            result |= WRITE_BACK;
        }

        return result;
    }

    /**
     * The kernel's {@code is_new_conn()}: a TCP segment with SYN set (with or without ACK). Other protocols
     * (SCTP INIT aside, not supported here) never start a new connection over an old entry.
     */
    public static boolean isNewConn(final int protocol, final int tcpFlags)
    {
        return IpProtocol.TCP == protocol && (tcpFlags & TcpStateTable.TCP_SYN) != 0;
    }

    /**
     * The kernel's {@code is_new_conn_expected()} for an uncontrolled TCP connection: it is in TIME_WAIT or
     * CLOSE, or ({@code conn_reuse_mode & 2}) in FIN_WAIT with no output seen (DR/TUN).
     */
    public static boolean isNewConnExpected(final int protocol, final int state, final int flags, final int connReuseMode)
    {
        if (IpProtocol.TCP != protocol)
        {
            return false;
        }
        return ConnState.TIME_WAIT == state ||
            ConnState.CLOSE == state ||
            ((connReuseMode & 2) != 0 && ConnState.FIN_WAIT == state && (flags & ConnFlags.NOOUTPUT) != 0);
    }

    /**
     * The {@code conn_reuse_mode} rule of {@code ip_vs_in()}: a SYN that finds a closing connection ends it and
     * is scheduled afresh. Evaluate on the looked-up entry before {@link #onPacket}; when true, the agent
     * removes the old entry (undoing its accounting), then schedules and inserts the packet as a new
     * connection under the same key.
     *
     * @param controlled the connection belongs to a persistence template or another controlling connection
     *                   ({@code cp->control}): such connections are never rescheduled this way.
     */
    public static boolean shouldReschedule(
        final int protocol,
        final int tcpFlags,
        final ConnEntry e,
        final int connReuseMode,
        final boolean controlled)
    {
        return 0 != connReuseMode &&
            !controlled &&
            isNewConn(protocol, tcpFlags) &&
            isNewConnExpected(protocol, e.state(), e.flags(), connReuseMode);
    }
}
