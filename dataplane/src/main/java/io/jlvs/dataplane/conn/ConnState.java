package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;

/**
 * Connection states, numbered as the kernel numbers them ({@code IP_VS_TCP_S_*} in {@code include/net/ip_vs.h}):
 * the values are what the sync protocol carries, and the names are what {@code ipvsadm -L -c} and
 * {@code /proc/net/ip_vs_conn} print.
 * <p>
 * UDP has one state, {@link #UDP_NORMAL} (value 0, printed {@code UDP}).
 */
public final class ConnState
{
    public static final int NONE = 0;
    public static final int ESTABLISHED = 1;
    public static final int SYN_SENT = 2;
    public static final int SYN_RECV = 3;
    public static final int FIN_WAIT = 4;
    public static final int TIME_WAIT = 5;
    public static final int CLOSE = 6;
    public static final int CLOSE_WAIT = 7;
    public static final int LAST_ACK = 8;
    public static final int LISTEN = 9;
    public static final int SYNACK = 10;
    /** Number of TCP states ({@code IP_VS_TCP_S_LAST}). */
    public static final int TCP_STATE_COUNT = 11;

    /** The only UDP state ({@code IP_VS_UDP_S_NORMAL}). */
    public static final int UDP_NORMAL = 0;

    /** Persistence template state {@code IP_VS_CTPL_S_NONE}. */
    public static final int TEMPLATE_NONE = 0;
    /** Persistence template state {@code IP_VS_CTPL_S_ASSURED}: a controlled connection got established. */
    public static final int TEMPLATE_ASSURED = 1;

    private static final String[] TCP_NAMES =
    {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
    };

    /**
     * Whether a TCP state counts towards a real server's active connections. Current mainline
     * ({@code tcp_state_active_table} in {@code ip_vs_proto_tcp.c}) counts the handshake states too, not
     * only ESTABLISHED: ESTABLISHED, SYN_SENT, SYN_RECV and SYNACK.
     */
    private static final boolean[] TCP_ACTIVE =
    {
        false, true, true, true, false, false, false, false, false, false, true,
    };

    private ConnState()
    {
    }

    /** The kernel's {@code tcp_state_active()}: false for values out of range. */
    public static boolean isTcpActive(final int state)
    {
        return state >= 0 && state < TCP_STATE_COUNT && TCP_ACTIVE[state];
    }

    /** The TCP state name, {@code "ERR!"} when out of range as in the kernel. */
    public static String tcpName(final int state)
    {
        return state >= 0 && state < TCP_STATE_COUNT ? TCP_NAMES[state] : "ERR!";
    }

    /**
     * The state name as {@code ipvsadm -L -c} prints it, following the kernel's {@code ip_vs_state_name()}:
     * templates print {@code NONE} or {@code ASSURED}, TCP and UDP their protocol's names, a fwmark template
     * (protocol 0) {@code NONE}, anything else {@code ERR!}.
     */
    public static String name(final int protocol, final int flags, final int state)
    {
        if ((flags & ConnFlags.TEMPLATE) != 0)
        {
            return switch (state)
            {
                case TEMPLATE_NONE -> "NONE";
                case TEMPLATE_ASSURED -> "ASSURED";
                default -> "ERR!";
            };
        }

        return switch (protocol)
        {
            case IpProtocol.TCP -> tcpName(state);
            case IpProtocol.UDP -> state == UDP_NORMAL ? "UDP" : "ERR!";
            case 0 -> "NONE";
            default -> "ERR!";
        };
    }
}
