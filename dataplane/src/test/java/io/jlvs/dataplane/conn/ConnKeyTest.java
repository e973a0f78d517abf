package io.jlvs.dataplane.conn;

import io.jlvs.dataplane.proto.IpProtocol;
import io.jlvs.dataplane.proto.PacketView;
import org.junit.jupiter.api.Test;

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

    private static String fwdName(final int flags)
    {
        return FwdMethod.ofFlags(flags).listName();
    }
}
