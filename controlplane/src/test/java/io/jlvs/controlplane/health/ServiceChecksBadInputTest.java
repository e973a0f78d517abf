package io.jlvs.controlplane.health;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every negotiate check against a target that accepts and never answers, answers garbage, resets, or floods: a
 * failed check, within a bound of its own timeout, never a stuck checker and never an exhausted heap.
 */
class ServiceChecksBadInputTest
{
    private static final int TIMEOUT_SEC = 1;
    /** A check has several phases (connect, greeting, login, query), each with the timeout; none may exceed this. */
    private static final long BOUND_MS = 8_000;

    private static Map<String, Check> checks(final int port)
    {
        final InetAddress lo = InetAddress.getLoopbackAddress();
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(TIMEOUT_SEC)).build();
        final HttpClient https = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(TIMEOUT_SEC))
            .sslContext(TrustAllTls.context()).build();
        final Map<String, Check> m = new LinkedHashMap<>();
        m.put("http", HttpCheck.direct(http, false, lo, port, "/", "GET", Optional.empty(), "", TIMEOUT_SEC));
        m.put("https", HttpCheck.direct(https, true, lo, port, "/", "GET", Optional.empty(), "", TIMEOUT_SEC));
        m.put("http_proxy", HttpCheck.proxied(lo, port, "/http://198.18.0.60/", "GET", "", TIMEOUT_SEC));
        m.put("ftp", new FtpCheck(lo, port, "/check.txt", "ok", "", "", TIMEOUT_SEC));
        m.put("smtp", new SmtpCheck(lo, port, TIMEOUT_SEC));
        m.put("pop", new Pop3Check(lo, port, false, "jlvs", "pw", TIMEOUT_SEC));
        m.put("pops", new Pop3Check(lo, port, true, "jlvs", "pw", TIMEOUT_SEC));
        m.put("imap", new ImapCheck(lo, port, false, "jlvs", "pw", TIMEOUT_SEC));
        m.put("imaps", new ImapCheck(lo, port, true, "jlvs", "pw", TIMEOUT_SEC));
        m.put("nntp", new NntpCheck(lo, port, TIMEOUT_SEC));
        m.put("ldap", new LdapCheck(lo, port, false, "/dc=jlvs,dc=lab", "", "", "", TIMEOUT_SEC));
        m.put("ldaps", new LdapCheck(lo, port, true, "/dc=jlvs,dc=lab", "", "", "", TIMEOUT_SEC));
        m.put("dns/tcp", new DnsCheck(lo, port, true, "/check.jlvs.lab", "", TIMEOUT_SEC));
        m.put("dns/udp", new DnsCheck(lo, port, false, "/check.jlvs.lab", "", TIMEOUT_SEC));
        m.put("mysql", new SqlCheck(SqlCheck.Dialect.MYSQL, lo, port, "jlvs", "jlvs", "pw", "/SELECT 1",
            TIMEOUT_SEC));
        m.put("pgsql", new SqlCheck(SqlCheck.Dialect.PGSQL, lo, port, "jlvs", "jlvs", "pw", "/SELECT 1",
            TIMEOUT_SEC));
        m.put("oracle", new SqlCheck(SqlCheck.Dialect.ORACLE, lo, port, "jlvs", "jlvs", "pw",
            "/SELECT 1 FROM DUAL", TIMEOUT_SEC));
        m.put("radius", new RadiusCheck(lo, port, "secret", "jlvs", "pw", TIMEOUT_SEC));
        m.put("sip/udp", new SipCheck(lo, port, false, "", TIMEOUT_SEC));
        m.put("sip/tcp", new SipCheck(lo, port, true, "", TIMEOUT_SEC));
        m.put("simpletcp", new SimpleTcpCheck(lo, port, "/HELLO", "^OK", TIMEOUT_SEC));
        m.put("connect", new ConnectCheck(lo, port, TIMEOUT_SEC));
        return m;
    }

    @ParameterizedTest
    @EnumSource(BadTarget.Mode.class)
    void everyCheckFailsAgainstABadTarget(final BadTarget.Mode mode) throws Exception
    {
        try (BadTarget target = new BadTarget(mode))
        {
            final Map<String, Check> checks = checks(target.port());
            checks.remove("connect"); // a connect check passes on any accepted connection, as ldirectord's
            final Map<String, Future<Boolean>> results = new LinkedHashMap<>();
            final Map<String, Long> tookMs = new java.util.concurrent.ConcurrentHashMap<>();
            // the flood one check at a time: twenty floods at once measure the machine's two cores, not the checks
            final var executor = mode == BadTarget.Mode.FLOOD ?
                java.util.concurrent.Executors.newSingleThreadExecutor(Thread.ofVirtual().factory()) :
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            try
            {
                checks.forEach((name, check) -> results.put(name, executor.submit(() ->
                {
                    final long t0 = System.nanoTime();
                    try
                    {
                        return check.run();
                    }
                    finally
                    {
                        tookMs.put(name, (System.nanoTime() - t0) / 1_000_000);
                    }
                })));
                final List<String> wrong = new ArrayList<>();
                for (final Map.Entry<String, Future<Boolean>> e : results.entrySet())
                {
                    final boolean passed;
                    try
                    {
                        passed = e.getValue().get((BOUND_MS + 2_000) * (mode == BadTarget.Mode.FLOOD ? checks.size() : 1),
                            TimeUnit.MILLISECONDS);
                    }
                    catch (final java.util.concurrent.TimeoutException ex)
                    {
                        wrong.add(e.getKey() + " never returned");
                        continue;
                    }
                    if (passed)
                    {
                        wrong.add(e.getKey() + " passed");
                    }
                    if (tookMs.getOrDefault(e.getKey(), 0L) > BOUND_MS)
                    {
                        wrong.add(e.getKey() + " took " + tookMs.get(e.getKey()) + " ms");
                    }
                }
                assertTrue(wrong.isEmpty(), mode + ": " + wrong + " (times " + tookMs + ")");
            }
            finally
            {
                executor.shutdownNow(); // a stuck check's socket closes with the interrupt
            }
        }
    }

    @org.junit.jupiter.api.Test
    void aConnectCheckPassesWhereTheTargetAccepts() throws Exception
    {
        try (BadTarget target = new BadTarget(BadTarget.Mode.SILENT))
        {
            assertTrue(new ConnectCheck(InetAddress.getLoopbackAddress(), target.port(), TIMEOUT_SEC).run());
        }
        assertFalse(new ConnectCheck(InetAddress.getLoopbackAddress(), 1, TIMEOUT_SEC).run());
    }
}
