package io.jlvs.controlplane.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** The loggers of {@link JlvsLogProvider}, one per name. */
final class JlvsLoggerFactory implements ILoggerFactory
{
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final LogLevels levels;
    private final boolean journal;

    JlvsLoggerFactory(final LogLevels levels, final boolean journal)
    {
        this.levels = levels;
        this.journal = journal;
    }

    @Override
    public Logger getLogger(final String name)
    {
        return loggers.computeIfAbsent(name, (n) -> new JlvsLogger(n, levels.levelOf(n), journal));
    }

    /** syslog's priority of a level: error 3, warning 4, info 6, debug 7. */
    static int priority(final Level level)
    {
        return switch (level)
        {
            case ERROR -> 3;
            case WARN -> 4;
            case INFO -> 6;
            default -> 7;
        };
    }

    /**
     * One event as its lines: {@code [thread] LEVEL logger - message}, then the throwable's stack, each line led by
     * {@code <priority>} for the journal.
     */
    static String format(final String thread, final Level level, final String logger, final String message,
        final Throwable t, final boolean journal)
    {
        final StringBuilder text = new StringBuilder().append('[').append(thread).append("] ").append(level)
            .append(' ').append(logger).append(" - ").append(message).append('\n');
        if (null != t)
        {
            final StringWriter w = new StringWriter();
            t.printStackTrace(new PrintWriter(w));
            text.append(w);
        }
        if (!journal)
        {
            return text.toString();
        }
        final String prefix = "<" + priority(level) + ">";
        final StringBuilder out = new StringBuilder(text.length() + 16);
        text.toString().lines().forEach((l) -> out.append(prefix).append(l).append('\n'));
        return out.toString();
    }

    private static final class JlvsLogger extends LegacyAbstractLogger
    {
        private final int level;
        private final boolean journal;

        JlvsLogger(final String name, final int level, final boolean journal)
        {
            this.name = name;
            this.level = level;
            this.journal = journal;
        }

        @Override
        public boolean isTraceEnabled()
        {
            return level <= Level.TRACE.toInt();
        }

        @Override
        public boolean isDebugEnabled()
        {
            return level <= Level.DEBUG.toInt();
        }

        @Override
        public boolean isInfoEnabled()
        {
            return level <= Level.INFO.toInt();
        }

        @Override
        public boolean isWarnEnabled()
        {
            return level <= Level.WARN.toInt();
        }

        @Override
        public boolean isErrorEnabled()
        {
            return level <= Level.ERROR.toInt();
        }

        @Override
        protected String getFullyQualifiedCallerName()
        {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(final Level lvl, final Marker marker, final String pattern,
            final Object[] arguments, final Throwable throwable)
        {
            final String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            final String text = format(Thread.currentThread().getName(), lvl, name, message, throwable, journal);
            final PrintStream out = journal ? System.out : System.err;
            synchronized (out)
            {
                out.print(text);
                out.flush();
            }
        }
    }
}
