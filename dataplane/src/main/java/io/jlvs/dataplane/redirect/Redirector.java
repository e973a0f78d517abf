package io.jlvs.dataplane.redirect;

import io.jlvs.dataplane.arp.NeighbourTable;
import io.jlvs.dataplane.port.TxBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * One agent's side of the {@link RedirectRings}: it hands packets of connections other agents own to them, in one
 * message per owner and burst (the ring's cost is paid per burst, not per packet), and takes what the others handed
 * it. Packets travel as their buffer handles: an mbuf may be sent or freed on any queue of its port.
 * <p>
 * Messages:
 * <pre>
 *   {@link #MSG_PACKETS}    int count, int pad, long handle[count]        packets of connections the reader owns
 *   {@link #MSG_FRAGMENTS}  int count, int pad, long handle[count]        fragments of datagrams the reader gathers
 *   {@link #MSG_NEIGHBOUR}  int ipv4, int pad, long mac                   a neighbour the writer learned from ARP
 *   {@link #MSG_NEIGHBOUR6} long hi, long lo, long mac                    one it learned from neighbour discovery
 *   {@link #MSG_SYNC_CONN}  a {@link io.jlvs.dataplane.sync.SyncRecord}                    a connection a sync master reported
 * </pre>
 * The second exists because ARP replies reach whichever queue the NIC picks (queue 0 under RSS), while every agent
 * resolves its own next hops: what one agent learns, all learn.
 * <p>
 * The agent's own: every method runs on its thread. Nothing allocates.
 */
public final class Redirector
{
    public static final int MSG_PACKETS = 1;
    public static final int MSG_NEIGHBOUR = 2;
    public static final int MSG_FRAGMENTS = 3;
    public static final int MSG_NEIGHBOUR6 = 4;
    public static final int MSG_SYNC_CONN = 5;
    /** Sync reports one {@link #poll} applies at most, so a catch-up does not starve the port. */
    public static final int SYNC_REPORTS_PER_POLL = 64;
    private static final int HEADER = 8;

    private final int self;
    private final RingBuffer[] inboxes;
    private final RingBuffer inbox;
    /** [kind][agent]: batches of {@link #MSG_PACKETS} (kind 0) and {@link #MSG_FRAGMENTS} (kind 1). */
    private final long[][][] pending;
    private final int[][] pendingCount;
    private final NeighbourTable neighbours;
    private final AtomicCounter redirected;
    private final AtomicCounter ringFull;
    private final MessageHandler reader = this::onMessage;
    private long[] received;
    private int receivedCount;
    private int receivedType;
    private long nowMs;
    private SyncHandler syncHandler;
    private int syncApplied;

    /** Applies a sync report ({@link #MSG_SYNC_CONN}) the daemon handed this agent. */
    @FunctionalInterface
    public interface SyncHandler
    {
        void onSync(MutableDirectBuffer buffer, int index, long nowMs);
    }

    /**
     * @param self       this agent's index.
     * @param burst      most packets in one message.
     * @param neighbours this agent's neighbour table, which learns what the others learned.
     * @param redirected counts packets handed to their owners.
     * @param ringFull   counts packets dropped because their owner's inbox was full.
     */
    public Redirector(
        final RedirectRings rings,
        final int self,
        final int burst,
        final NeighbourTable neighbours,
        final AtomicCounter redirected,
        final AtomicCounter ringFull)
    {
        this.self = self;
        this.inboxes = new RingBuffer[rings.agents()];
        for (int i = 0; i < inboxes.length; i++)
        {
            inboxes[i] = rings.inbox(i);
        }
        this.inbox = rings.inbox(self);
        if (inbox.maxMsgLength() < HEADER + burst * Long.BYTES)
        {
            throw new IllegalArgumentException("a burst of " + burst + " does not fit the rings' messages");
        }
        this.pending = new long[2][inboxes.length][burst];
        this.pendingCount = new int[2][inboxes.length];
        this.neighbours = neighbours;
        this.redirected = redirected;
        this.ringFull = ringFull;
    }

    /** Who applies the sync reports this agent's inbox receives; without one they are dropped. */
    public void syncHandler(final SyncHandler handler)
    {
        this.syncHandler = handler;
    }

    public int self()
    {
        return self;
    }

    public int agents()
    {
        return inboxes.length;
    }

    /** Queues a packet for the agent owning its connection; {@link #flush} sends. A full batch is sent at once. */
    public void redirect(final int owner, final long handle, final TxBuffer tx)
    {
        queue(0, owner, handle, tx);
    }

    /** Queues a fragment for the agent gathering its datagram's fragments. */
    public void redirectFragment(final int gatherer, final long handle, final TxBuffer tx)
    {
        queue(1, gatherer, handle, tx);
    }

    private void queue(final int kind, final int agent, final long handle, final TxBuffer tx)
    {
        final long[] batch = pending[kind][agent];
        int n = pendingCount[kind][agent];
        if (n == batch.length)
        {
            send(kind, agent, tx);
            n = 0;
        }
        batch[n] = handle;
        pendingCount[kind][agent] = n + 1;
    }

    /** Sends every queued batch; what an owner's full inbox refuses is dropped (freed through {@code tx}) and counted. */
    public int flush(final TxBuffer tx)
    {
        int sent = 0;
        for (int kind = 0; kind < 2; kind++)
        {
            for (int agent = 0; agent < inboxes.length; agent++)
            {
                if (pendingCount[kind][agent] > 0)
                {
                    sent += send(kind, agent, tx);
                }
            }
        }
        return sent;
    }

    private int send(final int kind, final int agent, final TxBuffer tx)
    {
        final int n = pendingCount[kind][agent];
        final long[] batch = pending[kind][agent];
        pendingCount[kind][agent] = 0;
        final RingBuffer ring = inboxes[agent];
        final int index = ring.tryClaim(0 == kind ? MSG_PACKETS : MSG_FRAGMENTS, HEADER + n * Long.BYTES);
        if (index < 0)
        {
            for (int i = 0; i < n; i++)
            {
                tx.drop(batch[i]);
            }
            ringFull.getAndAddRelease(n);
            return 0;
        }
        final MutableDirectBuffer buffer = ring.buffer();
        buffer.putInt(index, n);
        for (int i = 0; i < n; i++)
        {
            buffer.putLong(index + HEADER + i * Long.BYTES, batch[i]);
        }
        ring.commit(index);
        redirected.getAndAddRelease(n);
        return n;
    }

    /** Tells every other agent of a neighbour this one learned; an inbox without room is skipped (it asks itself). */
    public void neighbourLearned(final int ipv4, final long mac)
    {
        for (int i = 0; i < inboxes.length; i++)
        {
            if (i == self)
            {
                continue;
            }
            final RingBuffer ring = inboxes[i];
            final int index = ring.tryClaim(MSG_NEIGHBOUR, HEADER + Long.BYTES);
            if (index > 0)
            {
                ring.buffer().putInt(index, ipv4);
                ring.buffer().putLong(index + HEADER, mac);
                ring.commit(index);
            }
        }
    }

    /** {@link #neighbourLearned} for an IPv6 neighbour. */
    public void neighbourLearned6(final long hi, final long lo, final long mac)
    {
        for (int i = 0; i < inboxes.length; i++)
        {
            if (i == self)
            {
                continue;
            }
            final RingBuffer ring = inboxes[i];
            final int index = ring.tryClaim(MSG_NEIGHBOUR6, 3 * Long.BYTES);
            if (index > 0)
            {
                ring.buffer().putLong(index, hi);
                ring.buffer().putLong(index + Long.BYTES, lo);
                ring.buffer().putLong(index + 2 * Long.BYTES, mac);
                ring.commit(index);
            }
        }
    }

    /**
     * Takes messages from this agent's inbox until one carries packets or fragments (their handles go to
     * {@code into}, which holds a batch; {@link #receivedType} says which) or the inbox is empty; neighbour messages
     * on the way are learned at {@code nowMs}.
     *
     * @return how many handles were put in {@code into}; 0 when the inbox is empty.
     */
    public int poll(final long[] into, final long nowMs)
    {
        this.received = into;
        this.receivedCount = 0;
        this.nowMs = nowMs;
        this.syncApplied = 0;
        while (0 == receivedCount && syncApplied < SYNC_REPORTS_PER_POLL && inbox.read(reader, 1) > 0)
        {
            // one message at a time: a packet message ends the poll, neighbour and sync messages do not
        }
        this.received = null;
        return receivedCount;
    }

    /** Sync reports the last {@link #poll} applied. */
    public int syncApplied()
    {
        return syncApplied;
    }

    /** {@link #MSG_PACKETS} or {@link #MSG_FRAGMENTS}: what the last {@link #poll} returned. */
    public int receivedType()
    {
        return receivedType;
    }

    private void onMessage(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        if (type == MSG_PACKETS || type == MSG_FRAGMENTS)
        {
            receivedType = type;
            final int n = buffer.getInt(index);
            for (int i = 0; i < n; i++)
            {
                received[i] = buffer.getLong(index + HEADER + i * Long.BYTES);
            }
            receivedCount = n;
        }
        else if (type == MSG_NEIGHBOUR)
        {
            neighbours.learn(buffer.getInt(index), buffer.getLong(index + HEADER), nowMs);
        }
        else if (type == MSG_SYNC_CONN)
        {
            syncApplied++;
            if (null != syncHandler)
            {
                syncHandler.onSync(buffer, index, nowMs);
            }
        }
        else if (type == MSG_NEIGHBOUR6)
        {
            neighbours.learn6(buffer.getLong(index), buffer.getLong(index + Long.BYTES),
                buffer.getLong(index + 2 * Long.BYTES), nowMs);
        }
    }
}
