package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Addresses;

/**
 * A persistence template's key, and how a connection names the template that controls it.
 * <p>
 * The kernel's {@code ip_vs_sched_persist()} keys a template as {@code <protocol, caddr & netmask, 0, vaddr, vport>}:
 * the client port 0; the virtual port 0 for an FTP service (its data connections share the control connection's
 * template), for a port-zero service and for a firewall-mark service; and for a firewall-mark service protocol 0
 * ({@code IPPROTO_IP}) with the mark in the first 32 bits of the virtual address.
 * <p>
 * The kernel's connection holds a pointer to its template ({@code cp->control}). A connection here holds what
 * rebuilds the template's key from its own ({@link ConnEntry#control()}): the template's virtual port, the client
 * prefix length, and whether it is a firewall-mark template, with {@link #CONTROLLED} set. Bits 24-29 are zero.
 */
public final class TemplateRef
{
    /** The connection is controlled by a template. */
    public static final int CONTROLLED = 1 << 31;
    /** The template is a firewall-mark service's: protocol 0, the mark as its virtual address. */
    public static final int FWMARK = 1 << 30;
    private static final int PREFIX_SHIFT = 16;
    /** The template key's protocol for a firewall-mark service, {@code IPPROTO_IP}. */
    public static final int PROTOCOL_FWMARK = 0;

    private TemplateRef()
    {
    }

    /** A connection's reference to the template with this virtual port and client prefix length. */
    public static int of(final int vport, final int prefixLength, final boolean fwmark)
    {
        return CONTROLLED | (fwmark ? FWMARK : 0) | (prefixLength & 0xFF) << PREFIX_SHIFT | (vport & 0xFFFF);
    }

    public static boolean isControlled(final int ref)
    {
        return (ref & CONTROLLED) != 0;
    }

    /**
     * Sets {@code into} to the template key: the client address cut to {@code prefixLength} bits, client port 0.
     *
     * @param protocol the connection's, or {@link #PROTOCOL_FWMARK}.
     */
    public static ConnKey key(
        final ConnKey into,
        final int protocol,
        final int af,
        final long caddrHi,
        final long caddrLo,
        final int prefixLength,
        final long vaddrHi,
        final long vaddrLo,
        final int vport)
    {
        return into.set(protocol, af, caddrHi & Addresses.prefixMaskHi(af, prefixLength),
            caddrLo & Addresses.prefixMaskLo(af, prefixLength), 0, vaddrHi, vaddrLo, vport);
    }

    /** The virtual address a firewall-mark template has: the mark in the address's first 32 bits, network order. */
    public static long fwmarkAddrHi(final int af, final int fwmark)
    {
        return af == PacketView.AF_INET6 ? (fwmark & 0xFFFF_FFFFL) << 32 : 0;
    }

    public static long fwmarkAddrLo(final int af, final int fwmark)
    {
        return af == PacketView.AF_INET6 ? 0 : fwmark & 0xFFFF_FFFFL;
    }

    /** Sets {@code into} to the key of the template a connection ({@code conn}, {@code e}) refers to. */
    public static ConnKey keyOf(final ConnKey conn, final ConnEntry e, final ConnKey into)
    {
        final int ref = e.control();
        final boolean fwmark = (ref & FWMARK) != 0;
        final int af = conn.af();
        return key(into,
            fwmark ? PROTOCOL_FWMARK : conn.protocol(),
            af,
            conn.caddrHi(),
            conn.caddrLo(),
            (ref >>> PREFIX_SHIFT) & 0xFF,
            fwmark ? fwmarkAddrHi(af, e.fwmark()) : conn.vaddrHi(),
            fwmark ? fwmarkAddrLo(af, e.fwmark()) : conn.vaddrLo(),
            ref & 0xFFFF);
    }
}
