package io.jlvs.dataplane;

import io.jlvs.dataplane.conn.AgentConnTable;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.ConnStateMachine;
import io.jlvs.dataplane.conn.ConnTable;
import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.service.ServiceTable;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * The kernel's defences of a filling connection table, one agent's, on its own table: every second
 * ({@code defense_work()}) the modes of {@code drop_entry} and {@code secure_tcp} are brought up to date
 * ({@code update_defense_level()}: 0 off, 3 on, 1 and 2 on while the table is short of room, the mode showing which),
 * the TCP state table follows {@code secure_tcp}, and while {@code drop_entry} is on a 32nd of the table is swept as
 * {@code ip_vs_random_dropentry()} sweeps it (the kernel picks its 32nd at random; here the segments in turn, so
 * the whole table is seen every 32 seconds): half-open TCP connections (SYN_RECV, SYNACK) go; an
 * established one, or one of another protocol, goes by {@code todrop_entry()}'s rate when it has not been refreshed
 * for 60 seconds and has seen at most 8 packets. A 32nd of the agent's share of the persistence templates is swept
 * too: a template that controls nothing and was never assured goes (a spoofed client's).
 * <p>
 * "Short of room" is the kernel's free memory below {@code amemthresh}; here, fewer free entries than that in the
 * agent's table, whose memory is set aside when it is made. A connection the sweep ends is undone as an expired one.
 */
public final class Defense implements ConnTable.ExpiryListener
{
    static final long INTERVAL_MS = 1000;
    /** A connection refreshed this recently is not dropped. */
    static final long MIN_IDLE_MS = 60_000;
    /** {@code todrop_rate}, by packets seen 0..8: drop every n-th such connection met (0: never). */
    private static final int[] TODROP_RATE = {0, 1, 2, 3, 4, 5, 6, 7, 8};

    private final int[] todropCounter = new int[TODROP_RATE.length];
    private final AgentConnTable conns;
    private final ConnStateMachine states;
    private final IpvsIn in;
    private final AtomicCounter dropped;
    private int dropEntryMode;
    private int secureTcpMode;
    private int amemthresh;
    private boolean dropEntry;
    private boolean secureTcp;
    private long nextMs;
    private long nowMs;
    private int sweepSegment = -1;
    private ServiceTable services;

    public Defense(final AgentConnTable conns, final ConnStateMachine states, final IpvsIn in,
        final AtomicCounter dropped)
    {
        this.conns = conns;
        this.states = states;
        this.in = in;
        this.dropped = dropped;
    }

    public void sysctls(final IpvsSysctls sysctls)
    {
        dropEntryMode = sysctls.dropEntry();
        secureTcpMode = sysctls.secureTcp();
        amemthresh = sysctls.amemthresh();
        nextMs = 0;
    }

    /** Once a second: the modes, then a sweep while {@code drop_entry} is on. Returns the connections dropped. */
    public int run(final long nowMs, final ServiceTable services)
    {
        if (nowMs < nextMs)
        {
            return 0;
        }
        nextMs = nowMs + INTERVAL_MS;
        update(conns.capacity() - conns.size() < amemthresh);
        if (!dropEntry)
        {
            return 0;
        }
        this.nowMs = nowMs;
        this.services = services;
        final int segments = conns.segments();
        int n = 0;
        for (int i = Math.max(1, segments >> 5); i > 0; i--)
        {
            sweepSegment = sweepSegment + 1 < segments ? sweepSegment + 1 : 0;
            n += conns.sweep(sweepSegment, this);
        }
        final int templates = in.sweepIdleTemplates(services);
        dropped.getAndAddRelease(templates);
        return n + templates;
    }

    /** {@code update_defense_level()}: modes 1 and 2 follow the room, 2 meaning on. */
    void update(final boolean nomem)
    {
        dropEntryMode = follow(dropEntryMode, nomem);
        dropEntry = dropEntryMode >= 2;
        secureTcpMode = follow(secureTcpMode, nomem);
        final boolean secure = secureTcpMode >= 2;
        if (secure != secureTcp)
        {
            secureTcp = secure;
            states.secureTcp(secure);
        }
    }

    private static int follow(final int mode, final boolean nomem)
    {
        return switch (mode)
        {
            case 1, 2 -> nomem ? 2 : 1;
            default -> mode;
        };
    }

    public boolean isDropEntryOn()
    {
        return dropEntry;
    }

    public boolean isSecureTcpOn()
    {
        return secureTcp;
    }

    /** Whether the sweep drops this connection, as {@code ip_vs_random_dropentry()} decides. */
    @Override
    public boolean onExpiring(final ConnKey key, final ConnEntry e)
    {
        if (key.protocol() == IpProtocol.TCP)
        {
            return switch (e.state())
            {
                case ConnState.SYN_RECV, ConnState.SYNACK -> true;
                case ConnState.ESTABLISHED -> toDrop(e);
                default -> false;
            };
        }
        return toDrop(e);
    }

    @Override
    public void onExpired(final ConnKey key, final ConnEntry e)
    {
        in.dropped(key, e, services);
        dropped.incrementRelease();
    }

    /** {@code todrop_entry()}. */
    private boolean toDrop(final ConnEntry e)
    {
        if (e.timeoutSec() * 1000L - (e.expiresMs() - nowMs) < MIN_IDLE_MS)
        {
            return false;
        }
        final int i = e.inPkts();
        if (i < 0 || i >= TODROP_RATE.length || 0 == TODROP_RATE[i])
        {
            return false;
        }
        if (--todropCounter[i] > 0)
        {
            return false;
        }
        todropCounter[i] = TODROP_RATE[i];
        return true;
    }
}
