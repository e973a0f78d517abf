package io.jlvs.controlplane.sync;

import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's version 1 sync message, against frames built here field by field from {@code struct ip_vs_sync_mesg}
 * and {@code struct ip_vs_sync_v4}/{@code v6} of {@code ip_vs_sync.c}, not by the codec under test.
 */
class IpvsSyncV1Test
{
    /** One record as the kernel's ip_vs_sync_conn() writes it (v4 unless addresses are 16 bytes). */
    private static byte[] record(final int protocol, final int flags, final int state, final int cport, final int vport,
        final int dport, final int fwmark, final int timeout, final byte[] caddr, final byte[] vaddr,
        final byte[] daddr, final byte[] options)
    {
        final boolean v6 = caddr.length == 16;
        final int size = (v6 ? 72 : 36) + options.length;
        final ByteBuffer b = ByteBuffer.allocate(size);
        b.put((byte)(v6 ? 0x80 : 0)).put((byte)protocol).putShort((short)size).putInt(flags).putShort((short)state)
            .putShort((short)cport).putShort((short)vport).putShort((short)dport).putInt(fwmark).putInt(timeout)
            .put(caddr).put(vaddr).put(daddr).put(options);
        return b.array();
    }

    private static byte[] message(final int syncId, final byte[]... records)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (final byte[] r : records)
        {
            while (body.size() % 4 != 0)
            {
                body.write(0); // the kernel pads before each record after the first: offsets from the header's 8
            }
            body.writeBytes(r);
        }
        final ByteBuffer m = ByteBuffer.allocate(8 + body.size());
        m.put((byte)0).put((byte)syncId).putShort((short)(8 + body.size())).put((byte)records.length).put((byte)1)
            .putShort((short)0).put(body.toByteArray());
        return m.array();
    }

    private static byte[] ip(final String hex)
    {
        return HexFormat.of().parseHex(hex);
    }

    private record Got(ConnKey key, ConnEntry entry)
    {
    }

    private static List<Got> read(final IpvsSyncV1 codec, final byte[] m, final int syncId, final IpvsSyncV1.Verdict want)
    {
        final List<Got> got = new ArrayList<>();
        assertEquals(want, codec.read(m, m.length, syncId, (k, e) ->
        {
            final ConnKey kk = new ConnKey();
            kk.set(k.protocol(), k.af(), k.caddrHi(), k.caddrLo(), k.cport(), k.vaddrHi(), k.vaddrLo(), k.vport());
            got.add(new Got(kk, new ConnEntry().copyFrom(e)));
            return true;
        }));
        return got;
    }

    @Test
    void shouldReadWhatAKernelMasterSendsIpv4AndIpv6WithOptionsAndPadding()
    {
        final byte[] seq = new byte[26];
        seq[0] = 1;
        seq[1] = 24;
        final byte[] m = message(7,
            record(6, ConnFlags.NOOUTPUT | 3, ConnState.ESTABLISHED, 40000, 80, 80, 0, 900,
                ip("c6120064"), ip("c612000a"), ip("c612000b"), new byte[0]),
            record(17, 0, 0, 5353, 53, 5300, 9, 300,
                ip("c6120065"), ip("c6120014"), ip("c6120111"), seq),
            record(6, ConnFlags.NOOUTPUT | 3, ConnState.FIN_WAIT, 1234, 80, 80, 0, 120,
                ip("20010db8000000000000000000000100"), ip("20010db8000000000000000000000010"),
                ip("20010db8000000000000000000000011"), new byte[0]));
        final IpvsSyncV1 codec = new IpvsSyncV1();
        final List<Got> got = read(codec, m, 7, IpvsSyncV1.Verdict.OK);
        assertEquals(3, got.size());
        assertEquals(new ConnKey().setV4(6, 0xC612_0064, 40000, 0xC612_000A, 80), got.get(0).key());
        assertEquals(0xC612_000BL, got.get(0).entry().daddrLo());
        assertEquals(900, got.get(0).entry().timeoutSec());
        assertEquals(ConnState.ESTABLISHED, got.get(0).entry().state());
        assertEquals(17, got.get(1).key().protocol());
        assertEquals(5300, got.get(1).entry().dport());
        assertEquals(9, got.get(1).entry().fwmark());
        assertEquals(10, got.get(2).key().af());
        assertEquals(0x20010db800000000L, got.get(2).key().caddrHi());
        assertEquals(0x100, got.get(2).key().caddrLo());
        assertEquals(0x11, got.get(2).entry().daddrLo());
        assertEquals(ConnState.FIN_WAIT, got.get(2).entry().state());
    }

    @Test
    void shouldWriteWhatTheKernelReadsAndReadItBack()
    {
        final IpvsSyncV1 codec = new IpvsSyncV1();
        codec.begin(3);
        final ConnKey k = new ConnKey().setV4(6, 0xC612_0064, 40000, 0xC612_000A, 80);
        final ConnEntry e = new ConnEntry().flags(ConnFlags.NOOUTPUT | ConnFlags.HASHED | 3).state(1)
            .daddrV4(0xC612_000B).dport(80).timeoutSec(900);
        assertTrue(codec.add(k, e));
        final int length = codec.end();
        final byte[] expected = message(3, record(6, ConnFlags.NOOUTPUT | 3, 1, 40000, 80, 80, 0, 900, ip("c6120064"),
            ip("c612000a"), ip("c612000b"), new byte[0]));
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(codec.buffer(), 0, length),
            "byte for byte the kernel's layout, HASHED not sent");
        assertEquals(1, read(new IpvsSyncV1(), java.util.Arrays.copyOf(codec.buffer(), length), 3,
            IpvsSyncV1.Verdict.OK).size());
    }

    @Test
    void shouldFillAMessageUpToTheKernelsCap()
    {
        final IpvsSyncV1 codec = new IpvsSyncV1();
        codec.begin(0);
        int n = 0;
        while (codec.add(new ConnKey().setV4(6, 0x0A00_0001, 1000 + n, 0xC612_000A, 80), new ConnEntry().daddrV4(1)))
        {
            n++;
        }
        assertEquals((IpvsSyncV1.MAX_LENGTH - 8) / 36, n);
        assertTrue(codec.end() <= IpvsSyncV1.MAX_LENGTH);
    }

    @Test
    void shouldRefuseWhatTheKernelRefuses()
    {
        final byte[] one = record(6, 3, 1, 1, 80, 80, 0, 60, ip("0a000001"), ip("0a000002"), ip("0a000003"), new byte[0]);
        final IpvsSyncV1 codec = new IpvsSyncV1();
        final byte[] good = message(5, one);
        assertEquals(IpvsSyncV1.Verdict.TRUNCATED, codec.read(good, 7, 0, (k, e) -> true));
        final byte[] size = good.clone();
        size[3]++;
        assertEquals(IpvsSyncV1.Verdict.SIZE, codec.read(size, size.length, 0, (k, e) -> true));
        assertEquals(IpvsSyncV1.Verdict.SYNC_ID, codec.read(good, good.length, 6, (k, e) -> true));
        assertEquals(IpvsSyncV1.Verdict.OK, codec.read(good, good.length, 0, (k, e) -> true), "syncid 0 takes all");
        final byte[] v0 = good.clone();
        v0[0] = 1; // a version 0 message starts with nr_conns
        assertEquals(IpvsSyncV1.Verdict.VERSION, codec.read(v0, v0.length, 0, (k, e) -> true));
        final byte[] bogus = good.clone();
        bogus[8 + 3] = 40; // the record claims to run past the end
        assertEquals(IpvsSyncV1.Verdict.BOGUS_RECORD, codec.read(bogus, bogus.length, 0, (k, e) -> true));
        final byte[] recordVersion = good.clone();
        recordVersion[8 + 2] = 0x10; // a record of version 1, which no kernel writes
        assertEquals(IpvsSyncV1.Verdict.BOGUS_RECORD, codec.read(recordVersion, recordVersion.length, 0, (k, e) -> true));
        final byte[] pe = new byte[] {2, 2, 'x', 'y'};
        final byte[] withPe = message(0, record(17, 3, 0, 1, 5060, 5060, 0, 60, ip("0a000001"), ip("0a000002"),
            ip("0a000003"), pe), one);
        final boolean[] seen = new boolean[1];
        assertEquals(IpvsSyncV1.Verdict.OK, codec.read(withPe, withPe.length, 0, (k, e) ->
        {
            assertFalse(k.protocol() == 17, "a persistence engine's record is skipped");
            seen[0] = true;
            return true;
        }));
        assertTrue(seen[0], "the record after it is read");
        assertEquals(1, codec.recordsSkipped());
    }
}
