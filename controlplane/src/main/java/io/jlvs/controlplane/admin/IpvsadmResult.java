package io.jlvs.controlplane.admin;

import java.util.Objects;

/**
 * What an ipvsadm invocation prints and returns.
 *
 * @param exitStatus the process exit status ipvsadm would return (0 ok, 1 lookup failures, 2 usage errors, 255
 *                   option-parser errors and refused operations)
 * @param out        standard output
 * @param err        standard error
 */
public record IpvsadmResult(int exitStatus, String out, String err)
{
    public IpvsadmResult
    {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
    }

    public static IpvsadmResult ok(final String out)
    {
        return new IpvsadmResult(0, out, "");
    }

    public static IpvsadmResult error(final int exitStatus, final String err)
    {
        return new IpvsadmResult(exitStatus, "", err);
    }
}
