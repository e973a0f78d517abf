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
import java.nio.ByteOrder;

/**
 * A raw IPv4 socket of one protocol in the director's own kernel (VRRP is IP protocol 112), through libc by the
 * FFM API: the JDK has no raw sockets. The kernel writes the IP header of what is sent (with the TTL set here) and
 * hands over whole datagrams, IP header first, of what is received. The director's host path carries both: what the
 * kernel sends leaves by the DPDK port, what the port receives for the director reaches the kernel.
 * <p>
 * One thread's; {@link #close} from another interrupts nothing (the receive timeout bounds a wait).
 */
public final class RawIpSocket implements AutoCloseable
{
    private static final int AF_INET = 2;
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
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Arena arena = Arena.ofShared();
    private final MemorySegment state = arena.allocate(CALL_STATE);
    private final MemorySegment sockaddr = arena.allocate(16);
    private final MemorySegment option = arena.allocate(16);
    private final MemorySegment buffer;
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
        this.buffer = arena.allocate(maxDatagram);
        try
        {
            fd = (int)SOCKET.invokeExact(state, AF_INET, SOCK_RAW, protocol);
        }
        catch (final Throwable t)
        {
            arena.close();
            throw new IOException("socket(AF_INET, SOCK_RAW, " + protocol + ")", t);
        }
        if (fd < 0)
        {
            final int errno = errno();
            arena.close();
            throw new IOException("socket(AF_INET, SOCK_RAW, " + protocol + "): errno " + errno +
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
        final int rc;
        try
        {
            rc = (int)BIND.invokeExact(state, fd, sockaddr, 16);
        }
        catch (final Throwable t)
        {
            throw new IOException("bind", t);
        }
        check(rc, "bind " + source.getHostAddress());
        return this;
    }

    /** Unicast and multicast TTL (VRRP: 255, which receivers check), and no loop back of its own multicast. */
    public RawIpSocket ttl(final int ttl) throws IOException
    {
        setInt(IPPROTO_IP, IP_TTL, ttl, "IP_TTL");
        setInt(IPPROTO_IP, IP_MULTICAST_TTL, ttl, "IP_MULTICAST_TTL");
        setInt(IPPROTO_IP, IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP");
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
