package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.icmp.IcmpErrorSender;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Direct routing ("gatewaying", ipvsadm -g), the kernel's {@code ip_vs_dr_xmit()}: the IP packet goes out
 * unchanged but for its TTL, inside a new Ethernet header addressed to the real server's MAC, so the real server,
 * holding the VIP on a non-ARPing interface, answers the client directly.
 */
public final class DrXmit implements Xmit
{
    private final Egress egress;
    private final IcmpErrorSender icmp;
    private final AtomicCounter unsupported;

    public DrXmit(final Egress egress, final IcmpErrorSender icmp, final AtomicCounter[] counters)
    {
        this.egress = egress;
        this.icmp = icmp;
        this.unsupported = counters[LbCounterDescriptor.UNSUPPORTED_FWD.ordinal()];
    }

    @Override
    public boolean xmit(final Packet p, final ConnEntry conn, final Dest dest)
    {
        if (dest.af() != p.view.af)
        {
            unsupported.incrementRelease(); // DR cannot change the family: the packet goes as it came
            return false;
        }
        if (!IpForward.decrementTtl(p.seg, p.l3(), p.view.af))
        {
            return p.view.af == PacketView.AF_INET6 ? icmp.timeExceeded6(p, p.view.daddrHi, p.view.daddrLo) :
                icmp.timeExceeded(p, p.view.daddrV4());
        }
        return egress.toDest(p.seg, p.frame, dest);
    }
}
