package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Changes reach the dataplane without touching the traffic of others: while clients open new connections to the
 * DR service and a long transfer runs on one, the director is reloaded twenty times (each a new snapshot for every
 * agent). Every request is answered and the transfer arrives whole. The time each snapshot took to be adopted by
 * the agents, as the director logs it, is printed (measured, not asserted: the machine is shared).
 */
class SnapshotChangeSystemTest
{
    private static final int RELOADS = 20;
    private static final Pattern ADOPTED =
        Pattern.compile("table version (\\d+) adopted by (\\d+) agent\\(s\\) in (\\d+) us");
    private static Lab lab;
    private static java.nio.file.Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        settings = Lab.settingsWith(java.util.Map.of("port", "net_af_packet0,iface=dir0,qpairs=2", "cores", "1@1,2@1"));
        lab.startDirector(settings, 2);
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        if (null != lab)
        {
            lab.close();
        }
        if (null != settings)
        {
            java.nio.file.Files.deleteIfExists(settings);
        }
    }

    @Test
    void reloadsUnderTrafficLoseNothing() throws Exception
    {
        // each on a thread of its own: on two cores the common pool has one thread, and would run them in turn
        final CompletableFuture<Lab.Result> transfer = CompletableFuture.supplyAsync(() -> client("transfer",
            "http://" + Lab.VIP + "/", Integer.toString(6_000_000), Integer.toString(1_000_000)),
            Thread::startVirtualThread);
        final CompletableFuture<Lab.Result> requests = CompletableFuture.supplyAsync(() -> client("requests",
            "http://" + Lab.VIP + "/", "400", "41000"), Thread::startVirtualThread);
        Thread.sleep(300);
        for (int i = 0; i < RELOADS; i++)
        {
            final Lab.Result r = Lab.jlvs("reload");
            assertEquals(0, r.status(), r.out());
            Thread.sleep(200);
        }
        final Lab.Result t = transfer.get();
        assertEquals(0, t.status(), t.out());
        assertTrue(t.out().contains(" 6000000 ok"), t.out());
        final Lab.Result q = requests.get();
        assertEquals(0, q.status(), "every request answered: " + q.out());

        final List<Long> micros = new ArrayList<>();
        final Matcher m = ADOPTED.matcher(lab.directorLog());
        String agents = "?";
        while (m.find())
        {
            micros.add(Long.parseLong(m.group(3)));
            agents = m.group(2);
        }
        assertTrue(micros.size() >= RELOADS, "each reload's snapshot adopted by both agents: " + micros);
        final List<Long> sorted = micros.stream().sorted().toList();
        System.out.printf("snapshot adoption over %d changes, %s agents: median %d us, max %d us%n", sorted.size(),
            agents, sorted.get(sorted.size() / 2), sorted.getLast());
    }

    private static Lab.Result client(final String... args)
    {
        try
        {
            return Lab.clientPy(Duration.ofSeconds(120), args);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
