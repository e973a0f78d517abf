package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.TemplateRef;
import io.jlvs.dataplane.conn.TemplateTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;

/**
 * Persistent services, one agent's part: the kernel's {@code ip_vs_sched_persist()}, which sends a client's new
 * connections to the real server its persistence template names, and the template's life after it.
 * <ul>
 * <li>A new connection of a persistent service looks its template up ({@link TemplateRef} gives the key) under the
 *     template's lock. A template whose real server is still in the service (and not at weight 0, with
 *     {@code expire_quiescent_template}) gives the real server, restarts its timer with its timeout and takes one
 *     more controlled connection ({@code n_control}). Otherwise the service's scheduler chooses, and a new template
 *     is written with the service's persistence timeout.</li>
 * <li>The connection's real-server port: the real server's when the client came to the service's own port, the
 *     client's otherwise (an FTP service's data connections, a port-zero service).</li>
 * <li>The template counts in its real server's {@code persistconns}, not in its active or inactive connections.</li>
 * <li>A controlled connection that gets established marks its template assured; one that ends gives up its
 *     control. A template whose time is up while it still controls connections is kept another 60 seconds, as the
 *     kernel's {@code ip_vs_conn_expire()} keeps it.</li>
 * </ul>
 * Where the kernel leaves an invalid template under a key of its own until its timer runs out and starts a new one
 * beside it, a template here is rewritten in place with the new choice, keeping its count of controlled connections:
 * the choice of real server is the kernel's, and {@code ipvsadm -L -c} shows one template, not two.
 * <p>
 * With one-packet scheduling (UDP) a datagram's connection is never kept: it finds or makes the template and
 * restarts its timer, but takes no control of it.
 * <p>
 * The agent's own, on its thread; the template table is shared, under its entry locks.
 */
public final class Persistence implements ConnTable.ExpiryListener
{
    /** {@code FTPPORT}: a persistent FTP service's templates leave the virtual port 0. */
    public static final int FTP_PORT = 21;
    /** How long the kernel keeps a template that still controls connections, past its time. */
    public static final int CONTROLLING_TEMPLATE_TIMEOUT_SEC = 60;

    private final TemplateTable.Writer templates;
    private final ConnKey templateKey = new ConnKey();
    private final ConnEntry template = new ConnEntry();
    private IpvsSysctls sysctls = IpvsSysctls.DEFAULTS;
    private int control;
    private int dport;
    private boolean tableFull;
    private long expiryNowMs;
    private ServiceTable expiryServices;
    private int sweepIndex = -1;
    private ServiceTable sweepServices;
    /** The drop_entry defence's verdict on a template: idle (controls nothing) and never assured, it goes. */
    private final ConnTable.ExpiryListener idleTemplates = new ConnTable.ExpiryListener()
    {
        @Override
        public boolean onExpiring(final ConnKey key, final ConnEntry t)
        {
            return 0 == t.nControl() && t.state() != ConnState.TEMPLATE_ASSURED;
        }

        @Override
        public void onExpired(final ConnKey key, final ConnEntry t)
        {
            unbind(t, sweepServices);
        }
    };

    public Persistence(final TemplateTable.Writer templates)
    {
        this.templates = templates;
    }

    /** The template table as this agent writes it (a backup's sync writes templates through it too). */
    public TemplateTable.Writer templates()
    {
        return templates;
    }

    public void sysctls(final IpvsSysctls sysctls)
    {
        this.sysctls = sysctls;
    }

