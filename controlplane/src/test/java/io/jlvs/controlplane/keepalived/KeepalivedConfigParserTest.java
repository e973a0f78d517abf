package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.Netmask;
import io.jlvs.controlplane.config.SchedFlags;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the corpus's files mean once read: keepalived's defaults, its inheritance, its fix-ups. */
class KeepalivedConfigParserTest
{
    private static Path corpus(final String name) throws Exception
    {
        return Path.of(KeepalivedConfigParserTest.class.getResource("corpus/" + name).toURI());
    }

    private static KeepalivedConfig read(final String name) throws Exception
    {
        return KeepalivedConfigParser.parse(corpus(name), "lb1");
    }

    @Test
    void shouldReadTheDrWebFarmWithItsCheckersAndInheritance() throws Exception
    {
        final KeepalivedConfig c = read("dr-web.conf");
        assertEquals(List.of(), c.warnings());
        assertEquals(List.of("ops@example.com", "noc@example.com"), c.globals().notificationEmail());
        assertEquals(new KeepalivedGlobals.LvsTimeouts(900, 120, 300), c.globals().lvsTimeouts());
        final KeepalivedGlobals.LvsSyncDaemon sync = c.globals().lvsSyncDaemon().orElseThrow();
        assertEquals("VI_WEB", sync.instance().orElseThrow());
        assertEquals(OptionalInt.of(51), sync.syncId());
        final KeepalivedVirtualServer http = c.virtualServers().getFirst();
        assertEquals("[203.0.113.10]:tcp:80", http.id());
        assertEquals("wlc", http.scheduler());
        assertEquals(OptionalInt.of(300), http.persistenceTimeout());
        assertEquals(1, http.quorum());
        assertEquals(InetAddress.getByName("192.0.2.99"), http.sorryServer().orElseThrow().address());
        final KeepalivedRealServer rs1 = http.reals().getFirst();
        assertEquals(FwdMethod.DROUTE, rs1.forwarding());
        assertEquals(3, rs1.weight());
        assertTrue(rs1.inhibitOnFailure());
        assertFalse(http.reals().get(1).inhibitOnFailure());
        final Checker.Http get = (Checker.Http)rs1.checker("HTTP_GET").orElseThrow();
        assertEquals(2, get.urls().size());
        assertTrue(get.urls().getFirst().statusCodes().get(200));
        assertFalse(get.urls().getFirst().statusCodes().get(201));
        assertTrue(get.urls().get(1).statusCodes().isEmpty(), "a digest alone: any status, the body's MD5 decides");
        assertEquals("9b3a0c85a887a256d6939da88aabd8cd", get.urls().get(1).digest().orElseThrow());
        assertEquals(3_000_000L, get.timing().connectTimeoutUs());
        assertEquals(3, get.timing().retry());
        assertEquals(2_000_000L, get.timing().delayBeforeRetryUs());
        assertEquals(6_000_000L, get.timing().delayLoopUs());
        assertEquals(6_000_000L, get.timing().warmupUs(), "warmup defaults to the delay loop");
        assertEquals(80, get.timing().connectPort());
        final Checker.Http get2 = (Checker.Http)http.reals().get(1).checker("HTTP_GET").orElseThrow();
        assertTrue(get2.urls().getFirst().statusCodes().get(250) && get2.urls().getFirst().statusCodes().get(301));
        assertEquals(1, get2.timing().retry(), "HTTP_GET's default retry");
        assertEquals(3_000_000L, get2.timing().delayBeforeRetryUs(), "HTTP_GET's default delay_before_retry");
        final KeepalivedVirtualServer https = c.virtualServers().get(1);
        assertEquals(OptionalInt.of(360), https.persistenceTimeout(), "persistence_timeout alone is 6 minutes");
        assertEquals(443, https.reals().getFirst().checker("TCP_CHECK").orElseThrow().timing().connectPort());
    }

    @Test
    void shouldReadConfigurationManagementFilesPerHost() throws Exception
    {
        final KeepalivedConfig lb1 = read("cm/keepalived.conf");
        final KeepalivedConfig lb2 = KeepalivedConfigParser.parse(corpus("cm/keepalived.conf"), "lb2");
        assertEquals("lb1", lb1.globals().routerId().orElseThrow());
        assertEquals(OptionalInt.empty(), lb1.globals().lvsSyncDaemon().orElseThrow().syncId());
        assertEquals(OptionalInt.of(52), lb2.globals().lvsSyncDaemon().orElseThrow().syncId());
        assertEquals(List.of("[192.0.2.100]:tcp:80", "[192.0.2.100]:tcp:22"),
            lb1.virtualServers().stream().map(KeepalivedVirtualServer::id).toList());
        final KeepalivedRealServer rs = lb1.virtualServers().getFirst().reals().get(1);
        assertEquals(InetAddress.getByName("10.2.0.2"), rs.address());
        assertEquals(2_000_000L, rs.checker("TCP_CHECK").orElseThrow().timing().connectTimeoutUs());
        assertTrue(lb1.virtualServers().get(1).where().endsWith("20-ssh.conf:1"), lb1.virtualServers().get(1).where());
    }

