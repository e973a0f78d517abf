package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.keepalived.KeepalivedSource.Line;
import io.jlvs.controlplane.keepalived.KeepalivedSource.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepalivedSourceTest
{
    @TempDir
    Path dir;

    private static List<List<String>> words(final Result r)
    {
        return r.lines().stream().map(Line::words).toList();
    }

    @Test
    void shouldSplitWordsQuotesBracesAndComments()
    {
        final Result r = KeepalivedSource.read(Path.of("k.conf"), List.of(
            "! Configuration File for keepalived",
            "global_defs{   # braces need no blank",
            "  notification_email_from \"Alert Sender\"  ! a comment after a value",
            "  router_id \"x # not a comment\"",
            "}"), "h");
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(List.of("global_defs", "{"), List.of("notification_email_from", "Alert Sender"),
            List.of("router_id", "x # not a comment"), List.of("}")), words(r));
        assertEquals(List.of(2, 3, 4, 5), r.lines().stream().map(Line::number).toList());
    }

    @Test
    void shouldKeepOnlyTheLinesOfThisHostsConfigId()
    {
        final Result r = KeepalivedSource.read(Path.of("k.conf"), List.of(
            "@lb1 priority 150",
            "@lb2 priority 100",
            "@^lb1 state BACKUP",
            "@^lb2 state MASTER",
            "advert_int 1"), "lb1");
        assertEquals(List.of(List.of("priority", "150"), List.of("state", "MASTER"), List.of("advert_int", "1")),
            words(r));
        assertEquals("lb1", KeepalivedSource.defaultConfigId("lb1.example.com"));
    }

    @Test
    void shouldReplaceDefinitionsIncludingMultiLineOnes()
    {
        final Result r = KeepalivedSource.read(Path.of("k.conf"), List.of(
            "$VIP=192.0.2.10",
            "$RS=real_server 10.0.0.1 80 { \\",
            "  TCP_CHECK { connect_timeout 3 } \\",
            "}",
            "virtual_server $VIP 80 {",
            "  ${RS}",
            "  real_server $NOPE 80",
            "}"), "h");
        assertEquals(List.of(List.of("virtual_server", "192.0.2.10", "80", "{"),
            List.of("real_server", "10.0.0.1", "80", "{"), List.of("TCP_CHECK", "{", "connect_timeout", "3", "}"),
            List.of("}"), List.of("real_server", "$NOPE", "80"), List.of("}")), words(r));
        assertEquals(List.of(), r.errors());
        assertEquals(1, r.warnings().size());
        assertEquals(7, r.warnings().getFirst().line());
        assertTrue(r.warnings().getFirst().message().contains("$NOPE is not defined"), r.warnings().toString());
    }

    @Test
    void shouldExpandNamesOnlyWhereKeepalivedEndsThemAndItsOwnDefinitions()
    {
        final Result r = KeepalivedSource.read(Path.of("/etc/keepalived/k.conf"), List.of(
            "$A=10.0.0",
            "$B=${A}.1",
            "real_server $B 80",
            "real_server $Bx ${A}.2,${_INSTANCE} ${_PWD}"), "lb2");
        assertEquals(List.of(List.of("real_server", "10.0.0.1", "80"),
            List.of("real_server", "$Bx", "10.0.0.2,lb2", "/etc/keepalived")), words(r));
        assertEquals(List.of("/etc/keepalived/k.conf:4: $Bx is not defined: left as written, as keepalived leaves it"),
            r.warnings().stream().map(ConfigDiagnostic::toString).toList());
    }

    @Test
    void shouldIncludeGlobsRelativeToTheIncludingFileInSortedOrder() throws Exception
    {
        Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(dir.resolve("conf.d/20-web.conf"), "virtual_server 192.0.2.2 80 {\n}\n");
        Files.writeString(dir.resolve("conf.d/10-dns.conf"), "virtual_server 192.0.2.1 53 {\n}\n");
        Files.writeString(dir.resolve("conf.d/.hidden.conf"), "nope\n");
        Files.writeString(dir.resolve("keepalived.conf"), "global_defs {\n}\ninclude conf.d/*.conf\ninclude none/*.conf\n");
        final Result r = KeepalivedSource.read(dir.resolve("keepalived.conf"), "h");
        assertEquals(List.of(), r.errors());
        assertEquals(List.of("global_defs", "}", "virtual_server", "}", "virtual_server", "}"),
            r.lines().stream().map((l) -> l.words().getFirst()).toList());
        assertEquals("192.0.2.1", r.lines().get(2).words().get(1));
        assertEquals(dir.resolve("conf.d/10-dns.conf"), r.lines().get(2).file());
        assertEquals(1, r.lines().get(2).number());
        assertEquals(1, r.warnings().size());
        assertEquals(4, r.warnings().getFirst().line());
    }

    @Test
    void shouldRefuseAMissingIncludeAndAnIncludeLoopWithFileAndLine() throws Exception
    {
        Files.writeString(dir.resolve("a.conf"), "global_defs {\n}\ninclude b.conf\n");
        Files.writeString(dir.resolve("b.conf"), "! b\ninclude a.conf\ninclude missing.conf\n");
        final Result r = KeepalivedSource.read(dir.resolve("a.conf"), "h");
        final List<String> messages = r.errors().stream().map(ConfigDiagnostic::toString).toList();
        assertEquals(2, messages.size(), messages.toString());
        assertTrue(messages.get(0).startsWith(dir.resolve("b.conf") + ":2: include a.conf includes itself"),
            messages.toString());
        assertTrue(messages.get(1).startsWith(dir.resolve("b.conf") + ":3: include missing.conf: no such file"),
            messages.toString());
    }

    @Test
    void shouldReportAnUnclosedQuote()
    {
        final Result r = KeepalivedSource.read(Path.of("k.conf"), List.of("router_id \"lb1"), "h");
        assertEquals(1, r.errors().size());
        assertEquals("k.conf:1: a quoted string is not closed", r.errors().getFirst().toString());
    }

    @Test
    void shouldReportAFileThatCannotBeRead()
    {
        final Result r = KeepalivedSource.read(dir.resolve("absent.conf"), "h");
        assertEquals(1, r.errors().size());
        assertTrue(r.errors().getFirst().message().startsWith("cannot read"), r.errors().toString());
    }
}
