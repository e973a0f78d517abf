package io.jlvs.controlplane.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * An error or warning found in a configuration file.
 *
 * @param file    the file
 * @param line    1-based line number; 0 when it concerns the whole file (e.g. a missing key)
 * @param message what is wrong, naming the offending value
 * @param text    the offending line as written (trimmed); "" when there is none
 */
public record ConfigDiagnostic(Path file, int line, String message, String text)
{
    public ConfigDiagnostic
    {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(text, "text");
    }

    /** @return "FILE:LINE: MESSAGE" (or "FILE: MESSAGE" for line 0), the form compilers and ldirectord users grep */
    @Override
    public String toString()
    {
        return line > 0 ? file + ":" + line + ": " + message : file + ": " + message;
    }
}
