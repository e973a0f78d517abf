package io.jlvs.controlplane.config;

import java.io.Serial;
import java.util.List;

/**
 * A configuration file has errors. Carries every error found in the file, not only the first; a file with errors
 * yields no model at all.
 */
public final class ConfigException extends Exception
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigDiagnostic> errors;

    public ConfigException(final List<ConfigDiagnostic> errors)
    {
        super(render(errors));
        if (errors.isEmpty())
        {
            throw new IllegalArgumentException("no errors");
        }
        this.errors = List.copyOf(errors);
    }

    /** @return the errors in line order */
    public List<ConfigDiagnostic> errors()
    {
        return errors;
    }

    private static String render(final List<ConfigDiagnostic> errors)
    {
        final StringBuilder sb = new StringBuilder();
        sb.append(errors.size()).append(errors.size() == 1 ? " error" : " errors");
        if (!errors.isEmpty())
        {
            sb.append(" in ").append(errors.getFirst().file());
        }
        for (final ConfigDiagnostic e : errors)
        {
            sb.append('\n').append(e);
            if (!e.text().isEmpty())
            {
                sb.append("\n    ").append(e.text());
            }
        }
        return sb.toString();
    }
}
