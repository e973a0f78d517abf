package io.jlvs.controlplane;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A director that cannot start says why, with file and line or with the fix, and exits non-zero; it
 * leaves nothing running. Runs the operator's launcher against the packaged build.
 */
class DirectorStartupSystemTest
{
    @TempDir
    Path dir;

    @org.junit.jupiter.api.AfterEach
    void removeWhatEalLeft() throws Exception
    {
        // EAL keeps a runtime directory per file prefix even when the port then fails to come up
        Lab.run(Duration.ofSeconds(10), "rm", "-rf", "/var/run/dpdk/jlvs-startup-test", "/dev/shm/jlvs/startup-test");
    }

    @BeforeEach
    void requireBuild()
    {
        Capabilities.require(Files.exists(Lab.ROOT.resolve("controlplane/target/jlvs.jvm.args")),
            "a packaged build (controlplane/target/lib): run through mvn verify");
    }

    private Lab.Result director(final String settings, final String ldirectord) throws Exception
    {
        Files.writeString(dir.resolve("director.conf"), settings);
        Files.writeString(dir.resolve("ldirectord.cf"), ldirectord);
        return Lab.run(Duration.ofSeconds(60), Lab.JLVS.toString(), "director", "-s",
            dir.resolve("director.conf").toString());
    }

    private static String settings(final String port)
    {
        return "instance = startup-test\nport = " + port + "\naddress = 198.18.9.2/24\ncores = 1\n" +
            "hugepages = no\nmemory = 256\nconn-table-dir = /dev/shm/jlvs/startup-test\n" +
            "admin-socket = /run/jlvs/startup-test.sock\nldirectord-config = ldirectord.cf\n";
    }

    private static final String GOOD_CF = "virtual=198.18.9.10:80\n\treal=198.18.9.11:80 gate 1\n\tscheduler=rr\n";

    @Test
    void shouldRefuseAMalformedConfigurationWithFileAndLine() throws Exception
    {
        final Lab.Result r = director(settings("net_ring0"),
            "virtual=198.18.9.10:80\n\treal=198.18.9.11:80 gate 1\n\treal=198.18.9.300:80 gate 1\n\tscheduler=rr\n");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.out().contains(dir.resolve("ldirectord.cf") + ":3:"), r.out());
        assertTrue(r.out().contains("configuration refused, nothing started"), r.out());
        assertFalse(r.out().contains("EAL:"), "DPDK was not started: " + r.out());
    }

    @Test
    void shouldRefuseWhatIpvsCannotDoWithFileAndLine() throws Exception
    {
        final Lab.Result r = director(settings("net_ring0"),
            "virtual=198.18.9.10:80\n\treal=198.18.9.11:80 masq 1\n\tscheduler=rr\n\tpersistent=300\n" +
                "virtual=7\n\treal=198.18.9.11 gate\n\tscheduler=wrrr\n");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.out().contains(dir.resolve("ldirectord.cf") + ":5: scheduler 'wrrr' is no IPVS scheduler"),
            r.out());
        assertFalse(r.out().contains(":1:"), "persistence and fwmark services are supported: " + r.out());
    }

    /** A marking rule jlvs cannot honour is refused with its file and line before anything starts. */
    @Test
    void shouldRefuseAMarkingRuleItCannotHonourWithFileAndLine() throws Exception
    {
        Files.writeString(dir.resolve("mangle.rules"), """
            *mangle
            :PREROUTING ACCEPT [0:0]
            -A PREROUTING -d 198.18.9.20/32 -p tcp -m tcp --dport 80 -j MARK --set-xmark 0x7/0xffffffff
            -A PREROUTING -i eth0 -p tcp -m tcp --dport 443 -j MARK --set-mark 7
            COMMIT
            """);
        final Lab.Result r = director(settings("net_ring0") + "fwmark-rules = mangle.rules\n",
            "virtual=7\n\treal=198.18.9.11 gate\n\tscheduler=rr\n");
        assertEquals(2, r.status(), r.out());
        assertTrue(r.out().contains(dir.resolve("mangle.rules") + ":4: option -i is not honoured by jlvs"), r.out());
        assertTrue(r.out().contains("configuration refused, nothing started"), r.out());
    }

    @Test
    void shouldRefuseASettingsFileWithAnUnknownKey() throws Exception
    {
        final Lab.Result r = director(settings("net_ring0") + "colour = blue\n", GOOD_CF);
        assertEquals(2, r.status(), r.out());
        assertTrue(r.out().contains(dir.resolve("director.conf") + ":10:"), r.out());
    }

    @Test
    void shouldSayWhyWhenThePortCannotBeFound() throws Exception
    {
        Capabilities.require("root".equals(System.getProperty("user.name")), "root (DPDK)");
        final Lab.Result r = director(settings("net_af_packet0,iface=jlvs-no-such0"), GOOD_CF);
        assertEquals(2, r.status(), r.out());
        assertTrue(r.out().contains("the director cannot start"), r.out());
        assertTrue(r.out().contains("net_af_packet0"), r.out());
        assertFalse(Files.exists(Path.of("/run/jlvs/startup-test.sock")), "no admin socket left behind");
    }
}
