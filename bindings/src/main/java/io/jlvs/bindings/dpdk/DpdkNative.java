package io.jlvs.bindings.dpdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads {@code libjlvs_shim.so} once per class loader and resolves native symbols for the header classes.
 * <p>
 * The shim is linked with {@code --no-as-needed} against every libdpdk library, so {@link #find(String)} finds
 * any exported {@code rte_*} symbol through the shim's handle alone. Symbols living in PMD plugins that libdpdk
 * does not link (e.g. {@code rte_eth_from_rings} in {@code librte_net_ring.so.23}) come from a fallback lookup.
 * <p>
 * Where the shim comes from, first match wins: system property {@code jlvs.shim.path}; the class-path resource
 * {@code /native/linux-x86_64/libjlvs_shim.so} used in place when it is a plain file, or copied to a temp file
 * when it is inside a jar.
 */
@SuppressWarnings("restricted")
public final class DpdkNative {

    /** Names the JVM flag, as Lucene does, so the fix is in the message. */
    public static final String NATIVE_ACCESS_FLAG = "--enable-native-access=ALL-UNNAMED";
    public static final String SHIM_PATH_PROPERTY = "jlvs.shim.path";
    /** DPDK shared-library ABI the shim is built against (DPDK 22.11 LTS). */
    public static final String DPDK_ABI = "23";

    private static final List<String> FALLBACK_LIBRARIES = List.of(
        "librte_net_ring.so." + DPDK_ABI,
        "librte_eal.so." + DPDK_ABI,
        "librte_ethdev.so." + DPDK_ABI,
        "librte_mbuf.so." + DPDK_ABI,
        "librte_mempool.so." + DPDK_ABI,
        "librte_ring.so." + DPDK_ABI);

    private DpdkNative() {
    }

    /** Throws with the flag to add when the JVM does not grant this module native access. */
    public static void requireNativeAccess() {
        if (!DpdkNative.class.getModule().isNativeAccessEnabled()) {
            throw new IllegalStateException(
                "jlvs needs native access for DPDK: start the JVM with " + NATIVE_ACCESS_FLAG +
                " (or Enable-Native-Access: ALL-UNNAMED in the jar manifest)");
        }
    }

    /** The resource name of the shim inside the jar for this platform. */
    public static String shimResource() {
        final String arch = System.getProperty("os.arch");
        final String platform = switch (arch) {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64" -> "linux-aarch64";
            default -> throw new UnsupportedOperationException("no libjlvs_shim.so for os.arch=" + arch);
        };
        return "/native/" + platform + "/libjlvs_shim.so";
    }

    /** The file the shim was loaded from (a temp copy when it came from a jar). */
    public static Path shimPath() {
        return Holder.SHIM_PATH;
    }

    /** The shim's own lookup: shim symbols plus everything in its DT_NEEDED tree (all libdpdk libraries). */
    public static SymbolLookup shimLookup() {
        return Holder.SHIM;
    }

    /** Finds a symbol in the shim's tree, then in the fallback libraries; throws if it is nowhere. */
    public static MemorySegment find(String name) {
        return findOptional(name).orElseThrow(() -> new UnsatisfiedLinkError(
            "unresolved symbol: " + name + " (searched " + Holder.SHIM_PATH + " and its dependencies, then " +
            FALLBACK_LIBRARIES + ")"));
    }

    public static Optional<MemorySegment> findOptional(String name) {
        final Optional<MemorySegment> inShim = Holder.SHIM.find(name);
        if (inShim.isPresent()) {
            return inShim;
        }
        for (String library : FALLBACK_LIBRARIES) {
            final Optional<MemorySegment> symbol = Fallbacks.lookup(library).find(name);
            if (symbol.isPresent()) {
                return symbol;
            }
        }
        return Optional.empty();
    }

    /** Linker shared by the header classes. */
    static Linker linker() {
        return Holder.LINKER;
    }

    private static final class Holder {
        static final Linker LINKER;
        static final Path SHIM_PATH;
        static final SymbolLookup SHIM;

        static {
            requireNativeAccess();
            LINKER = Linker.nativeLinker();
            SHIM_PATH = locateShim();
            SHIM = SymbolLookup.libraryLookup(SHIM_PATH, Arena.global());
        }
    }

    private static final class Fallbacks {
        private static final Map<String, SymbolLookup> LOADED = new ConcurrentHashMap<>();
        private static final SymbolLookup NONE = name -> Optional.empty();

        static SymbolLookup lookup(String library) {
            return LOADED.computeIfAbsent(library, lib -> {
                try {
                    return SymbolLookup.libraryLookup(lib, Arena.global());
                } catch (IllegalArgumentException notLoadable) {
                    return NONE;
                }
            });
        }
    }

    private static Path locateShim() {
        final String override = System.getProperty(SHIM_PATH_PROPERTY);
        if (override != null && !override.isBlank()) {
            final Path path = Path.of(override);
            if (!Files.isRegularFile(path)) {
                throw new IllegalStateException(SHIM_PATH_PROPERTY + "=" + override + " is not a file");
            }
            return path;
        }
        final String resource = shimResource();
        final URL url = DpdkNative.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException(resource + " is not on the class path: build the bindings module " +
                "(src/main/c/build-native.sh) or set -D" + SHIM_PATH_PROPERTY + "=/path/to/libjlvs_shim.so");
        }
        if ("file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("bad shim URL " + url, e);
            }
        }
        try (InputStream in = url.openStream()) {
            final Path tmp = Files.createTempFile("libjlvs_shim-", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + url + " to a temp file", e);
        }
    }
}
