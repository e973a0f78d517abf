package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.keepalived.KeepalivedBlock.Tree;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepalivedBlockTest
{
    static Tree tree(final String... lines)
    {
        final KeepalivedSource.Result r = KeepalivedSource.read(Path.of("k.conf"), List.of(lines), "h");
        assertEquals(List.of(), r.errors());
        return KeepalivedBlock.parse(r.lines());
    }

    @Test
    void shouldNestBlocksWithTheirArgumentsAndLines()
    {
        final Tree t = tree(
            "virtual_server 192.0.2.10 80 {",
            "    lb_algo wrr",
            "    real_server 10.0.0.1 80",
            "    {",
            "        weight 3",
            "        HTTP_GET { url { path / } }",
            "    }",
            "}",
            "virtual_server_group G { 192.0.2.1 80 }");
        assertEquals(List.of(), t.errors());
        assertEquals(2, t.statements().size());
        final KeepalivedBlock vs = t.statements().getFirst();
        assertEquals("virtual_server", vs.keyword());
        assertEquals(List.of("192.0.2.10", "80"), vs.args());
        assertEquals(List.of("lb_algo", "real_server"), vs.children().stream().map(KeepalivedBlock::keyword).toList());
        final KeepalivedBlock rs = vs.children().get(1);
        assertEquals(3, rs.line().number());
        assertEquals(List.of("weight", "HTTP_GET"), rs.children().stream().map(KeepalivedBlock::keyword).toList());
        final KeepalivedBlock http = rs.children().get(1);
        assertEquals("url", http.children().getFirst().keyword());
        assertEquals("path", http.children().getFirst().children().getFirst().keyword());
        assertEquals(List.of("/"), http.children().getFirst().children().getFirst().args());
        assertNull(vs.children().getFirst().block());
        assertFalse(vs.children().getFirst().hasBlock());
        final KeepalivedBlock group = t.statements().get(1);
        assertEquals(List.of("192.0.2.1"), group.children().stream().map(KeepalivedBlock::keyword).toList());
        assertEquals(List.of("80"), group.children().getFirst().args());
    }

    @Test
    void shouldReportAnUnclosedBlockAtItsLine()
    {
        final Tree t = tree("global_defs {", "  router_id a", "virtual_server 192.0.2.1 80 {", "}");
        final List<String> errors = t.errors().stream().map(ConfigDiagnostic::toString).toList();
        assertEquals(List.of("k.conf:1: global_defs { is not closed by }"), errors);
    }

    @Test
    void shouldReportAStrayClosingBraceAtItsLine()
    {
        final Tree t = tree("global_defs {", "}", "}", "vrrp_script s {", "}");
        assertEquals(List.of("k.conf:3: a } that closes no block"),
            t.errors().stream().map(ConfigDiagnostic::toString).toList());
        assertEquals(List.of("global_defs", "vrrp_script"),
            t.statements().stream().map(KeepalivedBlock::keyword).toList());
    }

    @Test
    void shouldReportABraceThatFollowsNoKeyword()
    {
        final Tree t = tree("global_defs {", "}", "{", "  x", "}");
        assertEquals(List.of("k.conf:3: a { that follows no keyword"),
            t.errors().stream().map(ConfigDiagnostic::toString).toList());
        assertTrue(t.statements().getFirst().hasBlock());
    }
}
