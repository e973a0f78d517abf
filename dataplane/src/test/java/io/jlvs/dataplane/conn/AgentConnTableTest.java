package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.status.DataplaneCounters;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgentConnTableTest
{
    @Test
    void shouldAskTheTableAgainWhenACachedReplyKeyLedToAConnectionThatIsGone()
    {
        try (ConnTable table = new ConnTable(new ConnTable.Context().capacity(1000)))
        {
            final AgentConnTable conns = new AgentConnTable(table, new FlowCache(1000),
                DataplaneCounters.onHeap(256).newAgentCounters(0, "fwd-0")[0]);
            final ConnEntry nat = new ConnEntry().flags(ConnFlags.destConnFlags(FwdMethod.MASQ)).daddrV4(0x0A00_0101)
                .dport(8080).expiresMs(Long.MAX_VALUE / 2);
            final ConnKey first = new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0001, 4000, 0x0A00_0064, 80);
            final ConnKey second = new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0001, 4000, 0x0A00_0065, 80);
            final ConnKey reply = new ConnKey().setOut(first, nat);
            final long tag = FlowCache.tagOf(reply);
            final ConnKey in = new ConnKey();

            assertTrue(conns.insert(first, FlowCache.tagOf(first), nat));
            assertTrue(conns.findOut(reply, tag, in), "asked the table, and cached the answer");
            assertEquals(first, in);

            // what another agent's expiry and a new connection would leave: the table moved on, the cache did not
            table.remove(first);
            assertTrue(table.insert(second, nat));
            assertTrue(conns.findOut(reply, tag, in));
            assertEquals(first, in, "the cached answer, now stale");
            assertTrue(conns.refreshOut(reply, tag, in));
            assertEquals(second, in, "the table's answer");
            assertTrue(conns.findOut(reply, tag, in));
            assertEquals(second, in, "and cached in place of the stale one");

            table.remove(second);
            assertFalse(conns.refreshOut(reply, tag, in), "nothing left to find");
            conns.close();
        }
    }
}
