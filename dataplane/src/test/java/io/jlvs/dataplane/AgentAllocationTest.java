package io.jlvs.dataplane;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import io.jlvs.dataplane.xmit.Wire;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.UDP;
import static io.jlvs.dataplane.xmit.Wire.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allocation is not speed, so it can be asserted: a warmed-up agent forwarding every method both ways (DR, NAT in
 * and out, GUE and GRE tunnels with checksums, fragmentation needed, ICMP errors relayed, port unreachable, pings,
 * malformed frames) allocates nothing per packet. The port replays prepared frames from off-heap buffers and
 * allocates nothing itself; the thread's allocated-bytes counter is read around fifty thousand bursts. With two agents
 * stepped in turn, the packets of each other's connections go over the rings, and that allocates nothing either.
 */
class AgentAllocationTest
{
    private static final long PORT_MAC = 0x02_00_00_00_00_02L;
    private static final long CLIENT_MAC = 0x02_00_00_00_00_64L;
    private static final long NAT_MAC = 0x02_00_00_00_01_0BL;
    private static final int DIP = ip("198.18.0.2");
    private static final int CIP = ip("198.18.0.100");
    private static final int VIP = ip("198.18.0.10");
    private static final int RIP = ip("198.18.1.11");
    private static final int BURSTS = 50_000;
    private static final long MAX_BYTES = 16 * 1024;
    private static final byte[] NO_OPTIONS = new byte[0];

