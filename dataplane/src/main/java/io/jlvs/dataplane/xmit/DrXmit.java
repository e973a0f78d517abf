package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.proto.EthernetFlyweight;

import java.lang.foreign.MemorySegment;

/**
 * Direct routing ("gatewaying", ipvsadm -g), the kernel's {@code ip_vs_dr_xmit()}: the IP packet goes
 * out unchanged inside a new Ethernet header addressed to the real server's MAC, so the real server,
 * holding the VIP on a non-ARPing interface, answers the client directly.
 */
public final class DrXmit
{
    private final EthernetFlyweight eth = new EthernetFlyweight();
    private final long portMac;

    public DrXmit(final long portMac)
    {
        this.portMac = portMac;
    }

    /** Rewrites the frame at {@code frameOffset} to go from this port to {@code destMac}. */
    public void xmit(final MemorySegment seg, final long frameOffset, final long destMac)
    {
        eth.wrap(seg, frameOffset);
        eth.dstMac(destMac).srcMac(portMac);
    }
}
