package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.IpvsadmResult;
import io.jlvs.controlplane.config.DirectorSettings;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.dataplane.status.CountersFile;
import io.jlvs.dataplane.status.ErrorLogFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

/**
 * The {@code jlvs} command: {@code jlvs director}, {@code jlvs reload}, {@code jlvs stat}... ({@code jlvs ipvsadm}
 * is the native client, {@code src/main/c/ipvsadm.c}, which the launcher runs).
 */
@Command(name = "jlvs", mixinStandardHelpOptions = true, version = "jlvs 0.1.0",
    description = "Linux Virtual Server as a kernel-bypass director.",
    subcommands = {Jlvs.DirectorCommand.class, Jlvs.CheckCommand.class, Jlvs.TopCommand.class, Jlvs.CaptureCommand.class, Jlvs.ReloadCommand.class, Jlvs.StatCommand.class,
        Jlvs.ErrorsCommand.class, Jlvs.HealthCommand.class, Jlvs.SyncCommand.class, Jlvs.StateCommand.class})
public final class Jlvs implements Callable<Integer>
{
    /** Where the appliance keeps the director's settings. */
    static final String DEFAULT_SETTINGS = "/etc/jlvs/director.conf";

    /** Exit status when the director cannot start: configuration or host problems. */
    static final int EXIT_CANNOT_START = 2;

    public static void main(final String[] args)
    {
        System.exit(new CommandLine(new Jlvs()).execute(args));
    }

    @Override
    public Integer call()
    {
        CommandLine.usage(this, System.out);
        return 0;
    }

    /** The instance a command speaks to unless told: $JLVS_INSTANCE, else the default one (as for ipvsadm). */
    static final String INSTANCE_DEFAULT = "${env:JLVS_INSTANCE:-" + DirectorSettings.DEFAULT_INSTANCE + "}";

    static Path socketFor(final String instance)
    {
        final String env = System.getenv("JLVS_ADMIN_SOCKET");
        return null != env ? Path.of(env) : Path.of("/run/jlvs/" + instance + ".sock");
    }

    static int call(final Path socket, final List<String> request, final PrintStream out, final PrintStream err)
    {
        if (!Files.exists(socket))
        {
            err.println("jlvs: no director is running here (no admin socket " + socket +
                "); start one with 'jlvs director', or set JLVS_ADMIN_SOCKET");
            return 1;
        }
        try
        {
            final IpvsadmResult r = AdminServer.call(socket, request);
            out.print(r.out());
            out.flush();
            err.print(r.err());
            err.flush();
            return r.exitStatus();
        }
        catch (final IOException ex)
        {
            err.println("jlvs: cannot reach the director at " + socket + ": " + ex.getMessage());
            return 1;
        }
    }

    /**
     * A file in a director's state directory ({@code --dir}, or {@code /dev/shm/jlvs/<instance>}), or null after
     * saying on stderr that it is missing.
     */
    static Path stateFile(final Path dir, final String instance, final String name, final String missing)
    {
        final Path file = (null != dir ? dir : Path.of("/dev/shm/jlvs", instance)).resolve(name);
        if (!Files.exists(file))
        {
            System.err.println("jlvs: " + String.format(missing, file));
            return null;
        }
        return file;
    }

    @Command(name = "director", mixinStandardHelpOptions = true,
        description = "Run the director: DPDK dataplane, ldirectord.cf, admin socket.")
    static final class DirectorCommand implements Callable<Integer>
    {
        @Option(names = {"-s", "--settings"}, required = true, description = "director settings file")
        Path settingsFile;

        @Option(names = {"-c", "--config"}, description = "ldirectord.cf (default: the settings' ldirectord-config)")
        Path configFile;

