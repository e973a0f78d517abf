package io.jlvs.dataplane.xmit;

/**
 * The checksum mode of a GUE or GRE tunnel, the kernel's {@code IP_VS_TUNNEL_ENCAP_FLAG_*}, with ipvsadm's option
 * and its {@code --tun-info} abbreviation.
 * <ul>
 * <li>{@link #NOCSUM} (default): the outer UDP checksum is 0, GRE carries none.</li>
 * <li>{@link #CSUM}: the outer UDP (GUE) or GRE checksum is computed over the whole encapsulated packet.</li>
 * <li>{@link #REMCSUM} (GUE only): remote checksum offload, for packets whose inner checksum the sender left
 *     partial. A director forwards packets whose checksums are already complete, so, as the kernel does for
 *     such packets, it sends the outer UDP checksum and no offload data.</li>
 * </ul>
 */
public enum TunnelChecksum
{
    NOCSUM(0, "-c", "--tun-nocsum"),
    CSUM(1, "+c", "--tun-csum"),
    REMCSUM(1 << 1, "r+c", "--tun-remcsum");

    private final int flags;
    private final String infoName;
    private final String ipvsadmOption;

    TunnelChecksum(final int flags, final String infoName, final String ipvsadmOption)
    {
        this.flags = flags;
        this.infoName = infoName;
        this.ipvsadmOption = ipvsadmOption;
    }

    /** The kernel's flag value. */
    public int flags()
    {
        return flags;
    }

    /** "-c", "+c" or "r+c", as {@code ipvsadm -L --tun-info} prints it. */
    public String infoName()
    {
        return infoName;
    }

    /** "--tun-nocsum", "--tun-csum" or "--tun-remcsum". */
    public String ipvsadmOption()
    {
        return ipvsadmOption;
    }
}
