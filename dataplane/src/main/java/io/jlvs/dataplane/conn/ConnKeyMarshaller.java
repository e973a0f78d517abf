package io.jlvs.dataplane.conn;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Chronicle Map reader and writer for {@link ConnKey}: the {@link ConnKeyDescriptor} layout, each field at its
 * offset (the words of {@link ConnKey#word}), read into the caller's instance, no allocation. Stateless; Chronicle stores its class name in a persisted map's
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
        final long at = out.writePosition();
        for (int i = 0; i < ConnKeyDescriptor.WORDS; i++)
        {
            out.writeLong(at + ((long)i << 3), key.word(i));
        }
        out.writeSkip(ConnKeyDescriptor.LENGTH);
    }

    @Override
    public ConnKey read(final Bytes<?> in, final long size, final ConnKey using)
    {
        final ConnKey key = using != null ? using : new ConnKey();
        final long at = in.readPosition();
        final int protocol = in.readUnsignedByte(at + ConnKeyDescriptor.PROTOCOL_OFFSET);
        final int af = in.readUnsignedByte(at + ConnKeyDescriptor.AF_OFFSET);
        final int cport = in.readUnsignedShort(at + ConnKeyDescriptor.CPORT_OFFSET);
        final int vport = in.readUnsignedShort(at + ConnKeyDescriptor.VPORT_OFFSET);
        final int direction = in.readUnsignedByte(at + ConnKeyDescriptor.DIRECTION_OFFSET);
        final long caddrHi = in.readLong(at + ConnKeyDescriptor.CADDR_HI_OFFSET);
        final long caddrLo = in.readLong(at + ConnKeyDescriptor.CADDR_LO_OFFSET);
        final long vaddrHi = in.readLong(at + ConnKeyDescriptor.VADDR_HI_OFFSET);
        final long vaddrLo = in.readLong(at + ConnKeyDescriptor.VADDR_LO_OFFSET);
        in.readSkip(ConnKeyDescriptor.LENGTH);
        if (direction == ConnKeyDescriptor.DIR_OUT)
        {
            return key.setOut(protocol, af, caddrHi, caddrLo, cport, vaddrHi, vaddrLo, vport);
        }
        return key.set(protocol, af, caddrHi, caddrLo, cport, vaddrHi, vaddrLo, vport);
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
