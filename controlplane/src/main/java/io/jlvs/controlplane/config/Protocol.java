package io.jlvs.controlplane.config;

/**
 * The {@code protocol} of an ldirectord virtual service, with ldirectord's names.
 * Default: {@code fwm} for a firewall mark, {@code udp} when the port is 53 ("domain"), else {@code tcp}.
 */
public enum Protocol
{
    TCP("tcp", "-t"),
    UDP("udp", "-u"),
    FWM("fwm", "-f");

    private final String ldirectordName;
    private final String ipvsadmOption;

    Protocol(final String ldirectordName, final String ipvsadmOption)
    {
        this.ldirectordName = ldirectordName;
        this.ipvsadmOption = ipvsadmOption;
    }

    /** @return "tcp", "udp" or "fwm", as written in ldirectord.cf */
    public String ldirectordName()
    {
        return ldirectordName;
    }

    /** @return the ipvsadm service option ldirectord passes: -t, -u or -f */
    public String ipvsadmOption()
    {
        return ipvsadmOption;
    }
}
