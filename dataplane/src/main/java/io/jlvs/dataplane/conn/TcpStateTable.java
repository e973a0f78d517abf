package io.jlvs.dataplane.conn;

import static io.jlvs.dataplane.conn.ConnState.CLOSE;
import static io.jlvs.dataplane.conn.ConnState.CLOSE_WAIT;
import static io.jlvs.dataplane.conn.ConnState.ESTABLISHED;
import static io.jlvs.dataplane.conn.ConnState.FIN_WAIT;
import static io.jlvs.dataplane.conn.ConnState.LAST_ACK;
import static io.jlvs.dataplane.conn.ConnState.LISTEN;
import static io.jlvs.dataplane.conn.ConnState.SYNACK;
import static io.jlvs.dataplane.conn.ConnState.SYN_RECV;
import static io.jlvs.dataplane.conn.ConnState.SYN_SENT;
import static io.jlvs.dataplane.conn.ConnState.TCP_STATE_COUNT;
import static io.jlvs.dataplane.conn.ConnState.TIME_WAIT;

/**
 * The IPVS TCP state transition tables ({@code tcp_states} and {@code tcp_states_dos} in
 * {@code net/netfilter/ipvs/ip_vs_proto_tcp.c}, current mainline).
 * <p>
 * Each table has three parts, as in the kernel: {@link #INPUT} (client to real server), {@link #OUTPUT}
 * (real server to client, only seen with NAT) and {@link #INPUT_ONLY} (client to real server when no output
 * is seen: DR, TUN, LOCALNODE, flagged {@link ConnFlags#NOOUTPUT}). Each part has four rows selected by the
 * TCP flags, RST first, then SYN, then FIN, then ACK ({@link #rowOf(int)}), and one column per current state.
 * <p>
 * The tables are laid out flat, {@code [part + row][state]}, with part offsets 0, 4 and 8 as the kernel's
 * {@code TCP_DIR_*}; a lookup is one array load.
 */
public final class TcpStateTable
{
    /** Part offset for packets from the client. */
    public static final int INPUT = 0;
    /** Part offset for packets from the real server. */
    public static final int OUTPUT = 4;
    /** Part offset for packets from the client of a connection whose output is never seen. */
    public static final int INPUT_ONLY = 8;

    public static final int ROW_SYN = 0;
    public static final int ROW_FIN = 1;
    public static final int ROW_ACK = 2;
    public static final int ROW_RST = 3;
    /** No RST, SYN, FIN or ACK flag: the kernel then moves the connection to CLOSE. */
    public static final int ROW_NONE = -1;

    public static final int TCP_FIN = 0x01;
    public static final int TCP_SYN = 0x02;
    public static final int TCP_RST = 0x04;
    public static final int TCP_ACK = 0x10;

    private static final int NO = ConnState.NONE;
    private static final int ES = ESTABLISHED;
    private static final int SS = SYN_SENT;
    private static final int SR = SYN_RECV;
    private static final int FW = FIN_WAIT;
    private static final int TW = TIME_WAIT;
    private static final int CL = CLOSE;
    private static final int CW = CLOSE_WAIT;
    private static final int LA = LAST_ACK;
    private static final int LI = LISTEN;
    private static final int SA = SYNACK;

