package io.jlvs.controlplane.sync;

import io.jlvs.controlplane.sync.codec.CatchUpDoneDecoder;
import io.jlvs.controlplane.sync.codec.CatchUpDoneEncoder;
import io.jlvs.controlplane.sync.codec.CatchUpRequestDecoder;
import io.jlvs.controlplane.sync.codec.CatchUpRequestEncoder;
import io.jlvs.controlplane.sync.codec.ConnBatchDecoder;
import io.jlvs.controlplane.sync.codec.ConnBatchEncoder;
import io.jlvs.controlplane.sync.codec.MessageHeaderDecoder;
import io.jlvs.controlplane.sync.codec.MessageHeaderEncoder;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.sync.SyncRecord;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

/**
 * The sync messages of {@code src/main/sbe/jlvs-sync.xml}, with their authentication: each message is its SBE header
 * and body followed by an HMAC-SHA256 tag over both, under the pair's {@link SyncKey}.
 * <p>
 * Sending: {@link #add} stages connections (at most {@value #MAX_BATCH}), {@link #sealBatch} encodes and signs them
 * into {@link #buffer()}; {@link #sealCatchUpRequest} and {@link #sealCatchUpDone} likewise. Receiving:
 * {@link #open} checks length, tag, schema and layout before anything is read, and says why a message is refused;
 * then the decoders are positioned on it. One thread's: the buffers are reused.
 */
public final class SyncCodec
{
    /** Connections one message carries at most: about 6 KiB, which Aeron fragments and reassembles. */
    public static final int MAX_BATCH = 64;
    public static final int TAG_LENGTH = 32;
    static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    static final int CONN_LENGTH = ConnBatchEncoder.ConnsEncoder.sbeBlockLength();
    static final int GROUP_HEADER_LENGTH = ConnBatchEncoder.ConnsEncoder.sbeHeaderSize();
    /** A version 1 batch's block: the version 2 one without sentAtMs, so a pair may run both during an update. */
    static final int BATCH_BLOCK_LENGTH_V1 = ConnBatchEncoder.BLOCK_LENGTH - Long.BYTES;
    static final int MAX_MESSAGE = HEADER_LENGTH + ConnBatchEncoder.BLOCK_LENGTH + GROUP_HEADER_LENGTH +
        MAX_BATCH * CONN_LENGTH + TAG_LENGTH;

    /** Why {@link #open} refused a message; the order is the order of the checks. */
    public enum Verdict
    {
        OK, TRUNCATED, AUTHENTICATION, SCHEMA, MALFORMED
    }

