package io.jlvs.controlplane.capture;

import io.jlvs.controlplane.AdminProtocol;
import io.jlvs.controlplane.admin.IpvsadmResult;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The client end of {@code jlvs capture}: sends the request, copies the pcapng it is sent to the output, and on
 * Ctrl-C asks the director to end the capture (one byte) and waits for the file's last blocks and the counts, as
 * tcpdump finishes its file when interrupted.
 */
public final class CaptureClient
{
    private CaptureClient()
    {
    }

    /** Where the pcapng goes, opened only once the director has taken the capture (as tcpdump opens its file). */
    @FunctionalInterface
    public interface Output
    {
        OutputStream open() throws IOException;
    }

    /** Returns the exit status: 0, or 1 when the director refuses or cannot be reached or the output fails. */
    public static int run(final Path socket, final List<String> request, final Output output,
        final PrintStream err) throws InterruptedException
    {
        final CountDownLatch done = new CountDownLatch(1);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
        {
            AdminProtocol.writeRequest(Channels.newOutputStream(ch), request);
            final Thread interrupt = new Thread(() ->
            {
                try
                {
                    ch.write(ByteBuffer.wrap(new byte[] {1})); // stop: the director ends the file and says its counts
                    done.await(5, TimeUnit.SECONDS);
                }
                catch (final IOException | InterruptedException ex)
                {
                    // the capture has ended already
                }
            }, "jlvs-capture-stop");
            Runtime.getRuntime().addShutdownHook(interrupt);
            try
            {
                final DataInputStream in = CaptureStream.of(Channels.newInputStream(ch));
                final IpvsadmResult started = CaptureStream.readResult(in);
                err.print(started.err());
                err.flush();
                if (started.exitStatus() != 0)
                {
                    return started.exitStatus();
                }
                try (OutputStream pcapng = output.open())
                {
                    CaptureStream.copyChunks(in, pcapng);
                }
                final IpvsadmResult ended = CaptureStream.readResult(in);
                err.print(ended.err());
                err.flush();
                return ended.exitStatus();
            }
            finally
            {
                done.countDown();
                try
                {
                    Runtime.getRuntime().removeShutdownHook(interrupt);
                }
                catch (final IllegalStateException ex)
                {
                    // shutting down: the hook is running
                }
            }
        }
        catch (final IOException ex)
        {
            err.println("jlvs capture: " + ex.getMessage());
            return 1;
        }
    }
}
