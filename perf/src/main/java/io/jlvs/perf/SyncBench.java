package io.jlvs.perf;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.logbuffer.FragmentHandler;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.SyncSettings;
import io.jlvs.controlplane.sync.SyncCodec;
import io.jlvs.controlplane.sync.SyncCounters;
import io.jlvs.controlplane.sync.SyncDaemon;
import io.jlvs.controlplane.sync.SyncTransport;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnFlags;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnState;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.sync.SyncDelivery;
import io.jlvs.dataplane.sync.SyncOutbox;
import io.jlvs.dataplane.sync.SyncPolicy;
import io.jlvs.dataplane.sync.SyncRecord;
import io.jlvs.dataplane.sync.SyncReports;
import io.jlvs.dataplane.sync.SyncRings;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.MemorySegment;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Connection sync measured: two sync daemons on loopback (master 127.0.0.1, backup 127.0.0.2), each on its own
 * thread as in a director, run as the director runs them.
 * <ol>
 * <li>catch-up: the master holds {@code --conns} connections; a backup starts and asks for them; the time until it
 *     has them all, and connections a second;</li>
 * <li>stream: a thread plays the agents, reporting connections as fast as the ring takes them for
 *     {@code --seconds}; another plays the backup's agents, taking what the daemon hands them: connections a
 *     second delivered, messages a second, and the lag from report to delivery (p50, p99, max);</li>
 * <li>reference, in the same run: plain Aeron over the same loopback, messages of a full sync batch's size
 *     (about 6 KiB, 64 connections) from one publication to one subscription, each on a thread of its own for
 *     {@code --seconds}: what the transport itself carries, in connections a second.</li>
 * </ol>
 * Prints {@code RESULT} lines. Usage: {@code SyncBench [--conns N] [--seconds S]}.
 */
public final class SyncBench
{
    private static final InetAddress MASTER = InetLiterals.ipv4("127.0.0.1");
    private static final InetAddress BACKUP = InetLiterals.ipv4("127.0.0.2");
    private static final byte[] KEY = "jlvs-sync-benchmark-key-32-bytes".getBytes();

    public static void main(final String[] args) throws Exception
    {
        int conns = 100_000;
        int seconds = 10;
        int rate = 100_000;
        for (int i = 0; i < args.length - 1; i += 2)
        {
            switch (args[i])
            {
                case "--conns" -> conns = Integer.parseInt(args[i + 1]);
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--rate" -> rate = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        final Path dir = Files.createTempDirectory("jlvs-syncbench");
        final int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(MASTER, 0)))
        {
            port = s.getLocalPort();
        }
        sync(dir, port, conns, seconds, rate);
        reference(dir, port + 1, seconds);
    }

    private static ConnKey key(final int i)
    {
        return new ConnKey().setV4(6, 0x0A00_0000 + (i >>> 12), 1024 + (i & 0xFFF), 0xC612_000A, 80);
    }

    private static ConnEntry entry(final int i)
    {
        return new ConnEntry().flags(ConnFlags.NOOUTPUT | 3).state(ConnState.ESTABLISHED).daddrV4(0xC612_000B + i % 3)
            .dport(80).timeoutSec(900).expiresMs(System.currentTimeMillis() + 900_000);
    }

    /** One director's sync, for the benchmark. */
    private static final class Side implements AutoCloseable
    {
        final ConnTables tables;
        final SyncRings syncRings = new SyncRings(1, 1 << 22);
        final RedirectRings inboxes = new RedirectRings(1, 1 << 22);
        final SyncCounters counters = new SyncCounters(DataplaneCounters.onHeap(64).manager());
        final SyncDaemon daemon;
        final AgentRunner runner;

        Side(final Path dir, final String name, final InetAddress local, final InetAddress peer, final int port,
            final int capacity)
        {
            tables = new ConnTables(new ConnTables.Context().agents(1).capacity(capacity).conclude());
            final SyncSettings settings = new SyncSettings(false, false, false, 0, List.of(peer),
                InetLiterals.ipv4(SyncSettings.DEFAULT_GROUP), port, Optional.empty(), Path.of("unused"), SyncPolicy.OFF, false);
            final SyncDaemon[] d = new SyncDaemon[1];
            daemon = new SyncDaemon(() -> new SyncTransport(settings, local, dir.resolve(name + System.nanoTime()),
                (image) -> d[0].onPeerAppeared(image), Throwable::printStackTrace), new SyncCodec(KEY), counters,
                new SyncReports(syncRings),
                new SyncDelivery(inboxes), tables, new SystemEpochClock(), (line) -> System.out.println(name + ": " + line));
            d[0] = daemon;
            runner = new AgentRunner(new BackoffIdleStrategy(10, 10, 1_000, 100_000), Throwable::printStackTrace, null,
                daemon);
        }

