package io.jlvs.dataplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.proto.IpProtocol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncNeededTest
{
    private static final long NOW = 1_700_000_000_000L;
    private static final SyncPolicy DEFAULTS = SyncPolicy.OFF.master(true);

    private static ConnEntry conn(final int state, final int timeoutSec)
    {
        return new ConnEntry().state(state).timeoutSec(timeoutSec).syncEndMs(NOW & ~3L);
    }

    /** The packet counts in 1..max at which a connection staying in {@code state} is reported. */
    private static List<Integer> reportedAt(final int protocol, final int state, final SyncPolicy policy, final int max)
    {
        final ConnEntry e = conn(state, 300).oldState(state);
        final List<Integer> at = new ArrayList<>();
        for (int pkts = 1; pkts <= max; pkts++)
        {
            if (SyncNeeded.needed(e, protocol, pkts, policy, NOW + pkts))
            {
                at.add(pkts);
            }
        }
        return at;
    }

    @Test
    void shouldReportAtTheThresholdAndEveryPeriodAfterByDefault()
    {
        assertEquals(List.of(3, 53, 103, 153), reportedAt(IpProtocol.UDP, ConnState.UDP_NORMAL, DEFAULTS, 200));
        assertEquals(List.of(3, 53, 103, 153), reportedAt(IpProtocol.TCP, ConnState.ESTABLISHED, DEFAULTS, 200));
    }

    @Test
    void shouldReportOnlyAtTheThresholdWithoutPeriodOrRefresh()
    {
        final SyncPolicy once = new SyncPolicy(true, 3, 0, 0, 0);
        assertEquals(List.of(3), reportedAt(IpProtocol.UDP, ConnState.UDP_NORMAL, once, 500));
    }

    @Test
    void shouldNotReportTcpHandshakeStates()
    {
        for (final int state : new int[] {ConnState.SYN_RECV, ConnState.SYN_SENT, ConnState.LAST_ACK,
            ConnState.LISTEN, ConnState.SYNACK, ConnState.NONE})
        {
            final ConnEntry e = conn(state, 60);
            assertFalse(SyncNeeded.needed(e, IpProtocol.TCP, 3, DEFAULTS, NOW), ConnState.name(6, 0, state));
        }
    }

    @Test
    void shouldReportAChangeIntoAClosingStateAtOnceAndOnlyOnce()
    {
        final ConnEntry e = conn(ConnState.FIN_WAIT, 120).oldState(ConnState.ESTABLISHED);
        assertTrue(SyncNeeded.needed(e, IpProtocol.TCP, 17, DEFAULTS, NOW));
        assertEquals(ConnState.FIN_WAIT, e.oldState());
        assertEquals((NOW + 120_000) & ~3L, e.syncEndMs());
        assertFalse(SyncNeeded.needed(e, IpProtocol.TCP, 18, DEFAULTS, NOW), "no change since");
    }

    @Test
    void shouldReportBecomingEstablishedOnlyByTheCount()
    {
        // the kernel forces only changes into states other than ESTABLISHED
        final ConnEntry e = conn(ConnState.ESTABLISHED, 900).oldState(ConnState.SYN_RECV);
        assertFalse(SyncNeeded.needed(e, IpProtocol.TCP, 2, DEFAULTS, NOW));
        assertTrue(SyncNeeded.needed(e, IpProtocol.TCP, 3, DEFAULTS, NOW));
        assertEquals(ConnState.ESTABLISHED, e.oldState());
    }

    @Test
    void shouldReportTemplatesRegardlessOfTheCount()
    {
        final ConnEntry e = conn(ConnState.TEMPLATE_NONE, 300).flags(ConnFlags.TEMPLATE);
        assertTrue(SyncNeeded.needed(e, IpProtocol.TCP, 7, DEFAULTS, NOW));
        assertTrue(SyncNeeded.needed(e, IpProtocol.TCP, 8, DEFAULTS, NOW));
    }

    @Test
    void shouldSkipReportsWhoseTimerMovedLessThanTheRefreshPeriod()
    {
        // sync_refresh_period 20 s, no period: reported whenever the timer moved by 20 s or more
        final SyncPolicy refresh = new SyncPolicy(true, 3, 0, 20, 0);
        final ConnEntry e = conn(ConnState.UDP_NORMAL, 300).syncEndMs(0);
        assertTrue(SyncNeeded.needed(e, IpProtocol.UDP, 5, refresh, NOW), "first: the timer moved from 0");
        assertFalse(SyncNeeded.needed(e, IpProtocol.UDP, 6, refresh, NOW + 19_000));
        assertTrue(SyncNeeded.needed(e, IpProtocol.UDP, 7, refresh, NOW + 20_004));
    }

    @Test
    void shouldResendASkippedReportUpToTheRetries()
    {
        final SyncPolicy refresh = new SyncPolicy(true, 3, 0, 80, 2);
        final ConnEntry e = conn(ConnState.UDP_NORMAL, 300).syncEndMs(0);
        assertTrue(SyncNeeded.needed(e, IpProtocol.UDP, 1, refresh, NOW));
        final long first = e.syncEndMs();
        assertEquals(0, first & 3);
        // a retry is due an eighth of the refresh period (10 s) after the report
        assertFalse(SyncNeeded.needed(e, IpProtocol.UDP, 2, refresh, NOW + 9_000));
        assertTrue(SyncNeeded.needed(e, IpProtocol.UDP, 3, refresh, NOW + 10_000));
        assertEquals(1, e.syncEndMs() & 3, "first resend");
        assertTrue(SyncNeeded.needed(e, IpProtocol.UDP, 4, refresh, NOW + 20_004));
        assertEquals(2, e.syncEndMs() & 3, "second resend");
        assertFalse(SyncNeeded.needed(e, IpProtocol.UDP, 5, refresh, NOW + 30_000), "sync_retries = 2 spent");
    }

    @Test
    void shouldRefuseThresholdsTheKernelRefuses()
    {
        assertThrows(IllegalArgumentException.class, () -> new SyncPolicy(true, 50, 50, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyncPolicy(true, -1, 50, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new SyncPolicy(true, 3, 50, 0, 4));
        new SyncPolicy(true, 100, 0, 0, 0);
    }
}
