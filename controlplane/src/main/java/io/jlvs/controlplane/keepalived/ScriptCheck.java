package io.jlvs.controlplane.keepalived;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * The scripts of a keepalived.conf (notify_up, notify_down, quorum_up, quorum_down, misc_path) as keepalived's
 * {@code notify.c} admits them: the program found (on the PATH when not given by its full path) and executable; with
 * {@code enable_script_security}, every directory and the file itself owned by root and writable by nobody else, or
 * the script is disabled; without it, one warning that scripts run as root unchecked. A disabled script is a warning,
 * as in keepalived, and its hook does nothing.
 */
final class ScriptCheck
{
    private static final List<Path> PATH = List.of(Path.of("/usr/local/sbin"), Path.of("/usr/local/bin"),
        Path.of("/usr/sbin"), Path.of("/usr/bin"), Path.of("/sbin"), Path.of("/bin"));

    /** The user keepalived runs scripts as when neither script_user nor the script names one. */
    static final String DEFAULT_SCRIPT_USER = "keepalived_script";

    private final KeepalivedValues values;
    private final boolean security;
    /** With script security, no script_user, and no keepalived_script user: scripts naming no user cannot run. */
    private final boolean noDefaultUser;
    private boolean noDefaultUserSaid;
    private KeepalivedBlock firstScript;

    /**
     * @param security   {@code enable_script_security}
     * @param scriptUser whether {@code script_user} is set
     * @param users      the users of this system (keepalived looks for {@value #DEFAULT_SCRIPT_USER})
     */
    ScriptCheck(final KeepalivedValues values, final boolean security, final boolean scriptUser,
        final java.util.function.Predicate<String> users)
    {
        this.values = values;
        this.security = security;
        this.noDefaultUser = security && !scriptUser && !users.test(DEFAULT_SCRIPT_USER);
    }

    /** Whether {@code name} is a user of this system, by /etc/passwd. */
    static boolean isUser(final String name)
    {
        try
        {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch((l) -> l.startsWith(name + ":"));
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * A script keyword's command ({@code notify_up "/path/script args" [user [group]]}): its words, the program by its
     * full path; none when it is disabled.
     */
    List<String> command(final KeepalivedBlock s)
    {
        final String text = values.arg(s, 0);
        if (null == text)
        {
            return List.of();
        }
        if (s.args().size() > 1)
        {
            values.notDone(s, "running it as user " + String.join(" ", s.args().subList(1, s.args().size())) +
                " (jlvs runs its scripts as the director's user)");
        }
        return admit(s, ScriptWords.split(text), s.args().size() > 1);
    }

    /**
     * {@code misc_path "/path/script args"}: as {@link #command}, but the words after the first are not a user: keepalived
     * ignores them, and jlvs says so.
     */
    List<String> miscPath(final KeepalivedBlock s, final boolean hasUser)
    {
        final String text = values.arg(s, 0);
        if (null == text)
        {
            return List.of();
        }
        if (s.args().size() > 1)
        {
            values.warn(s, "misc_path: the words after " + text + " are ignored, as keepalived ignores them; quote " +
                "the whole command");
        }
        return admit(s, ScriptWords.split(text), hasUser);
    }

    private List<String> admit(final KeepalivedBlock s, final List<String> words, final boolean hasUser)
    {
        if (words.isEmpty())
        {
            values.error(s, s.keyword() + " needs a script");
            return List.of();
        }
        if (noDefaultUser && !hasUser)
        {
            if (!noDefaultUserSaid)
            {
                noDefaultUserSaid = true;
                values.warn(s, "Unable to set default user " + DEFAULT_SCRIPT_USER + " for script (with " +
                    "enable_script_security, set script_user or create the user)");
            }
            values.warn(s, "script " + words.getFirst() + " has no user to run as - disabling");
            return List.of();
        }
        final Path program = find(words.getFirst());
        if (null == program)
        {
            values.warn(s, "script " + words.getFirst() + " is not an executable file - disabling");
            return List.of();
        }
        if (security)
        {
            final String unsafe = unsafe(program);
            if (null != unsafe)
            {
                values.warn(s, "Unsafe permissions found for script '" + program + "' (" + unsafe + ") - disabling.");
                return List.of();
            }
        }
        else if (null == firstScript)
        {
            firstScript = s;
            values.warn(s, "SECURITY VIOLATION - scripts are being executed but script_security not enabled.");
        }
        final java.util.ArrayList<String> out = new java.util.ArrayList<>(words);
        out.set(0, program.toString());
        return List.copyOf(out);
    }

    private static Path find(final String program)
    {
        final Path p = Path.of(program);
        if (p.isAbsolute())
        {
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        if (program.contains("/"))
        {
            return null;
        }
        for (final Path dir : PATH)
        {
            final Path candidate = dir.resolve(program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /** Why root may not run {@code program} under script security, or null: a component not root's, or writable. */
    static String unsafe(final Path program)
    {
        Path p;
        try
        {
            p = program.toRealPath();
        }
        catch (final IOException ex)
        {
            return program + " cannot be resolved: " + ex.getClass().getSimpleName();
        }
        while (null != p)
        {
            try
            {
                final PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                final Set<PosixFilePermission> perms = a.permissions();
                if (!a.owner().getName().equals("root"))
                {
                    return p + " is owned by " + a.owner().getName();
                }
                final boolean sticky = a.isDirectory() && sticky(p);
                if (!sticky && (perms.contains(PosixFilePermission.OTHERS_WRITE) ||
                    (perms.contains(PosixFilePermission.GROUP_WRITE) && !a.group().getName().equals("root"))))
                {
                    return p + " is writable by others";
                }
            }
            catch (final IOException ex)
            {
                return p + " cannot be read: " + ex.getClass().getSimpleName();
            }
            p = p.getParent();
        }
        return null;
    }

    private static boolean sticky(final Path dir) throws IOException
    {
        final Object mode = Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        return mode instanceof Integer m && (m & 01000) != 0;
    }
}
