package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.conn.ConnTimeouts;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.TcpStateTable;
import io.jlvs.dataplane.conn.TemplateTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.service.ServiceTable;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** drop_entry and secure_tcp as the kernel's update_defense_level() and ip_vs_random_dropentry() run them. */
class DefenseTest
{
    private static final long NOW = 1_700_000_000_000L;

    private final DataplaneCounters counters = DataplaneCounters.onHeap(1024);
    private final AtomicCounter[] agentCounters = counters.newAgentCounters(0, "fwd-0");
    private final ConnTable table = new ConnTable(new ConnTable.Context().capacity(100).entriesPerSegment(128));
    private final TemplateTable templates = new TemplateTable(TemplateTable.context(100, null));
    private final AgentConnTable conns = new AgentConnTable(table, new FlowCache(100),
        agentCounters[LbCounterDescriptor.CONN_CACHE_MISSES.ordinal()]);
    private final ConnStateMachine states = new ConnStateMachine(new ConnTimeouts());
    private final IpvsIn in = new IpvsIn(conns, new Persistence(templates.writer(0, 1)), states, agentCounters, null);
    private final Defense defense =
        new Defense(conns, states, in, agentCounters[LbCounterDescriptor.DEFENSE_DROPPED.ordinal()]);

    @AfterEach
    void close()
    {
        conns.close();
        table.close();
        templates.close();
    }

    @Test
    void shouldTurnTheAutomaticModesOnWhileTheTableIsShortOfRoom()
    {
        defense.sysctls(IpvsSysctls.DEFAULTS.withDefense(1, 1, 10));
        defense.run(NOW, new ServiceTable());
        assertFalse(defense.isDropEntryOn());
        assertSame(TcpStateTable.NORMAL, states.tcpTable());
        for (int i = 0; i < 95; i++)
        {
            assertTrue(conns.insert(key(i), 0, entry(IpProtocol.TCP, ConnState.ESTABLISHED, 0, NOW + 900_000)));
        }
        defense.run(NOW + 500, new ServiceTable());
        assertFalse(defense.isDropEntryOn(), "once a second");
        defense.run(NOW + 1000, new ServiceTable());
        assertTrue(defense.isDropEntryOn(), "5 free of 100, fewer than amemthresh 10");
        assertTrue(defense.isSecureTcpOn());
        assertSame(TcpStateTable.SECURE_TCP, states.tcpTable(), "the kernel's tcp_states_dos");
        for (int i = 0; i < 20; i++)
        {
            table.remove(key(i));
        }
        defense.run(NOW + 2000, new ServiceTable());
        assertFalse(defense.isDropEntryOn(), "room again");
        assertSame(TcpStateTable.NORMAL, states.tcpTable());

        defense.sysctls(IpvsSysctls.DEFAULTS.withDefense(3, 0, 10));
        defense.run(NOW + 3000, new ServiceTable());
        assertTrue(defense.isDropEntryOn(), "3: always");
        assertFalse(defense.isSecureTcpOn(), "0: never");
    }