    @Test
    void shouldExpandGroupsAndReadTunnelsAndFwmarks() throws Exception
    {
        final KeepalivedConfig c = read("fwmark-group.conf");
        final VirtualServerGroup web = c.groups().get("WEB");
        assertEquals(5, web.members().size(), "four from the range, one fwmark");
        assertEquals(InetAddress.getByName("192.0.2.203"), web.members().get(3).address());
        assertEquals(7, web.members().get(4).fwmark());
        assertEquals(io.jlvs.controlplane.config.AddressFamily.INET, web.members().get(4).family(), "fwmark 7 inet");
        assertEquals(List.of("group WEB", "group DUAL", "FWM 1"),
            c.virtualServers().stream().map(KeepalivedVirtualServer::id).toList(),
            "group MIXED ignored, as keepalived's link_vsg_to_vs");
        assertTrue(c.warnings().stream().anyMatch((w) -> w.message().equals("MIXED: virtual server group with IPv4 " +
            "& IPv6 doesn't match virtual server [MIXED] - ignoring")), c.warnings().toString());
        final KeepalivedVirtualServer mark = c.virtualServers().get(2);
        assertEquals(ServiceProtocol.FWM, mark.protocol());
        assertEquals(SchedFlags.FLAG_1 * 0, mark.schedFlags());
        assertEquals(new Netmask(io.jlvs.controlplane.config.AddressFamily.INET, 0xffffff00),
            mark.granularity().orElseThrow());
        final KeepalivedRealServer gue = mark.reals().getFirst();
        assertEquals(FwdMethod.TUNNEL, gue.forwarding());
        assertEquals(TunnelType.GUE, gue.tunnelType());
        assertEquals(6080, gue.tunnelPort());
        assertEquals(TunnelChecksum.CSUM, gue.tunnelChecksum());
        assertEquals(TunnelType.GRE, mark.reals().get(1).tunnelType(), "a real server's own lvs_method");
        assertEquals(0, gue.port());
    }

    @Test
    void shouldReadQuorumScriptsAndDynamicWeights() throws Exception
    {
        final KeepalivedConfig c = read("quorum-misc.conf");
        final KeepalivedVirtualServer vs = c.virtualServers().getFirst();
        assertEquals(3, vs.quorum());
        assertEquals(1, vs.hysteresis());
        assertTrue(vs.omega());
        assertTrue(vs.sorryServerInhibit());
        assertEquals(List.of("/bin/true", "quorum", "up"), vs.quorumUp());
        final KeepalivedRealServer rs = vs.reals().getFirst();
        assertEquals(List.of("/bin/true", "10.3.0.1", "down"), rs.notifyDown());
        final Checker.Misc misc = (Checker.Misc)rs.checker("MISC_CHECK").orElseThrow();
        assertEquals(List.of("/bin/sh", "-c", "exit 0"), misc.command());
        assertTrue(misc.dynamic());
        assertEquals(0, misc.timing().retry(), "MISC_CHECK's default retry");
        assertTrue(misc.timing().alpha(), "the virtual server's alpha");
        final Checker.File file = (Checker.File)rs.checker("FILE_CHECK").orElseThrow();
        assertEquals(Path.of("/run/lvs/drain"), file.path());
        assertEquals(0, file.weight());
        final CheckerTiming tcp = vs.reals().get(1).checker("TCP_CHECK").orElseThrow().timing();
        assertEquals(500_000L, tcp.delayBeforeRetryUs());
        assertEquals(1_500_000L, tcp.warmupUs());
        assertEquals(2, tcp.retry());
    }

    @Test
    void shouldReadDnsUdpAndSmtpCheckers() throws Exception
    {
        final KeepalivedConfig c = read("nat-mail-dns.conf");
        final Checker.Smtp smtp = (Checker.Smtp)c.virtualServers().getFirst().reals().getFirst()
            .checker("SMTP_CHECK").orElseThrow();
        assertEquals("lvs.example.com", smtp.heloName());
        final KeepalivedRealServer second = c.virtualServers().getFirst().reals().get(1);
        assertEquals(500, second.upperThreshold());
        assertEquals(400, second.lowerThreshold());
        assertEquals(2525, second.port(), "NAT maps the port");
        final KeepalivedVirtualServer dns = c.virtualServers().get(1);
        assertTrue(dns.ops());
        assertEquals(SchedFlags.FLAG_2, dns.schedFlags(), "sh-port");
        final Checker.Dns query = (Checker.Dns)dns.reals().getFirst().checker("DNS_CHECK").orElseThrow();
        assertEquals("A", query.type());
        assertEquals("www.example.com", query.name());
        assertEquals(3, query.timing().retry(), "DNS_CHECK's default retry");
        assertEquals(5_000_000L, query.timing().delayBeforeRetryUs(), "DNS_CHECK's delay before retry: the loop");
        final Checker.Udp udp = (Checker.Udp)dns.reals().get(1).checker("UDP_CHECK").orElseThrow();
        assertTrue(udp.requireReply());
        assertEquals(12, udp.minReplyLength());
        assertEquals(33, udp.payload().length);
    }

