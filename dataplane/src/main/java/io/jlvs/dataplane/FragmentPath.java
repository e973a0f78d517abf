package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.conn.FlowCache;
import io.jlvs.dataplane.frag.FragmentTable;
import io.jlvs.dataplane.port.PacketPort;
import io.jlvs.dataplane.port.TxBuffer;
import io.jlvs.dataplane.proto.PacketView;
import io.jlvs.dataplane.redirect.Redirector;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * How an agent passes IP fragments of a service's traffic, in two roles: gathering a datagram's fragments (its
 * {@link FragmentTable} of datagrams by source, destination, id and protocol: who owns the connection, what is held
 * until the first fragment says so) and forwarding the fragments of a connection it owns (the datagram's connection
 * key from its first fragment). One per agent, on its thread; nothing allocates.
 */
final class FragmentPath
{
    /** Datagrams in passage at once, per role (gathering, owned), per agent. */
    static final int FRAGMENT_DATAGRAMS = 1024;
    /** Fragment table slots looked at for expiry per housekeeping round. */
    static final int FRAGMENT_SWEEP = 256;

    /** Forwards a packet of a connection this agent owns, its key, tag and route set. */
    @FunctionalInterface
    interface Forward
    {
        void onOwned(Packet p);
    }

    private final FragmentTable gathering = new FragmentTable(FRAGMENT_DATAGRAMS);
    private final FragmentTable owned = new FragmentTable(FRAGMENT_DATAGRAMS);
    private final Packet held = new Packet();
    private final FragmentTable.HeldHandler onHeldExpired = this::onHeldExpired;
    private final PacketPort port;
    private final TxBuffer tx;
    private final Redirector redirector;
    private final BurstClassifier classifier;
    private final int self;
    private final int agents;
    private final Forward forward;
    private final AtomicCounter fragmentsHeld;
    private final AtomicCounter fragmentBad;
    private final AtomicCounter fragmentTableFull;
    private final AtomicCounter fragmentTimeout;
    private final AtomicCounter fragmentNoConn;
    private ForwardingSnapshot snapshot;
    private long nowMs;

    FragmentPath(
        final PacketPort port,
        final TxBuffer tx,
        final Redirector redirector,
        final BurstClassifier classifier,
        final int self,
        final int agents,
        final Forward forward,
        final AtomicCounter[] counters)
    {
        this.port = port;
        this.tx = tx;
        this.redirector = redirector;
        this.classifier = classifier;
        this.self = self;
        this.agents = agents;
        this.forward = forward;
        this.fragmentsHeld = counters[LbCounterDescriptor.FRAGMENTS_HELD.ordinal()];
        this.fragmentBad = counters[LbCounterDescriptor.FRAGMENT_BAD.ordinal()];
        this.fragmentTableFull = counters[LbCounterDescriptor.FRAGMENT_TABLE_FULL.ordinal()];
        this.fragmentTimeout = counters[LbCounterDescriptor.FRAGMENT_TIMEOUT.ordinal()];
        this.fragmentNoConn = counters[LbCounterDescriptor.FRAGMENT_NO_CONN.ordinal()];
    }

    /**
     * A fragment goes first to the agent gathering its datagram ({@link FragmentTable#gatherer}: every fragment
     * carries what that hash needs), which learns from the first fragment which agent owns the connection, holds
     * any that came before it, and hands each fragment in turn to the owner; the owner forwards the first as any
     * packet of the connection and the later ones as the first did ({@link #onOwnedFragment}).
     *
     * @param stage where it came from: the port, or handed over to gather or as the owner's.
     */
    void onFragment(final Packet p, final int stage, final ForwardingSnapshot snapshot, final long nowMs)
    {
        this.snapshot = snapshot;
        this.nowMs = nowMs;
        if (Packet.STAGE_OWNED == stage)
        {
            onOwnedFragment(p);
        }
        else if (p.owner != self)
        {
            redirector.redirectFragment(p.owner, p.handle, tx);
        }
        else
        {
            gather(p);
        }
    }

