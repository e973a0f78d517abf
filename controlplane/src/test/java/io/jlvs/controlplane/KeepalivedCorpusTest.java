package io.jlvs.controlplane;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.keepalived.KeepalivedBlock;
import io.jlvs.controlplane.keepalived.KeepalivedConfigParser;
import io.jlvs.controlplane.keepalived.KeepalivedSource;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * keepalived.conf files as operators write them (the samples Debian's keepalived ships, and this project's corpus of
 * the forms found in guides and configuration-management templates), each read by jlvs and checked by keepalived
 * itself ({@code keepalived -t}, Debian 12's 2.2.7): every complaint keepalived makes of a file's LVS part, jlvs makes
 * too, at the same file and line; a file keepalived reads without complaint, jlvs reads without error; and jlvs
 * refuses nothing that keepalived reads cleanly. The VRRP blocks are left to the VRRP reader's own tests.
 */
class KeepalivedCorpusTest
{
    static final Path KEEPALIVED = Path.of("/usr/sbin/keepalived");
    static final Path SAMPLES = Path.of("/usr/share/doc/keepalived/samples");
    /** keepalived's -i for every file: the corpus's {@code @lb1} lines apply. */
    static final String CONFIG_ID = "lb1";
    /** keepalived -t's prefix of a parse message: "(Line N) " or "(FILE: Line N) ". */
    private static final Pattern LINE_PREFIX = Pattern.compile("^\\((?:(.+): )?Line (\\d+)\\) (.*)$");
    /** A message without a line that is about the LVS part (the rest is of VRRP and of the host's interfaces). */
    /** "Virtual server [192.0.2.1]:tcp:80: ...", "VS FWM 1: ...": the object named, then what is wrong. */
    private static final Pattern NAMED = Pattern.compile("^(?:Virtual server|VS) (?:\\[[^]]*\\]:[a-z]+:\\d+|FWM \\d+|\\S+): (.*)$");
    private static final Pattern LVS_MESSAGE = Pattern.compile("[Vv]irtual server|[Rr]eal server|VS |quorum|sorry server");

    @TestFactory
    Stream<DynamicTest> shouldSayWhatKeepalivedSaysOfEachFile() throws Exception
    {
        Capabilities.require(Files.isExecutable(KEEPALIVED), "keepalived (Debian's package; config/lab/test.sh " +
            "installs it)");
        final List<Path> files = files();
        return files.stream().map((f) -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> compare(f)));
    }

    /** This project's corpus, then the samples Debian's keepalived ships (a skip where they are missing). */
    static List<Path> files() throws URISyntaxException, IOException
    {
        final List<Path> files = new ArrayList<>(corpus());
        if (Files.isDirectory(SAMPLES))
        {
            try (Stream<Path> s = Files.list(SAMPLES))
            {
                s.filter((p) -> p.getFileName().toString().startsWith("keepalived.conf.")).sorted().forEach(files::add);
            }
        }
        Capabilities.require(files.size() > 20, "keepalived's samples in " + SAMPLES + " (Debian's keepalived)");
        return files;
    }

    /** The folder of this project's corpus. */
    static Path corpusDir() throws URISyntaxException
    {
        return Path.of(KeepalivedCorpusTest.class.getResource("keepalived/corpus").toURI());
    }

    private static List<Path> corpus() throws URISyntaxException, IOException
    {
        final Path dir = corpusDir();
        try (Stream<Path> s = Files.list(dir))
        {
            final List<Path> out = new ArrayList<>(s.filter((p) -> p.toString().endsWith(".conf")).sorted().toList());
            out.add(dir.resolve("cm/keepalived.conf"));
            return out;
        }
    }

    /** What keepalived -t printed, and how it exited. */
    private record KeepalivedSays(int status, List<String> lines)
    {
    }

    private static KeepalivedSays keepalivedTest(final Path file) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(KEEPALIVED.toString(), "-t", "-l", "-i", CONFIG_ID, "-f", file.toString())
            .directory(file.getParent().toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "keepalived -t " + file + " did not finish");
        return new KeepalivedSays(p.exitValue(), out.lines().filter((l) -> !l.isBlank()).toList());
    }

    private static void compare(final Path file) throws Exception
    {
        final KeepalivedSays keepalived = keepalivedTest(file);
        final KeepalivedConfigParser.Checked checked = KeepalivedConfigParser.check(file, CONFIG_ID);
        final List<ConfigDiagnostic> errors = checked.errors();
        final List<ConfigDiagnostic> said = new ArrayList<>(checked.errors());
        said.addAll(checked.warnings());
        final List<int[]> vrrpRanges = vrrpRanges(file);
        final StringBuilder missing = new StringBuilder();
        boolean lvsComplaint = false;
        for (final String line : keepalived.lines())
        {
            final Matcher m = LINE_PREFIX.matcher(line);
            if (m.matches())
            {
                final String where = null == m.group(1) ? file.getFileName().toString() :
                    Path.of(m.group(1)).getFileName().toString();
                final int number = Integer.parseInt(m.group(2));
                if (where.equals(file.getFileName().toString()) && inVrrp(vrrpRanges, number))
                {
                    continue;
                }
                lvsComplaint = true;
                final boolean found = said.stream().anyMatch((d) ->
                    d.file().getFileName().toString().equals(where) && d.line() == number);
                if (!found)
                {
                    missing.append("\n  keepalived: ").append(line);
                }
            }
            else if (LVS_MESSAGE.matcher(line).find())
            {
                lvsComplaint = true;
                final String tail = tail(line);
                if (said.stream().noneMatch((d) -> d.message().contains(tail)))
                {
                    missing.append("\n  keepalived: ").append(line).append("   (looked for \"").append(tail).append("\")");
                }
            }
        }
        if (!missing.isEmpty())
        {
            fail("keepalived said of " + file + " what jlvs did not:" + missing + "\n  jlvs said: " + said);
        }
        if (keepalived.status() == 2)
        {
            assertTrue(!errors.isEmpty(), "keepalived -t refused " + file + " (exit 2), jlvs did not");
        }
        if (!lvsComplaint && !errors.isEmpty())
        {
            fail("keepalived read the LVS part of " + file + " without a complaint, jlvs refused it: " + errors);
        }
    }

    /** The part of a line-less keepalived message that says what is wrong, without its object's name. */
    private static String tail(final String message)
    {
        String m = message.replaceFirst("^(Warning: |WARNING - |Warning - )", "");
        final Matcher named = NAMED.matcher(m);
        return named.matches() ? named.group(1) : m;
    }

    /** The lines of the file's VRRP blocks (from each to the next top-level statement), as [first, last]. */
    private static List<int[]> vrrpRanges(final Path file)
    {
        final KeepalivedSource.Result source = KeepalivedSource.read(file, CONFIG_ID);
        final List<KeepalivedBlock> top = KeepalivedBlock.parse(source.lines()).statements().stream()
            .filter((s) -> s.line().file().equals(file)).toList();
        final Set<String> vrrp = Set.of("vrrp_instance", "vrrp_sync_group", "vrrp_script", "static_ipaddress",
            "static_routes", "static_rules", "garp_group", "linkbeat_interfaces", "vrrp_track_process", "track_group",
            "interface_up_down_delays", "vrrp_track_file");
        final List<int[]> out = new ArrayList<>();
        for (int i = 0; i < top.size(); i++)
        {
            if (vrrp.contains(top.get(i).keyword()))
            {
                final int end = i + 1 < top.size() ? top.get(i + 1).line().number() - 1 : Integer.MAX_VALUE;
                out.add(new int[] {top.get(i).line().number(), end});
            }
        }
        return out;
    }

    private static boolean inVrrp(final List<int[]> ranges, final int line)
    {
        return ranges.stream().anyMatch((r) -> line >= r[0] && line <= r[1]);
    }
}
