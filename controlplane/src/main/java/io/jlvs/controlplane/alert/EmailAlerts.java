package io.jlvs.controlplane.alert;

import io.jlvs.controlplane.config.EmailAlert;
import io.jlvs.controlplane.config.VirtualService;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * ldirectord's e-mail alerts ({@code ld_emailalert_send}, {@code ld_emailalert_resend}): each real server change
 * is mailed to the virtual service's {@code emailalert} when the director's state ({@code emailalertstatus}) allows,
 * through its {@code smtp} server with Jakarta Mail (Eclipse Angus), or the local sendmail without one. A real server
 * left inaccessible is reported again every {@code emailalertfreq} seconds ("Inaccessible real server: ...") until it
 * is back. Mail goes out on its own thread: a slow or failing mail server delays nothing, and is logged.
 */
public final class EmailAlerts
{
    private static final Logger LOG = LoggerFactory.getLogger(EmailAlerts.class);
    private static final int SMTP_TIMEOUT_MS = 30_000;
    private static final Path SENDMAIL = Path.of("/usr/sbin/sendmail");

    /** ldirectord's %EMAILSTATUS: the inaccessible real servers to remind of, by alert id. */
    private record Reminder(VirtualService service, long lastMs)
    {
    }

    private final Map<String, Reminder> reminders = new ConcurrentHashMap<>();
    private final java.util.concurrent.Phaser sending = new java.util.concurrent.Phaser(1);
    private final IntSupplier daemonStatus;
    private final DirectorLog log;
    private final String host;

    /** @param daemonStatus the director's state now, one of EmailAlert's STARTING, RUNNING, STOPPING, RELOADING */
    public EmailAlerts(final IntSupplier daemonStatus, final DirectorLog log, final String host)
    {
        this.daemonStatus = daemonStatus;
        this.log = log;
        this.host = host;
    }

    /** A change: remembered for reminders (or forgotten), then mailed if the settings and the state allow. */
    public void onChange(final TableChanges.Change change, final long nowMs)
    {
        final EmailAlert settings = change.service().emailAlert();
        if (change.inaccessible() && settings.freqSec() > 0)
        {
            reminders.put(change.id(), new Reminder(change.service(), nowMs));
        }
        else
        {
            reminders.remove(change.id());
        }
        send(settings, change.message());
    }

    /** ldirectord's reminders: called every second or so. */
    public void remind(final long nowMs)
    {
        for (final Iterator<Map.Entry<String, Reminder>> it = reminders.entrySet().iterator(); it.hasNext(); )
        {
            final Map.Entry<String, Reminder> e = it.next();
            final EmailAlert settings = e.getValue().service().emailAlert();
            if (settings.freqSec() <= 0)
            {
                it.remove();
                continue;
            }
            if (nowMs - e.getValue().lastMs() >= settings.freqSec() * 1000L)
            {
                e.setValue(new Reminder(e.getValue().service(), nowMs));
                send(settings, "Inaccessible real server: " + e.getKey());
            }
        }
    }

    /** On stop: the alerts of the last changes go out before the director exits (at most {@code timeout}). */
    public void awaitSent(final java.time.Duration timeout)
    {
        try
        {
            sending.awaitAdvanceInterruptibly(sending.arrive(), timeout.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            LOG.warn("e-mail alerts still being sent at stop after {}", timeout);
        }
    }

    /** Forgets reminders of services no longer configured (after a reload). */
    public void retain(final java.util.Collection<VirtualService> services)
    {
        final java.util.Set<VirtualService> now = java.util.Set.copyOf(services);
        reminders.values().removeIf((r) -> !now.contains(r.service()));
    }

    private void send(final EmailAlert settings, final String subject)
    {
        final int status = daemonStatus.getAsInt();
        if (!settings.enabled() || (settings.status() & status) == 0)
        {
            return;
        }
        log.log("emailalert: " + subject);
        final String body = "ldirectord host: " + host + "\n" + "Log-Message: " + subject + "\n" +
            "Daemon-Status: " + EmailAlert.statusName(status) + "\n";
        sending.register();
        Thread.ofVirtual().name("emailalert").start(() ->
        {
            try
            {
                deliver(settings, subject, body);
            }
            finally
            {
                sending.arriveAndDeregister();
            }
        });
    }

    private void deliver(final EmailAlert settings, final String subject, final String body)
    {
        final String sender = System.getProperty("user.name", "root") + "@" + host;
        try
        {
            if (settings.smtp().isPresent())
            {
                smtp(settings, sender, subject, body);
            }
            else
            {
                sendmail(settings, sender, subject, body);
            }
        }
        catch (final MessagingException | IOException ex)
        {
            log.log("failed to send " + (settings.smtp().isPresent() ? "SMTP " : "") + "email message: " +
                ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void smtp(final EmailAlert settings, final String sender, final String subject, final String body)
        throws MessagingException
    {
        final String server = settings.smtp().orElseThrow();
        final int colon = server.lastIndexOf(':');
        final boolean hasPort = colon > 0 && server.indexOf(':') == colon && !server.endsWith("]");
        final Properties props = new Properties();
        props.put("mail.smtp.host", hasPort ? server.substring(0, colon) : server.replaceAll("^\\[|\\]$", ""));
        props.put("mail.smtp.port", hasPort ? server.substring(colon + 1) : "25");
        props.put("mail.smtp.connectiontimeout", Integer.toString(SMTP_TIMEOUT_MS));
        props.put("mail.smtp.timeout", Integer.toString(SMTP_TIMEOUT_MS));
        props.put("mail.smtp.from", sender);
        props.put("mail.smtp.localhost", host);
        final MimeMessage m = new MimeMessage(Session.getInstance(props));
        m.setFrom(new InternetAddress(settings.from().orElse(sender)));
        m.setRecipients(Message.RecipientType.TO, InternetAddress.parse(settings.to()));
        m.setSubject(subject, "UTF-8");
        m.setText(body, "UTF-8");
        Transport.send(m);
    }

    private static void sendmail(final EmailAlert settings, final String sender, final String subject,
        final String body) throws IOException, InterruptedException
    {
        if (!Files.isExecutable(SENDMAIL))
        {
            throw new IOException("no smtp server set and no " + SENDMAIL);
        }
        final Process p = new ProcessBuilder(SENDMAIL.toString(), "-t", "-oi").redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        final String message = "From: " + settings.from().orElse(sender) + "\nTo: " + settings.to() + "\nSubject: " +
            subject + "\n\n" + body;
        p.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
        {
            p.destroyForcibly();
            throw new IOException(SENDMAIL + " did not finish in 60 s");
        }
        if (p.exitValue() != 0)
        {
            throw new IOException(SENDMAIL + " exited " + p.exitValue());
        }
    }
}
