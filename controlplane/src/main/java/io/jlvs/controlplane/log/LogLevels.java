package io.jlvs.controlplane.log;

import org.slf4j.event.Level;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The level of each logger: {@code level = info} for all, {@code level.<prefix> = warn|off|...} for the loggers whose
 * names start with the prefix (the longest prefix wins), from {@code jlvs-log.properties}; the system property
 * {@code jlvs.log.level} overrides the default.
 */
final class LogLevels
{
    /** Above every level: the logger says nothing. */
    static final int OFF = Integer.MAX_VALUE;

    private final int defaultLevel;
    private final TreeMap<String, Integer> byPrefix;

    LogLevels(final int defaultLevel, final Map<String, Integer> byPrefix)
    {
        this.defaultLevel = defaultLevel;
        this.byPrefix = new TreeMap<>(byPrefix);
    }

    static LogLevels fromResource()
    {
        final Properties p = new Properties();
        try (InputStream in = LogLevels.class.getResourceAsStream("/jlvs-log.properties"))
        {
            if (null != in)
            {
                p.load(in);
            }
        }
        catch (final IOException ex)
        {
            // the defaults then
        }
        final Map<String, Integer> byPrefix = new TreeMap<>();
        for (final String key : p.stringPropertyNames())
        {
            if (key.startsWith("level."))
            {
                byPrefix.put(key.substring("level.".length()), parse(p.getProperty(key), Level.INFO.toInt()));
            }
        }
        final String level = System.getProperty("jlvs.log.level", p.getProperty("level", "info"));
        return new LogLevels(parse(level, Level.INFO.toInt()), byPrefix);
    }

    /** The level of a logger: its longest configured prefix's, else the default. */
    int levelOf(final String name)
    {
        String best = null;
        for (final String prefix : byPrefix.keySet())
        {
            if (name.startsWith(prefix) && (null == best || prefix.length() > best.length()))
            {
                best = prefix;
            }
        }
        return null == best ? defaultLevel : byPrefix.get(best);
    }

    static int parse(final String text, final int otherwise)
    {
        final String t = text.strip().toUpperCase(java.util.Locale.ROOT);
        if (t.equals("OFF"))
        {
            return OFF;
        }
        try
        {
            return Level.valueOf(t).toInt();
        }
        catch (final IllegalArgumentException ex)
        {
            return otherwise;
        }
    }
}
