package io.jlvs.controlplane.sync;

import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.ControlledFragmentHandler.Action;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.logbuffer.Header;
import io.jlvs.controlplane.sync.SyncCounters.Kind;
import io.jlvs.controlplane.sync.codec.CatchUpDoneDecoder;
import io.jlvs.controlplane.sync.codec.CatchUpRequestDecoder;
import io.jlvs.controlplane.sync.codec.ConnBatchDecoder;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.conn.ConnVisitor;
import io.jlvs.dataplane.sync.SyncDelivery;
import io.jlvs.dataplane.sync.SyncRecord;
import io.jlvs.dataplane.sync.SyncReports;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.function.Consumer;

/**
 * The IPVS sync daemon, master and backup, on one thread of its own: the kernel's {@code sync_thread_master} and
 * {@code sync_thread_backup}, over Aeron ({@link SyncTransport}) with authenticated messages ({@link SyncCodec}),
 * and what the kernel lacks: a backup that starts, restarts or sees a new master asks for the whole table and gets
 * it (a catch-up), then the stream.
 * <h2>Master</h2>
 * Each cycle it sends, in this order, and nothing later before anything earlier: a message the publication refused
 * last time; what is left of a catch-up segment already read; the next segment of a catch-up walk; then the
 * connections the agents reported ({@link SyncReports}), batched. A catch-up reads the connection tables of record
 * segment by segment ({@link io.jlvs.dataplane.conn.ConnTable#forEachInSegment}), then the persistence templates. Because an agent reports a
 * connection only after saving it, and the walk's records leave before any report drained after the walk read them,
 * a backup never applies an older state after a newer one: it may always take the last word.
 * <h2>Backup</h2>
 * Each accepted batch goes, connection by connection, to the agent owning it ({@link SyncDelivery}); a batch whose
 * agents' inboxes lack room waits in Aeron's log (the poll is aborted and resumed). A message is accepted only with
 * the right tag, a known schema, the backup's syncid (when not 0), and a sequence later than the last one of its
 * sender's epoch; everything else is counted by reason and dropped ({@link SyncCounters}).
 * <p>
 * Roles start and stop from other threads ({@link #master}, {@link #backup}); everything else is this thread's.
 */
public final class SyncDaemon implements Agent, SyncEngine
{
    private static final Logger LOG = LoggerFactory.getLogger(SyncDaemon.class);
    /** A backup without its catch-up asks again after this long ... */
    static final long CATCH_UP_RETRY_MS = 1000;
    /** ... or after this long when its request reached no one (no master connected yet). */
    static final long CATCH_UP_UNSENT_RETRY_MS = 50;
    static final int FRAGMENT_LIMIT = 16;

    private final java.util.function.Supplier<SyncTransport> transports;
    private SyncTransport transport;
    private long restartAtMs;
    private final SyncCodec codec;
    private final SyncCounters counters;
    private final SyncReports reports;
    private final SyncDelivery delivery;
    private final ConnTables tables;
    private final EpochClock clock;
    private final Consumer<String> log;
    private final long senderId;
    private final long epoch;
    private final ControlledFragmentAssembler assembler;
    private final ConnKey key = new ConnKey();
    private final ConnEntry entry = new ConnEntry();
    private final ConnVisitor onReport = this::onReport;
    private final ConnVisitor onWalked = this::onWalked;
    private final ConnVisitor discard = (k, e) -> true;
    private final Long2ObjectHashMap<Peer> peers = new Long2ObjectHashMap<>();

    private volatile int masterSyncId = -1;
    private volatile int backupSyncId = -1;
    private volatile boolean wantCatchUp;

    private long sequence;
    private int pendingLength;
    private long pendingCatchUpId;
    private int pendingConns;

    // a catch-up being served: its id, where the walk is, the records read and not yet sent
    private boolean walking;
    private long walkId;
    private int walkTable;
    private int walkSegment;
    private long walkConns;
    private long walkStartedMs;
    private long servedId;
    private final ExpandableDirectByteBuffer walked = new ExpandableDirectByteBuffer(64 * 1024);
    private MemorySegment walkedMemory = SyncRecord.segmentOf(walked);
    private int walkedCount;
    private int walkedSent;

