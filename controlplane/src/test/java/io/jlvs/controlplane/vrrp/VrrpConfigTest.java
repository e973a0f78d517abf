package io.jlvs.controlplane.vrrp;

import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.InetLiterals;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VrrpConfigTest
{
    private static final Path FILE = Path.of("keepalived.conf");

    @Test
    void shouldReadAKeepalivedInstanceWithItsDefaults() throws Exception
    {
        final List<String> warnings = new ArrayList<>();
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "! Configuration File for keepalived",
            "global_defs {",
            "   router_id LVS_DEVEL",
            "   notification_email { admin@example.com }",
            "}",
            "vrrp_instance VI_1 {",
            "    state MASTER",
            "    interface eth0",
            "    virtual_router_id 51",
            "    priority 150",
            "    advert_int 1",
            "    authentication {",
            "        auth_type PASS",
            "        auth_pass 1111",
            "    }",
            "    virtual_ipaddress {",
            "        198.18.0.10/32 dev eth0 label eth0:1",
            "        198.18.0.40",
            "    }",
            "}",
            "virtual_server 198.18.0.10 80 {",
            "    lb_algo rr",
            "    real_server 198.18.0.11 80 { weight 1 }",
            "}"), warnings::add);
        assertEquals("VI_1", c.name());
        assertTrue(c.initialMaster());
        assertEquals(51, c.vrid());
        assertEquals(150, c.priority());
        assertEquals(100, c.intervalCs());
        assertEquals(2, c.version(), "keepalived's default");
        assertTrue(c.preempt());
        assertArrayEquals(VrrpPacket.password("1111"), c.password());
        assertEquals(List.of(InetLiterals.ipv4("198.18.0.10"), InetLiterals.ipv4("198.18.0.40")), c.addresses());
        assertTrue(c.unicastPeers().isEmpty());
        assertEquals(5, c.garpDelaySec());
        assertTrue(warnings.stream().anyMatch((w) -> w.startsWith("keepalived.conf:21: ignored: virtual_server")),
            warnings.toString());
        assertTrue(warnings.stream().anyMatch((w) -> w.startsWith("keepalived.conf:8: interface eth0")));
        assertEquals(0, c.virtualMac(), "keepalived's default: the real MAC, with gratuitous ARP");
    }

    @Test
    void shouldReadUseVmacAsTheVirtualRoutersMac() throws Exception
    {
        final List<String> warnings = new ArrayList<>();
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "vrrp_instance v {",
            "  virtual_router_id 51",
            "  use_vmac vrrp.51",
            "  vmac_xmit_base",
            "}"), warnings::add);
        assertTrue(c.useVmac());
        assertEquals(0x00_00_5E_00_01_33L, c.virtualMac(), "00:00:5e:00:01:33, VRID 51");
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("keepalived.conf:3: use_vmac vrrp.51: jlvs has no macvlan"), warnings.get(0));
        assertEquals(0x00_00_5E_00_01_FFL, VrrpConfig.parse(FILE, List.of(
            "vrrp_instance v { virtual_router_id 255", "use_vmac }"), (w) -> { }).virtualMac());
    }

    @Test
    void shouldReadVersion3FractionsUnicastPeersAndNopreempt() throws Exception
    {
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "global_defs { vrrp_version 3 }",
            "vrrp_instance pair {",
            "  state BACKUP",
            "  virtual_router_id 7",
            "  advert_int 0.25",
            "  nopreempt",
            "  preempt_delay 10",
            "  unicast_src_ip 198.18.0.2",
            "  unicast_peer {",
            "    198.18.0.3",
            "  }",
            "  virtual_ipaddress { 198.18.0.10 }",
            "}"), (w) -> { });
        assertEquals(3, c.version());
        assertEquals(25, c.intervalCs());
        assertFalse(c.preempt());
        assertFalse(c.initialMaster());
        assertEquals(10, c.preemptDelaySec());
        assertEquals(100, c.priority());
        assertEquals(InetLiterals.ipv4("198.18.0.2"), c.unicastSource());
        assertEquals(List.of(InetLiterals.ipv4("198.18.0.3")), c.unicastPeers());
        assertNull(c.password());
    }

    @Test
    void shouldRefuseMalformedInstancesWithFileAndLine()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> VrrpConfig.parse(FILE, List.of(
            "vrrp_instance a {",
            "  state PRIMARY",
            "  priority 300",
            "  advert_int 0.5",
            "  bogus_keyword 1",
            "  authentication { auth_type AH }",
            "  virtual_ipaddress { 198.18.0.300 }",
            "}",
            "vrrp_instance b { virtual_router_id 2 }"), (w) -> { }));
        final List<String> e = ex.errors().stream().map(Object::toString).toList();
        assertEquals(List.of(
            "keepalived.conf:1: vrrp_instance a has no virtual_router_id",
            "keepalived.conf:1: advert_int 0.5 with VRRP version 2, which takes whole seconds (vrrp_version 3 for " +
                "fractions)",
            "keepalived.conf:2: invalid state \"PRIMARY\": MASTER or BACKUP",
            "keepalived.conf:3: invalid priority \"300\": a number in 1..255",
            "keepalived.conf:5: unknown vrrp_instance keyword \"bogus_keyword\"",
            "keepalived.conf:6: auth_type AH: jlvs does PASS (AH is not done)",
            "keepalived.conf:7: invalid address \"198.18.0.300\" in virtual_ipaddress",
            "keepalived.conf:9: a second vrrp_instance (b): jlvs moves all its VIPs together, as one instance (the " +
                "first is a at line 1)"), e.stream().sorted(java.util.Comparator.comparingInt((String s) ->
                    Integer.parseInt(s.split(":")[1]))).toList());
    }

    @Test
    void shouldReadKeepalivedsNotifyCommands() throws Exception
    {
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "vrrp_instance n {",
            "  virtual_router_id 9",
            "  notify_master \"/bin/echo master now\"",
            "  notify /bin/true",
            "}"), (w) -> { });
        assertEquals(List.of("/bin/echo", "master", "now"), c.notifyMaster());
        assertEquals(List.of("/bin/true"), c.notifyCommand());
        assertTrue(c.notifyBackup().isEmpty());
        final ConfigException ex = assertThrows(ConfigException.class, () -> VrrpConfig.parse(FILE, List.of(
            "vrrp_instance n {", "  virtual_router_id 9", "  notify_backup /no/such/script", "}"), (w) -> { }));
        assertEquals("keepalived.conf:3: notify_backup /no/such/script: not an executable file given by its full path",
            ex.errors().getFirst().toString());
    }

    @Test
    void shouldReadAnIpv6InstanceAsKeepalivedDoes() throws Exception
    {
        final List<String> warnings = new ArrayList<>();
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "vrrp_instance V6 {",
            "  virtual_router_id 61",
            "  use_vmac",
            "  virtual_ipaddress {",
            "    2001:db8::10/64",
            "    2001:db8::20",
            "  }",
            "  virtual_ipaddress_excluded {",
            "    198.18.0.10",
            "  }",
            "}"), warnings::add);
        assertTrue(c.ipv6(), "its first address is IPv6");
        assertEquals(3, c.version(), "version 2 is IPv4 only");
        assertTrue(warnings.stream().anyMatch((w) -> w.contains("VRRP version 2 is IPv4 only")), warnings.toString());
        assertEquals(List.of(InetLiterals.ipv6("2001:db8::10"), InetLiterals.ipv6("2001:db8::20")), c.addresses());
        assertEquals(VrrpConfig.GROUP6, c.group());
        assertEquals(0x00_00_5E_00_02_3DL, c.virtualMac(), "IPv6's virtual router MAC, 00:00:5e:00:02:3d");
        assertTrue(VrrpConfig.parse(FILE, List.of("vrrp_instance n { virtual_router_id 1", "native_ipv6 }"),
            (w) -> { }).ipv6());
    }

    @Test
    void shouldRefuseAnInstanceMixingFamiliesWithFileAndLine()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> VrrpConfig.parse(FILE, List.of(
            "vrrp_instance m {",
            "  virtual_router_id 62",
            "  unicast_src_ip 198.18.0.2",
            "  unicast_peer {",
            "    2001:db8::3",
            "  }",
            "  virtual_ipaddress {",
            "    2001:db8::10",
            "    198.18.0.10",
            "  }",
            "}"), (w) -> { }));
        assertEquals(List.of(
                "keepalived.conf:3: unicast_src_ip 198.18.0.2 is not IPv6, the instance's family",
                "keepalived.conf:7: virtual_ipaddress mixes IPv4 and IPv6: an instance is of one family (its first " +
                    "address's, IPv6); the others go in virtual_ipaddress_excluded"),
            ex.errors().stream().map(Object::toString).sorted().toList());
    }

    @Test
    void shouldTrackVrrpScriptsWithTheirWeights() throws Exception
    {
        final List<String> warnings = new ArrayList<>();
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "vrrp_script chk_haproxy {",
            "    script \"/bin/sh -c 'pidof haproxy'\"",
            "    interval 2",
            "    weight 2",
            "    fall 2",
            "    rise 3",
            "}",
            "vrrp_script chk_file {",
            "    script /bin/true",
            "}",
            "vrrp_instance VI_1 {",
            "    virtual_router_id 51",
            "    priority 100",
            "    virtual_ipaddress {",
            "        198.18.0.10",
            "    }",
            "    track_script {",
            "        chk_haproxy",
            "        chk_file weight -30 reverse",
            "        chk_none",
            "    }",
            "}"), warnings::add);
        assertEquals(2, c.scripts().size());
        final VrrpScript haproxy = c.scripts().getFirst();
        assertEquals(List.of("/bin/sh", "-c", "pidof haproxy"), haproxy.command());
        assertEquals(2000, haproxy.intervalMs());
        assertEquals(2000, haproxy.timeoutMs(), "timeout defaults to the interval");
        assertEquals(2, haproxy.priorityDelta(true));
        assertEquals(0, haproxy.priorityDelta(false));
        assertEquals(3, haproxy.rise());
        final VrrpScript file = c.scripts().get(1);
        assertEquals(-30, file.weight(), "the track_script's weight");
        assertTrue(file.reverse());
        assertEquals(0, file.priorityDelta(true));
        assertEquals(30, file.priorityDelta(false), "reverse turns the sign: a failure raises it");
        assertFalse(file.faults(false), "weight -30: no FAULT");
        assertTrue(warnings.stream().anyMatch((w) -> w.startsWith("keepalived.conf:20: (VI_1) track script chk_none " +
            "not found")), warnings.toString());
    }

    @Test
    void shouldRefuseAVrrpScriptWithoutItsScript()
    {
        final ConfigException ex = assertThrows(ConfigException.class, () -> VrrpConfig.parse(FILE, List.of(
            "vrrp_script chk {",
            "    interval 1",
            "}",
            "vrrp_instance VI_1 {",
            "    virtual_router_id 51",
            "}"), (w) -> { }));
        assertEquals("keepalived.conf:1: No script set for vrrp_script chk", ex.errors().getFirst().toString());
    }

    @Test
    void shouldTakeASyncGroupOfTheOneInstanceWithItsNotifiesAndScripts() throws Exception
    {
        final List<String> warnings = new ArrayList<>();
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "vrrp_sync_group VG_1 {",
            "    group {",
            "        VI_1",
            "        VI_2",
            "    }",
            "    notify \"/bin/true group\"",
            "    notify_fault /bin/true",
            "    track_script {",
            "        chk weight 5",
            "    }",
            "}",
            "vrrp_script chk {",
            "    script /bin/true",
            "}",
            "vrrp_instance VI_1 {",
            "    virtual_router_id 51",
            "    notify_fault /bin/true",
            "}"), warnings::add);
        final VrrpConfig.SyncGroup g = c.syncGroup().orElseThrow();
        assertEquals("VG_1", g.name());
        assertEquals(List.of("/bin/true", "group"), g.notifyCommand());
        assertEquals(List.of("/bin/true"), g.notifyFault());
        assertEquals(List.of("/bin/true"), c.notifyFault());
        assertEquals(5, c.scripts().getFirst().weight(), "the group's track_script counts for the instance");
        assertTrue(warnings.contains("keepalived.conf:4: Virtual router VI_2 specified in sync group VG_1 doesn't " +
            "exist - ignoring"), warnings.toString());
        assertTrue(warnings.stream().anyMatch((w) -> w.startsWith("keepalived.conf:1: Sync group VG_1 has only 1 " +
            "virtual router(s)")), warnings.toString());
    }

    @Test
    void shouldTrackInterfacesAsTheDataPortsLink() throws Exception
    {
        final List<String> warnings = new ArrayList<>();
        final VrrpConfig c = VrrpConfig.parse(FILE, List.of(
            "vrrp_instance VI_1 {",
            "    virtual_router_id 51",
            "    track_interface {",
            "        eth0",
            "        eth1 weight -20",
            "        eth2 weight 10 reverse",
            "    }",
            "}"), warnings::add);
        assertEquals(List.of("eth0", "eth1", "eth2"), c.interfaces().stream().map(VrrpConfig.TrackedInterface::name)
            .toList());
        final TrackWeight eth0 = c.interfaces().get(0).weight();
        assertTrue(eth0.faults(false), "weight 0: link down is FAULT");
        assertFalse(eth0.faults(true));
        assertEquals(-20, c.interfaces().get(1).weight().priorityDelta(false));
        assertEquals(0, c.interfaces().get(1).weight().priorityDelta(true));
        assertEquals(-10, c.interfaces().get(2).weight().priorityDelta(true), "reverse turns the sign");
        assertTrue(warnings.contains("keepalived.conf:4: track_interface eth0: jlvs tracks its data port's link (VRRP " +
            "rides it)"), warnings.toString());
    }

    /** keepalived's own keywords that jlvs does not do are named so, not called unknown: refused or warned. */
    @Test
    void shouldSayWhichKeepalivedKeywordsItDoesNotDo()
    {
        final List<String> warned = new ArrayList<>();
        final ConfigException ex = assertThrows(ConfigException.class, () -> VrrpConfig.parse(Path.of("keepalived.conf"),
            List.of(
            "vrrp_instance VI_1 {",
            "  virtual_router_id 51",
            "  mcast_src_ip 198.18.0.2",
            "  virtual_routes {",
            "    198.18.5.0/24 via 198.18.0.1",
            "  }",
            "  virtual_ipaddress { 198.18.0.10 }",
            "}"), warned::add));
        assertEquals(List.of("keepalived.conf:4: virtual_routes: not done by jlvs: jlvs adds no routes with the " +
            "addresses (its routes are the settings')"), ex.errors().stream().map(Object::toString).toList());
        assertTrue(warned.contains("keepalived.conf:3: not done by jlvs yet, ignored: mcast_src_ip"), warned.toString());
    }
}