    /**
     * Chooses the real server of a new connection of the persistent service {@code svc}; {@link #control()} and
     * {@link #dport()} then give the connection's reference to its template and its real-server port.
     *
     * @return the real server; null when the scheduler found none, or when the template table is full
     *     ({@link #wasTableFull()}).
     */
    public Dest schedule(final PacketView pkt, final Service svc, final ServiceTable services, final long nowMs)
    {
        tableFull = false;
        final int dstPort = pkt.dport;
        // one-packet scheduling: the datagram's connection is never kept, so it takes no control of the template
        final int taken = (svc.flags() & Service.F_ONEPACKET) != 0 && pkt.protocol == IpProtocol.UDP ? 0 : 1;

        int protocol = pkt.protocol;
        long vaddrHi = pkt.daddrHi;
        long vaddrLo = pkt.daddrLo;
        int vport = 0;
        boolean fwmark = false;
        if (dstPort == svc.port())
        {
            if (svc.port() != FTP_PORT)
            {
                vport = dstPort;
            }
        }
        else if (svc.fwmark() != 0)
        {
            protocol = TemplateRef.PROTOCOL_FWMARK;
            vaddrHi = TemplateRef.fwmarkAddrHi(pkt.af, svc.fwmark());
            vaddrLo = TemplateRef.fwmarkAddrLo(pkt.af, svc.fwmark());
            fwmark = true;
        }
        final int prefix = svc.persistPrefix();
        TemplateRef.key(templateKey, protocol, pkt.af, pkt.saddrHi, pkt.saddrLo, prefix, vaddrHi, vaddrLo, vport);

        Dest dest;
        try (TemplateTable.Lock lock = templates.lock(templateKey))
        {
            final boolean found = lock.read(template);
            dest = found ? validDest(template, services) : null;
            if (null != dest)
            {
                // ip_vs_conn_put(ct): its timer starts again with its timeout; ip_vs_control_add(cp, ct)
                template.expiresMs(nowMs + template.timeoutSec() * 1000L).nControl(template.nControl() + taken);
                lock.write(template);
            }
            else
            {
                dest = svc.scheduler().schedule(svc, pkt);
                if (null == dest)
                {
                    return null;
                }
                final int carried = found ? template.nControl() : 0;
                if (found)
                {
                    unbind(template, services);
                }
                newTemplate(dest, svc, protocol, dstPort, nowMs).nControl(carried + taken);
                if (!lock.write(template))
                {
                    tableFull = true;
                    return null;
                }
                dest.stats().addPersist(1);
                dest.bound();
            }
        }
        control = 0 == taken ? 0 : TemplateRef.of(vport, prefix, fwmark);
        dport = connPort(dstPort, svc, dest);
        return dest;
    }

    /** The reference to its template of the connection {@link #schedule} chose for. */
    public int control()
    {
        return control;
    }

    /** The real-server port of the connection {@link #schedule} chose for. */
    public int dport()
    {
        return dport;
    }

    /** The last {@link #schedule} found no room for a new template. */
    public boolean wasTableFull()
    {
        return tableFull;
    }

    /** A controlled connection has ended (or was never stored): its template controls one fewer. */
    public void release(final ConnKey key, final ConnEntry e)
    {
        if (!TemplateRef.isControlled(e.control()))
        {
            return;
        }
        try (TemplateTable.Lock lock = templates.lock(TemplateRef.keyOf(key, e, templateKey)))
        {
            if (lock.read(template) && template.nControl() > 0)
            {
                lock.write(template.nControl(template.nControl() - 1));
            }
        }
    }

    /**
     * A controlled connection the {@code drop_entry} defence ended: its template controls one fewer, and once it
     * controls none it goes too, as {@code ip_vs_random_dropentry()} deletes a dropped connection's controller.
     */
    public void releaseDropped(final ConnKey key, final ConnEntry e, final ServiceTable services)
    {
        if (!TemplateRef.isControlled(e.control()))
        {
            return;
        }
        try (TemplateTable.Lock lock = templates.lock(TemplateRef.keyOf(key, e, templateKey)))
        {
            if (!lock.read(template))
            {
                return;
            }
            if (template.nControl() > 1)
            {
                lock.write(template.nControl(template.nControl() - 1));
                return;
            }
            lock.remove();
        }
        unbind(template, services);
    }

    /**
     * The {@code drop_entry} defence's sweep of this agent's share of the templates, a 32nd of it a call, in turn:
     * a template that controls no connection and was never assured goes, as {@code ip_vs_random_dropentry()} drops
     * one (a spoofed client's, which never got established).
     *
     * @return the templates dropped.
     */
    public int sweepIdleTemplates(final ServiceTable services)
    {
        final int share = templates.shareSegments();
        if (0 == share)
        {
            return 0;
        }
        sweepServices = services;
        int n = 0;
        for (int i = Math.max(1, share >> 5); i > 0; i--)
        {
            sweepIndex = sweepIndex + 1 < share ? sweepIndex + 1 : 0;
            n += templates.sweep(templates.shareSegment(sweepIndex), idleTemplates);
        }
        return n;
    }

