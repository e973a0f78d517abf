package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;

/**
 * The fixed-size key of a connection, the tuple the kernel hashes for input lookups
 * ({@code ip_vs_conn_hashkey_param()}): protocol, family, client address and port, virtual address and port.
 * <p>
 * Addresses are two longs as in {@link PacketView}: IPv4 in the low 32 bits of {@code lo} with {@code hi == 0},
 * IPv6 as its high and low 64 bits. Ports are unsigned 16-bit values. A persistence template uses the same
 * key with the client port 0 (and for port-0 services the virtual port 0).
 * <p>
 * Reusable: one instance per agent, set from each packet, no allocation. The stored form is
 * {@link #ENCODED_LENGTH} bytes (see {@link ConnKeyMarshaller}); two keys are the same connection when
 * their stored forms are equal.
 */
public final class ConnKey
{
    /**
     * Stored layout, little-endian:
     * <pre>
     *  0 protocol u8 | 1 af u8 | 2 cport u16 | 4 vport u16 | 6 zero u16
     *  8 caddrHi u64 | 16 caddrLo u64 | 24 vaddrHi u64 | 32 vaddrLo u64
     * </pre>
     */
    public static final int ENCODED_LENGTH = 40;

    private int protocol;
    private int af;
    private int cport;
    private int vport;
    private long caddrHi;
    private long caddrLo;
    private long vaddrHi;
    private long vaddrLo;

    /** Sets the key of an inbound packet: client = source, virtual service = destination. */
    public ConnKey setFromPacket(final PacketView pkt)
    {
        this.protocol = pkt.protocol;
        this.af = pkt.af;
        this.caddrHi = pkt.saddrHi;
        this.caddrLo = pkt.saddrLo;
        this.cport = pkt.sport & 0xFFFF;
        this.vaddrHi = pkt.daddrHi;
        this.vaddrLo = pkt.daddrLo;
        this.vport = pkt.dport & 0xFFFF;
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
        return this;
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
            caddrHi == that.caddrHi && caddrLo == that.caddrLo && vaddrHi == that.vaddrHi && vaddrLo == that.vaddrLo;
    }

    @Override
    public int hashCode()
    {
        long h = protocol * 31L + af;
        h = h * 31 + cport;
        h = h * 31 + vport;
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
            ", c=" + ConnEntry.addressToString(af, caddrHi, caddrLo) + ":" + cport +
            ", v=" + ConnEntry.addressToString(af, vaddrHi, vaddrLo) + ":" + vport + "}";
    }
}
