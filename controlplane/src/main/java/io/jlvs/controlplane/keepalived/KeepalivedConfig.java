package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.ConfigDiagnostic;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A keepalived.conf that read without errors: what keepalived's checker process would set up, and the VRRP part for
 * the director's VRRP.
 *
 * @param file           the file read
 * @param globals        global_defs and track_file
 * @param groups         the virtual_server_group blocks, by name
 * @param virtualServers the virtual servers keepalived would set up, in file order
 * @param vrrp           the top-level VRRP statements (vrrp_instance, vrrp_sync_group, vrrp_script, ...) and global_defs,
 *                       for {@link io.jlvs.controlplane.vrrp.VrrpConfig}
 * @param warnings       what keepalived would complain of and carry on past, and what jlvs reads without doing it
 */
public record KeepalivedConfig(Path file, KeepalivedGlobals globals, Map<String, VirtualServerGroup> groups,
    List<KeepalivedVirtualServer> virtualServers, List<KeepalivedBlock> vrrp, List<ConfigDiagnostic> warnings)
{
    public KeepalivedConfig
    {
        groups = Map.copyOf(groups);
        virtualServers = List.copyOf(virtualServers);
        vrrp = List.copyOf(vrrp);
        warnings = List.copyOf(warnings);
    }
}
