package io.jlvs.controlplane.alert;

import io.jlvs.controlplane.config.GlobalSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ldirectord's log lines: to its logfile with its prefix, and to standard output when supervised. */
class DirectorLogTest
{
    private static GlobalSettings with(final String logfile, final boolean supervised)
    {
        final GlobalSettings d = GlobalSettings.DEFAULTS;
        return new GlobalSettings(d.checkInterval(), d.checkTimeout(), d.negotiateTimeout(), d.failureCount(),
            d.quiescent(), d.autoreload(), d.fallback(), d.fallback6(), logfile, d.maintenanceDir(),
            d.fallbackCommand(), supervised, d.emailAlert(), d.cleanStop(), d.readdQuiescent());
    }

    @Test
    void shouldAppendLdirectordsLinesToTheLogfile(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("ldirectord.log");
        final DirectorLog log = new DirectorLog(Path.of("/etc/ha.d/ldirectord.cf"), with(file.toString(), false));
        log.log("Quiescent real server: 10.0.1.2:80 (10.0.0.10:80) (Weight set to 0)");
        log.log("Restored real server: 10.0.1.2:80 (10.0.0.10:80) (Weight set to 2)");
        final List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size(), lines.toString());
        final String prefix = "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\|ldirectord\\.cf\\|" +
            ProcessHandle.current().pid() + "\\] ";
        assertTrue(lines.get(0).matches(prefix + "Quiescent real server: .*"), lines.get(0));
        assertTrue(lines.get(1).matches(prefix + "Restored real server: .*"), lines.get(1));
    }

    @Test
    void shouldAlsoPrintToStandardOutputWhenSupervised(@TempDir final Path dir) throws Exception
    {
        final PrintStream out = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try
        {
            final Path file = dir.resolve("l.log");
            final DirectorLog log = new DirectorLog(Path.of("a.cf"), with(file.toString(), false));
            log.log("not supervised");
            log.settings(with(file.toString(), true));
            log.log("Deleted real server: 10.0.1.2:80 (10.0.0.10:80)");
        }
        finally
        {
            System.setOut(out);
        }
        final String printed = captured.toString(StandardCharsets.UTF_8);
        assertTrue(printed.matches("\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\] " +
            "Deleted real server: 10\\.0\\.1\\.2:80 \\(10\\.0\\.0\\.10:80\\)\\R"), printed);
    }
}
