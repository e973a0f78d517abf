package io.jlvs.controlplane.admin;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One connection entry, the fields of a {@code /proc/net/ip_vs_conn} line that {@code ipvsadm -L -c} prints.
 *
 * @param protocol       "TCP", "UDP", "SCTP", or "IP" for a persistence template of a fwmark service
 * @param client         client address
 * @param clientPort     client port
 * @param virtual        virtual address (same family as the client)
 * @param virtualPort    virtual port
 * @param dest           destination address
 * @param destPort       destination port
 * @param state          "ESTABLISHED", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK",
 *                       "LISTEN", "SYNACK", "SYN_SENT", "NONE", "UDP", ...
 * @param expiresSeconds seconds until the entry expires
 * @param peName         persistence engine name, or null
 * @param peData         persistence engine data, or null
 */
public record ConnView(
    String protocol,
    InetAddress client,
    int clientPort,
    InetAddress virtual,
    int virtualPort,
    InetAddress dest,
    int destPort,
    String state,
    int expiresSeconds,
    String peName,
    String peData)
{
    public ConnView
    {
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(virtual, "virtual");
        Objects.requireNonNull(dest, "dest");
        Objects.requireNonNull(state, "state");
    }
}
