package io.jlvs.controlplane.vrrp;

/**
 * What a tracked object (a {@code vrrp_script}, an interface) does to its instance, keepalived's rule in
 * {@code vrrp_track.c}: a positive weight is added while the object is good, a negative one while it is not,
 * {@code reverse} turning the sign, not the condition; with weight 0 an object that is not good (with reverse, one
 * that is) holds the instance in FAULT.
 *
 * @param weight  -253..253 (254 for an interface, as keepalived allows)
 * @param reverse {@code reverse}
 */
public record TrackWeight(int weight, boolean reverse)
{
    /** What the object's state adds to the priority. */
    public int priorityDelta(final boolean good)
    {
        final int multiplier = reverse ? -1 : 1;
        if (weight > 0)
        {
            return good ? weight * multiplier : 0;
        }
        return good ? 0 : weight * multiplier;
    }

    /** Whether the object's state holds the instance in FAULT. */
    public boolean faults(final boolean good)
    {
        return 0 == weight && good == reverse;
    }
}
