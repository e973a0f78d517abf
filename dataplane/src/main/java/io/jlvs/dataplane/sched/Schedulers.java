package io.jlvs.dataplane.sched;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/** The one place schedulers are registered by name, like the kernel's scheduler list. */
public final class Schedulers
{
    /** ipvsadm's default, DEF_SCHED in ipvsadm.c. */
    public static final String DEFAULT = "wlc";

    private static final Map<String, Supplier<Scheduler>> REGISTRY = new TreeMap<>();

    static
    {
        REGISTRY.put("rr", RrScheduler::new);
        REGISTRY.put("wrr", WrrScheduler::new);
        REGISTRY.put("lc", LcScheduler::new);
        REGISTRY.put("wlc", WlcScheduler::new);
        REGISTRY.put("sed", SedScheduler::new);
        REGISTRY.put("nq", NqScheduler::new);
        REGISTRY.put("fo", FoScheduler::new);
        REGISTRY.put("ovf", OvfScheduler::new);
        REGISTRY.put("dh", DhScheduler::new);
        REGISTRY.put("sh", ShScheduler::new);
        REGISTRY.put("mh", MhScheduler::new);
        REGISTRY.put("twos", TwosScheduler::new);
        REGISTRY.put("lblc", LblcScheduler::new);
        REGISTRY.put("lblcr", LblcrScheduler::new);
        REGISTRY.put("none", NoneScheduler::new);
    }

    private Schedulers()
    {
    }

    public static boolean exists(final String name)
    {
        return REGISTRY.containsKey(name);
    }

    public static Set<String> names()
    {
        return REGISTRY.keySet();
    }

    /**
     * A new instance of the named scheduler.
     *
     * @throws IllegalArgumentException naming the known schedulers, as the kernel refuses an unknown one.
     */
    public static Scheduler create(final String name)
    {
        final Supplier<Scheduler> s = REGISTRY.get(name);
        if (null == s)
        {
            throw new IllegalArgumentException(
                "Scheduler not found: " + name + " (known: " + String.join(", ", REGISTRY.keySet()) + ")");
        }
        return s.get();
    }
}