    @Test
    void shouldRefuseWhatKeepalivedRejectsWithFileAndLine() throws Exception
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> read("complaints.conf"));
        final List<String> errors = ex.errors().stream().map((d) -> d.line() + ": " + d.message()).toList();
        assertEquals(List.of(4, 9, 12, 14, 17, 24, 25, 33, 43, 47),
            ex.errors().stream().map(ConfigDiagnostic::line).toList(), errors.toString());
    }

    @Test
    void shouldRefuseUnknownKeywordsAndMissingBlocksEverywhere()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> KeepalivedConfigParser.parse(
            Path.of("k.conf"), List.of(
                "global_defs {",
                "  routerid lb1",
                "}",
                "virtual_servers 192.0.2.1 80 {",
                "}",
                "virtual_server 192.0.2.1 80 {",
                "  lb_algo rr",
                "  protocol TCP",
                "  real_server 10.0.0.1 80 {",
                "    TCP_CHECK {",
                "      connect_timeout 3",
                "  }",
                "}"), "h"));
        assertEquals(List.of("k.conf:2: Unknown keyword 'routerid' in global_defs",
                "k.conf:4: Unknown keyword 'virtual_servers'",
                "k.conf:6: virtual_server { is not closed by }"),
            ex.errors().stream().map(ConfigDiagnostic::toString).toList());
    }
    /**
     * What keepalived settles only when it starts (link_vsg_to_vs, validate_check_config), seen in the kernel's table
     * under keepalived (KernelLvsPeerSystemTest): a group's family from its virtual server's direct real servers, a
     * virtual server of another family ignored, a group's ports told; SMTP_CHECK's host blocks as copies of the checker.
     */
    @Test
    void shouldLinkGroupsAndSplitSmtpHostsAsKeepalivedDoesWhenItStarts() throws Exception
    {
        final KeepalivedConfig c = KeepalivedConfigParser.parse(Path.of("k.conf"), List.of(
            "virtual_server_group V6 {",
            "  2001:db8::1 80",
            "}",
            "virtual_server_group MARKS {",
            "  192.0.2.1 80",
            "  192.0.2.2 8080",
            "  fwmark 3",
            "}",
            "virtual_server group V6 {",
            "  lb_kind DR",
            "  protocol TCP",
            "  real_server 10.0.0.1 80 {",
            "  }",
            "}",
            "virtual_server group MARKS {",
            "  lb_kind DR",
            "  protocol TCP",
            "  real_server 10.0.0.1 80 {",
            "    SMTP_CHECK {",
            "      retry 4",
            "      host {",
            "        connect_ip 10.0.0.9",
            "      }",
            "    }",
            "  }",
            "}"), "h");
        assertEquals(List.of("group MARKS"), c.virtualServers().stream().map(KeepalivedVirtualServer::id).toList());
        final List<String> said = c.warnings().stream().map(ConfigDiagnostic::toString).toList();
        assertTrue(said.contains("k.conf:9: V6: address family doesn't match virtual server [V6] - ignoring"),
            said.toString());
        assertTrue(said.contains("k.conf:18: fwmark virtual server [MARKS]:0, real server [10.0.0.1]:tcp:80 has " +
            "port specified - port will be ignored"), said.toString());
        assertTrue(said.contains("k.conf:18: virtual server [MARKS]:0:[192.0.2.2,8080] and real server " +
            "[10.0.0.1]:tcp:80 ports don't match"), said.toString());
        final KeepalivedVirtualServer marks = c.virtualServers().getFirst();
        assertEquals(io.jlvs.controlplane.config.AddressFamily.INET, marks.family());
        final List<Checker> smtp = marks.reals().getFirst().checkers();
        assertEquals(1, smtp.size(), "a host and no connection of the checker's own: the host is the checker");
        assertEquals(InetAddress.getByName("10.0.0.9"), smtp.getFirst().timing().connectIp().orElseThrow());
        assertEquals(4, smtp.getFirst().timing().retry(), "the checker's retry, copied to its host");
    }
}
