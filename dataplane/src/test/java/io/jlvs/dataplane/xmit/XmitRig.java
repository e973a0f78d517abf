package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.icmp.IcmpErrorSender;
import io.jlvs.dataplane.icmp.IcmpRateLimiter;
import io.jlvs.dataplane.port.InMemoryPort;
import io.jlvs.dataplane.port.TxBuffer;
import io.jlvs.dataplane.proto.PacketParser;
import io.jlvs.dataplane.proto.ParseVerdict;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The transmit methods on an in-memory port, as an agent wires them: one received frame at a time through
 * {@link #receive}, the bytes that would leave with {@link #frame}. Next hops: the client's, the real servers' and
 * the gateway's MACs are known unless a test forgets them.
 */
final class XmitRig implements AutoCloseable
{
    static final long PORT_MAC = 0x02_00_00_00_00_02L;
    static final long CLIENT_MAC = 0x02_00_00_00_00_64L;
    static final long RS_MAC = 0x02_00_00_00_00_0BL;
    static final long GW_MAC = 0x02_00_00_00_00_FEL;
    static final int DIP = Wire.ip("198.18.0.2");
    static final int NAT_GW = Wire.ip("198.18.1.1");
    static final int GATEWAY = Wire.ip("198.18.0.254");
    static final int VIP = Wire.ip("198.18.0.20");
    static final int CIP = Wire.ip("198.18.0.100");
    static final int RIP = Wire.ip("198.18.1.11");
    static final int REMOTE_RIP = Wire.ip("198.18.2.11");
    static final int MTU = 1500;

    final DataplaneCounters counterFiles = DataplaneCounters.onHeap(512);
    final AtomicCounter[] counters = counterFiles.newAgentCounters(0, "fwd-0");
    final InMemoryPort port = new InMemoryPort("mem0", PORT_MAC, 64);
    final Arena arena = Arena.ofShared();
    final TxBuffer tx = new TxBuffer(port, 16, arena, counters);
    final NeighbourTable neighbours = new NeighbourTable();
    final RouteTable routes = new RouteTable(new int[] {DIP, NAT_GW}, new int[] {24, 24}, GATEWAY);
    final List<int[]> solicited = new ArrayList<>();
    final Egress egress = new Egress(PORT_MAC, neighbours, (s, t) -> solicited.add(new int[] {s, t}), (h, l) -> { },
        routes, counters);
    final IcmpErrorSender icmp = new IcmpErrorSender(port, egress, new IcmpRateLimiter(), counters);
    final DrXmit dr = new DrXmit(egress, icmp, counters);
    final NatXmit nat = new NatXmit(egress, icmp, counters);
    final TunXmit tun = new TunXmit(port, egress, icmp, new Ipv4Fragmenter(port, tx, counters),
        new Ipv6Fragmenter(port, tx, counters), MTU, counters);
    private final PacketParser parser = new PacketParser();
    private final MemorySegment handles = arena.allocate(ValueLayout.JAVA_LONG, 1);
    private final List<Packet> held = new ArrayList<>();

    XmitRig()
    {
        neighbours.learn(CIP, CLIENT_MAC, 0);
        neighbours.learn(RIP, RS_MAC, 0);
        neighbours.learn(GATEWAY, GW_MAC, 0);
        egress.nowMs(1_000);
        icmp.nowMs(1_000);
    }

    /** The frame as the agent would have it after its burst was classified. */
    Packet receive(final byte[] frame)
    {
        port.inject(frame);
        assertEquals(1, port.rxBurst(handles, 1));
        final Packet p = new Packet().wrap(port, handles.getAtIndex(ValueLayout.JAVA_LONG, 0));
        final int verdict = parser.parse(p.seg, p.frame, p.length, p.view);
        assertEquals(true, verdict == ParseVerdict.IPV4 || verdict == ParseVerdict.IPV6,
            "test frame parses: " + ParseVerdict.name(verdict));
        p.verdict = verdict;
        p.tag = 0x1234_5678_9ABC_DEF1L;
        held.add(p);
        return p;
    }

    /** The packet's bytes as they now stand. */
    static byte[] frame(final Packet p)
    {
        return p.seg.asSlice(p.frame, p.length).toArray(ValueLayout.JAVA_BYTE);
    }

    /** Frames the fragmenter queued beside the packet itself. */
    List<byte[]> queued()
    {
        tx.flush();
        return port.takeTransmitted();
    }

    static Dest dest(final FwdMethod method, final int addr, final int port)
    {
        return Dest.builder(7).addressV4(addr).port(port).fwdMethod(method)
            .stats(DataplaneCounters.onHeap(64).newDestStats(0, "fwd-0", 7, "rs")).build();
    }

    static Dest tunnel(final int addr, final TunnelType type, final int port, final TunnelChecksum checksum)
    {
        return Dest.builder(8).addressV4(addr).port(80).fwdMethod(FwdMethod.TUNNEL).tunnel(type, port, checksum)
            .stats(DataplaneCounters.onHeap(64).newDestStats(0, "fwd-0", 8, "rs")).build();
    }

    /** Binds a dest to its route, as a snapshot does. */
    Dest routed(final Dest d)
    {
        final int nextHop = routes.nextHop(d.addrV4());
        d.route(nextHop, routes.sourceFor(nextHop));
        return d;
    }

    static ConnEntry conn(final Dest d)
    {
        return new ConnEntry().flags(ConnFlags.destConnFlags(d.fwdMethod())).daddrV4(d.addrV4()).dport(d.port())
            .destId(d.id());
    }

    long count(final LbCounterDescriptor d)
    {
        return counters[d.ordinal()].get();
    }

    @Override
    public void close()
    {
        for (final Packet p : held)
        {
            if (port.inUse() > 0)
            {
                try
                {
                    port.freeBulk(handleOf(p), 0, 1);
                }
                catch (final IllegalStateException ignore)
                {
                    // already sent or freed by the test
                }
            }
        }
        port.close();
        arena.close();
    }

    private MemorySegment handleOf(final Packet p)
    {
        handles.setAtIndex(ValueLayout.JAVA_LONG, 0, p.handle);
        return handles;
    }
}
