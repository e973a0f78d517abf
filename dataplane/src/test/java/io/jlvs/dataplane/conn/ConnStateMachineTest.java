package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.conn.ConnStateMachine.BECAME_ACTIVE;
import static io.jlvs.dataplane.conn.ConnStateMachine.BECAME_INACTIVE;
import static io.jlvs.dataplane.conn.ConnStateMachine.DIR_INPUT;
import static io.jlvs.dataplane.conn.ConnStateMachine.DIR_OUTPUT;
import static io.jlvs.dataplane.conn.ConnStateMachine.FLAGS_CHANGED;
import static io.jlvs.dataplane.conn.ConnStateMachine.STATE_CHANGED;
import static io.jlvs.dataplane.conn.ConnStateMachine.WRITE_BACK;
import static io.jlvs.dataplane.conn.TcpStateTable.TCP_ACK;
import static io.jlvs.dataplane.conn.TcpStateTable.TCP_FIN;
import static io.jlvs.dataplane.conn.TcpStateTable.TCP_RST;
import static io.jlvs.dataplane.conn.TcpStateTable.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnStateMachineTest
{
    private static final int TCP = IpProtocol.TCP;
    private static final int UDP = IpProtocol.UDP;
    private static final int PSH = 0x08;
    private static final long T0 = 1_700_000_000_000L;

    private final ConnTimeouts timeouts = new ConnTimeouts();
    private final ConnStateMachine fsm = new ConnStateMachine(timeouts);
    private final ConnEntry e = new ConnEntry();

    /** The real server's gauges as the agent keeps them from the results. */
    private int active;
    private int inactive;

    @BeforeEach
    void reset()
    {
        active = 0;
        inactive = 0;
    }

    private void newConn(final FwdMethod fwd, final int protocol)
    {
        ConnStateMachine.initNewConn(e, ConnFlags.newConnFlags(ConnFlags.destConnFlags(fwd), protocol, 0), T0);
        if (e.isInactive())
        {
            inactive++;
        }
        else
        {
            active++;
        }
    }

    private int packet(final int protocol, final int direction, final int flags, final long now)
    {
        final int r = fsm.onPacket(e, protocol, direction, flags, now);
        if ((r & BECAME_ACTIVE) != 0)
        {
            active++;
            inactive--;
        }
        if ((r & BECAME_INACTIVE) != 0)
        {
            active--;
            inactive++;
        }
        assertEquals(e.isInactive() ? 0 : 1, active, "active gauge follows the flag");
        assertEquals(e.isInactive() ? 1 : 0, inactive, "inactive gauge follows the flag");
        return r;
    }

    private void assertTcp(final int state, final long now)
    {
        assertEquals(ConnState.tcpName(state), ConnState.tcpName(e.state()));
        assertEquals(timeouts.tcpTimeout(state), e.timeoutSec());
        assertEquals(now + timeouts.tcpTimeout(state) * 1000L, e.expiresMs());
    }

    @Test
    void shouldStartNewConnectionsInactiveWithNoOutputForDirectRouting()
    {
        newConn(FwdMethod.DROUTE, TCP);
        assertEquals(FwdMethod.DROUTE.flags() | ConnFlags.INACTIVE | ConnFlags.NOOUTPUT, e.flags());
        assertEquals(ConnState.NONE, e.state());
        assertEquals(ConnStateMachine.NEW_CONN_TIMEOUT_SEC, e.timeoutSec());
        assertEquals(1, inactive);

        newConn(FwdMethod.MASQ, TCP);
        assertEquals(FwdMethod.MASQ.flags() | ConnFlags.INACTIVE, e.flags());
    }

    @Test
    void shouldFollowAnInputOnlyConnectionFromSynToClose()
    {
        newConn(FwdMethod.DROUTE, TCP);
        long t = T0;

        int r = packet(TCP, DIR_INPUT, TCP_SYN, t);
        assertEquals(STATE_CHANGED | BECAME_ACTIVE | FLAGS_CHANGED | WRITE_BACK, r, "SYN_RECV counts as active in mainline");
        assertTcp(ConnState.SYN_RECV, t);

        t += 10;
        r = packet(TCP, DIR_INPUT, TCP_ACK, t);   // the handshake ACK; the SYN-ACK went around us
        assertEquals(STATE_CHANGED | WRITE_BACK, r);
        assertTcp(ConnState.ESTABLISHED, t);

        t += 10;
        r = packet(TCP, DIR_INPUT, TCP_ACK | PSH, t);
        assertEquals(0, r, "data 10 ms later: no state change, no write-back");
        assertTcp(ConnState.ESTABLISHED, t);

        t += 5_000;
        r = packet(TCP, DIR_INPUT, TCP_ACK | PSH, t);
        assertEquals(WRITE_BACK, r, "expiry moved 5 s: write back");

        t += 10;
        r = packet(TCP, DIR_INPUT, TCP_FIN | TCP_ACK, t);
        assertEquals(STATE_CHANGED | BECAME_INACTIVE | FLAGS_CHANGED | WRITE_BACK, r);
        assertTcp(ConnState.FIN_WAIT, t);

        t += 10;
        r = packet(TCP, DIR_INPUT, TCP_ACK, t);
        assertEquals(0, r);
        assertTcp(ConnState.FIN_WAIT, t);
        assertEquals(ConnFlags.NOOUTPUT, e.flags() & ConnFlags.NOOUTPUT);
        assertEquals(6, e.inPkts());
    }

    @Test
    void shouldCloseOnRstAndCountInactive()
    {
        newConn(FwdMethod.TUNNEL, TCP);
        packet(TCP, DIR_INPUT, TCP_SYN, T0);
        packet(TCP, DIR_INPUT, TCP_ACK, T0 + 1);

        final int r = packet(TCP, DIR_INPUT, TCP_RST, T0 + 2);
        assertEquals(STATE_CHANGED | BECAME_INACTIVE | FLAGS_CHANGED | WRITE_BACK, r);
        assertTcp(ConnState.CLOSE, T0 + 2);
        assertEquals(10, e.timeoutSec());
    }

    @Test
    void shouldCloseOnASegmentWithoutRstSynFinOrAck()
    {
        newConn(FwdMethod.DROUTE, TCP);
        packet(TCP, DIR_INPUT, TCP_SYN, T0);
        packet(TCP, DIR_INPUT, TCP_ACK, T0);

        final int r = packet(TCP, DIR_INPUT, PSH, T0 + 1);
        assertEquals(STATE_CHANGED | BECAME_INACTIVE | FLAGS_CHANGED | WRITE_BACK, r);
        assertTcp(ConnState.CLOSE, T0 + 1);
    }

    @Test
    void shouldFollowANatConnectionThroughBothDirections()
    {
        newConn(FwdMethod.MASQ, TCP);
        long t = T0;
        assertEquals(STATE_CHANGED | BECAME_ACTIVE | FLAGS_CHANGED | WRITE_BACK, packet(TCP, DIR_INPUT, TCP_SYN, t));
        assertTcp(ConnState.SYN_RECV, t);
        assertEquals(0, packet(TCP, DIR_OUTPUT, TCP_SYN | TCP_ACK, t));
        assertTcp(ConnState.SYN_RECV, t);
        packet(TCP, DIR_INPUT, TCP_ACK, t);
        assertTcp(ConnState.ESTABLISHED, t);
        assertEquals(0, e.flags() & ConnFlags.INACTIVE);

        t += 100;
        assertEquals(STATE_CHANGED | BECAME_INACTIVE | FLAGS_CHANGED | WRITE_BACK, packet(TCP, DIR_INPUT, TCP_FIN | TCP_ACK, t));
        assertTcp(ConnState.CLOSE_WAIT, t);
        packet(TCP, DIR_OUTPUT, TCP_FIN | TCP_ACK, t);
        assertTcp(ConnState.TIME_WAIT, t);
        packet(TCP, DIR_INPUT, TCP_ACK, t);
        assertTcp(ConnState.TIME_WAIT, t);
        assertEquals(4, e.inPkts(), "output packets are not counted in inPkts");
    }

    @Test
    void shouldClearNoOutputWhenAnOutputPacketIsSeen()
    {
        newConn(FwdMethod.DROUTE, TCP);
        packet(TCP, DIR_INPUT, TCP_SYN, T0);

        final int r = packet(TCP, DIR_OUTPUT, TCP_SYN | TCP_ACK, T0);
        assertEquals(FLAGS_CHANGED | WRITE_BACK, r);
        assertEquals(0, e.flags() & ConnFlags.NOOUTPUT);

        // the INPUT table now applies: a client FIN goes to CLOSE_WAIT, not FIN_WAIT
        packet(TCP, DIR_INPUT, TCP_ACK, T0);
        packet(TCP, DIR_INPUT, TCP_FIN | TCP_ACK, T0);
        assertEquals(ConnState.CLOSE_WAIT, e.state());
    }

    @Test
    void shouldRefreshTheTimeoutOfTheCurrentStateOnEveryPacket()
    {
        timeouts.set(3600, 30, 0);
        newConn(FwdMethod.DROUTE, TCP);
        packet(TCP, DIR_INPUT, TCP_SYN, T0);
        assertTcp(ConnState.SYN_RECV, T0);
        assertEquals(60, e.timeoutSec());
        packet(TCP, DIR_INPUT, TCP_ACK, T0);
        assertEquals(3600, e.timeoutSec());

        final long later = T0 + 1234_000;
        packet(TCP, DIR_INPUT, TCP_ACK, later);
        assertEquals(later + 3600_000, e.expiresMs());

        packet(TCP, DIR_INPUT, TCP_FIN, later);
        assertEquals(30, e.timeoutSec());
        assertEquals(later + 30_000, e.expiresMs());
    }

    @Test
    void shouldWriteBackOnlyWhenStateChangesOrExpiryMovesBySecond()
    {
        newConn(FwdMethod.DROUTE, TCP);
        packet(TCP, DIR_INPUT, TCP_SYN, T0);
        packet(TCP, DIR_INPUT, TCP_ACK, T0);
        final long stored = e.expiresMs();

        assertEquals(0, packet(TCP, DIR_INPUT, TCP_ACK, T0 + 999) & WRITE_BACK);
        e.expiresMs(stored); // the agent looked the stored copy up again
        assertEquals(WRITE_BACK, packet(TCP, DIR_INPUT, TCP_ACK, T0 + 1000) & WRITE_BACK);
    }

    @Test
    void shouldKeepUdpInItsSingleStateAndInactive()
    {
        newConn(FwdMethod.DROUTE, UDP);
        long t = T0;
        final int first = packet(UDP, DIR_INPUT, 0, t);
        assertEquals(WRITE_BACK, first, "the first packet moves the expiry from 3 s to 300 s");
        for (int i = 0; i < 5; i++)
        {
            t += 100;
            assertEquals(0, packet(UDP, DIR_INPUT, 0, t) & (STATE_CHANGED | BECAME_ACTIVE | BECAME_INACTIVE));
        }
        assertEquals(ConnState.UDP_NORMAL, e.state());
        assertTrue(e.isInactive());
        assertEquals(300, e.timeoutSec());
        assertEquals(t + 300_000, e.expiresMs());
        assertEquals("UDP", ConnState.name(UDP, e.flags(), e.state()));

        timeouts.set(0, 0, 20);
        packet(UDP, DIR_INPUT, 0, t);
        assertEquals(20, e.timeoutSec());
    }

    @Test
    void shouldExpireAOnePacketConnectionAtOnce()
    {
        ConnStateMachine.initNewConn(
            e, ConnFlags.newConnFlags(ConnFlags.destConnFlags(FwdMethod.DROUTE, true), UDP, 0), T0);
        assertEquals(ConnFlags.ONE_PACKET, e.flags() & ConnFlags.ONE_PACKET);
        fsm.onPacket(e, UDP, DIR_INPUT, 0, T0 + 5);
        assertEquals(T0 + 5, e.expiresMs());

        assertEquals(0, ConnFlags.newConnFlags(ConnFlags.destConnFlags(FwdMethod.DROUTE, true), TCP, 0) & ConnFlags.ONE_PACKET);
    }

    @Test
    void shouldUseTheSecureTcpTableWhenOn()
    {
        fsm.secureTcp(true);
        newConn(FwdMethod.DROUTE, TCP);
        packet(TCP, DIR_INPUT, TCP_SYN, T0);
        assertTcp(ConnState.SYNACK, T0);
        assertFalse(e.isInactive(), "SYNACK counts as active");
        packet(TCP, DIR_INPUT, TCP_ACK, T0);
        assertTcp(ConnState.ESTABLISHED, T0);
        fsm.secureTcp(false);
        assertEquals(TcpStateTable.NORMAL, fsm.tcpTable());
    }

    @Test
    void shouldRescheduleASynOnAClosingConnectionAsConnReuseModeSays()
    {
        final ConnEntry c = new ConnEntry().flags(ConnFlags.destConnFlags(FwdMethod.DROUTE));

        c.state(ConnState.TIME_WAIT);
        assertTrue(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 1, false));
        assertTrue(ConnStateMachine.shouldReschedule(TCP, TCP_SYN | TCP_ACK, c, 1, false), "the kernel tests th->syn only");
        assertFalse(ConnStateMachine.shouldReschedule(TCP, TCP_ACK, c, 1, false));
        assertFalse(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 0, false), "mode 0 disables it");
        assertFalse(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 1, true), "controlled connections are kept");
        assertFalse(ConnStateMachine.shouldReschedule(UDP, TCP_SYN, c, 1, false));

        c.state(ConnState.CLOSE);
        assertTrue(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 1, false));

        c.state(ConnState.FIN_WAIT);
        assertFalse(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 1, false));
        assertTrue(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 3, false), "mode & 2: FIN_WAIT input-only");
        c.flags(ConnFlags.destConnFlags(FwdMethod.MASQ));
        assertFalse(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 3, false), "not for NAT (output seen)");

        c.state(ConnState.ESTABLISHED);
        assertFalse(ConnStateMachine.shouldReschedule(TCP, TCP_SYN, c, 3, false));
    }
}
