package io.jlvs.controlplane.sync;

import io.aeron.Aeron;
import io.aeron.ExclusivePublication;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.SyncSettings;
import io.jlvs.controlplane.sync.SyncCounters.Kind;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnOwner;
import io.jlvs.dataplane.conn.ConnTables;
import io.jlvs.dataplane.redirect.RedirectRings;
import io.jlvs.dataplane.redirect.Redirector;
import io.jlvs.dataplane.status.DataplaneCounters;
import io.jlvs.dataplane.sync.SyncDelivery;
import io.jlvs.dataplane.sync.SyncOutbox;
import io.jlvs.dataplane.sync.SyncPolicy;
import io.jlvs.dataplane.sync.SyncRecord;
import io.jlvs.dataplane.sync.SyncReports;
import io.jlvs.dataplane.sync.SyncRings;
import org.agrona.CloseHelper;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static io.jlvs.controlplane.sync.SyncCodecTest.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two sync daemons over real Aeron on loopback (127.0.0.1 the master, 127.0.0.2 the backup), driven in turn on the
 * test's thread. The master's agents are played by writes into its rings and its tables; the backup's by reading
 * what the daemon put in their inboxes.
 */
class SyncDaemonTest
{
    private static final InetAddress MASTER = InetLiterals.ipv4("127.0.0.1");
    private static final InetAddress BACKUP = InetLiterals.ipv4("127.0.0.2");
    private static final InetAddress RELAY = InetLiterals.ipv4("127.0.0.3");
    private static final int AGENTS = 2;

    @TempDir
    Path dir;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private int port;

    /** One director's sync: its tables, rings, daemon, and what its agents received. */
    final class Side implements AutoCloseable
    {
        final ConnTables tables = new ConnTables(new ConnTables.Context().agents(AGENTS).capacity(100_000).conclude());
        final SyncRings syncRings = new SyncRings(AGENTS, 1 << 20);
        final RedirectRings rings;
        final SyncCounters counters = new SyncCounters(DataplaneCounters.onHeap(64).manager());
        final Map<ConnKey, ConnEntry> received = new HashMap<>();
        final List<String> log = new CopyOnWriteArrayList<>();
        final SyncOutbox[] outboxes = new SyncOutbox[AGENTS];
        SyncDaemon daemon;
        private final InetAddress local;
        private final List<InetAddress> peers;
        private final String name;

        Side(final String name, final InetAddress local, final InetAddress peer, final int inboxCapacity)
        {
            this.name = name;
            this.local = local;
            this.peers = List.of(peer);
            this.rings = new RedirectRings(AGENTS, inboxCapacity);
            final AtomicCounter[] c = DataplaneCounters.onHeap(256).newAgentCounters(0, "t");
            for (int i = 0; i < AGENTS; i++)
            {
                outboxes[i] = new SyncOutbox(syncRings.outbox(i), c[0], c[1]);
            }
            start();
        }

        void start()
        {
            final SyncSettings settings = new SyncSettings(false, false, false, 0, peers, InetLiterals.ipv4("224.0.0.81"),
                port, Optional.empty(), Path.of("unused"), SyncPolicy.OFF, false);
            final SyncDaemon[] d = new SyncDaemon[1];
            daemon = new SyncDaemon(() -> new SyncTransport(settings, local, dir.resolve(name + "-" + System.nanoTime()),
                (image) -> d[0].onPeerAppeared(image), Throwable::printStackTrace), new SyncCodec(KEY), counters,
                new SyncReports(syncRings),
                new SyncDelivery(rings), tables, new SystemEpochClock(), log::add);
            d[0] = daemon;
        }

        /** The director restarts its daemon: a new Aeron, a new sender id and epoch. */
        void restart()
        {
            daemon.onClose();
            start();
        }

        /** Whether the agents take what the daemon hands them; a slow backup's agents do not. */
        boolean draining = true;

