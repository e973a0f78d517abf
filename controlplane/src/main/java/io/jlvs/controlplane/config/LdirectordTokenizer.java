package io.jlvs.controlplane.config;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cuts the lines of ldirectord.cf into {@link CfLine}s as ldirectord's {@code read_config} does: a tab counts as 4
 * spaces, {@code #} starts a comment (but not inside double quotes, where a receive regexp may hold one), and a
 * directive is a name followed by an optional '=' and its value. What the value means is left to the directive
 * handlers.
 */
final class LdirectordTokenizer
{
    private static final Pattern KEY = Pattern.compile("([A-Za-z0-9_]+)\\s*(.*)");

    private LdirectordTokenizer()
    {
    }

    /**
     * The text of {@code bytes}: UTF-8, as ldirectord.cf files are written today, or ISO-8859-1 byte for byte, as
     * ldirectord's Perl reads it, when they are not valid UTF-8. (Read as ISO-8859-1 always, the UTF-8 bytes of "Å"
     * hold 0x85, which Java's regular expressions take for a line end, and a valid receive= line was refused.)
     */
    static String decode(final byte[] bytes)
    {
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
    }

    /** @return one {@link CfLine} per line, numbered from 1 */
    static List<CfLine> tokenize(final List<String> lines)
    {
        final List<CfLine> tokens = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++)
        {
            tokens.add(line(i + 1, lines.get(i)));
        }
        return tokens;
    }

    static CfLine line(final int number, final String raw)
    {
        final String text = raw.strip();
        final String content = stripComment(raw.replace("\t", "    "));
        if (content.isBlank())
        {
            return new CfLine(number, text.isEmpty() ? CfLine.Kind.BLANK : CfLine.Kind.COMMENT, 0, "", false, "", text);
        }
        final int indent = leadingSpaces(content);
        final Matcher km = KEY.matcher(content.strip());
        if (!km.matches())
        {
            return new CfLine(number, CfLine.Kind.MALFORMED, indent, "", false, "", text);
        }
        final String value = km.group(2);
        final boolean hasEquals = value.startsWith("=");
        return new CfLine(number, CfLine.Kind.DIRECTIVE, indent, km.group(1), hasEquals,
            hasEquals ? value.substring(1).strip() : value, text);
    }

    /** @return the value without one pair of enclosing double quotes */
    static String unquote(final String value)
    {
        final String v = value.strip();
        if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"')
        {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** Removes a '#' comment that is not inside double quotes. */
    static String stripComment(final String line)
    {
        boolean inQuote = false;
        for (int i = 0; i < line.length(); i++)
        {
            final char c = line.charAt(i);
            if (c == '"')
            {
                inQuote = !inQuote;
            }
            else if (c == '#' && !inQuote)
            {
                return line.substring(0, i);
            }
        }
        return line;
    }

    private static int leadingSpaces(final String s)
    {
        int i = 0;
        while (i < s.length() && s.charAt(i) == ' ')
        {
            i++;
        }
        return i;
    }
}
