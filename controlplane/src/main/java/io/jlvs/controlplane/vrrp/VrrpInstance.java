package io.jlvs.controlplane.vrrp;

import java.util.function.BooleanSupplier;

/**
 * One VRRP virtual router's state machine, RFC 5798 section 6.4, with keepalived's initial state, {@code nopreempt}
 * and {@code preempt_delay}, and one thing of jlvs's: a backup with a higher priority preempts only once its sync
 * daemon has caught up from the master (the {@code mayPreempt} gate), so a director coming back takes the VIPs with
 * their connections. Time is given, never read: the {@link VrrpDaemon} drives it, tests step it.
 * <ul>
 * <li>Backup: {@code Master_Down_Timer = 3 x Master_Adver_Interval + Skew_Time}, {@code Skew_Time =
 *     (256 - Priority) x Master_Adver_Interval / 256}; an advertisement of priority 0 sets it to the skew; one whose
 *     priority is at least ours, or any when we may not preempt, resets it and adopts its interval; a lower one is
 *     ignored, so the timer ends it. When the timer expires: master.</li>
 * <li>Master: advertises every {@code Advertisement_Interval}; one of priority 0 is answered at once; a higher
 *     priority, or an equal one from a higher address, makes it backup; a lower one is ignored.</li>
 * </ul>
 */
public final class VrrpInstance
{
    /**
     * The states an operator is shown. {@link #FAULT} is keepalived's, never this machine's own: a faulty instance
     * stays BACKUP here, with {@link #isFault()}; the {@link VrrpDaemon} reports it as FAULT.
     */
    public enum State
    {
        INIT, BACKUP, MASTER, FAULT
    }

    /** What a transition asks of the director; called on the driving thread. */
    public interface Actions
    {
        void advertise(int priority);

        void becomeMaster();

        void becomeBackup();
    }

    /** The current priority: the configured one moved by the tracked scripts (owned by the VRRP thread). */
    private int priority;
    /** A tracked script of weight 0 fails: the instance gives up the addresses and does not take them. */
    private boolean fault;
    private final int intervalCs;
    private final boolean preempt;
    private final long preemptDelayMs;
    private final boolean v2;
    private final BooleanSupplier mayPreempt;
    private final Actions actions;
    private State state = State.INIT;
    private int masterIntervalCs;
    private long masterDownAtMs;
    private long advertiseAtMs;
    private long preemptFromMs;
    private int transitions;

    /**
     * @param mayPreempt whether a higher-priority backup may take over from a live master now.
     */
    public VrrpInstance(final int priority, final int intervalCs, final boolean preempt, final int preemptDelaySec,
        final int version, final BooleanSupplier mayPreempt, final Actions actions)
    {
        this.priority = priority;
        this.intervalCs = intervalCs;
        this.preempt = preempt;
        this.preemptDelayMs = preemptDelaySec * 1000L;
        this.v2 = version == 2;
        this.mayPreempt = mayPreempt;
        this.actions = actions;
        this.masterIntervalCs = intervalCs;
    }

    /** Startup: master at once with {@code state MASTER} or as the address owner (255), else backup. */
    public void start(final long nowMs, final boolean initialMaster)
    {
        preemptFromMs = nowMs + preemptDelayMs;
        if (!fault && (priority == 255 || initialMaster))
        {
            toMaster(nowMs);
        }
        else
        {
            toBackup(nowMs, intervalCs);
        }
    }

    /**
     * A tracked script moved the priority: a master advertises the new one at once, so that a backup of a higher
     * priority preempts it; a backup's higher priority lets it preempt a lower master when its timer runs out.
     */
    public void priority(final long nowMs, final int next)
    {
        if (next == priority)
        {
            return;
        }
        priority = next;
        if (state == State.MASTER)
        {
            actions.advertise(priority);
            advertiseAtMs = nowMs + intervalCs * 10L;
        }
    }

