package io.jlvs.controlplane.vrrp;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteOrder;

/**
 * A raw IPv4 or IPv6 socket of one protocol in the director's own kernel (VRRP is IP protocol 112), through libc by
 * the FFM API: the JDK has no raw sockets. The kernel writes the IP header of what is sent (with the TTL or hop limit
 * set here). Over IPv4 it hands over whole datagrams, IP header first; over IPv6 the payload alone, with the hop
 * limit, source and destination beside it ({@link #receive6}, by {@code recvmsg} and its control messages). The director's host path carries both: what the
 * kernel sends leaves by the DPDK port, what the port receives for the director reaches the kernel.
 * <p>
 * One thread's; {@link #close} from another interrupts nothing (the receive timeout bounds a wait).
 */
public final class RawIpSocket implements AutoCloseable
{
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int IPPROTO_IPV6 = 41;
    private static final int IPV6_UNICAST_HOPS = 16;
    private static final int IPV6_MULTICAST_IF = 17;
    private static final int IPV6_MULTICAST_HOPS = 18;
    private static final int IPV6_MULTICAST_LOOP = 19;
    private static final int IPV6_ADD_MEMBERSHIP = 20;
    private static final int IPV6_RECVPKTINFO = 49;
    private static final int IPV6_PKTINFO = 50;
    private static final int IPV6_RECVHOPLIMIT = 51;
    private static final int IPV6_HOPLIMIT = 52;
    private static final int SOCKADDR_IN6 = 28;
    private static final int CONTROL = 128;
    private static final int SOCK_RAW = 3;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_BINDTODEVICE = 25;
    private static final int IPPROTO_IP = 0;
    private static final int IP_TTL = 2;
    private static final int IP_MULTICAST_IF = 32;
    private static final int IP_MULTICAST_TTL = 33;
    private static final int IP_MULTICAST_LOOP = 34;
    private static final int IP_ADD_MEMBERSHIP = 35;
    private static final int EAGAIN = 11;
    private static final int EINTR = 4;
    private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");
    private static final MethodHandle SOCKET = function("socket",
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SETSOCKOPT = function("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
        ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle BIND = function("bind", FunctionDescriptor.of(ValueLayout.JAVA_INT,
        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = function("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
        ValueLayout.JAVA_INT));
    private static final MethodHandle RECV = function("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
    private static final MethodHandle RECVMSG = function("recvmsg", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment sockaddr = arena.allocate(SOCKADDR_IN6);
    private final MemorySegment option = arena.allocate(20);
    // recvmsg's: struct msghdr (x86-64 and aarch64 LP64 layout), one iovec, the control messages
    private final MemorySegment msghdr = arena.allocate(56, 8);
    private final MemorySegment iovec = arena.allocate(16, 8);
    private final MemorySegment control = arena.allocate(CONTROL, 8);
    private final MemorySegment buffer;
    private final int family;
    private final int fd;
    private boolean closed;

    private static MethodHandle function(final String name, final FunctionDescriptor descriptor)
    {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, CAPTURE);
    }

    /**
     * Opens a raw socket of {@code protocol}.
     *
     * @param maxDatagram the largest datagram {@link #receive} takes.
     */
    public RawIpSocket(final int protocol, final int maxDatagram) throws IOException
    {
        this(AF_INET, protocol, maxDatagram);
    }

    /** Opens a raw IPv6 socket of {@code protocol}: {@link #receive6} tells each datagram's hop limit and addresses. */
    public static RawIpSocket ipv6(final int protocol, final int maxDatagram) throws IOException
    {
        final RawIpSocket s = new RawIpSocket(AF_INET6, protocol, maxDatagram);
        try
        {
            s.setInt(IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT");
            s.setInt(IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO");
        }
        catch (final IOException ex)
        {
            s.close();
            throw ex;
        }
        return s;
    }

    private RawIpSocket(final int family, final int protocol, final int maxDatagram) throws IOException
    {
        this.family = family;
        this.buffer = arena.allocate(maxDatagram);
        final String call = "socket(" + (family == AF_INET ? "AF_INET" : "AF_INET6") + ", SOCK_RAW, " + protocol + ")";
        try
        {
            fd = (int)SOCKET.invokeExact(state, family, SOCK_RAW, protocol);
        }
        catch (final Throwable t)
        {
            arena.close();
            throw new IOException(call, t);
        }
        if (fd < 0)
        {
            final int errno = errno();
            arena.close();
            throw new IOException(call + ": errno " + errno +
                (errno == 1 ? " (raw sockets need CAP_NET_RAW: run the director as root)" : ""));
        }
    }

    private int errno()
    {
        return (int)ERRNO.get(state, 0L);
    }

    private void check(final int rc, final String what) throws IOException
    {
        if (rc < 0)
        {
            throw new IOException(what + ": errno " + errno());
        }
    }

    private int setsockopt(final int level, final int name, final long length) throws IOException
    {
        try
        {
            return (int)SETSOCKOPT.invokeExact(state, fd, level, name, option, (int)length);
        }
        catch (final Throwable t)
        {
            throw new IOException("setsockopt", t);
        }
    }

    private void setInt(final int level, final int name, final int value, final String what) throws IOException
    {
        option.set(ValueLayout.JAVA_INT, 0, value);
        check(setsockopt(level, name, 4), what);
    }

    /** Sends and receives through this interface only ({@code SO_BINDTODEVICE}). */
    public RawIpSocket bindToDevice(final String ifName) throws IOException
    {
        final byte[] name = ifName.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        option.fill((byte)0);
        MemorySegment.copy(name, 0, option, ValueLayout.JAVA_BYTE, 0, Math.min(name.length, 15));
        check(setsockopt(SOL_SOCKET, SO_BINDTODEVICE, 16), "SO_BINDTODEVICE " + ifName);
        return this;
    }

    /** Sends from {@code source}: the address VRRP calls the primary one. */
    public RawIpSocket bind(final Inet4Address source) throws IOException
    {
        sockaddr(source);
        return bindTo(source, 16);
    }

    /** Sends from {@code source}, an IPv6 address on the interface of index {@code ifIndex} (a link-local's scope). */
    public RawIpSocket bind(final Inet6Address source, final int ifIndex) throws IOException
    {
        sockaddr6(source.getAddress(), ifIndex);
        return bindTo(source, SOCKADDR_IN6);
    }

    private RawIpSocket bindTo(final InetAddress source, final int length) throws IOException
    {
        final int rc;
        try
        {
            rc = (int)BIND.invokeExact(state, fd, sockaddr, length);
        }
        catch (final Throwable t)
        {
            throw new IOException("bind", t);
        }
        check(rc, "bind " + source.getHostAddress());
        return this;
    }

    /**
     * Unicast and multicast TTL, or IPv6 hop limit (VRRP: 255, which receivers check), and no loop back of its own
     * multicast.
     */
    public RawIpSocket ttl(final int ttl) throws IOException
    {
        if (family == AF_INET6)
        {
            setInt(IPPROTO_IPV6, IPV6_UNICAST_HOPS, ttl, "IPV6_UNICAST_HOPS");
            setInt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ttl, "IPV6_MULTICAST_HOPS");
            setInt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP");
            return this;
        }
        setInt(IPPROTO_IP, IP_TTL, ttl, "IP_TTL");
        setInt(IPPROTO_IP, IP_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL");
        setInt(IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
        return this;
    }

    /** Joins the IPv6 {@code group} on the interface of index {@code ifIndex}, and sends multicast through it. */
    public RawIpSocket joinGroup(final Inet6Address group, final int ifIndex) throws IOException
    {
        option.fill((byte)0);
        MemorySegment.copy(group.getAddress(), 0, option, ValueLayout.JAVA_BYTE, 0, 16);
        option.set(ValueLayout.JAVA_INT, 16, ifIndex);
        check(setsockopt(IPPROTO_IPV6, IPV6_ADD_MEMBERSHIP, 20), "IPV6_ADD_MEMBERSHIP " + group.getHostAddress());
        setInt(IPPROTO_IPV6, IPV6_MULTICAST_IF, ifIndex, "IPV6_MULTICAST_IF");
        return this;
    }

    /** Joins {@code group} on the interface with this index and local address, and sends multicast through it. */
    public RawIpSocket joinGroup(final Inet4Address group, final Inet4Address local, final int ifIndex)
        throws IOException
    {
        option.fill((byte)0);
        option.set(BE_INT, 0, toInt(group));
        option.set(BE_INT, 4, toInt(local));
        option.set(ValueLayout.JAVA_INT, 8, ifIndex);
        check(setsockopt(IPPROTO_IP, IP_ADD_MEMBERSHIP, 12), "IP_ADD_MEMBERSHIP " + group.getHostAddress());
        option.fill((byte)0);
        option.set(BE_INT, 4, toInt(local));
        option.set(ValueLayout.JAVA_INT, 8, ifIndex);
        check(setsockopt(IPPROTO_IP, IP_MULTICAST_IF, 12), "IP_MULTICAST_IF");
        return this;
    }

    /** A {@link #receive} waits at most this long. */
    public RawIpSocket receiveTimeout(final long millis) throws IOException
    {
        option.set(ValueLayout.JAVA_LONG, 0, millis / 1000);
        option.set(ValueLayout.JAVA_LONG, 8, (millis % 1000) * 1000);
        check(setsockopt(SOL_SOCKET, SO_RCVTIMEO, 16), "SO_RCVTIMEO");
        return this;
    }

    /** Sends {@code length} bytes of {@code payload} (no IP header: the kernel writes it) to {@code destination}. */
    public void send(final Inet4Address destination, final byte[] payload, final int length) throws IOException
    {
        MemorySegment.copy(payload, 0, buffer, ValueLayout.JAVA_BYTE, 0, length);
        sockaddr(destination);
        final long sent;
        try
        {
            sent = (long)SENDTO.invokeExact(state, fd, buffer, (long)length, 0, sockaddr, 16);
        }
        catch (final Throwable t)
        {
            throw new IOException("sendto", t);
        }
        if (sent < 0)
        {
            throw new IOException("sendto " + destination.getHostAddress() + ": errno " + errno());
        }
    }

    /** Sends an IPv6 payload to {@code destination} (a link-local or multicast one scoped to {@code ifIndex}). */
    public void send(final Inet6Address destination, final int ifIndex, final byte[] payload, final int length)
        throws IOException
    {
        MemorySegment.copy(payload, 0, buffer, ValueLayout.JAVA_BYTE, 0, length);
        sockaddr6(destination.getAddress(), ifIndex);
        final long sent;
        try
        {
            sent = (long)SENDTO.invokeExact(state, fd, buffer, (long)length, 0, sockaddr, SOCKADDR_IN6);
        }
        catch (final Throwable t)
        {
            throw new IOException("sendto", t);
        }
        if (sent < 0)
        {
            throw new IOException("sendto " + destination.getHostAddress() + ": errno " + errno());
        }
    }

    /** What {@link #receive6} tells of a datagram beside its payload. */
    public static final class Received6
    {
        public final byte[] source = new byte[16];
        public final byte[] destination = new byte[16];
        public int hopLimit = -1;
    }

    /**
     * Receives one IPv6 datagram's payload into {@code into}, its source, destination and hop limit into {@code meta}
     * (hop limit -1 when the kernel did not say).
     *
     * @return its length, or 0 when the receive timeout passed first.
     */
    public int receive6(final byte[] into, final Received6 meta) throws IOException
    {
        iovec.set(ValueLayout.ADDRESS, 0, buffer);
        iovec.set(ValueLayout.JAVA_LONG, 8, buffer.byteSize());
        sockaddr.fill((byte)0);
        msghdr.fill((byte)0);
        msghdr.set(ValueLayout.ADDRESS, 0, sockaddr);
        msghdr.set(ValueLayout.JAVA_INT, 8, SOCKADDR_IN6);
        msghdr.set(ValueLayout.ADDRESS, 16, iovec);
        msghdr.set(ValueLayout.JAVA_LONG, 24, 1L);
        msghdr.set(ValueLayout.ADDRESS, 32, control);
        msghdr.set(ValueLayout.JAVA_LONG, 40, (long)CONTROL);
        final long n;
        try
        {
            n = (long)RECVMSG.invokeExact(state, fd, msghdr, 0);
        }
        catch (final Throwable t)
        {
            throw new IOException("recvmsg", t);
        }
        if (n < 0)
        {
            final int errno = errno();
            if (errno == EAGAIN || errno == EINTR)
            {
                return 0;
            }
            throw new IOException("recvmsg: errno " + errno);
        }
        MemorySegment.copy(sockaddr, ValueLayout.JAVA_BYTE, 8, meta.source, 0, 16);
        java.util.Arrays.fill(meta.destination, (byte)0);
        meta.hopLimit = -1;
        // the control messages: struct cmsghdr { size_t len; int level; int type; } then data, each 8-aligned
        final long controlLength = Math.min(msghdr.get(ValueLayout.JAVA_LONG, 40), CONTROL);
        long at = 0;
        while (at + 16 <= controlLength)
        {
            final long length = control.get(ValueLayout.JAVA_LONG, at);
            if (length < 16 || at + length > controlLength)
            {
                break;
            }
            final int level = control.get(ValueLayout.JAVA_INT, at + 8);
            final int type = control.get(ValueLayout.JAVA_INT, at + 12);
            if (level == IPPROTO_IPV6 && type == IPV6_HOPLIMIT && length >= 20)
            {
                meta.hopLimit = control.get(ValueLayout.JAVA_INT, at + 16);
            }
            else if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO && length >= 16 + 20)
            {
                MemorySegment.copy(control, ValueLayout.JAVA_BYTE, at + 16, meta.destination, 0, 16);
            }
            at += (length + 7) & ~7L;
        }
        final int length = (int)Math.min(n, into.length);
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, into, 0, length);
        return length;
    }

    /**
     * Receives one datagram, IP header first, into {@code into}.
     *
     * @return its length, or 0 when the receive timeout passed first.
     */
    public int receive(final byte[] into) throws IOException
    {
        final long n;
        try
        {
            n = (long)RECV.invokeExact(state, fd, buffer, buffer.byteSize(), 0);
        }
        catch (final Throwable t)
        {
            throw new IOException("recv", t);
        }
        if (n < 0)
        {
            final int errno = errno();
            if (errno == EAGAIN || errno == EINTR)
            {
                return 0;
            }
            throw new IOException("recv: errno " + errno);
        }
        final int length = (int)Math.min(n, into.length);
        MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, into, 0, length);
        return length;
    }

    private void sockaddr(final Inet4Address address)
    {
        sockaddr.fill((byte)0);
        sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short)AF_INET);
        sockaddr.set(BE_INT, 4, toInt(address));
    }

    private void sockaddr6(final byte[] address, final int scope)
    {
        sockaddr.fill((byte)0);
        sockaddr.set(ValueLayout.JAVA_SHORT, 0, (short)AF_INET6);
        MemorySegment.copy(address, 0, sockaddr, ValueLayout.JAVA_BYTE, 8, 16);
        // the scope only for link-local and multicast destinations; a global one takes none
        final boolean scoped = (address[0] == (byte)0xFE && (address[1] & 0xC0) == 0x80) || address[0] == (byte)0xFF;
        sockaddr.set(ValueLayout.JAVA_INT, 24, scoped ? scope : 0);
    }

    static int toInt(final Inet4Address a)
    {
        final byte[] b = a.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            final int ignored = (int)CLOSE.invokeExact(fd);
        }
        catch (final Throwable t)
        {
            // closing: nothing more to do
        }
        arena.close();
    }
}
