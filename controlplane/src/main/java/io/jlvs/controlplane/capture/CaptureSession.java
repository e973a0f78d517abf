package io.jlvs.controlplane.capture;

import io.jlvs.dataplane.capture.Capture;
import io.jlvs.dataplane.capture.CaptureTap;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.MessageHandler;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * One {@code jlvs capture}, run on a thread of its own: attaches the capture to every agent's tap, drains their
 * rings into pcapng blocks and streams them to the client in chunks ({@link CaptureStream}), until the count or the
 * time is reached, the client asks it to stop (a byte) or goes away, or the director stops. The client's socket is
 * non-blocking: a client that does not read holds up only this thread, whose rings then fill and drop.
 */
final class CaptureSession implements Runnable
{
    static final int CHUNK = 256 * 1024;
    private static final int FRAMES_PER_READ = 256;
    private static final long IDLE_NS = 1_000_000;
    private static final long PROBE_INTERVAL_NS = 20_000_000;
    /** A client that takes nothing for this long is given up, as one gone. */
    private static final long GIVE_UP_NS = 10_000_000_000L;
    private static final Logger LOG = LoggerFactory.getLogger(CaptureSession.class);

    private final SocketChannel channel;
    private final CaptureOptions options;
    private final Capture capture;
    private final List<CaptureTap> taps;
    private final List<String> interfaceNames;
    private final Runnable onEnd;
    private final PcapngWriter writer = new PcapngWriter(CHUNK);
    private final ByteBuffer header = ByteBuffer.allocate(4);
    private final ByteBuffer probe = ByteBuffer.allocate(1);
    private final MessageHandler[] handlers;
    private volatile boolean stopping;
    private volatile long abandonAtNs = Long.MAX_VALUE;
    private long written;
    private boolean clientGone;

    CaptureSession(final SocketChannel channel, final CaptureOptions options, final Capture capture,
        final List<CaptureTap> taps, final List<String> interfaceNames, final Runnable onEnd)
    {
        this.channel = channel;
        this.options = options;
        this.capture = capture;
        this.taps = taps;
        this.interfaceNames = interfaceNames;
        this.onEnd = onEnd;
        this.handlers = new MessageHandler[taps.size()];
        for (int i = 0; i < handlers.length; i++)
        {
            final int agent = i;
            handlers[i] = (type, buffer, index, length) -> onFrame(agent, type, buffer.getLong(index + Capture.TIMESTAMP_OFFSET),
                buffer.getInt(index + Capture.WIRE_LENGTH_OFFSET), index, length);
        }
    }

    /** Ends the capture as if its limit were reached (the director is stopping). */
    void stop()
    {
        abandonAtNs = System.nanoTime() + 1_000_000_000L; // a client that does not read is not waited for long
        stopping = true;
    }