    @ParameterizedTest(name = "{0} agents")
    @ValueSource(ints = {1, 2})
    void shouldNotAllocatePerPacketOnAnyPath(final int agents)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int flow = 0; flow < 64; flow++)
        {
            final int cport = 20_000 + flow;
            for (final int flags : new int[] {0x02, 0x10, 0x18})
            {
                frames.add(fromClient(80, cport, flags, 100));       // DR
                frames.add(fromClient(81, cport, flags, 100));       // NAT in
                frames.add(fromClient(82, cport, flags, 100));       // GUE
                frames.add(fromClient(83, cport, flags, 1460));      // GRE, too big: fragmentation needed
            }
            frames.add(Wire.ipv4Frame(PORT_MAC, NAT_MAC, 0, 64, DF, TCP, RIP, CIP, NO_OPTIONS,
                Wire.tcp(RIP, CIP, 8080, cport, 0x18, Wire.payload(200))));                     // NAT out
            frames.add(fromClient(8000, cport, 0x02, 0));            // no destination: port unreachable
            frames.add(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, Wire.ICMP, CIP, VIP, NO_OPTIONS,
                Wire.icmp(3, 4, 1400, java.util.Arrays.copyOfRange(Wire.ipv4Frame(0, 0, 0, 64, DF, TCP, VIP, CIP,
                    NO_OPTIONS, Wire.tcp(VIP, CIP, 80, cport, 0x10, Wire.payload(0))), 14, 42))));  // relayed
        }
        frames.addAll(Wire.fragments(fromClient(80, 20_000, 0x18, 3000, 0), 1480));            // DR, fragments
        frames.addAll(Wire.fragments(fromClient(81, 20_001, 0x18, 3000, 0), 1480));            // NAT, fragments
        final List<byte[]> reversed = new ArrayList<>(Wire.fragments(fromClient(80, 20_002, 0x18, 3000, 0), 1480));
        java.util.Collections.reverse(reversed);
        frames.addAll(reversed);                                                                 // held, then sent
        frames.add(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, UDP, CIP, VIP, NO_OPTIONS,
            Wire.udp(CIP, VIP, 1, 9, Wire.payload(3), true)));                                   // not for a service
        frames.add(java.util.Arrays.copyOf(fromClient(80, 1, 0x10, 0), 20));                    // malformed

        final DataplaneCounters counters = DataplaneCounters.onHeap(4096);
        final CachedEpochClock clock = new CachedEpochClock();
        clock.update(1_000_000);
        final AtomicCounter[][] agentCounters = new AtomicCounter[agents][];
        final ForwardingAgent[] agent = new ForwardingAgent[agents];
        final RedirectRings rings = new RedirectRings(agents);
        try (ReplayPort port = new ReplayPort(frames);
             ConnTables conns = new ConnTables(new ConnTables.Context().agents(agents).capacity(10_000).conclude()))
        {
            for (int a = 0; a < agents; a++)
            {
                final String role = "fwd-" + a;
                agentCounters[a] = counters.newAgentCounters(a, role);
                final Dest dr = Dest.builder(1).addressV4(ip("198.18.0.11")).port(80)
                    .stats(counters.newDestStats(a, role, 1, "dr")).build();
                final Dest nat = Dest.builder(2).addressV4(RIP).port(8080).fwdMethod(FwdMethod.MASQ)
                    .stats(counters.newDestStats(a, role, 2, "nat")).build();
                final Dest gue = Dest.builder(3).addressV4(ip("198.18.2.11")).port(82).fwdMethod(FwdMethod.TUNNEL)
                    .tunnel(TunnelType.GUE, 6080, TunnelChecksum.CSUM).stats(counters.newDestStats(a, role, 3, "gue"))
                    .build();
                final Dest gre = Dest.builder(4).addressV4(ip("198.18.2.12")).port(83).fwdMethod(FwdMethod.TUNNEL)
                    .tunnel(TunnelType.GRE, 0, TunnelChecksum.CSUM).stats(counters.newDestStats(a, role, 4, "gre"))
                    .build();
                final Dest none = Dest.builder(5).addressV4(ip("198.18.0.12")).port(8000).weight(0)
                    .stats(counters.newDestStats(a, role, 5, "none")).build();
                final NeighbourTable neighbours = new NeighbourTable();
                neighbours.learn(CIP, CLIENT_MAC, clock.time());
                neighbours.learn(ip("198.18.0.11"), 0x02_00_00_00_00_0BL, clock.time());
                neighbours.learn(RIP, NAT_MAC, clock.time());
                neighbours.learn(ip("198.18.0.254"), 0x02_00_00_00_00_FEL, clock.time());
                // the agents share the one replay port: stepped on one thread, each takes what the other handed over
                agent[a] = new ForwardingAgent(new ForwardingAgent.Context()
                    .roleName(role)
                    .agent(a)
                    .redirectRings(rings)
                    .port(port)
                    .conns(conns.table(a))
                    .timeouts(new ConnTimeouts())
                    .neighbours(neighbours)
                    .snapshot(ForwardingSnapshot.of(1,
                        new RouteTable(new int[] {DIP, ip("198.18.1.1")}, new int[] {24, 24}, ip("198.18.0.254")),
                        service(counters, a, 80, 11, dr), service(counters, a, 81, 12, nat),
                        service(counters, a, 82, 13, gue), service(counters, a, 83, 14, gre),
                        service(counters, a, 8000, 15, none)))
                    .counters(agentCounters[a])
                    .dropsByVerdict(counters.newVerdictCounters(a, role))
                    .epochClock(clock)
                    .nanoClock(new SystemNanoClock()));
            }
            long bytes = 0;
            for (int round = 0; round < 3; round++)
            {
                final long before = allocated();
                for (int i = 0; i < BURSTS; i++)
                {
                    agent[i % agents].doWork();
                }
                bytes = allocated() - before;
            }
            for (final ForwardingAgent x : agent)
            {
                x.release();
            }
            System.out.printf("%d agents: %d B allocated over %d bursts of %d packets%n", agents, bytes, BURSTS,
                ForwardingAgent.BURST);
            assertTrue(bytes < MAX_BYTES, "the agents allocated " + bytes + " B over " + BURSTS + " bursts");
            assertEquals(0, port.inUse(), "every buffer sent or freed");
            final List<LbCounterDescriptor> taken = new ArrayList<>(List.of(LbCounterDescriptor.ICMP_RELAYED,
                LbCounterDescriptor.TOO_BIG, LbCounterDescriptor.NO_DEST, LbCounterDescriptor.CONNS_CREATED,
                LbCounterDescriptor.NOT_FOR_SERVICE, LbCounterDescriptor.DROPPED_MALFORMED,
                LbCounterDescriptor.FRAGMENTS, LbCounterDescriptor.FRAGMENTS_HELD));
            if (agents > 1)
            {
                taken.add(LbCounterDescriptor.REDIRECTED);
                taken.add(LbCounterDescriptor.REDIRECTED_IN);
            }
            for (final LbCounterDescriptor d : taken)
            {
                long n = 0;
                for (int a = 0; a < agents; a++)
                {
                    n += agentCounters[a][d.ordinal()].get();
                }
                assertTrue(n > 0, "the path was taken: " + d);
            }
        }
    }

    private static Service service(
        final DataplaneCounters counters, final int agent, final int port, final int id, final Dest d)
    {
        return new Service(TCP, PacketView.AF_INET, 0, VIP & 0xFFFF_FFFFL, port, 0, 0, 0, 0xFFFF_FFFFL,
            Schedulers.create("rr"), new Dest[] {d}, counters.newServiceStats(agent, "fwd-" + agent, id, "svc" + id));
    }

    private static byte[] fromClient(final int dport, final int sport, final int flags, final int length)
    {
        return fromClient(dport, sport, flags, length, DF);
    }

    private static byte[] fromClient(final int dport, final int sport, final int flags, final int length, final int df)
    {
        return Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, df, TCP, CIP, VIP, NO_OPTIONS,
            Wire.tcp(CIP, VIP, sport, dport, flags, Wire.payload(length)));
    }

    private static long allocated()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /**
     * Replays prepared frames, round robin, from off-heap buffers with DPDK's headroom; addresses every buffer
     * through one segment, as DPDK's port does, so handing out a packet allocates nothing.
     */
    static final class ReplayPort implements PacketPort
    {
        private static final int SIZE = 2048;
        private static final int HEADROOM = 128;
        private static final int BUFFERS = 256;

        private final Arena arena = Arena.ofShared();
        private final MemorySegment memory = arena.allocate((long)BUFFERS * SIZE, 64);
        private final MemorySegment frames;
        private final int[] frameOffsets;
        private final int[] frameLengths;
        private final int[] starts = new int[BUFFERS + 1];
        private final int[] lengths = new int[BUFFERS + 1];
        private final int[] free = new int[BUFFERS];
        private int freeCount;
        private int next;

        ReplayPort(final List<byte[]> prepared)
        {
            int total = 0;
            for (final byte[] f : prepared)
            {
                total += f.length;
            }
            frames = arena.allocate(total);
            frameOffsets = new int[prepared.size()];
            frameLengths = new int[prepared.size()];
            int at = 0;
            for (int i = 0; i < prepared.size(); i++)
            {
                final byte[] f = prepared.get(i);
                MemorySegment.copy(MemorySegment.ofArray(f), 0, frames, at, f.length);
                frameOffsets[i] = at;
                frameLengths[i] = f.length;
                at += f.length;
            }
            for (int h = 1; h <= BUFFERS; h++)
            {
                free[freeCount++] = h;
            }
        }

        int inUse()
        {
            return BUFFERS - freeCount;
        }

        @Override
        public String name()
        {
            return "replay";
        }

        @Override
        public long macAddress()
        {
            return PORT_MAC;
        }

        @Override
        public int rxBurst(final MemorySegment handles, final int max)
        {
            int n = 0;
            while (n < max && freeCount > BUFFERS / 2)
            {
                final int h = free[--freeCount];
                final int f = next;
                next = (next + 1) % frameOffsets.length;
                starts[h] = HEADROOM;
                lengths[h] = frameLengths[f];
                MemorySegment.copy(frames, frameOffsets[f], memory, base(h) + HEADROOM, frameLengths[f]);
                handles.setAtIndex(ValueLayout.JAVA_LONG, n++, h);
            }
            return n;
        }

        @Override
        public int txBurst(final MemorySegment handles, final int from, final int count)
        {
            freeBulk(handles, from, count);
            return count;
        }

        @Override
        public void freeBulk(final MemorySegment handles, final int from, final int count)
        {
            for (int i = 0; i < count; i++)
            {
                free[freeCount++] = (int)handles.getAtIndex(ValueLayout.JAVA_LONG, from + i);
            }
        }

        @Override
        public long alloc()
        {
            if (freeCount == 0)
            {
                return 0;
            }
            final int h = free[--freeCount];
            starts[h] = HEADROOM;
            lengths[h] = 0;
            return h;
        }

        @Override
        public MemorySegment data(final long handle)
        {
            return memory;
        }

        @Override
        public long dataOffset(final long handle)
        {
            return base((int)handle) + starts[(int)handle];
        }

        @Override
        public int dataLength(final long handle)
        {
            return lengths[(int)handle];
        }

        @Override
        public boolean isChained(final long handle)
        {
            return false;
        }

        @Override
        public int tailroom(final long handle)
        {
            return SIZE - starts[(int)handle] - lengths[(int)handle];
        }

        @Override
        public void dataLength(final long handle, final int length)
        {
            lengths[(int)handle] = length;
        }

        @Override
        public int headroom(final long handle)
        {
            return starts[(int)handle];
        }

        @Override
        public boolean prepend(final long handle, final int bytes)
        {
            if (bytes > starts[(int)handle])
            {
                return false;
            }
            starts[(int)handle] -= bytes;
            lengths[(int)handle] += bytes;
            return true;
        }

        private static long base(final int handle)
        {
            return (long)(handle - 1) * SIZE;
        }

        @Override
        public void close()
        {
            arena.close();
        }
    }
}
