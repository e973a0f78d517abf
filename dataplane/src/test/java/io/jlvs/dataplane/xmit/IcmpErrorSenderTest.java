package io.jlvs.dataplane.xmit;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.icmp.IcmpRateLimiter;
import io.jlvs.dataplane.proto.IcmpFlyweight;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u32;
import static io.jlvs.dataplane.xmit.Wire.u8;
import static io.jlvs.dataplane.xmit.XmitRig.CIP;
import static io.jlvs.dataplane.xmit.XmitRig.CLIENT_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.PORT_MAC;
import static io.jlvs.dataplane.xmit.XmitRig.VIP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IcmpErrorSenderTest
{
    private static final byte[] NO_OPTIONS = new byte[0];
    private final XmitRig rig = new XmitRig();

    @AfterEach
    void tearDown()
    {
        rig.close();
    }

    private Packet syn(final int source, final int tos)
    {
        return rig.receive(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, tos, 64, DF, TCP, source, VIP, NO_OPTIONS,
            Wire.tcp(source, VIP, 40000, 8000, 0x02, Wire.payload(0))));
    }

    @Test
    void shouldTurnAPacketIntoPortUnreachableFromTheVipBackToItsSender()
    {
        final Packet p = syn(CIP, 0x10);
        final byte[] original = Arrays.copyOfRange(XmitRig.frame(p), 14, 54);

        assertTrue(rig.icmp.unreachable(p, IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, VIP));

        final byte[] out = XmitRig.frame(p);
        assertEquals(14 + 20 + 8 + 40, out.length);
        assertEquals(CLIENT_MAC, Wire.mac(out, 0));
        assertEquals(PORT_MAC, Wire.mac(out, 6));
        assertEquals(0x0800, u16(out, 12));
        assertEquals(0x45, u8(out, 14));
        assertEquals(0xC0 | 0x10, u8(out, 15), "internetwork control, the original's TOS bits");
        assertEquals(68, u16(out, 16));
        assertEquals(64, u8(out, 22));
        assertEquals(1, u8(out, 23));
        assertEquals(VIP, u32(out, 26));
        assertEquals(CIP, u32(out, 30));
        assertTrue(Wire.ipv4ChecksumOk(out, 14));
        assertEquals(3, u8(out, 34));
        assertEquals(3, u8(out, 35));
        assertEquals(0, u32(out, 38));
        assertEquals(0xFFFF, Wire.sum(out, 34, 48, 0));
        assertArrayEquals(original, Arrays.copyOfRange(out, 42, 82));
        assertEquals(1, rig.count(LbCounterDescriptor.ICMP_ERRORS_SENT));
    }

    @Test
    void shouldNeverAnswerAnErrorWithAnErrorNorABroadcastSource()
    {
        final byte[] quoted = Arrays.copyOfRange(Wire.ipv4Frame(0, 0, 0, 64, 0, TCP, VIP, CIP, NO_OPTIONS,
            Wire.tcp(VIP, CIP, 80, 40000, 0x10, Wire.payload(0))), 14, 42);
        final Packet error = rig.receive(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, 0, Wire.ICMP, CIP, VIP,
            NO_OPTIONS, Wire.icmp(3, 1, 0, quoted)));
        assertFalse(rig.icmp.unreachable(error, IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, VIP));

        for (final String source : new String[] {"255.255.255.255", "224.0.0.5", "0.0.0.0", "127.0.0.1"})
        {
            assertFalse(rig.icmp.unreachable(syn(Wire.ip(source), 0), IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, VIP),
                source);
        }
        assertEquals(5, rig.count(LbCounterDescriptor.ICMP_NOT_SENT));
        assertEquals(0, rig.count(LbCounterDescriptor.ICMP_ERRORS_SENT));
    }

    @Test
    void shouldLimitErrorsButNeverFragmentationNeeded()
    {
        int sent = 0;
        for (int i = 0; i < 60; i++)
        {
            final Packet p = syn(CIP, 0);
            if (rig.icmp.unreachable(p, IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, VIP))
            {
                sent++;
            }
            rig.port.freeBulk(handle(p), 0, 1);
        }
        assertEquals(IcmpRateLimiter.DEFAULT_BURST, sent, "the burst, then nothing within the same millisecond");
        assertEquals(10, rig.count(LbCounterDescriptor.ICMP_RATE_LIMITED));

        final Packet big = syn(CIP, 0);
        assertTrue(rig.icmp.unreachable(big, IcmpFlyweight.CODE_FRAGMENTATION_NEEDED, 1400, VIP),
            "path MTU discovery is not limited");
        rig.port.freeBulk(handle(big), 0, 1);

        rig.icmp.nowMs(1_002);
        final Packet later = syn(CIP, 0);
        assertTrue(rig.icmp.unreachable(later, IcmpFlyweight.CODE_PORT_UNREACHABLE, 0, VIP), "refilled, 1 a ms");
    }

    @Test
    void shouldAnswerTimeExceededForDirectRoutingToo()
    {
        final Dest rs = rig.routed(XmitRig.dest(FwdMethod.DROUTE, Wire.ip("198.18.1.11"), 80));
        final Packet p = rig.receive(Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 1, DF, TCP, CIP, VIP, NO_OPTIONS,
            Wire.tcp(CIP, VIP, 40000, 80, 0x02, Wire.payload(0))));

        assertTrue(rig.dr.xmit(p, XmitRig.conn(rs), rs));

        final byte[] out = XmitRig.frame(p);
        assertEquals(11, u8(out, 34));
        assertEquals(CLIENT_MAC, Wire.mac(out, 0));
    }

    @Test
    void shouldRefillASlowRateLimitByFractions()
    {
        final IcmpRateLimiter tenASecond = new IcmpRateLimiter(10, 1);
        assertTrue(tenASecond.tryAcquire(0));
        assertFalse(tenASecond.tryAcquire(0));
        for (long ms = 1; ms < 100; ms++)
        {
            assertFalse(tenASecond.tryAcquire(ms), "refilling, at " + ms + " ms");
        }
        assertTrue(tenASecond.tryAcquire(100), "a tenth of a second later, one more");
    }

    private java.lang.foreign.MemorySegment handle(final Packet p)
    {
        final java.lang.foreign.MemorySegment h = rig.arena.allocate(8);
        h.set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, p.handle);
        return h;
    }
}
