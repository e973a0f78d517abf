package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;
import static io.jlvs.dataplane.proto.NetworkLayouts.U8;

/**
 * ARP packet for Ethernet and IPv4 (RFC 826), the only combination a director answers.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Hardware Type (1)        |     Protocol Type (0x0800)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  HW Len (6)   | Proto Len (4) |   Operation (1 req, 2 reply)  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            Sender Hardware Address (SHA, 48 bits)             |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |  Sender Protocol Address (SPA)|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |          SPA (cont.)          |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |            Target Hardware Address (THA, 48 bits)             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |               Target Protocol Address (TPA)                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * 28 bytes. Hardware addresses are the low 48 bits of a long; protocol addresses are IPv4 ints in
 * network order (the first octet most significant).
 */
public final class ArpFlyweight
{
    public static final int HTYPE_OFFSET = 0;
    public static final int PTYPE_OFFSET = 2;
    public static final int HLEN_OFFSET = 4;
    public static final int PLEN_OFFSET = 5;
    public static final int OPER_OFFSET = 6;
    public static final int SHA_OFFSET = 8;
    public static final int SPA_OFFSET = 14;
    public static final int THA_OFFSET = 18;
    public static final int TPA_OFFSET = 24;
    /** Length of the fixed part that says which hardware and protocol the rest is for. */
    public static final int FIXED_LENGTH = 8;
    public static final int LENGTH = 28;

    public static final int HTYPE_ETHERNET = 1;
    public static final int PTYPE_IPV4 = EthernetFlyweight.ETHER_TYPE_IPV4;
    public static final int HLEN_ETHERNET = 6;
    public static final int PLEN_IPV4 = 4;
    public static final int OPER_REQUEST = 1;
    public static final int OPER_REPLY = 2;

    private MemorySegment seg;
    private long base;

    public ArpFlyweight wrap(final MemorySegment seg, final long base)
    {
        this.seg = seg;
        this.base = base;
        return this;
    }

    public MemorySegment segment()
    {
        return seg;
    }

    public long base()
    {
        return base;
    }

    public int htype()
    {
        return Short.toUnsignedInt(seg.get(U16, base + HTYPE_OFFSET));
    }

    public ArpFlyweight htype(final int v)
    {
        seg.set(U16, base + HTYPE_OFFSET, (short)v);
        return this;
    }

    public int ptype()
    {
        return Short.toUnsignedInt(seg.get(U16, base + PTYPE_OFFSET));
    }

    public ArpFlyweight ptype(final int v)
    {
        seg.set(U16, base + PTYPE_OFFSET, (short)v);
        return this;
    }

    public int hlen()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + HLEN_OFFSET));
    }

    public ArpFlyweight hlen(final int v)
    {
        seg.set(U8, base + HLEN_OFFSET, (byte)v);
        return this;
    }

    public int plen()
    {
        return Byte.toUnsignedInt(seg.get(U8, base + PLEN_OFFSET));
    }

    public ArpFlyweight plen(final int v)
    {
        seg.set(U8, base + PLEN_OFFSET, (byte)v);
        return this;
    }

    public int oper()
    {
        return Short.toUnsignedInt(seg.get(U16, base + OPER_OFFSET));
    }

    public ArpFlyweight oper(final int v)
    {
        seg.set(U16, base + OPER_OFFSET, (short)v);
        return this;
    }

    public long sha()
    {
        return EthernetFlyweight.getMac(seg, base + SHA_OFFSET);
    }

    public ArpFlyweight sha(final long mac)
    {
        EthernetFlyweight.putMac(seg, base + SHA_OFFSET, mac);
        return this;
    }

    public int spa()
    {
        return seg.get(U32, base + SPA_OFFSET);
    }

    public ArpFlyweight spa(final int addr)
    {
        seg.set(U32, base + SPA_OFFSET, addr);
        return this;
    }

    public long tha()
    {
        return EthernetFlyweight.getMac(seg, base + THA_OFFSET);
    }

    public ArpFlyweight tha(final long mac)
    {
        EthernetFlyweight.putMac(seg, base + THA_OFFSET, mac);
        return this;
    }

    public int tpa()
    {
        return seg.get(U32, base + TPA_OFFSET);
    }

    public ArpFlyweight tpa(final int addr)
    {
        seg.set(U32, base + TPA_OFFSET, addr);
        return this;
    }

    /** True for Ethernet hardware and IPv4 protocol addresses with their standard lengths. */
    public boolean isEthernetIpv4()
    {
        return htype() == HTYPE_ETHERNET && ptype() == PTYPE_IPV4 && hlen() == HLEN_ETHERNET && plen() == PLEN_IPV4;
    }
}
