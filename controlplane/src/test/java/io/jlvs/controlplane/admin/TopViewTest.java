package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.dataplane.conn.FwdMethod;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** jlvs top's table of services. */
class TopViewTest
{
    @Test
    void shouldScaleAsTopDoes()
    {
        assertEquals("9999", TopView.scaled(9999));
        assertEquals("10.0K", TopView.scaled(10_000));
        assertEquals("123K", TopView.scaled(123_456));
        assertEquals("45.7M", TopView.scaled(45_678_901));
        assertEquals("1.2G", TopView.scaled(1_234_567_890));
    }

    @Test
    void shouldListServicesAndRealServersInIpvsadmsOrder()
    {
        final ServiceView svc = ServiceView.of(ServiceProtocol.TCP, InetLiterals.literal("10.0.0.1"), 80, "wrr", List.of(
            DestView.of(InetLiterals.literal("10.0.0.3"), 80, FwdMethod.MASQ, 2),
            DestView.of(InetLiterals.literal("10.0.0.2"), 80, FwdMethod.DROUTE, 3)));
        final List<String> lines = TopView.render(List.of(svc)).lines().toList();
        assertEquals(4, lines.size(), String.join("\n", lines));
        assertEquals("TCP  10.0.0.1:80                       wrr                   0        0         0         0" +
            "       0       0", lines.get(1));
        assertEquals("  -> 10.0.0.2:80                       Route        3        0        0         0         0" +
            "       0       0", lines.get(2));
        assertEquals("  -> 10.0.0.3:80", lines.get(3).substring(0, 16));
    }
}
