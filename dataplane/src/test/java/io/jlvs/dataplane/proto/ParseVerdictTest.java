package io.jlvs.dataplane.proto;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParseVerdictTest
{
    @Test
    void shouldGiveEveryVerdictADistinctLabelAndName()
    {
        final Set<String> labels = new HashSet<>();
        final Set<String> names = new HashSet<>();
        for (int v = 0; v < ParseVerdict.COUNT; v++)
        {
            assertFalse(ParseVerdict.label(v).isBlank());
            assertTrue(labels.add(ParseVerdict.label(v)), "duplicate label " + ParseVerdict.label(v));
            assertTrue(names.add(ParseVerdict.name(v)), "duplicate name " + ParseVerdict.name(v));
        }
    }

    @Test
    void shouldMatchNamesToConstants() throws ReflectiveOperationException
    {
        for (int v = 0; v < ParseVerdict.COUNT; v++)
        {
            assertEquals(v, ParseVerdict.class.getField(ParseVerdict.name(v)).getInt(null));
        }
    }

    @Test
    void shouldLabelTruncatedIpForCounters()
    {
        assertEquals("Truncated IP header", ParseVerdict.label(ParseVerdict.TRUNCATED_IP));
    }

    @Test
    void shouldSplitClassificationsFromDrops()
    {
        assertTrue(ParseVerdict.isClassified(ParseVerdict.ARP));
        assertTrue(ParseVerdict.isClassified(ParseVerdict.IPV6));
        assertFalse(ParseVerdict.isDrop(ParseVerdict.IPV4));
        assertTrue(ParseVerdict.isDrop(ParseVerdict.TRUNCATED_ETHERNET));
        assertTrue(ParseVerdict.isDrop(ParseVerdict.IPV6_EXT_CHAIN_TOO_LONG));
        assertFalse(ParseVerdict.isDrop(ParseVerdict.COUNT));
    }

    @Test
    void shouldRejectUnknownVerdict()
    {
        assertThrows(IllegalArgumentException.class, () -> ParseVerdict.label(ParseVerdict.COUNT));
        assertThrows(IllegalArgumentException.class, () -> ParseVerdict.label(-1));
    }
}
