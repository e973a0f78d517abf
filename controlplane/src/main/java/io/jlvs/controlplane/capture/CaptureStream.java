package io.jlvs.controlplane.capture;

import io.jlvs.controlplane.admin.IpvsadmResult;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The reply to a capture request on the admin socket: a result as every admin reply starts (status, stdout,
 * stderr: the banner, or why the capture cannot run); when its status is 0, pcapng in chunks (a length, then
 * that many bytes, whole blocks), a zero length, and a last result with the counts tcpdump prints at its end.
 */
public final class CaptureStream
{
    private CaptureStream()
    {
    }

    static ByteBuffer result(final int status, final String out, final String err)
    {
        final byte[] o = out.getBytes(StandardCharsets.UTF_8);
        final byte[] e = err.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(12 + o.length + e.length);
        b.putInt(status).putInt(o.length).put(o).putInt(e.length).put(e).flip();
        return b;
    }

    /** Reads one result from the stream. */
    public static IpvsadmResult readResult(final DataInputStream in) throws IOException
    {
        final int status = in.readInt();
        return new IpvsadmResult(status, readString(in), readString(in));
    }

    /**
     * Copies the chunks to {@code pcapng} until the zero length, flushing after each so a reader of a pipe sees
     * the frames as they come; returns the bytes copied.
     */
    public static long copyChunks(final DataInputStream in, final OutputStream pcapng) throws IOException
    {
        final byte[] chunk = new byte[CaptureSession.CHUNK];
        long total = 0;
        int length;
        while ((length = in.readInt()) > 0)
        {
            if (length > chunk.length)
            {
                throw new IOException("bad capture chunk of " + length + " bytes");
            }
            in.readFully(chunk, 0, length);
            pcapng.write(chunk, 0, length);
            pcapng.flush();
            total += length;
        }
        if (length < 0)
        {
            throw new IOException("bad capture chunk length " + length);
        }
        return total;
    }

    private static String readString(final DataInputStream in) throws IOException
    {
        final int length = in.readInt();
        if (length < 0 || length > 1 << 20)
        {
            throw new IOException("bad string length " + length);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** For a client given a plain stream. */
    public static DataInputStream of(final InputStream in)
    {
        return new DataInputStream(new java.io.BufferedInputStream(in, 64 * 1024));
    }
}
