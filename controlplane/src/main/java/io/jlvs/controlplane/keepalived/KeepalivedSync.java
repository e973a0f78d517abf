package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.SyncSettings;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * keepalived's {@code lvs_sync_daemon} as the director's connection sync: the kernel's sync protocol (version 1
 * messages on UDP, multicast to its group), as the pair of kernel directors keepalived drove spoke it. Tied to a VRRP
 * instance, the director sends while the instance is MASTER and receives while it is BACKUP, with the instance's
 * virtual_router_id as its sync id unless {@code id} says otherwise; without one, it does both, with sync id 0.
 * Settings that start a sync daemon of their own ({@code sync-daemon}) win, and the director says so.
 */
public final class KeepalivedSync
{
    private KeepalivedSync()
    {
    }

    /**
     * @param configured the settings' sync
     * @param warn       what is said of the mapping ("FILE: ...")
     * @return the sync the director runs, {@code configured} when keepalived.conf has no lvs_sync_daemon
     */
    public static SyncSettings of(final KeepalivedConfig config, final SyncSettings configured,
        final Consumer<String> warn)
    {
        final Optional<KeepalivedGlobals.LvsSyncDaemon> daemon = config.globals().lvsSyncDaemon();
        if (daemon.isEmpty())
        {
            return configured;
        }
        final KeepalivedGlobals.LvsSyncDaemon d = daemon.get();
        if (configured.startMaster() || configured.startBackup() || configured.followsVrrp())
        {
            warn.accept(config.file() + ": warning: lvs_sync_daemon: the settings' sync-daemon is the one started");
            return configured;
        }
        int syncId = d.syncId().orElse(0);
        if (d.instance().isPresent() && d.syncId().isEmpty())
        {
            final Optional<Integer> vrid = vrid(config, d.instance().get());
            if (vrid.isEmpty())
            {
                warn.accept(config.file() + ": warning: Unable to find vrrp instance " + d.instance().get() +
                    " for lvs_syncd - clearing lvs_syncd config");
                return configured;
            }
            syncId = vrid.get();
        }
        if (d.maxlen() != 0 || d.ttl() != 0)
        {
            warn.accept(config.file() + ": warning: lvs_sync_daemon maxlen and ttl: not done by jlvs, ignored");
        }
        warn.accept(config.file() + ": warning: lvs_sync_daemon " + d.interfaceName() + ": jlvs syncs through its " +
            "host path (sync-interface), in the kernel's protocol (sync-protocol = ipvs); set sync-daemon in the " +
            "settings for jlvs's own");
        final boolean follows = d.instance().isPresent();
        return new SyncSettings(!follows, !follows, follows, syncId, configured.peers(),
            d.group().orElse(InetLiterals.literal(SyncSettings.DEFAULT_GROUP)),
            0 != d.port() ? d.port() : SyncSettings.DEFAULT_PORT, configured.interfaceName(), configured.keyFile(),
            configured.policy(), true);
    }

    /** The virtual_router_id of the named vrrp_instance. */
    private static Optional<Integer> vrid(final KeepalivedConfig config, final String instance)
    {
        for (final KeepalivedBlock b : config.vrrp())
        {
            if (b.keyword().equals("vrrp_instance") && b.args().size() == 1 && b.args().getFirst().equals(instance))
            {
                for (final KeepalivedBlock c : b.children())
                {
                    if (c.keyword().equals("virtual_router_id") && !c.args().isEmpty())
                    {
                        return KeepalivedValues.parseNumber(c.args().getFirst()).stream().boxed()
                            .map(Long::intValue).findFirst();
                    }
                }
            }
        }
        return Optional.empty();
    }
}
