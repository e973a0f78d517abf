package io.jlvs.bindings.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/** The one EAL every test in this JVM shares (EAL can be initialised once per process), and capability gates. */
final class TestDpdk {

    private static final String FILE_PREFIX = "jlvs-bindings-" + ProcessHandle.current().pid();

    /**
     * Virtual devices only, no hugepages, no shared config or telemetry socket, a prefix unique to this process, main
     * lcore on CPU 0. ({@code --in-memory} is refused with {@code --no-huge}: EAL calls it legacy mem.)
     */
    static final List<String> EAL_ARGS = List.of(
        "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--no-telemetry",
        "--file-prefix", FILE_PREFIX,
        "-l", "0", "--log-level", "warning");

    private TestDpdk() {
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /**
     * Skips the test when a capability is missing, except under CI=true, where a missing capability fails it:
     * CI is where these tests must run.
     */
    static void requireCapability(boolean present, String capability) {
        if (present) {
            return;
        }
        if (inCi()) {
            fail("missing capability: " + capability + " (CI=true, so this test may not skip)");
        }
        Assumptions.abort("skipped: missing capability: " + capability);
    }

    /** The shared EAL, after checking that native access is on and the DPDK runtime loads. */
    static Dpdk dpdk() {
        requireCapability(DpdkNative.class.getModule().isNativeAccessEnabled(),
            "native access (" + DpdkNative.NATIVE_ACCESS_FLAG + ")");
        final List<String> library = new ArrayList<>();
        DpdkPreflight.checkLibrary(library);
        requireCapability(library.isEmpty(), "DPDK 22.11 runtime: " + library);
        final boolean first = Dpdk.current().isEmpty();
        final Dpdk dpdk = Dpdk.init(EAL_ARGS);
        if (first) {
            Runtime.getRuntime().addShutdownHook(new Thread(TestDpdk::removeRuntimeDir));
        }
        return dpdk;
    }

    /** EAL leaves an empty runtime directory per --file-prefix even with --no-shconf; don't litter /var/run/dpdk. */
    private static void removeRuntimeDir() {
        final String xdg = System.getenv("XDG_RUNTIME_DIR");
        for (String base : new String[] {"/var/run/dpdk", xdg == null ? "/tmp/dpdk" : xdg + "/dpdk"}) {
            try {
                Files.deleteIfExists(Path.of(base, FILE_PREFIX));
            } catch (IOException ignored) {
                // not empty or not ours: leave it
            }
        }
    }
}
