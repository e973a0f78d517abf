package io.jlvs.controlplane.admin;

/**
 * Forwarding method of a destination as IPVS reports it ({@code IP_VS_CONN_F_FWD_MASK} values), with the word
 * {@code ipvsadm -L} prints and the switch {@code ipvsadm -S} saves. The kernel reports LOCAL when a real server's
 * address is local to the director; it saves as -g.
 */
public enum Forward
{
    MASQ("Masq", "-m"),
    LOCAL("Local", "-g"),
    TUNNEL("Tunnel", "-i"),
    ROUTE("Route", "-g");

    private final String listName;
    private final String saveSwitch;

    Forward(final String listName, final String saveSwitch)
    {
        this.listName = listName;
        this.saveSwitch = saveSwitch;
    }

    public String listName()
    {
        return listName;
    }

    public String saveSwitch()
    {
        return saveSwitch;
    }
}
