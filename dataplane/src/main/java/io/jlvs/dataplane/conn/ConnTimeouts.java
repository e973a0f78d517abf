package io.jlvs.dataplane.conn;

/**
 * Per-state connection timeouts in seconds, with the kernel's defaults ({@code tcp_timeouts[]} in
 * {@code ip_vs_proto_tcp.c}, {@code udp_timeouts[]} in {@code ip_vs_proto_udp.c}).
 * <p>
 * {@link #set(int, int, int)} is {@code ipvsadm --set tcp tcpfin udp}: it changes the ESTABLISHED, FIN_WAIT
 * and UDP timeouts, a 0 keeps the current value. {@link #tcpTimeout(int, int)} is the finer
 * {@code /proc/sys/net/ipv4/vs/timeout_*} knob.
 * <p>
 * Not thread safe: one instance belongs to one forwarding agent, which applies changes between bursts.
 */
public final class ConnTimeouts
{
    /** The largest timeout accepted, as the kernel's {@code INT_MAX / HZ} with HZ = 1000. */
    public static final int MAX_TIMEOUT_SEC = Integer.MAX_VALUE / 1000;

    public static final int DEFAULT_UDP_SEC = 300;

    private static final int[] DEFAULT_TCP_SEC =
    {
        2,          // NONE
        15 * 60,    // ESTABLISHED
        2 * 60,     // SYN_SENT
        60,         // SYN_RECV
        2 * 60,     // FIN_WAIT
        2 * 60,     // TIME_WAIT
        10,         // CLOSE
        60,         // CLOSE_WAIT
        30,         // LAST_ACK
        2 * 60,     // LISTEN
        120,        // SYNACK
    };

    private final int[] tcpSec = DEFAULT_TCP_SEC.clone();
    private int udpSec = DEFAULT_UDP_SEC;

    /** The default TCP timeout of a state, in seconds. */
    public static int defaultTcpTimeout(final int state)
    {
        return DEFAULT_TCP_SEC[state];
    }

    /** The TCP timeout of {@code state} in seconds; {@code state} must be a TCP state. */
    public int tcpTimeout(final int state)
    {
        return tcpSec[state];
    }

    /** The UDP timeout in seconds. */
    public int udpTimeout()
    {
        return udpSec;
    }

    /** {@code ipvsadm -L --timeout}'s "tcp" value. */
    public int tcp()
    {
        return tcpSec[ConnState.ESTABLISHED];
    }

    /** {@code ipvsadm -L --timeout}'s "tcpfin" value. */
    public int tcpFin()
    {
        return tcpSec[ConnState.FIN_WAIT];
    }

    /** {@code ipvsadm -L --timeout}'s "udp" value. */
    public int udp()
    {
        return udpSec;
    }

    /**
     * {@code ipvsadm --set tcp tcpfin udp}, as the kernel's {@code ip_vs_set_timeout()}: all three are
     * validated first (negative or above {@link #MAX_TIMEOUT_SEC} is refused and nothing changes), then each
     * non-zero value replaces the ESTABLISHED, FIN_WAIT and UDP timeout respectively.
     *
     * @throws IllegalArgumentException for a value out of range (the kernel's {@code -EINVAL}).
     */
    public void set(final int tcp, final int tcpFin, final int udp)
    {
        check("tcp", tcp);
        check("tcpfin", tcpFin);
        check("udp", udp);

        if (tcp != 0)
        {
            tcpSec[ConnState.ESTABLISHED] = tcp;
        }
        if (tcpFin != 0)
        {
            tcpSec[ConnState.FIN_WAIT] = tcpFin;
        }
        if (udp != 0)
        {
            udpSec = udp;
        }
    }

    /** Sets one TCP state's timeout, as writing {@code /proc/sys/net/ipv4/vs/timeout_<state>} does. */
    public void tcpTimeout(final int state, final int seconds)
    {
        if (state < 0 || state >= ConnState.TCP_STATE_COUNT)
        {
            throw new IllegalArgumentException("not a TCP state: " + state);
        }
        check(ConnState.tcpName(state), seconds);
        tcpSec[state] = seconds;
    }

    /** Sets the UDP timeout, as writing {@code /proc/sys/net/ipv4/vs/timeout_udp} does. */
    public void udpTimeout(final int seconds)
    {
        check("udp", seconds);
        udpSec = seconds;
    }

    /** Copies all values from {@code other}, for handing a changed set to an agent. */
    public void copyFrom(final ConnTimeouts other)
    {
        System.arraycopy(other.tcpSec, 0, tcpSec, 0, tcpSec.length);
        udpSec = other.udpSec;
    }

    private static void check(final String name, final int seconds)
    {
        if (seconds < 0 || seconds > MAX_TIMEOUT_SEC)
        {
            throw new IllegalArgumentException(name + " timeout out of range [0, " + MAX_TIMEOUT_SEC + "]: " + seconds);
        }
    }

    @Override
    public String toString()
    {
        return "Timeout (tcp tcpfin udp): " + tcp() + " " + tcpFin() + " " + udp();
    }
}