    @Test
    void shouldDropHalfOpenAndIdleConnectionsAsTheKernelsSweep()
    {
        final long idle = NOW + 900_000 - 61_000; // an ESTABLISHED (900 s) connection last refreshed 61 s ago
        conns.insert(key(1), 0, entry(IpProtocol.TCP, ConnState.SYN_RECV, 0, NOW + 30_000));
        conns.insert(key(2), 0, entry(IpProtocol.TCP, ConnState.SYNACK, 0, NOW + 30_000));
        conns.insert(key(3), 0, entry(IpProtocol.TCP, ConnState.ESTABLISHED, 1, idle));
        conns.insert(key(4), 0, entry(IpProtocol.TCP, ConnState.ESTABLISHED, 1, NOW + 900_000));
        conns.insert(key(5), 0, entry(IpProtocol.TCP, ConnState.ESTABLISHED, 9, idle));
        conns.insert(key(6), 0, entry(IpProtocol.TCP, ConnState.FIN_WAIT, 0, NOW + 1000));
        conns.insert(key(7), 0, entry(IpProtocol.TCP, ConnState.ESTABLISHED, 0, idle));
        // the table's copy says 61 s idle with one packet; the flow cache, which the table trails, has it 31 s
        final long tag = FlowCache.tagOf(key(8));
        conns.insert(key(8), tag, entry(IpProtocol.TCP, ConnState.ESTABLISHED, 1, idle));
        final ConnEntry fresh = new ConnEntry();
        assertTrue(conns.find(key(8), tag, NOW, fresh));
        conns.save(key(8), fresh.expiresMs(idle + 30_000).inPkts(40), 0);
        defense.sysctls(IpvsSysctls.DEFAULTS.withDefense(3, 0, 0));
        int dropped = 0;
        for (int second = 0; second < 32; second++) // a 32nd of the segments a second (at least one)
        {
            dropped += defense.run(NOW + second * 1000L, new ServiceTable());
        }
        assertTrue(table.segments() <= 32, "one pass covers the table: " + table.segments());
        assertEquals(3, dropped);
        final ConnEntry e = new ConnEntry();
        assertFalse(table.lookup(key(1), e), "SYN_RECV goes");
        assertFalse(table.lookup(key(2), e), "SYNACK goes");
        assertFalse(table.lookup(key(3), e), "idle 61 s with 1 packet: todrop_rate[1] drops each");
        assertTrue(table.lookup(key(4), e), "refreshed within the last 60 s");
        assertTrue(table.lookup(key(5), e), "more than 8 packets");
        assertTrue(table.lookup(key(6), e), "another TCP state");
        assertTrue(table.lookup(key(7), e), "no packet: todrop_rate[0] is 0");
        assertTrue(table.lookup(key(8), e), "decided on the cache's copy, not the table's");
        assertEquals(3, agentCounters[LbCounterDescriptor.DEFENSE_DROPPED.ordinal()].get());
        assertEquals(3, agentCounters[LbCounterDescriptor.CONNS_EXPIRED.ordinal()].get(), "ended as expired ones");
    }

    /** A spoofed client's template (controls nothing, never assured) goes; an assured or a controlling one stays. */
    @Test
    void shouldDropIdleTemplatesThatWereNeverAssured()
    {
        final ConnEntry t = new ConnEntry().flags(ConnFlags.TEMPLATE | 3).timeoutSec(300).expiresMs(NOW + 300_000);
        final TemplateTable.Writer w = templates.writer(0, 1);
        for (int i = 0; i < 3; i++)
        {
            final ConnKey k = new ConnKey().setV4(IpProtocol.TCP, 0x0A00_1000 + i, 0, 0xC612_000A, 80);
            try (TemplateTable.Lock lock = w.lock(k))
            {
                assertTrue(lock.write(t.state(1 == i ? ConnState.TEMPLATE_ASSURED : ConnState.TEMPLATE_NONE)
                    .nControl(2 == i ? 1 : 0)));
            }
        }
        defense.sysctls(IpvsSysctls.DEFAULTS.withDefense(3, 0, 0));
        for (int second = 0; second < 32; second++)
        {
            defense.run(NOW + second * 1000L, new ServiceTable());
        }
        final ConnEntry e = new ConnEntry();
        assertFalse(templates.lookup(new ConnKey().setV4(IpProtocol.TCP, 0x0A00_1000, 0, 0xC612_000A, 80), e),
            "idle and never assured: dropped");
        assertTrue(templates.lookup(new ConnKey().setV4(IpProtocol.TCP, 0x0A00_1001, 0, 0xC612_000A, 80), e),
            "assured: kept");
        assertTrue(templates.lookup(new ConnKey().setV4(IpProtocol.TCP, 0x0A00_1002, 0, 0xC612_000A, 80), e),
            "controls a connection: kept");
        assertEquals(1, agentCounters[LbCounterDescriptor.DEFENSE_DROPPED.ordinal()].get());
    }

    private static ConnKey key(final int i)
    {
        return new ConnKey().setV4(IpProtocol.TCP, 0x0A00_0000 + i, 1024 + i, 0xC612_000A, 80);
    }

    private static ConnEntry entry(final int protocol, final int state, final int inPkts, final long expiresMs)
    {
        final int timeout = new ConnTimeouts().tcpTimeout(state);
        return new ConnEntry().flags(ConnFlags.destConnFlags(FwdMethod.DROUTE)).state(state).inPkts(inPkts)
            .timeoutSec(timeout).expiresMs(expiresMs).daddrV4(0x0A00_0101).dport(80).destId(1);
    }
}