    @Override
    public void run()
    {
        try
        {
            capture();
        }
        catch (final RuntimeException | Error ex)
        {
            LOG.error("jlvs capture failed", ex);
        }
        finally
        {
            for (final CaptureTap tap : taps)
            {
                tap.detach(capture);
            }
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("closing the capture's socket: {}", ex.getMessage());
            }
            onEnd.run(); // whatever happened, the next capture may run
        }
    }

    private void capture()
    {
        final long startNs = System.nanoTime();
        final long deadlineNs = options.seconds() > 0 ? startNs + options.seconds() * 1_000_000_000L : Long.MAX_VALUE;
        if (deadlineNs != Long.MAX_VALUE)
        {
            abandonAtNs = deadlineNs + GIVE_UP_NS; // past its time, a client that does not read is given up
        }
        try
        {
            channel.configureBlocking(false);
            for (final CaptureTap tap : taps)
            {
                tap.attach(capture); // before the banner: once the client reads "listening", frames are kept
            }
            send(CaptureStream.result(0, "", "jlvs capture: listening on " + String.join(", ", interfaceNames) +
                ", link-type EN10MB (Ethernet), snapshot length " + options.snapLength() + " bytes" +
                (capture.filter().toString().isEmpty() ? "" : ", filter '" + capture.filter() + "'") + "\n"));
            writer.sectionHeader("jlvs capture");
            for (int i = 0; i < interfaceNames.size(); i++)
            {
                writer.interfaceDescription(interfaceNames.get(i), "jlvs forwarding agent fwd-" + i, options.snapLength());
            }
            long nextProbeNs = 0;
            while (!stopping && !limitReached() && System.nanoTime() < deadlineNs)
            {
                int frames = 0;
                for (int i = 0; i < handlers.length && !limitReached(); i++)
                {
                    frames += capture.ring(i).read(handlers[i], FRAMES_PER_READ);
                }
                final long now = System.nanoTime();
                if (now >= nextProbeNs) // also under steady traffic: Ctrl-C and a client gone are seen at once
                {
                    nextProbeNs = now + PROBE_INTERVAL_NS;
                    probeClient();
                }
                if (0 == frames)
                {
                    flushChunk();
                    LockSupport.parkNanos(IDLE_NS);
                }
            }
            for (final CaptureTap tap : taps)
            {
                tap.detach(capture);
            }
            awaitAgentsLetGo();
            if (!clientGone)
            {
                drainRemaining(); // what the agents copied before they let go is the capture's too
                finish(startNs);
            }
        }
        catch (final IOException ex)
        {
            clientGone = true; // the client left (or stopped reading): there is nobody to tell
        }
    }

    /** Waits until no agent is in a burst that took the capture before it was detached, so its counts are final. */
    private void awaitAgentsLetGo()
    {
        final long giveUpNs = System.nanoTime() + 100_000_000L;
        for (final CaptureTap tap : taps)
        {
            while (tap.isCopyingInto(capture) && System.nanoTime() < giveUpNs)
            {
                Thread.onSpinWait();
            }
        }
    }

    private boolean limitReached()
    {
        return options.count() > 0 && written >= options.count();
    }

    private void onFrame(final int agent, final int direction, final long timestampNs, final int wireLength,
        final int index, final int length)
    {
        if (limitReached())
        {
            return;
        }
        final int copied = length - Capture.HEADER_LENGTH;
        if (!writer.hasRoomForPacket(copied))
        {
            try
            {
                flushChunk();
            }
            catch (final IOException ex)
            {
                stopping = true;
                clientGone = true;
                return;
            }
        }
        writer.enhancedPacket(agent, timestampNs, wireLength, capture.ringMemory(agent),
            index + Capture.HEADER_LENGTH, copied, direction);
        written++;
    }

    private void drainRemaining()
    {
        for (int i = 0; i < handlers.length; i++)
        {
            final OneToOneRingBuffer ring = capture.ring(i);
            while (!limitReached() && !clientGone && ring.consumerPosition() != ring.producerPosition())
            {
                ring.read(handlers[i], FRAMES_PER_READ); // may read only the padding where the ring wraps
            }
        }
    }

    /** The client stops a capture with one byte (its Ctrl-C), or by closing the socket. */
    private void probeClient() throws IOException
    {
        probe.clear();
        final int n = channel.read(probe);
        if (n < 0)
        {
            throw new IOException("the client closed the capture");
        }
        if (n > 0)
        {
            stopping = true;
        }
    }

    private void finish(final long startNs) throws IOException
    {
        flushChunk(); // the last frames may have filled the buffer: the statistics blocks get room of their own
        final long offset = capture.epochOffsetNs();
        final long endNs = System.nanoTime();
        for (int i = 0; i < handlers.length; i++)
        {
            writer.interfaceStatistics(i, startNs + offset, endNs + offset, capture.counter(i, Capture.MATCHED),
                capture.counter(i, Capture.OVER_RATE) + capture.counter(i, Capture.RING_FULL),
                "over the rate bound: " + capture.counter(i, Capture.OVER_RATE) + ", ring full: " +
                capture.counter(i, Capture.RING_FULL));
        }
        flushChunk();
        header.clear();
        header.putInt(0).flip();
        send(header);
        send(CaptureStream.result(0, "", summary()));
    }

    String summary()
    {
        return String.format(Locale.ROOT, "%d packets captured%n%d packets received by filter%n" +
            "%d packets dropped by the rate bound (%d per second)%n%d packets dropped with the capture ring full%n",
            written, capture.total(Capture.MATCHED), capture.total(Capture.OVER_RATE), options.rate(),
            capture.total(Capture.RING_FULL));
    }

    private void flushChunk() throws IOException
    {
        if (writer.length() == 0)
        {
            return;
        }
        header.clear();
        header.putInt(writer.length()).flip();
        send(header);
        send(ByteBuffer.wrap(writer.bytes(), 0, writer.length()));
        writer.reset();
    }

    /** Writes all of {@code buffer} to the non-blocking socket, waiting while the client is slow. */
    private void send(final ByteBuffer buffer) throws IOException
    {
        long stalledSinceNs = 0;
        while (buffer.hasRemaining())
        {
            if (0 == channel.write(buffer))
            {
                final long now = System.nanoTime();
                stalledSinceNs = 0 == stalledSinceNs ? now : stalledSinceNs;
                if (now > abandonAtNs || now - stalledSinceNs > GIVE_UP_NS)
                {
                    throw new IOException("the client does not read");
                }
                LockSupport.parkNanos(IDLE_NS);
            }
            else
            {
                stalledSinceNs = 0;
            }
        }
    }
}
