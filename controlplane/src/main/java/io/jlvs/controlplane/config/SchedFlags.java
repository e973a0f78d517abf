package io.jlvs.controlplane.config;

/**
 * The scheduler flags of {@code ipvsadm -b} and ldirectord's {@code schedflags}, as ipvsadm's
 * {@code parse_sched_flags()} reads them: a comma list of {@code flag-1}, {@code flag-2}, {@code flag-3}, or a
 * scheduler's own names ({@code sh-fallback}, {@code sh-port}, {@code mh-fallback}, {@code mh-port}), which must
 * belong to the service's scheduler. The bits are the kernel's {@code IP_VS_SVC_F_SCHED1..3}.
 */
public final class SchedFlags
{
    /** IP_VS_SVC_F_SCHED1: flag-1, sh-fallback for sh, mh-fallback for mh. */
    public static final int FLAG_1 = io.jlvs.dataplane.service.Service.F_SCHED1;
    /** IP_VS_SVC_F_SCHED2: flag-2, sh-port for sh, mh-port for mh. */
    public static final int FLAG_2 = io.jlvs.dataplane.service.Service.F_SCHED2;
    /** IP_VS_SVC_F_SCHED3: flag-3. */
    public static final int FLAG_3 = io.jlvs.dataplane.service.Service.F_SCHED3;
    public static final int ALL = FLAG_1 | FLAG_2 | FLAG_3;

    private SchedFlags()
    {
    }

    /**
     * @throws IllegalArgumentException with ipvsadm's words: {@code invalid scheduler flag `x'} or
     *                                  {@code incompatible scheduler flag `sh-port'}.
     */
    public static int parse(final String scheduler, final String text)
    {
        int flags = 0;
        boolean any = false;
        for (final String flag : text.split(","))
        {
            if (flag.isEmpty())
            {
                continue;
            }
            any = true;
            switch (flag)
            {
                case "flag-1" -> flags |= FLAG_1;
                case "flag-2" -> flags |= FLAG_2;
                case "flag-3" -> flags |= FLAG_3;
                case "sh-fallback", "sh-port", "mh-fallback", "mh-port" ->
                {
                    flags |= flag.endsWith("-fallback") ? FLAG_1 : FLAG_2;
                    if (!scheduler.equals(flag.substring(0, 2)))
                    {
                        throw new IllegalArgumentException("incompatible scheduler flag `" + flag + "'");
                    }
                }
                default -> throw new IllegalArgumentException("invalid scheduler flag `" + flag + "'");
            }
        }
        if (!any)
        {
            throw new IllegalArgumentException("invalid scheduler flag `" + text + "'");
        }
        return flags;
    }
}