    // a catch-up asked for
    private boolean backupActive;
    private long requestId;
    private long requestedMs;
    private long requestStartedMs;
    private long caughtUpConns;
    private boolean lastOfferReachedNobody;
    private boolean requestReachedNobody;
    private long catchUpProgressMs;
    private volatile boolean caughtUp;
    private volatile long lastCatchUpConns = -1;
    private volatile long lastCatchUpMs = -1;
    private volatile long lagMs = -1;
    private volatile long lastBatchMs = -1;

    /**
     * The low 32 bits of a catch-up request's id from a backup that takes version 2 batches (a version 1 director's
     * ids are arbitrary: 1 in 2^32 looks like it). The request itself goes as version 1, whose layout it has, so that
     * a master not yet updated serves it; a master that hears a request without the mark sends version 1 batches
     * until it restarts, so a pair runs while its directors are updated one at a time.
     */
    static final long TAKES_VERSION_2 = 0x6A6C_7632L; // "jlv2"
    private boolean versionOneBackupHeard;
    private long requestMark = TAKES_VERSION_2;

    /** What is known of another director's daemon: the last accepted message. */
    private static final class Peer
    {
        long epoch;
        long sequence;
        long lastHeardMs;
    }

    public SyncDaemon(
        final java.util.function.Supplier<SyncTransport> transports,
        final SyncCodec codec,
        final SyncCounters counters,
        final SyncReports reports,
        final SyncDelivery delivery,
        final ConnTables tables,
        final EpochClock clock,
        final Consumer<String> log)
    {
        this.transports = transports;
        this.transport = transports.get();
        this.codec = codec;
        this.counters = counters;
        this.reports = reports;
        this.delivery = delivery;
        this.tables = tables;
        this.clock = clock;
        this.log = log;
        this.senderId = new SecureRandom().nextLong();
        this.epoch = clock.time();
        this.assembler = new ControlledFragmentAssembler(this::onMessage);
    }

    @Override
    public String roleName()
    {
        return "sync";
    }

    /** Starts ({@code syncId} 0..255) or stops (-1) the master role. */
    public void master(final int syncId)
    {
        masterSyncId = syncId;
    }

    /** Starts ({@code syncId} 0..255) or stops (-1) the backup role; starting it asks for a catch-up. */
    public void backup(final int syncId)
    {
        backupSyncId = syncId;
        caughtUp = false;
        wantCatchUp = true;
        lagMs = -1; // of this role's stream, not an earlier one's
        lastBatchMs = -1;
    }

    public int masterSyncId()
    {
        return masterSyncId;
    }

    public int backupSyncId()
    {
        return backupSyncId;
    }

    /** A backup that has received a whole table since it last asked. */
    public boolean caughtUp()
    {
        return caughtUp;
    }

    /** Asks the masters for the whole table again, as when one appeared. */
    public void requestCatchUp()
    {
        wantCatchUp = true;
    }

    /**
     * Called by Aeron (on this thread) when a peer's stream appears: a master come back, or a new one, to catch up
     * from once more. A backup still waiting for its catch-up keeps its request (asking anew would start the walk
     * over).
     */
    public void onPeerAppeared(final Image image)
    {
        if (caughtUp)
        {
            wantCatchUp = true;
        }
    }

    /**
     * A cycle. Should Aeron fail (its driver or client timed out, as when this thread was held up for seconds), the
     * transport is closed and made again, at most once a second, and a backup asks for the table anew: the peer is
     * survived, not lost.
     */
    @Override
    public int doWork()
    {
        if (null == transport || transport.isClosed())
        {
            return restart();
        }
        try
        {
            return work();
        }
        catch (final io.aeron.exceptions.AeronException | org.agrona.concurrent.AgentTerminationException ex)
        {
            log.accept("sync: Aeron failed (" + ex + "): the transport is made again");
            org.agrona.CloseHelper.quietClose(transport);
            transport = null;
            return 1;
        }
    }

