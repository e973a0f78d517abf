package io.jlvs.dataplane.sched;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.service.Dest;
import io.jlvs.dataplane.service.Service;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * sh and dh against the kernel's arithmetic. The buckets below were worked apart from this code (Python over
 * {@code ip_vs_sh_hashkey()}: {@code (offset + (port + ntohl(addr)) * 2654435761) & 255}), so a jlvs director and a
 * kernel one behind the same ECMP group send a client to the same real server.
 */
class HashSchedulerTest
{
    private static PacketView from(final String client, final int sport)
    {
        final PacketView v = new PacketView();
        v.af = PacketView.AF_INET;
        v.protocol = IpProtocol.TCP;
        v.saddrLo = Integer.toUnsignedLong(io.jlvs.dataplane.xmit.Wire.ip(client));
        v.sport = sport;
        return v;
    }

    private static String pick(final Service svc, final PacketView v)
    {
        final Dest d = svc.scheduler().schedule(svc, v);
        return null == d ? "-" : String.valueOf((char)('A' + (d.id() - svc.dests()[0].id())));
    }

    @Test
    void shouldTileTheShTableByWeightInListOrder()
    {
        final Service svc = SchedulerTest.service("sh", "A:2 B:1 C:0");
        final ShScheduler sh = (ShScheduler)svc.scheduler();
        final StringBuilder tiles = new StringBuilder();
        for (int i = 0; i < 12; i++)
        {
            tiles.append((char)('A' + (sh.bucket(i).id() - svc.dests()[0].id())));
        }
        assertEquals("AABCAABCAABC", tiles.toString(), "a weight of 0 still takes a bucket");
    }

    @Test
    void shouldHashTheClientAddressAsTheKernel()
    {
        final Service svc = SchedulerTest.service("sh", "A:2 B:1 C:0");
        // hash_32(): the top 8 bits of 0xc6120064 * 0x61c88647
        assertEquals(141, ShScheduler.hash(io.jlvs.dataplane.xmit.Wire.ip("198.18.0.100"), 0, 0));
        assertEquals("A", pick(svc, from("198.18.0.100", 40000)), "bucket 141");
        assertEquals("-", pick(svc, from("198.18.0.101", 40000)), "bucket 239 is C's, of weight 0: no fallback");
        assertEquals("A", pick(svc, from("198.18.0.102", 40000)), "bucket 80");
        assertEquals("B", pick(svc, from("198.18.0.103", 40000)), "bucket 178");
        assertEquals("A", pick(svc, from("198.18.0.104", 1)), "bucket 20; the port is not hashed");
    }

    @Test
    void shouldProbeFromTheHashWithFallback()
    {
        final Service svc = SchedulerTest.service("sh", "A:2 B:1 C:0", Service.F_SCHED_SH_FALLBACK);
        assertEquals("B", pick(svc, from("198.18.0.101", 40000)), "bucket 239 unavailable; offset 0 probes 222, B's");
        assertEquals("A", pick(svc, from("198.18.0.100", 40000)), "an available one is kept");
        final Service none = SchedulerTest.service("sh", "A:0 B:0", Service.F_SCHED_SH_FALLBACK);
        assertEquals("-", pick(none, from("198.18.0.101", 40000)), "every probe unavailable");
    }

    @Test
    void shouldHashTheSourcePortWithShPort()
    {
        final Service svc = SchedulerTest.service("sh", "A:1 B:1 C:1", Service.F_SCHED_SH_PORT);
        assertEquals("B", pick(svc, from("198.18.0.100", 40000)), "bucket 49");
        assertEquals("A", pick(svc, from("198.18.0.100", 40001)), "bucket 147");
        assertEquals("C", pick(svc, from("198.18.0.100", 40003)), "bucket 86");
        final Service plain = SchedulerTest.service("sh", "A:1 B:1 C:1");
        assertEquals("A", pick(plain, from("198.18.0.100", 40003)), "without it, bucket 141 for every port");
    }

    @Test
    void shouldFoldIpv6AddressesByXor()
    {
        final Service svc = SchedulerTest.service("sh", "A:1 B:1 C:1");
        final PacketView v = new PacketView();
        v.af = PacketView.AF_INET6;
        v.saddrHi = 0x2001_0db8_0000_0000L;
        v.saddrLo = 0x0000_0000_0000_0100L;
        assertEquals(0x2001_0cb8, AddressHash.fold(v.saddrHi, v.saddrLo));
        assertEquals("C", pick(svc, v), "bucket 20");
    }

    @Test
    void shouldDealTheDhTableRoundTheDestsIgnoringWeights()
    {
        final Service svc = SchedulerTest.service("dh", "A:5 B:1 C:1");
        final String[] targets = {"198.18.0.10", "10.0.0.1", "10.0.0.2", "10.0.0.3"};
        final String[] expected = {"C", "A", "C", "B"}; // buckets 44, 39, 137, 235
        for (int i = 0; i < targets.length; i++)
        {
            final PacketView v = from("198.18.0.100", 40000);
            v.daddrLo = Integer.toUnsignedLong(io.jlvs.dataplane.xmit.Wire.ip(targets[i]));
            assertEquals(expected[i], pick(svc, v), targets[i]);
        }
        final Service quiesced = SchedulerTest.service("dh", "A:1 B:1 C:0");
        final PacketView v = from("198.18.0.100", 40000);
        v.daddrLo = Integer.toUnsignedLong(io.jlvs.dataplane.xmit.Wire.ip("198.18.0.10"));
        assertEquals("-", pick(quiesced, v), "its bucket's dest has weight 0: no connection");
        assertNull(SchedulerTest.service("dh", "").scheduler().schedule(SchedulerTest.service("dh", ""), v));
    }

