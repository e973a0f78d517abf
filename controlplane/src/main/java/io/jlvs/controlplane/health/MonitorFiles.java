package io.jlvs.controlplane.health;

import io.jlvs.controlplane.config.HealthCheck;
import io.jlvs.controlplane.config.RealServer;
import io.jlvs.controlplane.config.VirtualService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * ldirectord's {@code monitorfile}: one line per check result for each virtual service that names one,
 * {@code [Thu Sep  4 10:00:00 2025] [pid] negotiate http tcp 10.0.0.2 80 1 gate /health ok [up] ok}: the time, the
 * pid, ldirectord's real server id (check, protocol, address, port, virtualhost, checkport, weight, forwarding,
 * request, receive, with empty fields left out) and the state with its message, in which {@code %}, {@code |}, CR
 * and LF are escaped as ldirectord escapes them.
 */
final class MonitorFiles
{
    private static final Logger LOG = LoggerFactory.getLogger(MonitorFiles.class);
    private static final DateTimeFormatter LOCALTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy",
        Locale.ROOT);

    private final long pid = ProcessHandle.current().pid();

    void write(final List<HealthMonitor.Use> uses, final boolean up, final String message)
    {
        for (final HealthMonitor.Use use : uses)
        {
            use.service().monitorFile().ifPresent((file) ->
            {
                final String line = "[" + LOCALTIME.format(LocalDateTime.now()) + "] [" + pid + "] " +
                    realId(use.service(), use.real()) + " [" + (up ? "up" : "down") + "] " + escape(message) + "\n";
                synchronized (this)
                {
                    try
                    {
                        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                    }
                    catch (final IOException ex)
                    {
                        LOG.warn("monitorfile {}: {}", file, ex.getMessage());
                    }
                }
            });
        }
    }

    /** ldirectord's get_real_id_str, its ':' runs made one space and its backslashes taken out. */
    static String realId(final VirtualService vs, final RealServer rs)
    {
        final HealthCheck hc = vs.check();
        final String check = switch (hc.type())
        {
            case NEGOTIATE, COMBINED -> hc.type().ldirectordName() + ":" + hc.service();
            default -> hc.type().ldirectordName();
        };
        final String id = String.join(":", check, vs.protocol().ldirectordName(), Protocols.host(rs.address()),
            Integer.toString(rs.port()), hc.virtualHost().orElse(""),
            hc.checkPort().isPresent() ? Integer.toString(hc.checkPort().getAsInt()) : "",
            Integer.toString(rs.weight()), rs.forwarding().ldirectordName(), rs.request().orElse(hc.request()),
            rs.receive().orElse(hc.receive()));
        return id.replaceAll(":+", " ").replace("\\", "").strip();
    }

    static String escape(final String message)
    {
        return (null == message || message.isEmpty() ? "-" : message).replace("%", "%25").replace("|", "%7c")
            .replace("\r", "%0d").replace("\n", "%0a");
    }
}
