package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.TemplateRef;
import io.jlvs.dataplane.conn.TemplateTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.xmit.Wire;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistence templates as the kernel's {@code ip_vs_sched_persist()} keeps them, traced by hand from its code: rr
 * alone would alternate, so every repeat below is the template's doing.
 */
class PersistenceTest
{
    private static final DataplaneCounters COUNTERS = DataplaneCounters.onHeap(4096);
    private static final long NOW = 1_700_000_000_000L;
    private static final int VIP = Wire.ip("198.18.0.10");
    private static int nextId = 100;

    private final TemplateTable table = new TemplateTable(TemplateTable.context(1024, null));
    private final Persistence persistence = new Persistence(table.writer(0, 1));
    private final ConnKey key = new ConnKey();
    private final ConnEntry template = new ConnEntry();

    @AfterEach
    void close()
    {
        table.close();
    }

    @Test
    void shouldSendAClientsConnectionsToOneRealServer()
    {
        final Service svc = service(80, 0, 300, 0xFFFF_FFFFL, "A B C");
        final ServiceTable services = new ServiceTable(svc);
        final Dest first = persistence.schedule(tcp("198.18.1.5", 40000, 80), svc, services, NOW);
        assertEquals("A", name(svc, first), "rr's first choice is the newest real server");
        assertEquals(80, persistence.dport());
        for (int port = 40001; port < 40005; port++)
        {
            assertSame(first, persistence.schedule(tcp("198.18.1.5", port, 80), svc, services, NOW + 1000));
        }
        assertEquals("B", name(svc, persistence.schedule(tcp("198.18.1.6", 40000, 80), svc, services, NOW)),
            "another client is scheduled");

        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.5", VIP, 80), template));
        assertEquals(5, template.nControl(), "five connections controlled");
        assertEquals(ConnFlags.TEMPLATE, template.flags() & ConnFlags.TEMPLATE);
        assertEquals(80, template.dport(), "a non-FTP template has the real server's port");
        assertEquals(300, template.timeoutSec());
        assertEquals(NOW + 1000 + 300_000, template.expiresMs(), "each use restarts its timer");
        assertEquals(1, first.stats().persistConns(), "a template counts in persistconns");
        assertEquals(0, first.stats().inactConns() + first.stats().activeConns(), "and nowhere else");
        assertEquals(TemplateRef.of(80, 32, false), persistence.control());
    }

