package io.jlvs.controlplane;

import io.jlvs.controlplane.config.DirectorSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The floating addresses on the director's host path (its TAP): added while it serves the VIPs, removed while it
 * stands by, as keepalived adds and removes {@code virtual_ipaddress}. The director's own kernel must not hold one
 * it does not serve: it would answer ARP from it or send from it, and the pair's other director owns it then.
 * The dataplane's side is {@link io.jlvs.dataplane.route.RouteTable#standby()}. A command that fails is logged and
 * survived: the forwarding side does not depend on the kernel's copy.
 */
final class FloatingAddresses
{
    private static final Logger LOG = LoggerFactory.getLogger(FloatingAddresses.class);

    private final String device;
    private final List<String> cidrs = new ArrayList<>();
    private final List<String> cidrs6 = new ArrayList<>();
    private final Consumer<List<String>> run;
    private boolean held;

    /** {@code run} runs one command and throws saying why it failed. */
    FloatingAddresses(final String device, final DirectorSettings settings, final Consumer<List<String>> run)
    {
        this.device = device;
        this.run = run;
        settings.floating().forEach((a) -> cidrs.add(a.toString()));
        settings.floating6().forEach((a) -> cidrs6.add(a.toString()));
    }

    boolean isEmpty()
    {
        return cidrs.isEmpty() && cidrs6.isEmpty();
    }

    /** Adds them, after the agents serve them. */
    synchronized void hold()
    {
        if (held || isEmpty())
        {
            return;
        }
        held = true;
        cidrs.forEach((a) -> quietly(List.of("ip", "addr", "replace", a, "dev", device)));
        cidrs6.forEach((a) -> quietly(List.of("ip", "addr", "replace", a, "dev", device, "nodad")));
    }

    /** Removes them, before the agents stop serving them. */
    synchronized void release()
    {
        if (!held)
        {
            return;
        }
        held = false;
        cidrs.forEach((a) -> quietly(List.of("ip", "addr", "del", a, "dev", device)));
        cidrs6.forEach((a) -> quietly(List.of("ip", "-6", "addr", "del", a, "dev", device)));
    }

    synchronized boolean isHeld()
    {
        return held;
    }

    private void quietly(final List<String> command)
    {
        try
        {
            run.accept(command);
        }
        catch (final RuntimeException ex)
        {
            LOG.error("floating address: {}", ex.getMessage());
        }
    }
}
