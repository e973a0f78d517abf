package io.jlvs.controlplane.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The director's SLF4J binding: one line per event, {@code [thread] LEVEL logger - message}, on standard error; under
 * systemd (its journal on standard output, {@code $JOURNAL_STREAM} set) on standard output with each line led by
 * its syslog priority ({@code <3>} error, {@code <4>} warning, {@code <6>} info, {@code <7>} debug), which journald
 * takes ({@code SyslogLevelPrefix}), so that {@code journalctl -p warning} finds the warnings. Levels per logger
 * come from {@code jlvs-log.properties}.
 */
public final class JlvsLogProvider implements SLF4JServiceProvider
{
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();
    private volatile ILoggerFactory factory;

    @Override
    public ILoggerFactory getLoggerFactory()
    {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory()
    {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter()
    {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion()
    {
        return "2.0.99";
    }

    @Override
    public void initialize()
    {
        factory = new JlvsLoggerFactory(LogLevels.fromResource(), null != System.getenv("JOURNAL_STREAM"));
    }
}
