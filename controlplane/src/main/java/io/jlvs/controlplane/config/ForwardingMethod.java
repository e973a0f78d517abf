package io.jlvs.controlplane.config;

/** Forwarding method of a real server, with ldirectord's names and the ipvsadm switch each maps to. */
public enum ForwardingMethod
{
    /** Direct routing ("gatewaying"): ipvsadm -g, listed as "Route". */
    GATE("gate", "-g"),
    /** NAT ("masquerading"): ipvsadm -m, listed as "Masq". */
    MASQ("masq", "-m"),
    /** IP-in-IP tunnel: ipvsadm -i, listed as "Tunnel". */
    IPIP("ipip", "-i");

    private final String ldirectordName;
    private final String ipvsadmSwitch;

    ForwardingMethod(final String ldirectordName, final String ipvsadmSwitch)
    {
        this.ldirectordName = ldirectordName;
        this.ipvsadmSwitch = ipvsadmSwitch;
    }

    public String ldirectordName()
    {
        return ldirectordName;
    }

    public String ipvsadmSwitch()
    {
        return ipvsadmSwitch;
    }

    /** @return the method named {@code name} ("gate", "masq", "ipip"), or null */
    public static ForwardingMethod fromLdirectordName(final String name)
    {
        for (final ForwardingMethod m : values())
        {
            if (m.ldirectordName.equals(name))
            {
                return m;
            }
        }
        return null;
    }
}
