package io.jlvs.controlplane.alert;

import io.jlvs.controlplane.config.GlobalSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * ldirectord's own log ({@code ld_log}): the lines an operator of ldirectord greps for ("Quiescent real server: ...",
 * "Restored real server: ..."), where ldirectord writes them. {@code logfile} with a leading "/" is a file, appended
 * to line by line as {@code [Thu Sep  4 10:00:00 2025|ldirectord.cf|1234] message}; any other value is a syslog
 * facility (sent with {@code logger}, tag ldirectord, priority info). With {@code supervised = yes} the line also goes
 * to standard output as {@code [Thu Sep  4 10:00:00 2025] message}. Every line goes to the director's own log too,
 * and only there when {@code logfile} is empty (a director configured by keepalived.conf).
 * Rare events only (real server changes, reloads, start and stop): nothing here is on a packet's path.
 */
public final class DirectorLog
{
    private static final Logger LOG = LoggerFactory.getLogger("ldirectord");
    /** Perl's scalar localtime(): "Thu Sep  4 10:00:00 2025". */
    private static final DateTimeFormatter LOCALTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
        Locale.ROOT);

    private final String configName;
    private final long pid = ProcessHandle.current().pid();
    private volatile GlobalSettings global;

    public DirectorLog(final Path configFile, final GlobalSettings global)
    {
        this.configName = null == configFile.getFileName() ? "ldirectord" : configFile.getFileName().toString();
        this.global = global;
    }

    /** A reload may change logfile and supervised. */
    public void settings(final GlobalSettings global)
    {
        this.global = global;
    }

    public synchronized void log(final String message)
    {
        LOG.info(message);
        final GlobalSettings g = global;
        final String now = LOCALTIME.format(LocalDateTime.now());
        if (g.supervised())
        {
            System.out.println("[" + now + "] " + message);
        }
        final String target = g.logfile();
        if (target.isEmpty())
        {
            return; // a director configured by keepalived.conf: its own log only, as keepalived logs to its journal
        }
        if (target.startsWith("/"))
        {
            try
            {
                Files.writeString(Path.of(target), "[" + now + "|" + configName + "|" + pid + "] " + message + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
            }
            catch (final IOException ex)
            {
                System.err.println(message); // as ldirectord: a line it cannot write goes to standard error
            }
        }
        else
        {
            syslog(target, message);
        }
    }

    private static void syslog(final String facility, final String message)
    {
        try
        {
            final Process p = new ProcessBuilder(List.of("logger", "-t", "ldirectord", "-i", "-p",
                facility + ".info", "--", message)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS))
            {
                p.destroyForcibly();
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("syslog ({}): {}", facility, ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
