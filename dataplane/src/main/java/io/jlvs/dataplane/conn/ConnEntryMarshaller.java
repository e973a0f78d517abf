package io.jlvs.dataplane.conn;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Chronicle Map reader and writer for {@link ConnEntry}: its {@link ConnEntryDescriptor#LENGTH} stored bytes copied
 * whole, read into the caller's instance, no allocation. Stateless, resolved back to {@link #INSTANCE} on reopen.
 */
public final class ConnEntryMarshaller
    implements SizedReader<ConnEntry>, SizedWriter<ConnEntry>, ReadResolvable<ConnEntryMarshaller>
{
    public static final ConnEntryMarshaller INSTANCE = new ConnEntryMarshaller();

    private ConnEntryMarshaller()
    {
    }

    @Override
    public long size(final ConnEntry entry)
    {
        return ConnEntryDescriptor.LENGTH;
    }

    @Override
    public void write(final Bytes<?> out, final long size, final ConnEntry entry)
    {
        out.write(entry.bytes(), 0, ConnEntryDescriptor.LENGTH);
    }

    @Override
    public ConnEntry read(final Bytes<?> in, final long size, final ConnEntry using)
    {
        final ConnEntry entry = using != null ? using : new ConnEntry();
        in.read(entry.bytes(), 0, ConnEntryDescriptor.LENGTH);
        return entry;
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
    public ConnEntryMarshaller readResolve()
    {
        return INSTANCE;
    }
}
