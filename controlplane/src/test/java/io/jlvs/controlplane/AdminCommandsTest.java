package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.IpvsadmFormatter;
import io.jlvs.controlplane.admin.ListFormat;
import io.jlvs.controlplane.admin.NameLookup;
import io.jlvs.controlplane.admin.ServiceView;
import io.jlvs.controlplane.admin.VersionView;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.Resolver;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.status.DataplaneCounters;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The running table as {@code jlvs ipvsadm} lists it: each real server with its forwarding method and tunnel. */
class AdminCommandsTest
{
    private static final String CONFIG = """
        virtual=198.18.0.40:80
        \treal=198.18.0.11:80 gate 3
        \treal=198.18.1.11:8080 masq 2
        \treal=198.18.2.11:80 ipip 1
        \tchecktype=on
        virtual=198.18.0.30:80
        \treal=198.18.2.11:80 ipip 3
        \treal=198.18.2.12:80 ipip 2 --tun-type gue --tun-port 6080 --tun-csum
        \treal=198.18.2.13:80 ipip 1 --tun-type gre --tun-csum
        \tchecktype=on
        """;

    private final IpvsadmFormatter formatter = new IpvsadmFormatter(NameLookup.NUMERIC);

    @Test
    void shouldListEachRealServersForwardingMethod() throws Exception
    {
        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n" +
            "TCP  198.18.0.30:80 wrr\n" +
            "  -> 198.18.2.11:80               Tunnel  3      0          0         \n" +
            "  -> 198.18.2.12:80               Tunnel  2      0          0         \n" +
            "  -> 198.18.2.13:80               Tunnel  1      0          0         \n" +
            "TCP  198.18.0.40:80 wrr\n" +
            "  -> 198.18.0.11:80               Route   3      0          0         \n" +
            "  -> 198.18.1.11:8080             Masq    2      0          0         \n" +
            "  -> 198.18.2.11:80               Tunnel  1      0          0         \n",
            formatter.listAll(VersionView.ipvs121(4096), services(), ListFormat.NUMERIC));
    }

    @Test
    void shouldListTunnelInfo() throws Exception
    {
        assertEquals(
            "IP Virtual Server version 1.2.1 (size=4096)\n" +
            "Prot LocalAddress:Port Scheduler Flags\n" +
            "  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn\n" +
            "TCP  198.18.0.30:80 wrr\n" +
            "  -> 198.18.2.11:80               Tunnel  ipip          3      0          0         \n" +
            "  -> 198.18.2.12:80               Tunnel  gue:6080:+c   2      0          0         \n" +
            "  -> 198.18.2.13:80               Tunnel  gre:+c        1      0          0         \n" +
            "TCP  198.18.0.40:80 wrr\n" +
            "  -> 198.18.0.11:80               Route   n/a           3      0          0         \n" +
            "  -> 198.18.1.11:8080             Masq    n/a           2      0          0         \n" +
            "  -> 198.18.2.11:80               Tunnel  ipip          1      0          0         \n",
            formatter.listAll(VersionView.ipvs121(4096), services(), ListFormat.NUMERIC.withTunInfo()));
    }

    @Test
    void shouldSaveEachRealServersMethodAndTunnelOptions() throws Exception
    {
        assertEquals(
            "-A -t 198.18.0.30:80 -s wrr\n" +
            "-a -t 198.18.0.30:80 -r 198.18.2.11:80 -i -w 3 --tun-type ipip\n" +
            "-a -t 198.18.0.30:80 -r 198.18.2.12:80 -i -w 2 --tun-type gue --tun-port 6080 --tun-csum\n" +
            "-a -t 198.18.0.30:80 -r 198.18.2.13:80 -i -w 1 --tun-type gre --tun-csum\n" +
            "-A -t 198.18.0.40:80 -s wrr\n" +
            "-a -t 198.18.0.40:80 -r 198.18.0.11:80 -g -w 3\n" +
            "-a -t 198.18.0.40:80 -r 198.18.1.11:8080 -m -w 2\n" +
            "-a -t 198.18.0.40:80 -r 198.18.2.11:80 -i -w 1 --tun-type ipip\n",
            formatter.save(services(), ListFormat.NUMERIC));
    }

    private static List<ServiceView> services() throws Exception
    {
        final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(1024), 1);
        final TableCompiler.CompiledTable table = new TableCompiler(stats).compile(
            LdirectordConfigParser.parse(Path.of("ldirectord.cf"), List.of(CONFIG.split("\n")), Resolver.system()),
            1, new RouteTable(new int[] {0xC6120002, 0xC6120101}, new int[] {24, 24}, 0xC61200FE), 1);
        return AdminCommands.services(table, stats, new RateEstimator());
    }
}
