package io.jlvs.dataplane.status;

import org.agrona.concurrent.CachedEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorLogFileTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepEachDistinctErrorOnceWithItsCountForAnotherProcessToRead()
    {
        final Path file = dir.resolve("errors.dat");
        final CachedEpochClock clock = new CachedEpochClock();
        try (ErrorLogFile writer = ErrorLogFile.create(file, 64 * 1024))
        {
            final var log = writer.newLog(clock);
            final IllegalStateException same = new IllegalStateException("bug in onPacket");
            clock.update(1000);
            log.record(same);
            clock.update(2000);
            log.record(same);
            log.record(new IllegalArgumentException("another"));
        }
        final List<String> seen = new ArrayList<>();
        try (ErrorLogFile reader = ErrorLogFile.open(file))
        {
            assertEquals(2, reader.read((count, first, last, text) ->
                seen.add(count + " " + first + " " + last + " " + text.lines().findFirst().orElse(""))));
        }
        assertTrue(seen.contains("2 1000 2000 java.lang.IllegalStateException: bug in onPacket"), seen.toString());
        assertTrue(seen.contains("1 2000 2000 java.lang.IllegalArgumentException: another"), seen.toString());
    }
}
