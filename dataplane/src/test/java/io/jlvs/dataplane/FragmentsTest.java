package io.jlvs.dataplane;

import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import io.jlvs.dataplane.xmit.Wire;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.jlvs.dataplane.AgentsRig.CIP;
import static io.jlvs.dataplane.AgentsRig.CLIENT_MAC;
import static io.jlvs.dataplane.AgentsRig.DR_MAC;
import static io.jlvs.dataplane.AgentsRig.NAT_MAC;
import static io.jlvs.dataplane.AgentsRig.NAT_RIP;
import static io.jlvs.dataplane.AgentsRig.PORT_MAC;
import static io.jlvs.dataplane.AgentsRig.VIP;
import static io.jlvs.dataplane.AgentsRig.VIP_NAT;
import static io.jlvs.dataplane.xmit.Wire.DF;
import static io.jlvs.dataplane.xmit.Wire.TCP;
import static io.jlvs.dataplane.xmit.Wire.u16;
import static io.jlvs.dataplane.xmit.Wire.u32;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * IP fragments of a service's traffic, as the director sees them when nothing reassembles in front of it: every
 * fragment of a datagram reaches the real server its first fragment was scheduled to, whichever queue each arrives
 * on and in whatever order; under NAT each is translated so that the real server (and the client, on the way back)
 * reassembles a datagram whose checksum is right. Overlapping fragments, datagrams that never complete and a full
 * table are counted and dropped, and every held buffer is freed.
 */
class FragmentsTest
{
    private static final byte[] NO_OPTIONS = new byte[0];
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH_ACK = 0x18;
    private static final int CHUNK = 1480;

    private static byte[] fromClient(final int vip, final int sport, final int flags, final int length, final int df)
    {
        return Wire.ipv4Frame(PORT_MAC, CLIENT_MAC, 0, 64, df, TCP, CIP, vip, NO_OPTIONS,
            Wire.tcp(CIP, vip, sport, 80, flags, Wire.payload(length)));
    }

    private static byte[] fromNatServer(final int dport, final int flags, final int length, final int df)
    {
        return Wire.ipv4Frame(PORT_MAC, NAT_MAC, 0, 64, df, TCP, NAT_RIP, CIP, NO_OPTIONS,
            Wire.tcp(NAT_RIP, CIP, 8080, dport, flags, Wire.payload(length)));
    }

    /** The IP packet out of a frame, as a frame again (14 zero bytes in front), for the checksum helpers. */
    private static byte[] asFrame(final byte[] ip)
    {
        final byte[] f = new byte[14 + ip.length];
        System.arraycopy(ip, 0, f, 14, ip.length);
        return f;
    }

