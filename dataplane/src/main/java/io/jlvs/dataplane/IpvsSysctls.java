package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnStateMachine;

/**
 * The kernel's {@code net.ipv4.vs} sysctls that change how connections are made and ended, as the director's
 * settings give them; the kernel's defaults otherwise.
 *
 * @param connReuseMode    {@code conn_reuse_mode}: 1 (default) a SYN ends a TIME_WAIT or CLOSE connection and is
 *                         scheduled afresh; bit 2 also a FIN_WAIT one that saw no output (DR, TUN); 0 never.
 * @param expireNodestConn {@code expire_nodest_conn}: a connection whose real server is gone ends at its next packet.
 * @param sloppyTcp        {@code sloppy_tcp}: any TCP packet but a RST may start a connection, not only a SYN.
 * @param sloppySctp       {@code sloppy_sctp}: any SCTP packet may start a connection, not only an INIT.
 * @param expireQuiescentTemplate {@code expire_quiescent_template}: a persistence template whose real server is at
 *                         weight 0 no longer holds its clients; they are scheduled afresh.
 */
public record IpvsSysctls(
    int connReuseMode, boolean expireNodestConn, boolean sloppyTcp, boolean sloppySctp,
    boolean expireQuiescentTemplate)
{
    public static final IpvsSysctls DEFAULTS =
        new IpvsSysctls(ConnStateMachine.DEFAULT_CONN_REUSE_MODE, false, false, false, false);

    public IpvsSysctls
    {
        if (connReuseMode < 0 || connReuseMode > 3)
        {
            throw new IllegalArgumentException("conn_reuse_mode " + connReuseMode + ": 0..3");
        }
    }
}
