package io.jlvs.controlplane.vrrp;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

class VrrpPacketTest
{
    private static final int SRC = 0xC612_0002;
    private static final int GROUP = 0xE000_0012;

    /** A received datagram: an IPv4 header (TTL given) before the advertisement. */
    static byte[] datagram(final byte[] vrrp, final int length, final int ttl, final int src)
    {
        final byte[] d = new byte[20 + length];
        d[0] = 0x45;
        d[2] = (byte)((20 + length) >>> 8);
        d[3] = (byte)(20 + length);
        d[8] = (byte)ttl;
        d[9] = (byte)VrrpPacket.PROTOCOL;
        for (int i = 0; i < 4; i++)
        {
            d[12 + i] = (byte)(src >>> (24 - 8 * i));
            d[16 + i] = (byte)(GROUP >>> (24 - 8 * i));
        }
        System.arraycopy(vrrp, 0, d, 20, length);
        return d;
    }

    @Test
    void shouldWriteVersion3AsRfc5798AndReadItBack()
    {
        final byte[] out = new byte[64];
        final int n = VrrpPacket.write(out, 3, 51, 150, 25, new int[] {0xC612_000A}, null, SRC, GROUP);
        assertEquals(12, n);
        // version 3, type 1; vrid 51; priority 150; one address; max adver int 25 cs; checksum; 198.18.0.10
        assertEquals("31339601" + "0019", HexFormat.of().formatHex(out, 0, 6));
        final VrrpPacket p = new VrrpPacket();
        assertEquals(VrrpPacket.Verdict.OK, p.parse(datagram(out, n, 255, SRC), 20 + n, 3, 51, null, 25));
        assertEquals(150, p.priority());
        assertEquals(25, p.intervalCs());
        assertEquals(SRC, p.source());
        assertEquals(0xC612_000A, p.address(0));
    }

    @Test
    void shouldWriteVersion2WithKeepalivedsPasswordAndReadItBack()
    {
        final byte[] out = new byte[64];
        final byte[] pass = VrrpPacket.password("s3cret");
        final int n = VrrpPacket.write(out, 2, 7, 100, 100, new int[] {0xC612_000A, 0xC612_0014}, pass, SRC, GROUP);
        assertEquals(8 + 8 + 8, n);
        assertEquals("2107640201" + "01", HexFormat.of().formatHex(out, 0, 6), "auth type 1 (PASS), interval 1 s");
        assertEquals("7333637265740000", HexFormat.of().formatHex(out, 16, 24));
        final VrrpPacket p = new VrrpPacket();
        assertEquals(VrrpPacket.Verdict.OK, p.parse(datagram(out, n, 255, SRC), 20 + n, 2, 7, pass, 100));
        assertEquals(VrrpPacket.Verdict.AUTHENTICATION,
            p.parse(datagram(out, n, 255, SRC), 20 + n, 2, 7, VrrpPacket.password("other"), 100));
        assertEquals(VrrpPacket.Verdict.AUTHENTICATION, p.parse(datagram(out, n, 255, SRC), 20 + n, 2, 7, null, 100));
        assertEquals(VrrpPacket.Verdict.INTERVAL, p.parse(datagram(out, n, 255, SRC), 20 + n, 2, 7, pass, 200));
    }

