package io.jlvs.bindings.dpdk;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeAccessTest {

    @Test
    void shouldFailFastNamingTheFlagWithoutNativeAccess() throws Exception {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
            NativeAccessProbe.class.getName())
            .redirectErrorStream(true)
            .start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("REFUSED: jlvs needs native access for DPDK: start the JVM with " +
            "--enable-native-access=ALL-UNNAMED"), out);
        assertTrue(out.contains("PREFLIGHT: [native access is disabled: start the JVM with " +
            "--enable-native-access=ALL-UNNAMED]"), out);
        assertTrue(List.of(System.getProperty("java.class.path").split(File.pathSeparator)).size() > 1);
    }
}
