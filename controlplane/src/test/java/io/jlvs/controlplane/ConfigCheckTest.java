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
    /**
     * {@code jlvs check -k FILE --table}: the table a director starts with, as keepalived's is when it dumps its
     * configuration: real servers in at their weights, those of an {@code alpha} virtual server out (at weight 0 with
     * {@code inhibit_on_failure}) and its sorry server in while the quorum is not there, a track file's value already
     * applied; {@code @ID} lines by {@code -i}. Standard output is the table alone.
     */
    @Test
    void shouldPrintTheTableADirectorStartsWith() throws Exception
    {
        final Path track = write("track", "2\n");
        final Path conf = write("keepalived.conf", """
            virtual_server 192.0.2.10 80 {
                lb_algo wrr
                lb_kind DR
                protocol TCP
                persistence_timeout 300
                real_server 10.0.0.1 80 {
                    weight 3
                    TCP_CHECK {
                        connect_timeout 3
                    }
                }
            @lb1    real_server 10.0.0.2 80 {
            @lb1        weight 2
            @lb1    }
            }
            virtual_server 192.0.2.10 443 {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                alpha
                quorum 3
                inhibit_on_failure
                sorry_server 10.0.0.99 443
                real_server 10.0.0.1 443 {
                    weight 2
                    TCP_CHECK {
                        connect_timeout 3
                    }
                }
            }
            track_file drain {
                file %s
                weight 3
            }
            virtual_server fwmark 7 {
                lb_algo sh
                lb_kind TUN
                real_server 10.0.0.3 0 {
                    weight 1
                    FILE_CHECK {
                        track_file drain
                    }
                }
            }
            """.formatted(track));
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final ByteArrayOutputStream table = new ByteArrayOutputStream();
        final ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (PrintStream t = new PrintStream(table, true, StandardCharsets.UTF_8);
            PrintStream s = new PrintStream(said, true, StandardCharsets.UTF_8))
        {
            System.setOut(t);
            System.setErr(s);
            assertEquals(0, new picocli.CommandLine(new Jlvs()).execute("check", "-k", conf.toString(), "-i", "lb1",
                "--table"));
        }
        finally
        {
            System.setOut(out);
            System.setErr(err);
        }
        assertTrue(said.toString(StandardCharsets.UTF_8).contains("jlvs: " + conf + ": ok"), said.toString());
        assertEquals("""
            -A -t 192.0.2.10:80 -s wrr -p 300
            -a -t 192.0.2.10:80 -r 10.0.0.1:80 -g -w 3
            -a -t 192.0.2.10:80 -r 10.0.0.2:80 -g -w 2
            -A -t 192.0.2.10:443 -s rr
            -a -t 192.0.2.10:443 -r 10.0.0.1:443 -m -w 0
            -a -t 192.0.2.10:443 -r 10.0.0.99:443 -m -w 1
            -A -f 7 -s sh
            -a -f 7 -r 10.0.0.3:0 -i -w 7 --tun-type ipip
            """, table.toString(StandardCharsets.UTF_8));
    }
}
