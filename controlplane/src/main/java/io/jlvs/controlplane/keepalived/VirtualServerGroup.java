package io.jlvs.controlplane.keepalived;

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

    /**
     * One address and port of the group ({@code address} null and {@code fwmark} set for a {@code fwmark N} entry).
     *
     * @param address the virtual address, or null for a fwmark
     * @param port    its port (0 when none was given: the virtual server's persistence then takes every port)
     * @param fwmark  the mark, 0 for an address
     */
    public record Member(InetAddress address, int port, int fwmark)
    {
    }
}
