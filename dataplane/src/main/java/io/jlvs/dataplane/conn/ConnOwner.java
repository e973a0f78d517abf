package io.jlvs.dataplane.conn;

/**
 * Which forwarding agent owns a connection: the one agent that keeps it in its table, runs its state machine,
 * expires it and counts it against its real server. Every other agent that receives one of its packets hands the
 * packet to the owner over a ring (DPVS's connection redirect).
 * <h2>Why the client's address and port</h2>
 * The owner must be computable from any packet of the connection, in either direction, before its connection is
 * found. The packets to a virtual service carry (client, virtual service); a NAT real server's replies carry
 * (real server, client); an ICMP error quotes one or the other. Only the client's address and port are in all of
 * them, so the owner is a hash of those two alone. A NIC's RSS hash cannot serve: it covers the whole tuple, and the
 * two directions of a NAT connection differ in it, so they arrive on different queues.
 * <p>
 * Consequences an operator sees: one client's connections spread over the agents by their source ports; each agent
 * schedules its own share, so the schedulers run per agent (as DPVS's do) and ipvsadm shows the sums. Persistence
 * templates (keyed by the client's address with port 0) would belong to a different agent than the client's
 * connections: persistent services are to own by address alone, which this function then gets as port 0.
 * <p>
 * The mix is fixed and independent of the table's own hash: a restarted director with another agent count
 * recomputes every connection's owner from its key ({@link ConnTables}).
 */
public final class ConnOwner
{
    private ConnOwner()
    {
    }

    /** The owner among {@code agents} of a connection whose client is ({@code caddrHi}, {@code caddrLo}, {@code cport}). */
    public static int of(final long caddrHi, final long caddrLo, final int cport, final int agents)
    {
        if (agents == 1)
        {
            return 0;
        }
        long h = (caddrHi ^ Long.rotateLeft(caddrLo, 17) ^ ((long)cport << 48)) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        // Lemire's multiply-shift: the high 32 bits of (32-bit hash * agents), no division
        return (int)(((h & 0xFFFF_FFFFL) * agents) >>> 32);
    }

    /** The owner of the connection a key of either direction ({@link ConnKey#set}, {@link ConnKey#setOut}) belongs to. */
    public static int of(final ConnKey key, final int agents)
    {
        return of(key.caddrHi(), key.caddrLo(), key.cport(), agents);
    }
}
