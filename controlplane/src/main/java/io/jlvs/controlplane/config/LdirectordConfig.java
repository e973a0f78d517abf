package io.jlvs.controlplane.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An ldirectord.cf that parsed without errors.
 *
 * @param file            the file read
 * @param global          global settings
 * @param virtualServices virtual services in file order
 * @param warnings        "FILE:LINE: ..." notes, e.g. directives jlvs does not support yet; never silently dropped
 */
public record LdirectordConfig(Path file, GlobalSettings global, List<VirtualService> virtualServices,
    List<ConfigDiagnostic> warnings)
{
    public LdirectordConfig
    {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(global, "global");
        virtualServices = List.copyOf(virtualServices);
        warnings = List.copyOf(warnings);
    }
}