    /** {@code ip_vs_control_assure_ct()}: a controlled connection got established; its template is assured. */
    public void assure(final ConnKey key, final ConnEntry e)
    {
        if (!TemplateRef.isControlled(e.control()))
        {
            return;
        }
        try (TemplateTable.Lock lock = templates.lock(TemplateRef.keyOf(key, e, templateKey)))
        {
            if (lock.read(template) && template.state() != ConnState.TEMPLATE_ASSURED)
            {
                lock.write(template.state(ConnState.TEMPLATE_ASSURED));
            }
        }
    }

    /**
     * The template of a controlled connection, to report it to the backups with the connection, as the kernel's
     * {@code ip_vs_sync_conn()} goes on to its controller.
     *
     * @return false when the connection has none (any more); else {@link #templateKey()} and {@link #template()}.
     */
    public boolean templateOf(final ConnKey key, final ConnEntry e)
    {
        return TemplateRef.isControlled(e.control()) &&
            templates.lookup(TemplateRef.keyOf(key, e, templateKey), template);
    }

    public ConnKey templateKey()
    {
        return templateKey;
    }

    public ConnEntry template()
    {
        return template;
    }

    /** Expires at most {@code limit} templates of this agent's share whose time has come. */
    public int expire(final long nowMs, final int limit, final ServiceTable services)
    {
        expiryNowMs = nowMs;
        expiryServices = services;
        return templates.expire(nowMs, limit, this);
    }

    @Override
    public boolean onExpiring(final ConnKey key, final ConnEntry t)
    {
        if (t.nControl() > 0)
        {
            // ip_vs_conn_expire: "do not expire connections with controlled connections"
            t.timeoutSec(CONTROLLING_TEMPLATE_TIMEOUT_SEC)
                .expiresMs(expiryNowMs + CONTROLLING_TEMPLATE_TIMEOUT_SEC * 1000L);
            return false;
        }
        return true;
    }

    @Override
    public void onExpired(final ConnKey key, final ConnEntry t)
    {
        unbind(t, expiryServices);
    }

    /** {@code ip_vs_check_template()}: the template's real server if it may still take the client, else null. */
    private Dest validDest(final ConnEntry t, final ServiceTable services)
    {
        final Dest d = services.destById(t.destId());
        if (null == d || (d.flags() & Dest.F_AVAILABLE) == 0 || (sysctls.expireQuiescentTemplate() && 0 == d.weight()))
        {
            return null;
        }
        return d;
    }

    /** A new template in {@link #template}, to {@code dest}, with the service's persistence timeout. */
    private ConnEntry newTemplate(
        final Dest dest, final Service svc, final int protocol, final int dstPort, final long nowMs)
    {
        final int templatePort = dstPort == svc.port() && svc.port() != FTP_PORT ? dest.port() : 0;
        return template.reset()
            // the service's one-packet flag is the connections', never the template's
            .flags(ConnFlags.newConnFlags(dest.connFlags(), protocol, ConnFlags.TEMPLATE) & ~ConnFlags.ONE_PACKET)
            .state(ConnState.TEMPLATE_NONE)
            .daf(dest.af())
            .daddr(dest.addrHi(), dest.addrLo())
            .dport(templatePort)
            .destId(dest.id())
            .fwmark(svc.fwmark())
            .timeoutSec(svc.persistTimeout())
            .expiresMs(nowMs + svc.persistTimeout() * 1000L)
            .syncEndMs(nowMs & ~3L);
    }

    /** {@code ip_vs_unbind_dest()} of a template: its real server's persistent count, and its overload flag. */
    private static void unbind(final ConnEntry t, final ServiceTable services)
    {
        final Dest d = null == services ? null : services.destById(t.destId());
        if (null != d)
        {
            d.stats().addPersist(-1);
            d.unbound();
        }
    }

    /** The new connection's real-server port: the real server's at the service's own port, the client's else. */
    private static int connPort(final int dstPort, final Service svc, final Dest dest)
    {
        return dstPort == svc.port() && dest.port() != 0 ? dest.port() : dstPort;
    }
}
