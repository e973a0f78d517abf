package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Addresses;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static io.jlvs.dataplane.conn.ConnKeyDescriptor.AF_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.CADDR_HI_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.CADDR_LO_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.CPORT_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.DIRECTION_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.LENGTH;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.PROTOCOL_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U16;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U64;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.VADDR_HI_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.VADDR_LO_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.VPORT_OFFSET;

/**
 * The key of a connection, the tuple the kernel hashes for input lookups ({@code ip_vs_conn_hashkey_param()}):
 * protocol, family, client address and port, virtual address and port. A flyweight over its own
 * {@link ConnKeyDescriptor#LENGTH} bytes in the stored layout, so the table and the cache copy and compare it whole.
 * <p>
 * Addresses are two longs as in {@link PacketView}: IPv4 in the low 32 bits of {@code lo} with {@code hi == 0},
 * IPv6 as its high and low 64 bits. Ports are unsigned 16-bit values. A persistence template uses the same
 * key with the client port 0 (and for port-0 services the virtual port 0). The reply direction of a NAT connection
 * has a key of its own ({@link #setOut}): the real server in place of the virtual service.
 * <p>
 * Reusable: one instance per use per agent, set from each packet, no allocation.
 */
public final class ConnKey
{
    private final byte[] bytes = new byte[LENGTH];
    private final MemorySegment seg = MemorySegment.ofArray(bytes);

    /** Sets the key of an inbound packet: client = source, virtual service = destination. */
    public ConnKey setFromPacket(final PacketView pkt)
    {
        return set(pkt.protocol, pkt.af, pkt.saddrHi, pkt.saddrLo, pkt.sport, pkt.daddrHi, pkt.daddrLo, pkt.dport);
    }

    /**
     * Sets the reply-direction key of a packet from a real server: client = destination, real server = source.
     */
    public ConnKey setOutFromPacket(final PacketView pkt)
    {
        return setOut(pkt.protocol, pkt.af, pkt.daddrHi, pkt.daddrLo, pkt.dport, pkt.saddrHi, pkt.saddrLo, pkt.sport);
    }

    /** Sets the reply-direction key of the connection {@code in} whose real server is {@code e}'s. */
    public ConnKey setOut(final ConnKey in, final ConnEntry e)
    {
        return setOut(in.protocol(), in.af(), in.caddrHi(), in.caddrLo(), in.cport(), e.daddrHi(), e.daddrLo(), e.dport());
    }

    /** Sets a reply-direction key: client and real server. */
    public ConnKey setOut(
        final int protocol,
        final int af,
        final long caddrHi,
        final long caddrLo,
        final int cport,
        final long raddrHi,
        final long raddrLo,
        final int rport)
    {
        set(protocol, af, caddrHi, caddrLo, cport, raddrHi, raddrLo, rport);
        bytes[DIRECTION_OFFSET] = ConnKeyDescriptor.DIR_OUT;
        return this;
    }

    public ConnKey set(
        final int protocol,
        final int af,
        final long caddrHi,
        final long caddrLo,
        final int cport,
        final long vaddrHi,
        final long vaddrLo,
        final int vport)
    {
        bytes[PROTOCOL_OFFSET] = (byte)protocol;
        bytes[AF_OFFSET] = (byte)af;
        seg.set(U16, CPORT_OFFSET, (short)cport);
        seg.set(U16, VPORT_OFFSET, (short)vport);
        seg.set(U16, DIRECTION_OFFSET, (short)0);
        seg.set(U64, CADDR_HI_OFFSET, caddrHi);
        seg.set(U64, CADDR_LO_OFFSET, caddrLo);
        seg.set(U64, VADDR_HI_OFFSET, vaddrHi);
        seg.set(U64, VADDR_LO_OFFSET, vaddrLo);
        return this;
    }

    /** An IPv4 key; addresses are the 32-bit values as {@link PacketView#saddrV4()} gives them. */
    public ConnKey setV4(final int protocol, final int caddr, final int cport, final int vaddr, final int vport)
    {
        return set(protocol, PacketView.AF_INET, 0, caddr & 0xFFFF_FFFFL, cport, 0, vaddr & 0xFFFF_FFFFL, vport);
    }

    public ConnKey copyFrom(final ConnKey other)
    {
        System.arraycopy(other.bytes, 0, bytes, 0, LENGTH);
        return this;
    }

    /** The stored bytes, for the marshaller and the cache: do not keep. */
    public byte[] bytes()
    {
        return bytes;
    }

    /** The stored bytes as a segment, for the cache's copies: do not keep. */
    public MemorySegment segment()
    {
        return seg;
    }

    /** Word {@code i} (0..4) of the stored form, for hashing and comparing. */
    public long word(final int i)
    {
        return seg.get(U64, (long)i << 3);
    }

    public int protocol()
    {
        return Byte.toUnsignedInt(bytes[PROTOCOL_OFFSET]);
    }

    public ConnKey protocol(final int protocol)
    {
        bytes[PROTOCOL_OFFSET] = (byte)protocol;
        return this;
    }

    public int af()
    {
        return Byte.toUnsignedInt(bytes[AF_OFFSET]);
    }

    public ConnKey af(final int af)
    {
        bytes[AF_OFFSET] = (byte)af;
        return this;
    }

    /** {@link ConnKeyDescriptor#DIR_IN} or {@link ConnKeyDescriptor#DIR_OUT}. */
    public int direction()
    {
        return bytes[DIRECTION_OFFSET];
    }

    public long caddrHi()
    {
        return seg.get(U64, CADDR_HI_OFFSET);
    }

    public long caddrLo()
    {
        return seg.get(U64, CADDR_LO_OFFSET);
    }

    public ConnKey caddr(final long hi, final long lo)
    {
        seg.set(U64, CADDR_HI_OFFSET, hi);
        seg.set(U64, CADDR_LO_OFFSET, lo);
        return this;
    }

    public int cport()
    {
        return Short.toUnsignedInt(seg.get(U16, CPORT_OFFSET));
    }

    public ConnKey cport(final int cport)
    {
        seg.set(U16, CPORT_OFFSET, (short)cport);
        return this;
    }

    public long vaddrHi()
    {
        return seg.get(U64, VADDR_HI_OFFSET);
    }

    public long vaddrLo()
    {
        return seg.get(U64, VADDR_LO_OFFSET);
    }

    public ConnKey vaddr(final long hi, final long lo)
    {
        seg.set(U64, VADDR_HI_OFFSET, hi);
        seg.set(U64, VADDR_LO_OFFSET, lo);
        return this;
    }

    public int vport()
    {
        return Short.toUnsignedInt(seg.get(U16, VPORT_OFFSET));
    }

    public ConnKey vport(final int vport)
    {
        seg.set(U16, VPORT_OFFSET, (short)vport);
        return this;
    }

    @Override
    public boolean equals(final Object o)
    {
        return this == o || (o instanceof ConnKey that && Arrays.equals(bytes, that.bytes));
    }

    @Override
    public int hashCode()
    {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString()
    {
        return "ConnKey{proto=" + protocol() + ", af=" + af() +
            (direction() == ConnKeyDescriptor.DIR_OUT ? ", out" : "") +
            ", c=" + Addresses.ntop(af(), caddrHi(), caddrLo()) + ":" + cport() +
            ", v=" + Addresses.ntop(af(), vaddrHi(), vaddrLo()) + ":" + vport() + "}";
    }
}
