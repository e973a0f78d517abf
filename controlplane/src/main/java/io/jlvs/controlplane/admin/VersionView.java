package io.jlvs.controlplane.admin;

/**
 * The first line of {@code ipvsadm -L}: "IP Virtual Server version 1.2.1 (size=4096)".
 *
 * @param size connection hash table size
 */
public record VersionView(int major, int minor, int patch, int size)
{
    /** The IPVS version every kernel since 2.6.28 reports, 1.2.1. */
    public static VersionView ipvs121(final int size)
    {
        return new VersionView(1, 2, 1, size);
    }
}
