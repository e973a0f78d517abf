package io.jlvs.controlplane.capture;

import io.jlvs.controlplane.AdminProtocol;
import io.jlvs.controlplane.admin.IpvsadmResult;
import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.capture.CaptureTap;
import io.jlvs.dataplane.port.InMemoryPort;
import org.agrona.concurrent.SystemNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A capture end to end within one JVM: the client over a real Unix socket, the session's thread, two taps fed as
 * agents feed them, and the pcapng read back block by block.
 */
class PacketCapturesTest
{
    @TempDir
    Path dir;

    private final InMemoryPort port = new InMemoryPort("test", 0x5254_0000_0001L, 512);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handles = arena.allocate(ValueLayout.JAVA_LONG, 64);
    private final List<CaptureTap> taps = List.of(new CaptureTap(0, SystemNanoClock.INSTANCE),
        new CaptureTap(1, SystemNanoClock.INSTANCE));
    private final PacketCaptures captures = new PacketCaptures(taps, List.of("test:0", "test:1"));
    /** Threads of the test's own: the common pool has one thread on a two-core machine. */
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private ServerSocketChannel server;
    private Path socket;

    @BeforeEach
    void setUp() throws IOException
    {
        socket = dir.resolve("admin.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
    }

    @AfterEach
    void tearDown() throws IOException
    {
        captures.close();
        threads.shutdownNow();
        server.close();
        arena.close();
        port.close();
    }

    /** Accepts one admin connection and hands its capture request over, as the AdminServer does. */
    private CompletableFuture<Void> serveOne()
    {
        return CompletableFuture.runAsync(() ->
        {
            try
            {
                final SocketChannel ch = server.accept();
                final List<String> request = AdminProtocol.readRequest(Channels.newInputStream(ch));
                assertEquals("capture", request.get(0));
                captures.start(ch, request.subList(1, request.size()));
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
        }, threads);
    }

    /** One agent's received burst: a TCP frame to each port given, from 192.0.2.1. */
    private void receive(final int agent, final int... dports)
    {
        for (final int dport : dports)
        {
            final ByteBuffer b = ByteBuffer.allocate(64);
            b.position(12);
            b.putShort((short)0x0800).put((byte)0x45).put((byte)0).putShort((short)40).putInt(0);
            b.put((byte)64).put((byte)6).putShort((short)0).putInt(0xC0000201).putInt(0xC612000A);
            b.putShort((short)40000).putShort((short)dport);
            port.inject(b.array());
        }
        final int n = port.rxBurst(handles, 64);
        final Packet[] burst = new Packet[n];
        for (int i = 0; i < n; i++)
        {
            burst[i] = new Packet().wrap(port, handles.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
        taps.get(agent).inbound(burst, n);
        port.freeBulk(handles, 0, n);
    }

    private record Block(int type, ByteBuffer body)
    {
    }

    static List<Block> blocks(final byte[] pcapng)
    {
        final ByteBuffer b = ByteBuffer.wrap(pcapng).order(ByteOrder.LITTLE_ENDIAN);
        final List<Block> blocks = new ArrayList<>();
        while (b.remaining() > 0)
        {
            final int start = b.position();
            final int type = b.getInt();
            final int total = b.getInt();
            assertEquals(0, total % 4, "blocks are 32-bit aligned");
            assertEquals(total, b.getInt(start + total - 4), "the trailing length repeats the leading one");
            blocks.add(new Block(type, b.slice(start + 8, total - 12).order(ByteOrder.LITTLE_ENDIAN)));
            b.position(start + total);
        }
        return blocks;
    }

    @Test
    void shouldWriteTheFramesThatPassTheFilterAsPcapngUntilTheCount() throws Exception
    {
        final CompletableFuture<Void> served = serveOne();
        final ByteArrayOutputStream pcapng = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final CompletableFuture<Integer> client = CompletableFuture.supplyAsync(() ->
        {
            try
            {
                return CaptureClient.run(socket, List.of("capture", "-c", "4", "--", "tcp", "dst", "port", "80"),
                    () -> pcapng, new PrintStream(err, true, StandardCharsets.UTF_8));
            }
            catch (final InterruptedException ex)
            {
                throw new IllegalStateException(ex);
            }
        }, threads);
        served.get(10, TimeUnit.SECONDS);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!client.isDone() && System.nanoTime() < deadline)
        {
            receive(0, 80, 443);
            receive(1, 80);
            Thread.sleep(5);
        }
        assertEquals(0, client.get(1, TimeUnit.SECONDS), err.toString());
        final String said = err.toString(StandardCharsets.UTF_8);
        assertTrue(said.startsWith("jlvs capture: listening on test:0, test:1, link-type EN10MB (Ethernet), " +
            "snapshot length 262144 bytes, filter 'tcp and dst port 80'\n"), said);
        assertTrue(said.contains("\n4 packets captured\n"), said);
        assertTrue(said.matches("(?s).*\\n\\d+ packets received by filter\\n0 packets dropped by the rate bound " +
            "\\(10000 per second\\)\\n0 packets dropped with the capture ring full\\n"), said);

        final List<Block> blocks = blocks(pcapng.toByteArray());
        assertEquals(PcapngWriter.SECTION_HEADER, blocks.get(0).type());
        assertEquals(PcapngWriter.BYTE_ORDER_MAGIC, blocks.get(0).body().getInt(0));
        assertEquals(PcapngWriter.INTERFACE_DESCRIPTION, blocks.get(1).type());
        assertEquals(PcapngWriter.LINKTYPE_ETHERNET, blocks.get(1).body().getShort(0));
        assertEquals(PcapngWriter.INTERFACE_DESCRIPTION, blocks.get(2).type());
        int packets = 0;
        int statistics = 0;
        for (final Block block : blocks.subList(3, blocks.size()))
        {
            if (block.type() == PcapngWriter.ENHANCED_PACKET)
            {
                packets++;
                final ByteBuffer body = block.body();
                assertTrue(body.getInt(0) == 0 || body.getInt(0) == 1, "an agent's interface");
                assertEquals(64, body.getInt(12), "captured length");
                assertEquals(64, body.getInt(16), "length on the wire");
                assertEquals(80, Short.toUnsignedInt(body.order(ByteOrder.BIG_ENDIAN).getShort(20 + 14 + 22)));
                body.order(ByteOrder.LITTLE_ENDIAN);
                assertEquals(2, body.getShort(20 + 64), "epb_flags");
                assertEquals(1, body.getInt(20 + 64 + 4), "inbound");
            }
            else
            {
                assertEquals(PcapngWriter.INTERFACE_STATISTICS, block.type());
                statistics++;
            }
        }
        assertEquals(4, packets);
        assertEquals(2, statistics, "one per interface, at the end");
    }

    @Test
    void shouldRunOneCaptureAtATimeAndEndOnTheClientsStopByte() throws Exception
    {
        final CompletableFuture<Void> served = serveOne();
        try (SocketChannel first = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
        {
            AdminProtocol.writeRequest(Channels.newOutputStream(first), List.of("capture", "--"));
            served.get(10, TimeUnit.SECONDS);
            final DataInputStream in = CaptureStream.of(Channels.newInputStream(first));
            assertEquals(0, CaptureStream.readResult(in).exitStatus());

            final CompletableFuture<Void> second = serveOne();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            final int status = CaptureClient.run(socket, List.of("capture", "--"), ByteArrayOutputStream::new,
                new PrintStream(err, true, StandardCharsets.UTF_8));
            second.get(10, TimeUnit.SECONDS);
            assertEquals(1, status);
            assertEquals("jlvs capture: a capture is already running on this director; one runs at a time\n",
                err.toString(StandardCharsets.UTF_8));

            receive(0, 22);
            first.write(ByteBuffer.wrap(new byte[] {1}));
            final ByteArrayOutputStream pcapng = new ByteArrayOutputStream();
            CaptureStream.copyChunks(in, pcapng);
            final IpvsadmResult ended = CaptureStream.readResult(in);
            assertEquals(0, ended.exitStatus());
            assertTrue(ended.err().startsWith("1 packets captured\n1 packets received by filter\n"), ended.err());
            assertEquals(1, blocks(pcapng.toByteArray()).stream()
                .filter((b) -> b.type() == PcapngWriter.ENHANCED_PACKET).count());
        }
        awaitFree();
    }

    @Test
    void shouldEndTheCaptureWithItsCountsWhenTheDirectorStops() throws Exception
    {
        final CompletableFuture<Void> served = serveOne();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
        {
            AdminProtocol.writeRequest(Channels.newOutputStream(ch), List.of("capture", "--"));
            served.get(10, TimeUnit.SECONDS);
            final DataInputStream in = CaptureStream.of(Channels.newInputStream(ch));
            assertEquals(0, CaptureStream.readResult(in).exitStatus());
            receive(1, 80, 80);
            captures.close();
            final ByteArrayOutputStream pcapng = new ByteArrayOutputStream();
            CaptureStream.copyChunks(in, pcapng);
            final String said = CaptureStream.readResult(in).err();
            assertTrue(said.startsWith("2 packets captured\n"), said);
        }
        final CompletableFuture<Void> refused = serveOne();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(1, CaptureClient.run(socket, List.of("capture", "--"), ByteArrayOutputStream::new,
            new PrintStream(err, true, StandardCharsets.UTF_8)));
        refused.get(10, TimeUnit.SECONDS);
        assertEquals("jlvs capture: the director is stopping\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void shouldDetachWhenTheClientGoesAway() throws Exception
    {
        final CompletableFuture<Void> served = serveOne();
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
        {
            AdminProtocol.writeRequest(Channels.newOutputStream(ch), List.of("capture", "--", "port", "80"));
            served.get(10, TimeUnit.SECONDS);
            assertEquals(0, CaptureStream.readResult(CaptureStream.of(Channels.newInputStream(ch))).exitStatus());
        }
        awaitFree();
    }

    @Test
    void shouldRefuseABadExpressionWithTheReason() throws Exception
    {
        final CompletableFuture<Void> served = serveOne();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = CaptureClient.run(socket, List.of("capture", "--", "port", "80", "or", "port", "443"),
            ByteArrayOutputStream::new, new PrintStream(err, true, StandardCharsets.UTF_8));
        served.get(10, TimeUnit.SECONDS);
        assertEquals(1, status);
        assertEquals("jlvs capture: syntax error in filter expression: 'or' is not supported: jlvs capture joins " +
            "primitives with 'and' only\n", err.toString(StandardCharsets.UTF_8));
    }

    /** A new capture is taken once the last has ended: the taps are free again. */
    private void awaitFree() throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            final CompletableFuture<Void> served = serveOne();
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket)))
            {
                AdminProtocol.writeRequest(Channels.newOutputStream(ch), List.of("capture", "-c", "1", "--"));
                served.get(10, TimeUnit.SECONDS);
                if (CaptureStream.readResult(CaptureStream.of(Channels.newInputStream(ch))).exitStatus() == 0)
                {
                    return;
                }
            }
            assertTrue(System.nanoTime() < deadline, "the capture did not end");
            Thread.sleep(50);
        }
    }
}
