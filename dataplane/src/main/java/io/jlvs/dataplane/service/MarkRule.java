package io.jlvs.dataplane.service;

import io.jlvs.dataplane.proto.PacketView;

/**
 * One rule of the mangle table that marks packets for a firewall-mark service, as iptables' {@code MARK} target
 * does: {@code -s}, {@code -d}, {@code -p}, {@code --dport} or {@code -m multiport --dports} to match, and the mark
 * as {@code --set-xmark value/mask} ({@code mark = (mark & ~mask) ^ value}), to which {@code --set-mark},
 * {@code --and-mark}, {@code --or-mark} and {@code --xor-mark} all reduce.
 *
 * @param af                the family of the rule's table: iptables' rules are IPv4, ip6tables' IPv6.
 * @param protocol          the IP protocol, 0 for any.
 * @param sourceHi          the source network's address, high and low words as {@link PacketView} holds one.
 * @param sourcePrefix      its prefix length, 0 for any source.
 * @param destinationHi     the destination network's address.
 * @param destinationPrefix its prefix length, 0 for any destination.
 * @param dports            destination port ranges, each {@code from, to}; empty for any port.
 * @param value             what is xored in.
 * @param mask              the bits cleared first.
 * @param line              the rule's line in its file, for messages.
 */
public record MarkRule(
    int af,
    int protocol,
    long sourceHi,
    long sourceLo,
    int sourcePrefix,
    long destinationHi,
    long destinationLo,
    int destinationPrefix,
    int[] dports,
    int value,
    int mask,
    int line)
{
    public MarkRule
    {
        final int max = af == PacketView.AF_INET6 ? 128 : 32;
        if (sourcePrefix < 0 || sourcePrefix > max || destinationPrefix < 0 || destinationPrefix > max)
        {
            throw new IllegalArgumentException("prefix length out of range for the family");
        }
        if ((dports.length & 1) != 0)
        {
            throw new IllegalArgumentException("port ranges come in pairs");
        }
    }

    /** The rule's destination is one address (a /32 or /128): a virtual address the director answers for. */
    public boolean isHostDestination()
    {
        return destinationPrefix == (af == PacketView.AF_INET6 ? 128 : 32);
    }

    /** The mark a packet marked {@code mark} so far leaves this rule with, when it matches. */
    public int apply(final int mark)
    {
        return (mark & ~mask) ^ value;
    }
}
