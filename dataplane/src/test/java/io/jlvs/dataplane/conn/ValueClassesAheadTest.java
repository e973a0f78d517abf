package io.jlvs.dataplane.conn;

import net.openhft.chronicle.hash.VanillaGlobalMutableState;
import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The map header's off-heap class comes from the build's classes, so a director's start runs no javac. */
class ValueClassesAheadTest
{
    @Test
    void shouldFindTheMapHeaderClassCompiledByTheBuild() throws Exception
    {
        final Class<?> built = Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native");
        // a class javac made at run time is defined without a code source; this one was read from a classes dir
        assertNotNull(built.getProtectionDomain().getCodeSource(), "compiled by the build (process-classes)");
        assertEquals(built, Values.nativeClassFor(VanillaGlobalMutableState.class), "Chronicle Values takes it");
    }
}