        @Override
        public Integer call()
        {
            final PrintStream err = System.err;
            final ConfigCheck.Result checked = ConfigCheck.run(settingsFile, configFile);
            checked.warnings().forEach(err::println);
            if (!checked.ok())
            {
                checked.errors().forEach(err::println);
                err.println("jlvs: configuration refused, nothing started");
                return EXIT_CANNOT_START;
            }
            final DirectorSettings settings = checked.settings();
            final LdirectordConfig config = checked.config();

            final Director director;
            try
            {
                director = Director.start(settings, config, checked.keepalived());
            }
            catch (final Director.StartupException ex)
            {
                err.println("jlvs: the director cannot start:");
                ex.problems().forEach((p) -> err.println("  - " + p));
                return EXIT_CANNOT_START;
            }

            final CountDownLatch stopped = new CountDownLatch(1);
            final Thread hook = new Thread(() ->
            {
                director.close();
                stopped.countDown();
            }, "jlvs-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try
            {
                stopped.await();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Check everything a director would read (settings, ldirectord.cf or keepalived.conf, fwmark "
            + "rules, VRRP), "
            + "without a NIC and without root; print each error and warning with its file and line.",
            "Exit status 0 when a director would start with it, 2 when it would refuse it."})
    static final class CheckCommand implements Callable<Integer>
    {
        @Option(names = {"-s", "--settings"}, description = "director settings file (default: ${DEFAULT-VALUE} "
            + "unless only -c is given)", defaultValue = DEFAULT_SETTINGS)
        Path settingsFile;

        @Option(names = {"-c", "--config"}, description = "ldirectord.cf (default: the settings' ldirectord-config)")
        Path configFile;

        @Option(names = {"-k", "--keepalived"}, description = "keepalived.conf, as keepalived -t checks it (default: "
            + "the settings' keepalived-config, if they have one)")
        Path keepalivedFile;

        @Option(names = {"-i", "--config-id"}, description = "the @ID lines of keepalived.conf that apply, as "
            + "keepalived's -i (default: the settings' config-id, else the host name up to its first dot)")
        String configId;

        @Option(names = "--table", description = "also print the table a director sets up from it at start, before "
            + "any check has run, as ipvsadm -S -n prints it")
        boolean table;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call()
        {
            final boolean settingsGiven = spec.commandLine().getParseResult().hasMatchedOption("-s");
            final Path settings = settingsGiven || (null == configFile && null == keepalivedFile) ? settingsFile : null;
            final ConfigCheck.Result r = ConfigCheck.run(settings, configFile, keepalivedFile, configId);
            r.warnings().forEach(System.err::println);
            r.errors().forEach(System.err::println);
            final Path file = null != keepalivedFile ? keepalivedFile : configFile;
            final String what = (null != settings ? settings + " and " : "") +
                (null != r.config() ? r.config().file() : null != file ? file : "its configuration");
            if (!r.ok())
            {
                System.err.println("jlvs: " + what + ": " + r.errors().size() + " error(s), refused");
                return EXIT_CANNOT_START;
            }
            // with --table, standard output is the table alone, for ipvsadm -R
            (table ? System.err : System.out).println("jlvs: " + what + ": ok" + (r.warnings().isEmpty() ? "" :
                ", " + r.warnings().size() + " warning(s)"));
            if (table)
            {
                System.out.print(new io.jlvs.controlplane.admin.IpvsadmFormatter().save(ConfigCheck.table(r),
                    io.jlvs.controlplane.admin.ListFormat.NUMERIC));
            }
            return 0;
        }
    }

    @Command(name = "top", mixinStandardHelpOptions = true,
        description = {"A live view of the director: each agent's packets, drops and longest cycle, the connection "
            + "table's fill, and every virtual service and real server with its rates and connections, refreshed "
            + "in the terminal until interrupted (Ctrl-C)."})
    static final class TopCommand implements Callable<Integer>
    {
        private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Option(names = {"-d", "--delay"}, defaultValue = "2", description = "seconds between refreshes (default 2)")
        double delaySeconds;

        @Option(names = {"-n", "--iterations"}, defaultValue = "0", description = "refreshes before it ends, 0: none")
        int iterations;

        @Option(names = {"--dir"}, description = "counters directory (default /dev/shm/jlvs/<instance>)")
        Path dir;

        @Override
        public Integer call() throws InterruptedException
        {
            final Path file = stateFile(dir, instance, "counters.dat", "no counters at %s (is the director running?)");
            if (null == file)
            {
                return 1;
            }
            try (CountersFile counters = CountersFile.open(file))
            {
                final AgentLoad load = new AgentLoad(counters.reader());
                final long delayMs = Math.max(100, (long)(delaySeconds * 1000));
                for (int n = 1; iterations == 0 || n <= iterations; n++)
                {
                    final StringBuilder screen = new StringBuilder("\033[H\033[2J");
                    screen.append(header(instance, counters.pid(), LocalTime.now(), delaySeconds))
                        .append(load.sample()).append('\n');
                    final var r = tryCall(List.of("top"));
                    screen.append(null == r ? "(the director does not answer on " + socketFor(instance) + ")\n" :
                        r.out() + r.err());
                    System.out.print(fitted(screen.toString(), terminalRows()));
                    System.out.flush();
                    if (iterations == 0 || n < iterations)
                    {
                        Thread.sleep(delayMs);
                    }
                }
            }
            return 0;
        }

        /**
         * The first line and the blank under it. The clock is always HH:MM:SS, as top's: LocalTime's own text drops the
         * seconds on the whole minute.
         */
        static String header(final String instance, final long pid, final LocalTime now, final double delaySeconds)
        {
            return "jlvs top - " + instance + " (pid " + pid + ") - " + CLOCK.format(now) + " - every " + delaySeconds +
                " s\n\n";
        }

        /** The screen cut to the terminal's height, as top cuts it, saying how much is left out. */
        static String fitted(final String screen, final int rows)
        {
            final List<String> lines = screen.lines().toList();
            if (rows <= 1 || lines.size() < rows)
            {
                return screen;
            }
            return String.join("\n", lines.subList(0, rows - 1)) + "\n... " + (lines.size() - rows + 1) +
                " more lines: a taller terminal shows them";
        }

        /** The terminal's height: $LINES, else what stty says of the controlling terminal, else 0 (no limit). */
        private static int terminalRows()
        {
            try
            {
                final String lines = System.getenv("LINES");
                if (null != lines)
                {
                    return Integer.parseInt(lines.strip());
                }
                final Process p = new ProcessBuilder("stty", "size").redirectInput(new java.io.File("/dev/tty"))
                    .redirectErrorStream(true).start();
                final String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                return p.waitFor() == 0 ? Integer.parseInt(out.strip().split("\\s+")[0]) : 0;
            }
            catch (final IOException | NumberFormatException | InterruptedException | ArrayIndexOutOfBoundsException ex)
            {
                return 0;
            }
        }

        private io.jlvs.controlplane.admin.IpvsadmResult tryCall(final List<String> request)
        {
            try
            {
                return AdminServer.call(socketFor(instance), request);
            }
            catch (final IOException ex)
            {
                return null;
            }
        }
    }

    @Command(name = "capture", mixinStandardHelpOptions = true,
        description = {"Writes the frames the dataplane receives and sends to a pcapng file, as tcpdump -w does, "
            + "filtered by an expression in tcpdump's words (primitives joined by 'and': [src|dst] host ADDR, "
            + "[src|dst] net ADDR/LEN, [src|dst] port N, ip, ip6, arp, tcp, udp, sctp, icmp, icmp6) and bounded in "
            + "rate, so it never holds up forwarding: what is over the rate, or finds the capture ring full, is "
            + "counted and left out. Ends at the count, after the seconds, or at Ctrl-C, printing tcpdump's counts."})
    static final class CaptureCommand implements Callable<Integer>
    {
        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Option(names = "-w", required = true, paramLabel = "FILE", description = "the pcapng file ('-': stdout)")
        String file;

        @Option(names = "-c", paramLabel = "COUNT", description = "stop after this many frames")
        Long count;

        @Option(names = "-G", paramLabel = "SECONDS", description = "stop after this many seconds")
        Long seconds;

        @Option(names = "-s", paramLabel = "SNAPLEN", description = "bytes kept of each frame (default and 0: 262144)")
        Integer snapLength;

        @Option(names = "--rate", paramLabel = "PPS",
            description = "frames per second kept, over all agents (default 10000, at most 1000000)")
        Long rate;

        @CommandLine.Parameters(paramLabel = "EXPRESSION", description = "the filter, e.g. tcp port 80 and host 192.0.2.1")
        List<String> expression = List.of();

        @Override
        public Integer call() throws Exception
        {
            final List<String> request = new java.util.ArrayList<>(List.of("capture"));
            addOption(request, "-c", count);
            addOption(request, "-s", snapLength);
            addOption(request, "-r", rate);
            addOption(request, "-G", seconds);
            request.add("--");
            request.addAll(expression);
            final Path socket = socketFor(instance);
            if (!Files.exists(socket))
            {
                System.err.println("jlvs: no director is running here (no admin socket " + socket + ")");
                return 1;
            }
            return io.jlvs.controlplane.capture.CaptureClient.run(socket, request, () -> "-".equals(file) ?
                new java.io.FileOutputStream(java.io.FileDescriptor.out) : Files.newOutputStream(Path.of(file)),
                System.err);
        }

        private static void addOption(final List<String> request, final String name, final Number value)
        {
            if (null != value)
            {
                request.add(name);
                request.add(value.toString());
            }
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Re-read ldirectord.cf and switch the running dataplane to it.")
    static final class ReloadCommand implements Callable<Integer>
    {
        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Override
        public Integer call()
        {
            return Jlvs.call(socketFor(instance), List.of("reload"), System.out, System.err);
        }
    }

    @Command(name = "health", mixinStandardHelpOptions = true,
        description = "Each real server's check: its state, last result and latency, failures, checks, overruns.")
    static final class HealthCommand implements Callable<Integer>
    {
        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Override
        public Integer call()
        {
            return Jlvs.call(socketFor(instance), List.of("health"), System.out, System.err);
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
        description = "The sync daemon: its roles, transport, last catch-up and counters.")
    static final class SyncCommand implements Callable<Integer>
    {
        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Override
        public Integer call()
        {
            return Jlvs.call(socketFor(instance), List.of("sync"), System.out, System.err);
        }
    }

    @Command(name = "state", mixinStandardHelpOptions = true,
        description = "Show or set the pair's state: master serves the VIPs, backup stands by with its synced " +
            "connections. Taking over (backup -> master) announces the VIPs with gratuitous ARP.")
    static final class StateCommand implements Callable<Integer>
    {
        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Parameters(arity = "0..1", paramLabel = "master|backup")
        String state;

        @Override
        public Integer call()
        {
            return Jlvs.call(socketFor(instance), null == state ? List.of("state") : List.of("state", state),
                System.out, System.err);
        }
    }

    @Command(name = "stat", mixinStandardHelpOptions = true,
        description = "Print the director's counters from shared memory (like AeronStat).")
    static final class StatCommand implements Callable<Integer>
    {
        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Option(names = {"-d", "--dir"}, description = "counters directory (default /dev/shm/jlvs/<instance>)")
        Path dir;

        @Override
        public Integer call()
        {
            final Path file = stateFile(dir, instance, "counters.dat", "no counters at %s (is the director running?)");
            if (null == file)
            {
                return 1;
            }
            try (CountersFile counters = CountersFile.open(file))
            {
                System.out.println("jlvs " + instance + " (pid " + counters.pid() + ")");
                counters.reader().forEach((value, id, label) ->
                    System.out.format("%3d: %,20d - %s%n", id, value, label));
            }
            return 0;
        }
    }

    @Command(name = "errors", mixinStandardHelpOptions = true,
        description = "Print the director's distinct error log from shared memory (also after a crash).")
    static final class ErrorsCommand implements Callable<Integer>
    {
        /** As Aeron's error stat prints them: every field always there, whatever the milliseconds. */
        private static final DateTimeFormatter OBSERVED =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSZ").withZone(ZoneId.systemDefault());

        @Option(names = {"-i", "--instance"}, defaultValue = INSTANCE_DEFAULT)
        String instance;

        @Option(names = {"-d", "--dir"}, description = "state directory (default /dev/shm/jlvs/<instance>)")
        Path dir;

        @Override
        public Integer call()
        {
            final Path file = stateFile(dir, instance, "errors.dat", "no error log at %s (has a director run here?)");
            if (null == file)
            {
                return 1;
            }
            try (ErrorLogFile log = ErrorLogFile.open(file))
            {
                final int n = log.read((count, first, last, text) -> System.out.format(
                    "%d observations from %s to %s for:%n %s%n", count, OBSERVED.format(Instant.ofEpochMilli(first)),
                    OBSERVED.format(Instant.ofEpochMilli(last)), text));
                System.out.println(n + " distinct errors observed.");
            }
            return 0;
        }
    }
}
