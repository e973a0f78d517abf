package io.jlvs.controlplane;

import io.jlvs.dataplane.status.CountersFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab (config/lab/lab.sh) driven from a test: brings the namespaces up, runs the director in its
 * namespace through the operator's launcher (config/bin/jlvs), runs commands in the client namespace, and
 * reads the director's counters from shared memory. Everything is torn down in {@link #close()}.
 */
final class Lab implements AutoCloseable
{
    static final Path ROOT = Path.of(System.getProperty("basedir", "controlplane")).toAbsolutePath().getParent();
    static final Path LAB = ROOT.resolve("config/lab");
    static final Path JLVS = ROOT.resolve("config/bin/jlvs");
    static final String VIP = "198.18.0.10";
    static final String INSTANCE = "lab";
    static final Path COUNTERS = Path.of("/dev/shm/jlvs", INSTANCE, "counters.dat");
    static final Path SOCKET = Path.of("/run/jlvs", INSTANCE + ".sock");

    private Process director;
    private Path directorLog;
    private Process director2;
    private Path director2Log;
    /** The pair's second director, in jlvs-dir2 (config/lab/director2.conf). */
    static final String INSTANCE2 = "lab2";
    static final Path COUNTERS2 = Path.of("/dev/shm/jlvs", INSTANCE2, "counters.dat");
    static final Path SOCKET2 = Path.of("/run/jlvs", INSTANCE2 + ".sock");

    static Lab up() throws Exception
    {
        final Lab lab = new Lab();
        final Result r = run(Duration.ofSeconds(60), "bash", LAB.resolve("lab.sh").toString(), "up");
        if (r.status != 0)
        {
            lab.close();
            throw new IllegalStateException("lab up failed: " + r.out);
        }
        return lab;
    }

    /**
     * The next hops the lab's director resolves before it can forward every service: the three DR real servers,
     * the three NAT real servers and the router in front of the tunnel real servers.
     */
    static final int NEXT_HOPS = 7;

    /** Starts the director in jlvs-dir and waits until it has resolved every next hop. */
    void startDirector() throws Exception
    {
        startDirector(LAB.resolve("director.conf"), 1);
    }

    /**
     * The lab's director.conf with some settings replaced (a key given here replaces its line), written to a
     * temporary file whose relative paths still name the lab's files.
     */
    static Path settingsWith(final Map<String, String> replaced) throws IOException
    {
        return settingsWith("director.conf", replaced);
    }

    /** {@link #settingsWith(Map)} for another of the lab's settings files, e.g. director2.conf. */
    static Path settingsWith(final String base, final Map<String, String> replaced) throws IOException
    {
        final StringBuilder sb = new StringBuilder();
        final java.util.Set<String> seen = new java.util.HashSet<>();
        for (final String line : Files.readAllLines(LAB.resolve(base)))
        {
            final int eq = line.indexOf('=');
            final String key = eq < 0 || line.startsWith("#") ? "" : line.substring(0, eq).strip();
            seen.add(key);
            if (replaced.containsKey(key))
            {
                sb.append(key).append(" = ").append(replaced.get(key)).append('\n');
            }
            else if (key.equals("ldirectord-config") && replaced.containsKey("keepalived-config"))
            {
                continue; // the services come from keepalived.conf
            }
            else if (key.equals("ldirectord-config"))
            {
                sb.append(key).append(" = ").append(LAB.resolve(line.substring(eq + 1).strip())).append('\n');
            }
            else
            {
                sb.append(line).append('\n');
            }
        }
        replaced.forEach((k, v) ->
        {
            if (!seen.contains(k))
            {
                sb.append(k).append(" = ").append(v).append('\n'); // a key the file lacks is added
            }
        });
        final Path file = Files.createTempFile("jlvs-director", ".conf");
        Files.writeString(file, sb.toString());
        return file;
    }

