package io.jlvs.bindings.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StructOffsetsTest {

    @Test
    void shouldHaveTwoCacheLineMbufOnX86_64() {
        assertEquals(128, rte_mbuf.SIZEOF);
        assertEquals(64, rte_mbuf.ALIGNOF);
        assertEquals(rte_mbuf.SIZEOF, rte_mbuf.layout().byteSize());
    }

    @Test
    void shouldKeepRxFieldsInFirstCacheLine() {
        assertEquals(0, rte_mbuf.buf_addr$OFFSET);
        assertTrue(rte_mbuf.data_off$OFFSET < 64);
        assertTrue(rte_mbuf.pkt_len$OFFSET < 64);
        assertTrue(rte_mbuf.data_len$OFFSET < 64);
        assertTrue(rte_mbuf.hash_rss$OFFSET < 64);
        assertTrue(rte_mbuf.pool$OFFSET < 64);
        assertEquals(64, rte_mbuf.next$OFFSET, "next starts the second cache line");
        assertEquals(2, rte_mbuf.data_off$SIZE);
        assertEquals(8, rte_mbuf.ol_flags$SIZE);
    }

    @Test
    void shouldExposeOffsetsAsConstantsAndMethods() {
        assertEquals(rte_mbuf.data_off$OFFSET, rte_mbuf.data_off$offset());
        assertEquals(rte_eth_stats.rx_nombuf$OFFSET, rte_eth_stats.rx_nombuf$offset());
        assertEquals(rte_eth_conf.rx_adv_conf_rss_conf_rss_hf$OFFSET, rte_eth_conf.rx_adv_conf_rss_conf_rss_hf$offset());
    }

    @Test
    void shouldLayOutStatsAsConsecutiveCounters() {
        assertEquals(0, rte_eth_stats.ipackets$OFFSET);
        assertEquals(8, rte_eth_stats.opackets$OFFSET);
        assertEquals(56, rte_eth_stats.rx_nombuf$OFFSET);
        assertEquals(8L * RteConstants.RTE_ETHDEV_QUEUE_STAT_CNTRS, rte_eth_stats.q_ipackets$SIZE);
        assertEquals(8 * 8 + 5 * 8L * RteConstants.RTE_ETHDEV_QUEUE_STAT_CNTRS, rte_eth_stats.SIZEOF);
    }

    @Test
    void shouldSizeEtherAddrAtSixBytes() {
        assertEquals(6, rte_ether_addr.SIZEOF);
        assertEquals(RteConstants.RTE_ETHER_ADDR_LEN, rte_ether_addr.addr_bytes$SIZE);
    }

    @Test
    void shouldRoundTripFieldsThroughGettersAndSetters() {
        try (Arena arena = Arena.ofConfined()) {
            final MemorySegment m = rte_mbuf.allocate(arena);
            assertEquals(0, m.address() % 64, "allocate honours the 64-byte alignment");
            rte_mbuf.data_off(m, (short) RteConstants.RTE_PKTMBUF_HEADROOM);
            rte_mbuf.pkt_len(m, 1514);
            rte_mbuf.ol_flags(m, RteConstants.RTE_MBUF_F_TX_IPV4);
            assertEquals(RteConstants.RTE_PKTMBUF_HEADROOM, rte_mbuf.data_off(m));
            assertEquals(1514, rte_mbuf.pkt_len(m));
            assertEquals(RteConstants.RTE_MBUF_F_TX_IPV4, m.get(JAVA_LONG, rte_mbuf.ol_flags$OFFSET));

            final MemorySegment conf = rte_eth_conf.allocate(arena);
            rte_eth_conf.rx_adv_conf_rss_conf_rss_hf(conf, RteConstants.RTE_ETH_RSS_IP);
            assertEquals(RteConstants.RTE_ETH_RSS_IP, rte_eth_conf.rx_adv_conf_rss_conf_rss_hf(conf));
        }
    }

    @Test
    void shouldGenerateConstantsFromHeaders() {
        assertTrue(RteConstants.RTE_VERSION.startsWith("DPDK 22.11."), RteConstants.RTE_VERSION);
        assertEquals(128, RteConstants.RTE_PKTMBUF_HEADROOM);
        assertEquals(2048 + 128, RteConstants.RTE_MBUF_DEFAULT_BUF_SIZE);
        assertEquals(-1, RteConstants.SOCKET_ID_ANY);
        assertEquals(1, RteConstants.RTE_ETH_MQ_RX_RSS);
        assertEquals(1, RteConstants.RTE_ETH_LINK_UP);
        assertEquals(1, RteConstants.RING_F_SP_ENQ);
        assertEquals(2, RteConstants.RING_F_SC_DEQ);
        assertTrue((RteConstants.RTE_ETH_RSS_TCP & RteConstants.RTE_ETH_RSS_NONFRAG_IPV4_TCP) != 0);
    }
}
