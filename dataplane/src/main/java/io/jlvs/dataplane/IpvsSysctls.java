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
 * @param natIcmpSend      {@code nat_icmp_send}: a NAT real server's packet of no connection (not a reset) is answered
 *                         with ICMP port unreachable.
 * @param dropEntry        {@code drop_entry}: 0 never, 3 always, 1 and 2 while the connection table is short of room,
 *                         every second drop a 32nd's worth of half-open and idle connections ({@link Defense}).
 * @param secureTcp        {@code secure_tcp}: as {@code dropEntry}, when to use the stricter TCP state table.
 * @param amemthresh       {@code amemthresh}: the room, in connection entries of an agent's table, below which the
 *                         table is short of room for the automatic defences (the kernel counts free pages).
 */
public record IpvsSysctls(
    int connReuseMode, boolean expireNodestConn, boolean sloppyTcp, boolean sloppySctp,
    boolean expireQuiescentTemplate, boolean natIcmpSend, int dropEntry, int secureTcp, int amemthresh)
{
    /** The kernel's default {@code amemthresh} (1024 pages), here entries. */
    public static final int DEFAULT_AMEMTHRESH = 1024;

    public static final IpvsSysctls DEFAULTS = new IpvsSysctls(
        ConnStateMachine.DEFAULT_CONN_REUSE_MODE, false, false, false, false, false, 0, 0, DEFAULT_AMEMTHRESH);

    public IpvsSysctls
    {
        if (connReuseMode < 0 || connReuseMode > 3)
        {
            throw new IllegalArgumentException("conn_reuse_mode " + connReuseMode + ": 0..3");
        }
        if (dropEntry < 0 || dropEntry > 3 || secureTcp < 0 || secureTcp > 3)
        {
            throw new IllegalArgumentException("drop_entry and secure_tcp: 0..3");
        }
        if (amemthresh < 0)
        {
            throw new IllegalArgumentException("amemthresh must not be negative");
        }
    }

    /** These sysctls with {@code conn_reuse_mode}, {@code sloppy_tcp} and {@code sloppy_sctp} changed. */
    public IpvsSysctls withStart(final int connReuseMode, final boolean sloppyTcp, final boolean sloppySctp)
    {
        return new IpvsSysctls(connReuseMode, expireNodestConn, sloppyTcp, sloppySctp, expireQuiescentTemplate,
            natIcmpSend, dropEntry, secureTcp, amemthresh);
    }

    /** These sysctls with {@code nat_icmp_send} set or not. */
    public IpvsSysctls withNatIcmpSend(final boolean natIcmpSend)
    {
        return new IpvsSysctls(connReuseMode, expireNodestConn, sloppyTcp, sloppySctp, expireQuiescentTemplate,
            natIcmpSend, dropEntry, secureTcp, amemthresh);
    }

    /** These sysctls with the defences' modes changed. */
    public IpvsSysctls withDefense(final int dropEntry, final int secureTcp, final int amemthresh)
    {
        return new IpvsSysctls(connReuseMode, expireNodestConn, sloppyTcp, sloppySctp, expireQuiescentTemplate,
            natIcmpSend, dropEntry, secureTcp, amemthresh);
    }
}