    private int restart()
    {
        final long nowMs = clock.time();
        if (nowMs < restartAtMs)
        {
            return 0;
        }
        restartAtMs = nowMs + 1000;
        org.agrona.CloseHelper.quietClose(transport);
        transport = null;
        pendingLength = 0;
        walking = false;
        walkedCount = walkedSent = 0;
        caughtUp = false;
        wantCatchUp = true;
        try
        {
            transport = transports.get();
            counters.get(Kind.TRANSPORT_RESTARTS).increment();
            log.accept("sync: transport made again: " + transport);
        }
        catch (final RuntimeException ex)
        {
            log.accept("sync: cannot make the transport again (" + ex.getMessage() + "): trying in a second");
        }
        return 1;
    }

    private int work()
    {
        int work = transport.invoke();
        final long nowMs = clock.time();
        if (pendingLength > 0 && !offerPending())
        {
            return work;
        }
        work += transport.subscription().controlledPoll(assembler, FRAGMENT_LIMIT);
        if (masterSyncId >= 0)
        {
            work += serveCatchUp(nowMs);
            if (pendingLength == 0 && walkedSent == walkedCount && !walking)
            {
                work += drainReports();
            }
        }
        else
        {
            walking = false;
            walkedCount = walkedSent = 0;
            reports.poll(discard, Integer.MAX_VALUE); // not a master: reports made meanwhile are stale
        }
        work += askForCatchUp(nowMs);
        return work;
    }

    // ------------------------------------------------------------------------------------------------- master

    private int drainReports()
    {
        int work = 0;
        while (pendingLength == 0)
        {
            final int n = reports.poll(onReport, SyncCodec.MAX_BATCH - codec.staged());
            work += n;
            if (codec.staged() == SyncCodec.MAX_BATCH || (n == 0 && codec.staged() > 0))
            {
                send(0);
            }
            if (n == 0)
            {
                break;
            }
        }
        return work;
    }

    private boolean onReport(final ConnKey k, final ConnEntry e)
    {
        codec.add(k, e);
        return true;
    }

    private int serveCatchUp(final long nowMs)
    {
        int work = 0;
        while (pendingLength == 0 && walkedSent < walkedCount)
        {
            final int n = Math.min(SyncCodec.MAX_BATCH, walkedCount - walkedSent);
            for (int i = 0; i < n; i++)
            {
                SyncRecord.read(walkedMemory, (walkedSent + i) * SyncRecord.LENGTH, key, entry);
                codec.add(key, entry);
            }
            walkedSent += n;
            work += n;
            send(walkId);
        }
        if (pendingLength > 0 || walkedSent < walkedCount || !walking)
        {
            return work;
        }
        if (walkTable > tables.agents()) // every agent's table, then the templates
        {
            walking = false;
            servedId = walkId;
            final int length = codec.sealCatchUpDone(masterSyncId, senderId, epoch, ++sequence, walkId, walkConns);
            offer(length, walkId, 0);
            counters.get(Kind.CATCH_UPS_SERVED).increment();
            log.accept("sync: catch-up " + Long.toHexString(walkId) + " sent: " + walkConns + " connections in " +
                (nowMs - walkStartedMs) + " ms");
            return work + 1;
        }
        walkedCount = walkedSent = 0;
        final boolean templates = walkTable == tables.agents();
        if (templates)
        {
            tables.templates().forEachInSegment(walkSegment, key, entry, onWalked);
        }
        else
        {
            tables.table(walkTable).forEachInSegment(walkSegment, key, entry, onWalked);
        }
        walkConns += walkedCount;
        if (++walkSegment == (templates ? tables.templates().segments() : tables.table(walkTable).segments()))
        {
            walkSegment = 0;
            walkTable++;
        }
        return work + 1;
    }

