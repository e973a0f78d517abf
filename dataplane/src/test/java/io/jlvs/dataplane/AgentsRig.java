package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.port.InMemoryPort;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.ConnStats;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DestStats;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.sync.SyncPolicy;
import io.jlvs.dataplane.sync.SyncRings;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;
import java.util.List;
import java.util.function.Supplier;

import static io.jlvs.dataplane.xmit.Wire.ip;

/**
 * Several forwarding agents on the queues of one in-memory port, as a director builds them: a table per agent, the
 * rings between them, each agent its own snapshot of the same services (a DR service with three real servers, rr;
 * a NAT service with one, port 80 to 8080), counters per agent. Stepped in turn on the test's thread, or run on
 * threads of their own.
 */
final class AgentsRig implements AutoCloseable
{
    static final long PORT_MAC = 0x02_00_00_00_00_02L;
    static final long CLIENT_MAC = 0x02_00_00_00_00_64L;
    static final long GW_MAC = 0x02_00_00_00_00_FEL;
    static final long[] DR_MAC = {0x02_00_00_00_00_0BL, 0x02_00_00_00_00_0CL, 0x02_00_00_00_00_0DL};
    static final long NAT_MAC = 0x02_00_00_00_01_0BL;
    static final int DIP = ip("198.18.0.2");
    static final int NAT_GW = ip("198.18.1.1");
    static final int GATEWAY = ip("198.18.0.254");
    static final int CIP = ip("198.18.0.100");
    static final int VIP = ip("198.18.0.10");
    static final int VIP_NAT = ip("198.18.0.20");
    static final int[] DR_RIP = {ip("198.18.0.11"), ip("198.18.0.12"), ip("198.18.0.13")};
    static final int NAT_RIP = ip("198.18.1.11");
    static final int DR_SERVICE = 100;
    static final int NAT_SERVICE = 200;
    static final int NAT_DEST = 10;

    final int agents;
    final CachedEpochClock clock = new CachedEpochClock();
    final DataplaneCounters counters = DataplaneCounters.onHeap(8192);
    /** The in-memory queues, or null when the rig runs on other ports. */
    final InMemoryPort[] queues;
    final PacketPort[] ports;
    private final Supplier<List<byte[]>> wire;
    final ConnTables tables;
    final RedirectRings rings;
    final SyncRings syncRings;
    final ForwardingAgent[] agent;
    final AtomicCounter[][] agentCounters;
    final NeighbourTable[] neighbours;
    /** [agent][dest]: the three DR real servers, then the NAT one. */
    final DestStats[][] destStats;
    final ConnStats[] drServiceStats;

    /**
     * @param learned whether every agent knows the neighbours' MACs from the start (else only ARP tells them).
     */
    AgentsRig(final int agents, final int ringCapacity, final boolean learned)
    {
        this(InMemoryPort.queues("mem", PORT_MAC, 8192, agents), ringCapacity, learned, null, SyncPolicy.OFF, 0);
    }

    /** Agents with rings to a sync daemon, a master or not by {@code sync}. */
    AgentsRig(final int agents, final boolean learned, final SyncPolicy sync)
    {
        this(agents, learned, sync, 0);
    }

    /** As above, the DR service persistent for {@code drPersistTimeout} seconds when not 0. */
    AgentsRig(final int agents, final boolean learned, final SyncPolicy sync, final int drPersistTimeout)
    {
        this(InMemoryPort.queues("mem", PORT_MAC, 8192, agents), RedirectRings.DEFAULT_CAPACITY, learned, null, sync,
            drPersistTimeout);
    }

    /**
     * Agents on the given queues of one port, e.g. a DPDK ring port's; {@code wire} takes what they transmitted.
     */
    AgentsRig(final PacketPort[] ports, final int ringCapacity, final boolean learned,
        final Supplier<List<byte[]>> wire)
    {
        this(ports, ringCapacity, learned, wire, SyncPolicy.OFF, 0);
    }

