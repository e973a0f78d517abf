package io.jlvs.dataplane.proto;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static io.jlvs.dataplane.proto.Frames.DOC_NET_HI;
import static io.jlvs.dataplane.proto.Frames.concat;
import static io.jlvs.dataplane.proto.Frames.fixIpv4Checksum;
import static io.jlvs.dataplane.proto.Frames.hex;
import static io.jlvs.dataplane.proto.Frames.set16;
import static io.jlvs.dataplane.proto.Frames.set8;
import static io.jlvs.dataplane.proto.Frames.truncate;
import static io.jlvs.dataplane.proto.ParseVerdict.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PacketParserTest
{
    private static final byte[] ARP_BYTES = hex(Frames.ARP_REQUEST);
    private static final byte[] SYN = hex(Frames.TCP_SYN);
    private static final byte[] DNS = hex(Frames.UDP_DNS_QUERY);
    private static final byte[] PING = hex(Frames.ICMP_ECHO);
    private static final byte[] VLAN = hex(Frames.VLAN_UDP);
    private static final byte[] SYN6 = hex(Frames.IPV6_TCP_SYN);
    private static final byte[] EXT6 = hex(Frames.IPV6_EXT_UDP);

    private static final byte[] ETH6 = Arrays.copyOf(SYN6, 14);
    private static final byte[] IPV6_ADDRS = Arrays.copyOfRange(SYN6, 22, 54);
    private static final byte[] TCP6 = Arrays.copyOfRange(SYN6, 54, 94);

    /** IPv4 SCTP INIT 10.0.0.2:5060 -> 10.0.0.100:5060 (CRC32c left zero: the parser does not check it). */
    private static final String SCTP_INIT = """
        00 1b 21 3a 4f 10 52 54 00 12 34 56 08 00
        45 00 00 34 01 00 40 00 40 84 24 e1 0a 00 00 02 0a 00 00 64
        13 c4 13 c4 00 00 00 00 00 00 00 00
        01 00 00 14 0a 0b 0c 0d 00 01 a0 00 00 0a 00 0a 01 02 03 04
        """;

    private final PacketParser parser = new PacketParser();
    private final PacketView view = new PacketView();

    static Stream<Arguments> malformedFrames()
    {
        return Stream.of(
            arguments("empty frame", new byte[0], TRUNCATED_ETHERNET),
            arguments("13-byte frame", truncate(SYN, 13), TRUNCATED_ETHERNET),
            arguments("VLAN tag cut short", truncate(VLAN, 16), TRUNCATED_ETHERNET),
            arguments("VLAN tag without inner type", truncate(VLAN, 17), TRUNCATED_ETHERNET),
            arguments("LLDP ethertype", set16(SYN, 12, 0x88cc), UNKNOWN_ETHERTYPE),
            arguments("802.3 length field", set16(SYN, 12, 0x0040), UNKNOWN_ETHERTYPE),
            arguments("second VLAN tag", set16(VLAN, 16, 0x8100), UNKNOWN_ETHERTYPE),

            arguments("ARP cut in fixed part", truncate(ARP_BYTES, 14 + 7), TRUNCATED_ARP),
            arguments("ARP cut in addresses", truncate(ARP_BYTES, 14 + 27), TRUNCATED_ARP),
            arguments("ARP htype IEEE 802", set16(ARP_BYTES, 14, 6), BAD_ARP),
            arguments("ARP ptype IPv6", set16(ARP_BYTES, 16, 0x86dd), BAD_ARP),
            arguments("ARP hlen 8", set8(ARP_BYTES, 18, 8), BAD_ARP),
            arguments("ARP plen 16", set8(ARP_BYTES, 19, 16), BAD_ARP),
            arguments("ARP oper 3 (RARP)", set16(ARP_BYTES, 20, 3), BAD_ARP),

            arguments("IPv4 ethertype with no header", truncate(SYN, 14), TRUNCATED_IP),
            arguments("IPv4 header cut at 19 bytes", truncate(SYN, 33), TRUNCATED_IP),
            arguments("IPv4 ethertype carrying version 6", set8(SYN, 14, 0x65), BAD_IP_VERSION),
            arguments("IPv4 version 0", set8(SYN, 14, 0x05), BAD_IP_VERSION),
            arguments("IPv4 IHL 4", set8(SYN, 14, 0x44), BAD_IHL),
            arguments("IPv4 IHL 0", set8(SYN, 14, 0x40), BAD_IHL),
            arguments("IPv4 IHL 15 beyond the frame", set8(DNS, 14, 0x4f), TRUNCATED_IP),
            arguments("IPv4 IHL 15 beyond a padded frame", set8(VLAN, 18, 0x4f), TRUNCATED_IP),
            arguments("IPv4 IHL 6 in a 22-byte packet", truncate(set8(SYN, 14, 0x46), 36), TRUNCATED_IP),
            arguments("IPv4 total length one beyond the frame", set16(SYN, 16, 61), BAD_IP_LENGTH),
            arguments("IPv4 total length 65535", set16(SYN, 16, 0xFFFF), BAD_IP_LENGTH),
            arguments("IPv4 frame cut inside TCP", truncate(SYN, 60), BAD_IP_LENGTH),
            arguments("IPv4 total length below the header", set16(SYN, 16, 19), BAD_IP_LENGTH),
            arguments("IPv4 total length 0", set16(SYN, 16, 0), BAD_IP_LENGTH),
            arguments("IPv4 total length below IHL 6", set16(set8(SYN, 14, 0x46), 16, 20), BAD_IP_LENGTH),
            arguments("IPv4 header checksum off by one", set16(SYN, 24, 0x0a12), BAD_IP_CHECKSUM),
            arguments("IPv4 source address flipped", set8(DNS, 26, 0xc1), BAD_IP_CHECKSUM),

            arguments("IPv4 first fragment cut inside TCP (RFC 1858)",
                fixIpv4Checksum(set16(set16(SYN, 20, 0x2000), 16, 28), 14), TINY_FRAGMENT),
            arguments("IPv4 first fragment cut inside UDP", fixIpv4Checksum(set16(set16(DNS, 20, 0x2000), 16, 24), 14),
                TINY_FRAGMENT),

            arguments("TCP data offset 4", set8(SYN, 46, 0x42), BAD_TCP_OFFSET),
            arguments("TCP data offset 0", set8(SYN, 46, 0x02), BAD_TCP_OFFSET),
            arguments("TCP data offset 11 beyond the packet", set8(SYN, 46, 0xb0), BAD_TCP_OFFSET),
            arguments("TCP data offset 15", set8(SYN, 46, 0xf0), BAD_TCP_OFFSET),
            arguments("TCP header cut by total length", fixIpv4Checksum(set16(SYN, 16, 39), 14), TRUNCATED_L4),
            arguments("TCP with no header", fixIpv4Checksum(set16(SYN, 16, 20), 14), TRUNCATED_L4),
            arguments("UDP length 7", set16(DNS, 38, 7), BAD_UDP_LENGTH),
            arguments("UDP length 0", set16(DNS, 38, 0), BAD_UDP_LENGTH),
            arguments("UDP length beyond the IP payload", set16(DNS, 38, 38), BAD_UDP_LENGTH),
            arguments("UDP header cut by total length", fixIpv4Checksum(set16(DNS, 16, 27), 14), TRUNCATED_L4),
            arguments("ICMP header cut by total length", fixIpv4Checksum(set16(PING, 16, 27), 14), TRUNCATED_L4),
            arguments("SCTP common header cut", fixIpv4Checksum(set16(hex(SCTP_INIT), 16, 31), 14), TRUNCATED_L4),
            arguments("IPv4 carrying GRE", fixIpv4Checksum(set8(DNS, 23, IpProtocol.GRE), 14), UNSUPPORTED_L4),
            arguments("IPv4 carrying ICMPv6", fixIpv4Checksum(set8(PING, 23, IpProtocol.ICMPV6), 14), UNSUPPORTED_L4),
            arguments("IPv4 carrying ESP", fixIpv4Checksum(set8(DNS, 23, IpProtocol.ESP), 14), UNSUPPORTED_L4),

            arguments("IPv6 header cut at 39 bytes", truncate(SYN6, 53), TRUNCATED_IP),
            arguments("IPv6 ethertype carrying version 4", set8(SYN6, 14, 0x4b), BAD_IP_VERSION),
            arguments("IPv6 payload length beyond the frame", set16(SYN6, 18, 41), BAD_IP_LENGTH),
            arguments("IPv6 frame cut inside TCP", truncate(SYN6, 93), BAD_IP_LENGTH),
            arguments("IPv6 TCP cut by payload length", set16(SYN6, 18, 19), TRUNCATED_L4),
            arguments("IPv6 TCP data offset beyond the packet", set8(SYN6, 66, 0xb0), BAD_TCP_OFFSET),
            arguments("IPv6 UDP length beyond the payload", set16(EXT6, 90, 13), BAD_UDP_LENGTH),
            arguments("IPv6 looping destination options", ipv6WithExtensions(40, IpProtocol.IPV6_DEST_OPTIONS, 0),
                IPV6_EXT_CHAIN_TOO_LONG),
            arguments("IPv6 9 extension headers", ipv6WithExtensions(9, IpProtocol.TCP, 0), IPV6_EXT_CHAIN_TOO_LONG),
            arguments("IPv6 routing header claiming 2 KiB", ipv6WithExtensions(1, IpProtocol.TCP, 255),
                TRUNCATED_IPV6_EXT),
            arguments("IPv6 extension header cut by payload length", set16(EXT6, 18, 4), TRUNCATED_IPV6_EXT),
            arguments("IPv6 jumbogram (payload length 0)", set16(EXT6, 18, 0), TRUNCATED_IPV6_EXT),
            arguments("IPv6 AH claiming more than the packet", ipv6WithAh(200), TRUNCATED_IPV6_EXT),
            arguments("IPv6 no next header", set8(SYN6, 20, IpProtocol.IPV6_NO_NEXT_HEADER), UNSUPPORTED_L4),
            arguments("IPv6 ESP", set8(SYN6, 20, IpProtocol.ESP), UNSUPPORTED_L4),
            arguments("IPv6 carrying ICMPv4", set8(SYN6, 20, IpProtocol.ICMP), UNSUPPORTED_L4),
            arguments("IPv6 ICMPv6 cut by payload length", set16(set8(SYN6, 20, IpProtocol.ICMPV6), 18, 7),
                TRUNCATED_L4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void shouldGiveVerdictForMalformedFrame(final String name, final byte[] frame, final int expected)
    {
        final int verdict = parser.parse(MemorySegment.ofArray(frame), 0, frame.length, view);

        assertEquals(ParseVerdict.name(expected), ParseVerdict.name(verdict), name);
        assertEquals(frame.length, view.frameLength);
        assertTrue(ParseVerdict.isDrop(verdict));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void shouldGiveSameVerdictForFrameInsideLargerBuffer(final String name, final byte[] frame, final int expected)
    {
        final byte[] buffer = new byte[frame.length + 64];
        Arrays.fill(buffer, (byte)0xFF);
        System.arraycopy(frame, 0, buffer, 13, frame.length);

        assertEquals(
            ParseVerdict.name(expected),
            ParseVerdict.name(parser.parse(MemorySegment.ofArray(buffer), 13, frame.length, view)),
            name);
    }

    @Test
    void shouldClassifyArpRequest()
    {
        assertEquals(ARP, parse(ARP_BYTES));

        assertEquals(0, view.af);
        assertEquals(14, view.l3Offset);
        assertEquals(ArpFlyweight.LENGTH, view.l3Length);
        assertEquals(60, view.frameLength);
    }

    @Test
    void shouldClassifyTcpSyn()
    {
        assertEquals(IPV4, parse(SYN));

        assertEquals(PacketView.AF_INET, view.af);
        assertEquals(IpProtocol.TCP, view.protocol);
        assertEquals(0, view.saddrHi);
        assertEquals(0x0a000002L, view.saddrLo);
        assertEquals(0, view.daddrHi);
        assertEquals(0x0a000064L, view.daddrLo);
        assertEquals(51234, view.sport);
        assertEquals(80, view.dport);
        assertEquals(TcpFlyweight.SYN, view.tcpFlags);
        assertEquals(14, view.l3Offset);
        assertEquals(34, view.l4Offset);
        assertEquals(60, view.l3Length);
        assertEquals(74, view.frameLength);
    }

    @Test
    void shouldClassifyUdpDnsQueryWithHighBitAddress()
    {
        assertEquals(IPV4, parse(DNS));

        assertEquals(IpProtocol.UDP, view.protocol);
        assertEquals(0xc0a8010aL, view.saddrLo);
        assertEquals(Frames.ipv4(192, 168, 1, 10), view.saddrV4());
        assertEquals(Frames.ipv4(8, 8, 8, 8), view.daddrV4());
        assertEquals(53211, view.sport);
        assertEquals(53, view.dport);
        assertEquals(0, view.tcpFlags);
        assertEquals(34, view.l4Offset);
        assertEquals(57, view.l3Length);
    }

    @Test
    void shouldClassifyIcmpEchoAndErrorWithoutPorts()
    {
        assertEquals(IPV4, parse(PING));
        assertEquals(IpProtocol.ICMP, view.protocol);
        assertEquals(0, view.sport);
        assertEquals(0, view.dport);
        assertEquals(34, view.l4Offset);

        assertEquals(IPV4, parse(hex(Frames.ICMP_PORT_UNREACHABLE)));
        assertEquals(IpProtocol.ICMP, view.protocol);
        assertEquals(Frames.ipv4(8, 8, 8, 8), view.saddrV4());
        assertEquals(56, view.l3Length);
    }

    @Test
    void shouldClassifyVlanTaggedUdpAndIgnorePadding()
    {
        assertEquals(IPV4, parse(VLAN));

        assertEquals(18, view.l3Offset);
        assertEquals(38, view.l4Offset);
        assertEquals(32, view.l3Length);
        assertEquals(64, view.frameLength);
        assertEquals(5000, view.sport);
        assertEquals(6000, view.dport);
    }

    @Test
    void shouldClassifySctpPorts()
    {
        assertEquals(IPV4, parse(hex(SCTP_INIT)));

        assertEquals(IpProtocol.SCTP, view.protocol);
        assertEquals(5060, view.sport);
        assertEquals(5060, view.dport);
    }

    @Test
    void shouldClassifyIpv4WithOptions()
    {
        final byte[] withOptions = concat(Arrays.copyOf(SYN, 34), hex("01 01 01 00"), Arrays.copyOfRange(SYN, 34, 74));
        withOptions[14] = 0x46;
        final byte[] frame = fixIpv4Checksum(set16(withOptions, 16, 64), 14);

        assertEquals(IPV4, parse(frame));
        assertEquals(38, view.l4Offset);
        assertEquals(64, view.l3Length);
        assertEquals(80, view.dport);
    }

    @Test
    void shouldAcceptUdpLengthShorterThanPayload()
    {
        assertEquals(IPV4, parse(set16(DNS, 38, 8)));
        assertEquals(53, view.dport);
    }

    @Test
    void shouldClassifyIpv6TcpSyn()
    {
        assertEquals(IPV6, parse(SYN6));

        assertEquals(PacketView.AF_INET6, view.af);
        assertEquals(IpProtocol.TCP, view.protocol);
        assertEquals(DOC_NET_HI, view.saddrHi);
        assertEquals(1L, view.saddrLo);
        assertEquals(DOC_NET_HI, view.daddrHi);
        assertEquals(0x80L, view.daddrLo);
        assertEquals(40000, view.sport);
        assertEquals(443, view.dport);
        assertEquals(TcpFlyweight.SYN, view.tcpFlags);
        assertEquals(14, view.l3Offset);
        assertEquals(54, view.l4Offset);
        assertEquals(80, view.l3Length);
        assertEquals(94, view.frameLength);
    }

    @Test
    void shouldWalkIpv6ExtensionHeadersToUdp()
    {
        assertEquals(IPV6, parse(EXT6));

        assertEquals(IpProtocol.UDP, view.protocol);
        assertEquals(86, view.l4Offset);
        assertEquals(84, view.l3Length);
        assertEquals(5353, view.sport);
        assertEquals(5353, view.dport);
    }

    @Test
    void shouldTreatAtomicFragmentAsWholePacketIgnoringReservedBits()
    {
        assertEquals(IPV6, parse(set16(EXT6, 80, 0x0006)));
        assertEquals(5353, view.dport);
    }

    @Test
    void shouldWalkExactlyTheMaximumNumberOfExtensionHeaders()
    {
        final byte[] frame = ipv6WithExtensions(PacketParser.MAX_IPV6_EXTENSION_HEADERS, IpProtocol.TCP, 0);

        assertEquals(IPV6, parse(frame));
        assertEquals(54 + 8 * PacketParser.MAX_IPV6_EXTENSION_HEADERS, view.l4Offset);
        assertEquals(443, view.dport);
    }

    @Test
    void shouldWalkAuthenticationHeaderToTcp()
    {
        assertEquals(IPV6, parse(ipv6WithAh(4)));

        assertEquals(IpProtocol.TCP, view.protocol);
        assertEquals(54 + 24, view.l4Offset);
        assertEquals(40000, view.sport);
    }

    @Test
    void shouldLeaveUnsupportedL4ClassifiedForTheCaller()
    {
        assertEquals(UNSUPPORTED_L4, parse(fixIpv4Checksum(set8(DNS, 23, IpProtocol.GRE), 14)));

        assertEquals(PacketView.AF_INET, view.af);
        assertEquals(IpProtocol.GRE, view.protocol);
        assertEquals(Frames.ipv4(8, 8, 8, 8), view.daddrV4());
        assertEquals(34, view.l4Offset);
        assertEquals(57, view.l3Length);
        assertEquals(0, view.sport);
    }

    @Test
    void shouldClassifyFragmentsWithTheirDatagramAndOffset()
    {
        assertEquals(IPV6, parse(set16(EXT6, 80, 0x0001)), "an IPv6 first fragment: ports parsed");
        assertEquals(PacketView.FIRST_FRAGMENT, view.fragment);
        assertEquals(PacketView.AF_INET6, view.af);
        assertEquals(IpProtocol.UDP, view.protocol);
        assertEquals(86, view.l4Offset);
        assertEquals(86, view.fragmentDataOffset);
        assertTrue(view.moreFragments);
        assertTrue(view.sport != 0);

        assertEquals(IPV6, parse(set16(EXT6, 80, 23 << 3)), "an IPv6 later fragment: no ports");
        assertEquals(PacketView.LATER_FRAGMENT, view.fragment);
        assertEquals(23 * 8, view.fragmentOffset);
        assertEquals(IpProtocol.UDP, view.protocol);
        assertEquals(0, view.sport);
        assertFalse(view.moreFragments);

        assertEquals(IPV4, parse(fixIpv4Checksum(set16(DNS, 20, 0x2000), 14)), "an IPv4 first fragment");
        assertEquals(PacketView.FIRST_FRAGMENT, view.fragment);
        assertEquals(IpProtocol.UDP, view.protocol);
        assertEquals(53, view.dport);
        assertEquals(0, view.fragmentOffset);
        assertEquals(34, view.fragmentDataOffset);
        assertEquals(view.l3Length - 20, view.fragmentLength());

        final byte[] bigUdp = fixIpv4Checksum(set16(set16(DNS, 20, 0x2000), 38, 4000), 14);
        assertEquals(IPV4, parse(bigUdp), "a first fragment's UDP length is the datagram's");

        assertEquals(IPV4, parse(fixIpv4Checksum(set16(DNS, 20, 0x2000 | 185), 14)), "a middle fragment");
        assertEquals(PacketView.LATER_FRAGMENT, view.fragment);
        assertEquals(185 * 8, view.fragmentOffset);
        assertTrue(view.moreFragments);
        assertEquals(0, view.dport);

        assertEquals(IPV4, parse(fixIpv4Checksum(set16(SYN, 20, 0x4001), 14)), "DF with an offset is a later one");
        assertEquals(PacketView.LATER_FRAGMENT, view.fragment);
        assertFalse(view.moreFragments);
    }

    @Test
    void shouldSkipChecksumVerificationWhenNicDidIt()
    {
        final byte[] frame = set16(SYN, 24, 0x0a12);

        assertEquals(BAD_IP_CHECKSUM, parse(frame));
        assertEquals(IPV4, new PacketParser(false).parse(MemorySegment.ofArray(frame), 0, frame.length, view));
    }

    @Test
    void shouldParseFrameAtOffsetWithOffsetsRelativeToFrame()
    {
        final byte[] buffer = new byte[SYN.length + 100];
        System.arraycopy(SYN, 0, buffer, 37, SYN.length);

        assertEquals(IPV4, parser.parse(MemorySegment.ofArray(buffer), 37, SYN.length, view));
        assertEquals(14, view.l3Offset);
        assertEquals(34, view.l4Offset);
        assertEquals(80, view.dport);
    }

    @Test
    void shouldResetViewBetweenPackets()
    {
        parse(SYN);
        assertEquals(ARP, parse(ARP_BYTES));

        assertEquals(0, view.protocol);
        assertEquals(0, view.sport);
        assertEquals(0, view.tcpFlags);
        assertEquals(0, view.saddrLo);
        assertEquals(0, view.l4Offset);
    }

    @Test
    void shouldNotAllocateWhileParsing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final MemorySegment[] segments = new MemorySegment[]{
            MemorySegment.ofArray(SYN), MemorySegment.ofArray(DNS), MemorySegment.ofArray(SYN6),
            MemorySegment.ofArray(EXT6), MemorySegment.ofArray(VLAN), MemorySegment.ofArray(ARP_BYTES),
            MemorySegment.ofArray(truncate(SYN, 60)), MemorySegment.ofArray(set8(SYN, 46, 0x42)) };
        final int[] lengths = new int[segments.length];
        for (int i = 0; i < segments.length; i++)
        {
            lengths[i] = (int)segments[i].byteSize();
        }

        long sink = 0;
        for (int i = 0; i < 200_000; i++)
        {
            sink += parser.parse(segments[i & 7], 0, lengths[i & 7], view);
        }
        final long calibrate = threads.getCurrentThreadAllocatedBytes();
        final long overhead = threads.getCurrentThreadAllocatedBytes() - calibrate;
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 100_000; i++)
        {
            sink += parser.parse(segments[i & 7], 0, lengths[i & 7], view);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before - overhead;

        assertTrue(sink > 0);
        // one stray JIT/deopt object is tolerated; a single allocation per packet would be >= 1.6 MB here
        assertTrue(allocated < 1024, "bytes allocated over 100k parses: " + allocated);
    }

    private int parse(final byte[] frame)
    {
        return parser.parse(MemorySegment.ofArray(frame), 0, frame.length, view);
    }

    /**
     * An IPv6 TCP SYN behind {@code count} generic 8-byte extension headers (destination options,
     * routing for the first when {@code firstHeaderExtLength} is non-zero), the last pointing at
     * {@code lastNextHeader}.
     */
    private static byte[] ipv6WithExtensions(final int count, final int lastNextHeader, final int firstHeaderExtLength)
    {
        final byte[] extensions = new byte[8 * count];
        for (int i = 0; i < count; i++)
        {
            extensions[8 * i] = (byte)(i == count - 1 ? lastNextHeader : IpProtocol.IPV6_DEST_OPTIONS);
            extensions[8 * i + 2] = 0x01; // PadN covering the remaining 4 bytes
            extensions[8 * i + 3] = 0x04;
        }
        final int firstHeader;
        if (firstHeaderExtLength != 0)
        {
            extensions[1] = (byte)firstHeaderExtLength;
            firstHeader = IpProtocol.IPV6_ROUTING;
        }
        else
        {
            firstHeader = IpProtocol.IPV6_DEST_OPTIONS;
        }
        final byte[] fixed = hex("60 00 00 00 00 00 00 40");
        fixed[4] = (byte)((extensions.length + TCP6.length) >>> 8);
        fixed[5] = (byte)(extensions.length + TCP6.length);
        fixed[6] = (byte)firstHeader;
        return concat(ETH6, fixed, IPV6_ADDRS, extensions, TCP6);
    }

    /** An IPv6 TCP SYN behind an AH whose payload length field is {@code ahLength} (24 bytes when 4). */
    private static byte[] ipv6WithAh(final int ahLength)
    {
        final byte[] ah = new byte[24];
        ah[0] = (byte)IpProtocol.TCP;
        ah[1] = (byte)ahLength;
        ah[7] = 0x01; // SPI 1
        ah[11] = 0x01; // sequence 1
        final byte[] fixed = hex("60 00 00 00 00 40 33 40");
        return concat(ETH6, fixed, IPV6_ADDRS, ah, TCP6);
    }
}
