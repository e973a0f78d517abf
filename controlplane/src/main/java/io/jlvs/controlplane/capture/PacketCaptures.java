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
    private final AtomicReference<Slot> running = new AtomicReference<>();
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
        final Slot slot = new Slot();
        if (closed || !running.compareAndSet(null, slot))
        {
            refuse(channel, "jlvs capture: " + (closed ? "the director is stopping" :
                "a capture is already running on this director; one runs at a time") + "\n");
            return;
        }
        try
        {
            // the rings are made once the slot is ours: a refused request costs no memory
            slot.session = new CaptureSession(channel, options, new Capture(options.filter(), options.snapLength(),
                options.rate(), taps.size(), RING_BYTES), taps, interfaceNames, () -> running.compareAndSet(slot, null));
            slot.thread = new Thread(slot.session, "jlvs-capture");
            slot.thread.setDaemon(true);
            if (closed)
            {
                running.compareAndSet(slot, null);
                refuse(channel, "jlvs capture: the director is stopping\n");
                return;
            }
            slot.thread.start();
        }
        catch (final RuntimeException | OutOfMemoryError ex)
        {
            running.compareAndSet(slot, null);
            refuse(channel, "jlvs capture: cannot start: " + ex + "\n");
        }
    }

    /** The running capture: its session and thread, set once the slot is taken. */
    private static final class Slot
    {
        volatile CaptureSession session;
        volatile Thread thread;
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

    /** Ends a running capture, its client told as at its limit, waiting a little for it to write its end. */
    @Override
    public void close()
    {
        closed = true;
        final Slot slot = running.get();
        if (null == slot || null == slot.session)
        {
            return;
        }
        slot.session.stop();
        final Thread thread = slot.thread;
        if (null != thread)
        {
            try
            {
                thread.join(2000);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
