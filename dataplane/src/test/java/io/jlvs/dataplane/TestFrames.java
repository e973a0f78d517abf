package io.jlvs.dataplane;

import io.jlvs.dataplane.proto.InetChecksum;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/** Builds well-formed test frames (checksums right) byte by byte. */
final class TestFrames
{
    static final int ETH_IPV4 = 0x0800;
    static final int ETH_ARP = 0x0806;

    private TestFrames()
    {
    }

    static int ip(final String dotted)
    {
        final String[] p = dotted.split("\\.");
        return (Integer.parseInt(p[0]) << 24) | (Integer.parseInt(p[1]) << 16) | (Integer.parseInt(p[2]) << 8) |
            Integer.parseInt(p[3]);
    }

    /** An Ethernet frame (at least 60 bytes) with an IPv4 header, DF, TTL 64, positioned at the transport header. */
    private static ByteBuffer ipv4(final long dstMac, final long srcMac, final int ipLen, final int protocol,
        final int saddr, final int daddr)
    {
        final ByteBuffer b = ByteBuffer.allocate(Math.max(60, 14 + ipLen));
        mac(b, dstMac);
        mac(b, srcMac);
        b.putShort((short)ETH_IPV4);
        b.put((byte)0x45).put((byte)0).putShort((short)ipLen).putShort((short)1).putShort((short)0x4000);
        b.put((byte)64).put((byte)protocol).putShort((short)0).putInt(saddr).putInt(daddr);
        return b;
    }

    /** An SCTP packet with one chunk of {@code chunkType} (1 INIT, 0 DATA), 16 bytes long. */
    static byte[] sctp(final long dstMac, final long srcMac, final int saddr, final int sport, final int daddr,
        final int dport, final int chunkType)
    {
        final int ipLen = 20 + 12 + 16;
        final ByteBuffer b = ipv4(dstMac, srcMac, ipLen, 132, saddr, daddr);
        b.putShort((short)sport).putShort((short)dport).putInt(0x01020304).putInt(0);
        b.put((byte)chunkType).put((byte)0).putShort((short)16).putInt(0x0A0B0C0D).putInt(65535).putInt(0x00010001);
        final byte[] frame = b.array();
        InetChecksum.writeIpv4HeaderChecksum(MemorySegment.ofArray(frame), 14);
        return frame;
    }

    static byte[] tcp(final long dstMac, final long srcMac, final int saddr, final int sport, final int daddr,
        final int dport, final int flags, final int payload)
    {
        final int ipLen = 20 + 20 + payload;
        final ByteBuffer b = ipv4(dstMac, srcMac, ipLen, 6, saddr, daddr);
        b.putShort((short)sport).putShort((short)dport).putInt(1000).putInt((flags & 0x10) != 0 ? 2000 : 0);
        b.put((byte)0x50).put((byte)flags).putShort((short)65535).putShort((short)0).putShort((short)0);
        for (int i = 0; i < payload; i++)
        {
            b.put((byte)i);
        }
        final byte[] frame = b.array();
        final MemorySegment seg = MemorySegment.ofArray(frame);
        InetChecksum.writeIpv4HeaderChecksum(seg, 14);
        final int sum = InetChecksum.pseudoHeaderSum4(saddr, daddr, 6, 20 + payload);
        final int csum = InetChecksum.checksum(seg, 34, 20 + payload, sum);
        frame[50] = (byte)(csum >>> 8);
        frame[51] = (byte)csum;
        return frame;
    }

    static byte[] icmpEcho(final long dstMac, final long srcMac, final int saddr, final int daddr, final int ttl)
    {
        final int ipLen = 20 + 8 + 16;
        final ByteBuffer b = ByteBuffer.allocate(14 + ipLen);
        mac(b, dstMac);
        mac(b, srcMac);
        b.putShort((short)ETH_IPV4);
        b.put((byte)0x45).put((byte)0).putShort((short)ipLen).putShort((short)7).putShort((short)0);
        b.put((byte)ttl).put((byte)1).putShort((short)0).putInt(saddr).putInt(daddr);
        b.put((byte)8).put((byte)0).putShort((short)0).putShort((short)0x1234).putShort((short)1);
        for (int i = 0; i < 16; i++)
        {
            b.put((byte)(0x40 + i));
        }
        final byte[] frame = b.array();
        final MemorySegment seg = MemorySegment.ofArray(frame);
        InetChecksum.writeIpv4HeaderChecksum(seg, 14);
        final int csum = InetChecksum.checksum(seg, 34, 24, 0);
        frame[36] = (byte)(csum >>> 8);
        frame[37] = (byte)csum;
        return frame;
    }

    static byte[] arpRequest(final long srcMac, final int spa, final int tpa)
    {
        final ByteBuffer b = ByteBuffer.allocate(60);
        mac(b, 0xFFFF_FFFF_FFFFL);
        mac(b, srcMac);
        b.putShort((short)ETH_ARP);
        b.putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4).putShort((short)1);
        mac(b, srcMac);
        b.putInt(spa);
        mac(b, 0);
        b.putInt(tpa);
        return b.array();
    }

    static byte[] arpReply(final long dstMac, final long srcMac, final int spa, final int tpa)
    {
        final ByteBuffer b = ByteBuffer.allocate(60);
        mac(b, dstMac);
        mac(b, srcMac);
        b.putShort((short)ETH_ARP);
        b.putShort((short)1).putShort((short)0x0800).put((byte)6).put((byte)4).putShort((short)2);
        mac(b, srcMac);
        b.putInt(spa);
        mac(b, dstMac);
        b.putInt(tpa);
        return b.array();
    }

    /**
     * What a router makes of an IPv4 frame (no VLAN tag): TTL one less, the header checksum summed afresh here,
     * word by word, independently of the code under test. MACs are left as they are.
     */
    static byte[] routed(final byte[] frame)
    {
        final byte[] out = frame.clone();
        out[22] = (byte)(out[22] - 1);
        out[24] = 0;
        out[25] = 0;
        final int ihl = (out[14] & 0x0F) * 4;
        final int sum = onesComplementSum(out, 14, ihl);
        out[24] = (byte)(~sum >>> 8);
        out[25] = (byte)~sum;
        return out;
    }

    /** RFC 1071, over bytes, as plainly as it can be written: the tests' own checksum. */
    static int onesComplementSum(final byte[] b, final int from, final int length)
    {
        long sum = 0;
        for (int i = 0; i < length; i += 2)
        {
            final int hi = b[from + i] & 0xFF;
            final int lo = i + 1 < length ? b[from + i + 1] & 0xFF : 0;
            sum += (hi << 8) | lo;
        }
        while ((sum >>> 16) != 0)
        {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int)sum;
    }

    static long mac(final byte[] frame, final int offset)
    {
        long v = 0;
        for (int i = 0; i < 6; i++)
        {
            v = (v << 8) | (frame[offset + i] & 0xFF);
        }
        return v;
    }

    private static void mac(final ByteBuffer b, final long mac)
    {
        for (int i = 5; i >= 0; i--)
        {
            b.put((byte)(mac >>> (8 * i)));
        }
    }
}