    /**
     * keepalived's FAULT: a master gives up at once (priority 0, so that a backup takes over now) and neither takes
     * the addresses until the fault clears; then it is a backup again, with its timers.
     */
    public void fault(final long nowMs, final boolean faulty)
    {
        if (faulty == fault)
        {
            return;
        }
        fault = faulty;
        if (faulty && state == State.MASTER)
        {
            actions.advertise(0);
            toBackup(nowMs, intervalCs);
        }
        if (!faulty && state == State.BACKUP)
        {
            masterDownAtMs = nowMs + masterDownMs();
        }
    }

    public boolean isFault()
    {
        return fault;
    }

    /** Expired timers: a backup whose master went silent takes over; a master advertises. */
    public void onTime(final long nowMs)
    {
        if (state == State.BACKUP && !fault && nowMs >= masterDownAtMs)
        {
            toMaster(nowMs);
        }
        else if (state == State.MASTER && nowMs >= advertiseAtMs)
        {
            actions.advertise(priority);
            advertiseAtMs = nowMs + intervalCs * 10L;
        }
    }

    /**
     * An accepted advertisement from another router of our VRID.
     *
     * @param theirAddressHigher whether the sender's primary address is greater than ours (the tie-break of equal
     *                           priorities; IPv4 or IPv6, compared as unsigned numbers).
     */
    public void onAdvertisement(final long nowMs, final int theirPriority, final int theirIntervalCs,
        final boolean theirAddressHigher)
    {
        if (state == State.BACKUP)
        {
            if (theirPriority == 0)
            {
                masterDownAtMs = nowMs + skewMs();
            }
            else if (!preempting(nowMs) || theirPriority >= priority)
            {
                if (!v2)
                {
                    masterIntervalCs = Math.max(1, theirIntervalCs);
                }
                masterDownAtMs = nowMs + masterDownMs();
            }
            // else: a lower-priority master that we will preempt when the down timer expires
        }
        else if (state == State.MASTER)
        {
            if (theirPriority == 0)
            {
                actions.advertise(priority);
                advertiseAtMs = nowMs + intervalCs * 10L;
            }
            else if (theirPriority > priority ||
                (theirPriority == priority && theirAddressHigher))
            {
                toBackup(nowMs, v2 ? intervalCs : theirIntervalCs);
            }
        }
    }

    /** Stopping: a master tells the backups at once (priority 0), as RFC 5798 and keepalived do. */
    public void shutdown()
    {
        if (state == State.MASTER)
        {
            actions.advertise(0);
        }
        state = State.INIT;
    }

    private boolean preempting(final long nowMs)
    {
        return preempt && nowMs >= preemptFromMs && mayPreempt.getAsBoolean();
    }

    private void toMaster(final long nowMs)
    {
        state = State.MASTER;
        transitions++;
        actions.advertise(priority);
        advertiseAtMs = nowMs + intervalCs * 10L;
        actions.becomeMaster();
    }

    private void toBackup(final long nowMs, final int masterInterval)
    {
        final boolean wasMaster = state == State.MASTER;
        state = State.BACKUP;
        transitions++;
        masterIntervalCs = Math.max(1, masterInterval);
        masterDownAtMs = nowMs + masterDownMs();
        if (wasMaster || transitions == 1)
        {
            actions.becomeBackup();
        }
    }

    long skewMs()
    {
        return v2 ? (256L - priority) * 1000 / 256 : (256L - priority) * masterIntervalCs * 10 / 256;
    }

    long masterDownMs()
    {
        return 3L * masterIntervalCs * 10 + skewMs();
    }

    /** When the next timer expires, for the driver's wait. */
    public long nextDeadlineMs()
    {
        return state == State.MASTER ? advertiseAtMs : state == State.BACKUP ? masterDownAtMs : Long.MAX_VALUE;
    }

    public State state()
    {
        return state;
    }

    public int priority()
    {
        return priority;
    }

    public int transitions()
    {
        return transitions;
    }
}
