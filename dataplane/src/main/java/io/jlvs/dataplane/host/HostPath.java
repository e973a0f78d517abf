package io.jlvs.dataplane.host;

import io.jlvs.bindings.dpdk.LvsShim;
import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The director's own host path: a TAP device that carries the director's addresses for the kernel, so that its
 * sockets (health checks, an operator's ssh, later sync and routing daemons) reach the network through the port
 * the dataplane owns. This kernel has TUN/TAP but no KNI or vhost-net, so frames are copied.
 * <pre>
 *   agents --(frames for this host: TCP/UDP to its address, answers to its own traffic)--> {@link #toHost} ring
 *       --> host thread --> TAP --> kernel
 *   kernel --> TAP --> host thread --> {@link #fromHost} ring --> agent 0 --> port
 * </pre>
 * Both rings are bounded: what does not fit is dropped and counted (by the agent going in, by the host thread
 * coming out). The agents pay a copy per host frame and nothing per forwarded packet; the host thread is an
 * Agrona {@link Agent} of its own, on the control core, not a forwarding one.
 */
public final class HostPath implements Agent, AutoCloseable
{
    /** Frames are carried whole: a jumbo frame with its Ethernet header and a VLAN tag. */
    public static final int MAX_FRAME = 9216 + 18;
    public static final int DEFAULT_RING = 1 << 20;
    static final int MSG_FRAME = 1;
    private static final int FRAMES_PER_WORK = 32;

    private final String name;
    private final int fd;
    private final RingBuffer toHost;
    private final RingBuffer fromHost;
    private final MemorySegment toHostMemory;
    private final MemorySegment fromHostMemory;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment bounce;
    private final UnsafeBuffer bounceBuffer;
    private final AtomicCounter written;
    private final AtomicCounter read;
    private final AtomicCounter writeFailed;
    private final AtomicCounter fromHostFull;
    private final MessageHandler writer = this::writeToTap;
    private boolean closed;

    /**
     * Opens (creating if need be) the TAP device {@code name}; the caller configures it (address, MAC, up).
     *
     * @throws IllegalStateException saying why the device cannot be had (no /dev/net/tun, no permission).
     */
    public HostPath(final String name, final int ringCapacity, final AtomicCounter written, final AtomicCounter read,
        final AtomicCounter writeFailed, final AtomicCounter fromHostFull)
    {
        this.name = name;
        this.written = written;
        this.read = read;
        this.writeFailed = writeFailed;
        this.fromHostFull = fromHostFull;
        this.bounce = arena.allocate(MAX_FRAME, 64);
        this.bounceBuffer = new UnsafeBuffer(bounce.address(), MAX_FRAME);
        final UnsafeBuffer in = ring(ringCapacity);
        final UnsafeBuffer out = ring(ringCapacity);
        this.toHost = new ManyToOneRingBuffer(in);
        this.fromHost = new OneToOneRingBuffer(out);
        this.toHostMemory = MemorySegment.ofAddress(in.addressOffset()).reinterpret(in.capacity());
        this.fromHostMemory = MemorySegment.ofAddress(out.addressOffset()).reinterpret(out.capacity());
        final int opened = LvsShim.lvs_tap_open(arena.allocateFrom(name));
        if (opened < 0)
        {
            arena.close();
            throw new IllegalStateException("cannot open TAP device " + name + " (errno " + -opened +
                "): the host path needs /dev/net/tun and CAP_NET_ADMIN");
        }
        this.fd = opened;
    }

    private static UnsafeBuffer ring(final int capacity)
    {
        if (!BitUtil.isPowerOfTwo(capacity))
        {
            throw new IllegalArgumentException("ring capacity must be a power of two: " + capacity);
        }
        return new UnsafeBuffer(BufferUtil.allocateDirectAligned(
            capacity + RingBufferDescriptor.TRAILER_LENGTH, BitUtil.CACHE_LINE_LENGTH));
    }

    public String name()
    {
        return name;
    }

    /**
     * An agent hands a frame to the host: copied into the ring (the caller frees its buffer either way).
     *
     * @return false when the ring is full or the frame too long (the caller counts it).
     */
    public boolean offer(final MemorySegment seg, final long frame, final int length)
    {
        if (length > MAX_FRAME || length > toHost.maxMsgLength())
        {
            return false;
        }
        final int index = toHost.tryClaim(MSG_FRAME, length);
        if (index < 0)
        {
            return false;
        }
        MemorySegment.copy(seg, frame, toHostMemory, index, length);
        toHost.commit(index);
        return true;
    }

    /** What agent 0 is given the host's frames with: the frame at {@code at} in {@code memory}. */
    @FunctionalInterface
    public interface FrameHandler
    {
        void onFrame(MemorySegment memory, long at, int length);
    }

    /** The one reader of the kernel's frames (agent 0's), handing each to {@code handler}. */
    public Reader reader(final FrameHandler handler)
    {
        return new Reader(handler);
    }

    /** Takes the frames the kernel sent, to put on the wire; made once, polled every cycle without allocating. */
    public final class Reader
    {
        private final MessageHandler onMessage;

        private Reader(final FrameHandler handler)
        {
            this.onMessage = (type, buffer, index, length) -> handler.onFrame(fromHostMemory, index, length);
        }

        /** Hands up to {@code limit} frames to the handler; returns how many. */
        public int poll(final int limit)
        {
            return fromHost.read(onMessage, limit);
        }
    }

    @Override
    public String roleName()
    {
        return "host-" + name;
    }

    /** The host thread: the kernel's frames into the ring to agent 0, the agents' frames to the kernel. */
    @Override
    public int doWork()
    {
        int work = toHost.read(writer, FRAMES_PER_WORK);
        for (int i = 0; i < FRAMES_PER_WORK; i++)
        {
            final int n = LvsShim.lvs_fd_read(fd, bounce, MAX_FRAME);
            if (n <= 0)
            {
                break;
            }
            work++;
            read.incrementRelease();
            if (!fromHost.write(MSG_FRAME, bounceBuffer, 0, n))
            {
                fromHostFull.incrementRelease();
            }
        }
        return work;
    }

    private void writeToTap(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        MemorySegment.copy(toHostMemory, index, bounce, 0, length);
        if (LvsShim.lvs_fd_write(fd, bounce, length) == length)
        {
            written.incrementRelease();
        }
        else
        {
            writeFailed.incrementRelease();
        }
    }

    @Override
    public void close()
    {
        if (!closed)
        {
            closed = true;
            LvsShim.lvs_fd_close(fd);
            arena.close();
        }
    }
}
