package io.jlvs.dataplane.capture;

import io.jlvs.dataplane.Packet;
import io.jlvs.dataplane.port.InMemoryPort;
import io.jlvs.dataplane.port.TxBuffer;
import io.jlvs.dataplane.status.LbCounterDescriptor;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CaptureTapTest
{
    private static final int CLIENT = 0xC0000201;
    private static final int VIP = 0xC6120010;

    private final InMemoryPort port = new InMemoryPort("test", 0x5254_0000_0001L, 512);
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment handles = arena.allocate(ValueLayout.JAVA_LONG, 256);
    /** The tap's clock: System.nanoTime's, as the agent's (records carry it as epoch time), stepped by the tests. */
    private long nowNs = System.nanoTime();
    private final CaptureTap tap = new CaptureTap(0, () -> nowNs);

    @AfterEach
    void tearDown()
    {
        arena.close();
        port.close();
    }

    /** Receives {@code frames} as the agent does and offers them to the tap; the buffers are freed after. */
    private void receive(final List<byte[]> frames)
    {
        frames.forEach(port::inject);
        final int n = port.rxBurst(handles, 256);
        final Packet[] burst = new Packet[n];
        for (int i = 0; i < n; i++)
        {
            burst[i] = new Packet().wrap(port, handles.getAtIndex(ValueLayout.JAVA_LONG, i));
        }
        tap.inbound(burst, n);
        port.freeBulk(handles, 0, n);
    }

    private static List<byte[]> frames(final int n, final int dport)
    {
        final List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final byte[] f = CaptureFilterTest.ipv4(6, CLIENT, 40000 + i, VIP, dport, 0, false);
            frames.add(f);
        }
        return frames;
    }

    /** The ring's records: direction, wire length and the bytes copied. */
    private static List<Object[]> drain(final Capture capture)
    {
        final List<Object[]> records = new ArrayList<>();
        capture.ring(0).read((type, buffer, index, length) ->
        {
            final byte[] bytes = new byte[length - Capture.HEADER_LENGTH];
            buffer.getBytes(index + Capture.HEADER_LENGTH, bytes);
            records.add(new Object[] {type, buffer.getInt(index + Capture.WIRE_LENGTH_OFFSET), bytes,
                buffer.getLong(index + Capture.TIMESTAMP_OFFSET)});
        });
        return records;
    }

    @Test
    void shouldCopyNothingWithNoCaptureAttached()
    {
        final Capture capture = new Capture(CaptureFilter.ALL, 65535, 1000, 1, 64 * 1024);
        receive(frames(3, 80));
        tap.attach(capture);
        tap.detach(capture);
        receive(frames(3, 80));
        assertEquals(0, drain(capture).size());
        assertEquals(0, capture.total(Capture.MATCHED));
    }

    @Test
    void shouldSayWhenNoBurstCopiesIntoADetachedCapture()
    {
        final Capture capture = new Capture(CaptureFilter.ALL, 65535, 1000, 1, 64 * 1024);
        tap.attach(capture);
        assertFalse(tap.isCopyingInto(capture), "between bursts");
        receive(frames(2, 80));
        assertFalse(tap.isCopyingInto(capture), "a burst lets go once its counts are published");
        tap.detach(capture);
        receive(frames(2, 80));
        assertEquals(2, capture.total(Capture.COPIED), "nothing after the detach");
    }

    @Test
    void shouldCopyTheFramesThatPassTheFilterWithTheirTimeAndLength()
    {
        final Capture capture = new Capture(CaptureFilter.ALL.port(80, CaptureFilter.DST, "dst port 80"), 65535,
            1000, 1, 64 * 1024);
        tap.attach(capture);
        final long before = System.currentTimeMillis();
        final List<byte[]> sent = new ArrayList<>(frames(2, 80));
        sent.addAll(frames(3, 443));
        receive(sent);
        final List<Object[]> records = drain(capture);
        assertEquals(2, records.size());
        for (int i = 0; i < 2; i++)
        {
            assertEquals(Capture.INBOUND, records.get(i)[0]);
            assertEquals(64, records.get(i)[1]);
            assertArrayEquals(sent.get(i), (byte[])records.get(i)[2]);
            final long ms = (long)records.get(i)[3] / 1_000_000;
            assertTrue(ms >= before - 1000 && ms <= System.currentTimeMillis() + 1000, "epoch time: " + ms);
        }
        assertEquals(2, capture.total(Capture.MATCHED));
        assertEquals(2, capture.total(Capture.COPIED));
    }

    @Test
    void shouldKeepOnlySnapLengthBytes()
    {
        final Capture capture = new Capture(CaptureFilter.ALL, 20, 1000, 1, 64 * 1024);
        tap.attach(capture);
        final List<byte[]> sent = frames(1, 80);
        receive(sent);
        final Object[] r = drain(capture).get(0);
        assertEquals(64, r[1], "the length on the wire");
        assertArrayEquals(Arrays.copyOf(sent.get(0), 20), (byte[])r[2]);
    }

    @Test
    void shouldBoundTheRateAndCountWhatItLeavesOut()
    {
        final Capture capture = new Capture(CaptureFilter.ALL, 65535, 100, 1, 64 * 1024);
        tap.attach(capture);
        receive(frames(50, 80));
        assertEquals(10, drain(capture).size(), "a tenth of a second of the rate at once");
        assertEquals(40, capture.total(Capture.OVER_RATE));
        nowNs += 150_000_000L;
        receive(frames(50, 80));
        assertEquals(10, drain(capture).size(), "refilled, to the bucket's size and no more");
        assertEquals(80, capture.total(Capture.OVER_RATE));
        assertEquals(100, capture.total(Capture.MATCHED));
        receive(frames(50, 80));
        assertEquals(0, drain(capture).size(), "no tokens left: the burst is counted whole");
        assertEquals(130, capture.total(Capture.OVER_RATE));
        assertEquals(150, capture.total(Capture.MATCHED));
    }

    @Test
    void shouldShareTheRateAmongAgents()
    {
        final Capture capture = new Capture(CaptureFilter.ALL, 65535, 1000, 4, 64 * 1024);
        assertEquals(250, capture.perAgentRate());
    }

    @Test
    void shouldCountFramesThatFindTheRingFullAndNeverWait()
    {
        final Capture capture = new Capture(CaptureFilter.ALL, 65535, 1_000_000, 1, 4096);
        tap.attach(capture);
        receive(frames(100, 80));
        final long copied = capture.total(Capture.COPIED);
        assertTrue(copied > 10 && copied < 100, "copied " + copied);
        assertEquals(100 - copied, capture.total(Capture.RING_FULL));
        assertEquals(copied, drain(capture).size());
        receive(frames(5, 80));
        assertEquals(5, drain(capture).size() + drain(capture).size(), "room again once drained (a read stops where the ring wraps)");
    }

    @Test
    void shouldCopyFramesSentThroughTheTransmitBufferAsOutbound()
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));
        final AtomicCounter[] counters = new AtomicCounter[LbCounterDescriptor.values().length];
        for (final LbCounterDescriptor d : LbCounterDescriptor.values())
        {
            counters[d.ordinal()] = manager.newCounter(d.name());
        }
        final TxBuffer tx = new TxBuffer(port, 32, arena, counters);
        tx.tap(tap);
        final Capture capture = new Capture(CaptureFilter.ALL, 65535, 1000, 1, 64 * 1024);
        tap.attach(capture);
        final List<byte[]> sent = frames(3, 80);
        sent.forEach(port::inject);
        final int n = port.rxBurst(handles, 256);
        for (int i = 0; i < n; i++)
        {
            final long h = handles.getAtIndex(ValueLayout.JAVA_LONG, i);
            tx.send(h, port.dataLength(h));
        }
        tx.flush();
        final List<Object[]> records = drain(capture);
        assertEquals(3, records.size());
        for (int i = 0; i < 3; i++)
        {
            assertEquals(Capture.OUTBOUND, records.get(i)[0]);
            assertArrayEquals(sent.get(i), (byte[])records.get(i)[2]);
        }
        assertEquals(3, port.takeTransmitted().size());
    }
}
