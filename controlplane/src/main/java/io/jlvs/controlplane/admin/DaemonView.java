package io.jlvs.controlplane.admin;

import java.net.InetAddress;
import java.util.Objects;

/**
 * A running sync daemon, for {@code ipvsadm -L --daemon}.
 *
 * @param state          "master" or "backup"
 * @param mcastInterface interface name
 * @param syncId         sync id
 * @param maxLen         sync message max length, 0 = not shown
 * @param group          multicast group, null = not shown
 * @param port           UDP port, 0 = not shown
 * @param ttl            multicast TTL, 0 = not shown
 */
public record DaemonView(String state, String mcastInterface, int syncId, int maxLen, InetAddress group, int port,
    int ttl)
{
    public DaemonView
    {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(mcastInterface, "mcastInterface");
    }
}
