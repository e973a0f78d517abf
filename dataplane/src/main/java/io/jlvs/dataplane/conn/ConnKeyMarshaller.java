package io.jlvs.dataplane.conn;

import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.core.util.ReadResolvable;
import net.openhft.chronicle.hash.serialization.SizedReader;
import net.openhft.chronicle.hash.serialization.SizedWriter;
import net.openhft.chronicle.wire.WireIn;
import net.openhft.chronicle.wire.WireOut;

/**
 * Chronicle Map reader and writer for {@link ConnKey}: constant {@link ConnKey#ENCODED_LENGTH} bytes, read into
 * the caller's instance, no allocation. Stateless; Chronicle stores its class name in a persisted map's header
 * and resolves it back to {@link #INSTANCE} on reopen.
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
        return ConnKey.ENCODED_LENGTH;
    }

    @Override
    public void write(final Bytes<?> out, final long size, final ConnKey key)
    {
        out.writeByte((byte)key.protocol());
        out.writeByte((byte)key.af());
        out.writeShort((short)key.cport());
        out.writeShort((short)key.vport());
        out.writeShort((short)0);
        out.writeLong(key.caddrHi());
        out.writeLong(key.caddrLo());
        out.writeLong(key.vaddrHi());
        out.writeLong(key.vaddrLo());
    }

    @Override
    public ConnKey read(final Bytes<?> in, final long size, final ConnKey using)
    {
        final ConnKey key = using != null ? using : new ConnKey();
        final int protocol = in.readUnsignedByte();
        final int af = in.readUnsignedByte();
        final int cport = in.readUnsignedShort();
        final int vport = in.readUnsignedShort();
        in.readSkip(2);
        final long caddrHi = in.readLong();
        final long caddrLo = in.readLong();
        final long vaddrHi = in.readLong();
        final long vaddrLo = in.readLong();
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
