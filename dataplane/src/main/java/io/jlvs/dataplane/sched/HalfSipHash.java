package io.jlvs.dataplane.sched;

/**
 * The kernel's {@code hsiphash()} of one u32, as a 64-bit kernel computes it: there "HalfSipHash-1-3" is SipHash-1-3
 * over 64-bit words ({@code lib/siphash.c}), the 4-byte message read little-endian into the final block with its
 * length in the top byte, the result cut to 32 bits. mh hashes addresses with it under fixed keys, so its tables
 * are the kernel's.
 */
final class HalfSipHash
{
    private static final long C0 = 0x736f6d6570736575L;
    private static final long C1 = 0x646f72616e646f6dL;
    private static final long C2 = 0x6c7967656e657261L;
    private static final long C3 = 0x7465646279746573L;

    private HalfSipHash()
    {
    }

    /** {@code hsiphash(&value, 4, {k0, k1})} of a u32 held in native (little-endian) order. */
    static int hash(final int value, final long k0, final long k1)
    {
        long v0 = C0 ^ k0;
        long v1 = C1 ^ k1;
        long v2 = C2 ^ k0;
        long v3 = C3 ^ k1;
        final long b = (4L << 56) | (value & 0xFFFF_FFFFL);
        v3 ^= b;
        // one compression round
        v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
        v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
        v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
        v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        v0 ^= b;
        v2 ^= 0xff;
        for (int i = 0; i < 3; i++) // three finalisation rounds
        {
            v0 += v1; v1 = Long.rotateLeft(v1, 13); v1 ^= v0; v0 = Long.rotateLeft(v0, 32);
            v2 += v3; v3 = Long.rotateLeft(v3, 16); v3 ^= v2;
            v0 += v3; v3 = Long.rotateLeft(v3, 21); v3 ^= v0;
            v2 += v1; v1 = Long.rotateLeft(v1, 17); v1 ^= v2; v2 = Long.rotateLeft(v2, 32);
        }
        return (int)((v0 ^ v1) ^ (v2 ^ v3));
    }
}