    AgentsRig(final PacketPort[] ports, final int ringCapacity, final boolean learned,
        final Supplier<List<byte[]>> wire, final SyncPolicy sync, final int drPersistTimeout)
    {
        this.agents = ports.length;
        this.ports = ports;
        this.queues = ports instanceof InMemoryPort[] q ? q : null;
        this.wire = wire;
        final int agents = ports.length;
        clock.update(1_000_000);
        tables = new ConnTables(new ConnTables.Context().agents(agents).capacity(100_000).conclude());
        rings = new RedirectRings(agents, ringCapacity);
        syncRings = new SyncRings(agents, 1 << 16);
        agent = new ForwardingAgent[agents];
        agentCounters = new AtomicCounter[agents][];
        neighbours = new NeighbourTable[agents];
        destStats = new DestStats[agents][4];
        drServiceStats = new ConnStats[agents];
        // NAT_GW floats, as a pair's NAT gateway does: held only while serving
        final RouteTable routes = new RouteTable(new int[] {DIP, NAT_GW}, new int[] {24, 24}, GATEWAY).withFloating(1, 0);
        for (int i = 0; i < agents; i++)
        {
            final String role = "fwd-" + i;
            agentCounters[i] = counters.newAgentCounters(i, role);
            final Dest[] dr = new Dest[3];
            for (int d = 0; d < 3; d++)
            {
                destStats[i][d] = counters.newDestStats(i, role, d + 1, "rs" + (d + 1));
                dr[d] = Dest.builder(d + 1).addressV4(DR_RIP[d]).port(80).stats(destStats[i][d]).build();
            }
            destStats[i][3] = counters.newDestStats(i, role, NAT_DEST, "nat1");
            drServiceStats[i] = counters.newServiceStats(i, role, DR_SERVICE, "dr");
            final Service drService = new Service(6, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, 80, 0,
                0 == drPersistTimeout ? 0 : Service.F_PERSISTENT, drPersistTimeout, 0xFFFF_FFFFL, Schedulers.create("rr"), dr, drServiceStats[i]);
            final Service natService = new Service(6, PacketView.AF_INET, 0, VIP_NAT & 0xFFFF_FFFFL, 80, 0, 0, 0,
                0xFFFF_FFFFL, Schedulers.create("rr"), new Dest[] {
                    Dest.builder(NAT_DEST).addressV4(NAT_RIP).port(8080).fwdMethod(FwdMethod.MASQ)
                        .stats(destStats[i][3]).build()},
                counters.newServiceStats(i, role, NAT_SERVICE, "nat"));
            neighbours[i] = new NeighbourTable();
            if (learned)
            {
                neighbours[i].learn(CIP, CLIENT_MAC, clock.time());
                neighbours[i].learn(GATEWAY, GW_MAC, clock.time());
                neighbours[i].learn(NAT_RIP, NAT_MAC, clock.time());
                for (int d = 0; d < 3; d++)
                {
                    neighbours[i].learn(DR_RIP[d], DR_MAC[d], clock.time());
                }
            }
            agent[i] = new ForwardingAgent(new ForwardingAgent.Context()
                .roleName(role)
                .agent(i)
                .redirectRings(rings)
                .syncRings(syncRings)
                .port(ports[i])
                .conns(tables.table(i))
                .templates(tables.templates())
                .timeouts(new ConnTimeouts())
                .neighbours(neighbours[i])
                .snapshot(ForwardingSnapshot.of(1, routes, drService, natService).withSync(sync))
                .counters(agentCounters[i])
                .dropsByVerdict(counters.newVerdictCounters(i, role))
                .epochClock(clock)
                .nanoClock(new SystemNanoClock()));
        }
    }

    /** Hands every agent its snapshot again, standing by or serving; returns what they sent adopting it. */
    List<byte[]> standby(final boolean standby)
    {
        for (final ForwardingAgent a : agent)
        {
            assertTrue(a.offer(a.snapshot().withStandby(standby)));
        }
        clock.advance(ForwardingAgent.HOUSEKEEPING_INTERVAL_MS);
        return runUntilQuiet();
    }

    /** Hands every agent its snapshot again with the pair's virtual MAC; returns what they sent adopting it. */
    List<byte[]> virtualMac(final long mac)
    {
        for (final ForwardingAgent a : agent)
        {
            assertTrue(a.offer(a.snapshot().withVirtualMac(mac)));
        }
        clock.advance(ForwardingAgent.HOUSEKEEPING_INTERVAL_MS);
        return runUntilQuiet();
    }

    /** Steps every agent, in turn, until a whole round moved nothing; returns the frames they sent. */
    List<byte[]> runUntilQuiet()
    {
        final List<byte[]> out = new ArrayList<>();
        for (int round = 0; round < 10_000; round++)
        {
            int work = 0;
            for (final ForwardingAgent a : agent)
            {
                work += a.doWork();
            }
            if (null == wire)
            {
                for (final InMemoryPort q : queues)
                {
                    out.addAll(q.takeTransmitted());
                }
            }
            else
            {
                out.addAll(wire.get());
            }
            if (0 == work)
            {
                return out;
            }
            clock.advance(1);
        }
        throw new AssertionError("agents never went quiet");
    }

    /** Frames of IPv4 only (no ARP). */
    static List<byte[]> ipv4(final List<byte[]> frames)
    {
        return frames.stream().filter((f) -> f[12] == 0x08 && f[13] == 0x00).toList();
    }

    long count(final int agentIndex, final LbCounterDescriptor d)
    {
        return agentCounters[agentIndex][d.ordinal()].get();
    }

    long sum(final LbCounterDescriptor d)
    {
        long n = 0;
        for (int i = 0; i < agents; i++)
        {
            n += count(i, d);
        }
        return n;
    }

    /** Every agent's counters that are not zero, for a failure's message. */
    String nonZeroCounters()
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < agents; i++)
        {
            for (final LbCounterDescriptor d : LbCounterDescriptor.values())
            {
                if (count(i, d) != 0)
                {
                    sb.append("fwd-").append(i).append(' ').append(d).append('=').append(count(i, d)).append('\n');
                }
            }
        }
        return sb.toString();
    }

    int inUse()
    {
        return queues[0].inUse();
    }

    @Override
    public void close()
    {
        for (final ForwardingAgent a : agent)
        {
            a.release();
        }
        tables.close();
        if (null != queues)
        {
            queues[0].close();
        }
    }
}
