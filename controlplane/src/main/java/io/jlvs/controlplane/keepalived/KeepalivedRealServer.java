package io.jlvs.controlplane.keepalived;

import io.jlvs.dataplane.conn.FwdMethod;
import io.jlvs.dataplane.xmit.TunnelChecksum;
import io.jlvs.dataplane.xmit.TunnelType;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * One {@code real_server} of a keepalived {@code virtual_server}, inheritance from the virtual server applied.
 *
 * @param where            "FILE:LINE" of its {@code real_server} line
 * @param address          its address
 * @param port             its port; without one, the virtual server's (0 for a fwmark service)
 * @param weight           {@code weight}, default 1
 * @param forwarding       {@code lvs_method} (or {@code lb_kind}), the real server's own or its virtual server's
 * @param tunnelType       with TUN: {@code type ipip|gue|gre}
 * @param tunnelPort       with {@code type gue}: its port
 * @param tunnelChecksum   with TUN: {@code nocsum|csum|remcsum}
 * @param upperThreshold   {@code uthreshold}, 0 for none
 * @param lowerThreshold   {@code lthreshold}, 0 for none
 * @param inhibitOnFailure {@code inhibit_on_failure}: a failed real server stays at weight 0 instead of leaving
 * @param notifyUp         {@code notify_up}: the command run when it comes up (its words), or none
 * @param notifyDown       {@code notify_down}: when it goes down
 * @param checkers         its checkers, in file order
 */
public record KeepalivedRealServer(
    String where,
    InetAddress address,
    int port,
    int weight,
    FwdMethod forwarding,
    TunnelType tunnelType,
    int tunnelPort,
    TunnelChecksum tunnelChecksum,
    int upperThreshold,
    int lowerThreshold,
    boolean inhibitOnFailure,
    List<String> notifyUp,
    List<String> notifyDown,
    List<Checker> checkers)
{
    public KeepalivedRealServer
    {
        java.util.Objects.requireNonNull(address, "address");
        java.util.Objects.requireNonNull(forwarding, "forwarding");
        notifyUp = List.copyOf(notifyUp);
        notifyDown = List.copyOf(notifyDown);
        checkers = List.copyOf(checkers);
    }

    /** @return its checker of {@code keyword} (for tests and listings), if it has one */
    public Optional<Checker> checker(final String keyword)
    {
        return checkers.stream().filter((c) -> c.keyword().equals(keyword)).findFirst();
    }
}
