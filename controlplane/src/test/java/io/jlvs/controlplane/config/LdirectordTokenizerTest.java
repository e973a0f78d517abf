package io.jlvs.controlplane.config;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LdirectordTokenizerTest
{
    private static final CfLine.Kind BLANK = CfLine.Kind.BLANK;
    private static final CfLine.Kind COMMENT = CfLine.Kind.COMMENT;
    private static final CfLine.Kind MALFORMED = CfLine.Kind.MALFORMED;
    private static final CfLine.Kind DIRECTIVE = CfLine.Kind.DIRECTIVE;

    @Test
    void shouldCutLinesAsLdirectordReadsThem()
    {
        final List<String> lines = List.of(
            "checktimeout = 3",
            "virtual=10.0.0.1:80   # the web",
            "\treal=10.0.1.1 gate",
            "  \treceive = \"a#b\" # comment",
            "    # only a comment",
            "   ",
            "supervised",
            "  !!!",
            "    checkport 80");
        final List<CfLine> expected = List.of(
            new CfLine(1, DIRECTIVE, 0, "checktimeout", true, "3", "checktimeout = 3"),
            new CfLine(2, DIRECTIVE, 0, "virtual", true, "10.0.0.1:80", "virtual=10.0.0.1:80   # the web"),
            new CfLine(3, DIRECTIVE, 4, "real", true, "10.0.1.1 gate", "real=10.0.1.1 gate"),
            new CfLine(4, DIRECTIVE, 6, "receive", true, "\"a#b\"", "receive = \"a#b\" # comment"),
            new CfLine(5, COMMENT, 0, "", false, "", "# only a comment"),
            new CfLine(6, BLANK, 0, "", false, "", ""),
            new CfLine(7, DIRECTIVE, 0, "supervised", false, "", "supervised"),
            new CfLine(8, MALFORMED, 2, "", false, "", "!!!"),
            new CfLine(9, DIRECTIVE, 4, "checkport", false, "80", "checkport 80"));

        assertEquals(expected, LdirectordTokenizer.tokenize(lines));
    }

    @Test
    void shouldDecodeUtf8AndFallBackToLatin1()
    {
        final String text = "    receive = \"Å\"";

        assertEquals(text, LdirectordTokenizer.decode(text.getBytes(StandardCharsets.UTF_8)));
        assertEquals(text, LdirectordTokenizer.decode(text.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void shouldUnquoteOnePairOnly()
    {
        assertEquals("yes", LdirectordTokenizer.unquote(" \"yes\" "));
        assertEquals("\"yes\"", LdirectordTokenizer.unquote("\"\"yes\"\""));
        assertEquals("\"", LdirectordTokenizer.unquote("\""));
    }
}
