package io.jlvs.dataplane.conn;

/**
 * Visits entries in {@link ConnTable#forEach(ConnVisitor)}, for {@code ipvsadm -L -c} and full-table sync.
 * {@code key} and {@code entry} are reused between calls: copy what must outlive the call.
 */
@FunctionalInterface
public interface ConnVisitor
{
    /** @return false to stop. */
    boolean onConn(ConnKey key, ConnEntry entry);
}
