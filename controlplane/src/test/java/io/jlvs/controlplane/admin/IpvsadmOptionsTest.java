package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.SchedFlags;
import io.jlvs.controlplane.admin.IpvsadmCommand.Command;
import io.jlvs.controlplane.admin.IpvsadmCommand.ListKind;
import io.jlvs.controlplane.admin.IpvsadmCommand.Option;
import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.EtcServices;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.Resolver;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IpvsadmOptionsTest
{
    private static final Resolver RESOLVER = new Resolver()
    {
        private final EtcServices services = EtcServices.of(List.of("http 80/tcp www", "domain 53/udp"));

        @Override
        public InetAddress host(final String name, final AddressFamily family)
        {
            if (name.equals("lb.example.com") && family == AddressFamily.INET)
            {
                return InetLiterals.ipv4("192.0.2.80");
            }
            return family == AddressFamily.INET ? InetLiterals.ipv4(name) : InetLiterals.ipv6(name);
        }

        @Override
        public OptionalInt port(final String name, final String protocol)
        {
            return services.port(name, protocol);
        }
    };

    @Test
    void shouldListWithNamesWhenGivenNoArguments() throws Exception
    {
        final IpvsadmCommand cmd = parse();

        assertEquals(Command.LIST, cmd.command());
        assertEquals(ListFormat.DEFAULT, cmd.format());
        assertEquals(ListKind.ALL, cmd.listKind());
        assertTrue(cmd.isReadOnly());
    }

    @Test
    void shouldParseListSpellings() throws Exception
    {
        for (final List<String> args : List.of(List.of("-Ln"), List.of("-L", "-n"), List.of("-l", "-n"),
            List.of("--list", "--numeric"), List.of("-ln"), List.of("-L", "--sort", "-n")))
        {
            final IpvsadmCommand cmd = IpvsadmOptions.parse(args, RESOLVER);
            assertEquals(Command.LIST, cmd.command(), args.toString());
            assertEquals(ListFormat.NUMERIC, cmd.format(), args.toString());
            assertEquals(Set.of(Option.NUMERIC), cmd.options(), args.toString());
        }
    }

    @Test
    void shouldParseListFormats() throws Exception
    {
        assertEquals(ListFormat.NUMERIC.withStats(), parse("-L", "-n", "--stats").format());
        assertEquals(ListFormat.NUMERIC.withRate().withExact(), parse("-Ln", "--rate", "--exact").format());
        assertEquals(ListFormat.NUMERIC.withThresholds(), parse("-L", "-n", "--thresholds").format());
        assertEquals(ListFormat.NUMERIC.withPersistentConn().withNoSort(),
            parse("-Ln", "--persistent-conn", "--nosort").format());
        assertEquals(ListFormat.DEFAULT.withTunInfo().withExact(), parse("-LX", "--tun-info").format());
        assertEquals(ListKind.CONNECTIONS, parse("-Lnc").listKind());
        assertEquals(ListKind.TIMEOUT, parse("-L", "--timeout").listKind());
        assertEquals(ListKind.DAEMON, parse("-L", "--daemon").listKind());
    }

    @Test
    void shouldParseOneServiceToList() throws Exception
    {
        final IpvsadmCommand tcp = parse("-L", "-n", "-t", "192.168.0.200:80");
        assertEquals(ListKind.SERVICE, tcp.listKind());
        assertEquals("-t 192.168.0.200:80", tcp.service().toString());

        assertEquals("-t 192.168.0.200:80", parse("-Lnt192.168.0.200:80").service().toString());
        assertEquals("-t 192.168.0.200:80", parse("-L", "--tcp-service=192.168.0.200:80").service().toString());
        assertEquals("-u 192.0.2.80:53", parse("-L", "-u", "lb.example.com:domain").service().toString());
        assertEquals("-t [2001:db8::5]:119", parse("-L", "-t", "[2001:db8::5]:119").service().toString());
        assertEquals("-f 2 -6", parse("-L", "-f", "2", "-6").service().toString());
        assertEquals("--sctp-service 10.0.0.1:3868", parse("-L", "--sctp-service", "10.0.0.1:3868").service().toString());
    }

    @Test
    void shouldApplyIpvsadmDefaultsToAddService() throws Exception
    {
        final IpvsadmCommand plain = parse("-A", "-t", "10.0.0.1:http");
        assertEquals(Command.ADD_SERVICE, plain.command());
        assertEquals(new IpvsadmCommand.ServiceOptions("wlc", false, 0, 0xffffffff, "", false, 0),
            plain.serviceOptions());
        assertFalse(plain.isReadOnly());

        final IpvsadmCommand persistent = parse("-At", "10.0.0.1:80", "-s", "rr", "-p");
        assertEquals(new IpvsadmCommand.ServiceOptions("rr", true, 360, 0xffffffff, "", false, 0),
            persistent.serviceOptions());

        final IpvsadmCommand masked = parse("-A", "-t", "10.0.0.1:0", "-p", "600", "-M", "255.255.255.0", "-s", "sh",
            "-b", "sh-fallback,sh-port");
        assertEquals(new IpvsadmCommand.ServiceOptions("sh", true, 600, 0xffffff00, "", false,
            SchedFlags.FLAG_1 | SchedFlags.FLAG_2), masked.serviceOptions());

        final IpvsadmCommand v6 = parse("-A", "-t", "[2001:db8::5]:119", "-p", "-M", "64");
        assertEquals(64, v6.serviceOptions().netmask());
        assertTrue(parse("-A", "-u", "10.0.0.1:53", "-o").serviceOptions().onePacket());
    }

    @Test
    void shouldApplyIpvsadmDefaultsToAddServer() throws Exception
    {
        final IpvsadmCommand dr = parse("-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1:8080", "-w", "3");
        assertEquals(Command.ADD_SERVER, dr.command());
        assertEquals(new IpvsadmCommand.DestOptions(AddressFamily.INET, InetLiterals.ipv4("10.0.1.1"), 80,
            FwdMethod.DROUTE, 3, 0, 0, null), dr.dest());

        final IpvsadmCommand nat = parse("-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1:8080", "-m", "-x", "200", "-y",
            "150");
        assertEquals(new IpvsadmCommand.DestOptions(AddressFamily.INET, InetLiterals.ipv4("10.0.1.1"), 8080,
            FwdMethod.MASQ, 1, 200, 150, null), nat.dest());

        assertEquals(80, parse("-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-m").dest().port());

        final IpvsadmCommand gue = parse("-a", "-t", "10.0.0.1:80", "-r", "2001:db8::10", "-i", "--tun-type", "gue",
            "--tun-port", "6080", "--tun-csum");
        assertEquals(new TunnelView(TunnelType.GUE, 6080, TunnelChecksum.CSUM), gue.dest().tunnel());
        assertEquals(AddressFamily.INET6, gue.dest().af());
        assertEquals(80, gue.dest().port());
    }

    @Test
    void shouldParseRefusedCommandsToo() throws Exception
    {
        assertEquals(Command.FLUSH, parse("-C").command());
        assertEquals(Command.ZERO, parse("-Z", "-t", "10.0.0.1:80").command());
        assertEquals(Command.DELETE_SERVER, parse("-d", "-t", "10.0.0.1:80", "-r", "10.0.1.1").command());
        assertEquals(Command.EDIT_SERVICE, parse("--edit-service", "-t", "10.0.0.1:80", "-s", "lc").command());
        assertEquals(Command.RESTORE, parse("-R").command());
        assertEquals(new TimeoutView(900, 120, 300), parse("--set", "900", "120", "300").timeouts());
        final IpvsadmCommand daemon = parse("--start-daemon", "master", "--syncid", "7");
        assertEquals(new IpvsadmCommand.DaemonOptions("master", "eth0", 7, 0, null, 0, 0), daemon.daemon());
        assertEquals(Command.HELP, parse("-h").command());
        assertEquals(Command.VERSION, parse("--version").command());
        assertEquals(Command.SAVE, parse("-Sn").command());
        assertTrue(parse("-Sn").format().numeric());
        assertNull(parse("-Sn").service());
    }

    @Test
    void shouldFailLikeIpvsadm()
    {
        final String tryHelp = "Try `ipvsadm -h' or 'ipvsadm --help' for more information.\n";
        assertFailure(255, tryHelp, "-n", "-L");
        assertFailure(255, tryHelp, "foo");
        assertFailure(255, tryHelp, "--bogus");
        assertFailure(255, "--bogus: unknown option\n", "-L", "--bogus");
        assertFailure(255, "-Lq: unknown option\n", "-Lq");
        assertFailure(255, "-t: missing argument\n", "-L", "-t");
        assertFailure(255, "--numeric=1: option does not take an argument\n", "-L", "--numeric=1");
        assertFailure(2, "invalid option `-A'\n", "-L", "-A");
        assertFailure(2, "unexpected argument foo\n", "-L", "foo");
        assertFailure(2, "Illegal 'weight' option with the 'list' command\n", "-L", "-w", "5");
        assertFailure(2, "You need to supply the 'real-server' option for the 'add-server' command\n",
            "-a", "-t", "10.0.0.1:80");
        assertFailure(2, "You need to supply the 'service-address' option for the 'add-service' command\n", "-A");
        assertFailure(2, "The option 'service-address' conflicts with the 'connection' option in the 'list' command\n",
            "-L", "-c", "-t", "10.0.0.1:80");
        assertFailure(2, "options conflicts in the list command\n", "-L", "-c", "--stats");
        assertFailure(2, "options conflicts in the list command\n", "-L", "--timeout", "--persistent-conn");
        assertFailure(2, "multiple 'forwarding-method' options specified\n",
            "-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-g", "-m");
        assertFailure(2, "invalid option `-L'\n", "-A", "-L");
        assertFailure(2, "illegal weight specified\n", "-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-w", "70000");
        assertFailure(2, "illegal u_threshold specified\n", "-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-x", "-1");
        assertFailure(2, "illegal virtual server address[:port] specified\n", "-A", "-t", "10.0.0.1:99999");
        assertFailure(2, "illegal virtual server address[:port] specified\n", "-A", "-t", "8080");
        assertFailure(2, "illegal real server address[:port] specified\n", "-a", "-t", "10.0.0.1:80", "-r", "nowhere");
        assertFailure(2, "illegal real server address[:port] specified\n", "-a", "-t", "10.0.0.1:80", "-r",
            "[2001:db8::10]");
        assertFailure(2, "Zero port specified for non-persistent service\n", "-A", "-t", "10.0.0.1");
        assertFailure(2, "One-Packet Scheduling is only for UDP virtual services\n", "-A", "-t", "10.0.0.1:80", "-o");
        assertFailure(2, "invalid timeout value `0' specified\n", "-A", "-t", "10.0.0.1:80", "-p", "0");
        assertFailure(2, "illegal virtual server persistent mask specified\n", "-A", "-t", "10.0.0.1:80", "-M", "x");
        assertFailure(2, "illegal ipv6 netmask specified\n", "-A", "-t", "[::1]:80", "-M", "129");
        assertFailure(2, "invalid fwmark value `0' specified\n", "-L", "-f", "0");
        assertFailure(2, "-6 used before -f\n\n", "-A", "-6", "-f", "1");
        assertFailure(2, "incompatible scheduler flag `sh-port'\n", "-A", "-t", "10.0.0.1:80", "-b", "sh-port");
        assertFailure(2, "invalid scheduler flag `flag-9'\n", "-A", "-t", "10.0.0.1:80", "-b", "flag-9");
        assertFailure(2, "--set option requires 3 timeout values\n", "--set", "900", "120");
        assertFailure(2, "illegal start-daemon parameter specified\n", "--start-daemon", "primary");
        assertFailure(2, "Different address family is allowed only for tunneling servers\n",
            "-a", "-t", "10.0.0.1:80", "-r", "[2001:db8::10]:80", "-m");
        assertFailure(2, "Tunnel options conflict with forward method\n",
            "-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-g", "--tun-type", "gre");
        assertFailure(2, "You need to supply the 'tun-port' option for the 'gue' tunnel type\n",
            "-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type", "gue");
        assertFailure(2, "Illegal 'tun-port' option with the 'ipip' tunnel type\n",
            "-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-port", "6080");
        assertFailure(2, "The option 'tun-csum' conflicts with the 'tun-nocsum' option in the 'gre' tunnel type\n",
            "-a", "-t", "10.0.0.1:80", "-r", "10.0.1.1", "-i", "--tun-type", "gre", "--tun-nocsum", "--tun-csum");
    }

    @Test
    void shouldTreatWordsAfterDoubleDashAsArguments()
    {
        assertFailure(2, "unexpected argument -n\n", "-L", "--", "-n");
    }

    private static IpvsadmCommand parse(final String... args) throws IpvsadmUsageException
    {
        return IpvsadmOptions.parse(List.of(args), RESOLVER);
    }

    private static void assertFailure(final int status, final String stderr, final String... args)
    {
        final IpvsadmUsageException ex = assertThrows(IpvsadmUsageException.class, () -> parse(args),
            List.of(args).toString());
        assertEquals(stderr, ex.getMessage(), List.of(args).toString());
        assertEquals(status, ex.exitStatus(), List.of(args).toString());
    }
}
