package io.jlvs.dataplane.conn;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Chronicle Map reader and writer for {@link ConnEntry}: the {@link ConnEntryDescriptor} layout, each field at its
 * offset, read into the caller's instance, no allocation. Stateless, resolved back to {@link #INSTANCE} on reopen.
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
        final long at = out.writePosition();
        out.writeInt(at + ConnEntryDescriptor.FLAGS_OFFSET, entry.flags());
        out.writeByte(at + ConnEntryDescriptor.STATE_OFFSET, (byte)entry.state());
        out.writeByte(at + ConnEntryDescriptor.DAF_OFFSET, (byte)entry.daf());
        out.writeShort(at + ConnEntryDescriptor.DPORT_OFFSET, (short)entry.dport());
        out.writeLong(at + ConnEntryDescriptor.DADDR_HI_OFFSET, entry.daddrHi());
        out.writeLong(at + ConnEntryDescriptor.DADDR_LO_OFFSET, entry.daddrLo());
        out.writeInt(at + ConnEntryDescriptor.TIMEOUT_OFFSET, entry.timeoutSec());
        out.writeInt(at + ConnEntryDescriptor.IN_PKTS_OFFSET, entry.inPkts());
        out.writeLong(at + ConnEntryDescriptor.EXPIRES_OFFSET, entry.expiresMs());
        out.writeInt(at + ConnEntryDescriptor.CONTROL_OFFSET, entry.control());
        out.writeInt(at + ConnEntryDescriptor.N_CONTROL_OFFSET, entry.nControl());
        out.writeLong(at + ConnEntryDescriptor.SYNC_OFFSET, entry.packedSync());
        out.writeInt(at + ConnEntryDescriptor.DEST_ID_OFFSET, entry.destId());
        out.writeInt(at + ConnEntryDescriptor.FWMARK_OFFSET, entry.fwmark());
        out.writeSkip(ConnEntryDescriptor.LENGTH);
    }

    @Override
    public ConnEntry read(final Bytes<?> in, final long size, final ConnEntry using)
    {
        final ConnEntry entry = using != null ? using : new ConnEntry();
        final long at = in.readPosition();
        entry.flags(in.readInt(at + ConnEntryDescriptor.FLAGS_OFFSET))
            .state(in.readUnsignedByte(at + ConnEntryDescriptor.STATE_OFFSET))
            .daf(in.readUnsignedByte(at + ConnEntryDescriptor.DAF_OFFSET))
            .dport(in.readUnsignedShort(at + ConnEntryDescriptor.DPORT_OFFSET))
            .daddr(in.readLong(at + ConnEntryDescriptor.DADDR_HI_OFFSET), in.readLong(at + ConnEntryDescriptor.DADDR_LO_OFFSET))
            .timeoutSec(in.readInt(at + ConnEntryDescriptor.TIMEOUT_OFFSET))
            .inPkts(in.readInt(at + ConnEntryDescriptor.IN_PKTS_OFFSET))
            .expiresMs(in.readLong(at + ConnEntryDescriptor.EXPIRES_OFFSET))
            .control(in.readInt(at + ConnEntryDescriptor.CONTROL_OFFSET))
            .nControl(in.readInt(at + ConnEntryDescriptor.N_CONTROL_OFFSET))
            .unpackSync(in.readLong(at + ConnEntryDescriptor.SYNC_OFFSET))
            .destId(in.readInt(at + ConnEntryDescriptor.DEST_ID_OFFSET))
            .fwmark(in.readInt(at + ConnEntryDescriptor.FWMARK_OFFSET));
        in.readSkip(ConnEntryDescriptor.LENGTH);
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
