package io.jlvs.controlplane.health;

import io.jlvs.controlplane.TableCompiler;

import java.util.List;

/**
 * Where a director's health comes from: ldirectord's checks ({@link HealthMonitor}, for ldirectord.cf) or keepalived's
 * checkers ({@link io.jlvs.controlplane.keepalived.KeepalivedHealth}, for keepalived.conf). Both answer the table's
 * questions and show their checks the same way.
 */
public interface HealthSource extends TableCompiler.Health, AutoCloseable
{
    /** Whether every check has answered at least once (the director is past starting). */
    boolean allAnswered();

    /** One line per check, for {@code jlvs health}. */
    String report();

    /** Every check, for the metrics. */
    List<HealthMonitor.CheckState> checks();

    @Override
    void close();
}
