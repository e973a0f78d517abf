package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.IpvsadmCommand;
import io.jlvs.controlplane.admin.IpvsadmOptions;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.Resolver;
import io.jlvs.controlplane.config.VirtualService;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.status.DataplaneCounters;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ipvsadm's changes laid over the file's table, as the kernel holds what ldirectord and ipvsadm both told it. */
class IpvsadmEditsTest
{
    private static final RouteTable ROUTES = RouteTable.of(0xC6120002, 24);

    private static final String FILE = """
        virtual=198.18.0.10:80
        \treal=198.18.0.11:80 gate 3
        \treal=198.18.0.12:80 gate 2
        \tscheduler=wrr
        \tchecktype=negotiate
        \tquiescent=yes
        """;

    private final IpvsadmEdits edits = new IpvsadmEdits();
    /** A sync daemon runs, as ipvsadm --start-daemon would have it. */
    private boolean syncRunning;
    /** Real servers the checks say are down, by address. */
    private final Set<String> down = new HashSet<>();
    private final TableCompiler.Health health =
        (vs, rs) -> IpvsadmEdits.isByIpvsadm(vs, rs) || !down.contains(rs.address().getHostAddress());

    private static LdirectordConfig parse(final String text) throws Exception
    {
        return LdirectordConfigParser.parse(Path.of("/etc/ha.d/ldirectord.cf"), List.of(text.split("\n")),
            Resolver.system());
    }

    private static IpvsadmCommand cmd(final String line) throws Exception
    {
        return IpvsadmOptions.parse(line.split(" "));
    }