    @Test
    void shouldRefuseBadAdvertisementsByReason()
    {
        final byte[] out = new byte[64];
        final int n = VrrpPacket.write(out, 3, 51, 150, 100, new int[] {0xC612_000A}, null, SRC, GROUP);
        final VrrpPacket p = new VrrpPacket();
        assertEquals(VrrpPacket.Verdict.TTL, p.parse(datagram(out, n, 254, SRC), 20 + n, 3, 51, null, 100));
        assertEquals(VrrpPacket.Verdict.VRID, p.parse(datagram(out, n, 255, SRC), 20 + n, 3, 52, null, 100));
        assertEquals(VrrpPacket.Verdict.VERSION, p.parse(datagram(out, n, 255, SRC), 20 + n, 2, 51, null, 100));
        assertEquals(VrrpPacket.Verdict.TRUNCATED, p.parse(datagram(out, n, 255, SRC), 20 + 6, 3, 51, null, 100));
        assertEquals(VrrpPacket.Verdict.TRUNCATED, p.parse(new byte[10], 10, 3, 51, null, 100));
        // the checksum covers the source (pseudo-header): the same bytes from another address fail it
        assertEquals(VrrpPacket.Verdict.CHECKSUM, p.parse(datagram(out, n, 255, SRC + 1), 20 + n, 3, 51, null, 100));
        final byte[] bent = out.clone();
        bent[2] = (byte)151;
        assertEquals(VrrpPacket.Verdict.CHECKSUM, p.parse(datagram(bent, n, 255, SRC), 20 + n, 3, 51, null, 100));
        final byte[] request = out.clone();
        request[0] = 0x32;
        assertEquals(VrrpPacket.Verdict.TYPE, p.parse(datagram(request, n, 255, SRC), 20 + n, 3, 51, null, 100));
    }

    private static final byte[] LINK_LOCAL = HexFormat.of().parseHex("fe800000000000000000000000000001");
    private static final byte[] GROUP6 = HexFormat.of().parseHex("ff020000000000000000000000000012");

    /** The checksum worked apart from this code (Python's struct over RFC 8200's pseudo-header) for this message. */
    @Test
    void shouldWriteVersion3OverIpv6WithTheIpv6PseudoHeaderAndReadItBack()
    {
        final byte[] out = new byte[64];
        final byte[][] vip = {HexFormat.of().parseHex("20010db8000000000000000000000010")};
        final int length = VrrpPacket.write6(out, 51, 100, 10, vip, LINK_LOCAL, GROUP6);
        assertEquals("31336401000a3ed920010db8000000000000000000000010",
            HexFormat.of().formatHex(out, 0, length));
        final VrrpPacket p = new VrrpPacket();
        assertEquals(VrrpPacket.Verdict.OK, p.parse6(out, length, 255, LINK_LOCAL, GROUP6, 51));
        assertEquals(100, p.priority());
        assertEquals(10, p.intervalCs());
        assertEquals(1, p.addressCount());
        assertEquals(HexFormat.of().formatHex(LINK_LOCAL), HexFormat.of().formatHex(p.source6()));
    }

    @Test
    void shouldRefuseBadIpv6AdvertisementsByReason()
    {
        final byte[] out = new byte[64];
        final byte[][] vip = {HexFormat.of().parseHex("20010db8000000000000000000000010")};
        final int length = VrrpPacket.write6(out, 51, 100, 10, vip, LINK_LOCAL, GROUP6);
        final VrrpPacket p = new VrrpPacket();
        assertEquals(VrrpPacket.Verdict.TRUNCATED, p.parse6(out, 7, 255, LINK_LOCAL, GROUP6, 51));
        assertEquals(VrrpPacket.Verdict.TRUNCATED, p.parse6(out, length - 1, 255, LINK_LOCAL, GROUP6, 51),
            "one address announced, not all of it there");
        assertEquals(VrrpPacket.Verdict.TTL, p.parse6(out, length, 64, LINK_LOCAL, GROUP6, 51));
        assertEquals(VrrpPacket.Verdict.TTL, p.parse6(out, length, -1, LINK_LOCAL, GROUP6, 51), "no hop limit told");
        assertEquals(VrrpPacket.Verdict.VRID, p.parse6(out, length, 255, LINK_LOCAL, GROUP6, 52));
        final byte[] other = LINK_LOCAL.clone();
        other[15] = 2;
        assertEquals(VrrpPacket.Verdict.CHECKSUM, p.parse6(out, length, 255, other, GROUP6, 51),
            "the pseudo-header's source is covered");
        final byte[] v2 = out.clone();
        v2[0] = 0x21;
        assertEquals(VrrpPacket.Verdict.VERSION, p.parse6(v2, length, 255, LINK_LOCAL, GROUP6, 51), "IPv6 is version 3 only");
        final byte[] type = out.clone();
        type[0] = 0x32;
        assertEquals(VrrpPacket.Verdict.TYPE, p.parse6(type, length, 255, LINK_LOCAL, GROUP6, 51));
    }
}
