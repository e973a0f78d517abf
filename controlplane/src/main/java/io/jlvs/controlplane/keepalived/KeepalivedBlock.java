package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.keepalived.KeepalivedSource.Line;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * keepalived.conf's statements as a tree: a keyword, the words after it on its line, and the statements of the block
 * that follows it, if one does. A block opens with a {@code {} at the end of its keyword's line or alone on the next
 * line; a {@code }} closes it, and words after it on the same line start the next statement, as keepalived reads
 * them. Braces that do not balance are errors at the line that opened (or closed) too many.
 *
 * @param line    where the statement is
 * @param keyword its first word
 * @param args    the words after it on its line, up to a brace
 * @param block   the statements of its block; null when it has none (an empty block is an empty list)
 * @param end     the line of the } that closes its block (where keepalived checks what a block must hold); its own
 *                line when it has no block or the block is not closed
 */
public record KeepalivedBlock(Line line, String keyword, List<String> args, List<KeepalivedBlock> block, Line end)
{
    public KeepalivedBlock
    {
        Objects.requireNonNull(line, "line");
        Objects.requireNonNull(keyword, "keyword");
        Objects.requireNonNull(end, "end");
        args = List.copyOf(args);
        block = null == block ? null : List.copyOf(block);
    }

    /**
     * The statements of a configuration.
     *
     * @param statements the top level, in file order
     * @param errors     unbalanced braces
     */
    public record Tree(List<KeepalivedBlock> statements, List<ConfigDiagnostic> errors)
    {
        public Tree
        {
            statements = List.copyOf(statements);
            errors = List.copyOf(errors);
        }
    }

    public boolean hasBlock()
    {
        return null != block;
    }

    /** @return the statements of its block, or none */
    public List<KeepalivedBlock> children()
    {
        return null == block ? List.of() : block;
    }

    /** @return "FILE:LINE" of the } that closes its block (its own line without one) */
    public String whereEnds()
    {
        return end.where();
    }

    /** @return "FILE:LINE" */
    public String where()
    {
        return line.where();
    }

    /** @return the keyword and its words, as written (for a diagnostic) */
    public String text()
    {
        return args.isEmpty() ? keyword : keyword + " " + String.join(" ", args);
    }

    /** Builds the tree of {@code lines}. */
    public static Tree parse(final List<Line> lines)
    {
        final Parser parser = new Parser(lines);
        final List<KeepalivedBlock> top = parser.statements(null);
        return new Tree(top, parser.errors);
    }

    private record Token(String word, Line line)
    {
    }

    private static final class Parser
    {
        private final List<Token> tokens = new ArrayList<>();
        private final List<ConfigDiagnostic> errors = new ArrayList<>();
        private int pos;

        Parser(final List<Line> lines)
        {
            for (final Line l : lines)
            {
                for (final String w : l.words())
                {
                    tokens.add(new Token(w, l));
                }
            }
        }

        /** The statements up to the {@code }} that closes {@code opener}'s block, or to the end at the top. */
        List<KeepalivedBlock> statements(final Token opener)
        {
            final List<KeepalivedBlock> out = new ArrayList<>();
            while (pos < tokens.size())
            {
                final Token t = tokens.get(pos);
                if (t.word().equals("}"))
                {
                    pos++;
                    if (null != opener)
                    {
                        closed = true;
                        closedAt = t.line();
                        return out;
                    }
                    error(t.line(), "a } that closes no block");
                    continue;
                }
                if (t.word().equals("{"))
                {
                    pos++;
                    error(t.line(), "a { that follows no keyword");
                    statements(t); // read it, so that its } does not close the block around it
                    continue;
                }
                final Line line = t.line();
                final List<String> args = new ArrayList<>();
                pos++;
                while (pos < tokens.size() && tokens.get(pos).line() == line && !isBrace(tokens.get(pos).word()))
                {
                    args.add(tokens.get(pos++).word());
                }
                List<KeepalivedBlock> block = null;
                Line end = line;
                if (pos < tokens.size() && tokens.get(pos).word().equals("{"))
                {
                    block = statements(tokens.get(pos++));
                    if (!closed)
                    {
                        error(line, t.word() + " { is not closed by }");
                    }
                    else
                    {
                        end = closedAt;
                    }
                }
                out.add(new KeepalivedBlock(line, t.word(), args, block, end));
            }
            closed = false;
            return out;
        }

        /** Whether the last block read ended with its own }, not with the end of the file. */
        private boolean closed;
        /** The line of the } that closed it. */
        private Line closedAt;

        private static boolean isBrace(final String w)
        {
            return w.equals("{") || w.equals("}");
        }

        private void error(final Line at, final String message)
        {
            errors.add(new ConfigDiagnostic(at.file(), at.number(), message, String.join(" ", at.words())));
        }
    }
}
