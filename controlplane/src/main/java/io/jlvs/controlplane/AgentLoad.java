package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.TopView;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.CountersReader;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The agents' part of {@code jlvs top}: per agent, from the counters in shared memory, the packets in and out and
 * the drops per second since the last sample, the connections it made per second, its flow cache's misses per second
 * and its longest duty cycle.
 */
final class AgentLoad
{
    private static final int RX = 0;
    private static final int TX = 1;
    private static final int DROPS = 2;
    private static final int CREATED = 3;
    private static final int MISSES = 4;
    private static final int MAX_CYCLE_NS = 5;
    private static final int FIELDS = 6;

    private final CountersReader counters;
    private Map<String, long[]> last = Map.of();
    private long lastNs;

    AgentLoad(final CountersReader counters)
    {
        this.counters = counters;
    }

    /** The agents' lines, rates over the time since the last call (none at the first). */
    String sample()
    {
        final Map<String, long[]> now = read();
        final long nowNs = System.nanoTime();
        final double seconds = (nowNs - lastNs) / 1e9;
        final StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %11s %10s%n",
            "Agent", "RxPkt/s", "TxPkt/s", "Drops/s", "Conns/s", "Misses/s", "MaxCycle"));
        for (final Map.Entry<String, long[]> e : now.entrySet())
        {
            final long[] v = e.getValue();
            final long[] was = last.get(e.getKey());
            sb.append(String.format(Locale.ROOT, "%-8s %9s %9s %9s %9s %11s %8.1fus%n", e.getKey(),
                rate(v, was, RX, seconds), rate(v, was, TX, seconds), rate(v, was, DROPS, seconds),
                rate(v, was, CREATED, seconds), rate(v, was, MISSES, seconds), v[MAX_CYCLE_NS] / 1e3));
        }
        last = now;
        lastNs = nowNs;
        return sb.toString();
    }

    private static String rate(final long[] now, final long[] was, final int field, final double seconds)
    {
        if (null == was || seconds <= 0)
        {
            return "-";
        }
        return TopView.scaled(Math.round(Math.max(0, now[field] - was[field]) / seconds));
    }

    private Map<String, long[]> read()
    {
        final Map<String, long[]> byAgent = new TreeMap<>();
        counters.forEach((counterId, typeId, key, label) ->
        {
            final int colon = label.indexOf(": ");
            if (colon < 0 || (typeId != LbCounterDescriptor.TYPE_ID && typeId != DataplaneCounters.TYPE_DROP_VERDICT))
            {
                return;
            }
            final long[] v = byAgent.computeIfAbsent(label.substring(0, colon), (k) -> new long[FIELDS]);
            final long value = counters.getCounterValue(counterId);
            if (typeId == DataplaneCounters.TYPE_DROP_VERDICT)
            {
                return; // counted in DROPPED_MALFORMED already
            }
            final LbCounterDescriptor d = LbCounterDescriptor.ofId(key.getInt(4));
            if (null == d)
            {
                return;
            }
            switch (d)
            {
                case RX_PACKETS -> v[RX] = value;
                case TX_PACKETS -> v[TX] = value;
                case CONNS_CREATED -> v[CREATED] = value;
                case CONN_CACHE_MISSES -> v[MISSES] = value;
                case MAX_CYCLE_TIME_NS -> v[MAX_CYCLE_NS] = value;
                default ->
                {
                    if (d.isDrop())
                    {
                        v[DROPS] += value;
                    }
                }
            }
        });
        return byAgent;
    }
}
