package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.IpvsadmResult;
import io.jlvs.controlplane.capture.PacketCaptures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * The admin channel: a Unix domain socket only root (the owner) may use, through which {@code jlvs ipvsadm}
 * and {@code jlvs reload} talk to the running director. One request per connection; see
 * {@link AdminProtocol} for the framing.
 */
public final class AdminServer implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    private final Path path;
    private final AdminCommands commands;
    private final PacketCaptures captures;
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile boolean running = true;

    public AdminServer(final Path path, final AdminCommands commands, final PacketCaptures captures)
    {
        this.path = path;
        this.commands = commands;
        this.captures = captures;
        try
        {
            Files.createDirectories(path.getParent());
            Files.setPosixFilePermissions(path.getParent(), PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot open the admin socket " + path + ": " + ex.getMessage(), ex);
        }
        thread = new Thread(this::serve, "jlvs-admin");
        thread.setDaemon(true);
    }

    public void start()
    {
        thread.start();
    }

    private void serve()
    {
        while (running)
        {
            SocketChannel ch = null;
            try
            {
                ch = server.accept();
                final List<String> request = AdminProtocol.readRequest(Channels.newInputStream(ch));
                if (!request.isEmpty() && request.get(0).equals("capture") && null != captures)
                {
                    final SocketChannel taken = ch;
                    ch = null; // the capture's thread has it now, or start closed it
                    captures.start(taken, request.subList(1, request.size()));
                    continue;
                }
                IpvsadmResult result;
                try
                {
                    result = commands.execute(request);
                }
                catch (final RuntimeException ex)
                {
                    LOG.error("admin request {} failed", request, ex);
                    result = IpvsadmResult.error(1, "jlvs: " + ex + "\n");
                }
                AdminProtocol.writeResult(Channels.newOutputStream(ch), result);
            }
            catch (final IOException ex)
            {
                if (running)
                {
                    LOG.warn("admin connection: {}", ex.getMessage());
                }
            }
            catch (final RuntimeException ex)
            {
                LOG.error("admin connection", ex); // the socket goes on answering
            }
            finally
            {
                closeQuietly(ch);
            }
        }
    }

    private static void closeQuietly(final SocketChannel ch)
    {
        if (null != ch)
        {
            try
            {
                ch.close();
            }
            catch (final IOException ex)
            {
                LOG.debug("closing an admin connection: {}", ex.getMessage());
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        if (null != captures)
        {
            captures.close();
        }
        commands.close();
        try
        {
            server.close();
            Files.deleteIfExists(path);
        }
        catch (final IOException ex)
        {
            LOG.warn("closing admin socket: {}", ex.getMessage());
        }
    }

    /** Sends one request to a director's admin socket and returns its answer. */
    public static IpvsadmResult call(final Path path, final List<String> request) throws IOException
    {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(path)))
        {
            AdminProtocol.writeRequest(Channels.newOutputStream(ch), request);
            ch.shutdownOutput();
            return AdminProtocol.readResult(Channels.newInputStream(ch));
        }
    }

}
