package io.jlvs.controlplane;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test that needs root, network namespaces or DPDK asks here. Where the environment lacks it, the test
 * is skipped with the capability named; in CI (CI=true) it fails instead, because there it must run.
 */
final class Capabilities
{
    private Capabilities()
    {
    }

    static void require(final boolean present, final String capability)
    {
        if (present)
        {
            return;
        }
        final String message = "missing capability: " + capability;
        if ("true".equalsIgnoreCase(System.getenv("CI")))
        {
            Assertions.fail(message + " (CI=true, so this test may not skip)");
        }
        Assumptions.abort(message);
    }

    static void requireLab()
    {
        require("root".equals(System.getProperty("user.name")), "root (network namespaces, DPDK)");
        require(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
            "iproute2's ip command");
        require(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3 for the lab's servers");
        require(Files.exists(Lab.ROOT.resolve("controlplane/target/jlvs.jvm.args")),
            "a packaged build (controlplane/target/lib): run through mvn verify");
    }
}
