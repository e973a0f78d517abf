package io.jlvs.bindings.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DpdkPreflightTest {

    private static final String ROOT_ALL_CAPS = "Name:\tjava\nUid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n";
    private static final String USER_NO_CAPS = "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n";
    private static final String MOUNTS = "nodev /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n";

    @TempDir
    Path root;

    @Test
    void shouldPassWithFreeMountedHugepagesAsRoot() throws IOException {
        host(ROOT_ALL_CAPS, 512, 512, MOUNTS);
        assertEquals(List.of(), DpdkPreflight.checkHost(List.of("-l", "0", "-m", "512"), root));
    }

    @Test
    void shouldExplainMissingHugepages() throws IOException {
        host(ROOT_ALL_CAPS, 0, 0, MOUNTS);
        final List<String> problems = DpdkPreflight.checkHost(List.of("-l", "0"), root);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.getFirst().startsWith("no hugepages: echo 512 > /proc/sys/vm/nr_hugepages"));
        assertTrue(problems.getFirst().contains("--no-huge -m 512"));
    }

    @Test
    void shouldSkipHugepageChecksWithNoHuge() throws IOException {
        host(ROOT_ALL_CAPS, 0, 0, "");
        assertEquals(List.of(), DpdkPreflight.checkHost(List.of("--no-huge", "-m", "256", "--no-pci"), root));
    }

    @Test
    void shouldExplainTooFewFreeHugepagesAndMissingMount() throws IOException {
        host(ROOT_ALL_CAPS, 64, 32, "");
        final List<String> problems = DpdkPreflight.checkHost(List.of("--socket-mem=512,512"), root);
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("only 64 MB of hugepages free but the EAL arguments ask for 1024 MB"));
        assertTrue(problems.get(1).contains("mount -t hugetlbfs nodev /dev/hugepages"));
        assertEquals(List.of(), DpdkPreflight.checkHost(List.of("--in-memory", "-m64"), root),
            "--in-memory needs no mount; 64 MB fits");
    }

    @Test
    void shouldNameMissingCapabilitiesAndHowToGrantThem() throws IOException {
        host(USER_NO_CAPS, 512, 512, MOUNTS);
        final List<String> problems = DpdkPreflight.checkHost(
            List.of("--vdev", "net_af_packet0,iface=eth0", "--vdev=net_tap0"), root);
        assertEquals(1, problems.size(), problems.toString());
        final String p = problems.getFirst();
        assertTrue(p.startsWith("not running as root and without cap_ipc_lock, cap_net_raw, cap_net_admin"), p);
        assertTrue(p.contains("--cap-add IPC_LOCK --cap-add NET_RAW --cap-add NET_ADMIN"), p);
        assertTrue(p.contains("AmbientCapabilities=CAP_IPC_LOCK CAP_NET_RAW CAP_NET_ADMIN"), p);
    }

    @Test
    void shouldNeedNoCapabilitiesForRingDevicesWithoutHugepages() throws IOException {
        host(USER_NO_CAPS, 0, 0, "");
        assertEquals(List.of(), DpdkPreflight.checkHost(TestDpdk.EAL_ARGS, root));
    }

    @Test
    void shouldFindLibraryAndRealHostReadyForTestArgs() {
        TestDpdk.dpdk();
        assertEquals(List.of(), DpdkPreflight.beforeInit(TestDpdk.EAL_ARGS));
    }

    @Test
    void shouldExplainPortNotFoundAfterInit() {
        final Dpdk dpdk = TestDpdk.dpdk();
        final List<String> problems = DpdkPreflight.afterInit(dpdk, "0000:01:00.0");
        assertEquals(1, problems.size());
        assertTrue(problems.getFirst().startsWith("port '0000:01:00.0' not found; DPDK sees"), problems.getFirst());
        assertTrue(problems.getFirst().contains("dpdk-devbind.py -b vfio-pci 0000:01:00.0"));
        final IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> DpdkPreflight.requireOk(problems));
        assertTrue(e.getMessage().startsWith("DPDK preflight failed:"));
    }

    private void host(String status, long nrPages, long freePages, String mounts) throws IOException {
        Files.createDirectories(root.resolve("proc/self"));
        Files.writeString(root.resolve("proc/self/status"), status);
        Files.writeString(root.resolve("proc/mounts"), mounts);
        final Path pages = Files.createDirectories(root.resolve("sys/kernel/mm/hugepages/hugepages-2048kB"));
        Files.writeString(pages.resolve("nr_hugepages"), nrPages + "\n");
        Files.writeString(pages.resolve("free_hugepages"), freePages + "\n");
        final Path giant = Files.createDirectories(root.resolve("sys/kernel/mm/hugepages/hugepages-1048576kB"));
        Files.writeString(giant.resolve("nr_hugepages"), "0\n");
        Files.writeString(giant.resolve("free_hugepages"), "0\n");
    }
}
