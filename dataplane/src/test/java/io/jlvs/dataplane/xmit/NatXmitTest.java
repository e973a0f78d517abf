package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.UDP;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u32;
import static io.jlvs.dataplane.xmit.Wire.u8;
import static io.jlvs.dataplane.xmit.XmitRig.CIP;
import static io.jlvs.dataplane.xmit.XmitRig.CLIENT_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.NAT_GW;
import static io.jlvs.dataplane.xmit.XmitRig.PORT_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.RIP;
import static io.jlvs.dataplane.xmit.XmitRig.RS_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.VIP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NatXmitTest
{
    private static final byte[] NO_OPTIONS = new byte[0];
    private final XmitRig rig = new XmitRig();
    private final Dest rs = rig.routed(XmitRig.dest(FwdMethod.MASQ, RIP, 8080));

    @AfterEach
    void tearDown()
    {
        rig.close();
    }

    @Test
    void shouldRewriteTheDestinationOfAClientSegmentToTheRealServerByteForByte()
    {
        // 198.18.0.100:40000 -> 198.18.0.20:80 SYN, ttl 64, DF; checksums summed outside this code base
        final byte[] in = Wire.hex("""
            02 00 00 00 00 02 02 00 00 00 00 64 08 00
            45 00 00 28 12 34 40 00 40 06 9b ff c6 12 00 64 c6 12 00 14
            9c 40 00 50 11 22 33 44 00 00 00 00 50 02 fa f0 47 5e 00 00
            00 00 00 00 00 00
            """);
        assertTrue(Wire.ipv4ChecksumOk(in, 14));
        assertTrue(Wire.l4ChecksumOk(in, 14));
        final Packet p = rig.receive(in);

        assertTrue(rig.nat.xmit(p, XmitRig.conn(rs), rs));

        // to 198.18.1.11:8080, ttl 63: the same packet built afresh, its checksums summed from scratch
        final byte[] expected = Wire.hex("""
            02 00 00 00 00 0b 02 00 00 00 00 02 08 00
            45 00 00 28 12 34 40 00 3f 06 9c 08 c6 12 00 64 c6 12 01 0b
            9c 40 1f 90 11 22 33 44 00 00 00 00 50 02 fa f0 27 27 00 00
            00 00 00 00 00 00
            """);
        final byte[] out = XmitRig.frame(p);
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        assertTrue(Wire.l4ChecksumOk(out, 14));
        assertArrayEquals(expected, out);
    }

    @Test
    void shouldKeepChecksumsRightThroughOptionsAndPayload()
    {
        final byte[] options = {(byte)0x94, 0x04, 0x00, 0x00, 0x01, 0x01, 0x01, 0x00}; // router alert, NOPs, EOL
        final byte[] seg = Wire.tcp(CIP, VIP, 40001, 80, 0x18, Wire.payload(333));
        final byte[] in = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP, options, seg);
        final Packet p = rig.receive(in);
        assertEquals(14 + 28, p.view.l4Offset, "IHL 7");

        assertTrue(rig.nat.xmit(p, XmitRig.conn(rs), rs));

        final byte[] out = XmitRig.frame(p);
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        assertTrue(Wire.l4ChecksumOk(out, 14));
        assertEquals(RIP, u32(out, 30));
        assertEquals(8080, u16(out, 42 + 2));
        assertEquals(63, u8(out, 22));
        assertArrayEquals(Arrays.copyOfRange(in, 34, 42), Arrays.copyOfRange(out, 34, 42), "options untouched");
        assertArrayEquals(Arrays.copyOfRange(in, 42 + 20, in.length), Arrays.copyOfRange(out, 42 + 20, out.length),
            "payload untouched");
    }

    @Test
    void shouldUpdateAUdpChecksumAndComputeOneThatWasNotSent()
    {
        for (final boolean withChecksum : new boolean[] {true, false})
        {
            final byte[] d = Wire.udp(CIP, VIP, 5000, 53, Wire.payload(40), withChecksum);
            final Packet p = rig.receive(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, UDP, CIP, VIP, NO_OPTIONS, d));

            assertTrue(rig.nat.xmit(p, XmitRig.conn(rs), rs));

            final byte[] out = XmitRig.frame(p);
            assertTrue(Wire.ipv4ChecksumOk(out, 14));
            assertNotEquals(0, u16(out, 34 + 6), "the kernel computes a UDP checksum the client left out");
            assertTrue(Wire.l4ChecksumOk(out, 14), "withChecksum=" + withChecksum);
            assertEquals(8080, u16(out, 36));
        }
    }

    @Test
    void shouldGiveARealServersReplyTheVirtualServiceAsItsSourceAndSendItToTheClient()
    {
        final byte[] seg = Wire.tcp(RIP, CIP, 8080, 40000, 0x12, Wire.payload(0));
        final Packet p = rig.receive(Wire.ipv4Frame(PORT_MAC, RS_MAC, 0, 64, DF, TCP, RIP, CIP, NO_OPTIONS, seg));
        final ConnKey key = new ConnKey().setV4(TCP, CIP, 40000, VIP, 80);

        assertTrue(rig.nat.xmitOut(p, key));

        final byte[] out = XmitRig.frame(p);
        assertEquals(CLIENT_MAC, Wire.mac(out, 0), "the client is on a connected subnet");
        assertEquals(PORT_MAC, Wire.mac(out, 6));
        assertEquals(VIP, u32(out, 26));
        assertEquals(CIP, u32(out, 30));
        assertEquals(80, u16(out, 34));
        assertEquals(40000, u16(out, 36));
        assertEquals(63, u8(out, 22));
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        assertTrue(Wire.l4ChecksumOk(out, 14));
    }

    @Test
    void shouldSendARemoteClientsReplyToTheGateway()
    {
        final int remote = Wire.ip("203.0.113.9");
        final byte[] seg = Wire.tcp(RIP, remote, 8080, 40000, 0x10, Wire.payload(10));
        final Packet p = rig.receive(Wire.ipv4Frame(PORT_MAC, RS_MAC, 0, 64, DF, TCP, RIP, remote, NO_OPTIONS, seg));

        assertTrue(rig.nat.xmitOut(p, new ConnKey().setV4(TCP, remote, 40000, VIP, 80)));

        assertEquals(XmitRig.GW_MAC, Wire.mac(XmitRig.frame(p), 0));
    }

    @Test
    void shouldAnswerTimeExceededWhenTheTtlRunsOut()
    {
        final byte[] seg = Wire.tcp(CIP, VIP, 40002, 80, 0x02, Wire.payload(0));
        final byte[] in = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 1, DF, TCP, CIP, VIP, NO_OPTIONS, seg);
        final Packet p = rig.receive(in);

        assertTrue(rig.nat.xmit(p, XmitRig.conn(rs), rs), "the packet became the ICMP error");

        final byte[] out = XmitRig.frame(p);
        assertEquals(CLIENT_MAC, Wire.mac(out, 0), "back to the sender");
        assertEquals(Wire.ICMP, u8(out, 23));
        assertEquals(VIP, u32(out, 26));
        assertEquals(CIP, u32(out, 30));
        assertEquals(11, u8(out, 34), "time exceeded");
        assertEquals(0, u8(out, 35));
        assertArrayEquals(Arrays.copyOfRange(in, 14, 14 + 40), Arrays.copyOfRange(out, 42, 42 + 40),
            "the original packet quoted unchanged");
        assertEquals(1, rig.count(LbCounterDescriptor.TTL_EXCEEDED));
    }

    @Test
    void shouldDropAndAskWhenTheRealServersMacIsUnknown()
    {
        final Dest stranger = rig.routed(XmitRig.dest(FwdMethod.MASQ, Wire.ip("198.18.1.99"), 80));
        final byte[] seg = Wire.tcp(CIP, VIP, 40003, 80, 0x02, Wire.payload(0));
        final Packet p = rig.receive(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP, NO_OPTIONS, seg));

        assertFalse(rig.nat.xmit(p, XmitRig.conn(stranger), stranger));

        assertEquals(1, rig.count(LbCounterDescriptor.NO_NEIGHBOUR));
        assertEquals(1, rig.solicited.size());
        assertArrayEquals(new int[] {NAT_GW, Wire.ip("198.18.1.99")}, rig.solicited.get(0),
            "asked from the director's address on the real server's subnet");
    }

    @Test
    void shouldTranslateAnIcmpErrorToTheVipForTheRealServer()
    {
        // a router says the reply VIP:80 -> client:40004 needs fragmenting to 1400
        final byte[] quotedIp = Wire.ipv4Frame(0, 0, 0, 60, DF, TCP, VIP, CIP, NO_OPTIONS,
            Wire.tcp(VIP, CIP, 80, 40004, 0x10, Wire.payload(1400)));
        final byte[] quoted = Arrays.copyOfRange(quotedIp, 14, 14 + 28);
        final byte[] icmp = Wire.icmp(3, 4, 1400, quoted);
        final int router = Wire.ip("198.18.0.77");
        final Packet p = rig.receive(
            Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, Wire.ICMP, router, VIP, NO_OPTIONS, icmp));

        assertTrue(rig.nat.icmpIn(p, p.l4() + 8, XmitRig.conn(rs), rs));

        final byte[] out = XmitRig.frame(p);
        assertEquals(RS_MAC, Wire.mac(out, 0));
        assertEquals(RIP, u32(out, 30), "outer destination");
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        assertEquals(0xFFFF, Wire.sum(out, 34, 8 + 28, 0), "ICMP checksum");
        assertEquals(RIP, u32(out, 42 + 12), "the quoted reply came from the real server");
        assertTrue(Wire.ipv4ChecksumOk(out, 42));
        assertEquals(8080, u16(out, 62), "from its port");
        assertEquals(40004, u16(out, 64));
    }

    @Test
    void shouldTranslateARealServersIcmpErrorForTheClient()
    {
        // the real server says port 8080 is closed, about client:40005 -> RIP:8080
        final byte[] quotedIp = Wire.ipv4Frame(0, 0, 0, 63, 0, UDP, CIP, RIP, NO_OPTIONS,
            Wire.udp(CIP, RIP, 40005, 8080, Wire.payload(12), true));
        final byte[] quoted = Arrays.copyOfRange(quotedIp, 14, 14 + 40);
        final Packet p = rig.receive(Wire.ipv4Frame(PORT_MAC, RS_MAC, 0xC0, 64, 0, Wire.ICMP, RIP, CIP, NO_OPTIONS,
            Wire.icmp(3, 3, 0, quoted)));

        assertTrue(rig.nat.icmpOut(p, p.l4() + 8, new ConnKey().setV4(UDP, CIP, 40005, VIP, 5300)));

        final byte[] out = XmitRig.frame(p);
        assertEquals(CLIENT_MAC, Wire.mac(out, 0));
        assertEquals(VIP, u32(out, 26), "from the VIP");
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        assertEquals(0xFFFF, Wire.sum(out, 34, 8 + 40, 0), "ICMP checksum");
        assertEquals(VIP, u32(out, 42 + 16), "the quoted packet went to the VIP");
        assertTrue(Wire.ipv4ChecksumOk(out, 42));
        assertEquals(5300, u16(out, 64), "at the virtual port");
        assertArrayEquals(Arrays.copyOfRange(quoted, 24, 40), Arrays.copyOfRange(out, 42 + 24, 42 + 40),
            "the quoted UDP length, checksum and data untouched, as the kernel leaves them");
    }
}
