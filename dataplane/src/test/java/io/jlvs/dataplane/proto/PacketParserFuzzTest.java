package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.hex;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Random mutations and truncations of valid frames, each placed in a segment of exactly its length:
 * the parser must always return a verdict and never read out of bounds (which would throw).
 */
class PacketParserFuzzTest
{
    private static final long SEED = 0x1F5_C0DEL;
    private static final int ITERATIONS = 100_000;

    private static final byte[][] SEEDS =
    {
        hex(Frames.ARP_REQUEST),
        hex(Frames.TCP_SYN),
        hex(Frames.UDP_DNS_QUERY),
        hex(Frames.ICMP_ECHO),
        hex(Frames.ICMP_PORT_UNREACHABLE),
        hex(Frames.IPV6_TCP_SYN),
        hex(Frames.VLAN_UDP),
        hex(Frames.IPV6_EXT_UDP),
    };

    @Test
    void shouldAlwaysReturnVerdictForRandomlyMutatedFrames()
    {
        final Random random = new Random(SEED);
        final PacketParser checking = new PacketParser(true);
        final PacketParser trusting = new PacketParser(false);
        final PacketView view = new PacketView();
        final int[] seen = new int[ParseVerdict.COUNT];

        for (int i = 0; i < ITERATIONS; i++)
        {
            final byte[] frame = mutate(SEEDS[random.nextInt(SEEDS.length)], random);
            final PacketParser parser = (i & 1) == 0 ? checking : trusting;
            final int verdict;
            try
            {
                verdict = parser.parse(MemorySegment.ofArray(frame), 0, frame.length, view);
            }
            catch (final RuntimeException ex)
            {
                throw new AssertionError("iteration " + i + " frame " + HexFormat.of().formatHex(frame), ex);
            }
            if (verdict < 0 || verdict >= ParseVerdict.COUNT)
            {
                fail("iteration " + i + " returned " + verdict);
            }
            seen[verdict]++;
            checkInvariants(verdict, view, frame.length, i);
        }

        int distinct = 0;
        for (final int count : seen)
        {
            distinct += count > 0 ? 1 : 0;
        }
        assertTrue(distinct >= ParseVerdict.COUNT - 2, "verdicts reached: " + Arrays.toString(seen));
    }

    private static void checkInvariants(final int verdict, final PacketView view, final int length, final int i)
    {
        if (view.frameLength != length)
        {
            fail("iteration " + i + ": frameLength " + view.frameLength + " != " + length);
        }
        if (verdict == ParseVerdict.IPV4 || verdict == ParseVerdict.IPV6 || verdict == ParseVerdict.ARP)
        {
            final boolean ok = view.l3Offset >= 14 && view.l3Offset + view.l3Length <= length &&
                (verdict == ParseVerdict.ARP || (view.l4Offset >= view.l3Offset && view.l4Offset <= view.l3Offset + view.l3Length));
            if (!ok)
            {
                fail("iteration " + i + ": offsets outside frame for " + ParseVerdict.name(verdict) +
                    " l3=" + view.l3Offset + " l3Length=" + view.l3Length + " l4=" + view.l4Offset + " len=" + length);
            }
        }
    }

    private static byte[] mutate(final byte[] original, final Random random)
    {
        byte[] frame = original.clone();
        final int operations = 1 + random.nextInt(4);
        for (int op = 0; op < operations; op++)
        {
            switch (random.nextInt(8))
            {
                case 0, 1, 2 ->
                {
                    // overwrite a header byte (most parsing decisions live in the first 100 bytes)
                    if (frame.length > 0)
                    {
                        frame[random.nextInt(Math.min(frame.length, 100))] = (byte)random.nextInt(256);
                    }
                }
                case 3 ->
                {
                    // set a 16-bit field to an edge value
                    if (frame.length > 1)
                    {
                        final int at = random.nextInt(Math.min(frame.length - 1, 99));
                        final int[] edges = {0, 1, 4, 5, 7, 8, 19, 20, 40, 0x7FFF, 0x8000, 0xFFFF};
                        final int v = edges[random.nextInt(edges.length)];
                        frame[at] = (byte)(v >>> 8);
                        frame[at + 1] = (byte)v;
                    }
                }
                case 4 -> frame = Arrays.copyOf(frame, random.nextInt(frame.length + 1));
                case 5 ->
                {
                    // extend with random bytes, as padding or trailing garbage
                    final int old = frame.length;
                    frame = Arrays.copyOf(frame, old + random.nextInt(64));
                    for (int j = old; j < frame.length; j++)
                    {
                        frame[j] = (byte)random.nextInt(256);
                    }
                }
                case 6 ->
                {
                    // make the IPv6 next header an extension header to exercise the chain walker
                    if (frame.length > 20 && (frame[12] & 0xFF) == 0x86 && (frame[13] & 0xFF) == 0xDD)
                    {
                        final int[] ext = {0, 43, 44, 51, 60, 135, 139, 140, 253, 254, 59, 50};
                        frame[20] = (byte)ext[random.nextInt(ext.length)];
                    }
                }
                default ->
                {
                    // repair the IPv4 header checksum so mutations reach L4 with the checking parser too
                    if (frame.length >= 34 && (frame[12] & 0xFF) == 0x08 && frame[13] == 0x00 &&
                        (frame[14] & 0xF0) == 0x40 && 14 + (frame[14] & 0x0F) * 4 <= frame.length &&
                        (frame[14] & 0x0F) >= 5)
                    {
                        frame = Frames.fixIpv4Checksum(frame, 14);
                    }
                }
            }
        }
        return frame;
    }
}
