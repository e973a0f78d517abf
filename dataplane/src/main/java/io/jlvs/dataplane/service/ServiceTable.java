package io.jlvs.dataplane.service;

import io.jlvs.dataplane.proto.PacketView;
import org.agrona.collections.Int2ObjectHashMap;

/**
 * Finds the virtual service for a packet by (protocol, family, address, port), or by the firewall mark the
 * {@link MarkRules} give it: the kernel's {@code ip_vs_service_find()}. Open addressing over a power-of-two array,
 * built once by the control plane and only read by the agent; a lookup allocates nothing.
 */
public final class ServiceTable
{
    private final Service[] slots;
    private final int mask;
    private final Service[] services;
    /** The firewall-mark services, found by a packet's mark (few: a scan). */
    private final Service[] fwmarkServices;
    private final MarkRules marks;
    /** The services whose scheduler ages what it remembers (lblc, lblcr). */
    private final Service[] timed;
    private final Int2ObjectHashMap<Dest> destsById = new Int2ObjectHashMap<>();
    /** A service at port 21 ({@code ftpsvc_counter}) and one at port 0 ({@code nullsvc_counter}) exist. */
    private final boolean hasFtp;
    private final boolean hasPortZero;

    public ServiceTable(final Service... services)
    {
        this(MarkRules.NONE, services);
    }

    /** The services, and the rules that mark packets for the firewall-mark ones. */
    public ServiceTable(final MarkRules marks, final Service... services)
    {
        this.marks = marks;
        this.services = services.clone();
        this.fwmarkServices = java.util.Arrays.stream(services).filter((s) -> 0 != s.fwmark()).toArray(Service[]::new);
        this.timed = java.util.Arrays.stream(services).filter((s) -> s.scheduler().needsTime()).toArray(Service[]::new);
        int capacity = 16;
        while (capacity < services.length * 4)
        {
            capacity <<= 1;
        }
        slots = new Service[capacity];
        mask = capacity - 1;
        boolean ftp = false;
        boolean portZero = false;
        for (final Service s : services)
        {
            for (final Dest d : s.dests())
            {
                destsById.put(d.id(), d);
            }
            for (final Dest d : s.draining())
            {
                destsById.put(d.id(), d);
            }
            if (0 != s.fwmark())
            {
                if (findByFwmark(s.af(), s.fwmark()) != s)
                {
                    throw new IllegalArgumentException("duplicate virtual service " + s);
                }
                continue;
            }
            int i = hash(s.protocol(), s.addrHi(), s.addrLo(), s.port()) & mask;
            while (null != slots[i])
            {
                final Service o = slots[i];
                if (o.protocol() == s.protocol() && o.af() == s.af() && o.addrHi() == s.addrHi() &&
                    o.addrLo() == s.addrLo() && o.port() == s.port())
                {
                    throw new IllegalArgumentException("duplicate virtual service " + s);
                }
                i = (i + 1) & mask;
            }
            slots[i] = s;
            ftp |= s.port() == FTP_PORT;
            portZero |= s.port() == 0;
        }
        this.hasFtp = ftp;
        this.hasPortZero = portZero;
    }

    /** {@code FTPPORT} and {@code FTPDATA}. */
    private static final int FTP_PORT = 21;
    private static final int FTP_DATA_PORT = 20;
    /** The first port an unprivileged process may bind ({@code ip_unprivileged_port_start}). */
    private static final int UNPRIVILEGED_PORT = 1024;

    /** Whether any rule marks packets for a firewall-mark service. */
    public boolean marks()
    {
        return fwmarkServices.length > 0 && !marks.isEmpty();
    }

    /**
     * The firewall-mark service the marking rules send this packet to, or null: the kernel's
     * {@code ip_vs_service_find()} looks by the mark first.
     */
    public Service findByMark(final PacketView v)
    {
        final int mark = marks.mark(v);
        return 0 == mark ? null : findByFwmark(v.af, mark);
    }

    /** The marking rules. */
    public MarkRules markRules()
    {
        return marks;
    }

    /**
     * The service a packet to this destination belongs to, as the kernel's {@code ip_vs_service_find()} looks: the
     * exact service; for TCP to port 20 or an unprivileged port, the FTP service of the address (its data
     * connections); then the address's port-zero service.
     */
    public Service findForPacket(final int protocol, final int af, final long addrHi, final long addrLo, final int port)
    {
        final Service s = find(protocol, af, addrHi, addrLo, port);
        return null != s ? s : findFallback(protocol, af, addrHi, addrLo, port);
    }

