package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.AddressFamily;

import java.net.InetAddress;
import java.util.List;

/**
 * A {@code virtual_server_group}: the addresses, ranges and fwmarks that one {@code virtual_server group NAME} serves
 * alike, each as a virtual service of its own in the table.
 *
 * @param where   "FILE:LINE" of the group's line
 * @param name    its name
 * @param members its entries, ranges expanded
 */
public record VirtualServerGroup(String where, String name, List<Member> members)
{
    public VirtualServerGroup
    {
        members = List.copyOf(members);
    }

    /** Whether an entry is of {@code family}: an address of it, or a fwmark that names it. */
    public boolean has(final AddressFamily family)
    {
        return members.stream().anyMatch((m) -> m.family() == family);
    }

    /** Whether a fwmark entry names no family ({@code fwmark N} without {@code inet} or {@code inet6}). */
    public boolean hasFwmarkWithoutFamily()
    {
        return members.stream().anyMatch((m) -> null == m.family());
    }

    /**
     * One address and port of the group ({@code address} null and {@code fwmark} set for a {@code fwmark N} entry).
     *
     * @param address the virtual address, or null for a fwmark
     * @param port    its port (0 when none was given: the virtual server's persistence then takes every port)
     * @param fwmark  the mark, 0 for an address
     * @param family  the address's family, a fwmark's {@code inet}/{@code inet6}, or null for a fwmark without one
     */
    public record Member(InetAddress address, int port, int fwmark, AddressFamily family)
    {
    }
}
