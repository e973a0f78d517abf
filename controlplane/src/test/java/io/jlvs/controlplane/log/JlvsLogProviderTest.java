package io.jlvs.controlplane.log;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The director's log lines, plain and for journald, and its levels per logger. */
class JlvsLogProviderTest
{
    @Test
    void shouldLeadEachLineWithItsSyslogPriorityForTheJournal()
    {
        assertEquals("<4>[main] WARN io.jlvs.X - no route\n",
            JlvsLoggerFactory.format("main", Level.WARN, "io.jlvs.X", "no route", null, true));
        assertEquals("[main] INFO io.jlvs.X - up\n",
            JlvsLoggerFactory.format("main", Level.INFO, "io.jlvs.X", "up", null, false), "slf4j-simple's form");
        final String withStack = JlvsLoggerFactory.format("t", Level.ERROR, "io.jlvs.X", "failed",
            new IllegalStateException("boom"), true);
        assertTrue(withStack.startsWith("<3>[t] ERROR io.jlvs.X - failed\n<3>java.lang.IllegalStateException: boom\n"),
            withStack);
        assertTrue(withStack.lines().allMatch((l) -> l.startsWith("<3>")), "every line of the stack: " + withStack);
        assertEquals(6, JlvsLoggerFactory.priority(Level.INFO));
        assertEquals(7, JlvsLoggerFactory.priority(Level.DEBUG));
    }

    @Test
    void shouldTakeTheLongestPrefixsLevel()
    {
        final LogLevels levels = new LogLevels(Level.INFO.toInt(),
            Map.of("org.xbill", LogLevels.OFF, "org.xbill.DNS.Lookup", Level.DEBUG.toInt()));
        assertEquals(Level.INFO.toInt(), levels.levelOf("io.jlvs.controlplane.Director"));
        assertEquals(LogLevels.OFF, levels.levelOf("org.xbill.DNS.SimpleResolver"));
        assertEquals(Level.DEBUG.toInt(), levels.levelOf("org.xbill.DNS.Lookup"));
        assertEquals(Level.WARN.toInt(), LogLevels.parse("warn", 0));
        assertEquals(7, LogLevels.parse("nonsense", 7));
    }

    @Test
    void shouldBeTheBindingWithTheShippedLevels()
    {
        assertTrue(LoggerFactory.getILoggerFactory() instanceof JlvsLoggerFactory, "" + LoggerFactory.getILoggerFactory());
        assertTrue(LoggerFactory.getLogger("io.jlvs.controlplane.Director").isInfoEnabled());
        assertFalse(LoggerFactory.getLogger("io.jlvs.controlplane.Director").isDebugEnabled());
        assertFalse(LoggerFactory.getLogger("org.tinyradius.Client").isErrorEnabled(), "off in jlvs-log.properties");
    }
}
