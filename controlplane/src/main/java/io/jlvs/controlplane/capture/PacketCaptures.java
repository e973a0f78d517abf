package io.jlvs.controlplane.capture;

import io.jlvs.dataplane.capture.Capture;
import io.jlvs.dataplane.capture.CaptureTap;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The director's {@code jlvs capture}: one capture at a time over every agent's tap, each run by a
 * {@link CaptureSession} on a thread of its own so the admin socket goes on answering.
 */
public final class PacketCaptures implements AutoCloseable
{
    /** Each agent's ring: 4 MiB holds about 2,700 full-size frames, a quarter second at the default rate. */
    public static final int RING_BYTES = 4 * 1024 * 1024;

    private final List<CaptureTap> taps;
    private final List<String> interfaceNames;
    private final AtomicReference<CaptureSession> running = new AtomicReference<>();
    private volatile boolean closed;

    /** @param interfaceNames one per agent, as pcapng's if_name: the port and the agent's queue. */
    public PacketCaptures(final List<CaptureTap> taps, final List<String> interfaceNames)
    {
        this.taps = List.copyOf(taps);
        this.interfaceNames = List.copyOf(interfaceNames);
    }

    /** A capture request: takes {@code channel}, answering on it, and returns at once. */
    public void start(final SocketChannel channel, final List<String> args) throws IOException
    {
        final CaptureOptions options;
        try
        {
            options = CaptureOptions.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            refuse(channel, "jlvs capture: " + ex.getMessage() + "\n");
            return;
        }
        final Capture capture = new Capture(options.filter(), options.snapLength(), options.rate(), taps.size(),
            RING_BYTES);
        final CaptureSession[] self = new CaptureSession[1];
        final CaptureSession session = new CaptureSession(channel, options, capture, taps, interfaceNames,
            () -> running.compareAndSet(self[0], null));
        self[0] = session;
        if (closed || !running.compareAndSet(null, session))
        {
            refuse(channel, "jlvs capture: " + (closed ? "the director is stopping" :
                "a capture is already running on this director; one runs at a time") + "\n");
            return;
        }
        final Thread thread = new Thread(session, "jlvs-capture");
        thread.setDaemon(true);
        thread.start();
    }

    private static void refuse(final SocketChannel channel, final String message) throws IOException
    {
        try (channel)
        {
            final var reply = CaptureStream.result(1, "", message);
            while (reply.hasRemaining())
            {
                channel.write(reply);
            }
        }
    }

    /** Ends a running capture, its client told as at its limit. */
    @Override
    public void close()
    {
        closed = true;
        final CaptureSession session = running.get();
        if (null != session)
        {
            session.stop();
        }
    }
}
