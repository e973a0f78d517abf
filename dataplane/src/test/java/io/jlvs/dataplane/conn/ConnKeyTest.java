package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ConnKeyTest
{
    @Test
    void shouldTakeClientAndVirtualServiceFromAnInboundPacket()
    {
        final PacketView pkt = new PacketView();
        pkt.af = PacketView.AF_INET;
        pkt.protocol = IpProtocol.TCP;
        pkt.saddrLo = 0xC0A8_0105L; // 192.168.1.5
        pkt.daddrLo = 0x0A00_0064L; // 10.0.0.100
        pkt.sport = 40000;
        pkt.dport = 80;

        final ConnKey key = new ConnKey().setFromPacket(pkt);
        assertEquals(new ConnKey().setV4(IpProtocol.TCP, 0xC0A8_0105, 40000, 0x0A00_0064, 80), key);
        assertEquals(IpProtocol.TCP, key.protocol());
        assertEquals(PacketView.AF_INET, key.af());
        assertEquals(0xC0A8_0105L, key.caddrLo());
        assertEquals(0, key.caddrHi());
        assertEquals(40000, key.cport());
        assertEquals(0x0A00_0064L, key.vaddrLo());
        assertEquals(80, key.vport());
        assertEquals("ConnKey{proto=6, af=2, c=192.168.1.5:40000, v=10.0.0.100:80}", key.toString());

        pkt.sport = 40001;
        assertNotEquals(key, new ConnKey().setFromPacket(pkt));
    }

    @Test
    void shouldNameStatesAndForwardingAsIpvsadm()
    {
        assertEquals("ESTABLISHED", ConnState.name(IpProtocol.TCP, 0, ConnState.ESTABLISHED));
        assertEquals("SYNACK", ConnState.name(IpProtocol.TCP, 0, ConnState.SYNACK));
        assertEquals("ERR!", ConnState.name(IpProtocol.TCP, 0, 11));
        assertEquals("UDP", ConnState.name(IpProtocol.UDP, 0, 0));
        assertEquals("ASSURED", ConnState.name(IpProtocol.TCP, ConnFlags.TEMPLATE, ConnState.TEMPLATE_ASSURED));
        assertEquals("NONE", ConnState.name(0, ConnFlags.TEMPLATE, 0));
        assertEquals("Route", fwdName(ConnFlags.destConnFlags(FwdMethod.DROUTE)));
        assertEquals("Masq", fwdName(ConnFlags.destConnFlags(FwdMethod.MASQ)));
        assertEquals(0x183, ConnFlags.destConnFlags(FwdMethod.DROUTE));
        assertEquals(0x182, ConnFlags.destConnFlags(FwdMethod.TUNNEL));
        assertEquals(0x181, ConnFlags.destConnFlags(FwdMethod.LOCALNODE));
        assertEquals(0x100, ConnFlags.destConnFlags(FwdMethod.MASQ));
    }

    @Test
    void shouldStoreKeysAndEntriesInTheOneLayoutTheirDescriptorsGive()
    {
        final ConnKey key = new ConnKey().set(IpProtocol.UDP, PacketView.AF_INET6, 0x20010db8_00000000L, 0x5L, 40000,
            0x20010db8_00000001L, 0x10L, 5300);
        final ConnKey reply = new ConnKey().setOut(key, new ConnEntry().daddr(7, 8).dport(8080));
        final ConnEntry entry = new ConnEntry().flags(0x183).state(ConnState.SYN_RECV).daf(PacketView.AF_INET6)
            .dport(8080).daddr(0x20010db8_00000002L, 0x11L).timeoutSec(60).inPkts(3).expiresMs(1_700_000_000_123L)
            .control(0x8018_0050).nControl(3).syncEndMs(42).oldState(3).destId(0x7fff_0001).fwmark(9);

        for (final ConnKey k : new ConnKey[] {key, reply})
        {
            final byte[] viaCache = new byte[ConnKeyDescriptor.LENGTH];
            k.writeTo(MemorySegment.ofArray(viaCache), 0);
            final Bytes<?> viaTable = Bytes.allocateElasticOnHeap(ConnKeyDescriptor.LENGTH);
            ConnKeyMarshaller.INSTANCE.write(viaTable, ConnKeyDescriptor.LENGTH, k);
            assertArrayEquals(viaCache, viaTable.toByteArray(), "the cache and the table store a key alike");
            assertEquals(k, ConnKeyMarshaller.INSTANCE.read(viaTable, ConnKeyDescriptor.LENGTH, new ConnKey()));
            assertEquals(k, new ConnKey().readFrom(MemorySegment.ofArray(viaCache), 0));
        }
        final byte[] keyBytes = new byte[ConnKeyDescriptor.LENGTH];
        key.writeTo(MemorySegment.ofArray(keyBytes), 0);
        assertEquals(IpProtocol.UDP, keyBytes[ConnKeyDescriptor.PROTOCOL_OFFSET]);
        assertEquals(PacketView.AF_INET6, keyBytes[ConnKeyDescriptor.AF_OFFSET]);
        assertEquals(40000 & 0xFF, keyBytes[ConnKeyDescriptor.CPORT_OFFSET] & 0xFF, "little-endian, as Chronicle writes");
        assertEquals(40000 >>> 8, keyBytes[ConnKeyDescriptor.CPORT_OFFSET + 1] & 0xFF);

        final byte[] viaCache = new byte[ConnEntryDescriptor.LENGTH];
        entry.writeTo(MemorySegment.ofArray(viaCache), 0);
        final Bytes<?> viaTable = Bytes.allocateElasticOnHeap(ConnEntryDescriptor.LENGTH);
        ConnEntryMarshaller.INSTANCE.write(viaTable, ConnEntryDescriptor.LENGTH, entry);
        assertArrayEquals(viaCache, viaTable.toByteArray(), "the cache and the table store an entry alike");
        assertEquals(entry, ConnEntryMarshaller.INSTANCE.read(viaTable, ConnEntryDescriptor.LENGTH, new ConnEntry()));
        assertEquals(entry, new ConnEntry().readFrom(MemorySegment.ofArray(viaCache), 0));
        assertEquals(ConnState.SYN_RECV, viaCache[ConnEntryDescriptor.STATE_OFFSET]);
        assertEquals(9, viaCache[ConnEntryDescriptor.FWMARK_OFFSET]);
    }

    private static String fwdName(final int flags)
    {
        return FwdMethod.ofFlags(flags).listName();
    }
}
