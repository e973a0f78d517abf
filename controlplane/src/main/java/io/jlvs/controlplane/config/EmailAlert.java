package io.jlvs.controlplane.config;

import java.util.Objects;
import java.util.Optional;

/**
 * ldirectord's e-mail alerts of one virtual service, its own settings over the global ones: where to
 * ({@code emailalert}, empty: none), from whom ({@code emailalertfrom}, global only), how often an inaccessible real
 * server is reported again ({@code emailalertfreq}, seconds, 0: never), in which of the daemon's states
 * ({@code emailalertstatus}), and through which SMTP server ({@code smtp}; without one, the local sendmail).
 *
 * @param to     the recipients as written, "" for none
 * @param from   the From header, else {@code user@host}
 * @param freqSec seconds between reminders, 0 for none
 * @param status a mask of {@link #STARTING}, {@link #RUNNING}, {@link #STOPPING}, {@link #RELOADING}
 * @param smtp   the SMTP server ({@code host} or {@code host:port})
 */
public record EmailAlert(String to, Optional<String> from, int freqSec, int status, Optional<String> smtp)
{
    public static final int STARTING = 1;
    public static final int RUNNING = 2;
    public static final int STOPPING = 4;
    public static final int RELOADING = 8;
    /** ldirectord's default emailalertstatus, "all". */
    public static final int ALL = STARTING | RUNNING | STOPPING | RELOADING;

    public static final EmailAlert NONE = new EmailAlert("", Optional.empty(), 0, ALL, Optional.empty());

    public EmailAlert
    {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(smtp, "smtp");
    }

    public boolean enabled()
    {
        return !to.isEmpty();
    }

    /**
     * ldirectord's {@code emailalertstatus}: "all", "none", or a comma list of starting, running, stopping,
     * reloading; "none" with others is an error.
     *
     * @return the mask, or -1 when the value is not one of those
     */
    public static int parseStatus(final String value)
    {
        final String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.equals("all"))
        {
            return ALL;
        }
        if (v.equals("none"))
        {
            return 0;
        }
        int mask = 0;
        for (final String word : v.split("\\s*,\\s*"))
        {
            switch (word)
            {
                case "starting" -> mask |= STARTING;
                case "running" -> mask |= RUNNING;
                case "stopping" -> mask |= STOPPING;
                case "reloading" -> mask |= RELOADING;
                default ->
                {
                    return -1;
                }
            }
        }
        return mask;
    }

    /** ldirectord's daemon state names, for the alert's body. */
    public static String statusName(final int status)
    {
        return switch (status)
        {
            case STARTING -> "starting";
            case RUNNING -> "running";
            case STOPPING -> "stopping";
            case RELOADING -> "reloading";
            default -> "unknown";
        };
    }
}
