package io.jlvs.dataplane.proto;

import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static java.nio.ByteOrder.BIG_ENDIAN;

/**
 * The network-order (big-endian), unaligned value layouts every header in this package is read through.
 * Packet headers sit at arbitrary offsets in an mbuf (a VLAN tag or IPv4 options shift them by 4), so
 * no access may assume alignment.
 */
public final class NetworkLayouts
{
    public static final ValueLayout.OfByte U8 = JAVA_BYTE;
    public static final ValueLayout.OfShort U16 = JAVA_SHORT_UNALIGNED.withOrder(BIG_ENDIAN);
    public static final ValueLayout.OfInt U32 = JAVA_INT_UNALIGNED.withOrder(BIG_ENDIAN);
    public static final ValueLayout.OfLong U64 = JAVA_LONG_UNALIGNED.withOrder(BIG_ENDIAN);

    private NetworkLayouts()
    {
    }
}
