package io.jlvs.dataplane.conn;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Chronicle Map reader and writer for {@link ConnEntry}: constant {@link ConnEntry#ENCODED_LENGTH} bytes, read
 * into the caller's instance, no allocation. Stateless, resolved back to {@link #INSTANCE} on reopen.
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
        return ConnEntry.ENCODED_LENGTH;
    }

    @Override
    public void write(final Bytes<?> out, final long size, final ConnEntry e)
    {
        out.writeInt(e.flags());
        out.writeByte((byte)e.state());
        out.writeByte((byte)e.daf());
        out.writeShort((short)e.dport());
        out.writeLong(e.daddrHi());
        out.writeLong(e.daddrLo());
        out.writeInt(e.timeoutSec());
        out.writeInt(e.inPkts());
        out.writeLong(e.expiresMs());
        out.writeLong(e.createdMs());
        out.writeLong(e.lastSyncMs());
        out.writeInt(e.destId());
        out.writeInt(e.fwmark());
    }

    @Override
    public ConnEntry read(final Bytes<?> in, final long size, final ConnEntry using)
    {
        final ConnEntry e = using != null ? using : new ConnEntry();
        e.flags(in.readInt());
        e.state(in.readUnsignedByte());
        e.daf(in.readUnsignedByte());
        e.dport(in.readUnsignedShort());
        final long hi = in.readLong();
        final long lo = in.readLong();
        e.daddr(hi, lo);
        e.timeoutSec(in.readInt());
        e.inPkts(in.readInt());
        e.expiresMs(in.readLong());
        e.createdMs(in.readLong());
        e.lastSyncMs(in.readLong());
        e.destId(in.readInt());
        e.fwmark(in.readInt());
        return e;
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
