package io.jlvs.dataplane.conn;

/**
 * How a connection reaches its real server: the kernel's {@code IP_VS_CONN_F_FWD_MASK} values, kept in the low
 * bits of a connection's flags ({@link ConnFlags#FWD_MASK}) and bound to the transmit method when the connection is
 * created. The one name of the concept: ldirectord's word, ipvsadm's switch and its {@code -L} column are looked up
 * here.
 * <pre>
 *   method     flags  ldirectord  ipvsadm  ipvsadm -L
 *   MASQ       0      masq        -m       Masq      NAT: destination rewritten in, source rewritten out
 *   LOCALNODE  1      -           -g       Local     the real server is the director itself
 *   TUNNEL     2      ipip        -i       Tunnel    IPIP (or GUE, GRE) to the real server
 *   DROUTE     3      gate        -g       Route     direct routing: only the MAC addresses change
 * </pre>
 */
public enum FwdMethod
{
    MASQ(0, "masq", "-m", "Masq"),
    LOCALNODE(1, null, "-g", "Local"),
    TUNNEL(2, "ipip", "-i", "Tunnel"),
    DROUTE(3, "gate", "-g", "Route");

    private static final FwdMethod[] BY_FLAGS = new FwdMethod[ConnFlags.FWD_MASK + 1];

    static
    {
        for (final FwdMethod m : values())
        {
            BY_FLAGS[m.flags] = m;
        }
    }

    private final int flags;
    private final String ldirectordName;
    private final String ipvsadmSwitch;
    private final String listName;

    FwdMethod(final int flags, final String ldirectordName, final String ipvsadmSwitch, final String listName)
    {
        this.flags = flags;
        this.ldirectordName = ldirectordName;
        this.ipvsadmSwitch = ipvsadmSwitch;
        this.listName = listName;
    }

    /** The value in a connection's flags, {@code flags & FWD_MASK}. */
    public int flags()
    {
        return flags;
    }

    /** "gate", "masq" or "ipip" as ldirectord.cf writes it; null for LOCALNODE, which the kernel picks itself. */
    public String ldirectordName()
    {
        return ldirectordName;
    }

    /** The switch {@code ipvsadm -a} takes and {@code -S} writes: -g, -m or -i. */
    public String ipvsadmSwitch()
    {
        return ipvsadmSwitch;
    }

    /** The Forward column of {@code ipvsadm -L}: Masq, Local, Tunnel or Route. */
    public String listName()
    {
        return listName;
    }

    /** True for the methods whose replies never pass the director, so only the input is seen. */
    public boolean isInputOnly()
    {
        return this != MASQ;
    }

    /** The method in a connection's flags, or null for a value no real server is given (BYPASS). */
    public static FwdMethod ofFlags(final int connFlags)
    {
        return BY_FLAGS[connFlags & ConnFlags.FWD_MASK];
    }

    /** The method ldirectord.cf names "gate", "masq" or "ipip", or null. */
    public static FwdMethod ofLdirectordName(final String name)
    {
        for (final FwdMethod m : values())
        {
            if (null != m.ldirectordName && m.ldirectordName.equals(name))
            {
                return m;
            }
        }
        return null;
    }
}
