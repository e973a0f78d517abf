package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.sync.SyncDelivery;
import io.jlvs.dataplane.sync.SyncPolicy;
import io.jlvs.dataplane.sync.SyncReports;
import io.jlvs.dataplane.xmit.Wire;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.jlvs.dataplane.AgentsRig.CIP;
import static io.jlvs.dataplane.AgentsRig.CLIENT_MAC;
import static io.jlvs.dataplane.AgentsRig.DR_MAC;
import static io.jlvs.dataplane.AgentsRig.DIP;
import static io.jlvs.dataplane.AgentsRig.DR_RIP;
import static io.jlvs.dataplane.AgentsRig.NAT_GW;
import static io.jlvs.dataplane.AgentsRig.NAT_RIP;
import static io.jlvs.dataplane.AgentsRig.PORT_MAC;
import static io.jlvs.dataplane.AgentsRig.VIP;
import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A master's agents report connections, a backup's agents apply them, and the backup forwards them on its first
 * packet without a SYN: the dataplane's half of connection sync, with the daemon's part played by the test (the
 * reports read from the master's rings, handed to the backup's owners).
 */
class SyncAgentsTest
{
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int FIN = 0x01;

    private static byte[] fromClient(final int sport, final int flags)
    {
        return Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP, new byte[0],
            Wire.tcp(CIP, VIP, sport, 80, flags, Wire.payload((flags & PSH) != 0 ? 100 : 0)));
    }

    private static int relay(final AgentsRig master, final AgentsRig backup)
    {
        final SyncReports reports = new SyncReports(master.syncRings);
        final SyncDelivery delivery = new SyncDelivery(backup.rings);
        final int[] n = new int[1];
        reports.poll((k, e) ->
        {
            assertTrue(delivery.deliver(k, e));
            n[0]++;
            return true;
        }, 10_000);
        backup.runUntilQuiet();
        return n[0];
    }

    /** An ARP request from the client for {@code ip}. */
    static byte[] arpRequestFor(final int ip)
    {
        final byte[] f = new byte[60];
        final java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f);
        b.putShort(0, (short)0xFFFF).putInt(2, 0xFFFF_FFFF);
        b.putShort(6, (short)(CLIENT_MAC >>> 32)).putInt(8, (int)CLIENT_MAC);
        b.putShort(12, (short)0x0806).putShort(14, (short)1).putShort(16, (short)0x0800);
        b.put(18, (byte)6).put(19, (byte)4).putShort(20, (short)1);
        b.putShort(22, (short)(CLIENT_MAC >>> 32)).putInt(24, (int)CLIENT_MAC).putInt(28, CIP);
        b.putInt(38, ip);
        return f;
    }

    /** ARP replies (op 2) whose sender is {@code ip}. */
    private static int arpRepliesFor(final List<byte[]> frames, final int ip)
    {
        return (int)frames.stream().filter((f) -> Wire.u16(f, 12) == 0x0806 && Wire.u16(f, 20) == 2 &&
            Wire.u32(f, 28) == ip).count();
    }

    /** Gratuitous ARP requests (op 1, sender = target = {@code ip}). */
    private static int arpAnnouncementsOf(final List<byte[]> frames, final int ip)
    {
        return (int)frames.stream().filter((f) -> Wire.u16(f, 12) == 0x0806 && Wire.u16(f, 20) == 1 &&
            Wire.u32(f, 28) == ip && Wire.u32(f, 38) == ip).count();
    }

    private static int realServer(final byte[] frame)
    {
        final long mac = Wire.mac(frame, 0);
        for (int d = 0; d < 3; d++)
        {
            if (mac == DR_MAC[d])
            {
                return d;
            }
        }
        throw new AssertionError("not to a real server");
    }

    @Test
    void shouldCarryEstablishedConnectionsToABackupThatForwardsThemWithoutASyn()
    {
        final int flows = 300;
        try (AgentsRig master = new AgentsRig(2, true, SyncPolicy.OFF.master(true));
            AgentsRig backup = new AgentsRig(3, true, SyncPolicy.OFF))
        {
            master.runUntilQuiet();
            backup.runUntilQuiet();
            final Map<Integer, Integer> chosen = new HashMap<>();
            for (int i = 0; i < flows; i++)
            {
                final int sport = 30_000 + i;
                master.queues[i % 2].inject(fromClient(sport, SYN));
                master.queues[i % 2].inject(fromClient(sport, ACK));
                master.queues[i % 2].inject(fromClient(sport, ACK | PSH));
            }
            final List<byte[]> out = AgentsRig.ipv4(master.runUntilQuiet());
            assertEquals(3 * flows, out.size());
            for (final byte[] f : out)
            {
                chosen.put(Wire.u16(f, 34), realServer(f));
            }
            assertEquals(flows, master.sum(LbCounterDescriptor.SYNC_REPORTED), "one report each, at packet 3");
            assertEquals(flows, relay(master, backup));
            assertEquals(flows, backup.sum(LbCounterDescriptor.SYNC_APPLIED), backup.nonZeroCounters());
            assertEquals(flows, backup.tables.size());

            long active = 0;
            for (int a = 0; a < 3; a++)
            {
                final int self = a;
                backup.tables.table(a).forEach((k, e) ->
                {
                    assertEquals(self, ConnOwner.of(k, 3), "held by its owner in the backup");
                    assertEquals(ConnState.ESTABLISHED, e.state());
                    assertTrue((e.flags() & ConnFlags.SYNC) != 0);
                    assertEquals(DR_RIP[chosen.get(k.cport())] & 0xFFFF_FFFFL, e.daddrLo());
                    assertEquals(SyncPolicy.DEFAULT_THRESHOLD, e.inPkts());
                    return true;
                });
                for (int d = 0; d < 3; d++)
                {
                    active += backup.destStats[a][d].activeConns();
                }
            }
            assertEquals(flows, active, "counted active at their real servers");

            // standing by, the backup neither answers ARP for the VIP nor forwards to it
            backup.standby(true);
            backup.queues[0].inject(arpRequestFor(VIP));
            backup.queues[1].inject(fromClient(30_000, ACK | PSH));
            final List<byte[]> standingBy = backup.runUntilQuiet();
            assertTrue(AgentsRig.ipv4(standingBy).isEmpty());
            assertEquals(0, arpRepliesFor(standingBy, VIP), "no ARP reply for the VIP");
            assertEquals(1, backup.sum(LbCounterDescriptor.STANDBY));
            backup.queues[0].inject(arpRequestFor(NAT_GW));
            assertEquals(0, arpRepliesFor(backup.runUntilQuiet(), NAT_GW), "nor for the floating NAT gateway");

            // takeover: it announces the VIP, and the clients' next packets reach it; it forwards them where the
            // master did
            final List<byte[]> takeover = backup.standby(false);
            assertTrue(arpAnnouncementsOf(takeover, VIP) > 0, "gratuitous ARP for the VIP");
            assertTrue(arpAnnouncementsOf(takeover, NAT_GW) > 0, "and for the floating NAT gateway");
            backup.queues[0].inject(arpRequestFor(VIP));
            assertEquals(1, arpRepliesFor(backup.runUntilQuiet(), VIP), "serving, it answers for the VIP");
            backup.queues[0].inject(arpRequestFor(NAT_GW));
            assertEquals(1, arpRepliesFor(backup.runUntilQuiet(), NAT_GW), "and for the NAT gateway");
            for (int i = 0; i < flows; i++)
            {
                backup.queues[i % 3].inject(fromClient(30_000 + i, ACK | PSH));
            }
            final List<byte[]> after = AgentsRig.ipv4(backup.runUntilQuiet());
            assertEquals(flows, after.size(), backup.nonZeroCounters());
            for (final byte[] f : after)
            {
                assertEquals(chosen.get(Wire.u16(f, 34)), realServer(f), "the same real server");
            }
            assertEquals(0, backup.sum(LbCounterDescriptor.NO_CONN_NOT_SYN));
            assertEquals(0, backup.sum(LbCounterDescriptor.CONNS_CREATED), "no connection scheduled afresh");
            assertEquals(0, master.inUse() + backup.inUse());
        }
    }

    /**
     * A persistent service on a master of two agents: one client's connections, owned by both agents, go to the one
     * real server of its template; the template is reported with them, lands in the backup's shared template
     * table, and after the takeover the backup sends the client's new connections where the master did.
     */
    @Test
    void shouldKeepAPersistentClientOnItsRealServerAcrossATakeover()
    {
        try (AgentsRig master = new AgentsRig(2, true, SyncPolicy.OFF.master(true), 300);
            AgentsRig backup = new AgentsRig(3, true, SyncPolicy.OFF, 300))
        {
            master.runUntilQuiet();
            backup.runUntilQuiet();
            final java.util.Set<Integer> owners = new java.util.HashSet<>();
            for (int i = 0; i < 20; i++)
            {
                final int sport = 31_000 + i;
                owners.add(ConnOwner.of(0, CIP & 0xFFFF_FFFFL, sport, 2));
                master.queues[i % 2].inject(fromClient(sport, SYN));
                master.queues[i % 2].inject(fromClient(sport, ACK));
                master.queues[i % 2].inject(fromClient(sport, ACK | PSH));
            }
            assertEquals(2, owners.size(), "both agents own some");
            final List<byte[]> out = AgentsRig.ipv4(master.runUntilQuiet());
            assertEquals(60, out.size());
            final int server = realServer(out.get(0));
            for (final byte[] f : out)
            {
                assertEquals(server, realServer(f), "every connection to the template's real server");
            }
            assertEquals(1, master.tables.templates().size());
            master.tables.templates().forEach((k, e) ->
            {
                assertEquals(0, k.cport());
                assertEquals(20, e.nControl(), "it controls all twenty");
                assertEquals(ConnState.TEMPLATE_ASSURED, e.state(), "they got established");
                return true;
            });
            long persist = 0;
            for (int a = 0; a < 2; a++)
            {
                persist += master.destStats[a][server].persistConns();
            }
            assertEquals(1, persist, "one template in persistconns");

            relay(master, backup);
            assertEquals(1, backup.tables.templates().size(), backup.nonZeroCounters());
            backup.tables.templates().forEach((k, e) ->
            {
                assertTrue(e.isTemplate() && (e.flags() & ConnFlags.SYNC) != 0);
                assertEquals(300, e.timeoutSec());
                assertEquals(DR_RIP[server] & 0xFFFF_FFFFL, e.daddrLo());
                return true;
            });

            backup.standby(false);
            for (int i = 0; i < 9; i++)
            {
                backup.queues[i % 3].inject(fromClient(32_000 + i, SYN));
            }
            final List<byte[]> after = AgentsRig.ipv4(backup.runUntilQuiet());
            assertEquals(9, after.size(), backup.nonZeroCounters());
            for (final byte[] f : after)
            {
                assertEquals(server, realServer(f), "new connections follow the synced template");
            }
            assertEquals(9, backup.sum(LbCounterDescriptor.CONNS_CREATED));
        }
    }

    /**
     * Standing by, a director resolves its next hops from its own addresses only: an ARP request sent from the
     * floating NAT gateway would point the real servers' gateway at the director that does not hold it.
     */
    @Test
    void shouldNeverSendFromAFloatingAddressStandingBy()
    {
        try (AgentsRig backup = new AgentsRig(1, false, SyncPolicy.OFF))
        {
            final List<byte[]> standingBy = backup.standby(true);
            assertTrue(standingBy.stream().anyMatch((f) -> Wire.u16(f, 12) == 0x0806 && Wire.u32(f, 38) == NAT_RIP),
                "the NAT real server is still resolved");
            for (final byte[] f : standingBy)
            {
                assertTrue(Wire.u16(f, 12) != 0x0806 || Wire.u32(f, 28) == DIP, "sent from the DIP only");
            }
            final List<byte[]> serving = backup.standby(false);
            assertTrue(serving.stream().anyMatch((f) -> Wire.u16(f, 12) == 0x0806 && Wire.u16(f, 20) == 1 &&
                Wire.u32(f, 28) == NAT_GW && Wire.u32(f, 38) == NAT_GW), "serving, it announces the gateway");
        }
    }

    @Test
    void shouldReportAClosingConnectionAtOnce()
    {
        try (AgentsRig master = new AgentsRig(1, true, SyncPolicy.OFF.master(true));
            AgentsRig backup = new AgentsRig(1, true, SyncPolicy.OFF))
        {
            master.queues[0].inject(fromClient(40_000, SYN));
            master.queues[0].inject(fromClient(40_000, ACK));
            master.queues[0].inject(fromClient(40_000, ACK | PSH));
            master.runUntilQuiet();
            assertEquals(1, relay(master, backup));
            master.queues[0].inject(fromClient(40_000, FIN | ACK));
            master.runUntilQuiet();
            assertEquals(1, relay(master, backup), "FIN_WAIT is reported at packet 4");
            final ConnEntry e = new ConnEntry();
            assertTrue(backup.tables.table(0).lookup(new ConnKey().setV4(TCP, CIP, 40_000, VIP, 80), e));
            assertEquals(ConnState.FIN_WAIT, e.state());
            assertEquals(0, backup.destStats[0][0].activeConns() + backup.destStats[0][1].activeConns() +
                backup.destStats[0][2].activeConns());
            assertEquals(1, backup.destStats[0][0].inactConns() + backup.destStats[0][1].inactConns() +
                backup.destStats[0][2].inactConns(), "inactive now, as the report's flag says");
        }
    }

    @Test
    void shouldReportNothingWhenNotMaster()
    {
        try (AgentsRig rig = new AgentsRig(1, true, SyncPolicy.OFF))
        {
            rig.queues[0].inject(fromClient(40_000, SYN));
            rig.queues[0].inject(fromClient(40_000, ACK));
            rig.queues[0].inject(fromClient(40_000, ACK | PSH));
            rig.runUntilQuiet();
            assertEquals(0, rig.sum(LbCounterDescriptor.SYNC_REPORTED));
            assertEquals(0, new SyncReports(rig.syncRings).poll((k, e) -> true, 100));
        }
    }

    @Test
    void shouldDropReportsOfUnknownProtocolsAndStatesAndIgnoreAReplacedConnectionsEnd()
    {
        try (AgentsRig backup = new AgentsRig(1, true, SyncPolicy.OFF))
        {
            final SyncDelivery delivery = new SyncDelivery(backup.rings);
            final ConnKey key = new ConnKey().setV4(TCP, CIP, 41_000, VIP, 80);
            final ConnEntry e = new ConnEntry().flags(ConnFlags.NOOUTPUT | 3).state(ConnState.ESTABLISHED)
                .daddrV4(DR_RIP[1]).dport(80).timeoutSec(900);
            assertTrue(delivery.deliver(new ConnKey().setV4(1, CIP, 41_000, VIP, 80), e));
            assertTrue(delivery.deliver(key, new ConnEntry().copyFrom(e).state(99)));
            backup.runUntilQuiet();
            assertEquals(2, backup.sum(LbCounterDescriptor.SYNC_INVALID));
            assertEquals(0, backup.tables.size());

            assertTrue(delivery.deliver(key, e));
            // the end of an older connection of the same client port, to another real server: ignored
            assertTrue(delivery.deliver(key, new ConnEntry().copyFrom(e).daddrV4(DR_RIP[2])
                .flags(e.flags() | ConnFlags.INACTIVE).state(ConnState.CLOSE)));
            backup.runUntilQuiet();
            assertEquals(1, backup.sum(LbCounterDescriptor.SYNC_STALE));
            final ConnEntry held = new ConnEntry();
            assertTrue(backup.tables.table(0).lookup(key, held));
            assertEquals(DR_RIP[1] & 0xFFFF_FFFFL, held.daddrLo());

            // an active report to another real server replaces the connection held
            assertTrue(delivery.deliver(key, new ConnEntry().copyFrom(e).daddrV4(DR_RIP[2])));
            backup.runUntilQuiet();
            assertTrue(backup.tables.table(0).lookup(key, held));
            assertEquals(DR_RIP[2] & 0xFFFF_FFFFL, held.daddrLo());
            assertEquals(0, backup.destStats[0][1].activeConns());
            assertEquals(1, backup.destStats[0][2].activeConns());
        }
    }

    @Test
    void shouldKeepAConnectionToAnUnknownRealServerUnboundAndDropItsPackets()
    {
        try (AgentsRig backup = new AgentsRig(1, true, SyncPolicy.OFF))
        {
            final ConnKey key = new ConnKey().setV4(TCP, CIP, 42_000, VIP, 80);
            assertTrue(new SyncDelivery(backup.rings).deliver(key, new ConnEntry().flags(ConnFlags.NOOUTPUT | 3)
                .state(ConnState.ESTABLISHED).daddrV4(Wire.ip("198.18.0.99")).dport(80).timeoutSec(900)));
            backup.runUntilQuiet();
            assertEquals(1, backup.sum(LbCounterDescriptor.SYNC_NO_DEST));
            assertEquals(1, backup.tables.size(), "kept, as the kernel keeps it");
            backup.queues[0].inject(fromClient(42_000, ACK));
            assertTrue(AgentsRig.ipv4(backup.runUntilQuiet()).isEmpty());
            assertEquals(1, backup.sum(LbCounterDescriptor.DEST_UNAVAILABLE));
            assertFalse(backup.sum(LbCounterDescriptor.CONNS_CREATED) > 0);
        }
    }
}
