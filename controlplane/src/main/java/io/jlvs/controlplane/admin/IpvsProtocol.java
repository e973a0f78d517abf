package io.jlvs.controlplane.admin;

/** Transport protocol of an IPVS service, with the names ipvsadm prints and the options it saves. */
public enum IpvsProtocol
{
    TCP(6, "TCP", "-t", "tcp"),
    UDP(17, "UDP", "-u", "udp"),
    SCTP(132, "SCTP", "--sctp-service", "sctp");

    private final int number;
    private final String listName;
    private final String saveOption;
    private final String servicesName;

    IpvsProtocol(final int number, final String listName, final String saveOption, final String servicesName)
    {
        this.number = number;
        this.listName = listName;
        this.saveOption = saveOption;
        this.servicesName = servicesName;
    }

    /** @return the IP protocol number: 6, 17, 132 (ipvsadm sorts services by it) */
    public int number()
    {
        return number;
    }

    /** @return "TCP", "UDP", "SCTP" as in the Prot column */
    public String listName()
    {
        return listName;
    }

    /** @return "-t", "-u", "--sctp-service" as in {@code ipvsadm -S} */
    public String saveOption()
    {
        return saveOption;
    }

    /** @return "tcp", "udp", "sctp" as in /etc/services */
    public String servicesName()
    {
        return servicesName;
    }
}