    /** Where {@link #findForPacket} looks when no service has the exact destination: the FTP, then the port-zero one. */
    public Service findFallback(final int protocol, final int af, final long addrHi, final long addrLo, final int port)
    {
        Service s = null;
        if (hasFtp && protocol == io.jlvs.dataplane.proto.IpProtocol.TCP &&
            (port == FTP_DATA_PORT || port >= UNPRIVILEGED_PORT))
        {
            s = find(protocol, af, addrHi, addrLo, FTP_PORT);
        }
        if (null == s && hasPortZero)
        {
            s = find(protocol, af, addrHi, addrLo, 0);
        }
        return s;
    }

    /** The service at this destination, or null. */
    public Service find(final int protocol, final int af, final long addrHi, final long addrLo, final int port)
    {
        int i = hash(protocol, addrHi, addrLo, port) & mask;
        Service s;
        while (null != (s = slots[i]))
        {
            if (s.port() == port && s.addrLo() == addrLo && s.protocol() == protocol && s.addrHi() == addrHi &&
                s.af() == af)
            {
                return s;
            }
            i = (i + 1) & mask;
        }
        return null;
    }

    /** The firewall-mark service of this family and mark, or null. */
    public Service findByFwmark(final int af, final int fwmark)
    {
        for (final Service s : fwmarkServices)
        {
            if (s.fwmark() == fwmark && s.af() == af)
            {
                return s;
            }
        }
        return null;
    }

    /**
     * The NAT real server at this address and port of a service of this protocol (or of a firewall-mark service), or
     * null: the kernel's {@code ip_vs_has_real_service()}. A scan, for a real server's packet of no connection.
     */
    public Dest masqDest(final int af, final int protocol, final long addrHi, final long addrLo, final int port)
    {
        for (final Service s : services)
        {
            if (s.protocol() != protocol && 0 == s.fwmark())
            {
                continue;
            }
            for (final Dest d : s.dests())
            {
                if (d.port() == port && d.addrLo() == addrLo && d.addrHi() == addrHi && d.af() == af &&
                    d.fwdMethod() == io.jlvs.dataplane.conn.FwdMethod.MASQ)
                {
                    return d;
                }
            }
        }
        return null;
    }

    /** The real server a connection points at, by its stable id, or null once it is gone. */
    public Dest destById(final int id)
    {
        return destsById.get(id);
    }

    /**
     * Hands each service the scheduler state of its counterpart in {@code previous} (same service, same scheduler
     * name; see {@link io.jlvs.dataplane.sched.Scheduler#takeOver}), and each real server its overload flag
     * ({@link Dest#takeOverOverload}), so a new snapshot goes on where the old one was. The owning agent calls it
     * when it adopts this table, which it then owns with the old one.
     */
    public void takeOverSchedulers(final ServiceTable previous)
    {
        for (final Service s : services)
        {
            final Service old = 0 != s.fwmark() ? previous.findByFwmark(s.af(), s.fwmark()) :
                previous.find(s.protocol(), s.af(), s.addrHi(), s.addrLo(), s.port());
            if (null == old || !old.isSameService(s))
            {
                continue;
            }
            for (final Dest d : s.dests())
            {
                final int i = old.indexOf(d);
                if (i >= 0)
                {
                    d.takeOverOverload(old.dests()[i]);
                }
            }
            if (old.scheduler() == s.scheduler())
            {
                continue;
            }
            if (old.scheduler().name().equals(s.scheduler().name()))
            {
                s.scheduler().takeOver(s, old);
            }
            else
            {
                s.scheduler().rebind(s);
            }
        }
    }

    /** The owning agent's housekeeping: each scheduler that keeps time gets the agent's clock. */
    public void housekeeping(final long nowMs)
    {
        for (final Service s : timed)
        {
            s.scheduler().housekeeping(s, nowMs);
        }
    }

    public Service[] services()
    {
        return services.clone();
    }

    public int size()
    {
        return services.length;
    }

    private static int hash(final int protocol, final long hi, final long lo, final int port)
    {
        long h = lo * 0x9E3779B97F4A7C15L + hi * 0xC2B2AE3D27D4EB4FL + ((long)port << 8 | protocol);
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int)(h ^ (h >>> 32));
    }
}
