package io.jlvs.dataplane.conn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.jlvs.dataplane.conn.TcpStateTable.TCP_ACK;
import static io.jlvs.dataplane.conn.TcpStateTable.TCP_FIN;
import static io.jlvs.dataplane.conn.TcpStateTable.TCP_RST;
import static io.jlvs.dataplane.conn.TcpStateTable.TCP_SYN;
import static org.junit.jupiter.api.Assertions.assertEquals;

class TcpStateTableTest
{
    private static final int PSH = 0x08;
    private static final String[] NAMES =
    {
        "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK",
    };

    private static int state(final String name)
    {
        for (int i = 0; i < NAMES.length; i++)
        {
            if (NAMES[i].equals(name))
            {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static int flags(final String spec)
    {
        int f = 0;
        for (final String s : spec.split("\\|"))
        {
            f |= switch (s)
            {
                case "SYN" -> TCP_SYN;
                case "FIN" -> TCP_FIN;
                case "ACK" -> TCP_ACK;
                case "RST" -> TCP_RST;
                case "PSH" -> PSH;
                case "none" -> 0;
                default -> throw new IllegalArgumentException(s);
            };
        }
        return f;
    }

    private static int part(final String name)
    {
        return switch (name)
        {
            case "INPUT" -> TcpStateTable.INPUT;
            case "OUTPUT" -> TcpStateTable.OUTPUT;
            case "INPUT_ONLY" -> TcpStateTable.INPUT_ONLY;
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest(name = "{0} {1} in {2} -> {3}")
    @CsvSource({
        // DR/TUN, only the client's packets seen (INPUT-ONLY)
        "INPUT_ONLY, SYN,         NONE,        SYN_RECV",
        "INPUT_ONLY, SYN,         SYN_RECV,    SYN_RECV",     // SYN retransmitted
        "INPUT_ONLY, ACK,         SYN_RECV,    ESTABLISHED",  // handshake ACK, no SYN-ACK seen
        "INPUT_ONLY, ACK|PSH,     ESTABLISHED, ESTABLISHED",  // data
        "INPUT_ONLY, FIN|ACK,     ESTABLISHED, FIN_WAIT",
        "INPUT_ONLY, ACK,         FIN_WAIT,    FIN_WAIT",
        "INPUT_ONLY, FIN|ACK,     FIN_WAIT,    FIN_WAIT",
        "INPUT_ONLY, RST,         ESTABLISHED, CLOSE",
        "INPUT_ONLY, RST|ACK,     SYN_RECV,    SYN_RECV",     // RST on SYN_RECV is ignored
        "INPUT_ONLY, RST,         SYNACK,      CLOSE",
        "INPUT_ONLY, SYN,         TIME_WAIT,   SYN_RECV",
        "INPUT_ONLY, SYN,         CLOSE,       SYN_RECV",
        "INPUT_ONLY, SYN,         FIN_WAIT,    SYN_RECV",
        "INPUT_ONLY, ACK,         NONE,        ESTABLISHED",  // mainline: ACK in NONE establishes
        "INPUT_ONLY, FIN,         NONE,        CLOSE",
        "INPUT_ONLY, FIN,         SYN_RECV,    TIME_WAIT",
        "INPUT_ONLY, ACK,         LAST_ACK,    CLOSE",
        "INPUT_ONLY, RST,         LAST_ACK,    LAST_ACK",
        "INPUT_ONLY, SYN,         LISTEN,      SYN_RECV",
        "INPUT_ONLY, FIN,         LISTEN,      LISTEN",
        // NAT: both directions
        "INPUT,      SYN,         NONE,        SYN_RECV",
        "OUTPUT,     SYN|ACK,     SYN_RECV,    SYN_RECV",     // the server's SYN-ACK is a SYN row
        "INPUT,      ACK,         SYN_RECV,    ESTABLISHED",
        "INPUT,      FIN|ACK,     ESTABLISHED, CLOSE_WAIT",   // client closes first
        "OUTPUT,     FIN|ACK,     CLOSE_WAIT,  TIME_WAIT",
        "INPUT,      ACK,         TIME_WAIT,   TIME_WAIT",
        "OUTPUT,     FIN|ACK,     ESTABLISHED, FIN_WAIT",     // server closes first
        "INPUT,      FIN|ACK,     FIN_WAIT,    TIME_WAIT",
        "OUTPUT,     RST,         ESTABLISHED, CLOSE",
        "OUTPUT,     RST,         TIME_WAIT,   TIME_WAIT",
        "INPUT,      RST,         SYNACK,      SYN_RECV",
        "OUTPUT,     SYN,         NONE,        SYN_SENT",     // connection opened by the real server
        "INPUT,      SYN|ACK,     SYN_SENT,    ESTABLISHED",
        "OUTPUT,     ACK,         LISTEN,      ESTABLISHED",
        "OUTPUT,     ACK,         LAST_ACK,    LAST_ACK",
        "INPUT,      FIN,         SYN_RECV,    TIME_WAIT",
        // no RST, SYN, FIN or ACK: the kernel's default, CLOSE
        "INPUT_ONLY, PSH,         ESTABLISHED, CLOSE",
        "INPUT,      none,        ESTABLISHED, CLOSE",
        "OUTPUT,     none,        LISTEN,      CLOSE",
    })
    void shouldMoveAsTheKernelTable(final String part, final String flags, final String from, final String to)
    {
        assertEquals(
            to,
            NAMES[TcpStateTable.NORMAL.nextState(part(part), flags(flags), state(from))]);
    }

    @ParameterizedTest(name = "{0} {1} in {2} -> {3}")
    @CsvSource({
        "INPUT_ONLY, SYN,     NONE,     SYNACK",
        "INPUT_ONLY, ACK,     SYNACK,   ESTABLISHED",
        "INPUT,      SYN,     SYNACK,   SYNACK",
        "INPUT,      ACK,     SYNACK,   SYNACK",
        "INPUT,      ACK,     SYN_RECV, SYN_RECV",
        "OUTPUT,     SYN|ACK, SYN_RECV, SYNACK",
    })
    void shouldMoveAsTheKernelSecureTcpTable(final String part, final String flags, final String from, final String to)
    {
        assertEquals(
            to,
            NAMES[TcpStateTable.SECURE_TCP.nextState(part(part), flags(flags), state(from))]);
    }

    @Test
    void shouldSelectTheRowRstThenSynThenFinThenAck()
    {
        assertEquals(TcpStateTable.ROW_RST, TcpStateTable.rowOf(TCP_RST | TCP_SYN | TCP_FIN | TCP_ACK));
        assertEquals(TcpStateTable.ROW_SYN, TcpStateTable.rowOf(TCP_SYN | TCP_FIN | TCP_ACK));
        assertEquals(TcpStateTable.ROW_FIN, TcpStateTable.rowOf(TCP_FIN | TCP_ACK | PSH));
        assertEquals(TcpStateTable.ROW_ACK, TcpStateTable.rowOf(TCP_ACK | PSH));
        assertEquals(TcpStateTable.ROW_NONE, TcpStateTable.rowOf(PSH));
        assertEquals(TcpStateTable.ROW_NONE, TcpStateTable.rowOf(0));
    }

    @Test
    void shouldGoToCloseForAStateOutOfRange()
    {
        assertEquals(ConnState.CLOSE, TcpStateTable.NORMAL.nextState(TcpStateTable.INPUT, TCP_ACK, 11));
        assertEquals(ConnState.CLOSE, TcpStateTable.NORMAL.nextState(TcpStateTable.INPUT, TCP_ACK, -1));
    }

    @Test
    void shouldKeepEveryNextStateInRange()
    {
        for (final TcpStateTable table : new TcpStateTable[] {TcpStateTable.NORMAL, TcpStateTable.SECURE_TCP})
        {
            for (final int part : new int[] {TcpStateTable.INPUT, TcpStateTable.OUTPUT, TcpStateTable.INPUT_ONLY})
            {
                for (final int f : new int[] {TCP_SYN, TCP_FIN, TCP_ACK, TCP_RST})
                {
                    for (int s = 0; s < ConnState.TCP_STATE_COUNT; s++)
                    {
                        final int next = table.nextState(part, f, s);
                        assertEquals(true, next >= 0 && next < ConnState.TCP_STATE_COUNT, table + " " + part + " " + f + " " + s);
                    }
                }
            }
        }
    }
}
