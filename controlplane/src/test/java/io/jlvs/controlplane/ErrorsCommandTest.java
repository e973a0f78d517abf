package io.jlvs.controlplane;

import io.jlvs.dataplane.status.ErrorLogFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** jlvs errors: each distinct error with its count and times, the times in one format whatever their milliseconds. */
class ErrorsCommandTest
{
    @TempDir
    Path dir;

    @Test
    void shouldPrintEachDistinctErrorWithItsCountAndTimes()
    {
        final long[] nowMs = {1_764_590_400_000L}; // on a whole second
        try (ErrorLogFile file = ErrorLogFile.create(dir.resolve("errors.dat"), 64 * 1024))
        {
            final var log = file.newLog(() -> nowMs[0]);
            final IllegalStateException error = new IllegalStateException("a ring was full");
            log.record(error);
            nowMs[0] += 2_120;
            log.record(error);
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream out = System.out;
        try (PrintStream p = new PrintStream(bytes, true, StandardCharsets.UTF_8))
        {
            System.setOut(p);
            assertEquals(0, new picocli.CommandLine(new Jlvs()).execute("errors", "--dir", dir.toString()));
        }
        finally
        {
            System.setOut(out);
        }
        final DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSZ")
            .withZone(ZoneId.systemDefault());
        final String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("2 observations from " + f.format(Instant.ofEpochMilli(1_764_590_400_000L)) +
            " to " + f.format(Instant.ofEpochMilli(1_764_590_402_120L)) + " for:\n java.lang.IllegalStateException: " +
            "a ring was full\n"), text);
        assertTrue(text.contains(".000") && text.endsWith("\n1 distinct errors observed.\n"), text);
    }
}
