package io.jlvs.dataplane.service;

import io.jlvs.dataplane.proto.PacketView;

import java.util.List;

/**
 * The firewall marks packets get before IPVS sees them: the mangle table's {@code MARK} rules of chains
 * {@code PREROUTING} and {@code INPUT}, in order, each matching rule changing the mark as iptables' target does (a
 * later rule sees what an earlier one set). The director has no netfilter in its path, so it takes the rules
 * operators already keep ({@link MarkRule}) and applies them itself, to packets for its own addresses only, as the
 * kernel's IPVS sees only what is delivered locally.
 * <p>
 * The rules as flat arrays: {@link #mark} walks them without allocating.
 */
public final class MarkRules
{
    /** No rules: no packet is marked. */
    public static final MarkRules NONE = new MarkRules(List.of());

    private final List<MarkRule> rules;
    private final int[] af;
    private final int[] protocol;
    private final long[] sourceHi;
    private final long[] sourceLo;
    private final long[] sourceMaskHi;
    private final long[] sourceMaskLo;
    private final long[] destinationHi;
    private final long[] destinationLo;
    private final long[] destinationMaskHi;
    private final long[] destinationMaskLo;
    /** Rule i's port ranges are {@code ports[portsFrom[i] .. portsFrom[i + 1])}, in pairs. */
    private final int[] portsFrom;
    private final int[] ports;
    private final int[] value;
    private final int[] mask;

    public MarkRules(final List<MarkRule> rules)
    {
        this.rules = List.copyOf(rules);
        final int n = rules.size();
        af = new int[n];
        protocol = new int[n];
        sourceHi = new long[n];
        sourceLo = new long[n];
        sourceMaskHi = new long[n];
        sourceMaskLo = new long[n];
        destinationHi = new long[n];
        destinationLo = new long[n];
        destinationMaskHi = new long[n];
        destinationMaskLo = new long[n];
        portsFrom = new int[n + 1];
        value = new int[n];
        mask = new int[n];
        int total = 0;
        for (final MarkRule r : rules)
        {
            total += r.dports().length;
        }
        ports = new int[total];
        int at = 0;
        for (int i = 0; i < n; i++)
        {
            final MarkRule r = rules.get(i);
            af[i] = r.af();
            protocol[i] = r.protocol();
            sourceMaskHi[i] = Addresses.prefixMaskHi(r.af(), r.sourcePrefix());
            sourceMaskLo[i] = Addresses.prefixMaskLo(r.af(), r.sourcePrefix());
            sourceHi[i] = r.sourceHi() & sourceMaskHi[i];
            sourceLo[i] = r.sourceLo() & sourceMaskLo[i];
            destinationMaskHi[i] = Addresses.prefixMaskHi(r.af(), r.destinationPrefix());
            destinationMaskLo[i] = Addresses.prefixMaskLo(r.af(), r.destinationPrefix());
            destinationHi[i] = r.destinationHi() & destinationMaskHi[i];
            destinationLo[i] = r.destinationLo() & destinationMaskLo[i];
            portsFrom[i] = at;
            System.arraycopy(r.dports(), 0, ports, at, r.dports().length);
            at += r.dports().length;
            value[i] = r.value();
            mask[i] = r.mask();
        }
        portsFrom[n] = at;
    }

    public boolean isEmpty()
    {
        return af.length == 0;
    }

    public List<MarkRule> rules()
    {
        return rules;
    }

    /** The mark the rules give this packet, 0 when none matches. */
    public int mark(final PacketView v)
    {
        int mark = 0;
        for (int i = 0; i < af.length; i++)
        {
            if (af[i] == v.af &&
                (protocol[i] == 0 || protocol[i] == v.protocol) &&
                (v.saddrLo & sourceMaskLo[i]) == sourceLo[i] && (v.saddrHi & sourceMaskHi[i]) == sourceHi[i] &&
                (v.daddrLo & destinationMaskLo[i]) == destinationLo[i] &&
                (v.daddrHi & destinationMaskHi[i]) == destinationHi[i] &&
                portMatches(i, v.dport))
            {
                mark = (mark & ~mask[i]) ^ value[i];
            }
        }
        return mark;
    }

    private boolean portMatches(final int rule, final int port)
    {
        final int from = portsFrom[rule];
        final int to = portsFrom[rule + 1];
        if (from == to)
        {
            return true;
        }
        for (int p = from; p < to; p += 2)
        {
            if (port >= ports[p] && port <= ports[p + 1])
            {
                return true;
            }
        }
        return false;
    }
}