        @Override
        public void close()
        {
            runner.close();
            tables.close();
        }
    }

    private static void sync(final Path dir, final int port, final int conns, final int seconds, final int rate)
        throws Exception
    {
        try (Side master = new Side(dir, "master", MASTER, BACKUP, port, conns * 2);
            Side backup = new Side(dir, "backup", BACKUP, MASTER, port, 1024))
        {
            for (int i = 0; i < conns; i++)
            {
                master.tables.table(0).insert(key(i), entry(i));
            }
            master.daemon.master(0);
            AgentRunner.startOnThread(master.runner);
            AgentRunner.startOnThread(backup.runner);

            // the backup's agent: takes what its daemon hands it, and measures the stream's lag
            final AtomicLong delivered = new AtomicLong();
            final AtomicBoolean measuring = new AtomicBoolean();
            final long[] lags = new long[1 << 20];
            final AtomicLong lagCount = new AtomicLong();
            final AtomicBoolean running = new AtomicBoolean(true);
            final MemorySegment inbox = SyncRecord.segmentOf(backup.inboxes.inbox(0).buffer());
            // when each connection was last reported (the wire carries no time of ours): the lag is measured from it
            final java.util.concurrent.atomic.AtomicLongArray sentAt = new java.util.concurrent.atomic.AtomicLongArray(conns);
            final Thread agent = Thread.ofPlatform().name("backup-agent").start(() ->
            {
                final ConnKey k = new ConnKey();
                final ConnEntry e = new ConnEntry();
                while (running.get())
                {
                    final int n = backup.inboxes.inbox(0).read((type, buffer, index, length) ->
                    {
                        if (measuring.get())
                        {
                            SyncRecord.read(inbox, index, k, e);
                            final long c = lagCount.getAndIncrement();
                            if (c < lags.length)
                            {
                                final int i = (int)(((k.caddrLo() - 0x0A00_0000L) << 12) | (k.cport() - 1024));
                                lags[(int)c] = System.nanoTime() - sentAt.get(i);
                            }
                        }
                        delivered.incrementAndGet();
                    }, 256);
                    if (0 == n)
                    {
                        Thread.onSpinWait();
                    }
                }
            });

            final long start = System.nanoTime();
            backup.daemon.backup(0);
            while (!backup.daemon.caughtUp() || delivered.get() < conns)
            {
                Thread.sleep(1);
                if (System.nanoTime() - start > 120_000_000_000L)
                {
                    throw new IllegalStateException("no catch-up in 120 s: " + delivered.get() + " of " + conns);
                }
            }
            final double catchUpMs = (System.nanoTime() - start) / 1e6;
            System.out.printf("RESULT phase=catch-up conns=%d ms=%.0f conns_per_s=%.0f%n", conns, catchUpMs,
                conns * 1000.0 / catchUpMs);

            // the master's agent: reports connections at --rate a second, then as fast as its ring takes them
            final AtomicCounter[] c = DataplaneCounters.onHeap(256).newAgentCounters(0, "bench");
            final SyncOutbox outbox = new SyncOutbox(master.syncRings.outbox(0), c[0], c[1]);
            for (final int paced : new int[] {rate, 0})
            {
                delivered.set(0);
                lagCount.set(0);
                measuring.set(true);
                final long messagesBefore = backup.counters.value(SyncCounters.Kind.MESSAGES_RECEIVED);
                final long streamStart = System.nanoTime();
                final long end = streamStart + seconds * 1_000_000_000L;
                final long interval = paced > 0 ? 1_000_000_000L / paced : 0;
                long reported = 0;
                long ringFull = 0;
                final ConnKey k = new ConnKey();
                final ConnEntry e = entry(0);
                long now;
                while ((now = System.nanoTime()) < end)
                {
                    if (paced > 0 && now < streamStart + reported * interval)
                    {
                        Thread.onSpinWait();
                        continue;
                    }
                    final int i = (int)(reported % conns);
                    final long before = c[1].get();
                    sentAt.lazySet(i, System.nanoTime());
                    outbox.report(k.setV4(6, 0x0A00_0000 + (i >>> 12), 1024 + (i & 0xFFF), 0xC612_000A, 80), e);
                    if (c[1].get() != before)
                    {
                        ringFull++;
                        Thread.onSpinWait();
                    }
                    else
                    {
                        reported++;
                    }
                }
                final long drainStart = System.nanoTime();
                while (delivered.get() < reported && System.nanoTime() - drainStart < 30_000_000_000L)
                {
                    Thread.sleep(1);
                }
                final double streamS = (System.nanoTime() - streamStart) / 1e9;
                measuring.set(false);
                final int samples = (int)Math.min(lagCount.get(), lags.length);
                final long[] sorted = Arrays.copyOf(lags, samples);
                Arrays.sort(sorted);
                final long messages = backup.counters.value(SyncCounters.Kind.MESSAGES_RECEIVED) - messagesBefore;
                System.out.printf("RESULT phase=%s seconds=%.1f reported=%d delivered=%d ring_full_retries=%d " +
                    "conns_per_s=%.0f messages_per_s=%.0f lag_p50_us=%.0f lag_p99_us=%.0f lag_max_us=%.0f%n",
                    paced > 0 ? "stream-paced-" + paced : "stream", streamS, reported, delivered.get(), ringFull,
                    delivered.get() / streamS, messages / streamS, sorted[samples / 2] / 1e3,
                    sorted[(int)(samples * 0.99)] / 1e3, sorted[samples - 1] / 1e3);
            }
            running.set(false);
            agent.join();
            System.out.printf("RESULT counters master: sent=%d back_pressured=%d; backup: dropped_inbox_full=%d " +
                "replayed=%d authentication=%d%n", master.counters.value(SyncCounters.Kind.MESSAGES_SENT),
                master.counters.value(SyncCounters.Kind.BACK_PRESSURED),
                backup.counters.value(SyncCounters.Kind.DROPPED_INBOX_FULL),
                backup.counters.value(SyncCounters.Kind.DROPPED_REPLAYED),
                backup.counters.value(SyncCounters.Kind.DROPPED_AUTHENTICATION));
        }
    }