    @Test
    void shouldLeaveAnEmptyServiceWithoutADest()
    {
        final Service svc = SchedulerTest.service("sh", "", Service.F_SCHED_SH_FALLBACK);
        assertSame(null, svc.scheduler().schedule(svc, from("198.18.0.100", 1)));
    }

    /** The kernel's own test vector for hsiphash on 64-bit (lib/siphash_kunit.c): bytes 0..3 under key 0..15. */
    @Test
    void shouldHashAsTheKernelsHsiphash()
    {
        assertEquals(0x88d38328, HalfSipHash.hash(0x03020100, 0x0706050403020100L, 0x0f0e0d0c0b0a0908L));
    }

    private static String entries(final Service svc, final int n)
    {
        final MhScheduler mh = (MhScheduler)svc.scheduler();
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            sb.append((char)('A' + (mh.entry(i).id() - svc.dests()[0].id())));
        }
        return sb.toString();
    }

    private static int[] counts(final Service svc)
    {
        final MhScheduler mh = (MhScheduler)svc.scheduler();
        final int[] c = new int[svc.dests().length];
        for (int i = 0; i < MhScheduler.TAB_SIZE; i++)
        {
            c[mh.entry(i).id() - svc.dests()[0].id()]++;
        }
        return c;
    }

    /**
     * The lookup tables and choices below were worked apart from this code (a Python Maglev over the kernel's
     * hsiphash, which reproduces the kernel's test vector), for dests 10.0.0.1..3:80 in list order.
     */
    @Test
    void shouldBuildTheMaglevTableAsTheKernel()
    {
        final Service even = SchedulerTest.service("mh", "A:1 B:1 C:1");
        assertEquals("ABBCCABCCAAB", entries(even, 12));
        assertEquals("[1365, 1364, 1364]", java.util.Arrays.toString(counts(even)));
        assertEquals("A", pick(even, from("198.18.0.100", 40000)), "entry 2853");
        assertEquals("B", pick(even, from("198.18.0.101", 40000)), "entry 1752");

        final Service weighted = SchedulerTest.service("mh", "A:1 B:2 C:3");
        assertEquals("CBBCCCBCCAAB", entries(weighted, 12));
        assertEquals("[683, 1364, 2046]", java.util.Arrays.toString(counts(weighted)));

        final Service skewed = SchedulerTest.service("mh", "A:1 B:200");
        assertEquals("[81, 4012]", java.util.Arrays.toString(counts(skewed)),
            "200 over 6 bits: shifted right by 2, and the weight of 1 still takes one turn");
    }

    @Test
    void shouldHashTheSourcePortWithMhPort()
    {
        final Service svc = SchedulerTest.service("mh", "A:1 B:1 C:1", Service.F_SCHED_MH_PORT);
        final String[] expected = {"B", "A", "A", "B"}; // entries 3404, 1057, 1976, 385
        for (int i = 0; i < 4; i++)
        {
            assertEquals(expected[i], pick(svc, from("198.18.0.100", 40000 + i)), "port " + (40000 + i));
        }
    }

    /**
     * A dest quiesced to weight 0 keeps its entries (its last weight): the others' clients stay put; its own find
     * nothing, or with mh-fallback the kernel's probe sequence.
     */
    @Test
    void shouldKeepAQuiescedDestsEntriesAndFallBackFromThem()
    {
        final Service quiesced = SchedulerTest.service("mh", "A:1 B:0/2 C:3");
        assertEquals("CBBCCCBCCAAB", entries(quiesced, 12), "the table of weights 1, 2, 3");
        assertEquals("A", pick(quiesced, from("198.18.0.100", 1)));
        assertEquals("-", pick(quiesced, from("198.18.0.101", 1)), "entry 1752 is B's");
        final Service fallback = SchedulerTest.service("mh", "A:1 B:0/2 C:3", Service.F_SCHED_MH_FALLBACK);
        assertEquals("C", pick(fallback, from("198.18.0.101", 1)), "offset 2: entry 2102");
        assertEquals("C", pick(fallback, from("198.18.0.104", 1)), "offset 0: entry 3668");
        assertEquals("A", pick(fallback, from("198.18.0.100", 1)), "an available one is kept");

        final Service added = SchedulerTest.service("mh", "A:1 B:0 C:3");
        assertEquals(0, counts(added)[1], "added with weight 0: no entry");
        assertNull(SchedulerTest.service("mh", "A:0 B:0").scheduler().schedule(
            SchedulerTest.service("mh", "A:0 B:0"), from("198.18.0.100", 1)), "no weight ever: an empty table");
    }
}
