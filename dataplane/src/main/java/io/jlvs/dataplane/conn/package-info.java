/**
 * The connection table and the IPVS connection state machine.
 * <p>
 * Per packet, a forwarding agent does:
 * <pre>
 * key.setFromPacket(pkt);
 * if (conns.lookup(key, entry)) {
 *     if (ConnStateMachine.shouldReschedule(proto, flags, entry, reuseMode, controlled)) { remove, then as a miss }
 *     int r = fsm.onPacket(entry, proto, ConnStateMachine.DIR_INPUT, flags, nowMs);
 *     if ((r &amp; BECAME_ACTIVE) != 0) destStats.inactiveToActive(); ...
 *     if ((r &amp; WRITE_BACK) != 0) conns.update(key, entry);      // otherwise: one lookup, no write
 * } else {
 *     schedule; ConnStateMachine.initNewConn(entry, ConnFlags.newConnFlags(...), nowMs); set dest fields;
 *     fsm.onPacket(...); if (!conns.admit(key, tag, entry)) count CONN_TABLE_FULL and drop;
 * }
 * ...
 * conns.expire(nowMs, EXPIRE_LIMIT, listener);                    // bounded, once per duty cycle
 * </pre>
 * Timestamps are epoch milliseconds from the agent's cached clock, so that a persisted table keeps its meaning
 * across a restart.
 */
package io.jlvs.dataplane.conn;
