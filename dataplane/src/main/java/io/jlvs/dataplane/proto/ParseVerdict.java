package io.jlvs.dataplane.proto;

/**
 * What {@link PacketParser#parse} made of a frame: one of three classifications, or a drop reason.
 * <p>
 * Plain int constants, dense from 0, so a forwarding agent can switch on them and index a counter
 * array by them with no allocation. {@link #label(int)} gives the counter label for each, e.g.
 * {@code "fwd-3: Truncated IP header"} once the agent prefixes its role name.
 * <p>
 * {@link #UNSUPPORTED_L4} leaves the view classified as far as the parser went (family, addresses, protocol,
 * offsets; ports zero), so the caller may still decide to pass the packet on, as IPVS passes protocols it has no
 * handler for back to the stack. A fragment is classified ({@link #IPV4}, {@link #IPV6}) with
 * {@link PacketView#fragment} set; only a first fragment too short for its transport header is dropped
 * ({@link #TINY_FRAGMENT}, RFC 1858: its ports could not be checked).
 */
public final class ParseVerdict
{
    public static final int ARP = 0;
    public static final int IPV4 = 1;
    public static final int IPV6 = 2;

    public static final int TRUNCATED_ETHERNET = 3;
    public static final int UNKNOWN_ETHERTYPE = 4;
    public static final int TRUNCATED_ARP = 5;
    public static final int BAD_ARP = 6;
    public static final int TRUNCATED_IP = 7;
    public static final int BAD_IP_VERSION = 8;
    public static final int BAD_IHL = 9;
    public static final int BAD_IP_LENGTH = 10;
    public static final int BAD_IP_CHECKSUM = 11;
    public static final int TINY_FRAGMENT = 12;
    public static final int TRUNCATED_L4 = 13;
    public static final int BAD_TCP_OFFSET = 14;
    public static final int BAD_UDP_LENGTH = 15;
    public static final int UNSUPPORTED_L4 = 16;
    public static final int TRUNCATED_IPV6_EXT = 17;
    public static final int IPV6_EXT_CHAIN_TOO_LONG = 18;

    /** Number of verdicts: the size of a counter array indexed by verdict. */
    public static final int COUNT = 19;

    private static final String[] LABELS =
    {
        "ARP",
        "IPv4",
        "IPv6",
        "Truncated Ethernet header",
        "Unknown EtherType",
        "Truncated ARP packet",
        "Bad ARP header",
        "Truncated IP header",
        "Bad IP version",
        "Bad IPv4 header length",
        "Bad IP length",
        "Bad IPv4 header checksum",
        "First fragment too short for its transport header",
        "Truncated L4 header",
        "Bad TCP data offset",
        "Bad UDP length",
        "Unsupported L4 protocol",
        "Truncated IPv6 extension header",
        "IPv6 extension chain too long",
    };

    private static final String[] NAMES =
    {
        "ARP", "IPV4", "IPV6", "TRUNCATED_ETHERNET", "UNKNOWN_ETHERTYPE", "TRUNCATED_ARP", "BAD_ARP",
        "TRUNCATED_IP", "BAD_IP_VERSION", "BAD_IHL", "BAD_IP_LENGTH", "BAD_IP_CHECKSUM", "TINY_FRAGMENT",
        "TRUNCATED_L4", "BAD_TCP_OFFSET", "BAD_UDP_LENGTH", "UNSUPPORTED_L4", "TRUNCATED_IPV6_EXT",
        "IPV6_EXT_CHAIN_TOO_LONG",
    };

    static
    {
        if (LABELS.length != COUNT || NAMES.length != COUNT)
        {
            throw new IllegalStateException("ParseVerdict tables out of step with COUNT=" + COUNT);
        }
    }

    private ParseVerdict()
    {
    }

    /** True for the classifications {@link #ARP}, {@link #IPV4} and {@link #IPV6}. */
    public static boolean isClassified(final int verdict)
    {
        return verdict >= ARP && verdict <= IPV6;
    }

    /** True for every drop reason, {@link #UNSUPPORTED_L4} included. */
    public static boolean isDrop(final int verdict)
    {
        return verdict > IPV6 && verdict < COUNT;
    }

    /** Human label for counters, e.g. {@code "Truncated IP header"}. */
    public static String label(final int verdict)
    {
        return LABELS[check(verdict)];
    }

    /** The constant's name, e.g. {@code "TRUNCATED_IP"}, for logs and test messages. */
    public static String name(final int verdict)
    {
        return NAMES[check(verdict)];
    }

    private static int check(final int verdict)
    {
        if (verdict < 0 || verdict >= COUNT)
        {
            throw new IllegalArgumentException("unknown verdict: " + verdict);
        }
        return verdict;
    }
}
