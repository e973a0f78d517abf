package io.jlvs.controlplane.config;

import io.jlvs.dataplane.sync.SyncPolicy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Connection sync between the directors of a pair, from the director's settings file. The kernel's sync daemon is
 * started by {@code ipvsadm --start-daemon} (or keepalived's {@code lvs_sync_daemon}); jlvs's the same way, or at
 * start by {@code sync-daemon}. What the kernel sets by sysctl ({@code sync_threshold}, {@code sync_refresh_period},
 * {@code sync_retries}) is set here, with the kernel's defaults.
 * <pre>
 * sync-daemon         = master                 # started at start: none, master, backup, or both (default none);
 *                                              # vrrp: master while VRRP is MASTER, backup otherwise, as
 *                                              # keepalived's lvs_sync_daemon tied to its instance
 * sync-id             = 0                      # --syncid, 0..255 (default 0: a backup takes any)
 * sync-peers          = 198.18.0.3             # the other directors: UDP unicast to each (Aeron multi-destination);
 *                                              # none: multicast to sync-group (default none)
 * sync-group          = 224.0.0.81             # multicast group, odd last octet for Aeron (default 224.0.0.81)
 * sync-port           = 8848                   # (default 8848)
 * sync-interface      = jlvs-default           # --mcast-interface: the interface sync leaves by; its first IPv4
 *                                              # address is the local end (default the host path, jlvs-&lt;instance&gt;)
 * sync-key            = /etc/jlvs/sync.key     # the pair's HMAC-SHA256 key, at least 16 bytes, readable by its owner
 *                                              # only (default /etc/jlvs/sync.key)
 * sync-threshold      = 3 50                   # sync_threshold: threshold and period (default 3 50)
 * sync-refresh-period = 0                      # sync_refresh_period, seconds (default 0)
 * sync-retries        = 0                      # sync_retries, 0..3 (default 0)
 * sync-protocol       = jlvs                   # jlvs: SBE over Aeron, signed, with catch-up; ipvs: the kernel's own
 *                                              # version 1 messages on UDP (a mixed pair with kernel LVS during a
 *                                              # migration: no catch-up, no authentication) (default jlvs)
 * </pre>
 */
public record SyncSettings(
    boolean startMaster,
    boolean startBackup,
    boolean followsVrrp,
    int syncId,
    List<InetAddress> peers,
    InetAddress group,
    int port,
    Optional<String> interfaceName,
    Path keyFile,
    SyncPolicy policy,
    boolean kernelProtocol)
{
    public static final int DEFAULT_PORT = 8848;
    public static final String DEFAULT_GROUP = "224.0.0.81";
    public static final Path DEFAULT_KEY_FILE = Path.of("/etc/jlvs/sync.key");

    public SyncSettings
    {
        peers = List.copyOf(peers);
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(interfaceName, "interfaceName");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(policy, "policy");
        if (syncId < 0 || syncId > 255)
        {
            throw new IllegalArgumentException("syncId: " + syncId);
        }
    }

    /** The defaults: no daemon started, multicast on the host path. */
    public static SyncSettings defaults()
    {
        return new SyncSettings(false, false, false, 0, List.of(), InetLiterals.ipv4(DEFAULT_GROUP), DEFAULT_PORT,
            Optional.empty(), DEFAULT_KEY_FILE, SyncPolicy.OFF, false);
    }

    /** True when the pair talks unicast to its peers rather than to a multicast group. */
    public boolean isUnicast()
    {
        return !peers.isEmpty();
    }
}