        int work()
        {
            int n = daemon.doWork();
            for (int i = 0; i < AGENTS && draining; i++)
            {
                final int agent = i;
                final MemorySegment seg = SyncRecord.segmentOf(rings.inbox(i).buffer());
                n += rings.inbox(i).read((type, buffer, index, length) ->
                {
                    assertEquals(Redirector.MSG_SYNC_CONN, type);
                    final ConnKey k = new ConnKey();
                    final ConnEntry e = new ConnEntry();
                    SyncRecord.read(seg, index, k, e);
                    assertEquals(agent, ConnOwner.of(k, AGENTS), "handed to its owner");
                    received.put(k, e);
                }, 100);
            }
            return n;
        }

        /** The agent owning the connection reports it, as after a state change. */
        void report(final ConnKey k, final ConnEntry e)
        {
            outboxes[ConnOwner.of(k, AGENTS)].report(k, e);
        }

        /**
         * The agent owning the connection changes it: saved, then reported, as agents do. (A report of a state the
         * table does not hold could be undone by a catch-up that reads the table later: the relay's losses can make
         * the backup ask for one again.)
         */
        void change(final ConnKey k, final ConnEntry e)
        {
            assertTrue(tables.table(ConnOwner.of(k, AGENTS)).update(k, e));
            report(k, e);
        }

        /** The agent owning the connection holds it in its table of record. */
        void hold(final ConnKey k, final ConnEntry e)
        {
            assertTrue(tables.table(ConnOwner.of(k, AGENTS)).insert(k, e));
        }

        /** A persistence template in the shared table, as an agent's Persistence writes one. */
        void holdTemplate(final ConnKey k, final ConnEntry e)
        {
            try (io.jlvs.dataplane.conn.TemplateTable.Lock lock = tables.templates().writer(0, 1).lock(k))
            {
                assertTrue(lock.write(e));
            }
        }

        long count(final Kind kind)
        {
            return counters.value(kind);
        }

        @Override
        public void close()
        {
            daemon.onClose();
            tables.close();
        }
    }

    private static ConnKey key(final int i)
    {
        return new ConnKey().setV4(6, 0x0A00_0000 + (i >> 16), 1024 + (i & 0xFFFF) % 60_000, 0xC612_000A, 80);
    }

    private static ConnEntry entry(final int i)
    {
        return SyncCodecTest.entry().daddrV4(0xC612_000B + i % 3).expiresMs(System.currentTimeMillis() + 900_000);
    }

    private Side side(final String name, final InetAddress local, final InetAddress peer)
    {
        return side(name, local, peer, 1 << 20);
    }

    private Side side(final String name, final InetAddress local, final InetAddress peer, final int inboxCapacity)
    {
        final Side s = new Side(name, local, peer, inboxCapacity);
        closing.add(s);
        return s;
    }

    /** What a test shows when it times out. */
    private java.util.function.Supplier<String> state = () -> "";

