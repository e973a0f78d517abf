package io.jlvs.controlplane.sync;

import io.aeron.Aeron;
import io.aeron.AvailableImageHandler;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.SyncSettings;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Aeron under the sync daemon: an embedded media driver in {@link ThreadingMode#INVOKER} mode, so it runs on the
 * daemon's thread and adds none (the director's cores are its agents'), one publication and one subscription.
 * <ul>
 * <li>Unicast ({@code sync-peers}): the publication is a manual multi-destination one with a destination per peer,
 *     {@code fc=min} so the slowest peer paces it; the subscription listens on the local address.</li>
 * <li>Multicast: both on {@code sync-group:sync-port} via the sync interface's address, TTL 1 as the kernel's.</li>
 * </ul>
 * Every director both sends and listens: a master's connections go one way, a backup's catch-up requests the other.
 * Terms are 1 MiB ({@value #TERM_LENGTH} bytes; three per publication in the Aeron directory) rather than Aeron's
 * 16 MiB: a catch-up of a million connections is paced by flow control, not held.
 */
public final class SyncTransport implements AutoCloseable
{
    public static final int STREAM_ID = 8848;
    static final int TERM_LENGTH = 1 << 20;

    private final MediaDriver driver;
    private final Aeron aeron;
    private final ExclusivePublication publication;
    private final Subscription subscription;
    private final String description;

    /**
     * @param local the address sync uses here: the sync interface's.
     */
    public SyncTransport(final SyncSettings settings, final InetAddress local, final Path aeronDir,
        final AvailableImageHandler onPeerAppeared, final ErrorHandler errorHandler)
    {
        MediaDriver d = null;
        Aeron a = null;
        try
        {
            final MediaDriver.Context driverCtx = new MediaDriver.Context()
                .threadingMode(ThreadingMode.INVOKER)
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .termBufferSparseFile(true)
                .publicationTermBufferLength(TERM_LENGTH)
                .imageLivenessTimeoutNs(TimeUnit.SECONDS.toNanos(3))
                .publicationConnectionTimeoutNs(TimeUnit.SECONDS.toNanos(3))
                .errorHandler(errorHandler);
            driverCtx.aeronDirectoryName(aeronDir.toString());
            d = MediaDriver.launch(driverCtx);
            final Aeron.Context clientCtx = new Aeron.Context()
                .driverAgentInvoker(d.sharedAgentInvoker())
                .useConductorAgentInvoker(true)
                .errorHandler(errorHandler);
            clientCtx.aeronDirectoryName(d.aeronDirectoryName());
            a = Aeron.connect(clientCtx);
            final String self = InetLiterals.ntop(local);
            if (settings.isUnicast())
            {
                publication = a.addExclusivePublication(
                    "aeron:udp?control-mode=manual|fc=min|term-length=" + TERM_LENGTH, STREAM_ID);
                for (final InetAddress peer : settings.peers())
                {
                    publication.addDestination("aeron:udp?endpoint=" + endpoint(peer, settings.port()));
                }
                subscription = a.addSubscription("aeron:udp?endpoint=" + endpoint(local, settings.port()), STREAM_ID,
                    onPeerAppeared, null);
                description = "unicast " + endpoint(local, settings.port()) + " -> " + settings.peers().stream()
                    .map((p) -> endpoint(p, settings.port())).toList();
            }
            else
            {
                final String channel = "aeron:udp?endpoint=" + endpoint(settings.group(), settings.port()) +
                    "|interface=" + self + "|ttl=1";
                publication = a.addExclusivePublication(channel + "|fc=min|term-length=" + TERM_LENGTH, STREAM_ID);
                subscription = a.addSubscription(channel, STREAM_ID, onPeerAppeared, null);
                description = "multicast " + endpoint(settings.group(), settings.port()) + " via " + self;
            }
            driver = d;
            aeron = a;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(a, d);
            throw ex;
        }
    }

    private static String endpoint(final InetAddress a, final int port)
    {
        final String host = InetLiterals.ntop(a);
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * Runs the driver and the client conductor once: the daemon calls it every cycle. The client calls the driver's
     * invoker only while it awaits a reply, so both are invoked here.
     */
    public int invoke()
    {
        return driver.sharedAgentInvoker().invoke() + aeron.conductorAgentInvoker().invoke();
    }

    /** @return Aeron's result: the new position, or {@link io.aeron.Publication#BACK_PRESSURED} and the like */
    public long offer(final DirectBuffer buffer, final int offset, final int length)
    {
        return publication.offer(buffer, offset, length);
    }

    public boolean isConnected()
    {
        return publication.isConnected();
    }

    /** Whether Aeron closed under it (a driver or client timeout) or it was closed. */
    public boolean isClosed()
    {
        return aeron.isClosed() || publication.isClosed() || subscription.isClosed();
    }

    public Subscription subscription()
    {
        return subscription;
    }

    @Override
    public String toString()
    {
        return description;
    }

    @Override
    public void close()
    {
        CloseHelper.quietCloseAll(publication, subscription, aeron, driver);
    }
}