    /** Plain Aeron, the same loopback, messages of a full batch's size: what the transport carries. */
    private static void reference(final Path dir, final int port, final int seconds) throws Exception
    {
        final int length = 8 + 33 + 4 + SyncCodec.MAX_BATCH * 94 + SyncCodec.TAG_LENGTH;
        final MediaDriver a = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.resolve("ref-a")
            .toString()).threadingMode(ThreadingMode.INVOKER).dirDeleteOnStart(true).dirDeleteOnShutdown(true)
            .termBufferSparseFile(true).publicationTermBufferLength(1 << 20));
        final MediaDriver b = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir.resolve("ref-b")
            .toString()).threadingMode(ThreadingMode.INVOKER).dirDeleteOnStart(true).dirDeleteOnShutdown(true)
            .termBufferSparseFile(true).publicationTermBufferLength(1 << 20));
        final Aeron ca = Aeron.connect(new Aeron.Context().aeronDirectoryName(a.aeronDirectoryName())
            .driverAgentInvoker(a.sharedAgentInvoker()).useConductorAgentInvoker(true));
        final Aeron cb = Aeron.connect(new Aeron.Context().aeronDirectoryName(b.aeronDirectoryName())
            .driverAgentInvoker(b.sharedAgentInvoker()).useConductorAgentInvoker(true));
        try
        {
            final Subscription sub = cb.addSubscription("aeron:udp?endpoint=127.0.0.2:" + port, 1);
            final ExclusivePublication pub = ca.addExclusivePublication(
                "aeron:udp?endpoint=127.0.0.2:" + port + "|term-length=1m", 1);
            final AtomicBoolean running = new AtomicBoolean(true);
            final AtomicLong received = new AtomicLong();
            final io.aeron.FragmentAssembler assembler = new io.aeron.FragmentAssembler(
                (FragmentHandler)(buffer, offset, len, header) -> received.incrementAndGet());
            final Thread reader = Thread.ofPlatform().start(() ->
            {
                while (running.get())
                {
                    final int n = b.sharedAgentInvoker().invoke() + cb.conductorAgentInvoker().invoke() +
                        sub.poll(assembler, 16);
                    if (0 == n)
                    {
                        Thread.onSpinWait();
                    }
                }
            });
            final UnsafeBuffer message = new UnsafeBuffer(new byte[length]);
            final long start = System.nanoTime();
            final long end = start + seconds * 1_000_000_000L;
            while (System.nanoTime() < end)
            {
                a.sharedAgentInvoker().invoke();
                ca.conductorAgentInvoker().invoke();
                pub.offer(message, 0, length);
            }
            final double s = (System.nanoTime() - start) / 1e9;
            Thread.sleep(200);
            running.set(false);
            reader.join();
            System.out.printf("RESULT phase=aeron-reference bytes=%d seconds=%.1f messages_per_s=%.0f " +
                "conns_equivalent_per_s=%.0f%n", length, s, received.get() / s, received.get() * 64 / s);
        }
        finally
        {
            CloseHelper.quietCloseAll(ca, cb, a, b);
        }
    }
}
