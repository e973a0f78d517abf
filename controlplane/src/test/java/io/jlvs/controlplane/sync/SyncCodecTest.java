package io.jlvs.controlplane.sync;

import io.jlvs.controlplane.sync.codec.ConnBatchDecoder;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncCodecTest
{
    static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    static ConnKey key(final int cport)
    {
        return new ConnKey().setV4(6, 0xC612_0064, cport, 0xC612_000A, 80);
    }

    static ConnEntry entry()
    {
        return new ConnEntry().flags(ConnFlags.NOOUTPUT | 3).state(ConnState.ESTABLISHED).daddrV4(0xC612_000B)
            .dport(80).timeoutSec(900).fwmark(7);
    }

    private static UnsafeBuffer copy(final SyncCodec codec, final int length)
    {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[length]);
        b.putBytes(0, codec.buffer(), 0, length);
        return b;
    }

    @Test
    void shouldCarryEveryFieldABackupNeeds()
    {
        final SyncCodec out = new SyncCodec(KEY);
        final ConnKey v6 = new ConnKey().set(17, 10, 0x2001_0db8_0000_0000L, 0x64, 5353, 0x2001_0db8_0000_0000L, 0x10, 53);
        final ConnEntry e6 = new ConnEntry().flags(ConnFlags.TEMPLATE | 2).state(1).daf(10)
            .daddr(0x2001_0db8_0001_0000L, 0x11).dport(53).timeoutSec(360);
        assertTrue(out.add(key(40_000), entry()));
        assertTrue(out.add(v6, e6));
        final int length = out.sealBatch(7, 42, 1000, 5, 99, 1234567, 2);

        final SyncCodec in = new SyncCodec(KEY);
        assertEquals(SyncCodec.Verdict.OK, in.open(copy(out, length), 0, length));
        assertEquals(ConnBatchDecoder.TEMPLATE_ID, in.templateId());
        final ConnBatchDecoder batch = in.batch();
        assertEquals(7, batch.syncId());
        assertEquals(42, batch.senderId());
        assertEquals(1000, batch.epoch());
        assertEquals(5, batch.sequence());
        assertEquals(99, batch.catchUpId());
        assertEquals(1234567, batch.sentAtMs());
        final ConnBatchDecoder.ConnsDecoder conns = batch.conns();
        assertEquals(2, conns.count());
        final ConnKey k = new ConnKey();
        final ConnEntry e = new ConnEntry();
        SyncCodec.read(conns.next(), k, e);
        assertEquals(key(40_000), k);
        assertEquals(entry().flags(), e.flags());
        assertEquals(ConnState.ESTABLISHED, e.state());
        assertEquals(0xC612_000BL, e.daddrLo());
        assertEquals(900, e.timeoutSec());
        assertEquals(7, e.fwmark());
        SyncCodec.read(conns.next(), k, e);
        assertEquals(v6, k);
        assertEquals(10, e.daf());
        assertEquals(0x2001_0db8_0001_0000L, e.daddrHi());
        assertEquals(ConnFlags.TEMPLATE | 2, e.flags());
    }

    @Test
    void shouldHoldAtMostOneBatch()
    {
        final SyncCodec out = new SyncCodec(KEY);
        for (int i = 0; i < SyncCodec.MAX_BATCH; i++)
        {
            assertTrue(out.add(key(i), entry()));
        }
        assertFalse(out.add(key(99), entry()));
        final int length = out.sealBatch(0, 1, 1, 1, 0, 0, 2);
        assertTrue(length <= SyncCodec.MAX_MESSAGE);
        assertEquals(0, out.staged());
        assertEquals(SyncCodec.Verdict.OK, new SyncCodec(KEY).open(copy(out, length), 0, length));
    }

    @Test
    void shouldRefuseAMessageSignedWithAnotherKeyOrChangedOnTheWay()
    {
        final SyncCodec out = new SyncCodec(KEY);
        out.add(key(1), entry());
        final int length = out.sealBatch(0, 1, 1, 1, 0, 0, 2);
        final byte[] other = KEY.clone();
        other[0] ^= 1;
        assertEquals(SyncCodec.Verdict.AUTHENTICATION, new SyncCodec(other).open(copy(out, length), 0, length));
        for (final int at : new int[] {0, 9, 40, length - 40, length - 1})
        {
            final UnsafeBuffer changed = copy(out, length);
            changed.putByte(at, (byte)(changed.getByte(at) ^ 0x20));
            assertEquals(SyncCodec.Verdict.AUTHENTICATION, new SyncCodec(KEY).open(changed, 0, length), "byte " + at);
        }
    }

    @Test
    void shouldRefuseTruncatedAndOversizedMessages()
    {
        final SyncCodec out = new SyncCodec(KEY);
        out.add(key(1), entry());
        final int length = out.sealBatch(0, 1, 1, 1, 0, 0, 2);
        final SyncCodec in = new SyncCodec(KEY);
        assertEquals(SyncCodec.Verdict.TRUNCATED, in.open(copy(out, length), 0, 20));
        assertEquals(SyncCodec.Verdict.TRUNCATED, in.open(copy(out, length), 0, 0));
        // cut short: the tag no longer is where it was
        assertEquals(SyncCodec.Verdict.AUTHENTICATION, in.open(copy(out, length), 0, length - 1));
        assertEquals(SyncCodec.Verdict.MALFORMED, in.open(new UnsafeBuffer(new byte[SyncCodec.MAX_MESSAGE + 1]), 0,
            SyncCodec.MAX_MESSAGE + 1));
    }

    /**
     * A version 1 master's batch (no send time: its block 8 bytes shorter) is taken, so a pair may run both versions
     * while one director is updated; the send time reads as SBE's null value.
     */
    @Test
    void shouldTakeAVersionOneBatchWithoutItsSendTime()
    {
        final SyncCodec out = new SyncCodec(KEY);
        out.add(key(1), entry());
        final int length = out.sealBatch(3, 42, 1000, 5, 0, 1234567, 2);
        final int v1Length = length - Long.BYTES;
        final int sentAt = SyncCodec.HEADER_LENGTH + SyncCodec.BATCH_BLOCK_LENGTH_V1;
        final UnsafeBuffer v1 = new UnsafeBuffer(new byte[v1Length]);
        v1.putBytes(0, out.buffer(), 0, sentAt);
        v1.putBytes(sentAt, out.buffer(), sentAt + Long.BYTES, length - sentAt - Long.BYTES);
        v1.putShort(0, (short)SyncCodec.BATCH_BLOCK_LENGTH_V1, ByteOrder.LITTLE_ENDIAN);
        v1.putShort(6, (short)1, ByteOrder.LITTLE_ENDIAN);
        final SyncCodec in = new SyncCodec(KEY);
        assertEquals(SyncCodec.Verdict.OK, in.open(resign(v1, v1Length), 0, v1Length));
        assertEquals(42, in.batch().senderId());
        assertEquals(ConnBatchDecoder.sentAtMsNullValue(), in.batch().sentAtMs());
        final ConnBatchDecoder.ConnsDecoder conns = in.batch().conns();
        assertEquals(1, conns.count());
        final ConnKey k = new ConnKey();
        SyncCodec.read(conns.next(), k, new ConnEntry());
        assertEquals(key(1), k);

        out.add(key(1), entry());
        final int sealedV1 = out.sealBatch(3, 42, 1000, 5, 0, 1234567, 1);
        assertEquals(v1Length, sealedV1, "the codec's own version 1 batch");
        final UnsafeBuffer own = copy(out, sealedV1);
        for (int i = 0; i < v1Length - SyncCodec.TAG_LENGTH; i++)
        {
            assertEquals(v1.getByte(i), own.getByte(i), "byte " + i);
        }
        assertEquals(SyncCodec.Verdict.OK, new SyncCodec(KEY).open(own, 0, sealedV1));

        final int request = out.sealCatchUpRequest(0, 42, 1000, 6, 77);
        assertEquals(1, out.buffer().getShort(6, ByteOrder.LITTLE_ENDIAN), "a request has version 1's layout");
        assertEquals(SyncCodec.Verdict.OK, new SyncCodec(KEY).open(copy(out, request), 0, request));
        final int done = out.sealCatchUpDone(0, 42, 1000, 7, 77, 5);
        assertEquals(1, out.buffer().getShort(6, ByteOrder.LITTLE_ENDIAN), "so has a catch-up's end");
        assertEquals(SyncCodec.Verdict.OK, new SyncCodec(KEY).open(copy(out, done), 0, done));

        out.add(key(1), entry());
        assertEquals(length, out.sealBatch(3, 42, 1000, 5, 0, 1234567, 2));
        final UnsafeBuffer v1Long = copy(out, length); // version 1 with version 2's block: refused
        v1Long.putShort(6, (short)1, ByteOrder.LITTLE_ENDIAN);
        assertEquals(SyncCodec.Verdict.MALFORMED, new SyncCodec(KEY).open(resign(v1Long, length), 0, length));
    }

    /** A peer holding the key but speaking another version, or lying about its group's size, signs right. */
    @Test
    void shouldRefuseAnotherSchemaVersionAndABodyThatDoesNotFitItsLength()
    {
        final SyncCodec out = new SyncCodec(KEY);
        out.add(key(1), entry());
        final int length = out.sealBatch(0, 1, 1, 1, 0, 0, 2);
        final UnsafeBuffer v3 = copy(out, length);
        v3.putShort(6, (short)3, ByteOrder.LITTLE_ENDIAN);
        assertEquals(SyncCodec.Verdict.SCHEMA, new SyncCodec(KEY).open(resign(v3, length), 0, length));
        final UnsafeBuffer v0 = copy(out, length);
        v0.putShort(6, (short)0, ByteOrder.LITTLE_ENDIAN);
        assertEquals(SyncCodec.Verdict.SCHEMA, new SyncCodec(KEY).open(resign(v0, length), 0, length));

        final UnsafeBuffer lying = copy(out, length);
        lying.putShort(SyncCodec.HEADER_LENGTH + ConnBatchDecoder.BLOCK_LENGTH + 2, (short)40, ByteOrder.LITTLE_ENDIAN);
        assertEquals(SyncCodec.Verdict.MALFORMED, new SyncCodec(KEY).open(resign(lying, length), 0, length));

        final UnsafeBuffer unknown = copy(out, length);
        unknown.putShort(2, (short)9, ByteOrder.LITTLE_ENDIAN);
        assertEquals(SyncCodec.Verdict.MALFORMED, new SyncCodec(KEY).open(resign(unknown, length), 0, length));
    }

    @Test
    void shouldCarryCatchUpRequestsAndTheirEnd()
    {
        final SyncCodec out = new SyncCodec(KEY);
        final SyncCodec in = new SyncCodec(KEY);
        int length = out.sealCatchUpRequest(3, 11, 12, 13, 14);
        assertEquals(SyncCodec.Verdict.OK, in.open(copy(out, length), 0, length));
        assertEquals(14, in.request().requestId());
        assertEquals(3, in.request().syncId());
        length = out.sealCatchUpDone(3, 11, 12, 15, 14, 100_000);
        assertEquals(SyncCodec.Verdict.OK, in.open(copy(out, length), 0, length));
        assertEquals(100_000, in.done().conns());
        assertEquals(14, in.done().catchUpId());
    }

    /** Signs a changed message again with the pair's key, as a peer with the key would. */
    private static UnsafeBuffer resign(final UnsafeBuffer message, final int length)
    {
        try
        {
            final javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(KEY, "HmacSHA256"));
            final byte[] body = new byte[length - SyncCodec.TAG_LENGTH];
            message.getBytes(0, body);
            message.putBytes(body.length, mac.doFinal(body));
            return message;
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
