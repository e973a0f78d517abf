package io.jlvs.controlplane.capture;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes pcapng (draft-ietf-opsawg-pcapng) blocks into a buffer the caller drains: a Section Header, an Interface
 * Description per agent (Ethernet, nanosecond timestamps), an Enhanced Packet per frame with its direction in
 * {@code epb_flags}, and Interface Statistics at the end. Little-endian, as the byte-order magic says; one buffer,
 * reused, so the draining thread allocates nothing per frame.
 */
public final class PcapngWriter
{
    static final int SECTION_HEADER = 0x0A0D0D0A;
    static final int INTERFACE_DESCRIPTION = 1;
    static final int INTERFACE_STATISTICS = 5;
    static final int ENHANCED_PACKET = 6;
    static final int BYTE_ORDER_MAGIC = 0x1A2B3C4D;
    static final int LINKTYPE_ETHERNET = 1;

    private static final short OPT_END = 0;
    private static final short OPT_COMMENT = 1;
    private static final short SHB_USERAPPL = 4;
    private static final short IF_NAME = 2;
    private static final short IF_DESCRIPTION = 3;
    private static final short IF_TSRESOL = 9;
    private static final short EPB_FLAGS = 2;
    private static final short ISB_STARTTIME = 2;
    private static final short ISB_ENDTIME = 3;
    private static final short ISB_IFDROP = 5;
    private static final short ISB_FILTERACCEPT = 6;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final byte[] bytes;
    private final MemorySegment buffer;
    private int position;
    private int blockStart;

    /** @param capacity bytes held before the caller must {@link #reset} (a block larger than this is refused). */
    public PcapngWriter(final int capacity)
    {
        this.bytes = new byte[capacity];
        this.buffer = MemorySegment.ofArray(bytes);
    }

    public byte[] bytes()
    {
        return bytes;
    }

    /** Bytes written since the last {@link #reset}, all in whole blocks. */
    public int length()
    {
        return position;
    }

    public void reset()
    {
        position = 0;
    }

    /** Room left for one more block of this many bytes of frame? */
    public boolean hasRoomForPacket(final int frameLength)
    {
        return position + 32 + align4(frameLength) + 16 <= bytes.length;
    }

    public void sectionHeader(final String application)
    {
        begin(SECTION_HEADER);
        putInt(BYTE_ORDER_MAGIC);
        putShort((short)1);
        putShort((short)0);
        putLong(-1L); // section length not known: the file is written as it goes
        stringOption(SHB_USERAPPL, application);
        end(true);
    }

    public void interfaceDescription(final String name, final String description, final int snapLength)
    {
        begin(INTERFACE_DESCRIPTION);
        putShort((short)LINKTYPE_ETHERNET);
        putShort((short)0);
        putInt(snapLength);
        stringOption(IF_NAME, name);
        stringOption(IF_DESCRIPTION, description);
        option(IF_TSRESOL, 1);
        putInt(9); // 10^-9: nanoseconds, in the option's one byte, then three of padding
        end(true);
    }

    /**
     * A frame: {@code copied} bytes from {@code src} at {@code offset}, {@code wireLength} on the wire.
     *
     * @param direction 1 inbound, 2 outbound ({@code epb_flags} bits 0-1).
     */
    public void enhancedPacket(final int interfaceId, final long timestampNs, final int wireLength,
        final MemorySegment src, final long offset, final int copied, final int direction)
    {
        begin(ENHANCED_PACKET);
        putInt(interfaceId);
        putInt((int)(timestampNs >>> 32));
        putInt((int)timestampNs);
        putInt(copied);
        putInt(wireLength);
        MemorySegment.copy(src, offset, buffer, position, copied);
        position += copied;
        pad();
        option(EPB_FLAGS, 4);
        putInt(direction & 3);
        end(true);
    }

    /** The frames of one interface (an agent) that passed the filter, and those of them not copied. */
    public void interfaceStatistics(final int interfaceId, final long startNs, final long endNs, final long accepted,
        final long dropped, final String comment)
    {
        begin(INTERFACE_STATISTICS);
        putInt(interfaceId);
        putInt((int)(endNs >>> 32));
        putInt((int)endNs);
        option(ISB_STARTTIME, 8);
        putInt((int)(startNs >>> 32));
        putInt((int)startNs);
        option(ISB_ENDTIME, 8);
        putInt((int)(endNs >>> 32));
        putInt((int)endNs);
        option(ISB_FILTERACCEPT, 8);
        putLong(accepted);
        option(ISB_IFDROP, 8);
        putLong(dropped);
        stringOption(OPT_COMMENT, comment);
        end(true);
    }

    private void begin(final int type)
    {
        blockStart = position;
        putInt(type);
        putInt(0); // total length, set by end()
    }

    private void end(final boolean options)
    {
        if (options)
        {
            option(OPT_END, 0);
        }
        final int total = position - blockStart + 4;
        buffer.set(U32, blockStart + 4, total);
        putInt(total);
    }

    private void option(final short code, final int length)
    {
        putShort(code);
        putShort((short)length);
    }

    private void stringOption(final short code, final String value)
    {
        final byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        option(code, utf8.length);
        System.arraycopy(utf8, 0, bytes, position, utf8.length);
        position += utf8.length;
        pad();
    }

    private void pad()
    {
        while ((position & 3) != 0)
        {
            bytes[position++] = 0;
        }
    }

    private void putShort(final short v)
    {
        buffer.set(U16, position, v);
        position += 2;
    }

    private void putInt(final int v)
    {
        buffer.set(U32, position, v);
        position += 4;
    }

    private void putLong(final long v)
    {
        buffer.set(U64, position, v);
        position += 8;
    }

    private static int align4(final int n)
    {
        return (n + 3) & ~3;
    }
}
