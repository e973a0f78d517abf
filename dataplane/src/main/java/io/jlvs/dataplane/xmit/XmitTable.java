package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.FwdMethod;

/**
 * The binding of forwarding methods to transmit methods, the kernel's {@code ip_vs_bind_xmit()}: a connection's
 * flags carry its method from the moment it is created, and {@link #of} gives the transmit method for them with one
 * array load. One per agent (the transmit methods hold the agent's flyweights).
 */
public final class XmitTable
{
    private final Xmit[] byFlags = new Xmit[ConnFlags.FWD_MASK + 1];

    public XmitTable(final DrXmit dr, final NatXmit nat, final TunXmit tun)
    {
        byFlags[FwdMethod.DROUTE.flags()] = dr;
        byFlags[FwdMethod.MASQ.flags()] = nat;
        byFlags[FwdMethod.TUNNEL.flags()] = tun;
    }

    /** The transmit method bound to a connection with these flags, or null (LOCALNODE: not forwarded). */
    public Xmit of(final int connFlags)
    {
        return byFlags[connFlags & ConnFlags.FWD_MASK];
    }
}