    private boolean onWalked(final ConnKey k, final ConnEntry e)
    {
        if ((e.flags() & ConnFlags.ONE_PACKET) != 0)
        {
            return true;
        }
        final int at = walkedCount * SyncRecord.LENGTH;
        if (walked.capacity() < at + SyncRecord.LENGTH)
        {
            walked.checkLimit(at + SyncRecord.LENGTH);
            walkedMemory = SyncRecord.segmentOf(walked);
        }
        SyncRecord.write(walkedMemory, at, k, e);
        walkedCount++;
        return true;
    }

    private void startCatchUp(final long id, final long nowMs)
    {
        walking = true;
        walkId = id;
        walkTable = 0;
        walkSegment = 0;
        walkConns = 0;
        walkStartedMs = nowMs;
        walkedCount = walkedSent = 0;
    }

    private void send(final long catchUpId)
    {
        final int conns = codec.staged();
        final int length = codec.sealBatch(masterSyncId, senderId, epoch, ++sequence, catchUpId, clock.time(),
            versionOneBackupHeard ? 1 : 2);
        offer(length, catchUpId, conns);
    }

    /** Offers the sealed message; one the publication cannot take now stays pending and blocks what follows. */
    private void offer(final int length, final long catchUpId, final int conns)
    {
        pendingLength = length;
        pendingCatchUpId = catchUpId;
        pendingConns = conns;
        offerPending();
    }