    private void runUntil(final BooleanSupplier done, final Runnable... others)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done.getAsBoolean())
        {
            for (final Runnable r : others)
            {
                r.run();
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not done in 20 s: " + state.get());
            }
            Thread.onSpinWait();
        }
    }

    private static int freePort() throws IOException
    {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(MASTER, 0)))
        {
            return s.getLocalPort();
        }
    }

    @AfterEach
    void close() throws Exception
    {
        for (int i = closing.size() - 1; i >= 0; i--)
        {
            closing.get(i).close();
        }
    }

    @Test
    void shouldCatchUpABackupThatStartsLateThenStream() throws IOException
    {
        port = freePort();
        final Side master = side("master", MASTER, BACKUP);
        master.daemon.master(0);
        final int held = 3000;
        for (int i = 0; i < held; i++)
        {
            master.hold(key(i), entry(i));
        }
        // reports made before any backup listens go nowhere: the kernel's loss, which the catch-up repairs
        for (int i = 0; i < 10; i++)
        {
            master.report(key(i), entry(i));
        }
        runUntil(() -> master.count(Kind.SENT_TO_NOBODY) > 0, master::work);

        final Side backup = side("backup", BACKUP, MASTER);
        backup.daemon.backup(0);
        runUntil(backup.daemon::caughtUp, master::work, backup::work);
        runUntil(() -> backup.received.size() == held, master::work, backup::work);
        for (int i = 0; i < held; i++)
        {
            final ConnEntry e = backup.received.get(key(i));
            assertEquals(entry(i).daddrLo(), e.daddrLo(), "connection " + i);
            assertEquals(entry(i).state(), e.state());
            assertEquals(900, e.timeoutSec());
        }
        assertEquals(1, master.count(Kind.CATCH_UPS_SERVED));
        assertEquals(held, master.count(Kind.CATCH_UP_CONNS_SENT));
        assertEquals(1, backup.count(Kind.CATCH_UPS_COMPLETED));
        assertTrue(backup.log.stream().anyMatch((l) -> l.contains("caught up: " + held + " connections")), backup.log.toString());
        assertEquals(-1, backup.daemon.lagMs(), "a catch-up is not the stream: no lag yet");

        // then the stream: a new connection and a changed one
        master.report(key(held), entry(held));
        master.change(key(5), entry(5).state(4).timeoutSec(120));
        runUntil(() -> backup.received.size() == held + 1 && backup.received.get(key(5)).state() == 4,
            master::work, backup::work);
        assertEquals(120, backup.received.get(key(5)).timeoutSec());
        final long lag = backup.daemon.lagMs();
        assertTrue(lag >= 0 && lag < 10_000, "the stream's lag, from the batch's send time: " + lag);
        assertTrue(backup.daemon.report().contains(", lag of the last batch " + lag + " ms"), backup.daemon.report());
        assertEquals(0, backup.count(Kind.DROPPED_AUTHENTICATION) + backup.count(Kind.DROPPED_REPLAYED) +
            backup.count(Kind.DROPPED_MALFORMED) + backup.count(Kind.DROPPED_INBOX_FULL));
    }

    /**
     * A pair in the middle of an update: a backup that asks as a version 1 director does gets its table, and the
     * master, having heard it, streams version 1 batches, which carry no send time, so the backup has no lag to tell.
     */
    @Test
    void shouldStreamVersionOneToABackupThatAsksAsVersionOne() throws IOException
    {
        port = freePort();
        final Side master = side("master", MASTER, BACKUP);
        master.daemon.master(0);
        master.hold(key(1), entry(1));
        final Side backup = side("backup", BACKUP, MASTER);
        backup.daemon.askAsVersion1();
        backup.daemon.backup(0);
        runUntil(backup.daemon::caughtUp, master::work, backup::work);
        assertTrue(master.log.stream().anyMatch((l) -> l.contains("takes only version 1")), master.log.toString());
        master.report(key(2), entry(2));
        runUntil(() -> backup.received.containsKey(key(2)), master::work, backup::work);
        assertEquals(-1, backup.daemon.lagMs(), "version 1 batches carry no send time");
        assertEquals(0, backup.count(Kind.DROPPED_SCHEMA) + backup.count(Kind.DROPPED_MALFORMED));
    }

    /** A catch-up walks the persistence templates after the connections: a backup taking over keeps its clients. */
    @Test
    void shouldCatchUpThePersistenceTemplatesToo() throws IOException
    {
        port = freePort();
        final Side master = side("master", MASTER, BACKUP);
        master.daemon.master(0);
        for (int i = 0; i < 20; i++)
        {
            master.hold(key(i), entry(i));
        }
        final java.util.List<ConnKey> templates = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++)
        {
            final ConnKey t = new ConnKey().setV4(6, 0x0A00_1000 + i, 0, 0xC612_000A, 80);
            templates.add(t);
            master.holdTemplate(t, entry(i).flags(io.jlvs.dataplane.conn.ConnFlags.TEMPLATE | 3).state(1)
                .timeoutSec(300));
        }
        final Side backup = side("backup", BACKUP, MASTER);
        backup.daemon.backup(0);
        runUntil(backup.daemon::caughtUp, master::work, backup::work);
        runUntil(() -> backup.received.size() == 27, master::work, backup::work);
        for (final ConnKey t : templates)
        {
            final ConnEntry e = backup.received.get(t);
            assertTrue(e.isTemplate(), t.toString());
            assertEquals(300, e.timeoutSec());
        }
        assertEquals(27, master.count(Kind.CATCH_UP_CONNS_SENT));
    }

    /**
     * A backup whose agents are slow to take the catch-up (their inboxes full, Aeron holding the rest) asks again
     * after a second; the master goes on with the walk under way rather than starting it over, so the backup gets
     * each connection once.
     */
    @Test
    void shouldNotStartASlowCatchUpOver() throws Exception
    {
        port = freePort();
        final Side master = side("master", MASTER, BACKUP);
        final Side backup = side("backup", BACKUP, MASTER, 64 * 1024);
        master.daemon.master(0);
        final int held = 5000;
        for (int i = 0; i < held; i++)
        {
            master.hold(key(i), entry(i));
        }
        backup.draining = false;
        backup.daemon.backup(0);
        runUntil(() -> backup.count(Kind.CATCH_UP_REQUESTS_SENT) >= 2, master::work, backup::work); // asked again
        backup.draining = true;
        runUntil(() -> backup.daemon.caughtUp() && backup.received.size() == held, master::work, backup::work);
        assertEquals(1, master.count(Kind.CATCH_UPS_SERVED));
        assertEquals(held, master.count(Kind.CATCH_UP_CONNS_SENT), () -> "each connection sent once\nmaster\n" +
            master.counters.report() + master.log + "\nbackup\n" + backup.counters.report() + backup.log);
        assertEquals(held, backup.count(Kind.CONNS_RECEIVED));
    }

    /** A master holding one connection and a backup that caught up with it. */
    private Side[] caughtUpPair() throws IOException
    {
        port = freePort();
        final Side master = side("master", MASTER, BACKUP);
        final Side backup = side("backup", BACKUP, MASTER);
        master.daemon.master(0);
        backup.daemon.backup(0);
        master.hold(key(1), entry(1));
        runUntil(() -> backup.daemon.caughtUp() && backup.received.size() == 1, master::work, backup::work);
        return new Side[] {master, backup};
    }

    /** Aeron failing under a daemon (here: its transport closed, as a driver timeout closes it) is survived. */
    @Test
    void shouldMakeItsTransportAgainWhenAeronFails() throws Exception
    {
        final Side[] pair = caughtUpPair();
        final Side master = pair[0];
        final Side backup = pair[1];

        state = () -> "backup\n" + backup.counters.report() + backup.log + "\nmaster\n" + master.counters.report() +
            master.log + "\nreceived " + backup.received.size() + " caught up " + backup.daemon.caughtUp();
        backup.daemon.transport().close();
        master.hold(key(2), entry(2));
        runUntil(() -> backup.count(Kind.TRANSPORT_RESTARTS) == 1 && backup.daemon.caughtUp() &&
            backup.received.size() == 2, master::work, backup::work);
        master.daemon.transport().close();
        master.hold(key(3), entry(3)); // as an agent does: saved, then reported
        master.report(key(3), entry(3));
        runUntil(() -> master.count(Kind.TRANSPORT_RESTARTS) == 1 && backup.received.containsKey(key(3)),
            master::work, backup::work);
    }

    @Test
    void shouldCatchUpAgainFromARestartedMaster() throws IOException
    {
        final Side[] pair = caughtUpPair();
        final Side master = pair[0];
        final Side backup = pair[1];

        master.hold(key(2), entry(2)); // made while it was down, say: only a catch-up tells the backup
        master.restart();
        master.daemon.master(0);
        runUntil(() -> backup.count(Kind.CATCH_UPS_COMPLETED) == 2 && backup.received.size() == 2,
            master::work, backup::work);
    }

    @Test
    void shouldDropForgedReplayedTruncatedAndForeignMessagesAndCountThem() throws IOException
    {
        port = freePort();
        final Side backup = side("backup", BACKUP, MASTER);
        backup.daemon.backup(5);
        final MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(dir.resolve("attacker").toString())
            .threadingMode(ThreadingMode.INVOKER).dirDeleteOnStart(true).dirDeleteOnShutdown(true)
            .termBufferSparseFile(true).publicationTermBufferLength(1 << 16));
        final Aeron aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName())
            .driverAgentInvoker(driver.sharedAgentInvoker()).useConductorAgentInvoker(true)
            .errorHandler(Throwable::printStackTrace));
        closing.add(() -> CloseHelper.closeAll(aeron, driver));
        final ExclusivePublication pub = aeron.addExclusivePublication(
            "aeron:udp?endpoint=127.0.0.2:" + port + "|term-length=65536", SyncTransport.STREAM_ID);
        final Runnable attacker = () ->
        {
            driver.sharedAgentInvoker().invoke();
            aeron.conductorAgentInvoker().invoke();
        };
        runUntil(pub::isConnected, attacker, backup::work);

        final SyncCodec good = new SyncCodec(KEY);
        final byte[] otherKey = KEY.clone();
        otherKey[3] ^= 0x40;
        final SyncCodec forger = new SyncCodec(otherKey);
        final long sender = 0x5EED;
        final List<byte[]> sent = new ArrayList<>();

        // accepted: sequence 10 of epoch 1000, syncid 5
        good.add(key(1), entry(1));
        send(pub, attacker, backup, good, good.sealBatch(5, sender, 1000, 10, 0, 0, 2), sent);
        runUntil(() -> backup.received.size() == 1, attacker, backup::work);

        final byte[] accepted = sent.get(0);
        send(pub, attacker, backup, accepted);                                          // replayed as is
        good.add(key(2), entry(2));
        send(pub, attacker, backup, good, good.sealBatch(5, sender, 1000, 9, 0, 0, 2), sent);  // older sequence
        good.add(key(3), entry(3));
        send(pub, attacker, backup, good, good.sealBatch(5, sender, 999, 50, 0, 0, 2), sent);  // superseded epoch
        forger.add(key(4), entry(4));
        send(pub, attacker, backup, forger, forger.sealBatch(5, sender, 1000, 11, 0, 0, 2), sent); // another key
        send(pub, attacker, backup, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});          // truncated
        good.add(key(5), entry(5));
        send(pub, attacker, backup, good, good.sealBatch(6, sender, 1000, 12, 0, 0, 2), sent); // syncid 6, not ours
        final byte[] cut = java.util.Arrays.copyOf(accepted, accepted.length - 7);
        send(pub, attacker, backup, cut);                                               // cut short
        final byte[] v3 = accepted.clone();
        v3[6] = 3;                                                                      // schema version 3, unsigned
        send(pub, attacker, backup, v3);

        runUntil(() -> backup.count(Kind.DROPPED_REPLAYED) == 3 && backup.count(Kind.DROPPED_AUTHENTICATION) == 3 &&
            backup.count(Kind.DROPPED_TRUNCATED) == 1 && backup.count(Kind.DROPPED_SYNC_ID) == 1, attacker,
            backup::work);
        assertEquals(1, backup.received.size(), "nothing but the first was applied");

        // and the daemon still takes the next good message
        good.add(key(6), entry(6));
        send(pub, attacker, backup, good, good.sealBatch(5, sender, 1000, 13, 0, 0, 2), sent);
        runUntil(() -> backup.received.containsKey(key(6)), attacker, backup::work);
        assertEquals(2, backup.received.size());
    }

    private static void send(final ExclusivePublication pub, final Runnable attacker, final Side backup,
        final SyncCodec codec, final int length, final List<byte[]> sent)
    {
        final byte[] bytes = new byte[length];
        codec.buffer().getBytes(0, bytes);
        sent.add(bytes);
        send(pub, attacker, backup, bytes);
    }

    private static void send(final ExclusivePublication pub, final Runnable attacker, final Side backup,
        final byte[] bytes)
    {
        final UnsafeBuffer b = new UnsafeBuffer(bytes);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (pub.offer(b, 0, bytes.length) < 0)
        {
            attacker.run();
            backup.work();
            assertTrue(System.nanoTime() < deadline, "could not send");
        }
    }

    /**
     * The master's stream crosses a relay that drops one datagram in ten and holds back one in five behind the next
     * (this kernel has no netem): Aeron's retransmission still brings the backup every connection, in the order
     * sent, so the tables end the same.
     */
    @Test
    void shouldEndWithTheSameTableAcrossALinkThatDropsAndReorders() throws IOException
    {
        port = freePort();
        final LossyRelay relay = new LossyRelay(new InetSocketAddress(RELAY, port), new InetSocketAddress(BACKUP, port),
            0.1, 0.2, 7);
        closing.add(relay);
        final Side master = side("master", MASTER, RELAY);
        final Side backup = side("backup", BACKUP, MASTER);
        master.daemon.master(0);
        backup.daemon.backup(0);
        for (int i = 0; i < 2000; i++)
        {
            master.hold(key(i), entry(i));
        }
        state = () -> "received " + backup.received.size() + "\nmaster\n" + master.counters.report() + "backup\n" +
            backup.counters.report() + " relay dropped " + relay.dropped + " reordered " + relay.reordered;
        runUntil(backup.daemon::caughtUp, relay::pump, master::work, backup::work);
        final int total = 6000;
        for (int i = 2000; i < total; i++)
        {
            master.hold(key(i), entry(i));
            master.report(key(i), entry(i));
            if (i % 500 == 0)
            {
                master.work();
                relay.pump();
                backup.work();
            }
        }
        // every connection also changes state once more: the backup must end on the later state
        for (int i = 0; i < total; i += 3)
        {
            master.change(key(i), entry(i).state(5).timeoutSec(120));
        }
        // every change, not the last alone: each agent drains its own inbox, a bounded number a cycle, so the last
        // change can be applied while an earlier one still waits in another agent's inbox
        runUntil(() -> backup.received.size() == total && java.util.stream.IntStream.range(0, total)
            .filter((i) -> i % 3 == 0).allMatch((i) -> backup.received.get(key(i)).state() == 5),
            relay::pump, master::work, backup::work);
        for (int i = 0; i < total; i++)
        {
            assertEquals(i % 3 == 0 ? 5 : entry(i).state(), backup.received.get(key(i)).state(), "connection " + i);
        }
        assertTrue(relay.dropped > 0 && relay.reordered > 0, "the relay dropped " + relay.dropped + " and reordered " +
            relay.reordered);
    }

    /**
     * A UDP relay between a sender and a receiver that loses and reorders what it relays in both directions: what
     * reaches {@code listen} goes to {@code target}, what {@code target} answers goes back to the last sender.
     */
    static final class LossyRelay implements AutoCloseable
    {
        private final DatagramChannel front;
        private final DatagramChannel back;
        private final InetSocketAddress target;
        private final double loss;
        private final double reorder;
        private final Random random;
        private final ByteBuffer buf = ByteBuffer.allocate(65536);
        private SocketAddress client;
        private byte[] heldForward;
        private byte[] heldBack;
        int dropped;
        int reordered;

        LossyRelay(final InetSocketAddress listen, final InetSocketAddress target, final double loss,
            final double reorder, final long seed) throws IOException
        {
            this.front = DatagramChannel.open().bind(listen);
            this.back = DatagramChannel.open().bind(new InetSocketAddress(listen.getAddress(), 0));
            front.configureBlocking(false);
            back.configureBlocking(false);
            this.target = target;
            this.loss = loss;
            this.reorder = reorder;
            this.random = new Random(seed);
        }

        void pump()
        {
            try
            {
                SocketAddress from;
                buf.clear();
                while (null != (from = front.receive(buf)))
                {
                    client = from;
                    heldForward = relay(back, target, heldForward);
                    buf.clear();
                }
                while (null != back.receive(buf.clear()) && null != client)
                {
                    heldBack = relay(front, client, heldBack);
                }
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }

        /** @return the datagram now held back, if any */
        private byte[] relay(final DatagramChannel out, final SocketAddress to, final byte[] held) throws IOException
        {
            buf.flip();
            final byte[] now = new byte[buf.remaining()];
            buf.get(now);
            if (random.nextDouble() < loss)
            {
                dropped++;
                return held;
            }
            if (null == held && random.nextDouble() < reorder)
            {
                reordered++;
                return now; // sent after the next one
            }
            out.send(ByteBuffer.wrap(now), to);
            if (null != held)
            {
                out.send(ByteBuffer.wrap(held), to);
            }
            return null;
        }

        @Override
        public void close() throws IOException
        {
            front.close();
            back.close();
        }
    }
}
