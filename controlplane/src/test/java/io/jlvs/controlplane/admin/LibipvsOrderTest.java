package io.jlvs.controlplane.admin;

import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.dataplane.conn.FwdMethod;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** ipvsadm's order as libipvs and glibc's qsort make it. */
class LibipvsOrderTest
{
    private static DestView dest(final String address, final int port)
    {
        return DestView.of(InetLiterals.literal(address), port, FwdMethod.DROUTE, 1);
    }

    private static List<String> sorted(final DestView... dests)
    {
        return LibipvsOrder.sort(List.of(dests), LibipvsOrder.DESTS).stream()
            .map((d) -> InetLiterals.ntop(d.address()) + ":" + d.port()).toList();
    }

    @Test
    void shouldOrderByWrappedDifferencesAsLibipvs()
    {
        assertEquals(List.of("200.0.0.1:80", "10.0.0.1:80", "10.0.0.2:80", "10.0.0.2:81"),
            sorted(dest("10.0.0.1", 80), dest("200.0.0.1", 80), dest("10.0.0.2", 81), dest("10.0.0.2", 80)),
            "10.0.0.1 - 200.0.0.1 wraps to a positive int, so 200.0.0.1 comes first; the other addresses are near");
        assertEquals(List.of("1.0.0.1:80", "2.0.0.1:80", "3.0.0.1:80"),
            sorted(dest("3.0.0.1", 80), dest("1.0.0.1", 80), dest("2.0.0.1", 80)), "near addresses: plain order");
    }

    @Test
    void shouldMergeAsGlibcWhateverTheComparisonSays()
    {
        // a comparison that is no order at all (rock, paper, scissors): Java's sort may refuse it; glibc merges
        final Comparator<String> rps = (a, b) -> a.equals(b) ? 0 :
            (a + b).matches("rs|pr|sp") ? -1 : 1;
        assertEquals(List.of("r", "s", "p"), LibipvsOrder.sort(List.of("r", "s", "p"), rps),
            "[r] | [s p] (s before p); merging r, s: r first; then s p");
        assertEquals(List.of("p", "r", "r", "s"), LibipvsOrder.sort(List.of("s", "r", "p", "r"), rps),
            "[r s] | [p r]; merging r, p: p; r, r: the left one; s, r: r; then s");
    }

    @Test
    void shouldSortServicesByMarkFamilyProtocolAddressPort()
    {
        final ServiceView udp = ServiceView.of(ServiceProtocol.UDP, InetLiterals.literal("10.0.0.1"), 53, "rr",
            List.of());
        final ServiceView tcp = ServiceView.of(ServiceProtocol.TCP, InetLiterals.literal("10.0.0.1"), 80, "rr",
            List.of());
        final ServiceView v6 = ServiceView.of(ServiceProtocol.TCP, InetLiterals.literal("2001:db8::1"), 80, "rr",
            List.of());
        final ServiceView fwm = ServiceView.ofFwmark(io.jlvs.controlplane.config.AddressFamily.INET, 1, "rr",
            List.of());
        assertEquals(List.of(tcp, udp, v6, fwm), LibipvsOrder.sort(List.of(fwm, v6, udp, tcp), LibipvsOrder.SERVICES));
    }
}
