package io.jlvs.controlplane.alert;

import io.jlvs.controlplane.TableCompiler.CompiledDest;
import io.jlvs.controlplane.TableCompiler.CompiledService;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.Resolver;
import io.jlvs.controlplane.config.VirtualService;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The table changes ldirectord logs and mails, found between two compiled tables. */
class TableChangesTest
{
    private static final LdirectordConfig CONFIG = parse();
    private static final VirtualService WEB = CONFIG.virtualServices().get(0);
    private static final VirtualService DNS = CONFIG.virtualServices().get(1);
    private static final RealServer RS1 = WEB.reals().get(0);
    private static final RealServer RS2 = WEB.reals().get(1);

    private static LdirectordConfig parse()
    {
        try
        {
            return LdirectordConfigParser.parse(Path.of("t.cf"), List.of(
                "virtual = 10.0.0.10:80",
                "    real = 10.0.1.1:80 gate 3",
                "    real = 10.0.1.2:80 gate 2",
                "virtual = 10.0.0.10:53",
                "    real = 10.0.1.1:53 gate",
                "    protocol = udp"), Resolver.system());
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static CompiledService web(final CompiledDest... dests)
    {
        return new CompiledService(1, WEB, List.of(dests));
    }

    private static List<String> messages(final List<CompiledService> before, final List<CompiledService> after)
    {
        return TableChanges.between(before, after).stream()
            .map((c) -> c.message() + (c.inaccessible() ? " [inaccessible]" : "")).toList();
    }

    @Test
    void shouldNameEachChangeInLdirectordsWords()
    {
        final CompiledDest up1 = new CompiledDest(1, RS1, 3, 3, false);
        final CompiledDest up2 = new CompiledDest(2, RS2, 2, 2, false);
        final CompiledDest quiet2 = new CompiledDest(2, RS2, 0, 0, false);
        assertEquals(List.of("Quiescent real server: 10.0.1.2:80 (10.0.0.10:80) (Weight set to 0) [inaccessible]"),
            messages(List.of(web(up1, up2)), List.of(web(up1, quiet2))));
        assertEquals(List.of("Restored real server: 10.0.1.2:80 (10.0.0.10:80) (Weight set to 2)"),
            messages(List.of(web(up1, quiet2)), List.of(web(up1, up2))));
        assertEquals(List.of("Deleted real server: 10.0.1.2:80 (10.0.0.10:80) [inaccessible]"),
            messages(List.of(web(up1, up2)), List.of(web(up1))));
        assertEquals(List.of("Added real server: 10.0.1.2:80 (10.0.0.10:80) (Weight set to 2)"),
            messages(List.of(web(up1)), List.of(web(up1, up2))));
        assertEquals(List.of(), messages(List.of(web(up1, up2)), List.of(web(up1, up2))), "nothing changed");
    }

    @Test
    void shouldNameTheFallbackAndTellServicesOfOneAddressApart()
    {
        final CompiledDest fallback = new CompiledDest(9, RS2, 1, 1, true);
        final CompiledDest up1 = new CompiledDest(1, RS1, 3, 3, false);
        assertEquals(List.of("Added fallback server: 10.0.1.2:80 (10.0.0.10:80) (Weight set to 1)",
                "Deleted real server: 10.0.1.1:80 (10.0.0.10:80) [inaccessible]"),
            messages(List.of(web(up1)), List.of(web(fallback))));
        assertEquals(List.of("Deleted fallback server: 10.0.1.2:80 (10.0.0.10:80)",
                "Added real server: 10.0.1.1:80 (10.0.0.10:80) (Weight set to 3)").stream().sorted().toList(),
            messages(List.of(web(fallback)), List.of(web(up1))).stream().sorted().toList());
        final CompiledService dns = new CompiledService(2, DNS,
            List.of(new CompiledDest(3, DNS.reals().getFirst(), 1, 1, false)));
        assertEquals(List.of(), messages(List.of(web(up1), dns), List.of(dns, web(up1))),
            "the order of services changes nothing");
    }

    @Test
    void shouldNotReportTheFirstTableQuiescedRealServersAsChanges()
    {
        final CompiledDest unchecked = new CompiledDest(1, RS1, 0, 0, false);
        assertEquals(List.of(), messages(List.of(), List.of(web(unchecked))));
        assertEquals(List.of("Added real server: 10.0.1.1:80 (10.0.0.10:80) (Weight set to 3)"),
            messages(List.of(), List.of(web(new CompiledDest(1, RS1, 3, 3, false)))));
    }
}
