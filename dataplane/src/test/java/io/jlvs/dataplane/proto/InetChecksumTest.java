package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.jlvs.dataplane.proto.Frames.DOC_NET_HI;
import static io.jlvs.dataplane.proto.Frames.hex;
import static io.jlvs.dataplane.proto.Frames.ipv4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InetChecksumTest
{
    /** The worked example header found in most textbooks: 192.168.0.1 -> 192.168.0.199 UDP, checksum 0xb861. */
    private static final String TEXTBOOK_HEADER = "45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7";

    @Test
    void shouldMatchRfc1071NumericalExample()
    {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to 0xddf2
        final MemorySegment seg = Frames.segment("00 01 f2 03 f4 f5 f6 f7");

        assertEquals(0xddf2, InetChecksum.sum(seg, 0, 8, 0));
        assertEquals(0x220d, InetChecksum.checksum(seg, 0, 8, 0));
    }

    @Test
    void shouldPadOddLastByteOnTheRight()
    {
        final MemorySegment seg = Frames.segment("01 02 03");

        assertEquals(0x0402, InetChecksum.sum(seg, 0, 3, 0));
    }

    @Test
    void shouldChainEvenRangesThroughInitial()
    {
        final byte[] data = hex(Frames.TCP_SYN);
        final MemorySegment seg = MemorySegment.ofArray(data);

        final int whole = InetChecksum.sum(seg, 0, data.length, 0);
        final int chained = InetChecksum.sum(seg, 10, data.length - 10, InetChecksum.sum(seg, 0, 10, 0));
        assertEquals(whole, chained);
    }

    @Test
    void shouldAgreeWithWordByWordSumAtEveryOffsetAndLength()
    {
        final Random random = new Random(1071);
        final byte[] data = new byte[1600];
        random.nextBytes(data);
        final MemorySegment seg = MemorySegment.ofArray(data);

        for (int i = 0; i < 2000; i++)
        {
            final int from = random.nextInt(64);
            final int length = random.nextInt(data.length - from + 1);
            final int initial = random.nextInt(0x10000);
            assertEquals(
                Frames.naiveSum(data, from, length, initial),
                InetChecksum.sum(seg, from, length, initial),
                "from " + from + " length " + length);
        }
    }

    @Test
    void shouldFoldCarries()
    {
        assertEquals(0xFFFF, InetChecksum.fold(0x1FFFEL));
        assertEquals(0x0001, InetChecksum.fold(0x10000L));
        assertEquals(0xFFFF, InetChecksum.fold(0xFFFF_FFFFL));
        assertEquals(0, InetChecksum.fold(0));
    }

    @Test
    void shouldComputeAndVerifyTextbookHeaderChecksum()
    {
        final MemorySegment seg = Frames.segment(TEXTBOOK_HEADER);

        assertTrue(InetChecksum.isIpv4HeaderChecksumValid(seg, 0));
        assertEquals(0xb861, InetChecksum.ipv4HeaderChecksum(seg, 0));

        seg.set(NetworkLayouts.U16, Ipv4Flyweight.CHECKSUM_OFFSET, (short)0);
        assertFalse(InetChecksum.isIpv4HeaderChecksumValid(seg, 0));
        assertEquals(0xb861, InetChecksum.writeIpv4HeaderChecksum(seg, 0));
        assertEquals(0xb861, new Ipv4Flyweight().wrap(seg, 0).checksum());
    }

    @Test
    void shouldComputeHeaderChecksumsOfCaptures()
    {
        assertEquals(Frames.TCP_SYN_IP_CHECKSUM, InetChecksum.ipv4HeaderChecksum(Frames.segment(Frames.TCP_SYN), 14));
        assertEquals(Frames.UDP_DNS_IP_CHECKSUM, InetChecksum.ipv4HeaderChecksum(Frames.segment(Frames.UDP_DNS_QUERY), 14));
        assertEquals(Frames.ICMP_ECHO_IP_CHECKSUM, InetChecksum.ipv4HeaderChecksum(Frames.segment(Frames.ICMP_ECHO), 14));
        assertEquals(0x267c, InetChecksum.ipv4HeaderChecksum(Frames.segment(Frames.VLAN_UDP), 18));
        assertEquals(0x4247, InetChecksum.ipv4HeaderChecksum(
            Frames.segment("46 c0 00 28 00 00 40 00 01 02 42 47 c0 a8 01 0a e0 00 00 16 94 04 00 00"), 0));
    }

    @Test
    void shouldComputeTcpChecksumWithIpv4PseudoHeader()
    {
        final MemorySegment seg = Frames.segment(Frames.TCP_SYN);
        final int pseudo = InetChecksum.pseudoHeaderSum4(ipv4(10, 0, 0, 2), ipv4(10, 0, 0, 100), IpProtocol.TCP, 40);

        assertTrue(InetChecksum.isL4ChecksumValid(seg, 34, 40, pseudo));
        new TcpFlyweight().wrap(seg, 34).checksum(0);
        assertEquals(Frames.TCP_SYN_TCP_CHECKSUM, InetChecksum.l4Checksum(seg, 34, 40, pseudo));
    }

    @Test
    void shouldComputeUdpChecksumWithIpv4PseudoHeader()
    {
        final MemorySegment seg = Frames.segment(Frames.UDP_DNS_QUERY);
        final int pseudo = InetChecksum.pseudoHeaderSum4(ipv4(192, 168, 1, 10), ipv4(8, 8, 8, 8), IpProtocol.UDP, 37);

        assertTrue(InetChecksum.isL4ChecksumValid(seg, 34, 37, pseudo));
        new UdpFlyweight().wrap(seg, 34).checksum(0);
        assertEquals(Frames.UDP_DNS_UDP_CHECKSUM, InetChecksum.l4Checksum(seg, 34, 37, pseudo));
    }

    @Test
    void shouldComputeIcmpChecksumWithoutPseudoHeader()
    {
        final MemorySegment seg = Frames.segment(Frames.ICMP_ECHO);
        new IcmpFlyweight().wrap(seg, 34).checksum(0);

        assertEquals(Frames.ICMP_ECHO_ICMP_CHECKSUM, InetChecksum.checksum(seg, 34, 40, 0));
        assertEquals(Frames.ICMP_PORT_UNREACHABLE_ICMP_CHECKSUM, Frames.get16(hex(Frames.ICMP_PORT_UNREACHABLE), 36));
        assertEquals(0xFFFF, InetChecksum.sum(Frames.segment(Frames.ICMP_PORT_UNREACHABLE), 34, 36, 0));
    }

    @Test
    void shouldComputeTcpAndUdpChecksumsWithIpv6PseudoHeader()
    {
        final MemorySegment syn = Frames.segment(Frames.IPV6_TCP_SYN);
        final int synPseudo = InetChecksum.pseudoHeaderSum6(DOC_NET_HI, 1, DOC_NET_HI, 0x80, IpProtocol.TCP, 40);
        assertTrue(InetChecksum.isL4ChecksumValid(syn, 54, 40, synPseudo));
        new TcpFlyweight().wrap(syn, 54).checksum(0);
        assertEquals(Frames.IPV6_TCP_SYN_TCP_CHECKSUM, InetChecksum.l4Checksum(syn, 54, 40, synPseudo));

        final MemorySegment udp = Frames.segment(Frames.IPV6_EXT_UDP);
        final int udpPseudo = InetChecksum.pseudoHeaderSum6(DOC_NET_HI, 1, DOC_NET_HI, 0x80, IpProtocol.UDP, 12);
        assertTrue(InetChecksum.isL4ChecksumValid(udp, 86, 12, udpPseudo));
        new UdpFlyweight().wrap(udp, 86).checksum(0);
        assertEquals(Frames.IPV6_EXT_UDP_UDP_CHECKSUM, InetChecksum.l4Checksum(udp, 86, 12, udpPseudo));
    }

    @Test
    void shouldMatchRfc1624WorkedExample()
    {
        // RFC 1624 section 4: HC = 0xDD2F, m = 0x5555 -> m' = 0x3285 gives HC' = 0x0000 by equation 3
        assertEquals(0x0000, InetChecksum.update16(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void shouldUpdateChecksumsIncrementallyForNatRewrite()
    {
        final byte[] frame = hex(Frames.TCP_SYN);
        final MemorySegment seg = MemorySegment.ofArray(frame);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(seg, 14);
        final TcpFlyweight tcp = new TcpFlyweight().wrap(seg, 34);
        final int newDst = ipv4(192, 168, 10, 5);

        // DNAT 10.0.0.100:80 -> 192.168.10.5:8080, TTL decrement, as NatXmit will do it
        final int oldDst = ip.dstAddr();
        ip.checksum(InetChecksum.update32(ip.checksum(), oldDst, newDst)).dstAddr(newDst);
        final int oldTtlProto = (ip.ttl() << 8) | ip.protocol();
        ip.ttl(ip.ttl() - 1);
        ip.checksum(InetChecksum.update16(ip.checksum(), oldTtlProto, (ip.ttl() << 8) | ip.protocol()));
        tcp.checksum(InetChecksum.update32(tcp.checksum(), oldDst, newDst));
        tcp.checksum(InetChecksum.update16(tcp.checksum(), tcp.dstPort(), 8080)).dstPort(8080);

        assertTrue(InetChecksum.isIpv4HeaderChecksumValid(seg, 14));
        assertEquals(InetChecksum.ipv4HeaderChecksum(seg, 14), ip.checksum());
        final int pseudo = InetChecksum.pseudoHeaderSum4(ip.srcAddr(), newDst, IpProtocol.TCP, 40);
        assertTrue(InetChecksum.isL4ChecksumValid(seg, 34, 40, pseudo));
        assertEquals(Frames.naiveChecksum(withZeroedTcpChecksumAndPseudo(frame, pseudo), 0, 42), tcp.checksum());
    }

    @Test
    void shouldUpdateChecksumIncrementallyForIpv6AddressRewrite()
    {
        final MemorySegment seg = Frames.segment(Frames.IPV6_TCP_SYN);
        final Ipv6Flyweight ip = new Ipv6Flyweight().wrap(seg, 14);
        final TcpFlyweight tcp = new TcpFlyweight().wrap(seg, 54);
        final long newHi = 0xfd00_0000_0000_0001L;
        final long newLo = 0x0000_0000_0000_0a05L;

        tcp.checksum(InetChecksum.update128(tcp.checksum(), ip.dstAddrHi(), ip.dstAddrLo(), newHi, newLo));
        ip.dstAddrHi(newHi).dstAddrLo(newLo);

        final int pseudo = InetChecksum.pseudoHeaderSum6(DOC_NET_HI, 1, newHi, newLo, IpProtocol.TCP, 40);
        assertTrue(InetChecksum.isL4ChecksumValid(seg, 54, 40, pseudo));
    }

    @Test
    void shouldAgreeIncrementalWithFullRecomputeOnRandomRewrites()
    {
        final Random random = new Random(1624);
        final byte[] frame = hex(Frames.UDP_DNS_QUERY);
        final MemorySegment seg = MemorySegment.ofArray(frame);
        final Ipv4Flyweight ip = new Ipv4Flyweight().wrap(seg, 14);

        for (int i = 0; i < 10_000; i++)
        {
            final int newSrc = random.nextInt();
            final int newId = random.nextInt(0x10000);
            ip.checksum(InetChecksum.update32(ip.checksum(), ip.srcAddr(), newSrc)).srcAddr(newSrc);
            ip.checksum(InetChecksum.update16(ip.checksum(), ip.id(), newId)).id(newId);

            assertEquals(0xFFFF, Frames.naiveSum(frame, 14, 20, 0), "iteration " + i);
        }
    }

    @Test
    void shouldSendComputedZeroUdpChecksumAsAllOnes()
    {
        assertEquals(0xFFFF, InetChecksum.udpWireChecksum(0));
        assertEquals(0x1234, InetChecksum.udpWireChecksum(0x1234));
    }

    private static byte[] withZeroedTcpChecksumAndPseudo(final byte[] frame, final int pseudo)
    {
        final byte[] out = new byte[42];
        System.arraycopy(frame, 34, out, 0, 40);
        out[16] = 0;
        out[17] = 0;
        out[40] = (byte)(pseudo >>> 8);
        out[41] = (byte)pseudo;
        return out;
    }
}
