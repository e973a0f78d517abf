package io.jlvs.perf;

import io.jlvs.controlplane.capture.PacketCaptures;
import io.jlvs.controlplane.capture.PcapngWriter;
import io.jlvs.dataplane.ForwardingAgent;
import io.jlvs.dataplane.capture.Capture;
import io.jlvs.dataplane.capture.CaptureFilter;
import org.agrona.concurrent.MessageHandler;

import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code BenchDirector --capture PPS}: what a running {@code jlvs capture} costs the forwarding agent. With no filter
 * every frame passes; the agents copy them within the rate, and a thread drains the rings into pcapng blocks as the
 * director's capture session does, dropping the bytes where the session would write them to the client.
 */
final class BenchCapture
{
    private final ForwardingAgent[] agents;
    private final Capture capture;
    private final PcapngWriter writer = new PcapngWriter(256 * 1024);
    private final Thread thread;
    private volatile boolean running = true;
    private long written;

    private BenchCapture(final ForwardingAgent[] agents, final long rate, final CaptureFilter filter)
    {
        this.agents = agents;
        this.capture = new Capture(filter, 262144, rate, agents.length, PacketCaptures.RING_BYTES);
        this.thread = new Thread(this::drain, "bench-capture");
        this.thread.setDaemon(true);
    }

    static BenchCapture start(final ForwardingAgent[] agents, final long rate, final CaptureFilter filter)
    {
        final BenchCapture c = new BenchCapture(agents, rate, filter);
        for (final ForwardingAgent a : agents)
        {
            a.captureTap().attach(c.capture);
        }
        c.thread.start();
        return c;
    }

    private void drain()
    {
        final MessageHandler[] handlers = new MessageHandler[agents.length];
        for (int i = 0; i < handlers.length; i++)
        {
            final int agent = i;
            handlers[i] = (type, buffer, index, length) ->
            {
                final int copied = length - Capture.HEADER_LENGTH;
                if (!writer.hasRoomForPacket(copied))
                {
                    writer.reset();
                }
                writer.enhancedPacket(agent, buffer.getLong(index + Capture.TIMESTAMP_OFFSET),
                    buffer.getInt(index + Capture.WIRE_LENGTH_OFFSET), capture.ringMemory(agent),
                    index + Capture.HEADER_LENGTH, copied, type);
                written++;
            };
        }
        while (running)
        {
            int n = 0;
            for (int i = 0; i < handlers.length; i++)
            {
                n += capture.ring(i).read(handlers[i], 256);
            }
            if (0 == n)
            {
                writer.reset();
                LockSupport.parkNanos(1_000_000);
            }
        }
    }

    /** Detaches, and returns the RESULT fields: frames written, over the rate, with the ring full. */
    String stop() throws InterruptedException
    {
        for (final ForwardingAgent a : agents)
        {
            a.captureTap().detach(capture);
        }
        running = false;
        thread.join();
        return String.format(Locale.ROOT, " capture_rate=%d capture_matched=%d capture_written=%d capture_over_rate=%d " +
            "capture_ring_full=%d", capture.perAgentRate() * agents.length, capture.total(Capture.MATCHED), written,
            capture.total(Capture.OVER_RATE),
            capture.total(Capture.RING_FULL));
    }
}