    /**
     * Starts the director with these settings and {@code agents} forwarding agents, and waits until they have
     * resolved every next hop (answers arrive on whichever queue the kernel picks, and the agent that gets one tells
     * the others).
     */
    void startDirector(final Path settings, final int agents) throws Exception
    {
        startDirector(settings, agents, NEXT_HOPS);
    }

    /** As above, for a configuration whose real servers are behind {@code nextHops} next hops. */
    void startDirector(final Path settings, final int agents, final int nextHops) throws Exception
    {
        startDirector(settings, agents, nextHops, Map.of());
    }

    /** As above, with {@code env} in the director's environment (systemd's NOTIFY_SOCKET, ...). */
    void startDirector(final Path settings, final int agents, final int nextHops, final Map<String, String> env)
        throws Exception
    {
        directorLog = Files.createTempFile("jlvs-director", ".log");
        director = launch("jlvs-dir", settings, directorLog, SOCKET, COUNTERS, env);
        awaitReady(director, directorLog, SOCKET, COUNTERS, agents, nextHops);
    }

    /**
     * Starts {@code jlvs director} in a namespace; a killed director's socket and counters are removed first, so that
     * readiness is the new one's.
     */
    private static Process launch(final String namespace, final Path settings, final Path log, final Path socket,
        final Path counters) throws IOException
    {
        return launch(namespace, settings, log, socket, counters, Map.of());
    }

