package io.jlvs.controlplane.keepalived;

import java.util.ArrayList;
import java.util.List;

/** A script line of keepalived.conf as keepalived splits it into the words it runs ({@code notify.c}). */
public final class ScriptWords
{
    private ScriptWords()
    {
    }

    /**
     * A script's words, as keepalived splits the one (quoted) word it is given: blanks separate words, single and
     * double quotes group them, and a backslash escapes the next character.
     */
    public static List<String> split(final String text)
    {
        final List<String> out = new ArrayList<>();
        final StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length() && quote != '\'')
            {
                word.append(text.charAt(++i));
                inWord = true;
            }
            else if (quote != 0)
            {
                if (c == quote)
                {
                    quote = 0;
                }
                else
                {
                    word.append(c);
                }
            }
            else if (c == '\'' || c == '"')
            {
                quote = c;
                inWord = true;
            }
            else if (Character.isWhitespace(c))
            {
                if (inWord)
                {
                    out.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            }
            else
            {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            out.add(word.toString());
        }
        return out;
    }
}
