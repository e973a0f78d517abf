package io.jlvs.controlplane.alert;

import io.jlvs.controlplane.TableCompiler.CompiledDest;
import io.jlvs.controlplane.TableCompiler.CompiledService;
import io.jlvs.controlplane.config.VirtualService;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What changed for real servers between two compiled tables, in ldirectord's words: what {@code _remove_service} and
 * {@code _restore_service} log and alert when a check moves a real server. A real server that was in the table with
 * a weight and is now at 0 was quiesced; one that left was deleted; one back from 0 to its weight was restored; one
 * not there before was added. Each change is one line of ldirectord's log and one alert.
 */
public final class TableChanges
{
    private TableChanges()
    {
    }

    /**
     * One change.
     *
     * @param service    the virtual service it happened in
     * @param id         ldirectord's alert id, {@code rip:rport (vip:vport)}, which reminders repeat
     * @param message    the log line and alert subject
     * @param inaccessible true when the real server now takes no new connections (reminders follow); false when it
     *                   is back (reminders stop)
     */
    public record Change(VirtualService service, String id, String message, boolean inaccessible)
    {
    }

    public static List<Change> between(final List<CompiledService> before, final List<CompiledService> after)
    {
        return between(before, after, (vs, rs) -> false);
    }

    /**
     * As above, leaving out the real servers {@code byHand} names: ldirectord logs and alerts about its own
     * commands, not about what an operator did with ipvsadm.
     */
    public static List<Change> between(final List<CompiledService> before, final List<CompiledService> after,
        final java.util.function.BiPredicate<VirtualService, io.jlvs.controlplane.config.RealServer> byHand)
    {
        final Map<String, CompiledService> old = new HashMap<>();
        for (final CompiledService cs : before)
        {
            old.put(cs.config().protocol() + " " + virtualId(cs.config()), cs);
        }
        final List<Change> changes = new ArrayList<>();
        for (final CompiledService cs : after)
        {
            final String vid = virtualId(cs.config());
            final CompiledService was = old.get(cs.config().protocol() + " " + vid);
            final Map<String, CompiledDest> wasDests = new HashMap<>();
            if (null != was)
            {
                for (final CompiledDest d : was.dests())
                {
                    wasDests.put(key(d), d);
                }
            }
            for (final CompiledDest d : cs.dests())
            {
                final CompiledDest prior = wasDests.remove(key(d));
                if (byHand.test(cs.config(), d.config()))
                {
                    continue;
                }
                final String kind = d.fallback() ? "fallback" : "real";
                final String id = hostPort(d.config().address(), d.config().port()) + " (" + vid + ")";
                if (null == prior)
                {
                    if (null != was || d.weight() > 0)
                    {
                        changes.add(new Change(cs.config(), id, "Added " + kind + " server: " + id +
                            " (Weight set to " + d.weight() + ")", false));
                    }
                }
                else if (prior.weight() > 0 && d.weight() == 0)
                {
                    changes.add(new Change(cs.config(), id, "Quiescent " + kind + " server: " + id +
                        " (Weight set to 0)", !d.fallback()));
                }
                else if (prior.weight() != d.weight())
                {
                    changes.add(new Change(cs.config(), id, "Restored " + kind + " server: " + id +
                        " (Weight set to " + d.weight() + ")", false));
                }
            }
            for (final CompiledDest gone : wasDests.values())
            {
                if (byHand.test(cs.config(), gone.config()))
                {
                    continue;
                }
                final String id = hostPort(gone.config().address(), gone.config().port()) + " (" + vid + ")";
                changes.add(new Change(cs.config(), id, "Deleted " + (gone.fallback() ? "fallback" : "real") +
                    " server: " + id, !gone.fallback()));
            }
        }
        return changes;
    }

    private static String key(final CompiledDest d)
    {
        return (d.fallback() ? "fallback " : "") + hostPort(d.config().address(), d.config().port());
    }

    /** ldirectord's name of a virtual service in its log: {@code vip:vport}, or the fwmark. */
    public static String virtualId(final VirtualService vs)
    {
        return vs.fwmark() != 0 ? Integer.toUnsignedString(vs.fwmark()) : hostPort(vs.address(), vs.port());
    }

    public static String hostPort(final InetAddress a, final int port)
    {
        return (a instanceof Inet6Address ? "[" + io.jlvs.controlplane.config.InetLiterals.ntop(a) + "]" :
            a.getHostAddress()) + ":" + port;
    }
}
