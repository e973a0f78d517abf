package io.jlvs.dataplane.conn;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Chronicle Map reader and writer for {@link ConnKey}: its {@link ConnKeyDescriptor#LENGTH} stored bytes copied whole,
 * read into the caller's instance, no allocation. Stateless; Chronicle stores its class name in a persisted map's
 * header and resolves it back to {@link #INSTANCE} on reopen.
 */
public final class ConnKeyMarshaller
    implements SizedReader<ConnKey>, SizedWriter<ConnKey>, ReadResolvable<ConnKeyMarshaller>
{
    public static final ConnKeyMarshaller INSTANCE = new ConnKeyMarshaller();

    private ConnKeyMarshaller()
    {
    }

    @Override
    public long size(final ConnKey key)
    {
        return ConnKeyDescriptor.LENGTH;
    }

    @Override
    public void write(final Bytes<?> out, final long size, final ConnKey key)
    {
        out.write(key.bytes(), 0, ConnKeyDescriptor.LENGTH);
    }

    @Override
    public ConnKey read(final Bytes<?> in, final long size, final ConnKey using)
    {
        final ConnKey key = using != null ? using : new ConnKey();
        in.read(key.bytes(), 0, ConnKeyDescriptor.LENGTH);
        return key;
    }

    @Override
    public void writeMarshallable(final WireOut wire)
    {
        // stateless
    }

    @Override
    public void readMarshallable(final WireIn wire)
    {
        // stateless
    }

    @Override
    public ConnKeyMarshaller readResolve()
    {
        return INSTANCE;
    }
}
