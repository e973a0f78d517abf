package io.jlvs.controlplane.vrrp;

import java.util.List;

/**
 * A {@code vrrp_script} that the instance tracks ({@code track_script}): a command run every {@code interval}; its
 * state changes after {@code rise} passes or {@code fall} failures in a row. With a positive weight the instance's
 * priority rises by it while the script passes, with a negative one it falls by it while the script fails
 * ({@code reverse} turns the sign); with weight 0 a failing script (a passing one, with reverse) puts the instance in
 * FAULT: it gives up the addresses and does not take them while it lasts.
 *
 * @param name       the script's name
 * @param command    its words, the program by its full path
 * @param intervalMs {@code interval}, whole seconds as keepalived takes them (1..4294), default 1 s
 * @param timeoutMs  {@code timeout}: a run longer than this fails (default the interval)
 * @param weight     -253..253, the track_script's own when it gives one, else the script's (default 0)
 * @param reverse    {@code reverse}
 * @param rise       {@code rise}, default 1
 * @param fall       {@code fall}, default 1
 * @param initFail   {@code init_fail}: the script starts failed, not passed
 */
public record VrrpScript(String name, List<String> command, long intervalMs, long timeoutMs, int weight,
    boolean reverse, int rise, int fall, boolean initFail)
{
    public VrrpScript
    {
        command = List.copyOf(command);
    }

    /**
     * What the script's state adds to the priority, keepalived's {@code process_script_update_priority}: a positive
     * weight while it passes, a negative one while it fails; {@code reverse} turns the sign, not the condition.
     */
    public int priorityDelta(final boolean passing)
    {
        return new TrackWeight(weight, reverse).priorityDelta(passing);
    }

    /** Whether a script of weight 0 holds the instance in FAULT: while it fails (with reverse, while it passes). */
    public boolean faults(final boolean passing)
    {
        return new TrackWeight(weight, reverse).faults(passing);
    }
}
