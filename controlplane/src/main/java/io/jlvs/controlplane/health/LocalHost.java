package io.jlvs.controlplane.health;

/** The director's host name, as ldirectord takes it ({@code $HOSTNAME}, else the kernel's node name). */
public final class LocalHost
{
    private static final String NAME = resolve();

    private LocalHost()
    {
    }

    public static String name()
    {
        return NAME;
    }

    private static String resolve()
    {
        final String env = System.getenv("HOSTNAME");
        if (null != env && !env.isBlank())
        {
            return env;
        }
        try
        {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
        }
        catch (final java.io.IOException ex)
        {
            return "localhost";
        }
    }
}