    private static Process launch(final String namespace, final Path settings, final Path log, final Path socket,
        final Path counters, final Map<String, String> env) throws IOException
    {
        Files.deleteIfExists(socket);
        Files.deleteIfExists(counters);
        final ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", namespace, JLVS.toString(), "director",
            "-s", settings.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * Waits until the director has its admin socket and counters and its {@code agents} have resolved
     * {@code nextHops} (answers arrive on whichever queue the kernel picks, and the agent that gets one tells the
     * others).
     */
    private static void awaitReady(final Process director, final Path log, final Path socket, final Path counters,
        final int agents, final int nextHops) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline)
        {
            if (!director.isAlive())
            {
                throw new IllegalStateException("director exited " + director.exitValue() + ": " +
                    Files.readString(log));
            }
            if (Files.exists(socket) && Files.exists(counters) && arpRepliesReceived(counters, agents) >= nextHops)
            {
                if (agents > 1)
                {
                    Thread.sleep(1000); // what one agent learned reaches the others over their rings
                }
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("director not ready in 60 s: " + Files.readString(log));
    }

    private static long arpRepliesReceived(final Path countersFile, final int agents)
    {
        final Map<String, Long> c = counters(countersFile);
        long n = 0;
        for (int i = 0; i < agents; i++)
        {
            n += Math.max(0, c.getOrDefault("fwd-" + i + ": ARP replies received", 0L));
        }
        return n;
    }

    /** Starts the pair's second director in jlvs-dir2 and waits until it has resolved {@code nextHops}. */
    void startDirector2(final Path settings, final int nextHops) throws Exception
    {
        director2Log = Files.createTempFile("jlvs-director2", ".log");
        director2 = launch("jlvs-dir2", settings, director2Log, SOCKET2, COUNTERS2);
        awaitReady(director2, director2Log, SOCKET2, COUNTERS2, 1, nextHops);
    }

    /** The key the lab's pair signs its sync messages with, written afresh (owner-only). */
    static final Path SYNC_KEY = Path.of("/run/jlvs-lab/sync.key");

    static void writeSyncKey() throws IOException
    {
        final byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        Files.deleteIfExists(SYNC_KEY);
        Files.createFile(SYNC_KEY, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(SYNC_KEY, java.util.HexFormat.of().formatHex(key) + "\n");
    }

    /** Runs client.py in the client namespace on a thread of its own (the common pool has one on two cores). */
    static java.util.concurrent.CompletableFuture<Result> clientPyAsync(final String... args)
    {
        return java.util.concurrent.CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return clientPy(Duration.ofSeconds(120), args);
            }
            catch (final Exception ex)
            {
                throw new IllegalStateException(ex);
            }
        }, Thread::startVirtualThread);
    }

    String director2Log() throws IOException
    {
        return null == director2Log ? "" : Files.readString(director2Log);
    }

    /** The first director's process id (the JVM's: the launcher execs it). */
    long directorPid()
    {
        return director.pid();
    }

    /** Kills the first director with SIGKILL, as a crash would: nothing is closed, nothing flushed. */
    void killDirector() throws Exception
    {
        if (null != director)
        {
            director.destroyForcibly();
            director.waitFor(20, TimeUnit.SECONDS);
            director = null;
        }
    }

    /** Stops the second director with SIGTERM. */
    void stopDirector2() throws Exception
    {
        if (null != director2)
        {
            director2.destroy();
            if (!director2.waitFor(20, TimeUnit.SECONDS))
            {
                director2.destroyForcibly();
                director2.waitFor(5, TimeUnit.SECONDS);
            }
            director2 = null;
            requireCleanStop(director2Log);
        }
    }

    /** A director stopped by SIGTERM stops its agents before it closes their tables: nothing touches a closed one. */
    private static void requireCleanStop(final Path log) throws IOException
    {
        final String text = null == log || !Files.exists(log) ? "" : Files.readString(log);
        if (text.contains("ChronicleHashClosedException"))
        {
            throw new AssertionError("a table was used after it was closed, stopping:\n" + text.substring(
                Math.max(0, text.indexOf("ChronicleHashClosedException") - 2000)));
        }
    }

    /** Waits up to {@code timeout} for the counter labelled {@code label} to reach {@code least}. */
    static void awaitCounter(final String label, final long least, final Duration timeout) throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (counter(label) < least && System.nanoTime() < deadline)
        {
            Thread.sleep(100);
        }
    }

    /** The sum over {@code agents} agents of the counter labelled "fwd-N: {@code label}". */
    static long agentsCounter(final int agents, final String label)
    {
        long n = 0;
        for (int i = 0; i < agents; i++)
        {
            n += Math.max(0, counter("fwd-" + i + ": " + label));
        }
        return n;
    }

    boolean directorAlive()
    {
        return null != director && director.isAlive();
    }

    String directorLog() throws IOException
    {
        return null == directorLog ? "" : Files.readString(directorLog);
    }

    /** The value of the counter with this label, or -1 when there is none. */
    static long counter(final String label)
    {
        return counters().getOrDefault(label, -1L);
    }

    static Map<String, Long> counters()
    {
        return counters(COUNTERS);
    }

    /** The counters of the director whose counters file this is. */
    static Map<String, Long> counters(final Path countersFile)
    {
        final Map<String, Long> values = new HashMap<>();
        try (CountersFile file = CountersFile.open(countersFile))
        {
            file.reader().forEach((value, id, label) -> values.merge(label, value, Long::sum));
        }
        catch (final RuntimeException ex)
        {
            // not written yet
        }
        return values;
    }

    /** A temporary file holding {@code text}, for a test's configuration. */
    static Path tempFile(final String prefix, final String suffix, final String text) throws IOException
    {
        final Path file = Files.createTempFile(prefix, suffix);
        Files.writeString(file, text);
        return file;
    }

    /** A test class's end: its lab closed (when it came up), its temporary files deleted. */
    static void tearDown(final Lab lab, final Path... files) throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
        for (final Path p : files)
        {
            if (null != p)
            {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * The real server that answered each of {@code count} HTTP requests to {@code url} ({@code client.py requests}),
     * a new connection each from ports {@code firstPort}...; {@code "reset"} closes each by a RST. Fails the test when
     * a request fails.
     */
    static java.util.List<String> servers(final String url, final int count, final int firstPort, final String... how)
        throws Exception
    {
        final java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("/usr/bin/python3",
            LAB.resolve("client.py").toString(), "requests", url, Integer.toString(count), Integer.toString(firstPort)));
        command.addAll(java.util.List.of(how));
        final Result r = client(Duration.ofSeconds(120), command.toArray(String[]::new));
        org.junit.jupiter.api.Assertions.assertEquals(0, r.status(), r.out());
        final java.util.List<String> out = new java.util.ArrayList<>();
        r.out().lines().filter((l) -> l.matches("\\d+ \\d+ \\S+")).forEach((l) -> out.add(l.split(" ")[2]));
        org.junit.jupiter.api.Assertions.assertEquals(count, out.size(), r.out());
        return out;
    }

    /** Runs a command in the client namespace. */
    static Result client(final Duration timeout, final String... command) throws Exception
    {
        final List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", "jlvs-cli"));
        cmd.addAll(List.of(command));
        return run(timeout, cmd.toArray(String[]::new));
    }

    /** Runs a command in one of the lab's namespaces, e.g. "jlvs-nat1". */
    static Result in(final String namespace, final Duration timeout, final String... command) throws Exception
    {
        final List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        cmd.addAll(List.of(command));
        return run(timeout, cmd.toArray(String[]::new));
    }

    /** Runs client.py in the client namespace. */
    static Result clientPy(final Duration timeout, final String... args) throws Exception
    {
        final List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", LAB.resolve("client.py").toString()));
        cmd.addAll(List.of(args));
        return client(timeout, cmd.toArray(String[]::new));
    }

    private static final Pattern DEST_STATS = Pattern.compile(
        "^\\s+->\\s+(\\S+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s*$", Pattern.MULTILINE);

    /**
     * {@code ipvsadm -L -n --stats --exact -t|-u SERVICE}, parsed: real server -> {conns, inpkts, outpkts, inbytes,
     * outbytes}.
     */
    static Map<String, long[]> destStats(final String kind, final String service) throws Exception
    {
        final Result r = jlvs("ipvsadm", "-L", "-n", "--stats", "--exact", kind, service);
        if (r.status != 0)
        {
            throw new IllegalStateException("ipvsadm failed: " + r.out);
        }
        final Map<String, long[]> stats = new HashMap<>();
        final Matcher m = DEST_STATS.matcher(r.out);
        while (m.find())
        {
            stats.put(m.group(1), new long[] {Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6))});
        }
        return stats;
    }

    /** Waits for {@code done}, up to {@code timeoutMs}: how long it took, in milliseconds. */
    static long awaitMs(final java.util.function.BooleanSupplier done, final long timeoutMs, final String what)
        throws InterruptedException
    {
        final long start = System.nanoTime();
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - start > timeoutMs * 1_000_000)
            {
                throw new AssertionError(what + ": not within " + timeoutMs + " ms");
            }
            Thread.sleep(10);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** What {@code read} gives, for a poll of {@link #awaitMs}: {@code otherwise} while it cannot be read. */
    static <T> T quietly(final java.util.concurrent.Callable<T> read, final T otherwise)
    {
        try
        {
            return read.call();
        }
        catch (final Exception ex)
        {
            return otherwise;
        }
    }

    /**
     * Whether a director lists an established connection from one of the client's ephemeral ports (50000-60999: a
     * transfer's, not a request from a numbered port) to {@code vip} port 80: on a backup, that the sync carried it.
     */
    static boolean holdsTransfer(final String instance, final String vip)
    {
        final Pattern transfer = Pattern.compile("ESTABLISHED\\s+198\\.18\\.0\\.100:[56]\\d{4}\\s+" +
            Pattern.quote(vip) + ":80\\s");
        return transfer.matcher(quietly(() -> jlvsOf(instance, "ipvsadm", "-L", "-n", "-c").out(), "")).find();
    }

    /** {@code count} HTTP requests from the client to {@code vip}, one connection each: client.py's report. */
    static String requests(final String vip, final int count, final int firstPort) throws Exception
    {
        final Result r = client(Duration.ofSeconds(120), "/usr/bin/python3", LAB.resolve("client.py").toString(),
            "requests", "http://" + vip + "/", Integer.toString(count), Integer.toString(firstPort));
        if (0 != r.status())
        {
            throw new AssertionError("client.py requests " + vip + ": exit " + r.status() + "\n" + r.out());
        }
        return r.out();
    }

    /** The lines of one TCP service in the director's {@code ipvsadm -L -n}, from its own line to the next's. */
    static String service(final String vipPort) throws Exception
    {
        final String out = jlvs("ipvsadm", "-L", "-n").out();
        final int at = out.indexOf("TCP  " + vipPort + " ");
        if (at < 0)
        {
            return "";
        }
        final int next = out.indexOf("\nTCP  ", at + 1);
        return next < 0 ? out.substring(at) : out.substring(at, next);
    }

    /** Stops a lab real server's program (rs1..rs3): its checks fail from then on. */
    static void stopServer(final String server) throws Exception
    {
        final String pid = Files.readString(Path.of("/run/jlvs-lab/" + server + ".pid")).strip();
        run(Duration.ofSeconds(10), "kill", pid);
    }

    /** Starts a lab real server's program again (rs1..rs3), as lab.sh started it. */
    static void startServer(final String server) throws Exception
    {
        final Process p = new ProcessBuilder("ip", "netns", "exec", "jlvs-" + server, "setsid", "/usr/bin/python3",
            LAB.resolve("realserver.py").toString(), server, "80", "5300", "198.18.0.10", "2001:db8::10")
            .redirectErrorStream(true).redirectOutput(Path.of("/run/jlvs-lab/" + server + ".log").toFile()).start();
        Files.writeString(Path.of("/run/jlvs-lab/" + server + ".pid"), Long.toString(p.pid()));
    }

    /** Runs jlvs (the launcher) in the root namespace, as an operator would. */
    static Result jlvs(final String... args) throws Exception
    {
        return jlvsOf(INSTANCE, args);
    }

    /** Runs jlvs against the director of this instance ({@link #INSTANCE} or {@link #INSTANCE2}). */
    static Result jlvsOf(final String instance, final String... args) throws Exception
    {
        final List<String> cmd = new ArrayList<>(List.of(JLVS.toString()));
        cmd.addAll(List.of(args));
        return run(Duration.ofSeconds(60), Map.of("JLVS_INSTANCE", instance), cmd.toArray(String[]::new));
    }

    record Result(int status, String out)
    {
    }

    static Result run(final Duration timeout, final String... command) throws Exception
    {
        return run(timeout, Map.of(), command);
    }

    static Result run(final Duration timeout, final Map<String, String> env, final String... command)
        throws Exception
    {
        final ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().putAll(env);
        final Process p = pb.start();
        final byte[][] out = new byte[1][];
        final Thread reader = Thread.ofVirtual().start(() ->
        {
            try
            {
                out[0] = p.getInputStream().readAllBytes();
            }
            catch (final IOException ex)
            {
                out[0] = new byte[0];
            }
        });
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
        {
            p.destroyForcibly();
            reader.join(5000);
            throw new IllegalStateException("timed out after " + timeout + ": " + String.join(" ", command));
        }
        reader.join();
        return new Result(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
    }

    /** Stops the director as its service manager would (SIGTERM), so it closes its tables cleanly. */
    void stopDirector() throws Exception
    {
        if (null != director)
        {
            director.destroy();
            if (!director.waitFor(20, TimeUnit.SECONDS))
            {
                director.destroyForcibly();
                director.waitFor(5, TimeUnit.SECONDS);
            }
            director = null;
            requireCleanStop(directorLog);
        }
        if (null != directorLog)
        {
            Files.deleteIfExists(directorLog);
            directorLog = null;
        }
    }

    @Override
    public void close() throws Exception
    {
        for (final Process p : new Process[] {director, director2})
        {
            if (null != p)
            {
                p.destroy();
                if (!p.waitFor(20, TimeUnit.SECONDS))
                {
                    p.destroyForcibly();
                }
            }
        }
        if (null != director2Log)
        {
            Files.deleteIfExists(director2Log);
        }
        run(Duration.ofSeconds(60), "bash", LAB.resolve("lab.sh").toString(), "down");
        if (null != directorLog)
        {
            Files.deleteIfExists(directorLog);
        }
    }
}