    private TableCompiler.CompiledTable compile(final LdirectordConfig file)
    {
        edits.observe(file, (vs, rs) -> !down.contains(rs.address().getHostAddress()));
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(4096), 1);
        final TableCompiler.Health asTheDirector = new TableCompiler.Health()
        {
            @Override
            public boolean isUp(final VirtualService vs, final RealServer rs)
            {
                return health.isUp(vs, rs);
            }

            @Override
            public boolean anyUp(final VirtualService vs)
            {
                return edits.anyUp(vs);
            }
        };
        return new TableCompiler(stats).compile(edits.replay(file), 1, ROUTES, 1, asTheDirector);
    }

    /** Does {@code line} as the director does: refused against the listed table, else recorded. */
    private String run(final LdirectordConfig file, final String line) throws Exception
    {
        final IpvsadmCommand c = cmd(line);
        final String refusal = IpvsadmEdits.refusal(c, compile(file).services(), syncRunning);
        if (null == refusal)
        {
            edits.record(c, file);
        }
        return refusal;
    }

    private static String listing(final TableCompiler.CompiledTable t)
    {
        final StringBuilder sb = new StringBuilder();
        for (final TableCompiler.CompiledService cs : t.services())
        {
            final VirtualService vs = cs.config();
            sb.append(IpvsadmEdits.key(vs)).append(' ').append(vs.scheduler())
                .append(vs.persistent().isPresent() ? " p" + vs.persistent().getAsInt() : "").append('\n');
            for (final TableCompiler.CompiledDest cd : cs.dests())
            {
                final RealServer rs = cd.config();
                sb.append("  ").append(rs.address().getHostAddress()).append(':').append(rs.port()).append(' ')
                    .append(rs.forwarding()).append(' ').append(cd.weight()).append('\n');
            }
        }
        return sb.toString();
    }

    @Test
    void shouldRefuseAsTheKernelDoesAndChangeNothing() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertEquals("Service already exists", run(file, "-A -t 198.18.0.10:80"));
        assertEquals("No such service", run(file, "-E -t 198.18.0.10:81"));
        assertEquals("No such service", run(file, "-D -t 198.18.0.10:81"));
        assertEquals("No such service", run(file, "-Z -t 198.18.0.10:81"));
        assertEquals("Service not defined", run(file, "-a -t 198.18.0.10:81 -r 198.18.0.13"));
        assertEquals("Service not defined", run(file, "-d -t 198.18.0.10:81 -r 198.18.0.13"));
        assertEquals("Destination already exists", run(file, "-a -t 198.18.0.10:80 -r 198.18.0.11"));
        assertEquals("No such destination", run(file, "-e -t 198.18.0.10:80 -r 198.18.0.13"));
        assertEquals("No such destination", run(file, "-d -t 198.18.0.10:80 -r 198.18.0.13"));
        assertEquals(IpvsadmEdits.ERANGE, run(file, "-a -t 198.18.0.10:80 -r 198.18.0.13 -y 5"),
            "a lower threshold above the upper one (0 when not given)");
        assertEquals(IpvsadmEdits.ERANGE, run(file, "-e -t 198.18.0.10:80 -r 198.18.0.11 -x 5 -y 6"));
        assertEquals("Scheduler or persistence engine not found", run(file, "-A -t 198.18.0.10:81 -s nosuch"));
        assertEquals("Scheduler or persistence engine not found", run(file, "-A -u 198.18.0.10:5060 -p --pe sip"));
        assertEquals("Scheduler or persistence engine not found", run(file, "-E -t 198.18.0.10:80 -s nosuch"));
        assertEquals("Protocol not supported", run(file, "--add-service --sctp-service 198.18.0.10:81"));
        for (final String notUnicast : new String[] {"224.0.0.5", "255.255.255.255", "0.0.0.0"})
        {
            assertEquals(IpvsadmEdits.EINVAL, run(file, "-a -t 198.18.0.10:80 -r " + notUnicast), notUnicast);
        }
        assertTrue(edits.isEmpty());
        assertSame(file, edits.replay(file), "nothing laid over the file");
    }

    /**
     * Seen from ipvsadm 1.31 against Debian 12's kernel (a QEMU guest): with a sync daemon running, master or backup,
     * a real server of another family than its service is refused with EINVAL (exit 255), before the thresholds
     * are looked at; without one it is taken (tunnelled), and then no daemon may start until it is gone.
     */
    @Test
    void shouldRefuseAMixedFamilyRealServerWhileASyncDaemonRuns() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        syncRunning = true;
        assertEquals(IpvsadmEdits.EINVAL, run(file, "-a -t 198.18.0.10:80 -r 2001:db8::11 -i"));
        assertEquals(IpvsadmEdits.EINVAL, run(file, "-a -t 198.18.0.10:80 -r 2001:db8::11 -i -y 5"),
            "before the thresholds");
        assertEquals("Service not defined", run(file, "-a -t 198.18.0.10:81 -r 2001:db8::11 -i"),
            "after the service is found");
        assertNull(run(file, "-a -t 198.18.0.10:80 -r 198.18.0.13 -w 1"), "the same family is taken");
        assertNull(IpvsadmEdits.daemonRefusal(compile(file).services()));
        syncRunning = false;
        assertNull(run(file, "-a -t 198.18.0.10:80 -r 2001:db8::11 -i"));
        assertEquals(IpvsadmEdits.EINVAL, IpvsadmEdits.daemonRefusal(compile(file).services()),
            "no daemon starts while the mixed real server is there");
        assertNull(run(file, "-d -t 198.18.0.10:80 -r 2001:db8::11"));
        assertNull(IpvsadmEdits.daemonRefusal(compile(file).services()));
    }

    @Test
    void shouldMakeServicesAndRealServersWithIpvsadmsDefaults() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertNull(run(file, "-A -t 198.18.0.20:443 -p"));
        assertNull(run(file, "-a -t 198.18.0.20:443 -r 198.18.0.11:443"));
        assertNull(run(file, "-a -t 198.18.0.20:443 -r 198.18.0.12 -m -w 5"));
        assertNull(run(file, "-A -f 7 -s rr"));
        assertEquals("""
            TCP c612000a:80 wrr
              198.18.0.12:80 DROUTE 2
              198.18.0.11:80 DROUTE 3
            TCP c6120014:443 wlc p360
              198.18.0.12:443 MASQ 5
              198.18.0.11:443 DROUTE 1
            FWM INET 7 rr
            """, listing(compile(file)),
            "wlc, 360 s, weight 1 and -g by default; the newest real server heads the list, as the kernel links it");
        final VirtualService made = edits.replay(file).virtualServices().get(1);
        assertEquals(IpvsadmEdits.BY_IPVSADM, made.line());
        assertEquals(0xffffffff, made.netmask().orElseThrow().value());
    }

    @Test
    void shouldReplaceEveryFieldOnEditAndKeepTheChecks() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertNull(run(file, "-E -t 198.18.0.10:80 -s rr -p 60"));
        assertNull(run(file, "-e -t 198.18.0.10:80 -r 198.18.0.11 -w 7"));
        assertEquals("""
            TCP c612000a:80 rr p60
              198.18.0.12:80 DROUTE 2
              198.18.0.11:80 DROUTE 7
            """, listing(compile(file)));
        final VirtualService vs = edits.replay(file).virtualServices().get(0);
        assertEquals(file.virtualServices().get(0).check(), vs.check(), "the file's checks go on");
        assertEquals(file.virtualServices().get(0).line(), vs.line());

        assertNull(run(file, "-E -t 198.18.0.10:80"));
        assertEquals("TCP c612000a:80 wlc\n", listing(compile(file)).lines().findFirst().orElseThrow() + "\n",
            "-E without -s or -p: wlc and no persistence, as ipvsadm sends its defaults");
    }

    @Test
    void shouldHoldAHandChangeUntilTheRealServersNextHealthTransition() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        down.add("198.18.0.12");
        assertEquals("  198.18.0.12:80 DROUTE 0", listing(compile(file)).lines().skip(1).findFirst().orElseThrow(),
            "quiescent: down at weight 0");
        assertNull(run(file, "-e -t 198.18.0.10:80 -r 198.18.0.12 -w 4"));
        assertEquals("  198.18.0.12:80 DROUTE 4", listing(compile(file)).lines().skip(1).findFirst().orElseThrow(),
            "the kernel holds the weight it was told, whatever ldirectord thinks");
        assertNull(run(file, "-d -t 198.18.0.10:80 -r 198.18.0.11"));
        assertEquals(2, listing(compile(file)).lines().count(), "deleted by hand");

        down.remove("198.18.0.12");
        down.add("198.18.0.11");
        assertEquals("""
            TCP c612000a:80 wrr
              198.18.0.12:80 DROUTE 2
              198.18.0.11:80 DROUTE 0
            """, listing(compile(file)), "each transition gives the real server back to the checks");
    }

    @Test
    void shouldKeepOnReloadOnlyTheServicesNeitherFileHas() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertNull(run(file, "-A -u 198.18.0.20:53 -s rr"));
        assertNull(run(file, "-a -u 198.18.0.20:53 -r 198.18.0.11"));
        assertNull(run(file, "-A -t 198.18.0.30:80"));
        assertNull(run(file, "-D -t 198.18.0.10:80"));
        final LdirectordConfig next = parse(FILE + """
            virtual=198.18.0.30:80
            \treal=198.18.0.13:80 gate
            \tchecktype=on
            """);
        edits.reloaded(file, next);
        assertEquals("""
            TCP c612000a:80 wrr
              198.18.0.12:80 DROUTE 2
              198.18.0.11:80 DROUTE 3
            TCP c612001e:80 wrr
              198.18.0.13:80 DROUTE 1
            UDP c6120014:53 rr
              198.18.0.11:53 DROUTE 1
            """, listing(compile(next)),
            "ldirectord adds its services back and takes over the one it now has; the hand's own one stays");
    }

    @Test
    void shouldFlushEverythingUntilTheNextReload() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertNull(run(file, "-A -t 198.18.0.20:80"));
        assertNull(run(file, "-C"));
        assertEquals("", listing(compile(file)));
        down.add("198.18.0.11");
        assertEquals("", listing(compile(file)), "a transition has no service to go to");
        assertNull(run(file, "-A -t 198.18.0.10:80 -s rr"));
        assertEquals("TCP c612000a:80 rr\n", listing(compile(file)), "made again by hand: without the file's reals");
        edits.reloaded(file, file);
        assertEquals(3, listing(compile(file)).lines().count());
        assertTrue(edits.isEmpty());
    }

    private static final String WITH_FALLBACK = """
        virtual=198.18.0.10:80
        \treal=198.18.0.11:80 gate 3
        \tfallback=198.18.0.99:80 gate
        \tchecktype=negotiate
        """;

    @Test
    void shouldLeaveTheFallbackToTheFilesChecks() throws Exception
    {
        final LdirectordConfig file = parse(WITH_FALLBACK);
        down.add("198.18.0.11");
        assertTrue(listing(compile(file)).contains("198.18.0.99:80"), "every real server down: the fallback serves");
        assertNull(run(file, "-a -t 198.18.0.10:80 -r 198.18.0.12 -w 2"));
        final String withHand = listing(compile(file));
        assertTrue(withHand.contains("198.18.0.99:80") && withHand.contains("198.18.0.12:80 DROUTE 2"),
            "a real server added by hand is no check of ldirectord's: its fallback stays\n" + withHand);

        assertNull(run(file, "-d -t 198.18.0.10:80 -r 198.18.0.99"));
        assertTrue(!listing(compile(file)).contains("198.18.0.99"), "the fallback deleted by hand is gone");
        assertEquals("No such destination", run(file, "-d -t 198.18.0.10:80 -r 198.18.0.99"),
            "and a second -d finds nothing, as in the kernel");

        down.remove("198.18.0.11");
        compile(file);
        down.add("198.18.0.11");
        assertTrue(listing(compile(file)).contains("198.18.0.99:80"),
            "when the fallback goes and comes again, ldirectord's -a puts it back");
    }

    @Test
    void shouldLetLdirectordActOnAServiceMadeAnewByHand() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        compile(file);
        assertNull(run(file, "-D -t 198.18.0.10:80"));
        down.add("198.18.0.11");
        assertEquals("", listing(compile(file)), "ldirectord's commands about a deleted service fail");
        assertNull(run(file, "-A -t 198.18.0.10:80 -s rr"));
        assertNull(run(file, "-a -t 198.18.0.10:80 -r 198.18.0.12 -w 9"));
        down.remove("198.18.0.11");
        assertEquals("""
            TCP c612000a:80 rr
              198.18.0.11:80 DROUTE 3
              198.18.0.12:80 DROUTE 9
            """, listing(compile(file)), "its up transition adds the file's real server to the new service");
        down.add("198.18.0.12");
        assertEquals("""
            TCP c612000a:80 rr
              198.18.0.11:80 DROUTE 3
              198.18.0.12:80 DROUTE 0
            """, listing(compile(file)),
            "and a down one, quiescent, becomes the file's at weight 0, as ldirectord's -e -w 0");
    }

    @Test
    void shouldTellWhatTheHandTouchedForLdirectordsLog() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        final VirtualService vs = file.virtualServices().get(0);
        assertNull(run(file, "-d -t 198.18.0.10:80 -r 198.18.0.11"));
        assertTrue(edits.touches(vs, vs.reals().get(0)), "a real server deleted by hand is no news of ldirectord's");
        assertTrue(!edits.touches(vs, vs.reals().get(1)));
        assertNull(run(file, "-e -t 198.18.0.10:80 -r 198.18.0.12 -w 5"));
        final RealServer edited = edits.replay(file).virtualServices().get(0).reals().get(0);
        assertEquals(-vs.reals().get(1).line(), edited.line(), "a file's real server changed by hand: its line negated");
        assertTrue(edited.isByIpvsadm() && edited.isInFile());
    }

    @Test
    void shouldTakeSchedulerNoneAsTheKernelDoes() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertNull(run(file, "-A -t 198.18.0.20:80 -s none"));
        assertTrue(listing(compile(file)).contains("TCP c6120014:80 none"));
    }

    @Test
    void shouldGoBackToACopy() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertNull(run(file, "-A -t 198.18.0.20:80"));
        final IpvsadmEdits before = edits.copy();
        assertNull(run(file, "-C"));
        edits.restore(before);
        assertEquals(4, listing(compile(file)).lines().count(), "the file's service, its two reals and the hand's");
    }

    @Test
    void shouldKeyServicesAsTheKernelLooksThemUp() throws Exception
    {
        final LdirectordConfig file = parse(FILE);
        assertEquals(IpvsadmEdits.key(file.virtualServices().get(0)), IpvsadmEdits.key(cmd("-E -t 198.18.0.10:80")
            .service()));
        assertEquals(IpvsadmEdits.key(parse("virtual=9\n\treal=198.18.0.11 gate\n").virtualServices().get(0)),
            IpvsadmEdits.key(cmd("-A -f 9").service()), "a fwmark service is TCP to ipvsadm and FWM to ldirectord");
        assertEquals(FwdMethod.DROUTE, cmd("-e -t 198.18.0.10:80 -r 198.18.0.11:8080").dest().forward());
        assertEquals(80, cmd("-e -t 198.18.0.10:80 -r 198.18.0.11:8080").dest().port(),
            "-e without a method is -g: the real server is looked up at the service's port");
    }
}
