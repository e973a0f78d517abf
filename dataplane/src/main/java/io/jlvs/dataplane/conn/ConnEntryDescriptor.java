package io.jlvs.dataplane.conn;

/**
 * The stored form of a connection's value, the one description of its bytes: {@link ConnEntry} reads and writes
 * it in the flow cache's slots, and {@link ConnEntryMarshaller} writes the same offsets into Chronicle Map. Little-endian, as Chronicle writes on x86.
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +---------------------------------------------------------------+
 *  |                flags (IP_VS_CONN_F_*, FWD_MASK low)           |  0
 *  +---------------+---------------+-------------------------------+
 *  |     state     |      daf      |            dport              |  4
 *  +---------------+---------------+-------------------------------+
 *  |                 daddr hi (0 for IPv4), lo                     |  8, 16
 *  +-------------------------------+-------------------------------+
 *  |          timeout (s)          |            inPkts             |  24
 *  +-------------------------------+-------------------------------+
 *  |               expires (epoch ms)                              |  32
 *  +-------------------------------+-------------------------------+
 *  |  control (its template's ref) |  nControl (a template's)      |  40
 *  +-------------------------------+-------------------------------+
 *  | old state (top byte) | sync end (epoch ms, low 2 bits resends)  |  48
 *  +-------------------------------+-------------------------------+
 *  |            destId             |            fwmark             |  56
 *  +-------------------------------+-------------------------------+  64
 * </pre>
 */
public final class ConnEntryDescriptor
{
    public static final int FLAGS_OFFSET = 0;
    public static final int STATE_OFFSET = 4;
    public static final int DAF_OFFSET = 5;
    public static final int DPORT_OFFSET = 6;
    public static final int DADDR_HI_OFFSET = 8;
    public static final int DADDR_LO_OFFSET = 16;
    public static final int TIMEOUT_OFFSET = 24;
    public static final int IN_PKTS_OFFSET = 28;
    public static final int EXPIRES_OFFSET = 32;
    public static final int CONTROL_OFFSET = 40;
    public static final int N_CONTROL_OFFSET = 44;
    public static final int SYNC_OFFSET = 48;
    public static final int DEST_ID_OFFSET = 56;
    public static final int FWMARK_OFFSET = 60;
    public static final int LENGTH = 64;

    private ConnEntryDescriptor()
    {
    }
}
