package io.jlvs.perf;

/**
 * The addresses of the packet-rate bench, shared by {@link PacketGenerator}, {@link BenchDirector} and
 * {@link PacketPathBenchmark}: one virtual service 198.18.0.10:80/TCP, three real servers .11-.13 (DR), the
 * director's own address .2, and flows from 10.0.0.1 onwards, 1024 source ports per client address.
 * MACs are locally administered: the generator's port, the director's port (also testpmd's), and one per real
 * server (the generator answers ARP for the real servers with these, so DR-forwarded frames can be told apart).
 */
public final class BenchTopology
{
    public static final int FRAME_LENGTH = 64;

    public static final long GEN_MAC = 0x02_00_00_00_00_01L;
    public static final long DIR_MAC = 0x02_00_00_00_00_02L;
    public static final long[] RS_MAC = {0x02_00_00_00_01_0BL, 0x02_00_00_00_01_0CL, 0x02_00_00_00_01_0DL};

    public static final int DIP = ip(198, 18, 0, 2);
    public static final int VIP = ip(198, 18, 0, 10);
    public static final int VPORT = 80;
    public static final int[] RIP = {ip(198, 18, 0, 11), ip(198, 18, 0, 12), ip(198, 18, 0, 13)};
    /** wrr weights of the three real servers. */
    public static final int[] WEIGHTS = {3, 2, 1};

    public static final int CLIENT_BASE = ip(10, 0, 0, 1);
    public static final int PORTS_PER_CLIENT = 1024;
    public static final int FIRST_PORT = 10_000;

    private BenchTopology()
    {
    }

    public static int clientAddr(final int flow)
    {
        return CLIENT_BASE + (flow >>> 10);
    }

    public static int clientPort(final int flow)
    {
        return FIRST_PORT + (flow & (PORTS_PER_CLIENT - 1));
    }

    public static int ip(final int a, final int b, final int c, final int d)
    {
        return (a << 24) | (b << 16) | (c << 8) | d;
    }

    /** {@code 02:00:00:00:00:01} */
    public static String macString(final long mac)
    {
        final StringBuilder sb = new StringBuilder(17);
        for (int i = 5; i >= 0; i--)
        {
            sb.append(String.format("%02x", (mac >>> (8 * i)) & 0xFF));
            if (i > 0)
            {
                sb.append(':');
            }
        }
        return sb.toString();
    }
}
