package io.jlvs.controlplane.capture;

import io.jlvs.dataplane.capture.CaptureFilter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureExpressionTest
{
    private static CaptureFilter parse(final String expression)
    {
        return CaptureExpression.parse(expression.isEmpty() ? List.of() : Arrays.asList(expression.split(" ")));
    }

    private static String error(final String expression)
    {
        return assertThrows(IllegalArgumentException.class, () -> parse(expression)).getMessage();
    }

    /** 192.0.2.1:40000 -> 198.18.0.10:dport, TCP or UDP. */
    private static boolean matches(final CaptureFilter f, final int protocol, final int dport)
    {
        final ByteBuffer b = ByteBuffer.allocate(64);
        b.position(12);
        b.putShort((short)0x0800).put((byte)0x45).put((byte)0).putShort((short)40).putInt(0);
        b.put((byte)64).put((byte)protocol).putShort((short)0).putInt(0xC0000201).putInt(0xC612000A);
        b.putShort((short)40000).putShort((short)dport);
        return f.matches(MemorySegment.ofArray(b.array()), 0, 64);
    }

    @Test
    void shouldReadTcpdumpPrimitivesJoinedByAnd()
    {
        final CaptureFilter f = parse("tcp port 80 and src host 192.0.2.1 && dst net 198.18.0.0/24");
        assertEquals("tcp and port 80 and src host 192.0.2.1 and dst net 198.18.0.0/24", f.toString());
        assertTrue(matches(f, 6, 80));
        assertFalse(matches(f, 17, 80));
        assertFalse(matches(f, 6, 81));
        assertFalse(matches(parse("dst host 192.0.2.1"), 6, 80));
        assertTrue(matches(parse("ip"), 6, 80));
        assertFalse(matches(parse("ip6"), 6, 80));
        assertFalse(matches(parse("icmp"), 6, 80));
        assertTrue(matches(parse("UDP and PORT 53"), 17, 53), "keywords in any case, as tcpdump reads them");
        assertTrue(matches(parse(""), 1, 0));
        assertEquals("ip6 and host 2001:db8::1", parse("ip6 host 2001:db8::1").toString());
        assertEquals("net 2001:db8::/32", parse("net 2001:db8::/32").toString());
        assertEquals("net 0.0.0.0/0", parse("net 0.0.0.0/0").toString());
        assertEquals("tcp and port 80 and host 192.0.2.1", CaptureExpression.parse(List.of("tcp port 80", " and ",
            "host 192.0.2.1")).toString(), "a quoted expression, as tcpdump takes it");
    }

    @Test
    void shouldRefuseWhatItDoesNotReadRatherThanMisreadIt()
    {
        assertTrue(error("port 80 or port 443").contains("'or' is not supported"));
        assertTrue(error("not port 22").contains("'not' is not supported"));
        assertTrue(error("( port 80 )").contains("'(' is not supported"));
        assertTrue(error("port 80 host 192.0.2.1").contains("expected 'and'"));
        assertTrue(error("port").contains("'port' needs a value"));
        assertTrue(error("port http").contains("not a port number"));
        assertTrue(error("port 65536").contains("not a port number"));
        assertTrue(error("host example.com").contains("names are not resolved"));
        assertTrue(error("host 10.0.0.0/8").contains("use 'net'"));
        assertTrue(error("net 10.0.0.0/33").contains("0 to 32"));
        assertTrue(error("net 10.0.0.0/x").contains("not a number"));
        assertTrue(error("src 10.0.0.1").contains("followed by host, net or port"));
        assertTrue(error("vlan 100").contains("'vlan' is not a primitive"));
        assertTrue(error("and port 80").contains("nothing before it"));
        assertTrue(error("port 80 and").contains("ends with 'and'"));
        assertTrue(error("icmp host 192.0.2.1").contains("expected 'and'"), "icmp qualifies nothing in tcpdump");
        assertEquals("syntax error in filter expression: non-network bits set in \"10.0.0.1/8\"", error("net 10.0.0.1/8"));
        assertTrue(error("net 2001:db8::1/64").contains("non-network bits"));
    }
}
