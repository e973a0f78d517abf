package io.jlvs.dataplane.conn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ConnTimeoutsTest
{
    @Test
    void shouldStartWithTheKernelDefaults()
    {
        final ConnTimeouts t = new ConnTimeouts();
        final int[] expected = {2, 900, 120, 60, 120, 120, 10, 60, 30, 120, 120};
        for (int s = 0; s < ConnState.TCP_STATE_COUNT; s++)
        {
            assertEquals(expected[s], t.tcpTimeout(s), ConnState.tcpName(s));
        }
        assertEquals(300, t.udpTimeout());
        assertEquals("Timeout (tcp tcpfin udp): 900 120 300", t.toString());
    }

    @Test
    void shouldSetTcpTcpfinUdpLikeIpvsadmWithZeroKeeping()
    {
        final ConnTimeouts t = new ConnTimeouts();
        t.set(3600, 0, 60);
        assertEquals(3600, t.tcp());
        assertEquals(120, t.tcpFin());
        assertEquals(60, t.udp());
        assertEquals(60, t.tcpTimeout(ConnState.CLOSE_WAIT), "other states are untouched");

        t.set(0, 45, 0);
        assertEquals(3600, t.tcp());
        assertEquals(45, t.tcpTimeout(ConnState.FIN_WAIT));
        assertEquals(60, t.udp());
    }

    @Test
    void shouldRefuseOutOfRangeValuesWithoutChangingAny()
    {
        final ConnTimeouts t = new ConnTimeouts();
        assertThrows(IllegalArgumentException.class, () -> t.set(100, -1, 100));
        assertThrows(IllegalArgumentException.class, () -> t.set(ConnTimeouts.MAX_TIMEOUT_SEC + 1, 0, 0));
        assertEquals("Timeout (tcp tcpfin udp): 900 120 300", t.toString());
    }

    @Test
    void shouldSetOneStateLikeProcSys()
    {
        final ConnTimeouts t = new ConnTimeouts();
        t.tcpTimeout(ConnState.TIME_WAIT, 5);
        t.udpTimeout(7);
        assertEquals(5, t.tcpTimeout(ConnState.TIME_WAIT));
        assertEquals(7, t.udpTimeout());
        assertThrows(IllegalArgumentException.class, () -> t.tcpTimeout(11, 5));

        final ConnTimeouts copy = new ConnTimeouts();
        copy.copyFrom(t);
        assertEquals(5, copy.tcpTimeout(ConnState.TIME_WAIT));
        assertEquals(7, copy.udpTimeout());
    }
}
