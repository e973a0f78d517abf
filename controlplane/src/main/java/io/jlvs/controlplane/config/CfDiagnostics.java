package io.jlvs.controlplane.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The errors and warnings found while one ldirectord.cf is read. The whole file is read before any is reported, so
 * that one run shows them all, in line order.
 */
final class CfDiagnostics
{
    private final Path file;
    private final List<ConfigDiagnostic> errors = new ArrayList<>();
    private final List<ConfigDiagnostic> warnings = new ArrayList<>();

    CfDiagnostics(final Path file)
    {
        this.file = file;
    }

    Path file()
    {
        return file;
    }

    void error(final int line, final String message, final String text)
    {
        errors.add(new ConfigDiagnostic(file, line, message, text));
    }

    void error(final CfLine at, final String message)
    {
        error(at.number(), message, at.text());
    }

    void warn(final int line, final String message, final String text)
    {
        warnings.add(new ConfigDiagnostic(file, line, message, text));
    }

    void warn(final CfLine at, final String message)
    {
        warn(at.number(), message, at.text());
    }

    /** How many errors so far: a step that added none went well. */
    int errorCount()
    {
        return errors.size();
    }

    /** @throws ConfigException with every error, in line order, if there is any */
    void throwIfErrors() throws ConfigException
    {
        if (!errors.isEmpty())
        {
            errors.sort(Comparator.comparingInt(ConfigDiagnostic::line));
            throw new ConfigException(errors);
        }
    }

    /** @return the warnings in line order */
    List<ConfigDiagnostic> warnings()
    {
        warnings.sort(Comparator.comparingInt(ConfigDiagnostic::line));
        return warnings;
    }
}