    /** The normal table ({@code tcp_states}). */
    public static final TcpStateTable NORMAL = new TcpStateTable(
        "normal",
        new int[][]
        {
            // INPUT        NO  ES  SS  SR  FW  TW  CL  CW  LA  LI  SA
            /* syn */ {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR},
            /* fin */ {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, TW},
            /* ack */ {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
            /* rst */ {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, SR},
            // OUTPUT
            /* syn */ {SS, ES, SS, SR, SS, SS, SS, SS, SS, LI, SR},
            /* fin */ {TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW},
            /* ack */ {ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES},
            /* rst */ {CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL},
            // INPUT-ONLY
            /* syn */ {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SR},
            /* fin */ {CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW},
            /* ack */ {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
            /* rst */ {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
        });

    /** The table used while {@code secure_tcp} is on ({@code tcp_states_dos}). */
    public static final TcpStateTable SECURE_TCP = new TcpStateTable(
        "secure_tcp",
        new int[][]
        {
            // INPUT        NO  ES  SS  SR  FW  TW  CL  CW  LA  LI  SA
            /* syn */ {SR, ES, ES, SR, SR, SR, SR, SR, SR, SR, SA},
            /* fin */ {CL, CW, SS, TW, TW, TW, CL, CW, LA, LI, SA},
            /* ack */ {ES, ES, SS, SR, FW, TW, CL, CW, CL, LI, SA},
            /* rst */ {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
            // OUTPUT
            /* syn */ {SS, ES, SS, SA, SS, SS, SS, SS, SS, LI, SA},
            /* fin */ {TW, FW, SS, TW, FW, TW, CL, TW, LA, LI, TW},
            /* ack */ {ES, ES, SS, ES, FW, TW, CL, CW, LA, ES, ES},
            /* rst */ {CL, CL, SS, CL, CL, TW, CL, CL, CL, CL, CL},
            // INPUT-ONLY
            /* syn */ {SA, ES, ES, SR, SA, SA, SA, SA, SA, SA, SA},
            /* fin */ {CL, FW, SS, TW, FW, TW, CL, CW, LA, LI, TW},
            /* ack */ {ES, ES, SS, ES, FW, TW, CL, CW, CL, LI, ES},
            /* rst */ {CL, CL, CL, SR, CL, CL, CL, CL, LA, LI, CL},
        });

    private final String name;
    private final byte[] next;

    private TcpStateTable(final String name, final int[][] rows)
    {
        if (rows.length != 12)
        {
            throw new IllegalArgumentException("expected 12 rows, got " + rows.length);
        }

        this.name = name;
        this.next = new byte[12 * TCP_STATE_COUNT];
        for (int r = 0; r < rows.length; r++)
        {
            if (rows[r].length != TCP_STATE_COUNT)
            {
                throw new IllegalArgumentException("row " + r + " has " + rows[r].length + " columns");
            }
            for (int s = 0; s < TCP_STATE_COUNT; s++)
            {
                next[r * TCP_STATE_COUNT + s] = (byte)rows[r][s];
            }
        }
    }

    public String name()
    {
        return name;
    }

    /**
     * The row the kernel's {@code tcp_state_idx()} picks: RST, else SYN, else FIN, else ACK, else
     * {@link #ROW_NONE}.
     */
    public static int rowOf(final int tcpFlags)
    {
        if ((tcpFlags & TCP_RST) != 0)
        {
            return ROW_RST;
        }
        if ((tcpFlags & TCP_SYN) != 0)
        {
            return ROW_SYN;
        }
        if ((tcpFlags & TCP_FIN) != 0)
        {
            return ROW_FIN;
        }
        if ((tcpFlags & TCP_ACK) != 0)
        {
            return ROW_ACK;
        }
        return ROW_NONE;
    }

    /**
     * The next state, as the kernel's {@code set_tcp_state()} computes it: a segment carrying none of
     * RST, SYN, FIN and ACK moves the connection to {@link ConnState#CLOSE} (the kernel's default
     * {@code new_state}), it does not leave the state unchanged. A state out of range also gives CLOSE.
     *
     * @param part     {@link #INPUT}, {@link #OUTPUT} or {@link #INPUT_ONLY}.
     * @param tcpFlags the segment's flags byte.
     * @param state    the current state, {@code 0 <= state < ConnState.TCP_STATE_COUNT}.
     */
    public int nextState(final int part, final int tcpFlags, final int state)
    {
        final int row = rowOf(tcpFlags);
        if (row == ROW_NONE || state < 0 || state >= TCP_STATE_COUNT)
        {
            return CLOSE;
        }
        return next[(part + row) * TCP_STATE_COUNT + state];
    }

    @Override
    public String toString()
    {
        return "TcpStateTable{" + name + "}";
    }
}
