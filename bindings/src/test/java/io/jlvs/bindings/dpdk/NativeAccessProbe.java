package io.jlvs.bindings.dpdk;

import java.util.List;

/** Run in a child JVM without --enable-native-access: prints what Dpdk.init says. */
final class NativeAccessProbe {

    private NativeAccessProbe() {
    }

    public static void main(String[] args) {
        try {
            Dpdk.init(List.of("--no-huge"));
            System.out.println("UNEXPECTED: init succeeded");
        } catch (IllegalStateException e) {
            System.out.println("REFUSED: " + e.getMessage());
        }
        System.out.println("PREFLIGHT: " + DpdkPreflight.beforeInit(List.of("--no-huge")));
    }
}
