package io.jlvs.controlplane.admin;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The lines of an {@code ipvsadm -R} input, split as ipvsadm's {@code config_stream_read} splits them: words between
 * spaces, tabs and carriage returns, every word {@code ipvsadm} left out (so a line may start with the program's
 * name, as {@code ipvsadm-save} writes none and scripts often do), and no comments: its test for a '#' looks at the
 * separator after a word, which never is one, so a '#' is a word like any other.
 */
public final class RestoreStream
{
    private final BufferedReader in;
    private int lineNumber;

    public RestoreStream(final InputStream in)
    {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** @return the next line's words (empty for a blank line), or null at the end of the input */
    public List<String> next() throws IOException
    {
        final String line = in.readLine();
        if (null == line)
        {
            return null;
        }
        lineNumber++;
        final List<String> words = new ArrayList<>();
        for (final String w : line.split("[ \t\r]+"))
        {
            if (!w.isEmpty() && !w.equals(IpvsadmOptions.PROGRAM))
            {
                words.add(w);
            }
        }
        return words;
    }

    /** @return the number of the line {@link #next()} last returned, from 1 */
    public int lineNumber()
    {
        return lineNumber;
    }
}
