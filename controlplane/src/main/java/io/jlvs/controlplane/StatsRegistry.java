package io.jlvs.controlplane;

import io.jlvs.dataplane.status.ConnStats;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.DestStats;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The stats counters of every service and real server, one set per agent, kept across snapshots by the
 * object's stable id so counts survive a reload, and summed over agents for ipvsadm. Control plane thread
 * only.
 */
public final class StatsRegistry
{
    private final DataplaneCounters counters;
    private final int agents;
    private final Map<Integer, ConnStats[]> services = new HashMap<>();
    private final Map<Integer, DestStats[]> dests = new HashMap<>();

    public StatsRegistry(final DataplaneCounters counters, final int agents)
    {
        this.counters = counters;
        this.agents = agents;
    }

    public synchronized ConnStats serviceStats(final int agent, final int id, final String label)
    {
        final ConnStats[] perAgent = services.computeIfAbsent(id, (k) -> new ConnStats[agents]);
        if (null == perAgent[agent])
        {
            perAgent[agent] = counters.newServiceStats(agent, "fwd-" + agent, id, label);
        }
        return perAgent[agent];
    }

    public synchronized DestStats destStats(final int agent, final int id, final String label)
    {
        final DestStats[] perAgent = dests.computeIfAbsent(id, (k) -> new DestStats[agents]);
        if (null == perAgent[agent])
        {
            perAgent[agent] = counters.newDestStats(agent, "fwd-" + agent, id, label);
        }
        return perAgent[agent];
    }

    /** Frees the counters of objects no longer configured. */
    public synchronized void retainOnly(final Set<Integer> ids)
    {
        services.entrySet().removeIf((e) -> !ids.contains(e.getKey()) && close(e.getValue()));
        dests.entrySet().removeIf((e) -> !ids.contains(e.getKey()) && close(e.getValue()));
    }

    private static boolean close(final ConnStats[] perAgent)
    {
        for (final ConnStats s : perAgent)
        {
            if (null != s)
            {
                s.close();
            }
        }
        return true;
    }

    /** Sum over agents: conns, inpkts, outpkts, inbytes, outbytes. */
    public synchronized long[] serviceTotals(final int id)
    {
        return totals(services.get(id));
    }

    /** Sum over agents: conns, inpkts, outpkts, inbytes, outbytes, activeconns, inactconns, persistconns. */
    public synchronized long[] destTotals(final int id)
    {
        final DestStats[] perAgent = dests.get(id);
        final long[] t = new long[8];
        if (null == perAgent)
        {
            return t;
        }
        final long[] c = totals(perAgent);
        System.arraycopy(c, 0, t, 0, 5);
        for (final DestStats s : perAgent)
        {
            if (null != s)
            {
                t[5] += s.activeConnsVolatile();
                t[6] += s.inactConnsVolatile();
                t[7] += s.persistConnsVolatile();
            }
        }
        return t;
    }

    /** ipvsadm -Z: zero the packet, byte and connection counts (not the active/inactive gauges). */
    public synchronized void zero()
    {
        services.values().forEach(StatsRegistry::zero);
        dests.values().forEach(StatsRegistry::zero);
    }

    /** ipvsadm -Z of one service: its counts, over all agents. */
    public synchronized void zeroService(final int id)
    {
        final ConnStats[] perAgent = services.get(id);
        if (null != perAgent)
        {
            zero(perAgent);
        }
    }

    /** One real server's counts, over all agents, as its service's -Z zeroes them. */
    public synchronized void zeroDest(final int id)
    {
        final ConnStats[] perAgent = dests.get(id);
        if (null != perAgent)
        {
            zero(perAgent);
        }
    }

    private static void zero(final ConnStats[] perAgent)
    {
        for (final ConnStats s : perAgent)
        {
            if (null != s)
            {
                s.zero();
            }
        }
    }

    private static long[] totals(final ConnStats[] perAgent)
    {
        final long[] t = new long[5];
        if (null == perAgent)
        {
            return t;
        }
        for (final ConnStats s : perAgent)
        {
            if (null != s)
            {
                t[0] += s.conns();
                t[1] += s.inPkts();
                t[2] += s.outPkts();
                t[3] += s.inBytes();
                t[4] += s.outBytes();
            }
        }
        return t;
    }
}
