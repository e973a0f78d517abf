package io.jlvs.controlplane.admin;

import java.io.Serial;

/**
 * ipvsadm would reject its arguments: {@link #getMessage()} is exactly what it prints on standard error (including
 * the trailing newline), {@link #exitStatus()} what it exits with (2 for its own checks, 255 for option-parser
 * errors and the "Try `ipvsadm -h'" hint).
 */
public final class IpvsadmUsageException extends Exception
{
    @Serial
    private static final long serialVersionUID = 1L;

    private final int exitStatus;

    public IpvsadmUsageException(final String stderr, final int exitStatus)
    {
        super(stderr, null, false, false);
        this.exitStatus = exitStatus;
    }

    public int exitStatus()
    {
        return exitStatus;
    }

    public IpvsadmResult toResult()
    {
        return IpvsadmResult.error(exitStatus, getMessage());
    }
}
