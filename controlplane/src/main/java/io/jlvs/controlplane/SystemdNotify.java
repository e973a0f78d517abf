package io.jlvs.controlplane;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;

/**
 * systemd's notification protocol ({@code sd_notify(3)}), spoken directly: a datagram such as {@code READY=1} to the
 * AF_UNIX socket named in {@code $NOTIFY_SOCKET} (a path, or an abstract name after '@'), through libc's
 * {@code socket} and {@code sendto} by {@code java.lang.foreign}, as Java's channels have no Unix datagrams. Without
 * {@code $NOTIFY_SOCKET} (not started by systemd with {@code Type=notify}) every call does nothing.
 */
final class SystemdNotify implements AutoCloseable
{
    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SUN_PATH = 108;

    private static final MethodHandle SOCKET;
    private static final MethodHandle SENDTO;
    private static final MethodHandle CLOSE;

    static
    {
        final Linker linker = Linker.nativeLinker();
        final var libc = linker.defaultLookup();
        SOCKET = linker.downcallHandle(libc.find("socket").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        SENDTO = linker.downcallHandle(libc.find("sendto").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        CLOSE = linker.downcallHandle(libc.find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    private final Arena arena = Arena.ofShared();
    private final MemorySegment address;
    private final int addressLength;
    /** The socket; -1 when there is none, or after close. Guarded by this. */
    private int fd;

    private SystemdNotify(final String socket)
    {
        MemorySegment a = null;
        int length = 0;
        int s = -1;
        final byte[] name = socket.getBytes(StandardCharsets.UTF_8);
        if (name.length > 1 && name.length < SUN_PATH && (name[0] == '/' || name[0] == '@'))
        {
            a = arena.allocate(2 + SUN_PATH);
            a.set(ValueLayout.JAVA_SHORT, 0, (short)AF_UNIX);
            MemorySegment.copy(name, 0, a, ValueLayout.JAVA_BYTE, 2, name.length);
            if (name[0] == '@')
            {
                a.set(ValueLayout.JAVA_BYTE, 2, (byte)0); // an abstract socket: a leading NUL, no terminating one
                length = 2 + name.length;
            }
            else
            {
                length = 2 + name.length + 1;
            }
            s = socket();
        }
        this.address = a;
        this.addressLength = length;
        this.fd = s;
    }

    /** From {@code $NOTIFY_SOCKET}; one that does nothing when it is unset or unusable. */
    static SystemdNotify fromEnvironment()
    {
        final String socket = System.getenv("NOTIFY_SOCKET");
        return new SystemdNotify(null == socket ? "" : socket);
    }

    /** @return true when systemd waits for these notifications */
    synchronized boolean isActive()
    {
        return fd >= 0;
    }

    /**
     * Sends one notification, lines such as {@code READY=1\nSTATUS=...}.
     *
     * @return false when none was sent (no socket, or sendto failed)
     */
    synchronized boolean send(final String state)
    {
        if (fd < 0)
        {
            return false;
        }
        try (Arena call = Arena.ofConfined())
        {
            final byte[] b = state.getBytes(StandardCharsets.UTF_8);
            final MemorySegment msg = call.allocate(Math.max(1, b.length));
            MemorySegment.copy(b, 0, msg, ValueLayout.JAVA_BYTE, 0, b.length);
            return (long)SENDTO.invokeExact(fd, msg, (long)b.length, MSG_NOSIGNAL, address, addressLength) == b.length;
        }
        catch (final Throwable t)
        {
            return false;
        }
    }

    /**
     * The watchdog interval systemd asks for ({@code $WATCHDOG_USEC}, when {@code $WATCHDOG_PID} is unset or this
     * process), in microseconds; 0 when there is none.
     */
    static long watchdogMicros()
    {
        final String usec = System.getenv("WATCHDOG_USEC");
        final String pid = System.getenv("WATCHDOG_PID");
        if (null == usec || (null != pid && !pid.equals(Long.toString(ProcessHandle.current().pid()))))
        {
            return 0;
        }
        try
        {
            return Math.max(0, Long.parseLong(usec.strip()));
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }

    @Override
    public synchronized void close()
    {
        if (fd >= 0)
        {
            closeFd(fd);
            fd = -1;
        }
        if (arena.scope().isAlive())
        {
            arena.close();
        }
    }

    private static int socket()
    {
        try
        {
            return (int)SOCKET.invokeExact(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        }
        catch (final Throwable t)
        {
            return -1;
        }
    }

    private static void closeFd(final int fd)
    {
        try
        {
            final int ignored = (int)CLOSE.invokeExact(fd);
        }
        catch (final Throwable t)
        {
            // nothing to do: the process is stopping
        }
    }
}
