package io.jlvs.bindings.dpdk;

import java.io.Serial;

/**
 * A DPDK call failed on a setup path. Carries the C function's name, its return code (a negative errno, or the
 * negated {@code rte_errno} for calls that return NULL or -1) and {@code rte_strerror}'s text.
 * The fast path never throws this: it returns raw ints.
 */
public final class DpdkException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final String function;
    private final int rc;
    private final String rteError;

    public DpdkException(String function, int rc, String rteError) {
        this(function, rc, rteError, null);
    }

    public DpdkException(String function, int rc, String rteError, String detail) {
        super(function + " failed: rc=" + rc + " (" + rteError + ")" + (detail == null ? "" : ": " + detail));
        this.function = function;
        this.rc = rc;
        this.rteError = rteError;
    }

    /** The DPDK C function that failed, e.g. {@code "rte_eth_dev_configure"}. */
    public String function() {
        return function;
    }

    /** The return code: a negative errno value. */
    public int rc() {
        return rc;
    }

    /** {@code rte_strerror(-rc)}. */
    public String rteError() {
        return rteError;
    }
}
