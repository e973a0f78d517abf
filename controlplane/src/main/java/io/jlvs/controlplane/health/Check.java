package io.jlvs.controlplane.health;

/**
 * One kind of health check against one real server, as ldirectord runs it: blocking, bounded by its own timeout.
 * Runs on the checker's threads, never the dataplane's; each run on a thread of its own, which is where a failed
 * check leaves its reason ({@link #fail}) for the health view and the monitorfile.
 */
@FunctionalInterface
public interface Check
{
    /** Why the last check on this thread failed; a check's thread runs one check. */
    ThreadLocal<String> REASON = new ThreadLocal<>();

    /** @return true when the real server passed. Any failure (refused, timed out, wrong answer) is false. */
    boolean run();

    /** A failed check, and why: returns false. */
    static boolean fail(final String why)
    {
        REASON.set(why);
        return false;
    }

    /** {@code passed}, or a failed check for {@code why}. */
    static boolean passIf(final boolean passed, final String why)
    {
        return passed || fail(why);
    }

    /** A failed check, and the exception that says why: returns false. */
    static boolean fail(final Throwable ex)
    {
        final String message = ex.getMessage();
        return fail(ex.getClass().getSimpleName() + (null == message ? "" : ": " + message));
    }

    /** The reason the last failed check on this thread left, cleared. */
    static String takeReason()
    {
        final String why = REASON.get();
        REASON.remove();
        return null == why ? "failed" : why;
    }
}
