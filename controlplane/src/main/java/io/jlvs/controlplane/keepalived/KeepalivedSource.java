package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.ConfigDiagnostic;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * keepalived.conf's lexis, as keepalived 2.2's {@code lib/parser.c} reads a file before any keyword means anything:
 * comments from {@code #} or {@code !} outside quotes, words split on blanks with a quoted string one word and braces
 * words of their own, {@code include} (with globs, relative to the including file), the {@code @ID} and {@code @^ID}
 * lines of a configuration shared by several hosts, and {@code $NAME=value} definitions used as {@code $NAME} or
 * {@code ${NAME}}. What comes out is the file's lines as words, each with the file and line it came from, so that
 * every diagnostic after this one can still say where.
 */
public final class KeepalivedSource
{
    /** How deep includes may nest: a bound of jlvs's (a loop is refused before it gets there). */
    static final int MAX_INCLUDE_DEPTH = 8;

    /**
     * One line of the configuration, as words.
     *
     * @param file   the file it is in (an included file's own path)
     * @param number 1-based line number in that file
     * @param words  its words, quotes removed, definitions replaced; never empty
     */
    public record Line(Path file, int number, List<String> words)
    {
        public Line
        {
            Objects.requireNonNull(file, "file");
            words = List.copyOf(words);
        }

        /** @return "FILE:LINE", as every diagnostic starts */
        public String where()
        {
            return file + ":" + number;
        }
    }

    /**
     * What was read.
     *
     * @param lines    every line that has words, in the order keepalived reads them (an include's lines where the
     *                 include was)
     * @param errors   what keepalived would refuse the file for
     * @param warnings what it would carry on past
     */
    public record Result(List<Line> lines, List<ConfigDiagnostic> errors, List<ConfigDiagnostic> warnings)
    {
        public Result
        {
            lines = List.copyOf(lines);
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }
    }

    private final String configId;
    private final List<Line> lines = new ArrayList<>();
    private final List<ConfigDiagnostic> errors = new ArrayList<>();
    private final List<ConfigDiagnostic> warnings = new ArrayList<>();
    private final Map<String, String> definitions = new HashMap<>();
    private final Deque<Path> including = new ArrayDeque<>();
    private final java.util.Set<String> undefined = new java.util.HashSet<>();

    private KeepalivedSource(final String configId)
    {
        this.configId = configId;
    }

    /**
     * Reads {@code file} and what it includes.
     *
     * @param configId the {@code @ID} lines that apply: keepalived's {@code -i}, by default the host name up to its
     *                 first dot ({@link #defaultConfigId})
     */
    public static Result read(final Path file, final String configId)
    {
        final KeepalivedSource source = new KeepalivedSource(configId);
        source.readFile(file, null, 0);
        return new Result(source.lines, source.errors, source.warnings);
    }

    /** Reads {@code text} as if it were {@code file} (for tests and for a file already in memory). */
    public static Result read(final Path file, final List<String> text, final String configId)
    {
        final KeepalivedSource source = new KeepalivedSource(configId);
        source.including.push(file.toAbsolutePath().normalize());
        source.readLines(file, text);
        return new Result(source.lines, source.errors, source.warnings);
    }

    /** keepalived's default configuration id: the host name up to its first dot. */
    public static String defaultConfigId(final String hostName)
    {
        final int dot = hostName.indexOf('.');
        return dot < 0 ? hostName : hostName.substring(0, dot);
    }

    private void readFile(final Path file, final Line includedAt, final int depth)
    {
        final Path real = file.toAbsolutePath().normalize();
        if (including.contains(real))
        {
            error(includedAt, "include " + includedAt.words().get(1) + " includes itself (through " + chain() +
                "): refused");
            return;
        }
        if (depth > MAX_INCLUDE_DEPTH)
        {
            error(includedAt, "include " + file + ": includes nest deeper than " + MAX_INCLUDE_DEPTH);
            return;
        }
        final List<String> text;
        try
        {
            text = Files.readAllLines(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            if (null == includedAt)
            {
                errors.add(new ConfigDiagnostic(file, 0, "cannot read: " + ex.getClass().getSimpleName() +
                    (null == ex.getMessage() ? "" : " " + ex.getMessage()), ""));
            }
            else
            {
                error(includedAt, "include " + file + ": cannot read it (" + ex.getClass().getSimpleName() + ")");
            }
            return;
        }
        including.push(real);
        try
        {
            readLines(file, text);
        }
        finally
        {
            including.pop();
        }
    }

    private String chain()
    {
        final List<String> names = new ArrayList<>();
        including.descendingIterator().forEachRemaining((p) -> names.add(p.getFileName().toString()));
        return String.join(" -> ", names);
    }

    private void readLines(final Path file, final List<String> text)
    {
        for (int i = 0; i < text.size(); i++)
        {
            final int number = i + 1;
            String raw = stripComment(text.get(i)).strip();
            if (raw.isEmpty())
            {
                continue;
            }
            if (raw.startsWith("@"))
            {
                final int blank = firstBlank(raw);
                if (blank < 0)
                {
                    continue; // "@id" alone: nothing after it
                }
                final String id = raw.substring(1, blank);
                final boolean applies = id.startsWith("^") ? !id.substring(1).equals(configId) : id.equals(configId);
                if (!applies)
                {
                    continue;
                }
                raw = raw.substring(blank).strip();
            }
            if (raw.startsWith("$") && isDefinition(raw))
            {
                final int eq = raw.indexOf('=');
                final String name = raw.substring(1, eq).strip();
                final StringBuilder value = new StringBuilder(raw.substring(eq + 1).strip());
                // a definition continues on the next line while this one ends in a backslash
                while (value.length() > 0 && value.charAt(value.length() - 1) == '\\' && i + 1 < text.size())
                {
                    value.setLength(value.length() - 1);
                    value.append('\n').append(stripComment(text.get(++i)).strip());
                }
                definitions.put(name, value.toString());
                continue;
            }
            final String expanded = expand(file, number, raw);
            for (final String part : expanded.split("\n"))
            {
                final List<String> words = words(file, number, part);
                if (words.isEmpty())
                {
                    continue;
                }
                if (words.getFirst().equals("include"))
                {
                    include(new Line(file, number, words));
                }
                else
                {
                    lines.add(new Line(file, number, words));
                }
            }
        }
    }

    /** {@code $NAME=...}: a definition's name is letters, digits and underscores. */
    private static boolean isDefinition(final String raw)
    {
        final int eq = raw.indexOf('=');
        if (eq < 2)
        {
            return false;
        }
        final String name = raw.substring(1, eq).strip();
        return !name.isEmpty() && name.chars().allMatch((c) -> Character.isLetterOrDigit(c) || c == '_');
    }

    /**
     * Replaces {@code ${NAME}} anywhere, and {@code $NAME} where a blank, a comma, a parenthesis or the end of the line
     * follows it, by its definition, as keepalived's {@code replace_param}; the replacement is read again, so that
     * definitions may use definitions. keepalived's own: {@code ${_PWD}} (the file's directory), {@code ${_INSTANCE}}
     * (the configuration id), {@code ${_HASH}} and {@code ${_BANG}}. An undefined name is left as written, as
     * keepalived leaves it, with a warning.
     */
    private String expand(final Path file, final int number, final String raw)
    {
        String line = raw;
        for (int round = 0; round < MAX_EXPANSIONS && line.indexOf('$') >= 0; round++)
        {
            final String next = expandOnce(file, number, line);
            if (next.equals(line))
            {
                break;
            }
            line = next;
        }
        return line;
    }

    /** How many times a line is read again for definitions inside definitions, as a bound on a definition loop. */
    private static final int MAX_EXPANSIONS = 16;

    private String expandOnce(final Path file, final int number, final String raw)
    {
        final StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < raw.length())
        {
            final char c = raw.charAt(i);
            if (c != '$' || i + 1 >= raw.length())
            {
                out.append(c);
                i++;
                continue;
            }
            final boolean braced = raw.charAt(i + 1) == '{';
            int j = braced ? i + 2 : i + 1;
            final int start = j;
            while (j < raw.length() && (Character.isLetterOrDigit(raw.charAt(j)) || raw.charAt(j) == '_'))
            {
                j++;
            }
            final String name = raw.substring(start, j);
            final boolean ends = braced ? j < raw.length() && raw.charAt(j) == '}' :
                j == raw.length() || " \t,)".indexOf(raw.charAt(j)) >= 0;
            if (name.isEmpty() || !ends)
            {
                out.append(c);
                i++;
                continue;
            }
            final int after = braced ? j + 1 : j;
            final String value = definition(file, name);
            if (null == value && undefined.add(file + ":" + number + ":" + name))
            {
                warnings.add(new ConfigDiagnostic(file, number, "$" + name + " is not defined: left as written, as " +
                    "keepalived leaves it", raw));
            }
            if (null == value)
            {
                out.append(raw, i, after);
            }
            else
            {
                out.append(value);
            }
            i = after;
        }
        return out.toString();
    }

    private String definition(final Path file, final String name)
    {
        final String defined = definitions.get(name);
        if (null != defined)
        {
            return defined;
        }
        return switch (name)
        {
            case "_PWD" -> file.toAbsolutePath().getParent().toString();
            case "_INSTANCE" -> configId;
            case "_HASH" -> "#";
            case "_BANG" -> "!";
            default -> null;
        };
    }

    private void include(final Line at)
    {
        if (at.words().size() != 2)
        {
            error(at, "include takes one file name or pattern");
            return;
        }
        final String pattern = at.words().get(1);
        final Path relativeTo = at.file().toAbsolutePath().getParent();
        final Path written = Path.of(pattern);
        final Path full = written.isAbsolute() ? written : relativeTo.resolve(written);
        if (!hasGlob(pattern))
        {
            if (!Files.exists(full))
            {
                error(at, "include " + pattern + ": no such file");
                return;
            }
            readFile(full, at, including.size());
            return;
        }
        final List<Path> matches = glob(full);
        if (matches.isEmpty())
        {
            warnings.add(new ConfigDiagnostic(at.file(), at.number(), "include " + pattern +
                ": no file matches (nothing included)", String.join(" ", at.words())));
            return;
        }
        for (final Path match : matches)
        {
            readFile(match, at, including.size());
        }
    }

    private static boolean hasGlob(final String pattern)
    {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    }

    /** The files a glob names, sorted as glob(3) sorts them; the glob may be in any component after the root. */
    private static List<Path> glob(final Path pattern)
    {
        final Path root = pattern.getRoot();
        List<Path> found = List.of(root);
        for (final Path part : root.relativize(pattern))
        {
            final String p = part.toString();
            final List<Path> next = new ArrayList<>();
            for (final Path dir : found)
            {
                if (!hasGlob(p))
                {
                    final Path child = dir.resolve(p);
                    if (Files.exists(child))
                    {
                        next.add(child);
                    }
                    continue;
                }
                if (!Files.isDirectory(dir))
                {
                    continue;
                }
                final PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + p);
                try (Stream<Path> children = Files.list(dir))
                {
                    children.filter((c) -> matcher.matches(c.getFileName()))
                        .filter((c) -> p.startsWith(".") || !c.getFileName().toString().startsWith("."))
                        .forEach(next::add);
                }
                catch (final IOException ex)
                {
                    // an unreadable directory matches nothing, as glob(3) without GLOB_ERR
                }
            }
            found = next;
        }
        return found.stream().filter(Files::isRegularFile).sorted().toList();
    }

    /** The line up to a {@code #} or {@code !} that is not inside a quoted string. */
    static String stripComment(final String line)
    {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && (c == '#' || c == '!'))
            {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static int firstBlank(final String s)
    {
        for (int i = 0; i < s.length(); i++)
        {
            if (Character.isWhitespace(s.charAt(i)))
            {
                return i;
            }
        }
        return -1;
    }

    /** Words split on blanks; a quoted string is one word without its quotes; a brace is a word of its own. */
    private List<String> words(final Path file, final int number, final String line)
    {
        final List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length())
        {
            final char c = line.charAt(i);
            if (Character.isWhitespace(c))
            {
                i++;
            }
            else if (c == '{' || c == '}')
            {
                out.add(String.valueOf(c));
                i++;
            }
            else if (c == '"')
            {
                final int end = line.indexOf('"', i + 1);
                if (end < 0)
                {
                    errors.add(new ConfigDiagnostic(file, number, "a quoted string is not closed", line));
                    out.add(line.substring(i + 1));
                    return out;
                }
                out.add(line.substring(i + 1, end));
                i = end + 1;
            }
            else
            {
                int j = i;
                while (j < line.length() && !Character.isWhitespace(line.charAt(j)) && line.charAt(j) != '{' &&
                    line.charAt(j) != '}' && line.charAt(j) != '"')
                {
                    j++;
                }
                out.add(line.substring(i, j));
                i = j;
            }
        }
        return out;
    }

    private void error(final Line at, final String message)
    {
        if (null == at)
        {
            errors.add(new ConfigDiagnostic(Path.of("-"), 0, message, ""));
            return;
        }
        errors.add(new ConfigDiagnostic(at.file(), at.number(), message, String.join(" ", at.words())));
    }
}