    private final Mac mac;
    private final byte[] tag = new byte[TAG_LENGTH];
    private final byte[] received = new byte[TAG_LENGTH];
    private final byte[] scratch = new byte[MAX_MESSAGE];
    private final ByteBuffer out = BufferUtil.allocateDirectAligned(MAX_MESSAGE, 64);
    private final ByteBuffer outView = out.duplicate();
    private final UnsafeBuffer buffer = new UnsafeBuffer(out);
    private final UnsafeBuffer staged = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
        MAX_BATCH * SyncRecord.LENGTH, 64));
    private final MemorySegment stagedMemory = SyncRecord.segmentOf(staged);
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnBatchEncoder batchEncoder = new ConnBatchEncoder();
    private final CatchUpRequestEncoder requestEncoder = new CatchUpRequestEncoder();
    private final CatchUpDoneEncoder doneEncoder = new CatchUpDoneEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnBatchDecoder batchDecoder = new ConnBatchDecoder();
    private final CatchUpRequestDecoder requestDecoder = new CatchUpRequestDecoder();
    private final CatchUpDoneDecoder doneDecoder = new CatchUpDoneDecoder();
    private int stagedCount;

    public SyncCodec(final byte[] key)
    {
        try
        {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("HMAC-SHA256: " + ex.getMessage(), ex);
        }
    }

    /** Stages a connection for the next batch; false when the batch is full (seal it first). */
    public boolean add(final ConnKey k, final ConnEntry e)
    {
        if (stagedCount == MAX_BATCH)
        {
            return false;
        }
        SyncRecord.write(stagedMemory, stagedCount * SyncRecord.LENGTH, k, e);
        stagedCount++;
        return true;
    }

    public int staged()
    {
        return stagedCount;
    }

    /**
     * Encodes and signs the staged connections as one message into {@link #buffer()}; the stage is emptied. A
     * {@code version} 1 batch, for a backup that takes no other, has no send time.
     */
    public int sealBatch(final int syncId, final long senderId, final long epoch, final long sequence,
        final long catchUpId, final long sentAtMs, final int version)
    {
        batchEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .syncId((short)syncId)
            .senderId(senderId)
            .epoch(epoch)
            .sequence(sequence)
            .catchUpId(catchUpId)
            .sentAtMs(sentAtMs);
        final ConnBatchEncoder.ConnsEncoder conns = batchEncoder.connsCount(stagedCount);
        for (int i = 0; i < stagedCount; i++)
        {
            SyncRecord.read(stagedMemory, i * SyncRecord.LENGTH, key, entry);
            conns.next()
                .protocol((short)key.protocol())
                .af((short)key.af())
                .daf((short)entry.daf())
                .state((short)entry.state())
                .flags(entry.flags() & 0xFFFF_FFFFL)
                .cport(key.cport())
                .vport(key.vport())
                .dport(entry.dport())
                .fwmark(entry.fwmark() & 0xFFFF_FFFFL)
                .timeout(entry.timeoutSec() & 0xFFFF_FFFFL)
                .caddrHi(key.caddrHi())
                .caddrLo(key.caddrLo())
                .vaddrHi(key.vaddrHi())
                .vaddrLo(key.vaddrLo())
                .daddrHi(entry.daddrHi())
                .daddrLo(entry.daddrLo())
                .inSeqInit(0).inSeqDelta(0).inSeqPrevDelta(0)
                .outSeqInit(0).outSeqDelta(0).outSeqPrevDelta(0);
        }
        stagedCount = 0;
        int length = HEADER_LENGTH + batchEncoder.encodedLength();
        if (1 == version)
        {
            final int sentAt = HEADER_LENGTH + BATCH_BLOCK_LENGTH_V1; // sentAtMs is the block's last field
            buffer.putBytes(sentAt, buffer, sentAt + Long.BYTES, length - sentAt - Long.BYTES);
            headerEncoder.blockLength(BATCH_BLOCK_LENGTH_V1).version(1);
            length -= Long.BYTES;
        }
        return sign(length);
    }

    public int sealCatchUpRequest(final int syncId, final long senderId, final long epoch, final long sequence,
        final long requestId)
    {
        requestEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .syncId((short)syncId)
            .senderId(senderId)
            .epoch(epoch)
            .sequence(sequence)
            .requestId(requestId);
        headerEncoder.version(1); // its layout is version 1's: a director not yet updated takes it
        return sign(HEADER_LENGTH + requestEncoder.encodedLength());
    }

    public int sealCatchUpDone(final int syncId, final long senderId, final long epoch, final long sequence,
        final long catchUpId, final long conns)
    {
        doneEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .syncId((short)syncId)
            .senderId(senderId)
            .epoch(epoch)
            .sequence(sequence)
            .catchUpId(catchUpId)
            .conns(conns);
        headerEncoder.version(1);
        return sign(HEADER_LENGTH + doneEncoder.encodedLength());
    }

    /** The message last sealed, from offset 0. */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    private int sign(final int length)
    {
        outView.clear().limit(length);
        mac.update(outView);
        try
        {
            mac.doFinal(tag, 0);
        }
        catch (final javax.crypto.ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
        buffer.putBytes(length, tag);
        return length + TAG_LENGTH;
    }

    /**
     * Checks a received message: long enough for a header and a tag, the tag right, the schema's id and version
     * ours, a known template whose body and group fit the length exactly. On {@link Verdict#OK}, {@link #templateId}
     * says which decoder ({@link #batch}, {@link #request}, {@link #done}) is positioned on it.
     */
    public Verdict open(final DirectBuffer in, final int offset, final int length)
    {
        final int signed = length - TAG_LENGTH;
        if (signed < HEADER_LENGTH || length > MAX_MESSAGE)
        {
            return length > MAX_MESSAGE ? Verdict.MALFORMED : Verdict.TRUNCATED;
        }
        in.getBytes(offset, scratch, 0, signed);
        mac.update(scratch, 0, signed);
        try
        {
            mac.doFinal(tag, 0);
        }
        catch (final javax.crypto.ShortBufferException ex)
        {
            throw new IllegalStateException(ex);
        }
        in.getBytes(offset + signed, received);
        if (!MessageDigest.isEqual(tag, received))
        {
            return Verdict.AUTHENTICATION;
        }
        headerDecoder.wrap(in, offset);
        final int version = headerDecoder.version();
        if (headerDecoder.schemaId() != ConnBatchDecoder.SCHEMA_ID || version < 1 ||
            version > ConnBatchDecoder.SCHEMA_VERSION)
        {
            return Verdict.SCHEMA;
        }
        final int body = offset + HEADER_LENGTH;
        final int bodyLength = signed - HEADER_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        switch (headerDecoder.templateId())
        {
            case ConnBatchDecoder.TEMPLATE_ID ->
            {
                if (blockLength != (version == 1 ? BATCH_BLOCK_LENGTH_V1 : ConnBatchDecoder.BLOCK_LENGTH) ||
                    bodyLength < blockLength + GROUP_HEADER_LENGTH)
                {
                    return Verdict.MALFORMED;
                }
                final int groupBlock = in.getShort(body + blockLength, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                final int count = in.getShort(body + blockLength + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
                if (groupBlock != CONN_LENGTH || count > MAX_BATCH ||
                    bodyLength != blockLength + GROUP_HEADER_LENGTH + count * CONN_LENGTH)
                {
                    return Verdict.MALFORMED;
                }
                batchDecoder.wrap(in, body, blockLength, version);
            }
            case CatchUpRequestDecoder.TEMPLATE_ID ->
            {
                if (blockLength != CatchUpRequestDecoder.BLOCK_LENGTH || bodyLength != blockLength)
                {
                    return Verdict.MALFORMED;
                }
                requestDecoder.wrap(in, body, blockLength, version);
            }
            case CatchUpDoneDecoder.TEMPLATE_ID ->
            {
                if (blockLength != CatchUpDoneDecoder.BLOCK_LENGTH || bodyLength != blockLength)
                {
                    return Verdict.MALFORMED;
                }
                doneDecoder.wrap(in, body, blockLength, version);
            }
            default ->
            {
                return Verdict.MALFORMED;
            }
        }
        return Verdict.OK;
    }

    /** The template of the message {@link #open} accepted. */
    public int templateId()
    {
        return headerDecoder.templateId();
    }

    public ConnBatchDecoder batch()
    {
        return batchDecoder;
    }

    public CatchUpRequestDecoder request()
    {
        return requestDecoder;
    }

    public CatchUpDoneDecoder done()
    {
        return doneDecoder;
    }

    /** Sets {@code k} and {@code e} from the connection the group decoder is on. */
    public static void read(final ConnBatchDecoder.ConnsDecoder c, final ConnKey k, final ConnEntry e)
    {
        k.set(c.protocol(), c.af(), c.caddrHi(), c.caddrLo(), c.cport(), c.vaddrHi(), c.vaddrLo(), c.vport());
        e.reset()
            .flags((int)c.flags())
            .state(c.state())
            .daf(c.daf())
            .daddr(c.daddrHi(), c.daddrLo())
            .dport(c.dport())
            .fwmark((int)c.fwmark())
            .timeoutSec((int)Math.min(c.timeout(), Integer.MAX_VALUE));
    }
}
