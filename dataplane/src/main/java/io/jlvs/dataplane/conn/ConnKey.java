package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Addresses;

import java.lang.foreign.MemorySegment;

import static io.jlvs.dataplane.conn.ConnKeyDescriptor.AF_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.CADDR_HI_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.CADDR_LO_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.CPORT_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.DIRECTION_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.PROTOCOL_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U16;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U64;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.U8;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.VADDR_HI_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.VADDR_LO_OFFSET;
import static io.jlvs.dataplane.conn.ConnKeyDescriptor.VPORT_OFFSET;

/**
 * The key of a connection, the tuple the kernel hashes for input lookups ({@code ip_vs_conn_hashkey_param()}):
 * protocol, family, client address and port, virtual address and port. Its stored form is described once, by
 * {@link ConnKeyDescriptor}: {@link #word} gives it as five words to hash and compare, {@link #readFrom}/
 * {@link #writeTo} move it between the fields and that layout.
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
    private int protocol;
    private int af;
    private int cport;
    private int vport;
    private int direction;
    private long caddrHi;
    private long caddrLo;
    private long vaddrHi;
    private long vaddrLo;

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
        return setOut(in.protocol, in.af, in.caddrHi, in.caddrLo, in.cport, e.daddrHi(), e.daddrLo(), e.dport());
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
        this.direction = ConnKeyDescriptor.DIR_OUT;
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
        this.protocol = protocol & 0xFF;
        this.af = af & 0xFF;
        this.caddrHi = caddrHi;
        this.caddrLo = caddrLo;
        this.cport = cport & 0xFFFF;
        this.vaddrHi = vaddrHi;
        this.vaddrLo = vaddrLo;
        this.vport = vport & 0xFFFF;
        this.direction = ConnKeyDescriptor.DIR_IN;
        return this;
    }

    /** An IPv4 key; addresses are the 32-bit values as {@link PacketView#saddrV4()} gives them. */
    public ConnKey setV4(final int protocol, final int caddr, final int cport, final int vaddr, final int vport)
    {
        return set(protocol, PacketView.AF_INET, 0, caddr & 0xFFFF_FFFFL, cport, 0, vaddr & 0xFFFF_FFFFL, vport);
    }

    public ConnKey copyFrom(final ConnKey other)
    {
        this.protocol = other.protocol;
        this.af = other.af;
        this.caddrHi = other.caddrHi;
        this.caddrLo = other.caddrLo;
        this.cport = other.cport;
        this.vaddrHi = other.vaddrHi;
        this.vaddrLo = other.vaddrLo;
        this.vport = other.vport;
        this.direction = other.direction;
        return this;
    }

    /**
     * Word {@code i} (0..{@value ConnKeyDescriptor#WORDS} - 1) of the stored form, as a little-endian load of it
     * reads: word 0 packs protocol, family, ports and direction at their offsets, then the four address halves.
     */
    public long word(final int i)
    {
        return switch (i)
        {
            case 0 -> protocol | ((long)af << 8) | ((long)cport << 16) | ((long)vport << 32) | ((long)direction << 48);
            case 1 -> caddrHi;
            case 2 -> caddrLo;
            case 3 -> vaddrHi;
            default -> vaddrLo;
        };
    }

    /** Reads the stored form at {@code at} in {@code seg}. */
    public ConnKey readFrom(final MemorySegment seg, final long at)
    {
        protocol = Byte.toUnsignedInt(seg.get(U8, at + PROTOCOL_OFFSET));
        af = Byte.toUnsignedInt(seg.get(U8, at + AF_OFFSET));
        cport = Short.toUnsignedInt(seg.get(U16, at + CPORT_OFFSET));
        vport = Short.toUnsignedInt(seg.get(U16, at + VPORT_OFFSET));
        direction = Byte.toUnsignedInt(seg.get(U8, at + DIRECTION_OFFSET));
        caddrHi = seg.get(U64, at + CADDR_HI_OFFSET);
        caddrLo = seg.get(U64, at + CADDR_LO_OFFSET);
        vaddrHi = seg.get(U64, at + VADDR_HI_OFFSET);
        vaddrLo = seg.get(U64, at + VADDR_LO_OFFSET);
        return this;
    }

    /** Writes the stored form at {@code at} in {@code seg}. */
    public void writeTo(final MemorySegment seg, final long at)
    {
        for (int i = 0; i < ConnKeyDescriptor.WORDS; i++)
        {
            seg.set(U64, at + ((long)i << 3), word(i));
        }
    }

    public int protocol()
    {
        return protocol;
    }

    public ConnKey protocol(final int protocol)
    {
        this.protocol = protocol & 0xFF;
        return this;
    }

    public int af()
    {
        return af;
    }

    public ConnKey af(final int af)
    {
        this.af = af & 0xFF;
        return this;
    }

    /** {@link ConnKeyDescriptor#DIR_IN} or {@link ConnKeyDescriptor#DIR_OUT}. */
    public int direction()
    {
        return direction;
    }

    public long caddrHi()
    {
        return caddrHi;
    }

    public long caddrLo()
    {
        return caddrLo;
    }

    public ConnKey caddr(final long hi, final long lo)
    {
        this.caddrHi = hi;
        this.caddrLo = lo;
        return this;
    }

    public int cport()
    {
        return cport;
    }

    public ConnKey cport(final int cport)
    {
        this.cport = cport & 0xFFFF;
        return this;
    }

    public long vaddrHi()
    {
        return vaddrHi;
    }

    public long vaddrLo()
    {
        return vaddrLo;
    }

    public ConnKey vaddr(final long hi, final long lo)
    {
        this.vaddrHi = hi;
        this.vaddrLo = lo;
        return this;
    }

    public int vport()
    {
        return vport;
    }

    public ConnKey vport(final int vport)
    {
        this.vport = vport & 0xFFFF;
        return this;
    }

    @Override
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof ConnKey that))
        {
            return false;
        }
        return protocol == that.protocol && af == that.af && cport == that.cport && vport == that.vport &&
            direction == that.direction && caddrHi == that.caddrHi && caddrLo == that.caddrLo &&
            vaddrHi == that.vaddrHi && vaddrLo == that.vaddrLo;
    }

    @Override
    public int hashCode()
    {
        long h = word(0);
        h = h * 31 + caddrHi;
        h = h * 31 + caddrLo;
        h = h * 31 + vaddrHi;
        h = h * 31 + vaddrLo;
        return Long.hashCode(h);
    }

    @Override
    public String toString()
    {
        return "ConnKey{proto=" + protocol + ", af=" + af +
            (direction == ConnKeyDescriptor.DIR_OUT ? ", out" : "") +
            ", c=" + Addresses.ntop(af, caddrHi, caddrLo) + ":" + cport +
            ", v=" + Addresses.ntop(af, vaddrHi, vaddrLo) + ":" + vport + "}";
    }
}
