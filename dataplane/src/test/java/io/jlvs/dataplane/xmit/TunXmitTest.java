package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;

import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.UDP;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u32;
import static io.jlvs.dataplane.xmit.Wire.u8;
import static io.jlvs.dataplane.xmit.XmitRig.CIP;
import static io.jlvs.dataplane.xmit.XmitRig.CLIENT_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.DIP;
import static io.jlvs.dataplane.xmit.XmitRig.GW_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.PORT_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.REMOTE_RIP;
import static io.jlvs.dataplane.xmit.XmitRig.VIP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TunXmitTest
{
    private static final byte[] NO_OPTIONS = new byte[0];
    private final XmitRig rig = new XmitRig();

    @AfterEach
    void tearDown()
    {
        rig.close();
    }

    private Dest tunnel(final TunnelType type, final int port, final TunnelChecksum checksum)
    {
        return rig.routed(XmitRig.tunnel(REMOTE_RIP, type, port, checksum));
    }

    private static byte[] syn(final int tos, final int ttl)
    {
        return Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, tos, ttl, DF, TCP, CIP, VIP, NO_OPTIONS,
            Wire.tcp(CIP, VIP, 40000, 80, 0x02, Wire.payload(0)));
    }

    @Test
    void shouldWrapThePacketInIpipFromTheDirectorsAddressThroughTheGateway()
    {
        final byte[] in = syn(0xB8 | 0x03, 64); // DSCP EF, ECN CE
        final Packet p = rig.receive(in);
        final Dest rs = tunnel(TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);

        assertTrue(rig.tun.xmit(p, XmitRig.conn(rs), rs));

        final byte[] out = XmitRig.frame(p);
        assertEquals(14 + 20 + 40, out.length, "the inner packet whole, its Ethernet padding dropped");
        assertEquals(GW_MAC, Wire.mac(out, 0), "a remote real server is reached through the gateway");
        assertEquals(PORT_MAC, Wire.mac(out, 6));
        assertEquals(0x0800, u16(out, 12));
        assertEquals(0x45, u8(out, 14));
        assertEquals(0xB8 | 0x02, u8(out, 15), "DSCP copied, CE carried as ECT(0) as Linux encapsulates it");
        assertEquals(60, u16(out, 16));
        assertEquals(DF, u16(out, 20), "DF copied from the inner packet");
        assertEquals(63, u8(out, 22), "the inner TTL after its decrement");
        assertEquals(4, u8(out, 23), "IPPROTO_IPIP");
        assertEquals(DIP, u32(out, 26), "from the director's address towards the gateway");
        assertEquals(REMOTE_RIP, u32(out, 30));
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        final byte[] inner = Arrays.copyOfRange(out, 34, out.length);
        final byte[] routed = Arrays.copyOfRange(in, 14, 54);
        routed[8] = 63;
        routed[10] = 0;
        routed[11] = 0;
        final int c = ~Wire.sum(routed, 0, 20, 0) & 0xFFFF;
        routed[10] = (byte)(c >>> 8);
        routed[11] = (byte)c;
        assertArrayEquals(routed, inner, "the inner packet as a router passes it on");
    }

    @Test
    void shouldPutUdpAndGueBetweenWithNoChecksumByDefault()
    {
        final Packet p = rig.receive(syn(0, 64));
        final Dest rs = tunnel(TunnelType.GUE, 6080, TunnelChecksum.NOCSUM);

        assertTrue(rig.tun.xmit(p, XmitRig.conn(rs), rs));

        final byte[] out = XmitRig.frame(p);
        assertEquals(14 + 20 + 8 + 4 + 40, out.length);
        assertEquals(UDP, u8(out, 23));
        assertEquals(20 + 8 + 4 + 40, u16(out, 16));
        final int sport = u16(out, 34);
        assertTrue(sport >= 32768 && sport <= 60999, "a source port from Linux's local range: " + sport);
        assertEquals(6080, u16(out, 36));
        assertEquals(8 + 4 + 40, u16(out, 38));
        assertEquals(0, u16(out, 40), "--tun-nocsum");
        assertArrayEquals(new byte[] {0, 4, 0, 0}, Arrays.copyOfRange(out, 42, 46), "GUE v0, no options, IPv4");
        assertEquals(0x45, u8(out, 46));
        assertEquals(sport, TunXmit.sourcePort(p.tag), "one flow, one source port");
    }

    @Test
    void shouldComputeTheUdpChecksumOfAGueTunnelWhenAskedTo()
    {
        for (final TunnelChecksum checksum : new TunnelChecksum[] {TunnelChecksum.CSUM, TunnelChecksum.REMCSUM})
        {
            final Packet p = rig.receive(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, UDP, CIP, VIP, NO_OPTIONS,
                Wire.udp(CIP, VIP, 5000, 5300, Wire.payload(101), true)));
            final Dest rs = tunnel(TunnelType.GUE, 6080, checksum);

            assertTrue(rig.tun.xmit(p, XmitRig.conn(rs), rs));

            final byte[] out = XmitRig.frame(p);
            assertTrue(u16(out, 40) != 0, checksum.name());
            assertTrue(Wire.l4ChecksumOk(out, 14), "outer UDP checksum, " + checksum);
            assertTrue(Wire.l4ChecksumOk(out, 46), "inner checksum untouched");
        }
    }

    @Test
    void shouldPutGreBetweenWithAChecksumWhenAskedTo()
    {
        final Packet plain = rig.receive(syn(0, 64));
        final Dest noCsum = tunnel(TunnelType.GRE, 0, TunnelChecksum.NOCSUM);
        assertTrue(rig.tun.xmit(plain, XmitRig.conn(noCsum), noCsum));
        final byte[] out = XmitRig.frame(plain);
        assertEquals(47, u8(out, 23));
        assertArrayEquals(new byte[] {0, 0, 0x08, 0x00}, Arrays.copyOfRange(out, 34, 38));
        assertEquals(0x45, u8(out, 38));

        final Packet summed = rig.receive(syn(0, 64));
        final Dest csum = tunnel(TunnelType.GRE, 0, TunnelChecksum.CSUM);
        assertTrue(rig.tun.xmit(summed, XmitRig.conn(csum), csum));
        final byte[] withSum = XmitRig.frame(summed);
        assertEquals(14 + 20 + 8 + 40, withSum.length);
        assertEquals(0x8000, u16(withSum, 34), "C flag, version 0");
        assertEquals(0x0800, u16(withSum, 36));
        assertEquals(0, u16(withSum, 40), "reserved");
        assertEquals(0xFFFF, Wire.sum(withSum, 34, 8 + 40, 0), "GRE checksum over header and payload");
    }

    @Test
    void shouldSendFragmentationNeededWithTheMtuLeftInsideEachTunnel()
    {
        final Object[][] cases = {
            {TunnelType.IPIP, TunnelChecksum.NOCSUM, 1480},
            {TunnelType.GUE, TunnelChecksum.NOCSUM, 1468},
            {TunnelType.GUE, TunnelChecksum.REMCSUM, 1460},
            {TunnelType.GRE, TunnelChecksum.NOCSUM, 1476},
            {TunnelType.GRE, TunnelChecksum.CSUM, 1472},
        };
        int expectedSent = 0;
        for (final Object[] c : cases)
        {
            final int room = (int)c[2];
            final Dest rs = tunnel((TunnelType)c[0], c[0] == TunnelType.GUE ? 6080 : 0, (TunnelChecksum)c[1]);
            final byte[] fits = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP, NO_OPTIONS,
                Wire.tcp(CIP, VIP, 40000, 80, 0x10, Wire.payload(room - 40)));
            final Packet ok = rig.receive(fits);
            assertTrue(rig.tun.xmit(ok, XmitRig.conn(rs), rs));
            final int header = ((TunnelType)c[0]).headerLength((TunnelChecksum)c[1]);
            assertEquals(room + 20 + header, u16(XmitRig.frame(ok), 16), "fits: " + Arrays.toString(c));

            final byte[] tooBig = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, DF, TCP, CIP, VIP, NO_OPTIONS,
                Wire.tcp(CIP, VIP, 40000, 80, 0x10, Wire.payload(room - 40 + 1)));
            final Packet p = rig.receive(tooBig);
            assertTrue(rig.tun.xmit(p, XmitRig.conn(rs), rs), "the packet became the ICMP error");
            expectedSent++;

            final byte[] out = XmitRig.frame(p);
            assertEquals(CLIENT_MAC, Wire.mac(out, 0), "back to the client");
            assertEquals(14 + 576, out.length, "cut to 576 bytes");
            assertEquals(576, u16(out, 16));
            assertEquals(1, u8(out, 23));
            assertEquals(VIP, u32(out, 26));
            assertEquals(CIP, u32(out, 30));
            assertTrue(Wire.ipv4ChecksumOk(out, 14));
            assertEquals(3, u8(out, 34));
            assertEquals(4, u8(out, 35));
            assertEquals(room, u16(out, 40), "next-hop MTU: " + Arrays.toString(c));
            assertEquals(0xFFFF, Wire.sum(out, 34, 556, 0), "ICMP checksum");
            assertEquals(0x45, u8(out, 42), "the original IP header quoted");
            assertEquals(VIP, u32(out, 42 + 16));
        }
        assertEquals(expectedSent, rig.count(LbCounterDescriptor.TOO_BIG));
        assertEquals(expectedSent, rig.count(LbCounterDescriptor.ICMP_ERRORS_SENT));
    }

    @Test
    void shouldFragmentTheOuterPacketWhenTheInnerAllowsIt()
    {
        final byte[] in = Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, UDP, CIP, VIP, NO_OPTIONS,
            Wire.udp(CIP, VIP, 5000, 5300, Wire.payload(1472), true));
        final Packet p = rig.receive(in);
        final Dest rs = tunnel(TunnelType.GRE, 0, TunnelChecksum.CSUM);

        assertTrue(rig.tun.xmit(p, XmitRig.conn(rs), rs));

        final byte[] first = XmitRig.frame(p);
        final List<byte[]> rest = rig.queued();
        assertEquals(1, rest.size());
        final byte[] second = rest.get(0);
        assertEquals(1, rig.count(LbCounterDescriptor.FRAGMENTED));
        for (final byte[] f : new byte[][] {first, second})
        {
            assertEquals(GW_MAC, Wire.mac(f, 0));
            assertTrue(Wire.ipv4ChecksumOk(f, 14));
            assertEquals(u16(first, 18), u16(f, 18), "one IP id");
            assertTrue(u16(f, 16) <= 1500);
        }
        assertEquals(0x2000, u16(first, 20), "MF, offset 0");
        assertEquals((u16(first, 16) - 20) / 8, u16(second, 20), "last fragment: no MF, its offset");
        final ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.write(first, 34, first.length - 34);
        whole.write(second, 34, second.length - 34);
        final byte[] payload = whole.toByteArray();
        assertEquals(8 + 1500, payload.length, "GRE with checksum, then the inner packet");
        assertEquals(0xFFFF, Wire.sum(payload, 0, payload.length, 0), "reassembled, the GRE checksum holds");
        assertEquals(0, Wire.u16(payload, 8 + 6) & 0x4000, "the inner packet allowed fragmenting");
    }

    @Test
    void shouldAnswerTimeExceededRatherThanTunnelAPacketWithTtlOne()
    {
        final Packet p = rig.receive(syn(0, 1));
        final Dest rs = tunnel(TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);

        assertTrue(rig.tun.xmit(p, XmitRig.conn(rs), rs));

        final byte[] out = XmitRig.frame(p);
        assertEquals(11, u8(out, 34));
        assertEquals(CIP, u32(out, 30));
        assertEquals(1, rig.count(LbCounterDescriptor.TTL_EXCEEDED));
    }

    @Test
    void shouldKeepAVlanTagInFrontOfTheOuterHeader()
    {
        final byte[] plain = syn(0, 64);
        final byte[] tagged = new byte[plain.length + 4];
        System.arraycopy(plain, 0, tagged, 0, 12);
        tagged[12] = (byte)0x81;
        tagged[13] = 0;
        tagged[14] = 0;
        tagged[15] = 42;
        System.arraycopy(plain, 12, tagged, 16, plain.length - 12);
        final Packet p = rig.receive(tagged);
        final Dest rs = tunnel(TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);

        assertTrue(rig.tun.xmit(p, XmitRig.conn(rs), rs));

        final byte[] out = XmitRig.frame(p);
        assertEquals(0x8100, u16(out, 12));
        assertEquals(42, u16(out, 14));
        assertEquals(0x0800, u16(out, 16));
        assertEquals(0x45, u8(out, 18));
        assertEquals(4, u8(out, 18 + 9));
        assertTrue(Wire.ipv4ChecksumOk(out, 18));
    }

    @Test
    void shouldDropAndAskForTheGatewayWhenItsMacIsUnknown()
    {
        rig.neighbours.expire(Long.MAX_VALUE);
        final Packet p = rig.receive(syn(0, 64));
        final Dest rs = tunnel(TunnelType.IPIP, 0, TunnelChecksum.NOCSUM);

        assertFalse(rig.tun.xmit(p, XmitRig.conn(rs), rs));

        assertEquals(1, rig.count(LbCounterDescriptor.NO_NEIGHBOUR));
        assertArrayEquals(new int[] {DIP, XmitRig.GATEWAY}, rig.solicited.get(0));
        assertEquals(FwdMethod.TUNNEL, rs.fwdMethod());
    }
}
