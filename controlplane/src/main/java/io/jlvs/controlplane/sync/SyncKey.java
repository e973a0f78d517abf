package io.jlvs.controlplane.sync;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * The key a pair of directors authenticates its sync messages with (HMAC-SHA256): a file both hold, readable by its
 * owner only, as ssh treats a private key. A key anyone else may read is refused, not used: a forged sync message
 * could plant connections in the backup's table.
 */
public final class SyncKey
{
    /** The least a key may be: 128 bits. */
    public static final int MIN_LENGTH = 16;
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
        PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private SyncKey()
    {
    }

    /**
     * Reads the key: the file's bytes, a trailing newline removed (a key written by {@code openssl rand -hex 32}
     * is text).
     *
     * @throws IllegalStateException saying what is wrong with the file and how to make a good one.
     */
    public static byte[] read(final Path file)
    {
        final String make = " (make one: umask 077; openssl rand -hex 32 > " + file + ", the same file on both directors)";
        try
        {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS))
            {
                throw new IllegalStateException("sync key " + file + " is not a regular file" + make);
            }
            final Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            perms.retainAll(OTHERS);
            if (!perms.isEmpty())
            {
                throw new IllegalStateException("sync key " + file + " may be used by others than its owner " +
                    "(chmod 600 " + file + ")");
            }
            final Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            final long self = new com.sun.security.auth.module.UnixSystem().getUid();
            if (owner instanceof Integer uid && uid != 0 && uid != self)
            {
                throw new IllegalStateException("sync key " + file + " belongs to uid " + uid +
                    ", neither root nor this process");
            }
            byte[] key = Files.readAllBytes(file);
            int end = key.length;
            while (end > 0 && (key[end - 1] == '\n' || key[end - 1] == '\r'))
            {
                end--;
            }
            key = Arrays.copyOf(key, end);
            if (key.length < MIN_LENGTH)
            {
                throw new IllegalStateException("sync key " + file + " has " + key.length + " bytes, fewer than " +
                    MIN_LENGTH + make);
            }
            return key;
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("cannot read sync key " + file + ": " + ex + make, ex);
        }
    }
}
