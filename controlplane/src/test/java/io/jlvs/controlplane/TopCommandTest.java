package io.jlvs.controlplane;

import org.junit.jupiter.api.Test;

import java.time.LocalTime;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopCommandTest
{
    @Test
    void shouldKeepTheSecondsOnTheWholeMinute()
    {
        assertEquals("jlvs top - lab (pid 27087) - 14:43:00 - every 1.0 s\n\n",
            Jlvs.TopCommand.header("lab", 27087, LocalTime.of(14, 43, 0, 999_000_000), 1.0));
        assertEquals("jlvs top - lab (pid 1) - 09:05:07 - every 2.0 s\n\n",
            Jlvs.TopCommand.header("lab", 1, LocalTime.of(9, 5, 7), 2.0));
    }

    @Test
    void shouldCutTheScreenToTheTerminalSayingHowMuchIsLeftOut()
    {
        assertEquals("a\nb\n... 2 more lines: a taller terminal shows them",
            Jlvs.TopCommand.fitted("a\nb\nc\nd\n", 3));
        assertEquals("a\nb\n", Jlvs.TopCommand.fitted("a\nb\n", 3));
        assertEquals("a\nb\nc\nd\n", Jlvs.TopCommand.fitted("a\nb\nc\nd\n", 0));
    }
}
