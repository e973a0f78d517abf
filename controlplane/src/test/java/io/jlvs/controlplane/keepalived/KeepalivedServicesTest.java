package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.Fallback;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.SyncSettings;
import io.jlvs.controlplane.config.VirtualService;
import io.jlvs.dataplane.conn.FwdMethod;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** keepalived.conf as the director's table holds it, and its lvs_sync_daemon as the director's sync. */
class KeepalivedServicesTest
{
    private static KeepalivedConfig read(final String name) throws Exception
    {
        return KeepalivedConfigParser.parse(Path.of(KeepalivedServicesTest.class.getResource("corpus/" + name).toURI()),
            "lb1");
    }

    @Test
    void shouldGiveTheTableTheServicesKeepalivedGivesIpvs() throws Exception
    {
        final KeepalivedServices s = KeepalivedServices.of(read("dr-web.conf"));
        assertEquals(List.of("tcp:203.0.113.10:80", "tcp:203.0.113.10:443"),
            s.config().virtualServices().stream().map(VirtualService::id).toList());
        final VirtualService http = s.config().virtualServices().getFirst();
        assertEquals("wlc", http.scheduler());
        assertEquals(new Fallback(InetAddress.getByName("192.0.2.99"), 80, FwdMethod.DROUTE), http.fallback().orElseThrow());
        final RealServer rs = http.reals().getFirst();
        assertEquals(FwdMethod.DROUTE, rs.forwarding());
        assertEquals(3, rs.weight());
        assertTrue(http.emailAlert().enabled(), "notification_email with smtp_server: the real servers' changes mailed");
        assertEquals("192.0.2.25:25", http.emailAlert().smtp().orElseThrow());
        assertEquals("[203.0.113.10]:tcp:80", s.origins().get(http.id()).id());
    }

    @Test
    void shouldMakeEachAddressOfAGroupAServiceOfItsOwn() throws Exception
    {
        final KeepalivedServices s = KeepalivedServices.of(read("fwmark-group.conf"));
        final List<String> ids = s.config().virtualServices().stream().map(VirtualService::id).toList();
        assertEquals(List.of("tcp:192.0.2.200:80", "tcp:192.0.2.201:80", "tcp:192.0.2.202:80", "tcp:192.0.2.203:80",
            "fwm:7", "tcp:192.0.2.210:443", "tcp:[2001:db8::10]:443", "fwm:1"), ids);
        final VirtualService dual = s.config().virtualServices().get(6);
        assertEquals(InetAddress.getByName("198.18.9.3"), dual.reals().getFirst().address(),
            "a group of both families: its IPv6 member's real server is the IPv4 one, tunnelled");
        final VirtualService mark = s.config().virtualServices().get(4);
        assertEquals(0, mark.reals().getFirst().port(), "a fwmark service's DR real server has no port");
        assertEquals("group WEB", s.origins().get("fwm:7").id());
        final List<RealServer> all = new ArrayList<>();
        s.config().virtualServices().forEach((vs) -> all.addAll(vs.reals()));
        assertFalse(all.isEmpty());
    }

    @Test
    void shouldSyncAsTheKernelsDaemonTiedToTheVrrpInstance() throws Exception
    {
        final List<String> said = new ArrayList<>();
        final SyncSettings dr = KeepalivedSync.of(read("dr-web.conf"), SyncSettings.defaults(), said::add);
        assertTrue(dr.followsVrrp());
        assertEquals(51, dr.syncId());
        assertTrue(dr.kernelProtocol());
        assertEquals(InetAddress.getByName("224.0.0.81"), dr.group());
        assertTrue(said.getFirst().contains("lvs_sync_daemon eth1: jlvs syncs through its host path"), said.toString());

        final SyncSettings cm = KeepalivedSync.of(read("cm/keepalived.conf"), SyncSettings.defaults(), said::add);
        assertEquals(52, cm.syncId(), "the instance's virtual_router_id");

        final SyncSettings none = KeepalivedSync.of(read("nat-mail-dns.conf"), SyncSettings.defaults(), said::add);
        assertEquals(SyncSettings.defaults(), none);
    }
}