    private boolean offerPending()
    {
        final long result = transport.offer(codec.buffer(), 0, pendingLength);
        lastOfferReachedNobody = false;
        if (result > 0)
        {
            counters.get(Kind.MESSAGES_SENT).increment();
            counters.get(0 == pendingCatchUpId ? Kind.CONNS_SENT : Kind.CATCH_UP_CONNS_SENT).getAndAdd(pendingConns);
        }
        else if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            counters.get(Kind.BACK_PRESSURED).increment();
            return false;
        }
        else if (result == Publication.NOT_CONNECTED)
        {
            lastOfferReachedNobody = true;
            counters.get(Kind.SENT_TO_NOBODY).increment();
            if (0 != pendingCatchUpId)
            {
                walking = false; // the backup went: it asks again when it is back
                walkedCount = walkedSent = 0;
            }
        }
        else if (result == Publication.CLOSED)
        {
            throw new io.aeron.exceptions.AeronException("the publication is closed");
        }
        else
        {
            LOG.error("sync publication refused a message: {}", result);
        }
        pendingLength = 0;
        return true;
    }

    // ------------------------------------------------------------------------------------------------- backup

    private int askForCatchUp(final long nowMs)
    {
        final boolean backup = backupSyncId >= 0;
        if (!backup)
        {
            backupActive = false;
            return 0;
        }
        if (!backupActive || wantCatchUp)
        {
            backupActive = true;
            wantCatchUp = false;
            caughtUp = false;
            // unique in the high half (mixed, so each request differs there), the mark in the low; never 0
            requestId = (mix(senderId ^ (nowMs << 8) ^ ++sequence) & 0xFFFF_FFFF_0000_0000L) | requestMark;
            requestId = 0 == requestId ? 1L << 32 : requestId;
            requestedMs = 0;
            catchUpProgressMs = 0;
            requestStartedMs = nowMs;
            caughtUpConns = 0;
        }
        if (caughtUp || pendingLength > 0 || nowMs - Math.max(requestedMs, catchUpProgressMs) <
            (requestReachedNobody ? CATCH_UP_UNSENT_RETRY_MS : CATCH_UP_RETRY_MS))
        {
            return 0;
        }
        requestedMs = nowMs;
        final int length = codec.sealCatchUpRequest(backupSyncId, senderId, epoch, ++sequence, requestId);
        offer(length, 0, 0);
        requestReachedNobody = lastOfferReachedNobody;
        counters.get(Kind.CATCH_UP_REQUESTS_SENT).increment();
        return 1;
    }

    private Action onMessage(final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        final SyncCodec.Verdict verdict = codec.open(buffer, offset, length);
        switch (verdict)
        {
            case OK ->
            {
            }
            case TRUNCATED ->
            {
                counters.get(Kind.DROPPED_TRUNCATED).increment();
                return Action.CONTINUE;
            }
            case AUTHENTICATION ->
            {
                counters.get(Kind.DROPPED_AUTHENTICATION).increment();
                return Action.CONTINUE;
            }
            case SCHEMA ->
            {
                counters.get(Kind.DROPPED_SCHEMA).increment();
                return Action.CONTINUE;
            }
            default ->
            {
                counters.get(Kind.DROPPED_MALFORMED).increment();
                return Action.CONTINUE;
            }
        }
        return switch (codec.templateId())
        {
            case ConnBatchDecoder.TEMPLATE_ID -> onBatch(codec.batch());
            case CatchUpRequestDecoder.TEMPLATE_ID -> onRequest(codec.request());
            case CatchUpDoneDecoder.TEMPLATE_ID -> onDone(codec.done());
            default -> Action.CONTINUE;
        };
    }

    /**
     * Whether a message from {@code sender} at ({@code msgEpoch}, {@code seq}) comes after everything accepted from it:
     * a later epoch (the sender restarted), or a later sequence in the same one.
     */
    private boolean isFresh(final long sender, final long msgEpoch, final long seq)
    {
        if (sender == senderId)
        {
            return false; // our own, looped back by multicast
        }
        final Peer p = peers.get(sender);
        if (null != p && (msgEpoch < p.epoch || (msgEpoch == p.epoch && seq <= p.sequence)))
        {
            counters.get(Kind.DROPPED_REPLAYED).increment();
            return false;
        }
        return true;
    }

    /** Records an accepted message; a new epoch of a known master means it restarted: the backup catches up. */
    private void accepted(final long sender, final long msgEpoch, final long seq, final boolean fromMaster)
    {
        Peer p = peers.get(sender);
        if (null == p)
        {
            p = new Peer();
            peers.put(sender, p);
        }
        else if (fromMaster && msgEpoch > p.epoch && backupSyncId >= 0)
        {
            wantCatchUp = true;
        }
        p.epoch = msgEpoch;
        p.sequence = seq;
        p.lastHeardMs = clock.time();
        counters.get(Kind.MESSAGES_RECEIVED).increment();
    }

    private Action onBatch(final ConnBatchDecoder batch)
    {
        final long sender = batch.senderId();
        final long msgEpoch = batch.epoch();
        final long seq = batch.sequence();
        if (!isFresh(sender, msgEpoch, seq))
        {
            return Action.CONTINUE;
        }
        final int backupId = backupSyncId;
        if (backupId < 0)
        {
            accepted(sender, msgEpoch, seq, true);
            counters.get(Kind.DROPPED_NOT_BACKUP).increment();
            return Action.CONTINUE;
        }
        if (backupId != 0 && batch.syncId() != backupId)
        {
            counters.get(Kind.DROPPED_SYNC_ID).increment();
            return Action.CONTINUE;
        }
        final long catchUpId = batch.catchUpId();
        final long sentAtMs = batch.sentAtMs(); // a version 1 master's: the null value
        final ConnBatchDecoder.ConnsDecoder conns = batch.conns();
        if (!delivery.hasRoom(conns.count()))
        {
            return Action.ABORT; // Aeron keeps the message; the agents make room
        }
        accepted(sender, msgEpoch, seq, true);
        int delivered = 0;
        while (conns.hasNext())
        {
            SyncCodec.read(conns.next(), key, entry);
            if (delivery.deliver(key, entry))
            {
                delivered++;
            }
            else
            {
                counters.get(Kind.DROPPED_INBOX_FULL).increment();
            }
        }
        counters.get(Kind.CONNS_RECEIVED).getAndAdd(delivered);
        if (0 == catchUpId && sentAtMs != ConnBatchDecoder.sentAtMsNullValue())
        {
            final long nowMs = clock.time();
            lagMs = Math.max(0, nowMs - sentAtMs); // a clock behind the master's reads as no lag
            lastBatchMs = nowMs;
        }
        if (catchUpId == requestId && 0 != catchUpId)
        {
            caughtUpConns += delivered;
            catchUpProgressMs = clock.time(); // on its way: no need to ask again
        }
        return Action.CONTINUE;
    }

    private Action onRequest(final CatchUpRequestDecoder request)
    {
        if (!isFresh(request.senderId(), request.epoch(), request.sequence()))
        {
            return Action.CONTINUE;
        }
        if ((request.requestId() & 0xFFFF_FFFFL) != TAKES_VERSION_2 && !versionOneBackupHeard)
        {
            versionOneBackupHeard = true; // a director not yet updated: batches without the send time from now on
            log.accept("sync: a backup that takes only version 1 messages asked for the table: sending version 1");
        }
        accepted(request.senderId(), request.epoch(), request.sequence(), false);
        final int masterId = masterSyncId;
        if (masterId < 0)
        {
            return Action.CONTINUE;
        }
        if (masterId != 0 && request.syncId() != 0 && request.syncId() != masterId)
        {
            counters.get(Kind.DROPPED_SYNC_ID).increment();
            return Action.CONTINUE;
        }
        // a new request restarts any walk: one walk then serves every backup listening; the same request again
        // (asked while its catch-up, or its end, is on its way to a slow backup) changes nothing
        final long id = request.requestId();
        if (id != servedId && (!walking || id != walkId))
        {
            startCatchUp(id, clock.time());
        }
        return Action.CONTINUE;
    }

    private Action onDone(final CatchUpDoneDecoder done)
    {
        if (!isFresh(done.senderId(), done.epoch(), done.sequence()))
        {
            return Action.CONTINUE;
        }
        accepted(done.senderId(), done.epoch(), done.sequence(), true);
        if (backupSyncId >= 0 && done.catchUpId() == requestId && !caughtUp)
        {
            caughtUp = true;
            lastCatchUpConns = caughtUpConns;
            lastCatchUpMs = clock.time() - requestStartedMs;
            counters.get(Kind.CATCH_UPS_COMPLETED).increment();
            log.accept("sync: caught up: " + caughtUpConns + " connections (master sent " + done.conns() + ") in " +
                lastCatchUpMs + " ms");
        }
        return Action.CONTINUE;
    }

    @Override
    public long lagMs()
    {
        return lagMs;
    }

    @Override
    public long lastBatchMs()
    {
        return lastBatchMs;
    }

    /** SplitMix64's finalizer: every bit of the input reaches the high half. */
    private static long mix(final long v)
    {
        long z = v;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** Plays a backup not yet updated, which asks for the table without {@link #TAKES_VERSION_2}: for tests. */
    void askAsVersion1()
    {
        requestMark = 0;
    }

    /** For {@code jlvs sync}: roles, transport, peers, the last catch-up, the lag, the counters. */
    public String report()
    {
        final StringBuilder sb = new StringBuilder();
        sb.append("sync daemon ").append(Long.toHexString(senderId)).append(", ").append(transport).append('\n');
        sb.append("  master: ").append(masterSyncId < 0 ? "stopped" : "syncid " + masterSyncId).append('\n');
        sb.append("  backup: ").append(backupSyncId < 0 ? "stopped" : "syncid " + backupSyncId +
            (caughtUp ? ", caught up (" + lastCatchUpConns + " connections in " + lastCatchUpMs + " ms)" :
            ", catching up") + (lagMs < 0 ? "" : ", lag of the last batch " + lagMs + " ms")).append('\n');
        sb.append(counters.report());
        return sb.toString();
    }

    /** The transport in use, for tests that make it fail. */
    SyncTransport transport()
    {
        return transport;
    }

    @Override
    public void onClose()
    {
        org.agrona.CloseHelper.quietClose(transport);
    }
}
