package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.IpvsadmCommand;
import io.jlvs.controlplane.admin.IpvsadmCommand.DestOptions;
import io.jlvs.controlplane.admin.IpvsadmCommand.ServiceKey;
import io.jlvs.controlplane.admin.IpvsadmCommand.ServiceOptions;
import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.CheckType;
import io.jlvs.controlplane.config.Credentials;
import io.jlvs.controlplane.config.EmailAlert;
import io.jlvs.controlplane.config.HealthCheck;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.Netmask;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.controlplane.config.VirtualService;
import io.jlvs.dataplane.sched.Schedulers;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The changes made to the running table with ipvsadm, over the table that ldirectord.cf and the health checks build.
 * Kernel IPVS has one table that ldirectord and ipvsadm both change; here the file and the checks build a table and
 * these changes are laid over it, so that each compile gives what the kernel would hold after the same history:
 * <ul>
 * <li>a service or real server changed by hand stays as the hand left it, whatever the checks say, until its next
 *     health transition (ldirectord acts on transitions only: its next {@code -a}/{@code -e}/{@code -d} of that real
 *     server replaces the hand's), or until a reload;</li>
 * <li>a reload gives the file back every service the old or the new file has (ldirectord's {@code -E}, its purge of
 *     untracked real servers and of removed services), and keeps the services made by hand that neither file has,
 *     as ldirectord never touches those.</li>
 * </ul>
 * Kept as state per service and per real server, not as a log of commands, so it stays as small as the table.
 * Owned by the director's monitor.
 */
final class IpvsadmEdits
{
    /** The line of a service or real server that ipvsadm made or changed: none in the file. */
    static final int BY_IPVSADM = 0;

    /** strerror(ERANGE), the kernel's answer to a lower threshold above the upper one. */
    static final String ERANGE = "Numerical result out of range";

    /** ipvs_strerror(EINVAL): the kernel's answer to a real server address that is not unicast. */
    static final String EINVAL = "Invalid operation.  Possibly wrong module version, address not unicast, ...";

    private static final HealthCheck NO_CHECK = new HealthCheck(CheckType.ON, 0, "none", "", "", "GET",
        Optional.empty(), OptionalInt.empty(), HealthCheck.DEFAULT_CHECK_TIMEOUT, HealthCheck.DEFAULT_NEGOTIATE_TIMEOUT,
        10, 1, HealthCheck.DEFAULT_CHECK_COMMAND, Credentials.NONE);

    /** A service as the hand left it: deleted, or present with these options. */
    private record ServiceEdit(VirtualService service, boolean deleted, boolean fileReals)
    {
    }

    /** A real server as the hand left it: deleted, or this one. */
    private record RealEdit(RealServer real, boolean deleted)
    {
    }

    /** By service key, in the order the hand first touched them (made services are listed in that order). */
    private final Map<String, ServiceEdit> services = new LinkedHashMap<>();
    /** By service key, then real key, in the order the hand first touched them. */
    private final Map<String, Map<String, RealEdit>> reals = new LinkedHashMap<>();
    /** Each file real server's health at the last compile, by service and real key: to see its transitions. */
    private Map<String, Boolean> healthSeen = Map.of();
    /** By file service key: whether its checks had a real server up at the last compile (else the fallback serves). */
    private Map<String, Boolean> anyUpSeen = Map.of();

    /**
     * What the kernel would answer to {@code cmd} against the table as it is listed, in its order of checks; null
     * when it would do it. {@code syncRunning}: a sync daemon runs, which refuses a real server of another family.
     */
    static String refusal(final IpvsadmCommand cmd, final List<TableCompiler.CompiledService> table,
        final boolean syncRunning)
    {
        final ServiceKey key = cmd.service();
        final TableCompiler.CompiledService svc = null == key ? null : find(table, key);
        return switch (cmd.command())
        {
            case ADD_SERVICE -> null != svc ? "Service already exists" : optionsRefusal(key, cmd.serviceOptions());
            case EDIT_SERVICE -> null == svc ? "No such service" : optionsRefusal(key, cmd.serviceOptions());
            case DELETE_SERVICE -> null == svc ? "No such service" : null;
            case ZERO -> null != key && null == svc ? "No such service" : null;
            case ADD_SERVER, EDIT_SERVER, DELETE_SERVER ->
            {
                if (null == svc)
                {
                    yield "Service not defined";
                }
                final DestOptions d = cmd.dest();
                if (cmd.command() != IpvsadmCommand.Command.DELETE_SERVER && syncRunning &&
                    familyOf(d.address()) != svc.config().family())
                {
                    yield EINVAL; // ip_vs_genl_set_cmd: "the synchronization protocol is incompatible with mixed family"
                }
                if (cmd.command() != IpvsadmCommand.Command.DELETE_SERVER && d.lowerThreshold() > d.upperThreshold())
                {
                    yield ERANGE;
                }
                final boolean exists = svc.dests().stream()
                    .anyMatch((cd) -> realKey(cd.config()).equals(realKey(d.address(), d.port())));
                if (cmd.command() == IpvsadmCommand.Command.ADD_SERVER)
                {
                    yield exists ? "Destination already exists" : isUnicast(d.address()) ? null : EINVAL;
                }
                yield exists ? null : "No such destination";
            }
            default -> null;
        };
    }

    /**
     * ipvsadm --start-daemon's refusal where the kernel's is: a sync daemon cannot start while a service has a real
     * server of another family than its own (ipvs->mixed_address_family_dests); null when it can.
     */
    static String daemonRefusal(final List<TableCompiler.CompiledService> table)
    {
        for (final TableCompiler.CompiledService cs : table)
        {
            for (final TableCompiler.CompiledDest cd : cs.dests())
            {
                if (cd.config().family() != cs.config().family())
                {
                    return EINVAL;
                }
            }
        }
        return null;
    }

    private static io.jlvs.controlplane.config.AddressFamily familyOf(final InetAddress a)
    {
        return a instanceof java.net.Inet6Address ? io.jlvs.controlplane.config.AddressFamily.INET6 :
            io.jlvs.controlplane.config.AddressFamily.INET;
    }

    /** ip_vs_new_dest's test: an IPv4 real server must be unicast, an IPv6 one neither multicast nor link-local. */
    private static boolean isUnicast(final InetAddress a)
    {
        if (a instanceof java.net.Inet6Address)
        {
            return !a.isMulticastAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress();
        }
        final byte[] b = a.getAddress();
        final boolean broadcast = (b[0] & b[1] & b[2] & b[3] & 0xff) == 0xff;
        return !a.isAnyLocalAddress() && !a.isMulticastAddress() && !broadcast && (b[0] & 0xf0) != 0xf0;
    }

    /** A scheduler or persistence engine the kernel would not find, or a protocol it would not take. */
    private static String optionsRefusal(final ServiceKey key, final ServiceOptions options)
    {
        if (key.fwmark() == 0 && key.protocol() == ServiceProtocol.SCTP)
        {
            return "Protocol not supported"; // jlvs forwards TCP and UDP: as a kernel built without IP_VS_PROTO_SCTP
        }
        if (!Schedulers.exists(options.scheduler()) || !options.peName().isEmpty())
        {
            return "Scheduler or persistence engine not found";
        }
        return null;
    }

    /** Records a command the kernel would do ({@link #refusal} said null); listing and zeroing change nothing here. */
    void record(final IpvsadmCommand cmd, final LdirectordConfig current)
    {
        final ServiceKey key = cmd.service();
        switch (cmd.command())
        {
            case FLUSH ->
            {
                reals.clear();
                services.clear();
                for (final VirtualService vs : replay(current).virtualServices())
                {
                    services.put(key(vs), new ServiceEdit(vs, true, false));
                }
            }
            case ADD_SERVICE ->
            {
                services.put(key(key), new ServiceEdit(made(key, cmd.serviceOptions()), false, false));
                reals.remove(key(key));
            }
            case EDIT_SERVICE ->
            {
                final ServiceEdit was = services.get(key(key));
                final boolean fileReals = null == was || was.fileReals();
                final VirtualService base = null == was ? fileService(current, key) : was.service();
                services.put(key(key), new ServiceEdit(edited(base, key, cmd.serviceOptions()), false, fileReals));
            }
            case DELETE_SERVICE ->
            {
                services.put(key(key), new ServiceEdit(null, true, false));
                reals.remove(key(key));
            }
            case ADD_SERVER, EDIT_SERVER ->
            {
                final DestOptions d = cmd.dest();
                final RealServer was = currentReal(current, key, d);
                reals.computeIfAbsent(key(key), (k) -> new LinkedHashMap<>())
                    .put(realKey(d.address(), d.port()), new RealEdit(real(was, d), false));
            }
            case DELETE_SERVER -> reals.computeIfAbsent(key(key), (k) -> new LinkedHashMap<>())
                .put(realKey(cmd.dest().address(), cmd.dest().port()), new RealEdit(null, true));
            default ->
            {
            }
        }
    }

    /** The configuration the table is compiled from: the file's, with the hand's changes laid over it. */
    LdirectordConfig replay(final LdirectordConfig file)
    {
        if (services.isEmpty() && reals.isEmpty())
        {
            return file;
        }
        final List<VirtualService> out = new ArrayList<>();
        final Set<String> inFile = new java.util.HashSet<>();
        for (final VirtualService vs : file.virtualServices())
        {
            final String k = key(vs);
            inFile.add(k);
            final ServiceEdit e = services.get(k);
            if (null == e)
            {
                out.add(withReals(vs, vs.reals(), k));
            }
            else if (!e.deleted())
            {
                out.add(withReals(e.service(), e.fileReals() ? vs.reals() : List.of(), k));
            }
        }
        for (final Map.Entry<String, ServiceEdit> e : services.entrySet())
        {
            if (!inFile.contains(e.getKey()) && !e.getValue().deleted())
            {
                out.add(withReals(e.getValue().service(), List.of(), e.getKey()));
            }
        }
        return new LdirectordConfig(file.file(), file.global(), out, file.warnings());
    }

    /** True for what the hand made or changed: up whatever the checks say, as the kernel holds what it was told. */
    static boolean isByIpvsadm(final VirtualService vs, final RealServer rs)
    {
        return vs.line() == BY_IPVSADM || rs.isByIpvsadm();
    }

    /** True for what ldirectord would not log or alert about: a service the hand made, a real server it touched. */
    boolean touches(final VirtualService vs, final RealServer rs)
    {
        return vs.line() == BY_IPVSADM || reals.getOrDefault(key(vs), Map.of()).containsKey(realKey(rs));
    }

    /** Whether the file's service has a real server up by its checks, at the last {@link #observe}. */
    boolean anyUp(final VirtualService vs)
    {
        return anyUpSeen.getOrDefault(key(vs), false);
    }

    /** A copy, to go back to if a change cannot be compiled. */
    IpvsadmEdits copy()
    {
        final IpvsadmEdits c = new IpvsadmEdits();
        c.restore(this);
        return c;
    }

    /** Becomes {@code other} again (its changes; what it saw of health stays as it is). */
    void restore(final IpvsadmEdits other)
    {
        services.clear();
        services.putAll(other.services);
        reals.clear();
        other.reals.forEach((k, v) -> reals.put(k, new LinkedHashMap<>(v)));
    }

    /**
     * Before a compile, with the checks' view of health: what ldirectord would do on each transition since the last
     * compile replaces what the hand did. A real server of the file that changed health is the file's again (its
     * next {@code -a}/{@code -e}/{@code -d} of it); in a service the hand made anew, it comes in when up and goes
     * when down (unless quiescent and there), as ldirectord's {@code -a}/{@code -d} against the new service do; in a
     * service the hand deleted, nothing, as ldirectord's commands fail. A service whose fallback came in or went
     * is the file's fallback again.
     */
    void observe(final LdirectordConfig file, final TableCompiler.Health health)
    {
        final Map<String, Boolean> now = new java.util.HashMap<>();
        final Map<String, Boolean> anyUpNow = new java.util.HashMap<>();
        for (final VirtualService vs : file.virtualServices())
        {
            final String sk = key(vs);
            boolean anyUp = false;
            for (final RealServer rs : vs.reals())
            {
                final boolean up = health.isUp(vs, rs);
                anyUp |= up;
                now.put(sk + " " + realKey(rs), up);
                final Boolean was = healthSeen.get(sk + " " + realKey(rs));
                if (null != was && was != up)
                {
                    transition(vs, rs, up);
                }
            }
            anyUpNow.put(sk, anyUp);
            final Boolean wasUp = anyUpSeen.get(sk);
            if (vs.fallback().isPresent() && null != wasUp && wasUp != anyUp)
            {
                final Map<String, RealEdit> of = reals.get(sk);
                if (null != of)
                {
                    of.remove(realKey(vs.fallback().get().address(), vs.fallback().get().port()));
                }
            }
        }
        healthSeen = now;
        anyUpSeen = anyUpNow;
    }

    private void transition(final VirtualService vs, final RealServer rs, final boolean up)
    {
        final String sk = key(vs);
        final ServiceEdit svc = services.get(sk);
        if (null != svc && svc.deleted())
        {
            return;
        }
        final Map<String, RealEdit> of = reals.computeIfAbsent(sk, (k) -> new LinkedHashMap<>());
        if (null == svc || svc.fileReals())
        {
            of.remove(realKey(rs));
            return;
        }
        final RealEdit there = of.get(realKey(rs));
        if (up)
        {
            of.put(realKey(rs), new RealEdit(asCommanded(rs, rs.weight()), false)); // ldirectord's -a
        }
        else if (vs.quiescent() && null != there && !there.deleted())
        {
            of.put(realKey(rs), new RealEdit(asCommanded(rs, 0), false)); // its -e -w 0
        }
        else
        {
            of.remove(realKey(rs)); // its -d
        }
    }

    /** The file's real server as one command left it in a service the checks do not weigh: fixed, at that weight. */
    private static RealServer asCommanded(final RealServer rs, final int weight)
    {
        return new RealServer(-Math.abs(rs.line()), rs.address(), rs.port(), rs.forwarding(), weight,
            rs.lowerThreshold(), rs.upperThreshold(), rs.request(), rs.receive(), rs.tunnelType(), rs.tunnelPort(),
            rs.tunnelChecksum());
    }

    /**
     * ldirectord reloaded: every service the old or the new file has is the file's again; the services made by hand
     * that neither has are kept as they are.
     */
    void reloaded(final LdirectordConfig old, final LdirectordConfig next)
    {
        for (final LdirectordConfig c : List.of(old, next))
        {
            for (final VirtualService vs : c.virtualServices())
            {
                services.remove(key(vs));
                reals.remove(key(vs));
            }
        }
        services.values().removeIf(ServiceEdit::deleted);
    }

    /** No change by hand is in effect. */
    boolean isEmpty()
    {
        return services.isEmpty() && reals.isEmpty();
    }

    private VirtualService withReals(final VirtualService vs, final List<RealServer> fileReals, final String k)
    {
        final Map<String, RealEdit> edits = reals.getOrDefault(k, Map.of());
        final List<RealServer> out = new ArrayList<>();
        for (final RealServer rs : fileReals)
        {
            final RealEdit e = edits.get(realKey(rs));
            if (null == e)
            {
                out.add(rs);
            }
            else if (!e.deleted())
            {
                out.add(e.real());
            }
        }
        for (final Map.Entry<String, RealEdit> e : edits.entrySet())
        {
            final boolean fromFile = fileReals.stream().anyMatch((rs) -> realKey(rs).equals(e.getKey()));
            if (!fromFile && !e.getValue().deleted())
            {
                out.add(e.getValue().real()); // after the file's: the kernel links a new real server at the head
            }
        }
        // the fallback the hand deleted or changed is the hand's (an edited one is among the reals) until it moves
        final boolean fallbackByHand = vs.fallback().isPresent() &&
            edits.containsKey(realKey(vs.fallback().get().address(), vs.fallback().get().port()));
        return new VirtualService(vs.line(), vs.family(), vs.address(), vs.port(), vs.fwmark(), vs.protocol(),
            vs.scheduler(), vs.schedFlags(), vs.ops(), vs.persistent(), vs.netmask(), out, vs.check(), vs.quiescent(),
            fallbackByHand ? Optional.empty() : vs.fallback(), vs.fallbackCommand(), vs.emailAlert(), vs.cleanStop(),
            vs.monitorFile());
    }

    /** A service ipvsadm -A made: no checks, no fallback, nothing ldirectord would purge or alert about. */
    private static VirtualService made(final ServiceKey key, final ServiceOptions o)
    {
        final boolean fwmark = key.fwmark() != 0;
        return new VirtualService(BY_IPVSADM, key.af(), fwmark ? null : key.address(), fwmark ? 0 : key.port(),
            key.fwmark(), fwmark ? ServiceProtocol.FWM : key.protocol(), o.scheduler(), o.schedFlags(), o.onePacket(),
            o.persistent() ? OptionalInt.of(o.timeout()) : OptionalInt.empty(),
            Optional.of(new Netmask(key.af(), o.netmask())), List.of(), NO_CHECK, false, Optional.empty(),
            Optional.empty(), EmailAlert.NONE, false, Optional.empty());
    }

    /** -E: every option replaced (those not given take ipvsadm's defaults), the checks and the rest kept. */
    private static VirtualService edited(final VirtualService base, final ServiceKey key, final ServiceOptions o)
    {
        if (null == base)
        {
            return made(key, o);
        }
        return new VirtualService(base.line(), base.family(), base.address(), base.port(), base.fwmark(),
            base.protocol(), o.scheduler(), o.schedFlags(), o.onePacket(),
            o.persistent() ? OptionalInt.of(o.timeout()) : OptionalInt.empty(),
            Optional.of(new Netmask(key.af(), o.netmask())), base.reals(), base.check(), base.quiescent(),
            base.fallback(), base.fallbackCommand(), base.emailAlert(), base.cleanStop(), base.monitorFile());
    }

    /** -a/-e: a real server with every field from the command, its check's request and receive kept. */
    private static RealServer real(final RealServer was, final DestOptions d)
    {
        final var tunnel = d.tunnel();
        final int line = null == was ? BY_IPVSADM : -Math.abs(was.line()); // a file's one keeps its line, negated
        return new RealServer(line, d.address(), d.port(), d.forward(), d.weight(), d.lowerThreshold(),
            d.upperThreshold(), null == was ? Optional.empty() : was.request(),
            null == was ? Optional.empty() : was.receive(),
            null == tunnel ? TunnelType.IPIP : tunnel.type(), null == tunnel ? 0 : tunnel.port(),
            null == tunnel ? TunnelChecksum.NOCSUM : tunnel.checksum());
    }

    private VirtualService fileService(final LdirectordConfig current, final ServiceKey key)
    {
        return current.virtualServices().stream().filter((vs) -> key(vs).equals(key(key))).findFirst().orElse(null);
    }

    private RealServer currentReal(final LdirectordConfig current, final ServiceKey key, final DestOptions d)
    {
        final VirtualService vs = replay(current).virtualServices().stream()
            .filter((s) -> key(s).equals(key(key))).findFirst().orElse(null);
        if (null == vs)
        {
            return null;
        }
        return vs.reals().stream().filter((rs) -> realKey(rs).equals(realKey(d.address(), d.port())))
            .findFirst().orElse(null);
    }

    private static TableCompiler.CompiledService find(final List<TableCompiler.CompiledService> table,
        final ServiceKey key)
    {
        final String k = key(key);
        return table.stream().filter((cs) -> key(cs.config()).equals(k)).findFirst().orElse(null);
    }

    /** The kernel's service lookup key: protocol, address and port, or family and mark. */
    static String key(final VirtualService vs)
    {
        return vs.isFwmark() ? fwmarkKey(vs.family(), vs.fwmark()) :
            vs.protocol().listName() + " " + realKey(vs.address(), vs.port());
    }

    static String key(final ServiceKey key)
    {
        return key.fwmark() != 0 ? fwmarkKey(key.af(), key.fwmark()) :
            key.protocol().listName() + " " + realKey(key.address(), key.port());
    }

    private static String fwmarkKey(final AddressFamily af, final int mark)
    {
        return "FWM " + af + " " + Integer.toUnsignedString(mark);
    }

    private static String realKey(final RealServer rs)
    {
        return realKey(rs.address(), rs.port());
    }

    private static String realKey(final InetAddress address, final int port)
    {
        return HexFormat.of().formatHex(address.getAddress()) + ":" + port;
    }
}
