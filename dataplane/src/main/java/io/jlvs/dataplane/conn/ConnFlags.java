package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;

/**
 * Connection flag bits with the kernel's values ({@code IP_VS_CONN_F_*} in {@code include/uapi/linux/ip_vs.h}),
 * so that they can be synced to, and from, a kernel LVS director unchanged.
 * <p>
 * The forwarding method lives in the low three bits, as in IPVS ({@link #FWD_MASK}); {@link FwdMethod} names it.
 */
public final class ConnFlags
{
    /** Mask of the forwarding method bits: a {@link FwdMethod#flags()} value. */
    public static final int FWD_MASK = 0x0007;
    /** Entry created by the sync daemon. */
    public static final int SYNC = 0x0020;
    /** Hashed entry (kernel bookkeeping; kept for the sync wire format). */
    public static final int HASHED = 0x0040;
    /** No packets from the real server are seen (DR, TUN, LOCALNODE): the INPUT-ONLY state table applies. */
    public static final int NOOUTPUT = 0x0080;
    /** Not counted in the real server's active connections. */
    public static final int INACTIVE = 0x0100;
    public static final int OUT_SEQ = 0x0200;
    public static final int IN_SEQ = 0x0400;
    public static final int SEQ_MASK = 0x0600;
    /** Template created before the client port is known. */
    public static final int NO_CPORT = 0x0800;
    /** Persistence template, not a connection. */
    public static final int TEMPLATE = 0x1000;
    /** Forward one packet only (UDP; ipvsadm {@code -o}). */
    public static final int ONE_PACKET = 0x2000;
    /**
     * jlvs's own, above the kernel's 16 bits that sync carries: the connection's template has been assured for it
     * (UDP assures at its first reply, and the template need not be locked again).
     */
    public static final int CONTROL_ASSURED = 1 << 24;
    /** Flags a real server's configuration may set (kernel {@code IP_VS_CONN_F_DEST_MASK}, without NFCT). */
    public static final int DEST_MASK = FWD_MASK | ONE_PACKET;
    /** Flags a backup takes from a sync report ({@code IP_VS_CONN_F_BACKUP_MASK}). */
    public static final int BACKUP_MASK = FWD_MASK | NOOUTPUT | INACTIVE | SEQ_MASK | NO_CPORT | TEMPLATE;
    /** Flags a sync report may change on a connection the backup has ({@code IP_VS_CONN_F_BACKUP_UPD_MASK}). */
    public static final int BACKUP_UPD_MASK = INACTIVE | SEQ_MASK;

    private ConnFlags()
    {
    }

    /** {@link #destConnFlags(FwdMethod, boolean)} without {@code -o}. */
    public static int destConnFlags(final FwdMethod fwdMethod)
    {
        return destConnFlags(fwdMethod, false);
    }

    /**
     * The flags a real server hands to each new connection, as {@code __ip_vs_update_dest()} computes
     * {@code dest->conn_flags}: the configured method, {@link #INACTIVE} always (a new connection is not yet
     * counted as active), and {@link #NOOUTPUT} for every method but NAT.
     *
     * @param onePacket ipvsadm {@code -o}.
     */
    public static int destConnFlags(final FwdMethod fwdMethod, final boolean onePacket)
    {
        int flags = fwdMethod.flags() | INACTIVE;
        if (onePacket)
        {
            flags |= ONE_PACKET;
        }
        if (fwdMethod.isInputOnly())
        {
            flags |= NOOUTPUT;
        }
        return flags;
    }

    /**
     * The flags of a new, locally scheduled connection bound to a real server, as {@code ip_vs_bind_dest()}
     * computes them: the dest's connection flags, {@link #ONE_PACKET} kept for UDP only, or'ed with the
     * connection's own flags (for example {@link #TEMPLATE} or {@link #NO_CPORT}).
     */
    public static int newConnFlags(final int destConnFlags, final int protocol, final int ownFlags)
    {
        int destFlags = destConnFlags;
        if (protocol != IpProtocol.UDP)
        {
            destFlags &= ~ONE_PACKET;
        }
        return ownFlags | destFlags;
    }
}
