package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Prometheus endpoint of a director in the lab, with real traffic through it: its text passes {@code promtool
 * check metrics}, carries the node exporter's IPVS names with their labels and jlvs's own, and a real Prometheus
 * (Debian's) scrapes it and answers queries over it.
 */
class MetricsSystemTest
{
    private static final String ENDPOINT = "127.0.0.1:9280";
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static Lab lab;
    private static Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        Capabilities.require(Files.isExecutable(PROMETHEUS) && Files.isExecutable(PROMTOOL),
            "Debian's prometheus package (prometheus and promtool)");
        lab = Lab.up();
        settings = Lab.settingsWith(Map.of("metrics", ENDPOINT));
        lab.startDirector(settings, 1);
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
            Files.deleteIfExists(settings);
        }
    }

    /** A command in the director's namespace, where the endpoint listens. */
    private static Lab.Result inDirector(final String... command) throws Exception
    {
        return Lab.in("jlvs-dir", Duration.ofSeconds(60), command);
    }

    @Test
    void shouldServeMetricsThatPromtoolAndPrometheusTake() throws Exception
    {
        final Lab.Result r = Lab.client(Duration.ofSeconds(120), "/usr/bin/python3",
            Lab.LAB.resolve("client.py").toString(), "requests", "http://" + Lab.VIP + "/", "30", "25000");
        assertEquals(0, r.status(), r.out());

        final Lab.Result scraped = inDirector("curl", "-sf", "http://" + ENDPOINT + "/metrics");
        assertEquals(0, scraped.status(), scraped.out());
        final String text = scraped.out();
        assertTrue(text.contains("node_ipvs_backend_weight{local_address=\"198.18.0.10\",local_mark=\"\"," +
            "local_port=\"80\",proto=\"TCP\",remote_address=\"198.18.0.11\",remote_port=\"80\"} 3.0"), text);
        assertTrue(text.contains("# TYPE node_ipvs_connections_total counter"), text);
        final Matcher conns = Pattern.compile("(?m)^jlvs_backend_connections_total\\{local_address=\"198.18.0.10\"," +
            "local_mark=\"\",local_port=\"80\",proto=\"TCP\",remote_address=\"198.18.0.11\",remote_port=\"80\"} " +
            "(\\S+)$").matcher(text);
        assertTrue(conns.find(), text);
        assertEquals(15.0, Double.parseDouble(conns.group(1)), "wrr 3:2:1 gave rs1 15 of 30");
        assertTrue(text.contains("jlvs_dropped_packets_total{agent=\"fwd-0\",reason=\"no destination available\"}"),
            text);
        assertTrue(text.contains("jlvs_received_packets_total{agent=\"fwd-0\"}"), text);
        assertTrue(text.contains("jlvs_connection_table_capacity "), text);
        final Matcher all = Pattern.compile("(?m)^jlvs_agent_cycle_seconds_bucket\\{agent=\"fwd-0\",le=\"\\+Inf\"} (\\S+)$")
            .matcher(text);
        final Matcher count = Pattern.compile("(?m)^jlvs_agent_cycle_seconds_count\\{agent=\"fwd-0\"} (\\S+)$")
            .matcher(text);
        assertTrue(all.find() && count.find(), "the agent's cycle-time histogram: " + text);
        assertTrue(Double.parseDouble(all.group(1)) > 1000, "a spinning agent has cycled: " + all.group(1));
        assertTrue(text.contains("# TYPE jlvs_sync_messages_sent_total counter") &&
            text.contains("jlvs_sync_dropped_authentication_total 0.0"), "the sync daemon's counters: " + text);

        // every metric the Grafana dashboard in config/ asks for is served (those of checks, VRRP and sync only
        // where there are some: the lab's director has none)
        final String dashboard = Files.readString(Lab.ROOT.resolve("config/grafana/jlvs-dashboard.json"));
        final Matcher names = Pattern.compile("\\b((?:node_ipvs|jlvs)_[a-z_]+)\\{").matcher(dashboard);
        final java.util.Set<String> conditional = java.util.Set.of("jlvs_healthcheck_up",
            "jlvs_healthcheck_latency_seconds", "jlvs_healthcheck_failures_total", "jlvs_vrrp_state", "jlvs_sync_daemon",
            "jlvs_sync_lag_seconds", "jlvs_sync_last_batch_timestamp_seconds");
        int asked = 0;
        while (names.find())
        {
            asked++;
            final String family = names.group(1).replaceFirst("_bucket$", ""); // a histogram's buckets
            assertTrue(text.contains("# TYPE " + family + " ") || conditional.contains(family),
                "the dashboard asks for " + names.group(1));
        }
        assertTrue(asked > 15, "the dashboard's queries were read: " + asked);

        final Path metrics = Lab.tempFile("jlvs-metrics", ".txt", text);
        try
        {
            final Lab.Result lint = Lab.run(Duration.ofSeconds(30), "/bin/sh", "-c", "\"$0\" check metrics < \"$1\"",
                PROMTOOL.toString(), metrics.toString());
            assertEquals(new Lab.Result(0, ""), lint, "promtool check metrics");
        }
        finally
        {
            Files.deleteIfExists(metrics);
        }

        final Path dir = Files.createTempDirectory("jlvs-prometheus");
        final Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: jlvs
                static_configs:
                  - targets: ['%s']
            """.formatted(ENDPOINT));
        final Process prometheus = new ProcessBuilder("ip", "netns", "exec", "jlvs-dir", PROMETHEUS.toString(),
            "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
            "--web.listen-address=127.0.0.1:9290").redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        try
        {
            final String query = "http://127.0.0.1:9290/api/v1/query?query=";
            String answer = "";
            final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline && !answer.contains("\"value\":[") )
            {
                Thread.sleep(500);
                answer = inDirector("curl", "-s", query + "count(node_ipvs_backend_weight)").out();
            }
            assertTrue(answer.contains("\"status\":\"success\""), answer + Files.readString(dir.resolve("prometheus.log")));
            final Lab.Result up = inDirector("curl", "-s", query + "up");
            assertTrue(up.out().contains("\"job\":\"jlvs\"") && up.out().contains(",\"1\"]"), "scraped: " + up.out());
            final Lab.Result weight = inDirector("curl", "-s", query +
                "node_ipvs_backend_weight%7Bremote_address%3D%22198.18.0.11%22%2Clocal_port%3D%2280%22%2Cproto%3D%22TCP%22%7D");
            assertTrue(weight.out().contains(",\"3\"]"), "rs1's weight as Prometheus has it: " + weight.out());
        }
        finally
        {
            prometheus.destroy();
            prometheus.waitFor();
            Lab.run(Duration.ofSeconds(10), "rm", "-rf", dir.toString());
        }
    }
}
