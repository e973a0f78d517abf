package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.SchedFlags;
import io.jlvs.controlplane.config.AddressFamily;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Golden texts written from ipvsadm 1.31's printf formats (print_title, print_service_entry, print_largenum,
 * print_conn, list_timeout): "%-33s %8s", "  -> %-28s %-7s %-6d %-10u %-10u", "%-3s %-6s %-11s %-18s %-18s %s"...
 * Trailing blanks are part of ipvsadm's output.
 */
class IpvsadmFormatterTest
{
    private static final VersionView VERSION = VersionView.ipvs121(4096);
    private final IpvsadmFormatter formatter = new IpvsadmFormatter(NameLookup.NUMERIC);

    /** libipvs's order: 10.0.0.1 - 192.168.0.200 wraps to a positive int, so 10.0.0.1 comes after it. */
    @Test
    void shouldListNumericDefaultFormatSorted()
    {
        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  192.168.0.200:80 wlc\n" +
            "  -> 192.168.0.110:80             Route   2      0          0         \n" +
            "  -> 192.168.0.120:80             Route   1      3          12        \n" +
            "TCP  10.0.0.1:443 sh (sh-port)\n" +
            "  -> 10.0.1.1:443                 Route   1      0          0         \n" +
            "UDP  192.168.0.200:53 rr ops\n" +
            "  -> 10.0.1.4:53                  Masq    1      0          0         \n" +
            "FWM  1 wlc persistent 600 mask 255.255.255.0\n" +
            "  -> 192.168.0.110:0              Local   1      0          0         \n",
            formatter.listAll(VERSION, mixedTable(), ListFormat.NUMERIC));
    }

    @Test
    void shouldKeepKernelOrderWithNoSort()
    {
        final List<ServiceView> table = List.of(
            ServiceView.of(ServiceProtocol.UDP, ip("10.0.0.2"), 53, "rr", List.of(
                DestView.of(ip("10.0.1.9"), 53, FwdMethod.DROUTE, 1),
                DestView.of(ip("10.0.1.1"), 53, FwdMethod.DROUTE, 1))),
            ServiceView.of(ServiceProtocol.TCP, ip("10.0.0.1"), 80, "rr", List.of()));

        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "UDP  10.0.0.2:53 rr\n" +
            "  -> 10.0.1.9:53                  Route   1      0          0         \n" +
            "  -> 10.0.1.1:53                  Route   1      0          0         \n" +
            "TCP  10.0.0.1:80 rr\n",
            formatter.listAll(VERSION, table, ListFormat.NUMERIC.withNoSort()));
        assertEquals(
            "TCP  10.0.0.1:80 rr\n" +
            "UDP  10.0.0.2:53 rr\n" +
            "  -> 10.0.1.1:53                  Route   1      0          0         \n" +
            "  -> 10.0.1.9:53                  Route   1      0          0         \n",
            formatter.listAll(VERSION, table, ListFormat.NUMERIC).lines().skip(3)
                .map(l -> l + "\n").reduce("", String::concat));
    }

    @Test
    void shouldListStatsWithLargenumScaling()
    {
        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.0.200:80                   12  123456K        0   98765M     123T\n" +
            "  -> 192.168.0.110:80                   12  123456K        0   98765M     123T\n",
            formatter.listAll(VERSION, List.of(statsService()), ListFormat.NUMERIC.withStats()));
    }

    @Test
    void shouldListStatsExactly()
    {
        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.0.200:80                   12 123456789        0 98765432109 123456789012345\n" +
            "  -> 192.168.0.110:80                   12 123456789        0 98765432109 123456789012345\n",
            formatter.listAll(VERSION, List.of(statsService()), ListFormat.NUMERIC.withStats().withExact()));
    }

    @Test
    void shouldListRatesWithDestPacketRatesUnscaled()
    {
        final RateView rate = new RateView(1500, 250_000_000L, 7, 2_000_000_000L, 40);
        final DestView d = new DestView(AddressFamily.INET, ip("192.168.0.110"), 80, FwdMethod.DROUTE, 1, 0, 0, 0, 0, 0,
            StatsView.ZERO, rate, null);
        final ServiceView s = new ServiceView(ServiceProtocol.TCP, AddressFamily.INET, ip("192.168.0.200"), 80, 0,
            "wlc", 0, false, 0, -1, "", false, StatsView.ZERO, rate, List.of(d));

        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS\n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.0.200:80                 1500  250000K        7    2000M       40\n" +
            "  -> 192.168.0.110:80                 1500 250000000        7    2000M       40\n",
            formatter.listAll(VERSION, List.of(s), ListFormat.NUMERIC.withRate()));
    }

    @Test
    void shouldListThresholds()
    {
        final ServiceView s = new ServiceView(ServiceProtocol.TCP, AddressFamily.INET, ip("192.168.6.240"), 443, 0,
            "wrr", 0, true, 600, 0xffffff00, "", false, StatsView.ZERO, RateView.ZERO, List.of(
            new DestView(AddressFamily.INET, ip("192.168.16.5"), 8443, FwdMethod.MASQ, 5, 0, 0, -1, 0, 0,
                StatsView.ZERO, RateView.ZERO, null),
            new DestView(AddressFamily.INET, ip("192.168.16.3"), 8443, FwdMethod.MASQ, 5, 400, 100, 17, 230, 0,
                StatsView.ZERO, RateView.ZERO, null)));

        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "TCP  192.168.6.240:443 wrr persistent 600 mask 255.255.255.0\n" +
            "  -> 192.168.16.3:8443            400        100        17         230       \n" +
            "  -> 192.168.16.5:8443            0          0          4294967295 0         \n",
            formatter.listAll(VERSION, List.of(s), ListFormat.NUMERIC.withThresholds()));
    }

    @Test
    void shouldListPersistentConnectionsWithPersistenceEngine()
    {
        final ServiceView s = new ServiceView(ServiceProtocol.UDP, AddressFamily.INET, ip("192.168.0.200"), 5060, 0,
            "rr", 0, true, 360, -1, "sip", true, StatsView.ZERO, RateView.ZERO, List.of(
            new DestView(AddressFamily.INET, ip("10.0.1.4"), 5060, FwdMethod.MASQ, 3, 0, 0, 0, 57, 42,
                StatsView.ZERO, RateView.ZERO, null)));

        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn \n" +
            "  -> RemoteAddress:Port\n" +
            "UDP  192.168.0.200:5060 rr persistent 360 pe sip ops\n" +
            "  -> 10.0.1.4:5060                3         42          0          57        \n",
            formatter.listAll(VERSION, List.of(s), ListFormat.NUMERIC.withPersistentConn()));
    }

    @Test
    void shouldListTunnelInfo()
    {
        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n" +
            "TCP  192.168.0.200:80 wlc\n" +
            "  -> 10.0.2.1:80                  Tunnel  ipip          1      0          0         \n" +
            "  -> 10.0.2.2:80                  Tunnel  gue:6080:+c   1      0          0         \n" +
            "  -> 10.0.2.3:80                  Tunnel  gre:-c        1      0          0         \n" +
            "  -> 10.0.2.4:80                  Route   n/a           1      0          0         \n",
            formatter.listAll(VERSION, List.of(tunnelService()), ListFormat.NUMERIC.withTunInfo()));
    }

    @Test
    void shouldSaveRules()
    {
        assertEquals(
            "-A -t 192.168.0.200:80 -s wlc\n" +
            "-a -t 192.168.0.200:80 -r 192.168.0.110:80 -g -w 2\n" +
            "-a -t 192.168.0.200:80 -r 192.168.0.120:80 -g -w 1\n" +
            "-A -t 10.0.0.1:443 -s sh -b sh-port\n" +
            "-a -t 10.0.0.1:443 -r 10.0.1.1:443 -g -w 1\n" +
            "-A -u 192.168.0.200:53 -s rr -o\n" +
            "-a -u 192.168.0.200:53 -r 10.0.1.4:53 -m -w 1\n" +
            "-A -f 1 -s wlc -p 600 -M 255.255.255.0\n" +
            "-a -f 1 -r 192.168.0.110:0 -g -w 1\n",
            formatter.save(mixedTable(), ListFormat.NUMERIC));
    }

    @Test
    void shouldSaveThresholdsWhereARealServerHasThem()
    {
        final DestView limited = new DestView(AddressFamily.INET, ip("10.0.0.2"), 80, FwdMethod.DROUTE, 1, 100, 75,
            0, 0, 0, StatsView.ZERO, RateView.ZERO, null);
        assertEquals(
            "-A -t 10.0.0.1:80 -s wlc\n" +
            "-a -t 10.0.0.1:80 -r 10.0.0.3:80 -g -w 1\n" +
            "-a -t 10.0.0.1:80 -r 10.0.0.2:80 -g -w 1 -x 100 -y 75\n",
            formatter.save(List.of(ServiceView.of(ServiceProtocol.TCP, ip("10.0.0.1"), 80, "wlc", List.of(
                DestView.of(ip("10.0.0.3"), 80, FwdMethod.DROUTE, 1), limited))),
                new ListFormat(true, false, false, false, false, false, false, true)),
            "ipvsadm would drop -x/-y, and -S | -R with them; in --nosort order");
    }

    @Test
    void shouldSaveTunnelRules()
    {
        assertEquals(
            "-A -t 192.168.0.200:80 -s wlc\n" +
            "-a -t 192.168.0.200:80 -r 10.0.2.1:80 -i -w 1 --tun-type ipip\n" +
            "-a -t 192.168.0.200:80 -r 10.0.2.2:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-csum\n" +
            "-a -t 192.168.0.200:80 -r 10.0.2.3:80 -i -w 1 --tun-type gre --tun-nocsum\n" +
            "-a -t 192.168.0.200:80 -r 10.0.2.4:80 -g -w 1\n",
            formatter.save(List.of(tunnelService()), ListFormat.NUMERIC));
    }

    @Test
    void shouldBracketIpv6AndNeverTruncateIt()
    {
        final ServiceView nntp = ServiceView.of(ServiceProtocol.TCP, ip("2001:db8::5"), 119, "wlc", List.of(
                DestView.of(ip("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1"), 119, FwdMethod.MASQ, 1),
                DestView.of(ip("2001:db8:0:1::4"), 119, FwdMethod.MASQ, 1)))
            .withPersistence(600, 64);
        final ServiceView fwm6 = ServiceView.ofFwmark(AddressFamily.INET6, 2, "rr", List.of(
            DestView.of(ip("2001:db8::10"), 0, FwdMethod.DROUTE, 1)));

        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  [2001:db8::5]:119 wlc persistent 600 mask 64\n" +
            "  -> [2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:119 Masq    1      0          0         \n" +
            "  -> [2001:db8:0:1::4]:119        Masq    1      0          0         \n" +
            "FWM  2 IPv6 rr\n" +
            "  -> [2001:db8::10]:0             Route   1      0          0         \n",
            formatter.listAll(VERSION, List.of(fwm6, nntp), ListFormat.NUMERIC));
        assertEquals(
            "-A -t [2001:db8::5]:119 -s wlc -p 600 -M 64\n" +
            "-a -t [2001:db8::5]:119 -r [2001:db8:aaaa:bbbb:cccc:dddd:eeee:1]:119 -m -w 1\n" +
            "-a -t [2001:db8::5]:119 -r [2001:db8:0:1::4]:119 -m -w 1\n" +
            "-A -f 2 -6 -s rr\n" +
            "-a -f 2 -6 -r [2001:db8::10]:0 -g -w 1\n",
            formatter.save(List.of(fwm6, nntp), ListFormat.NUMERIC));
    }

    @Test
    void shouldListOneServiceWithoutVersionLine()
    {
        assertEquals(
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "FWM  1 wlc persistent 600 mask 255.255.255.0\n" +
            "  -> 192.168.0.110:0              Local   1      0          0         \n",
            formatter.listService(mixedTable().get(0), ListFormat.NUMERIC));
    }

    @Test
    void shouldListConnections()
    {
        final List<ConnView> conns = List.of(
            new ConnView("TCP", ip("10.9.9.9"), 51234, ip("192.168.0.200"), 80, ip("192.168.0.110"), 80,
                "ESTABLISHED", 899, null, null),
            new ConnView("UDP", ip("10.9.9.9"), 53000, ip("192.168.0.200"), 53, ip("10.0.1.4"), 53, "UDP", 245,
                null, null),
            new ConnView("TCP", ip("2001:db8::99"), 40000, ip("2001:db8::5"), 119, ip("2001:db8:0:1::4"), 119,
                "CLOSE", 9, null, null),
            new ConnView("IP", ip("10.9.9.0"), 0, ip("0.0.0.1"), 0, ip("192.168.0.110"), 0, "NONE", 6000, null, null));

        assertEquals(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination\n" +
            "TCP 14:59  ESTABLISHED 10.9.9.9:51234     192.168.0.200:80   192.168.0.110:80\n" +
            "UDP 04:05  UDP         10.9.9.9:53000     192.168.0.200:53   10.0.1.4:53\n" +
            "TCP 00:09  CLOSE       [2001:db8::99]:40000 [2001:db8::5]:119  [2001:db8:0:1::4]:119\n" +
            "IP  100:00 NONE        10.9.9.0:0         0.0.0.1:0          192.168.0.110:0\n",
            formatter.connections(conns, ListFormat.NUMERIC));
    }

    @Test
    void shouldListConnectionsWithPersistenceEngineData()
    {
        final List<ConnView> conns = List.of(
            new ConnView("UDP", ip("10.9.9.9"), 5060, ip("192.168.0.200"), 5060, ip("10.0.1.4"), 5060, "UDP", 300,
                "sip", "a84b4c76e66710"),
            new ConnView("UDP", ip("10.9.9.8"), 5060, ip("192.168.0.200"), 5060, ip("10.0.1.4"), 5060, "UDP", 300,
                null, null));

        assertEquals(
            "IPVS connection entries\n" +
            "pro expire state       source             virtual            destination        pe name          pe_data\n" +
            "UDP 05:00  UDP         10.9.9.9:5060      192.168.0.200:5060 10.0.1.4:5060    sip                a84b4c76e66710\n" +
            "UDP 05:00  UDP         10.9.9.8:5060      192.168.0.200:5060 10.0.1.4:5060\n",
            formatter.connections(conns, ListFormat.NUMERIC.withPersistentConn()));
    }

    @Test
    void shouldPrintNamesAndTruncateIpv4ColumnsWithoutNumeric()
    {
        final NameLookup names = new NameLookup()
        {
            @Override
            public String hostName(final InetAddress address)
            {
                return switch (InetLiterals.ntop(address))
                {
                    case "192.0.2.80" -> "lb.example.com";
                    case "10.0.0.1" -> "web1.example.com";
                    case "192.0.2.81" -> "a-rather-long-virtual-name.example.com";
                    case "10.0.0.2" -> "a-very-long-real-server-name.example.com";
                    default -> null;
                };
            }

            @Override
            public String serviceName(final int port, final ServiceProtocol protocol)
            {
                return port == 80 ? "http" : port == 443 ? "https" : null;
            }
        };
        final List<ServiceView> table = List.of(
            ServiceView.of(ServiceProtocol.TCP, ip("192.0.2.80"), 80, "wlc",
                List.of(DestView.of(ip("10.0.0.1"), 80, FwdMethod.DROUTE, 1))),
            ServiceView.of(ServiceProtocol.TCP, ip("192.0.2.81"), 443, "wlc",
                List.of(DestView.of(ip("10.0.0.2"), 443, FwdMethod.DROUTE, 1))));

        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  lb.example.com:http wlc\n" +
            "  -> web1.example.com:http        Route   1      0          0         \n" +
            "TCP  a-rather-long-virtual-name.e wlc\n" +
            "  -> a-very-long-real-server-name Route   1      0          0         \n",
            new IpvsadmFormatter(names).listAll(VERSION, table, ListFormat.DEFAULT));
    }

    @Test
    void shouldScaleLargeNumbersAtIpvsadmBoundaries()
    {
        assertEquals("        0", IpvsadmFormatter.largenum(0, false));
        assertEquals(" 99999999", IpvsadmFormatter.largenum(99_999_999L, false));
        assertEquals("  100000K", IpvsadmFormatter.largenum(100_000_000L, false));
        assertEquals("  999999K", IpvsadmFormatter.largenum(999_999_999L, false));
        assertEquals("    1000M", IpvsadmFormatter.largenum(1_000_000_000L, false));
        assertEquals("   99999M", IpvsadmFormatter.largenum(99_999_999_999L, false));
        assertEquals("     100G", IpvsadmFormatter.largenum(100_000_000_000L, false));
        assertEquals("   99999G", IpvsadmFormatter.largenum(99_999_999_999_999L, false));
        assertEquals("     100T", IpvsadmFormatter.largenum(100_000_000_000_000L, false));
        assertEquals("18446744T", IpvsadmFormatter.largenum(-1L, false));
        assertEquals("        5", IpvsadmFormatter.largenum(5, true));
        assertEquals(" 99999999", IpvsadmFormatter.largenum(99_999_999L, true));
        assertEquals(" 123456789", IpvsadmFormatter.largenum(123_456_789L, true));
        assertEquals(" 18446744073709551615", IpvsadmFormatter.largenum(-1L, true));
    }

    @Test
    void shouldPrintTimeoutsAndDaemons()
    {
        assertEquals("Timeout (tcp tcpfin udp): 900 120 300\n", IpvsadmFormatter.timeout(TimeoutView.KERNEL_DEFAULTS));
        assertEquals(
            "master sync daemon (mcast=eth0, syncid=0)\n" +
            "backup sync daemon (mcast=eth1, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n",
            IpvsadmFormatter.daemons(List.of(
                new DaemonView("master", "eth0", 0, 0, null, 0, 0),
                new DaemonView("backup", "eth1", 7, 1472, ip("224.0.0.81"), 8848, 1))));
    }

    /** As Debian 12's kernel set them up for ipvsadm 1.31 (seen in a QEMU guest: a backup on lo gave 65507). */
    @Test
    void shouldFillTheDaemonsSettingsAsTheKernelDoes()
    {
        assertEquals("backup sync daemon (mcast=lo, syncid=0, maxlen=65507, group=224.0.0.81, port=8848, ttl=1)\n",
            IpvsadmFormatter.daemons(List.of(DaemonView.asTheKernelSetsIt("backup", "lo", 0, 0, null, 0, 0, 65536))));
        assertEquals("master sync daemon (mcast=eth0, syncid=3, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)\n",
            IpvsadmFormatter.daemons(List.of(DaemonView.asTheKernelSetsIt("master", "eth0", 3, 0, null, 0, 0, 9000))),
            "a master's messages fit 1500 whatever the MTU");
        assertEquals(1472, DaemonView.asTheKernelSetsIt("backup", "eth0", 0, 0, null, 0, 0, 576).maxLen(),
            "a backup's MTU counts from 1500");
        assertEquals(1024, DaemonView.asTheKernelSetsIt("backup", "eth0", 0, 100, null, 0, 0, 1500).maxLen());
        assertEquals(100, DaemonView.asTheKernelSetsIt("master", "eth0", 0, 100, null, 0, 0, 1500).maxLen());
        assertEquals(65487, DaemonView.asTheKernelSetsIt("master", "eth0", 0, 65500, ip("ff02::81"), 0, 0, 1500)
            .maxLen(), "given, within 65535 less IPv6's headers");
        assertEquals(1452, DaemonView.asTheKernelSetsIt("master", "eth0", 0, 0, ip("ff02::81"), 9000, 4, 1500)
            .maxLen());
    }

    @Test
    void shouldRunListCommandsAndRefuseWrites() throws Exception
    {
        final IpvsTableView table = new IpvsTableView(VERSION, mixedTable(), TimeoutView.KERNEL_DEFAULTS, List.of(),
            List.of());

        assertEquals(IpvsadmResult.ok(formatter.listAll(VERSION, mixedTable(), ListFormat.NUMERIC)),
            formatter.run(IpvsadmOptions.parse("-Ln"), table));
        assertEquals(IpvsadmResult.ok(formatter.listService(mixedTable().get(2), ListFormat.NUMERIC)),
            formatter.run(IpvsadmOptions.parse("-L", "-n", "-t", "192.168.0.200:80"), table));
        assertEquals(IpvsadmResult.error(1, "No such service\n"),
            formatter.run(IpvsadmOptions.parse("-L", "-n", "-t", "192.168.0.200:81"), table));
        assertEquals(IpvsadmResult.ok("Timeout (tcp tcpfin udp): 900 120 300\n"),
            formatter.run(IpvsadmOptions.parse("-L", "--timeout"), table));
        assertEquals(IpvsadmResult.ok(formatter.save(mixedTable(), ListFormat.NUMERIC)),
            formatter.run(IpvsadmOptions.parse("-S", "-n"), table));
        assertEquals(IpvsadmResult.ok("IPVS connection entries\n" +
                "pro expire state       source             virtual            destination\n"),
            formatter.run(IpvsadmOptions.parse("-lnc"), table));
        assertThrows(IllegalArgumentException.class,
            () -> formatter.run(IpvsadmOptions.parse("-A", "-t", "10.0.0.1:80"), table));
    }

    /** Four services given out of order: two TCP (one with sh flags), one UDP with ops, one persistent fwmark. */
    private static List<ServiceView> mixedTable()
    {
        final ServiceView web = ServiceView.of(ServiceProtocol.TCP, ip("192.168.0.200"), 80, "wlc", List.of(
            new DestView(AddressFamily.INET, ip("192.168.0.120"), 80, FwdMethod.DROUTE, 1, 0, 0, 3, 12, 0,
                StatsView.ZERO, RateView.ZERO, null),
            DestView.of(ip("192.168.0.110"), 80, FwdMethod.DROUTE, 2)));
        final ServiceView sh = new ServiceView(ServiceProtocol.TCP, AddressFamily.INET, ip("10.0.0.1"), 443, 0, "sh",
            SchedFlags.FLAG_2, false, 0, -1, "", false, StatsView.ZERO, RateView.ZERO,
            List.of(DestView.of(ip("10.0.1.1"), 443, FwdMethod.DROUTE, 1)));
        final ServiceView dns = new ServiceView(ServiceProtocol.UDP, AddressFamily.INET, ip("192.168.0.200"), 53, 0,
            "rr", 0, false, 0, -1, "", true, StatsView.ZERO, RateView.ZERO,
            List.of(DestView.of(ip("10.0.1.4"), 53, FwdMethod.MASQ, 1)));
        final ServiceView fwm = ServiceView.ofFwmark(AddressFamily.INET, 1, "wlc",
            List.of(DestView.of(ip("192.168.0.110"), 0, FwdMethod.LOCALNODE, 1))).withPersistence(600, 0xffffff00);
        return List.of(fwm, dns, web, sh);
    }

    private static ServiceView statsService()
    {
        final StatsView stats = new StatsView(12, 123_456_789L, 0, 98_765_432_109L, 123_456_789_012_345L);
        final DestView d = new DestView(AddressFamily.INET, ip("192.168.0.110"), 80, FwdMethod.DROUTE, 1, 0, 0, 0, 0, 0,
            stats, RateView.ZERO, null);
        return new ServiceView(ServiceProtocol.TCP, AddressFamily.INET, ip("192.168.0.200"), 80, 0, "wlc", 0, false, 0,
            -1, "", false, stats, RateView.ZERO, List.of(d));
    }

    private static ServiceView tunnelService()
    {
        return ServiceView.of(ServiceProtocol.TCP, ip("192.168.0.200"), 80, "wlc", List.of(
            DestView.of(ip("10.0.2.4"), 80, FwdMethod.DROUTE, 1),
            new DestView(AddressFamily.INET, ip("10.0.2.3"), 80, FwdMethod.TUNNEL, 1, 0, 0, 0, 0, 0, StatsView.ZERO,
                RateView.ZERO, new TunnelView(TunnelType.GRE, 0, TunnelChecksum.NOCSUM)),
            new DestView(AddressFamily.INET, ip("10.0.2.2"), 80, FwdMethod.TUNNEL, 1, 0, 0, 0, 0, 0, StatsView.ZERO,
                RateView.ZERO, new TunnelView(TunnelType.GUE, 6080, TunnelChecksum.CSUM)),
            DestView.of(ip("10.0.2.1"), 80, FwdMethod.TUNNEL, 1)));
    }

    private static InetAddress ip(final String literal)
    {
        return InetLiterals.literal(literal);
    }
}
