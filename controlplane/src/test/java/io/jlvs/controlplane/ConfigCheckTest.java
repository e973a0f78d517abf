package io.jlvs.controlplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jlvs check: what a director would read, checked without a NIC or root, each problem with its file and line. */
class ConfigCheckTest
{
    private static final Path LAB = Path.of(System.getProperty("basedir", "controlplane")).toAbsolutePath()
        .getParent().resolve("config/lab");

    @TempDir
    Path dir;

    private Path write(final String name, final String text) throws Exception
    {
        final Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private Path settings(final String ldirectordCf) throws Exception
    {
        final String lab = Files.readString(LAB.resolve("director.conf"));
        return write("director.conf", lab.replace("ldirectord-config = ldirectord.cf", "ldirectord-config = " +
            ldirectordCf));
    }

    @Test
    void shouldPassTheLabsConfiguration()
    {
        final ConfigCheck.Result r = ConfigCheck.run(LAB.resolve("director.conf"), null);
        assertEquals(List.of(), r.errors());
        assertNotNull(r.settings());
        assertTrue(r.config().virtualServices().size() > 5, "the lab's services were read");
    }

    @Test
    void shouldReportEachErrorWithFileAndLine() throws Exception
    {
        final Path cf = write("ldirectord.cf", """
            virtual=198.18.0.10:80
            \treal=198.18.0.11:80 gate 3
            \tscheduler=nosuch
            \tchecktype=on
            virtual=198.18.0.10:81
            \treal=198.18.0.11:81 gate 70000
            """);
        final ConfigCheck.Result r = ConfigCheck.run(settings(cf.toString()), null);
        assertTrue(r.errors().stream().anyMatch((e) -> e.startsWith(cf + ":6: ")), r.errors().toString());
        assertTrue(r.errors().size() >= 1);
    }

    @Test
    void shouldRefuseWhatTheDataplaneCannotDoAndWarnAboutWhatItWouldDrop() throws Exception
    {
        final Path cf = write("ldirectord.cf", """
            virtual=198.18.0.10:80
            \treal=198.18.0.11:80 gate
            \tscheduler=nosuch
            \tchecktype=on
            virtual=198.18.0.10:81
            \treal=10.9.9.9:81 gate
            \tchecktype=on
            """);
        final ConfigCheck.Result r = ConfigCheck.run(settings(cf.toString()), null);
        assertEquals(1, r.errors().size(), r.errors().toString());
        assertTrue(r.errors().get(0).startsWith(cf + ":1: scheduler 'nosuch' is no IPVS scheduler"), r.errors().get(0));
        assertTrue(r.warnings().stream().anyMatch((w) -> w.startsWith(cf + ":6: warning: direct routing needs real " +
            "server 10.9.9.9")), r.warnings().toString());
    }

    @Test
    void shouldCheckLdirectordCfAloneAndMissingFiles() throws Exception
    {
        final Path cf = write("ldirectord.cf", "virtual=198.18.0.10:80\n\treal=198.18.0.11:80 gate\n");
        final ConfigCheck.Result alone = ConfigCheck.run(null, cf);
        assertEquals(List.of(), alone.errors());
        assertEquals(1, alone.config().virtualServices().size());

        final ConfigCheck.Result missing = ConfigCheck.run(dir.resolve("none.conf"), null);
        assertEquals(List.of("jlvs: no such file: " + dir.resolve("none.conf")), missing.errors());
        final ConfigCheck.Result missingCf = ConfigCheck.run(settings(dir.resolve("no.cf").toString()), null);
        assertEquals(List.of("jlvs: no such file: " + dir.resolve("no.cf")), missingCf.errors());
    }

    @Test
    void shouldExitZeroOrTwoAsTheCheckCommandsOfHaproxyAndNginx() throws Exception
    {
        final Path good = write("good.cf", "virtual=198.18.0.10:80\n\treal=198.18.0.11:80 gate\n");
        final Path bad = write("bad.cf", "virtual=198.18.0.10:80\n\treal=198.18.0.11:80 gate\nbogus=1\n");
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream p = new PrintStream(captured, true, StandardCharsets.UTF_8))
        {
            System.setOut(p);
            System.setErr(p);
            assertEquals(0, new picocli.CommandLine(new Jlvs()).execute("check", "-c", good.toString()));
            assertEquals(2, new picocli.CommandLine(new Jlvs()).execute("check", "-c", bad.toString()));
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }
        final String text = captured.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("jlvs: " + good + ": ok\n"), text);
        assertTrue(text.contains(bad + ":3: "), text);
        assertTrue(text.contains("jlvs: " + bad + ": 1 error(s), refused\n"), text);
    }
}
