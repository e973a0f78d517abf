package io.jlvs.controlplane.config;

import io.jlvs.dataplane.route.RouteTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectorSettingsTest
{
    @Test
    void shouldApplyDefaults() throws Exception
    {
        final DirectorSettings s = DirectorSettings.parse(Path.of("jlvs.conf"), List.of(
            "# minimal director",
            "port = 0000:03:00.0",
            "address = 198.18.0.2/24"));

        assertEquals("default", s.instance());
        assertEquals("0000:03:00.0", s.port());
        assertTrue(s.isPciPort());
        assertEquals(InetLiterals.ipv4("198.18.0.2"), s.address());
        assertEquals(24, s.prefixLength());
        assertEquals(List.of(new DirectorSettings.Address(InetLiterals.ipv4("198.18.0.2"), 24)), s.addresses());
        assertEquals(Optional.empty(), s.gateway());
        assertEquals(1500, s.mtu());
        assertEquals(List.of(1), s.cores());
        assertEquals(0, s.controlCore());
        assertEquals(List.of(), s.extraEalArgs());
        assertTrue(s.hugepages());
        assertEquals(512, s.memoryMiB());
        assertEquals(1048576, s.connTableSize());
        assertEquals(Path.of("/dev/shm/jlvs/default"), s.connTableDir());
        assertEquals(Path.of("/run/jlvs/default.sock"), s.adminSocket());
        assertEquals(Path.of("/etc/ha.d/ldirectord.cf"), s.ldirectordConfig());
        assertEquals(List.of("-l", "0", "--main-lcore", "0", "--file-prefix", "jlvs-default", "-a", "0000:03:00.0"),
            s.ealArguments());
    }

    @Test
    void shouldParseEveryKey() throws Exception
    {
        final Path file = Files.createTempFile("jlvs", ".conf");
        try
        {
            Files.writeString(file, """
                instance = lab1
                port = "net_af_packet0,iface=veth-dir"   # vdev devargs
                address=198.18.0.2/24
                gateway = 198.18.0.1
                cores = 2-3,5
                control-core = 1
                eal-args = --log-level=lib.eal:debug --in-memory
                hugepages = no
                memory = 256
                mtu = 1400
                conn-table-size = 65536
                conn-table-dir = /dev/shm/lab1
                admin-socket = /tmp/lab1.sock
                ldirectord-config = /etc/jlvs/ldirectord.cf
                """);
            final DirectorSettings s = DirectorSettings.parse(file);

            assertEquals("lab1", s.instance());
            assertEquals("net_af_packet0,iface=veth-dir", s.port());
            assertFalse(s.isPciPort());
            assertEquals(Optional.of(InetLiterals.ipv4("198.18.0.1")), s.gateway());
            assertEquals(List.of(2, 3, 5), s.cores());
            assertEquals(1, s.controlCore());
            assertFalse(s.hugepages());
            assertEquals(256, s.memoryMiB());
            assertEquals(1400, s.mtu());
            assertEquals(65536, s.connTableSize());
            assertEquals(Path.of("/dev/shm/lab1"), s.connTableDir());
            assertEquals(Path.of("/tmp/lab1.sock"), s.adminSocket());
            assertEquals(Path.of("/etc/jlvs/ldirectord.cf"), s.ldirectordConfig());
            assertEquals(List.of("-l", "1", "--main-lcore", "1", "--file-prefix", "jlvs-lab1", "--no-pci",
                "--vdev", "net_af_packet0,iface=veth-dir", "--no-huge", "-m", "256", "--log-level=lib.eal:debug",
                "--in-memory"), s.ealArguments());
        }
        finally
        {
            Files.delete(file);
        }
    }

    @Test
    void shouldDeriveDefaultPathsFromInstance() throws Exception
    {
        final DirectorSettings s = DirectorSettings.parse(Path.of("x.conf"), List.of(
            "instance = edge-2", "port = 03:00.1", "address = 10.0.0.2/31"));

        assertEquals(Path.of("/dev/shm/jlvs/edge-2"), s.connTableDir());
        assertEquals(Path.of("/run/jlvs/edge-2.sock"), s.adminSocket());
        assertTrue(s.isPciPort());
    }

    @Test
    void shouldReadTheMetricsEndpointOffByDefault() throws Exception
    {
        final List<String> base = List.of("port = 03:00.1", "address = 10.0.0.2/31");
        assertTrue(DirectorSettings.parse(Path.of("x.conf"), base).metrics().isEmpty());
        final var v4 = new java.util.ArrayList<>(base);
        v4.add("metrics = 127.0.0.1:9280");
        assertEquals(new java.net.InetSocketAddress("127.0.0.1", 9280),
            DirectorSettings.parse(Path.of("x.conf"), v4).metrics().orElseThrow());
        final var v6 = new java.util.ArrayList<>(base);
        v6.add("metrics = [2001:db8::2]:9280");
        assertEquals(9280, DirectorSettings.parse(Path.of("x.conf"), v6).metrics().orElseThrow().getPort());
        for (final String bad : new String[] {"metrics = 127.0.0.1", "metrics = localhost:9280", "metrics = 1.2.3.4:0",
            "metrics = 2001:db8::2:9280"})
        {
            final var lines = new java.util.ArrayList<>(base);
            lines.add(bad);
            final ConfigException ex = assertThrows(ConfigException.class,
                () -> DirectorSettings.parse(Path.of("x.conf"), lines), bad);
            assertEquals("x.conf:3: invalid metrics \"" + bad.substring(10) + "\": address:port or [address]:port, " +
                "e.g. 127.0.0.1:9280", ex.errors().get(0).toString());
        }
    }

    @Test
    void shouldReportEveryErrorWithFileAndLine()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> DirectorSettings.parse(
            Path.of("bad.conf"), List.of(
                "address = 198.18.0.2",
                "gateway = 198.18.0.256",
                "cores = 1,4-2",
                "control-core = x",
                "hugepages = maybe",
                "memory = 0",
                "speed = fast",
                "address = 198.18.0.3/24",
                "instance = no/slash",
                "this is not a setting")));

        assertEquals(List.of(
                "bad.conf: missing required key \"port\"",
                "bad.conf:1: invalid address \"198.18.0.2\": expected an IPv4 address with prefix length, e.g. " +
                    "198.18.0.2/24",
                "bad.conf:2: invalid gateway \"198.18.0.256\": expected an IPv4 address",
                "bad.conf:3: invalid cores \"1,4-2\": ranges go low-high, lcores 0..1023",
                "bad.conf:4: invalid control-core \"x\": must be a number in 0..1023",
                "bad.conf:5: hugepages must be 'yes' or 'no'",
                "bad.conf:6: invalid memory \"0\": must be a number in 1..1048576",
                "bad.conf:7: unknown key \"speed\"",
                "bad.conf:8: duplicate key \"address\" (first set at line 1)",
                "bad.conf:9: invalid instance \"no/slash\": use letters, digits, '_', '.', '-'",
                "bad.conf:10: expected \"key = value\""),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldReadSeveralAddressesTheFirstPrimaryAndAGatewayOnOneOfTheirSubnets() throws Exception
    {
        final DirectorSettings s = DirectorSettings.parse(Path.of("lab.conf"), List.of(
            "port = net_af_packet0,iface=dir0",
            "address = 198.18.0.2/24, 198.18.1.1/24,10.9.0.1/16",
            "gateway = 198.18.1.254",
            "mtu = 9000"));

        assertEquals(InetLiterals.ipv4("198.18.0.2"), s.address());
        assertEquals(24, s.prefixLength());
        assertEquals(List.of("198.18.0.2/24", "198.18.1.1/24", "10.9.0.1/16"),
            s.addresses().stream().map(DirectorSettings.Address::toString).toList());
        assertEquals(9000, s.mtu());

        final RouteTable routes = s.routes();
        assertEquals(0xC6120002, routes.primaryAddress());
        assertEquals(0xC61201FE, routes.gateway());
        assertEquals(0xC61201FE, routes.nextHop(0xC612020B), "198.18.2.11 is behind the gateway");
        assertEquals(0xC6120101, routes.sourceFor(0xC61201FE));
        assertEquals(0x0A090203, routes.nextHop(0x0A090203), "10.9.2.3 is on the /16");
        assertEquals(0x0A090001, routes.sourceFor(0x0A090203));
        assertEquals(0, DirectorSettings.parse(Path.of("x.conf"), List.of("port = 03:00.1", "address = 10.0.0.2/24"))
            .routes().gateway(), "no gateway");
    }

    @Test
    void shouldReadFloatingAddressesHeldOnlyWhileServing() throws Exception
    {
        final DirectorSettings s = DirectorSettings.parse(Path.of("pair.conf"), List.of(
            "port = net_af_packet0,iface=dir0",
            "address = 198.18.0.3/24, 198.18.1.3/24, 2001:db8::3/64",
            "gateway = 198.18.0.254",
            "floating-address = 198.18.1.1/24, 2001:db8:1::1/64, 198.18.7.1/24"));
        assertEquals(List.of("198.18.1.1/24", "198.18.7.1/24"),
            s.floating().stream().map(DirectorSettings.Address::toString).toList());
        assertEquals(List.of("2001:db8:1::1/64"), s.floating6().stream().map(DirectorSettings.Address6::toString)
            .toList());
        final RouteTable routes = s.routes();
        assertEquals(2, routes.floatingV4());
        assertEquals(1, routes.floatingV6());
        assertTrue(routes.isOwnAddress(0xC6120101));
        assertEquals(0xC6120103, routes.sourceFor(0xC612010B), "its own address on the NAT subnet, not the gateway");
        assertEquals(0xC6120701, routes.sourceFor(0xC612070B), "serving, the floating subnet is connected");
        assertFalse(routes.standby().isOwnAddress(0xC6120101));
        assertEquals(0xC61200FE, routes.standby().nextHop(0xC612070B), "standing by, not");
        assertEquals(List.of(), DirectorSettings.parse(Path.of("x.conf"), List.of("port = 03:00.1",
            "address = 10.0.0.2/24")).floating(), "none by default");
    }

    @Test
    void shouldReadTheDrainAndTheKernelsConnectionSysctls() throws Exception
    {
        final DirectorSettings d = DirectorSettings.parse(Path.of("d.conf"), List.of("port = 03:00.1",
            "address = 198.18.0.2/24"));
        assertTrue(d.drain(), "removed real servers drain by default");
        assertEquals(0, d.drainTimeoutSec());
        assertEquals(io.jlvs.dataplane.IpvsSysctls.DEFAULTS, d.sysctls(), "the kernel's defaults");
        final DirectorSettings s = DirectorSettings.parse(Path.of("s.conf"), List.of("port = 03:00.1",
            "address = 198.18.0.2/24", "drain = no", "drain-timeout = 300", "expire-nodest-conn = yes",
            "conn-reuse-mode = 3", "sloppy-tcp = yes", "sloppy-sctp = yes", "expire-quiescent-template = yes",
            "nat-icmp-send = yes", "drop-entry = 2", "secure-tcp = 3", "amemthresh = 4096"));
        assertFalse(s.drain());
        assertEquals(300, s.drainTimeoutSec());
        assertEquals(new io.jlvs.dataplane.IpvsSysctls(3, true, true, true, true, true, 2, 3, 4096), s.sysctls());
        assertEquals(List.of("e.conf:3: invalid conn-reuse-mode \"4\": must be a number in 0..3"),
            errors("e.conf", "port = 03:00.1", "address = 198.18.0.2/24", "conn-reuse-mode = 4"));
    }

    @Test
    void shouldRefuseAFloatingAddressThatIsTheDirectorsOwnOrItsGateway()
    {
        assertEquals(List.of("f.conf:4: floating address 198.18.1.3 is also one of the director's own addresses"),
            errors("f.conf", "port = 03:00.1", "address = 198.18.0.3/24, 198.18.1.3/24", "gateway = 198.18.0.254",
                "floating-address = 198.18.1.3/24"));
        assertEquals(List.of("f.conf:4: floating address 198.18.0.254 is also the gateway"),
            errors("f.conf", "port = 03:00.1", "address = 198.18.0.3/24", "gateway = 198.18.0.254",
                "floating-address = 198.18.0.254/24"));
        assertEquals(List.of("f.conf:3: floating address 2001:db8::3 is also one of the director's own addresses"),
            errors("f.conf", "port = 03:00.1", "address = 198.18.0.3/24, 2001:db8::3/64",
                "floating-address = 2001:db8::3/64"));
        assertEquals(List.of("f.conf:3: invalid address \"198.18.1.1\": expected an IPv4 address with prefix length, " +
                "e.g. 198.18.0.2/24"),
            errors("f.conf", "port = 03:00.1", "address = 198.18.0.3/24", "floating-address = 198.18.1.1"));
        assertEquals(List.of("f.conf:3: address 198.18.1.1 is given twice"),
            errors("f.conf", "port = 03:00.1", "address = 198.18.0.3/24",
                "floating-address = 198.18.1.1/24, 198.18.1.1/16"));
    }

    @Test
    void shouldReportBadAddressesGatewaysAndMtusWithFileAndLine()
    {
        assertEquals(List.of("a.conf:2: invalid address \"198.18.1.1\": expected an IPv4 address with prefix " +
                "length, e.g. 198.18.0.2/24"),
            errors("a.conf", "port = 03:00.1", "address = 198.18.0.2/24, 198.18.1.1", "gateway = 198.18.9.9"));
        assertEquals(List.of("a.conf:2: invalid address \"\": expected an IPv4 address with prefix length, e.g. " +
                "198.18.0.2/24"),
            errors("a.conf", "port = 03:00.1", "address = 198.18.0.2/24,"));
        assertEquals(List.of("a.conf:2: address 198.18.0.2 is given twice"),
            errors("a.conf", "port = 03:00.1", "address = 198.18.0.2/24, 198.18.0.2/16"));
        assertEquals(List.of("g.conf:3: gateway 198.18.9.1 is on none of the director's subnets (198.18.0.2/24, " +
                "198.18.1.1/24)"),
            errors("g.conf", "port = 03:00.1", "address = 198.18.0.2/24, 198.18.1.1/24", "gateway = 198.18.9.1"));
        assertEquals(List.of("g.conf:3: gateway 198.18.1.1 is one of the director's own addresses"),
            errors("g.conf", "port = 03:00.1", "address = 198.18.0.2/24, 198.18.1.1/24", "gateway = 198.18.1.1"));
        assertEquals(List.of(
                "m.conf:2: invalid mtu \"9217\": must be a number in 576..9216",
                "m.conf:4: invalid gateway \"x\": expected an IPv4 address"),
            errors("m.conf", "port = 03:00.1", "mtu = 9217", "address = 10.0.0.2/24", "gateway = x"));
        assertEquals(List.of("m.conf:3: invalid mtu \"1500B\": must be a number in 576..9216"),
            errors("m.conf", "port = 03:00.1", "address = 10.0.0.2/24", "mtu = 1500B"));
        assertEquals(List.of("m.conf:3: invalid mtu \"575\": must be a number in 576..9216"),
            errors("m.conf", "port = 03:00.1", "address = 10.0.0.2/24", "mtu = 575"));
    }

    private static List<String> errors(final String file, final String... lines)
    {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> DirectorSettings.parse(Path.of(file), List.of(lines)));
        return ex.errors().stream().map(ConfigDiagnostic::toString).toList();
    }

    @Test
    void shouldRejectControlCoreAmongForwardingCores()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> DirectorSettings.parse(
            Path.of("c.conf"), List.of("port = 0000:03:00.0", "address = 10.0.0.2/24", "cores = 1-2",
                "control-core = 2")));

        assertEquals(List.of("c.conf:4: control-core 2 is also a forwarding core"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldPlaceSeveralAgentsOnOneCpuInDpdksLcoresForm() throws Exception
    {
        final DirectorSettings s = DirectorSettings.parse(Path.of("c.conf"),
            List.of("port = 0000:03:00.0", "address = 10.0.0.2/24", "cores = 1@1, 2@1, 3@2"));
        assertEquals(List.of(1, 1, 2), s.cores(), "three agents: two on CPU 1, one on CPU 2");

        final ConfigException ex = assertThrows(ConfigException.class, () -> DirectorSettings.parse(
            Path.of("c.conf"), List.of("port = 0000:03:00.0", "address = 10.0.0.2/24", "cores = 1@1,1@2")));
        assertEquals(List.of("c.conf:3: invalid cores \"1@1,1@2\": lcore@cpu names each lcore once, 0..1023"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
        final ConfigException twice = assertThrows(ConfigException.class, () -> DirectorSettings.parse(
            Path.of("c.conf"), List.of("port = 0000:03:00.0", "address = 10.0.0.2/24", "cores = 1-3,2")));
        assertEquals(List.of("c.conf:3: invalid cores \"1-3,2\": lcore 2 named twice"),
            twice.errors().stream().map(ConfigDiagnostic::toString).toList());
        final ConfigException control = assertThrows(ConfigException.class, () -> DirectorSettings.parse(
            Path.of("c.conf"), List.of("port = 0000:03:00.0", "address = 10.0.0.2/24", "cores = 1@0,2@1")));
        assertEquals(List.of("c.conf:3: control-core 0 is also a forwarding core"),
            control.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldTakeIpv6AddressesAndAGatewayPerFamily() throws Exception
    {
        final DirectorSettings s = DirectorSettings.parse(Path.of("c.conf"), List.of("port = 0000:03:00.0",
            "address = 198.18.0.2/24, 2001:db8::2/64, 2001:db8:1::1/64", "gateway = 198.18.0.254, 2001:db8::fe"));
        assertEquals(List.of("2001:db8::2/64", "2001:db8:1::1/64"),
            s.addresses6().stream().map(DirectorSettings.Address6::toString).toList());
        assertEquals("2001:db8::fe", InetLiterals.ntop(s.gateway6().orElseThrow()));
        final var routes = s.routes();
        assertEquals(2, routes.ipv6Addresses());
        assertTrue(routes.isDirectV6(0x2001_0db8_0001_0000L, 0x11L), "2001:db8:1::11 is on a connected subnet");
        assertTrue(!routes.isDirectV6(0x2001_0db8_0002_0000L, 0x11L), "2001:db8:2::11 is through the gateway");
        assertEquals(0xFEL, routes.gatewayLo6());

        final ConfigException ex = assertThrows(ConfigException.class, () -> DirectorSettings.parse(
            Path.of("c.conf"), List.of("port = 0000:03:00.0", "address = 198.18.0.2/24, 2001:db8::2/64",
                "gateway = 2001:db8:9::1")));
        assertEquals(List.of("c.conf:3: gateway 2001:db8:9::1 is on none of the director's IPv6 subnets " +
                "(2001:db8::2/64)"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
        final ConfigException first = assertThrows(ConfigException.class, () -> DirectorSettings.parse(
            Path.of("c.conf"), List.of("port = 0000:03:00.0", "address = 2001:db8::2/64, 198.18.0.2/24")));
        assertEquals(List.of("c.conf:2: the first address must be IPv4: the director's primary address (DIP)"),
            first.errors().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldHaveAHostPathUnlessToldNot() throws Exception
    {
        assertTrue(DirectorSettings.parse(Path.of("c.conf"), List.of("port = 0000:03:00.0", "address = 10.0.0.2/24"))
            .hostPath(), "a TAP device for the director's own kernel by default");
        assertFalse(DirectorSettings.parse(Path.of("c.conf"),
            List.of("port = 0000:03:00.0", "address = 10.0.0.2/24", "host-path = no")).hostPath());
    }

    @Test
    void shouldReadTheSyncSettingsWithTheKernelsDefaults() throws Exception
    {
        final SyncSettings d = DirectorSettings.parse(Path.of("x.conf"),
            List.of("port = 03:00.1", "address = 10.0.0.2/24")).sync();
        assertFalse(d.startMaster() || d.startBackup());
        assertEquals(0, d.syncId());
        assertEquals(8848, d.port());
        assertEquals("224.0.0.81", InetLiterals.ntop(d.group()));
        assertFalse(d.isUnicast());
        assertEquals(3, d.policy().threshold());
        assertEquals(50, d.policy().period());
        assertEquals(0, d.policy().refreshPeriodSec());
        assertEquals(0, d.policy().retries());
        assertEquals(Path.of("/etc/jlvs/sync.key"), d.keyFile());
        assertFalse(d.kernelProtocol(), "jlvs's own protocol unless told");
        assertTrue(DirectorSettings.parse(Path.of("x.conf"), List.of("port = 03:00.1", "address = 10.0.0.2/24",
            "sync-protocol = ipvs")).sync().kernelProtocol());
        assertEquals(List.of("p.conf:3: invalid sync-protocol \"kernel\": jlvs or ipvs"),
            errors("p.conf", "port = 03:00.1", "address = 10.0.0.2/24", "sync-protocol = kernel"));

        final SyncSettings s = DirectorSettings.parse(Path.of("x.conf"), List.of("port = 03:00.1",
            "address = 10.0.0.2/24", "sync-daemon = both", "sync-id = 7", "sync-peers = 10.0.0.3, 10.0.0.4",
            "sync-port = 9000", "sync-interface = sync0", "sync-key = /root/k", "sync-threshold = 5 100",
            "sync-refresh-period = 30", "sync-retries = 2")).sync();
        assertTrue(s.startMaster() && s.startBackup());
        assertEquals(7, s.syncId());
        assertEquals(List.of(InetLiterals.ipv4("10.0.0.3"), InetLiterals.ipv4("10.0.0.4")), s.peers());
        assertEquals(9000, s.port());
        assertEquals("sync0", s.interfaceName().orElseThrow());
        assertEquals(Path.of("/root/k"), s.keyFile());
        assertEquals(5, s.policy().threshold());
        assertEquals(100, s.policy().period());
        assertEquals(30, s.policy().refreshPeriodSec());
        assertEquals(2, s.policy().retries());
    }

    @Test
    void shouldRefuseBadSyncSettingsWithFileAndLine()
    {
        final List<String> e = errors("s.conf", "port = 03:00.1", "address = 10.0.0.2/24", "sync-daemon = primary",
            "sync-id = 256", "sync-peers = 10.0.0.300", "sync-group = 224.0.0.80", "sync-threshold = 50 50",
            "sync-retries = 4");
        assertEquals(List.of(
            "s.conf:3: invalid sync-daemon \"primary\": none, master, backup, both or vrrp",
            "s.conf:4: invalid sync-id \"256\": must be a number in 0..255",
            "s.conf:5: invalid sync-peers address \"10.0.0.300\"",
            "s.conf:6: invalid sync-group \"224.0.0.80\": a multicast address whose last octet is odd (Aeron's " +
                "control address is the next one)",
            "s.conf:7: invalid sync-threshold \"50 50\": threshold and period, 0 <= threshold < period (or period 0), " +
                "as the kernel's sysctl",
            "s.conf:8: invalid sync-retries \"4\": must be a number in 0..3"), e);
    }

    @Test
    void shouldTakeAVrrpInstanceThatTheSyncRolesMayFollow() throws Exception
    {
        final DirectorSettings s = DirectorSettings.parse(Path.of("v.conf"), List.of("port = 03:00.1",
            "address = 10.0.0.2/24", "vrrp = /etc/jlvs/keepalived.conf", "sync-daemon = vrrp"));
        assertEquals(Optional.of(Path.of("/etc/jlvs/keepalived.conf")), s.vrrp());
        assertTrue(s.sync().followsVrrp());
        assertFalse(s.sync().startMaster() || s.sync().startBackup());

        assertEquals(List.of("w.conf:3: state and vrrp both set: with vrrp, the vrrp_instance's state is the initial one"),
            errors("w.conf", "port = 03:00.1", "address = 10.0.0.2/24", "state = backup", "vrrp = /k.conf"));
        assertEquals(List.of("w.conf:3: sync-daemon = vrrp follows the VRRP instance: set vrrp = <keepalived.conf> (or keepalived-config)"),
            errors("w.conf", "port = 03:00.1", "address = 10.0.0.2/24", "sync-daemon = vrrp"));
        assertEquals(List.of("w.conf:4: vrrp needs the host path (host-path = yes): VRRP runs in the director's own kernel"),
            errors("w.conf", "port = 03:00.1", "address = 10.0.0.2/24", "host-path = no", "vrrp = /k.conf"));
    }
}
