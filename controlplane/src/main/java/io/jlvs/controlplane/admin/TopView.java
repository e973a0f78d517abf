package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.InetLiterals;

import java.util.List;
import java.util.Locale;

/**
 * What {@code jlvs top} shows of the table: each virtual service and its real servers with their rates (the kernel's
 * estimator, as {@code ipvsadm -L --rate}), active and inactive connections and weights, in ipvsadm's order; the
 * numbers scaled as {@code top} scales them (K, M, G) to keep the columns.
 */
public final class TopView
{
    private static final String ROW = "%-38s %-7s %6s %8s %8s %9s %9s %7s %7s%n";

    private TopView()
    {
    }

    public static String render(final List<ServiceView> services)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, ROW, "Prot LocalAddress:Port / -> RemoteAddress:Port", "Sched/Fw", "Weight",
            "Conns/s", "InPkt/s", "InByte/s", "OutByte/s", "Active", "InAct"));
        for (final ServiceView s : LibipvsOrder.sort(services, LibipvsOrder.SERVICES))
        {
            long active = 0;
            long inactive = 0;
            for (final DestView d : s.dests())
            {
                active += d.activeConns();
                inactive += d.inactConns();
            }
            final String name = s.fwmark() != 0 ? "FWM  " + Integer.toUnsignedString(s.fwmark()) +
                (s.af() == AddressFamily.INET6 ? " IPv6" : "") :
                String.format(Locale.ROOT, "%-4s %s", s.protocol().listName(), hostPort(s.af(), s));
            final RateView r = s.rate();
            sb.append(String.format(Locale.ROOT, ROW, name, s.scheduler(), "", scaled(r.cps()), scaled(r.inPps()),
                scaled(r.inBps()), scaled(r.outBps()), scaled(active), scaled(inactive)));
            for (final DestView d : LibipvsOrder.sort(s.dests(), LibipvsOrder.DESTS))
            {
                final String a = InetLiterals.ntop(d.address());
                final String dest = "  -> " + (d.af() == AddressFamily.INET6 ? "[" + a + "]" : a) + ":" + d.port();
                final RateView dr = d.rate();
                sb.append(String.format(Locale.ROOT, ROW, dest, d.forward().listName(), Integer.toString(d.weight()),
                    scaled(dr.cps()), scaled(dr.inPps()), scaled(dr.inBps()), scaled(dr.outBps()),
                    scaled(d.activeConns()), scaled(d.inactConns())));
            }
        }
        return sb.toString();
    }

    private static String hostPort(final AddressFamily af, final ServiceView s)
    {
        final String a = InetLiterals.ntop(s.address());
        return (af == AddressFamily.INET6 ? "[" + a + "]" : a) + ":" + s.port();
    }

    /** 999, 1.2K, 34.5M, 1.2G: three significant figures at most. */
    public static String scaled(final long value)
    {
        if (value < 10_000)
        {
            return Long.toString(value);
        }
        final String[] units = {"K", "M", "G", "T"};
        double v = value;
        int u = -1;
        while (v >= 1000 && u < units.length - 1)
        {
            v /= 1000;
            u++;
        }
        return (v < 100 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v)) + units[u];
    }
}
