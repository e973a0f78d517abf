package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.IpvsadmResult;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Framing on the admin socket. Request: an int count, then that many UTF-8 strings (int length + bytes).
 * Reply: int exit status, then stdout and stderr as strings. Limits keep a bad peer from making the
 * director allocate without bound.
 */
public final class AdminProtocol
{
    static final int MAX_ARGS = 256;
    static final int MAX_STRING = 64 * 1024 * 1024;

    private AdminProtocol()
    {
    }

    public static void writeRequest(final OutputStream out, final List<String> request) throws IOException
    {
        final DataOutputStream d = new DataOutputStream(out);
        d.writeInt(request.size());
        for (final String s : request)
        {
            writeString(d, s);
        }
        d.flush();
    }

    public static List<String> readRequest(final InputStream in) throws IOException
    {
        final DataInputStream d = new DataInputStream(in);
        final int n = d.readInt();
        if (n < 0 || n > MAX_ARGS)
        {
            throw new IOException("bad request: " + n + " arguments");
        }
        final List<String> request = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            request.add(readString(d, 64 * 1024));
        }
        return request;
    }

    static void writeResult(final OutputStream out, final IpvsadmResult r) throws IOException
    {
        final DataOutputStream d = new DataOutputStream(out);
        d.writeInt(r.exitStatus());
        writeString(d, r.out());
        writeString(d, r.err());
        d.flush();
    }

    static IpvsadmResult readResult(final InputStream in) throws IOException
    {
        final DataInputStream d = new DataInputStream(in);
        final int status = d.readInt();
        return new IpvsadmResult(status, readString(d, MAX_STRING), readString(d, MAX_STRING));
    }

    private static void writeString(final DataOutputStream d, final String s) throws IOException
    {
        final byte[] b = (null == s ? "" : s).getBytes(StandardCharsets.UTF_8);
        d.writeInt(b.length);
        d.write(b);
    }

    private static String readString(final DataInputStream d, final int max) throws IOException
    {
        final int len = d.readInt();
        if (len < 0 || len > max)
        {
            throw new IOException("bad string length " + len);
        }
        return new String(d.readNBytes(len), StandardCharsets.UTF_8);
    }
}
