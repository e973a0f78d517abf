package io.jlvs.controlplane;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every negotiate service ldirectord speaks, checked by the director through its own host path against a real
 * server program from Debian's packages (config/lab/services.sh: nginx, tinyproxy, dnsmasq, vsftpd, aiosmtpd,
 * dovecot, slapd, MariaDB, PostgreSQL, FreeRADIUS, INN) at 198.18.0.60: each service once as it should pass (on
 * 198.18.0.10) and once as it should fail (on 198.18.0.40: a wrong password, a receive that does not match, the
 * wrong protocol on the port). {@code jlvs health} shows each check's state; {@code ipvsadm -L -n} the weights the
 * checks leave (quiescent: a failed real server at weight 0). SIP (no Debian server here) and the protocol edge cases
 * are in SmallServiceChecksTest; Oracle, for want of any server, in ServiceChecksBadInputTest only. A few over IPv6
 * too, to the same programs at 2001:db8::60.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class ServiceChecksSystemTest
{
    private static final String GLOBAL = """
        checktimeout=5
        negotiatetimeout=5
        checkinterval=2
        failurecount=1
        quiescent=yes
        logfile="LOGFILE"
        maintenancedir=MAINTENANCE
        smtp=198.18.0.60
        emailalertfreq=2
        emailalertfrom="jlvs director <jlvs@jlvs.lab>"

        """;
    /** Where services.sh's SMTP server keeps what it is sent, one file a message. */
    private static final Path MAIL = Path.of("/run/jlvs-lab/svc/mail/new");
    private static final String RS = "198.18.0.60";

    /** service, port, protocol, settings that pass, settings that fail. */
    private record Case(String service, int port, String protocol, String pass, String fail)
    {
    }

    private static final String LOGIN = "login=jlvs\npasswd=jlvs-check\n";
    private static final String WRONG = "login=jlvs\npasswd=wrong\n";
    private static final String LDAP = "request=\"cn=jlvs,dc=jlvs,dc=lab\"\nreceive=\"^cn=jlvs\"\n" +
        "login=\"cn=jlvs,dc=jlvs,dc=lab\"\n";
    private static final String SQL = "database=jlvs\nrequest=\"SELECT * FROM health\"\n";

    private static final List<Case> CASES = List.of(
        new Case("http", 80, "tcp", "request=\"/health\"\nreceive=\"jlvs-ok\"\n",
            "request=\"/health\"\nreceive=\"not-there\"\n"),
        new Case("https", 443, "tcp", "request=\"/health\"\nreceive=\"jlvs-ok\"\nvirtualhost=check.jlvs.lab\n",
            "request=\"/nothing\"\n"),
        new Case("http_proxy", 3128, "tcp", "request=\"http://198.18.0.60/health\"\nreceive=\"jlvs-ok\"\n",
            "request=\"http://198.18.0.99/health\"\n"),
        new Case("ftp", 21, "tcp", LOGIN + "request=\"check.txt\"\nreceive=\"jlvs-ok\"\n",
            WRONG + "request=\"check.txt\"\nreceive=\"jlvs-ok\"\ncleanstop=no\n"),
        new Case("smtp", 25, "tcp", "", "checkport=110\n"),
        new Case("submission", 587, "tcp", "", "checkport=143\n"),
        new Case("pop", 110, "tcp", LOGIN, WRONG),
        new Case("pops", 995, "tcp", LOGIN, WRONG),
        new Case("imap", 143, "tcp", LOGIN, WRONG),
        new Case("imaps", 993, "tcp", LOGIN, WRONG),
        new Case("nntp", 119, "tcp", "", "checkport=110\n"),
        new Case("ldap", 389, "tcp", LDAP + "passwd=jlvs-check\n", LDAP + "passwd=wrong\n"),
        new Case("ldaps", 636, "tcp", LDAP + "passwd=jlvs-check\n", LDAP + "passwd=wrong\n"),
        new Case("dns", 53, "udp", "request=\"check.jlvs.lab\"\nreceive=\"198\\.18\\.0\\.60\"\n",
            "request=\"check.jlvs.lab\"\nreceive=\"10\\.9\\.9\\.9\"\n"),
        new Case("mysql", 3306, "tcp", LOGIN + SQL, WRONG + SQL),
        new Case("pgsql", 5432, "tcp", LOGIN + SQL, WRONG + SQL),
        new Case("radius", 1812, "udp", "secret=jlvs-secret\n" + LOGIN, "secret=jlvs-secret\n" + WRONG),
        new Case("simpletcp", 2525, "tcp", "checkport=25\nrequest=\"QUIT\\n\"\nreceive=\"^220 \"\n",
            "checkport=25\nrequest=\"QUIT\\n\"\nreceive=\"^599 \"\n"));

    /** The IPv6 subset ldirectord runs (its manual: http, https, dns, ldap, simpletcp, ... over IPv6). */
    private static final List<Case> CASES6 = List.of(
        new Case("http", 80, "tcp", "request=\"/health\"\nreceive=\"jlvs-ok\"\n",
            "request=\"/health\"\nreceive=\"not-there\"\n"),
        new Case("dns", 53, "udp", "request=\"check.jlvs.lab\"\nreceive=\"198\\.18\\.0\\.60\"\n",
            "request=\"check.jlvs.lab\"\nreceive=\"10\\.9\\.9\\.9\"\n"),
        new Case("ldap", 389, "tcp", LDAP + "passwd=jlvs-check\n", LDAP + "passwd=wrong\n"),
        new Case("pgsql", 5432, "tcp", LOGIN + SQL, WRONG + SQL));
    private static final String RS6 = "2001:db8::60";

    private static Lab lab;
    private static Path logfile;
    private static Path maintenance;
    private static Path cf;
    private static Path settings;

    @BeforeAll
    static void setUp() throws Exception
    {
        Capabilities.requireLab();
        lab = Lab.up();
        final Lab.Result services = Lab.run(Duration.ofMinutes(10), "bash",
            Lab.LAB.resolve("services.sh").toString(), "up");
        assertEquals(0, services.status(), services.out());
        logfile = Files.createTempFile("jlvs-ldirectord", ".log");
        maintenance = Files.createTempDirectory("jlvs-maintenance");
        cf = Files.createTempFile("jlvs-services", ".cf");
        Files.writeString(cf, config());
        settings = Lab.settingsWith(Map.of("ldirectord-config", cf.toString()));
        lab.startDirector(settings, 1, 1); // one next hop: the service host
    }

    @AfterAll
    static void tearDown() throws Exception
    {
        try
        {
            Lab.run(Duration.ofMinutes(1), "bash", Lab.LAB.resolve("services.sh").toString(), "down");
        }
        finally
        {
            if (null != lab)
            {
                lab.close();
            }
            for (final Path p : new Path[] {cf, settings, logfile, maintenance.resolve(RS + ":80"), maintenance})
            {
                if (null != p)
                {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String config()
    {
        final StringBuilder sb = new StringBuilder(GLOBAL.replace("LOGFILE", logfile.toString())
            .replace("MAINTENANCE", maintenance.toString()));
        for (final Case c : CASES)
        {
            sb.append(virtual("198.18.0.10", c, c.pass()));
            sb.append(virtual("198.18.0.40", c, c.fail()));
        }
        for (final Case c : CASES6)
        {
            sb.append(virtual("[2001:db8::10]", c, c.pass()));
            sb.append(virtual("[2001:db8::40]", c, c.fail()));
        }
        return sb.toString();
    }

    private static String virtual(final String vip, final Case c, final String settings)
    {
        final boolean v6 = vip.startsWith("[");
        final StringBuilder sb = new StringBuilder((v6 ? "virtual6=" : "virtual=") + vip + ":" + c.port() + "\n");
        sb.append(v6 ? "\treal6=[" + RS6 + "]" : "\treal=" + RS).append(':').append(c.port()).append(" gate 5\n");
        sb.append("\tprotocol=").append(c.protocol()).append('\n');
        sb.append("\tscheduler=rr\n\tchecktype=negotiate\n");
        if (vip.equals("198.18.0.10") && c.service().equals("http"))
        {
            sb.append("\temailalert=\"ops@jlvs.lab\"\n"); // one virtual service's alerts, its own setting
        }
        sb.append("\tservice=").append(c.service()).append('\n');
        for (final String line : settings.split("\n"))
        {
            if (!line.isEmpty())
            {
                sb.append('\t').append(line).append('\n');
            }
        }
        return sb.append('\n').toString();
    }

    private static String id(final String vip, final Case c)
    {
        return c.protocol() + ":" + vip + ":" + c.port();
    }

    @Test
    @org.junit.jupiter.api.Order(1)
    void eachServicePassesAgainstItsServerAndFailsWhereItShould() throws Exception
    {
        final Map<String, String> expected = new LinkedHashMap<>();
        for (final Case c : CASES)
        {
            expected.put(id("198.18.0.10", c), "up");
            expected.put(id("198.18.0.40", c), "down");
        }
        for (final Case c : CASES6)
        {
            expected.put(id("[2001:db8::10]", c), "up");
            expected.put(id("[2001:db8::40]", c), "down");
        }
        final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        List<String> wrong;
        String report;
        do
        {
            Thread.sleep(1000);
            report = Lab.jlvs("health").out();
            wrong = new ArrayList<>();
            for (final Map.Entry<String, String> e : expected.entrySet())
            {
                final String state = state(report, e.getKey());
                if (!e.getValue().equals(state))
                {
                    wrong.add(e.getKey() + " is " + state + ", not " + e.getValue());
                }
            }
        }
        while (!wrong.isEmpty() && System.nanoTime() < deadline);
        assertTrue(wrong.isEmpty(), wrong + "\n" + report);
        // each failed check says why, as ldirectord's monitorfile does
        final List<String> lines = report.lines().toList();
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).startsWith("down  fail"))
            {
                final String why = i + 1 < lines.size() ? lines.get(i + 1) : "";
                assertTrue(why.startsWith("      last failure: ") && !why.endsWith(": failed"), lines.get(i) + "\n" + why);
                System.out.println(lines.get(i).replaceAll(".*  ", "") + " -> " + why.strip());
            }
        }

        // the weights the checks leave: quiescent, so a failed real server stays at weight 0
        final String listing = Lab.jlvs("ipvsadm", "-L", "-n").out();
        for (final Case c : CASES)
        {
            assertTrue(weight(listing, c.protocol(), "198.18.0.10", c.port()) == 5, c.service() + "\n" + listing);
            assertTrue(weight(listing, c.protocol(), "198.18.0.40", c.port()) == 0, c.service() + "\n" + listing);
        }
    }

    /**
     * ldirectord's log lines and e-mail alerts as a check moves a real server: restored (to its weight), quiesced
     * (a file in maintenancedir), reminded of every emailalertfreq seconds while inaccessible, restored again; the
     * alerts through the lab's SMTP server, the log lines in logfile with ldirectord's prefix.
     */
    @Test
    @org.junit.jupiter.api.Order(2)
    void aRealServerChangeIsLoggedAndMailedAsLdirectordDoes() throws Exception
    {
        final String restored = "Restored real server: 198.18.0.60:80 (198.18.0.10:80) (Weight set to 5)";
        final String quiesced = "Quiescent real server: 198.18.0.60:80 (198.18.0.10:80) (Weight set to 0)";
        final String reminder = "Inaccessible real server: 198.18.0.60:80 (198.18.0.10:80)";
        awaitMail(restored, 1);
        awaitLog(restored);
        assertTrue(Files.readString(logfile).lines().anyMatch((l) -> l.matches(
            "\\[\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}\\|" + cf.getFileName() +
                "\\|\\d+\\] Restored real server: .*")), Files.readString(logfile));

        Files.createFile(maintenance.resolve(RS + ":80"));
        awaitMail(quiesced, 1);
        awaitLog(quiesced);
        assertEquals(0, weight(Lab.jlvs("ipvsadm", "-L", "-n").out(), "tcp", "198.18.0.10", 80));
        awaitMail(reminder, 2); // emailalertfreq = 2: again and again while it stays down

        Files.delete(maintenance.resolve(RS + ":80"));
        awaitMail(restored, 2);
        // each mail goes on its own thread: a reminder sent just before the restore may arrive after its mail
        long reminders = mails(reminder);
        Thread.sleep(1_500);
        for (long now = mails(reminder); now != reminders; now = mails(reminder))
        {
            reminders = now;
            Thread.sleep(1_500);
        }
        Thread.sleep(4_000);
        assertEquals(reminders, mails(reminder), "no reminder once it is back");
        final String mail = mailWith(quiesced);
        assertTrue(mail.contains("From: jlvs director <jlvs@jlvs.lab>"), mail);
        assertTrue(mail.contains("To: ops@jlvs.lab"), mail);
        assertTrue(mail.contains("Log-Message: " + quiesced), mail);
        assertTrue(mail.matches("(?s).*Daemon-Status: (starting|running).*"), mail);
        assertEquals(0, mails("198.18.0.40"), "the other virtual services have no emailalert");
    }

    /**
     * ldirectord's {@code cleanstop}: on stop each service is purged, its real servers first, logged and alerted;
     * a virtual service with {@code cleanstop = no} is left alone.
     */
    @Test
    @org.junit.jupiter.api.Order(3)
    void aCleanStopPurgesTheServicesAsLdirectordDoes() throws Exception
    {
        lab.stopDirector();
        final String log = Files.readString(logfile);
        assertTrue(log.contains("] Purged real server (stop): 198.18.0.60:80 (198.18.0.10:80)\n"), log);
        assertTrue(log.contains("] Purged virtual server (stop): 198.18.0.10:80\n"), log);
        assertTrue(log.indexOf("Purged real server (stop): 198.18.0.60:80 (198.18.0.10:80)") <
            log.indexOf("Purged virtual server (stop): 198.18.0.10:80"), "the real servers first");
        assertTrue(log.contains("] Purged virtual server (stop): 198.18.0.10:21\n"), log);
        assertTrue(!log.contains("Purged virtual server (stop): 198.18.0.40:21"), "cleanstop = no: " + log);
        awaitMail("Purged real server (stop): 198.18.0.60:80 (198.18.0.10:80)", 1);
    }

    private static List<String> mailTexts() throws Exception
    {
        final List<String> texts = new ArrayList<>();
        try (var files = Files.list(MAIL))
        {
            for (final Path f : files.toList())
            {
                texts.add(Files.readString(f).replaceAll("\r?\n[ \t]+", " ")); // long headers unfolded
            }
        }
        return texts;
    }

    private static long mails(final String text) throws Exception
    {
        return mailTexts().stream().filter((m) -> m.contains(text)).count();
    }

    private static String mailWith(final String subject) throws Exception
    {
        return mailTexts().stream().filter((m) -> m.contains("Subject: " + subject)).findFirst().orElse("");
    }

    private static void awaitMail(final String subject, final int count) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (mailTexts().stream().filter((m) -> m.contains("Subject: " + subject)).count() < count)
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no " + count + " mail(s) \"" + subject + "\" in 30 s: " + mailTexts());
            }
            Thread.sleep(200);
        }
    }

    private static void awaitLog(final String line) throws Exception
    {
        final long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!Files.readString(logfile).contains("] " + line))
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("no \"" + line + "\" in " + logfile + ": " + Files.readString(logfile));
            }
            Thread.sleep(100);
        }
    }

    /** "up", "down", "pass-pending" (a line with no result yet) or "missing". */
    private static String state(final String report, final String virtualId)
    {
        for (final String line : report.lines().toList())
        {
            if (line.endsWith("[" + virtualId + "]"))
            {
                final String[] f = line.trim().split("\\s+");
                if ("-".equals(f[1]))
                {
                    return "unchecked";
                }
                return f[0] + ("up".equals(f[0]) == "pass".equals(f[1]) ? "" : " (last " + f[1] + ")");
            }
        }
        return "missing";
    }

    /** The weight of the lab's service real server under one virtual service in an ipvsadm -L -n listing. */
    private static int weight(final String listing, final String protocol, final String vip, final int port)
    {
        boolean in = false;
        for (final String line : listing.lines().toList())
        {
            if (!line.startsWith("  "))
            {
                in = line.startsWith(protocol.toUpperCase() + "  " + vip + ":" + port + " ");
                continue;
            }
            if (in && line.trim().startsWith("-> " + RS + ":" + port))
            {
                return Integer.parseInt(line.trim().split("\\s+")[3]);
            }
        }
        return -1;
    }
}
