package io.jlvs.bindings.dpdk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * Checks a director needs before it starts, each failure a human message saying what is wrong and how to fix it.
 * An empty list means go. Run {@link #beforeInit(List)} before {@link Dpdk#init(List)} (EAL's own failures are terse
 * log lines) and {@link #afterInit(Dpdk, String)} once EAL is up.
 */
public final class DpdkPreflight {

    static final int CAP_NET_ADMIN = 12;
    static final int CAP_NET_RAW = 13;
    static final int CAP_IPC_LOCK = 14;

    private DpdkPreflight() {
    }

    /** Native access, the DPDK libraries, privileges and hugepages for these EAL arguments. */
    public static List<String> beforeInit(List<String> ealArgs) {
        final List<String> problems = new ArrayList<>();
        if (!DpdkNative.class.getModule().isNativeAccessEnabled()) {
            problems.add("native access is disabled: start the JVM with " + DpdkNative.NATIVE_ACCESS_FLAG);
            return problems;
        }
        checkLibrary(problems);
        problems.addAll(checkHost(ealArgs, Path.of("/")));
        return problems;
    }

    /** After EAL init: the named port (PCI address or vdev name) exists. */
    public static List<String> afterInit(Dpdk dpdk, String portName) {
        final List<String> problems = new ArrayList<>();
        final OptionalInt port = dpdk.findPort(portName);
        if (port.isEmpty()) {
            final List<String> seen = dpdk.portNames();
            problems.add("port '" + portName + "' not found; DPDK sees " + (seen.isEmpty() ? "no ports" : seen) +
                ". For a PCI NIC: bind it to vfio-pci (modprobe vfio-pci; dpdk-devbind.py -b vfio-pci " + portName +
                ") and pass -a " + portName + " without --no-pci; for a virtual device pass --vdev " + portName +
                ",<options> (e.g. --vdev net_af_packet0,iface=eth0)");
        }
        return problems;
    }

    /** Throws an {@link IllegalStateException} listing every problem, if there are any. */
    public static void requireOk(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalStateException("DPDK preflight failed:\n  - " + String.join("\n  - ", problems));
        }
    }

    static void checkLibrary(List<String> problems) {
        try {
            DpdkNative.shimLookup();
            final String runtime = Dpdk.runtimeVersion();
            final String built = RteConstants.RTE_VERSION;
            if (!runtime.regionMatches(0, built, 0, built.lastIndexOf('.'))) {
                problems.add("DPDK version mismatch: loaded " + runtime + ", bindings built against " + built +
                    ": rebuild the bindings module on this machine (mvn -pl bindings install)");
            }
        } catch (Throwable e) {
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            problems.add("the DPDK libraries cannot be loaded (" + cause.getMessage() + "): install the DPDK " +
                RteConstants.RTE_VER_YEAR + "." + RteConstants.RTE_VER_MONTH + " runtime (Debian: apt-get install " +
                "dpdk, which brings librte_*.so." + DpdkNative.DPDK_ABI + ") and check `ldd` on " +
                DpdkNative.shimResource().substring(1) + " inside the bindings jar");
        }
    }

    /** Privilege and hugepage checks against a /proc and /sys tree under {@code root} (tests pass a fake one). */
    static List<String> checkHost(List<String> ealArgs, Path root) {
        final List<String> problems = new ArrayList<>();
        final EalArgs args = EalArgs.parse(ealArgs);
        checkCapabilities(args, root, problems);
        if (!args.noHuge) {
            checkHugepages(args, root, problems);
        }
        return problems;
    }

    private static void checkCapabilities(EalArgs args, Path root, List<String> problems) {
        final String status = read(root.resolve("proc/self/status"));
        final long capEff = parseHexField(status, "CapEff:");
        final boolean root0 = parseFirstInt(status, "Uid:") == 0;
        final List<String> needed = new ArrayList<>();
        final List<String> why = new ArrayList<>();
        if (!args.noHuge && !args.noPci) {
            needIf(capEff, CAP_IPC_LOCK, "cap_ipc_lock", "to lock hugepage memory for NIC DMA", needed, why);
        }
        if (args.vdevs.stream().anyMatch(v -> v.startsWith("net_af_packet") || v.startsWith("net_af_xdp"))) {
            needIf(capEff, CAP_NET_RAW, "cap_net_raw", "for the af_packet/af_xdp raw sockets", needed, why);
        }
        if (args.vdevs.stream().anyMatch(v -> v.startsWith("net_tap") || v.startsWith("net_af_xdp"))) {
            needIf(capEff, CAP_NET_ADMIN, "cap_net_admin", "to create tap devices or attach XDP programs", needed,
                why);
        }
        if (!needed.isEmpty()) {
            problems.add((root0 ? "running as root but without " : "not running as root and without ") +
                String.join(", ", needed) + " (" + String.join("; ", why) + "): run as root with full " +
                "capabilities (in a container: --cap-add " + String.join(" --cap-add ",
                needed.stream().map(c -> c.substring(4).toUpperCase(Locale.ROOT)).toList()) +
                "), or grant them, e.g. systemd AmbientCapabilities=" + String.join(" ",
                needed.stream().map(c -> c.toUpperCase(Locale.ROOT)).toList()));
        }
    }

    private static void needIf(long capEff, int cap, String name, String reason, List<String> needed,
                               List<String> why) {
        if ((capEff & (1L << cap)) == 0) {
            needed.add(name);
            why.add(name + " " + reason);
        }
    }

    private static void checkHugepages(EalArgs args, Path root, List<String> problems) {
        long freeBytes = 0;
        long totalPages = 0;
        final Path sys = root.resolve("sys/kernel/mm/hugepages");
        if (Files.isDirectory(sys)) {
            try (DirectoryStream<Path> sizes = Files.newDirectoryStream(sys, "hugepages-*kB")) {
                for (Path dir : sizes) {
                    final String name = dir.getFileName().toString();
                    final long kb = Long.parseLong(name.substring("hugepages-".length(), name.length() - 2));
                    totalPages += readLong(dir.resolve("nr_hugepages"));
                    freeBytes += readLong(dir.resolve("free_hugepages")) * kb * 1024;
                }
            } catch (IOException | NumberFormatException e) {
                problems.add("cannot read " + sys + " (" + e.getMessage() + "): is /sys mounted?");
                return;
            }
        }
        final long wantMb = args.memoryMb;
        if (totalPages == 0) {
            problems.add("no hugepages: echo 512 > /proc/sys/vm/nr_hugepages (2 MB pages, 1 GB in all), or run with" +
                " --no-huge -m 512 (virtual devices only)");
            return;
        }
        if (freeBytes == 0) {
            problems.add("no free hugepages (" + totalPages + " configured, all in use; another DPDK process or " +
                "leftover files under /dev/hugepages?): rm -f /dev/hugepages/*map_* if no DPDK process runs, or " +
                "raise /proc/sys/vm/nr_hugepages");
        } else if (wantMb > 0 && freeBytes < wantMb * 1024 * 1024) {
            problems.add("only " + (freeBytes >> 20) + " MB of hugepages free but the EAL arguments ask for " + wantMb +
                " MB: raise /proc/sys/vm/nr_hugepages or lower -m/--socket-mem");
        }
        if (!args.inMemory && !read(root.resolve("proc/mounts")).contains(" hugetlbfs ")) {
            problems.add("hugetlbfs is not mounted: mkdir -p /dev/hugepages && mount -t hugetlbfs nodev " +
                "/dev/hugepages, or add --in-memory to the EAL arguments");
        }
    }

    /** The EAL arguments preflight cares about. */
    static final class EalArgs {
        boolean noHuge;
        boolean noPci;
        boolean inMemory;
        long memoryMb;
        final List<String> vdevs = new ArrayList<>();

        static EalArgs parse(List<String> args) {
            final EalArgs a = new EalArgs();
            for (int i = 0; i < args.size(); i++) {
                final String arg = args.get(i);
                final String next = i + 1 < args.size() ? args.get(i + 1) : "";
                switch (arg) {
                    case "--no-huge" -> a.noHuge = true;
                    case "--no-pci" -> a.noPci = true;
                    case "--in-memory" -> a.inMemory = true;
                    case "-m" -> a.memoryMb = parseMb(next);
                    case "--socket-mem" -> a.memoryMb = sumMb(next);
                    case "--vdev" -> a.vdevs.add(next);
                    default -> {
                        if (arg.startsWith("-m") && arg.length() > 2 && !arg.startsWith("--")) {
                            a.memoryMb = parseMb(arg.substring(2));
                        } else if (arg.startsWith("--socket-mem=")) {
                            a.memoryMb = sumMb(arg.substring("--socket-mem=".length()));
                        } else if (arg.startsWith("--vdev=")) {
                            a.vdevs.add(arg.substring("--vdev=".length()));
                        }
                    }
                }
            }
            return a;
        }

        private static long parseMb(String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return 0;
            }
        }

        private static long sumMb(String csv) {
            long sum = 0;
            for (String part : csv.split(",")) {
                sum += parseMb(part);
            }
            return sum;
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static long readLong(Path p) throws IOException {
        return Long.parseLong(Files.readString(p).trim());
    }

    private static long parseHexField(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                return Long.parseUnsignedLong(line.substring(key.length()).trim(), 16);
            }
        }
        return 0;
    }

    private static int parseFirstInt(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                return Integer.parseInt(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return -1;
    }
}
