package io.jlvs.controlplane.sync;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyncKeyTest
{
    @TempDir
    Path dir;

    private Path key(final String text, final String perms) throws Exception
    {
        final Path f = dir.resolve("sync.key");
        Files.writeString(f, text);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        return f;
    }

    @Test
    void shouldReadAnOwnerOnlyKeyWithoutItsNewline() throws Exception
    {
        final String hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assertArrayEquals(hex.getBytes(), SyncKey.read(key(hex + "\n", "rw-------")));
        assertArrayEquals(hex.getBytes(), SyncKey.read(key(hex, "r--------")));
    }

    @Test
    void shouldRefuseAKeyOthersMayReadOrAShortOneOrNone() throws Exception
    {
        final String hex = "9f86d081884c7d659a2feaa0c55ad015";
        assertTrue(assertThrows(IllegalStateException.class, () -> SyncKey.read(key(hex, "rw-r--r--")))
            .getMessage().contains("chmod 600"));
        assertTrue(assertThrows(IllegalStateException.class, () -> SyncKey.read(key(hex, "rw----r--")))
            .getMessage().contains("others"));
        assertTrue(assertThrows(IllegalStateException.class, () -> SyncKey.read(key("short\n", "rw-------")))
            .getMessage().contains("fewer than 16"));
        assertTrue(assertThrows(IllegalStateException.class, () -> SyncKey.read(dir.resolve("none")))
            .getMessage().contains("openssl rand"));
    }
}
