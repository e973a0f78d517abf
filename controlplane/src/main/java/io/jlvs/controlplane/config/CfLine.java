package io.jlvs.controlplane.config;

/**
 * One line of ldirectord.cf as {@link LdirectordTokenizer} cuts it.
 *
 * @param number    1-based line number, for diagnostics
 * @param kind      what the line is
 * @param indent    leading spaces once tabs count as 4 and the comment is cut; it tells global from virtual lines
 * @param key       the directive name, "" unless {@link Kind#DIRECTIVE}
 * @param hasEquals whether the key was followed by '='
 * @param value     what follows the key and its '=', stripped but not unquoted
 * @param text      the line as written, stripped: what diagnostics show
 */
record CfLine(int number, Kind kind, int indent, String key, boolean hasEquals, String value, String text)
{
    enum Kind
    {
        /** Empty or only white space: it ends a virtual section, as in ldirectord. */
        BLANK,
        /** Only a comment: skipped, it does not end a virtual section. */
        COMMENT,
        /** Text that does not start with a directive name. */
        MALFORMED,
        /** {@code key = value}, {@code key=value}, or a key alone. */
        DIRECTIVE
    }

    /** Whether the line opens a virtual section wherever it stands. */
    boolean isVirtual()
    {
        return key.equals("virtual") || key.equals("virtual6");
    }
}