    private void gather(final Packet p)
    {
        final PacketView v = p.view;
        final int slot = gathering.findOrAdd(v, nowMs);
        if (slot < 0)
        {
            fragmentTableFull.incrementRelease();
            tx.drop(p.handle);
            return;
        }
        if (gathering.isBad(slot) ||
            gathering.addRange(slot, v.fragmentOffset, v.fragmentLength(), v.moreFragments) != FragmentTable.RANGE_OK)
        {
            // the whole datagram is refused, as the kernel's reassembly refuses one with an overlap
            fragmentBad.incrementRelease();
            tx.drop(p.handle);
            dropHeld(slot);
            return;
        }
        if (v.fragment == PacketView.FIRST_FRAGMENT)
        {
            final int owner = ConnOwner.of(p.key, agents);
            gathering.owner(slot, owner);
            toOwner(p, owner);
            for (int i = 0; i < gathering.heldCount(slot); i++)
            {
                heldToOwner(gathering.held(slot, i), owner);
            }
            gathering.clearHeld(slot);
        }
        else if (gathering.ownerKnown(slot))
        {
            toOwner(p, gathering.owner(slot));
        }
        else if (gathering.hold(slot, p.handle))
        {
            fragmentsHeld.incrementRelease();
        }
        else
        {
            fragmentTableFull.incrementRelease();
            tx.drop(p.handle);
        }
        if (gathering.isComplete(slot))
        {
            gathering.remove(slot);
        }
    }

    private void dropHeld(final int slot)
    {
        for (int i = 0; i < gathering.heldCount(slot); i++)
        {
            fragmentBad.incrementRelease();
            tx.drop(gathering.held(slot, i));
        }
        gathering.clearHeld(slot);
    }

    private void toOwner(final Packet p, final int owner)
    {
        if (owner == self)
        {
            onOwnedFragment(p);
        }
        else
        {
            redirector.redirect(owner, p.handle, tx);
        }
    }

    /** A fragment held until its first came: classified again into the spare packet, as if handed over. */
    private void heldToOwner(final long handle, final int owner)
    {
        if (owner != self)
        {
            redirector.redirect(owner, handle, tx);
            return;
        }
        held.wrap(port, handle);
        classifier.classifyOne(held, snapshot);
        if (held.route == Packet.ROUTE_DROP)
        {
            tx.drop(handle);
            return;
        }
        onOwnedFragment(held);
    }

    /**
     * A fragment of a connection this agent owns. The first is forwarded as any packet of its connection and its
     * datagram remembered with the connection's key; a later one takes that key and route and is forwarded the
     * same way (DR and TUN carry it as it is; NAT rewrites its address).
     */
    private void onOwnedFragment(final Packet p)
    {
        final PacketView v = p.view;
        p.owner = self;
        if (v.fragment == PacketView.FIRST_FRAGMENT)
        {
            final int slot = owned.findOrAdd(v, nowMs);
            if (slot >= 0)
            {
                owned.conn(slot, p.key, p.route);
                owned.addBytes(slot, v.fragmentLength(), v.moreFragments, v.fragmentOffset);
                if (owned.isComplete(slot))
                {
                    owned.remove(slot);
                }
            }
            else
            {
                fragmentTableFull.incrementRelease(); // the first goes on; the later ones will find no connection
            }
        }
        else
        {
            final int slot = owned.find(v, nowMs);
            if (slot < 0 || !owned.connKnown(slot))
            {
                fragmentNoConn.incrementRelease();
                tx.drop(p.handle);
                return;
            }
            p.key.copyFrom(owned.connKey(slot));
            p.tag = FlowCache.tagOf(p.key);
            p.route = owned.route(slot);
            owned.addBytes(slot, v.fragmentLength(), v.moreFragments, v.fragmentOffset);
            if (owned.isComplete(slot))
            {
                owned.remove(slot);
            }
        }
        forward.onOwned(p);
    }

    private void onHeldExpired(final long handle)
    {
        fragmentTimeout.incrementRelease();
        tx.drop(handle);
    }

    /** Expires datagrams whose time is up, a bounded step (housekeeping). */
    void sweep(final long nowMs)
    {
        gathering.sweep(nowMs, FRAGMENT_SWEEP, onHeldExpired);
        owned.sweep(nowMs, FRAGMENT_SWEEP, onHeldExpired);
    }

    /** Frees what is held (the agent is stopping). */
    void release()
    {
        gathering.clear(tx::drop);
    }
}
