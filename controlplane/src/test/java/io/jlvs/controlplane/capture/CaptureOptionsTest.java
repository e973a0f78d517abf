package io.jlvs.controlplane.capture;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CaptureOptionsTest
{
    @Test
    void shouldTakeTcpdumpsDefaults()
    {
        final CaptureOptions o = CaptureOptions.parse(List.of("--"));
        assertEquals(0, o.count());
        assertEquals(262144, o.snapLength());
        assertEquals(10_000, o.rate());
        assertEquals(0, o.seconds());
        assertEquals("", o.filter().toString());
    }

    @Test
    void shouldReadTheLimitsAndTheFilter()
    {
        final CaptureOptions o = CaptureOptions.parse(List.of("-c", "5", "-s", "96", "-r", "200", "-G", "3", "--",
            "udp", "port", "53"));
        assertEquals(5, o.count());
        assertEquals(96, o.snapLength());
        assertEquals(200, o.rate());
        assertEquals(3, o.seconds());
        assertEquals("udp and port 53", o.filter().toString());
        assertEquals(262144, CaptureOptions.parse(List.of("-s", "0")).snapLength(), "-s 0: the most, as tcpdump");
    }

    @Test
    void shouldRefuseOutOfRangeValues()
    {
        assertEquals("option -c: 0 is out of range (1 or more)",
            assertThrows(IllegalArgumentException.class, () -> CaptureOptions.parse(List.of("-c", "0"))).getMessage());
        assertEquals("option -r: 2000000 is out of range (1 to 1000000)",
            assertThrows(IllegalArgumentException.class, () -> CaptureOptions.parse(List.of("-r", "2000000")))
                .getMessage());
        assertEquals("option -s: 300000 is out of range (1 to 262144)",
            assertThrows(IllegalArgumentException.class, () -> CaptureOptions.parse(List.of("-s", "300000")))
                .getMessage());
        assertEquals("option -G: 'x' is not a number",
            assertThrows(IllegalArgumentException.class, () -> CaptureOptions.parse(List.of("-G", "x"))).getMessage());
        assertEquals("option -c needs a value",
            assertThrows(IllegalArgumentException.class, () -> CaptureOptions.parse(List.of("-c"))).getMessage());
        assertEquals("unknown option -q",
            assertThrows(IllegalArgumentException.class, () -> CaptureOptions.parse(List.of("-q", "1"))).getMessage());
    }
}