    @Test
    void shouldShareATemplateAcrossTheNetmask()
    {
        final Service svc = service(80, 0, 300, 0xFFFF_FF00L, "A B");
        final ServiceTable services = new ServiceTable(svc);
        final Dest d = persistence.schedule(tcp("198.18.1.5", 40000, 80), svc, services, NOW);
        assertSame(d, persistence.schedule(tcp("198.18.1.77", 40000, 80), svc, services, NOW), "same /24");
        assertNotSame(d, persistence.schedule(tcp("198.18.2.5", 40000, 80), svc, services, NOW), "another /24");
        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.0", VIP, 80), template),
            "the template holds the masked address");
        assertEquals(2, template.nControl());
    }

    @Test
    void shouldMaskAnIpv6ClientByPrefixLength()
    {
        final Dest a = dest("A", 0);
        final Dest b = dest("B", 1);
        final Service svc = new Service(IpProtocol.TCP, PacketView.AF_INET6, 0x20010db800000000L, 1, 443, 0,
            Service.F_PERSISTENT, 300, 48, Schedulers.create("rr"), new Dest[] {a, b},
            COUNTERS.newServiceStats(0, "test", nextId++, "svc6"));
        final ServiceTable services = new ServiceTable(svc);
        final Dest d = persistence.schedule(tcp6(0x20010db8_00aa_0001L, 5, 443), svc, services, NOW);
        assertSame(d, persistence.schedule(tcp6(0x20010db8_00aa_ffffL, 9, 443), svc, services, NOW), "same /48");
        assertNotSame(d, persistence.schedule(tcp6(0x20010db8_00ab_0001L, 5, 443), svc, services, NOW));
        TemplateRef.key(key, IpProtocol.TCP, PacketView.AF_INET6, 0x20010db8_00aa_0000L, 0, 128,
            0x20010db800000000L, 1, 443);
        assertTrue(table.lookup(key, template), "the key holds the /48");
    }

    @Test
    void shouldExpireAnIdleTemplateAndScheduleAfresh()
    {
        final Service svc = service(80, 0, 60, 0xFFFF_FFFFL, "A B");
        final ServiceTable services = new ServiceTable(svc);
        final PacketView client = tcp("198.18.1.5", 40000, 80);
        final Dest d = persistence.schedule(client, svc, services, NOW);
        final ConnKey conn = new ConnKey().setFromPacket(client);
        final ConnEntry e = new ConnEntry().control(persistence.control());

        assertEquals(0, persistence.expire(NOW + 59_000, 1000, services), "not yet");
        assertEquals(0, persistence.expire(NOW + 62_000, 1000, services), "kept while it controls a connection");
        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.5", VIP, 80), template));
        assertEquals(Persistence.CONTROLLING_TEMPLATE_TIMEOUT_SEC, template.timeoutSec(),
            "another 60 s, as ip_vs_conn_expire gives it");
        assertEquals(NOW + 62_000 + 60_000, template.expiresMs());

        persistence.release(conn, e);
        assertEquals(1, persistence.expire(NOW + 123_000, 1000, services), "its connection gone, it expires");
        assertEquals(0, table.size());
        assertEquals(0, d.stats().persistConns());
        assertNotSame(d, persistence.schedule(client, svc, services, NOW + 124_000), "rr moved on");
    }

    @Test
    void shouldRescheduleWhenTheTemplatesRealServerIsGone()
    {
        final Dest a = dest("A", 0);
        final Dest b = dest("B", 1);
        final Service svc = service(80, 300, 0xFFFF_FFFFL, a, b);
        final PacketView client = tcp("198.18.1.5", 40000, 80);
        assertSame(a, persistence.schedule(client, svc, new ServiceTable(svc), NOW));

        final Dest b2 = dest("B", 1);
        final Service without = service(80, 300, 0xFFFF_FFFFL, b2);
        assertSame(b2, persistence.schedule(client, without, new ServiceTable(without), NOW));
        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.5", VIP, 80), template));
        assertEquals(b2.id(), template.destId(), "the template now names the new choice");
        assertEquals(2, template.nControl(), "and still counts the first connection");
        assertEquals(1, b2.stats().persistConns(), "a's count went with it, as a removed real server's counters do");
    }

    @Test
    void shouldHoldAQuiescentRealServerUnlessExpireQuiescentTemplate()
    {
        final Dest a = dest("A", 0);
        final Dest b = dest("B", 1);
        final Service svc = service(80, 300, 0xFFFF_FFFFL, a, b);
        final ServiceTable services = new ServiceTable(svc);
        final PacketView client = tcp("198.18.1.5", 40000, 80);
        assertSame(a, persistence.schedule(client, svc, services, NOW));
        a.weight(0);
        assertSame(a, persistence.schedule(client, svc, services, NOW), "the kernel's default keeps the client");
        persistence.sysctls(new IpvsSysctls(1, false, false, false, true, false, 0, 0, 1024));
        assertSame(b, persistence.schedule(client, svc, services, NOW), "expire_quiescent_template moves it");
    }

    @Test
    void shouldGiveAnFtpServicesDataConnectionsTheControlConnectionsRealServer()
    {
        final Service svc = service(21, 0, 300, 0xFFFF_FFFFL, "A B");
        final ServiceTable services = new ServiceTable(svc);
        final Dest d = persistence.schedule(tcp("198.18.1.5", 40000, 21), svc, services, NOW);
        assertEquals(21, persistence.dport());
        assertEquals(TemplateRef.of(0, 32, false), persistence.control(), "an FTP template leaves the port 0");
        assertSame(svc, services.findForPacket(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 50000),
            "passive data to an unprivileged port finds the FTP service");
        assertNull(services.findForPacket(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 25),
            "a privileged port does not");
        assertSame(d, persistence.schedule(tcp("198.18.1.5", 40001, 50000), svc, services, NOW));
        assertEquals(50000, persistence.dport(), "a data connection keeps the client's port");
        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.5", VIP, 0), template));
        assertEquals(0, template.dport());
    }

    @Test
    void shouldTakeEveryPortOfAPortZeroService()
    {
        final Service svc = service(0, 0, 300, 0xFFFF_FFFFL, "A B");
        final ServiceTable services = new ServiceTable(svc);
        assertSame(svc, services.findForPacket(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 8443));
        final Dest d = persistence.schedule(tcp("198.18.1.5", 40000, 8443), svc, services, NOW);
        assertEquals(8443, persistence.dport(), "the real server's port follows the client's");
        assertSame(d, persistence.schedule(tcp("198.18.1.5", 40001, 22), svc, services, NOW), "one template");
        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.5", VIP, 0), template));
    }

    @Test
    void shouldKeyAFirewallMarkTemplateByTheMark()
    {
        final Dest a = dest("A", 0);
        final Service svc = new Service(IpProtocol.TCP, PacketView.AF_INET, 0, 0, 0, 7, Service.F_PERSISTENT, 300,
            0xFFFF_FFFFL, Schedulers.create("rr"), new Dest[] {a}, COUNTERS.newServiceStats(0, "t", nextId++, "f"));
        final ServiceTable services = new ServiceTable(svc);
        assertSame(a, persistence.schedule(tcp("198.18.1.5", 40000, 443), svc, services, NOW));
        assertTrue(table.lookup(templateKey(TemplateRef.PROTOCOL_FWMARK, "198.18.1.5", 7, 0), template),
            "<IPPROTO_IP, caddr, 0, fwmark, 0>");
        assertEquals(7, template.fwmark());
        final ConnEntry conn = new ConnEntry().control(persistence.control()).fwmark(7);
        final ConnKey connKey = new ConnKey().setFromPacket(tcp("198.18.1.5", 40000, 443));
        assertTrue(persistence.templateOf(connKey, conn), "a connection finds its template again");
        assertEquals(template, persistence.template());
    }

    @Test
    void shouldAssureATemplateAndReleaseItsConnections()
    {
        final Service svc = service(80, 0, 300, 0xFFFF_FFFFL, "A");
        final ServiceTable services = new ServiceTable(svc);
        final PacketView client = tcp("198.18.1.5", 40000, 80);
        persistence.schedule(client, svc, services, NOW);
        final ConnKey conn = new ConnKey().setFromPacket(client);
        final ConnEntry e = new ConnEntry().control(persistence.control());
        persistence.assure(conn, e);
        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.5", VIP, 80), template));
        assertEquals(ConnState.TEMPLATE_ASSURED, template.state());
        assertEquals("ASSURED", ConnState.name(IpProtocol.TCP, template.flags(), template.state()));
        persistence.release(conn, e);
        persistence.release(conn, e);
        assertTrue(table.lookup(templateKey(IpProtocol.TCP, "198.18.1.5", VIP, 80), template));
        assertEquals(0, template.nControl(), "never below 0");
        persistence.release(conn, new ConnEntry());
        assertEquals(0, template.nControl(), "an uncontrolled connection touches no template");
    }

    /**
     * One-packet scheduling keeps no connection, but the kernel still keeps the template (its flags without
     * ONE_PACKET, which is the connections'): every datagram of the client goes to its real server, and none takes
     * control of the template.
     */
    @Test
    void shouldHoldAOnePacketClientByItsTemplate()
    {
        final Dest a = dest("A", 0);
        final Dest b = dest("B", 1);
        final Service svc = new Service(IpProtocol.UDP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 53, 0,
            Service.F_PERSISTENT | Service.F_ONEPACKET, 300, 0xFFFF_FFFFL, Schedulers.create("rr"),
            new Dest[] {a, b}, COUNTERS.newServiceStats(0, "t", nextId++, "u"));
        final ServiceTable services = new ServiceTable(svc);
        final PacketView v = tcp("198.18.1.5", 40000, 53);
        v.protocol = IpProtocol.UDP;
        assertSame(a, persistence.schedule(v, svc, services, NOW));
        assertEquals(0, persistence.control(), "the datagram's connection is never kept");
        assertSame(a, persistence.schedule(v, svc, services, NOW + 1000), "the template holds the client");
        assertTrue(table.lookup(templateKey(IpProtocol.UDP, "198.18.1.5", VIP, 53), template));
        assertEquals(0, template.nControl());
        assertEquals(0, template.flags() & ConnFlags.ONE_PACKET);
        assertEquals(NOW + 1000 + 300_000, template.expiresMs());
    }

    /** The drop_entry defence deletes a dropped connection's template once it controls nothing else. */
    @Test
    void shouldDeleteADroppedConnectionsTemplateWithItsLastConnection()
    {
        final Service svc = service(80, 0, 300, 0xFFFF_FFFFL, "A");
        final ServiceTable services = new ServiceTable(svc);
        final Dest d = persistence.schedule(tcp("198.18.1.5", 40000, 80), svc, services, NOW);
        persistence.schedule(tcp("198.18.1.5", 40001, 80), svc, services, NOW);
        final ConnKey conn = new ConnKey().setFromPacket(tcp("198.18.1.5", 40000, 80));
        final ConnEntry e = new ConnEntry().control(persistence.control());
        persistence.releaseDropped(conn, e, services);
        assertEquals(1, table.size(), "it still controls the other");
        persistence.releaseDropped(conn, e, services);
        assertEquals(0, table.size());
        assertEquals(0, d.stats().persistConns());
    }

    @Test
    void shouldRefuseANewTemplateWhenTheTableIsFull()
    {
        try (TemplateTable small = new TemplateTable(TemplateTable.context(1, null)))
        {
            final Persistence p = new Persistence(small.writer(0, 1));
            final Service svc = service(80, 0, 300, 0xFFFF_FFFFL, "A");
            final ServiceTable services = new ServiceTable(svc);
            assertTrue(null != p.schedule(tcp("198.18.1.5", 1, 80), svc, services, NOW));
            assertNull(p.schedule(tcp("198.18.1.6", 1, 80), svc, services, NOW));
            assertTrue(p.wasTableFull());
            assertTrue(null != p.schedule(tcp("198.18.1.5", 2, 80), svc, services, NOW), "a held one still serves");
            assertFalse(p.wasTableFull());
        }
    }

    /** Agents share one table: what one writes another finds, and each expires its own share of the segments. */
    @Test
    void shouldShareTemplatesBetweenAgentsAndSplitTheirExpiry()
    {
        try (TemplateTable shared = new TemplateTable(TemplateTable.context(4096, null).entriesPerSegment(64)))
        {
            final Persistence zero = new Persistence(shared.writer(0, 2));
            final Persistence one = new Persistence(shared.writer(1, 2));
            final Service svc = service(80, 0, 10, 0xFFFF_FFFFL, "A B C");
            final ServiceTable services = new ServiceTable(svc);
            final List<Dest> chosen = new ArrayList<>();
            for (int i = 0; i < 1000; i++)
            {
                chosen.add(zero.schedule(tcp("198.18." + (i >> 8) + "." + (i & 255), 1, 80), svc, services, NOW));
            }
            for (int i = 0; i < 1000; i++)
            {
                assertSame(chosen.get(i),
                    one.schedule(tcp("198.18." + (i >> 8) + "." + (i & 255), 2, 80), svc, services, NOW + 1));
            }
            assertEquals(1000, shared.size());
            final ConnKey k = new ConnKey();
            final ConnEntry e = new ConnEntry();
            for (int i = 0; i < 1000; i++)
            {
                final PacketView v = tcp("198.18." + (i >> 8) + "." + (i & 255), 1, 80);
                e.control(TemplateRef.of(80, 32, false));
                zero.release(k.setFromPacket(v), e);
                one.release(k, e);
            }
            final int byZero = zero.expire(NOW + 20_000, 100_000, services);
            final int byOne = one.expire(NOW + 20_000, 100_000, services);
            assertTrue(byZero > 0 && byOne > 0, byZero + " + " + byOne);
            assertEquals(1000, byZero + byOne, "each template expired once, by one agent");
            assertEquals(0, shared.size());
        }
    }

    private ConnKey templateKey(final int protocol, final String client, final int vaddr, final int vport)
    {
        return key.set(protocol, PacketView.AF_INET, 0, Wire.ip(client) & 0xFFFF_FFFFL, 0, 0,
            vaddr & 0xFFFF_FFFFL, vport);
    }

    private static PacketView tcp(final String client, final int sport, final int dport)
    {
        final PacketView v = new PacketView();
        v.af = PacketView.AF_INET;
        v.protocol = IpProtocol.TCP;
        v.saddrLo = Wire.ip(client) & 0xFFFF_FFFFL;
        v.sport = sport;
        v.daddrLo = VIP & 0xFFFF_FFFFL;
        v.dport = dport;
        return v;
    }

    private static PacketView tcp6(final long clientHi, final long clientLo, final int dport)
    {
        final PacketView v = new PacketView();
        v.af = PacketView.AF_INET6;
        v.protocol = IpProtocol.TCP;
        v.saddrHi = clientHi;
        v.saddrLo = clientLo;
        v.sport = 40000;
        v.daddrHi = 0x20010db800000000L;
        v.daddrLo = 1;
        v.dport = dport;
        return v;
    }

    private static String name(final Service svc, final Dest d)
    {
        return null == d ? "-" : String.valueOf((char)('A' + (int)(d.addrLo() - 0x0A000001L)));
    }

    /** Real servers named A, B, ... at 10.0.0.1, .2, ..., port 80 or the service's; rr, persistent. */
    private static Service service(final int port, final int fwmark, final int timeout, final long netmask,
        final String names)
    {
        final String[] n = names.split(" ");
        final Dest[] dests = new Dest[n.length];
        for (int i = 0; i < n.length; i++)
        {
            dests[i] = dest(n[i], i, 0 == port ? 0 : port);
        }
        return service(port, timeout, netmask, dests);
    }

    private static Service service(final int port, final int timeout, final long netmask, final Dest... dests)
    {
        return new Service(IpProtocol.TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, port, 0, Service.F_PERSISTENT,
            timeout, netmask, Schedulers.create("rr"), dests, COUNTERS.newServiceStats(0, "t", nextId++, "s"));
    }

    private static Dest dest(final String name, final int index)
    {
        return dest(name, index, 80);
    }

    private static Dest dest(final String name, final int index, final int port)
    {
        final int id = nextId++;
        return Dest.builder(id).address(PacketView.AF_INET, 0, 0x0A000001L + index).port(port).weight(1)
            .stats(COUNTERS.newDestStats(0, "t", id, name)).build();
    }
}
