package io.jlvs.controlplane.config;

import io.jlvs.dataplane.proto.IpProtocol;

/**
 * What a virtual service matches on: a transport protocol, or a firewall mark. The one name of the concept in the
 * control plane; ldirectord's, ipvsadm's and /etc/services' spellings are looked up here.
 * <pre>
 *   protocol  number  ipvsadm -L  ipvsadm option   ldirectord  /etc/services
 *   TCP       6       TCP         -t               tcp         tcp
 *   UDP       17      UDP         -u               udp         udp
 *   SCTP      132     SCTP        --sctp-service   -           sctp
 *   FWM       0       FWM         -f               fwm         -
 * </pre>
 * ldirectord's default is {@code fwm} for a firewall mark, {@code udp} when the port is 53 ("domain"), else
 * {@code tcp}; it has no SCTP. ipvsadm keeps TCP as the protocol of a {@code -f} service.
 */
public enum ServiceProtocol
{
    TCP(IpProtocol.TCP, "TCP", "-t", "tcp", "tcp"),
    UDP(IpProtocol.UDP, "UDP", "-u", "udp", "udp"),
    SCTP(IpProtocol.SCTP, "SCTP", "--sctp-service", null, "sctp"),
    FWM(0, "FWM", "-f", "fwm", null);

    private final int number;
    private final String listName;
    private final String ipvsadmOption;
    private final String ldirectordName;
    private final String servicesName;

    ServiceProtocol(final int number, final String listName, final String ipvsadmOption,
        final String ldirectordName, final String servicesName)
    {
        this.number = number;
        this.listName = listName;
        this.ipvsadmOption = ipvsadmOption;
        this.ldirectordName = ldirectordName;
        this.servicesName = servicesName;
    }

    /** @return the IP protocol number: 6, 17, 132 (ipvsadm sorts services by it); 0 for FWM */
    public int number()
    {
        return number;
    }

    /** @return "TCP", "UDP", "SCTP" as in ipvsadm's Prot column, "FWM" */
    public String listName()
    {
        return listName;
    }

    /** @return the ipvsadm service option ldirectord passes and {@code ipvsadm -S} saves: -t, -u, --sctp-service, -f */
    public String ipvsadmOption()
    {
        return ipvsadmOption;
    }

    /** @return "tcp", "udp" or "fwm", as written in ldirectord.cf; null for SCTP */
    public String ldirectordName()
    {
        return ldirectordName;
    }

    /** @return "tcp", "udp", "sctp" as in /etc/services; null for FWM */
    public String servicesName()
    {
        return servicesName;
    }

    /** @return the protocol ldirectord.cf names "tcp", "udp" or "fwm", or null */
    public static ServiceProtocol ofLdirectordName(final String name)
    {
        for (final ServiceProtocol p : values())
        {
            if (null != p.ldirectordName && p.ldirectordName.equals(name))
            {
                return p;
            }
        }
        return null;
    }

    /** @return the transport protocol listed as "TCP", "UDP" or "SCTP", or null (for "IP", a template's) */
    public static ServiceProtocol ofListName(final String name)
    {
        for (final ServiceProtocol p : values())
        {
            if (p != FWM && p.listName.equals(name))
            {
                return p;
            }
        }
        return null;
    }

    /** @return the transport protocol with IP protocol number {@code number}, or null */
    public static ServiceProtocol ofNumber(final int number)
    {
        for (final ServiceProtocol p : values())
        {
            if (p != FWM && p.number == number)
            {
                return p;
            }
        }
        return null;
    }
}
