package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.proto.NetworkLayouts.U16;
import static io.jlvs.dataplane.proto.NetworkLayouts.U32;

/**
 * Ethernet II header, optionally with one IEEE 802.1Q VLAN tag.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Destination MAC (48 bits)                  |
 * +                               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               |                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               +
 * |                      Source MAC (48 bits)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     EtherType (or TPID 0x8100)|  PCP|D|        VLAN ID        |  &lt;- TCI only when tagged
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Inner EtherType (tagged)    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Untagged the header is 14 bytes; with one 802.1Q tag it is 18 bytes and {@link #payloadEtherType()}
 * is the EtherType after the tag. MAC addresses are the low 48 bits of a long, the first byte on the
 * wire most significant. No bounds are checked here beyond the segment's own: the parser validates
 * lengths first.
 */
public final class EthernetFlyweight
{
    public static final int DST_MAC_OFFSET = 0;
    public static final int SRC_MAC_OFFSET = 6;
    public static final int ETHER_TYPE_OFFSET = 12;
    public static final int VLAN_TCI_OFFSET = 14;
    public static final int INNER_ETHER_TYPE_OFFSET = 16;
    public static final int HEADER_LENGTH = 14;
    public static final int VLAN_TAG_LENGTH = 4;
    public static final int VLAN_HEADER_LENGTH = HEADER_LENGTH + VLAN_TAG_LENGTH;
    /** Minimum frame length on the wire without the FCS; shorter frames are padded to it. */
    public static final int MIN_FRAME_LENGTH = 60;

    public static final int ETHER_TYPE_IPV4 = 0x0800;
    public static final int ETHER_TYPE_ARP = 0x0806;
    public static final int ETHER_TYPE_VLAN = 0x8100;
    public static final int ETHER_TYPE_IPV6 = 0x86DD;

    public static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;

    private MemorySegment seg;
    private long base;

    public EthernetFlyweight wrap(final MemorySegment seg, final long base)
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

    public long dstMac()
    {
        return getMac(seg, base + DST_MAC_OFFSET);
    }

    public EthernetFlyweight dstMac(final long mac)
    {
        putMac(seg, base + DST_MAC_OFFSET, mac);
        return this;
    }

    public long srcMac()
    {
        return getMac(seg, base + SRC_MAC_OFFSET);
    }

    public EthernetFlyweight srcMac(final long mac)
    {
        putMac(seg, base + SRC_MAC_OFFSET, mac);
        return this;
    }

    /** The EtherType field at offset 12: the TPID {@code 0x8100} when the frame is tagged. */
    public int etherType()
    {
        return Short.toUnsignedInt(seg.get(U16, base + ETHER_TYPE_OFFSET));
    }

    public EthernetFlyweight etherType(final int etherType)
    {
        seg.set(U16, base + ETHER_TYPE_OFFSET, (short)etherType);
        return this;
    }

    public boolean isVlanTagged()
    {
        return etherType() == ETHER_TYPE_VLAN;
    }

    /** Tag control information (PCP, DEI, VLAN id); only meaningful when {@link #isVlanTagged()}. */
    public int vlanTci()
    {
        return Short.toUnsignedInt(seg.get(U16, base + VLAN_TCI_OFFSET));
    }

    public EthernetFlyweight vlanTci(final int tci)
    {
        seg.set(U16, base + VLAN_TCI_OFFSET, (short)tci);
        return this;
    }

    public int vlanId()
    {
        return vlanTci() & 0x0FFF;
    }

    public int vlanPriority()
    {
        return vlanTci() >>> 13;
    }

    /** EtherType of the payload: after the tag when tagged, else the same as {@link #etherType()}. */
    public int payloadEtherType()
    {
        final int etherType = etherType();
        return etherType == ETHER_TYPE_VLAN ?
            Short.toUnsignedInt(seg.get(U16, base + INNER_ETHER_TYPE_OFFSET)) : etherType;
    }

    /** Sets the EtherType of the payload: after the tag when tagged. */
    public EthernetFlyweight payloadEtherType(final int etherType)
    {
        final long offset = isVlanTagged() ? INNER_ETHER_TYPE_OFFSET : ETHER_TYPE_OFFSET;
        seg.set(U16, base + offset, (short)etherType);
        return this;
    }

    /** 18 when tagged, else 14: the offset of the L3 header from {@link #base()}. */
    public int headerLength()
    {
        return isVlanTagged() ? VLAN_HEADER_LENGTH : HEADER_LENGTH;
    }

    /** Reads a 48-bit MAC address at {@code offset} into the low 48 bits of a long. */
    public static long getMac(final MemorySegment seg, final long offset)
    {
        return (Short.toUnsignedLong(seg.get(U16, offset)) << 32) | Integer.toUnsignedLong(seg.get(U32, offset + 2));
    }

    /** Writes the low 48 bits of {@code mac} at {@code offset}, most significant byte first. */
    public static void putMac(final MemorySegment seg, final long offset, final long mac)
    {
        seg.set(U16, offset, (short)(mac >>> 32));
        seg.set(U32, offset + 2, (int)mac);
    }
}
