package io.jlvs.controlplane.health;

/**
 * One kind of health check against one real server, as ldirectord runs it: blocking, bounded by its own timeout.
 * Runs on the checker's threads, never the dataplane's.
 */
@FunctionalInterface
public interface Check
{
    /** @return true when the real server passed. Any failure (refused, timed out, wrong answer) is false. */
    boolean run();
}
