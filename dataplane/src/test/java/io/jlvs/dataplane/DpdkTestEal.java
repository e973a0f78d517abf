package io.jlvs.dataplane;

import io.jlvs.bindings.dpdk.Dpdk;
import io.jlvs.bindings.dpdk.DpdkNative;
import io.jlvs.bindings.dpdk.DpdkPreflight;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The one EAL every dataplane test in this JVM shares (EAL is initialised once per process), and the capability
 * gate: a missing capability skips the test, except under {@code CI=true}, where it fails naming the capability.
 */
final class DpdkTestEal
{
    private static final String FILE_PREFIX = "jlvs-dataplane-" + ProcessHandle.current().pid();

    /** Virtual devices only, no hugepages, no shared config or telemetry, a per-process prefix, main lcore CPU 0. */
    static final List<String> EAL_ARGS = List.of(
        "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry",
        "--file-prefix", FILE_PREFIX,
        "-l", "0", "--log-level", "warning");

    private static Dpdk dpdk;
    private static String unavailable;

    private DpdkTestEal()
    {
    }

    static boolean inCi()
    {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static void requireCapability(final boolean present, final String capability)
    {
        if (present)
        {
            return;
        }
        if (inCi())
        {
            fail("missing capability: " + capability + " (CI=true, so this test may not skip)");
        }
        Assumptions.abort("skipped: missing capability: " + capability);
    }

    /** The shared EAL, after checking native access, the DPDK runtime and the net_ring PMD. */
    static synchronized Dpdk dpdk()
    {
        if (null == dpdk && null == unavailable)
        {
            unavailable = init();
        }
        requireCapability(null == unavailable, unavailable);
        return dpdk;
    }

    private static String init()
    {
        final List<String> problems = new ArrayList<>(DpdkPreflight.beforeInit(EAL_ARGS));
        if (!problems.isEmpty())
        {
            return String.join("; ", problems);
        }
        if (DpdkNative.findOptional("rte_eth_from_rings").isEmpty())
        {
            return "the net_ring PMD (rte_eth_from_rings in librte_net_ring.so." + DpdkNative.DPDK_ABI + ")";
        }
        try
        {
            final boolean first = Dpdk.current().isEmpty();
            dpdk = first ? Dpdk.init(EAL_ARGS) : Dpdk.current().orElseThrow();
            if (first)
            {
                Runtime.getRuntime().addShutdownHook(new Thread(DpdkTestEal::removeRuntimeDir));
            }
            return null;
        }
        catch (final RuntimeException ex)
        {
            return "EAL initialisation (rte_eal_init " + EAL_ARGS + "): " + ex.getMessage();
        }
    }

    /** EAL leaves a runtime directory per --file-prefix even with --no-shconf; it is ours, remove it. */
    private static void removeRuntimeDir()
    {
        final String xdg = System.getenv("XDG_RUNTIME_DIR");
        for (final String base : new String[] {"/var/run/dpdk", null == xdg ? "/tmp/dpdk" : xdg + "/dpdk"})
        {
            final Path dir = Path.of(base, FILE_PREFIX);
            if (!Files.isDirectory(dir))
            {
                continue;
            }
            try (Stream<Path> paths = Files.walk(dir))
            {
                for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(p);
                }
            }
            catch (final IOException ignored)
            {
                // best effort at exit
            }
        }
    }
}
