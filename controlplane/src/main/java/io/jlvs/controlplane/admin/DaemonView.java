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

    /** The kernel's sync group (IP_VS_SYNC_GROUP) and port (IP_VS_SYNC_PORT). */
    public static final InetAddress SYNC_GROUP = io.jlvs.controlplane.config.InetLiterals.literal("224.0.0.81");
    public static final int SYNC_PORT = 8848;

    /**
     * The daemon as the kernel's start_sync_thread sets it up from what ipvsadm gave (0 or null: not given), so
     * that {@code -L --daemon} lists it as ipvsadm 1.31 does on Debian 12's kernel: the group 224.0.0.81, port 8848,
     * TTL 1, and a message length of 1500 (a master) or the interface's MTU within 1500..65535 (a backup) less the
     * IP and UDP headers, or the one given, clamped to 1 (1024 for a backup)..65535 less the headers.
     */
    public static DaemonView asTheKernelSetsIt(final String state, final String mcastInterface, final int syncId,
        final int maxLen, final InetAddress group, final int port, final int ttl, final int interfaceMtu)
    {
        final boolean backup = "backup".equals(state);
        final InetAddress g = null == group ? SYNC_GROUP : group;
        final int headers = g instanceof java.net.Inet6Address ? 40 + 8 : 20 + 8;
        final int mtu = backup ? Math.clamp(interfaceMtu, 1500, 65535) : 1500;
        final int length = 0 == maxLen ? mtu - headers : Math.clamp(maxLen, backup ? 1024 : 1, 65535 - headers);
        return new DaemonView(state, mcastInterface, syncId, length, g, 0 == port ? SYNC_PORT : port,
            0 == ttl ? 1 : ttl);
    }
}