    @ParameterizedTest(name = "{0} agents")
    @ValueSource(ints = {1, 2, 4})
    void shouldForwardEveryFragmentToTheRealServerOfItsConnection(final int agents)
    {
        try (AgentsRig rig = new AgentsRig(agents, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            for (int flow = 0; flow < 12; flow++)
            {
                final int sport = 41_000 + flow;
                rig.queues[flow % agents].inject(fromClient(VIP, sport, SYN, 0, DF));
                final List<byte[]> syn = AgentsRig.ipv4(rig.runUntilQuiet());
                assertEquals(1, syn.size());
                final long rsMac = Wire.mac(syn.get(0), 0);

                final byte[] whole = fromClient(VIP, sport, PSH_ACK, 4000, 0);
                final List<byte[]> fragments = Wire.fragments(whole, CHUNK);
                assertEquals(3, fragments.size());
                // each on another queue, the last first
                final int[] order = {2, 0, 1};
                for (int i = 0; i < order.length; i++)
                {
                    rig.queues[(flow + i) % agents].inject(fragments.get(order[i]));
                }
                final List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
                assertEquals(3, out.size(), "every fragment forwarded:\n" + rig.nonZeroCounters());
                for (final byte[] f : out)
                {
                    assertEquals(rsMac, Wire.mac(f, 0), "to the connection's real server");
                    assertTrue(Wire.ipv4ChecksumOk(f, 14));
                }
                final byte[] expected = Wire.reassemble(fragments);
                final byte[] got = Wire.reassemble(out);
                expected[8]--; // the director's TTL
                expected[10] = got[10];
                expected[11] = got[11];
                assertArrayEquals(expected, got, "the datagram as the client sent it");
            }
            assertEquals(36, rig.sum(LbCounterDescriptor.FRAGMENTS));
            assertEquals(12, rig.sum(LbCounterDescriptor.CONNS_CREATED), "fragments make no connection");
            assertEquals(0, rig.sum(LbCounterDescriptor.FRAGMENT_NO_CONN));
            assertEquals(0, rig.inUse());
        }
    }

    @Test
    void shouldHoldFragmentsThatComeBeforeTheFirst()
    {
        try (AgentsRig rig = new AgentsRig(1, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            rig.queues[0].inject(fromClient(VIP, 42_000, SYN, 0, DF));
            rig.runUntilQuiet();
            final List<byte[]> fragments = Wire.fragments(fromClient(VIP, 42_000, PSH_ACK, 6000, 0), CHUNK);
            assertEquals(5, fragments.size());
            for (int i = fragments.size() - 1; i >= 1; i--)
            {
                rig.queues[0].inject(fragments.get(i));
            }
            assertEquals(0, AgentsRig.ipv4(rig.runUntilQuiet()).size(), "held: no first fragment yet");
            assertEquals(4, rig.count(0, LbCounterDescriptor.FRAGMENTS_HELD));
            rig.queues[0].inject(fragments.get(0));
            final List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
            assertEquals(5, out.size());
            assertEquals(0, (u16(out.get(0), 20) & 0x1FFF), "the first goes first");
            assertEquals(0, rig.inUse());
        }
    }

    @ParameterizedTest(name = "{0} agents")
    @ValueSource(ints = {1, 2})
    void shouldTranslateFragmentsOfANatConnectionBothWays(final int agents)
    {
        try (AgentsRig rig = new AgentsRig(agents, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            final int sport = 43_000;
            rig.queues[0].inject(fromClient(VIP_NAT, sport, SYN, 0, DF));
            rig.runUntilQuiet();
            rig.queues[agents - 1].inject(fromNatServer(sport, SYN | ACK, 0, DF));
            rig.runUntilQuiet();
            rig.queues[0].inject(fromClient(VIP_NAT, sport, ACK, 0, DF));
            rig.runUntilQuiet();

            int q = 0;
            for (final byte[] f : Wire.fragments(fromClient(VIP_NAT, sport, PSH_ACK, 4000, 0), CHUNK))
            {
                rig.queues[q++ % agents].inject(f);
            }
            final List<byte[]> in = AgentsRig.ipv4(rig.runUntilQuiet());
            assertEquals(3, in.size(), rig.nonZeroCounters());
            for (final byte[] f : in)
            {
                assertEquals(NAT_MAC, Wire.mac(f, 0));
                assertEquals(NAT_RIP, u32(f, 30), "every fragment's destination rewritten");
                assertTrue(Wire.ipv4ChecksumOk(f, 14));
            }
            final byte[] toServer = asFrame(Wire.reassemble(in));
            assertEquals(8080, u16(toServer, 14 + 20 + 2));
            assertTrue(Wire.l4ChecksumOk(toServer, 14), "the real server reassembles a datagram whose checksum is right");

            for (final byte[] f : Wire.fragments(fromNatServer(sport, PSH_ACK, 5000, 0), CHUNK))
            {
                rig.queues[q++ % agents].inject(f);
            }
            final List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
            assertEquals(4, out.size(), rig.nonZeroCounters());
            for (final byte[] f : out)
            {
                assertEquals(CLIENT_MAC, Wire.mac(f, 0));
                assertEquals(VIP_NAT, u32(f, 26), "every fragment's source rewritten");
            }
            final byte[] toClient = asFrame(Wire.reassemble(out));
            assertEquals(80, u16(toClient, 14 + 20));
            assertTrue(Wire.l4ChecksumOk(toClient, 14), "the client reassembles a datagram whose checksum is right");
            assertEquals(0, rig.inUse());
        }
    }

    @Test
    void shouldDropADatagramWithOverlappingOrOversizedFragments()
    {
        try (AgentsRig rig = new AgentsRig(1, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            rig.queues[0].inject(fromClient(VIP, 44_000, SYN, 0, DF));
            rig.runUntilQuiet();
            final List<byte[]> fragments = Wire.fragments(fromClient(VIP, 44_000, PSH_ACK, 4000, 0), CHUNK);
            final byte[] overlapping = fragments.get(1).clone();
            overlapping[21] = (byte)((CHUNK - 8) >>> 3); // starts 8 bytes inside the first
            overlapping[24] = 0;
            overlapping[25] = 0;
            final int c = ~Wire.sum(overlapping, 14, 20, 0) & 0xFFFF;
            overlapping[24] = (byte)(c >>> 8);
            overlapping[25] = (byte)c;
            rig.queues[0].inject(fragments.get(0));
            rig.queues[0].inject(overlapping);
            rig.queues[0].inject(fragments.get(1));
            rig.queues[0].inject(fragments.get(2));
            final List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
            assertEquals(1, out.size(), "only the first got through before the overlap");
            assertEquals(3, rig.count(0, LbCounterDescriptor.FRAGMENT_BAD), "the overlap and the rest of its datagram");

            // a fragment reaching past 64 KiB
            final byte[] beyond = fragments.get(2).clone();
            beyond[20] = (byte)(0x1FFF >>> 8);
            beyond[21] = (byte)0xFF;
            beyond[18] = 0x77; // another datagram
            beyond[24] = 0;
            beyond[25] = 0;
            final int c2 = ~Wire.sum(beyond, 14, 20, 0) & 0xFFFF;
            beyond[24] = (byte)(c2 >>> 8);
            beyond[25] = (byte)c2;
            rig.queues[0].inject(beyond);
            assertEquals(0, AgentsRig.ipv4(rig.runUntilQuiet()).size());
            assertEquals(4, rig.count(0, LbCounterDescriptor.FRAGMENT_BAD));
            assertEquals(0, rig.inUse());
        }
    }

    @Test
    void shouldFreeWhatIsHeldWhenADatagramNeverCompletesOrTheTableIsFull()
    {
        try (AgentsRig rig = new AgentsRig(2, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            final List<byte[]> lone = new ArrayList<>();
            for (int d = 0; d < 3_000; d++)
            {
                final byte[] whole = fromClient(VIP, 45_000 + d, PSH_ACK, 3000, 0);
                whole[18] = (byte)(d >>> 8); // IP id
                whole[19] = (byte)d;
                lone.add(Wire.fragments(whole, CHUNK).get(2)); // never a first
            }
            for (int i = 0; i < lone.size(); i++)
            {
                rig.queues[i % 2].inject(lone.get(i));
                if (i % 500 == 499)
                {
                    rig.runUntilQuiet();
                }
            }
            rig.runUntilQuiet();
            final long held = rig.sum(LbCounterDescriptor.FRAGMENTS_HELD);
            final long full = rig.sum(LbCounterDescriptor.FRAGMENT_TABLE_FULL);
            assertEquals(3_000, held + full, rig.nonZeroCounters());
            assertTrue(full > 0 && held <= 2 * io.jlvs.dataplane.frag.FragmentTable.HELD_BUDGET,
                "bounded by the hold budget: " + held + " held, " + full + " refused");
            assertEquals(held, rig.inUse(), "what is held is all that is in use");

            rig.clock.advance(31_000);
            for (int i = 0; i < 20; i++)
            {
                rig.clock.advance(100);
                for (final ForwardingAgent a : rig.agent)
                {
                    a.doWork();
                }
            }
            assertEquals(held, rig.sum(LbCounterDescriptor.FRAGMENT_TIMEOUT));
            assertEquals(0, rig.inUse(), "every held buffer freed");
        }
    }

    @Test
    void shouldKeepForwardingWholePacketsBetweenFragments()
    {
        try (AgentsRig rig = new AgentsRig(2, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            final byte[][] frames = new byte[4][];
            frames[0] = fromClient(VIP, 46_000, SYN, 0, DF);
            final List<byte[]> fragments = Wire.fragments(fromClient(VIP, 46_000, PSH_ACK, 2000, 0), CHUNK);
            frames[1] = fragments.get(1);
            frames[2] = fromClient(VIP, 46_001, SYN, 0, DF);
            frames[3] = fragments.get(0);
            Arrays.stream(frames).forEach((f) -> rig.queues[1].inject(f));
            assertEquals(4, AgentsRig.ipv4(rig.runUntilQuiet()).size());
            assertEquals(0, rig.inUse());
        }
    }

    @Test
    void shouldSendNoIcmpErrorAboutALaterFragment()
    {
        try (AgentsRig rig = new AgentsRig(1, RedirectRings.DEFAULT_CAPACITY, true))
        {
            rig.runUntilQuiet();
            rig.queues[0].inject(fromClient(VIP, 47_000, SYN, 0, DF));
            rig.runUntilQuiet();
            final List<byte[]> fragments = Wire.fragments(fromClient(VIP, 47_000, PSH_ACK, 2000, 0), CHUNK);
            final byte[] dying = fragments.get(1).clone();
            dying[22] = 1; // TTL 1: it cannot be forwarded
            dying[24] = 0;
            dying[25] = 0;
            final int c = ~Wire.sum(dying, 14, 20, 0) & 0xFFFF;
            dying[24] = (byte)(c >>> 8);
            dying[25] = (byte)c;
            rig.queues[0].inject(fragments.get(0));
            rig.queues[0].inject(dying);
            final List<byte[]> out = AgentsRig.ipv4(rig.runUntilQuiet());
            assertEquals(1, out.size(), "the first fragment only: no time exceeded about the second (RFC 1812)");
            assertEquals(DR_MAC[0], Wire.mac(out.get(0), 0));
            assertEquals(1, rig.count(0, LbCounterDescriptor.ICMP_NOT_SENT));
            assertEquals(1, rig.count(0, LbCounterDescriptor.TTL_EXCEEDED));
            assertEquals(0, rig.inUse());
        }
    }
}
