package io.jlvs.dataplane.conn;

import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The stored form of a connection key, the one description of its bytes: {@link ConnKey} reads and writes it
 * and gives it as five words, {@link ConnKeyMarshaller} writes the same offsets into Chronicle Map, and
 * {@link FlowCache} keeps and compares the words. Little-endian, as Chronicle writes on x86 (a persisted table's bytes are unchanged
 * from the field-by-field marshaller this replaced).
 * <pre>
 *   0               1               2               3
 *   0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7 0 1 2 3 4 5 6 7
 *  +---------------+---------------+-------------------------------+
 *  |   protocol    |      af       |            cport              |  0
 *  +---------------+---------------+-------------------------------+
 *  |            vport              |  direction    |     zero      |  4
 *  +---------------+---------------+-------------------------------+
 *  |                 caddr hi (0 for IPv4), lo                     |  8, 16
 *  |                 vaddr hi (0 for IPv4), lo                     |  24, 32
 *  +---------------------------------------------------------------+  40
 * </pre>
 * {@code direction} tells a connection's own key ({@link #DIR_IN}: client, virtual service) from the key of its
 * reply direction ({@link #DIR_OUT}: client, real server), under which a NAT connection is found from its real
 * server's packets.
 */
public final class ConnKeyDescriptor
{
    public static final int PROTOCOL_OFFSET = 0;
    public static final int AF_OFFSET = 1;
    public static final int CPORT_OFFSET = 2;
    public static final int VPORT_OFFSET = 4;
    public static final int DIRECTION_OFFSET = 6;
    public static final int CADDR_HI_OFFSET = 8;
    public static final int CADDR_LO_OFFSET = 16;
    public static final int VADDR_HI_OFFSET = 24;
    public static final int VADDR_LO_OFFSET = 32;
    public static final int LENGTH = 40;
    /** The key as five longs, for hashing and comparing without looking at the fields. */
    public static final int WORDS = LENGTH / Long.BYTES;

    /** A connection's own key: client and virtual service. */
    public static final int DIR_IN = 0;
    /** The reply direction of a NAT connection: client and real server. */
    public static final int DIR_OUT = 1;

    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private ConnKeyDescriptor()
    {
    }
}
