package io.jlvs.controlplane;

import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.config.ServiceProtocol;
import io.jlvs.controlplane.keepalived.Checker;
import io.jlvs.controlplane.keepalived.CheckerTiming;
import io.jlvs.controlplane.keepalived.KeepalivedConfig;
import io.jlvs.controlplane.keepalived.KeepalivedRealServer;
import io.jlvs.controlplane.keepalived.KeepalivedVirtualServer;
import io.jlvs.controlplane.vrrp.VrrpConfig;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * keepalived's {@code --dump-conf} (its checkers, its vrrp_instance) and jlvs's reading of the same keepalived.conf,
 * each as sorted lines in the same words, so that {@link KernelLvsPeerSystemTest} compares them as lists.
 */
final class KeepalivedDump
{
    private KeepalivedDump()
    {
    }

    /** The instance in keepalived's dump, as lines in the words of {@link #instance(VrrpConfig)}. */
    static List<String> instance(final String dump)
    {
        final List<String> out = new ArrayList<>();
        String list = null;
        String auth = "auth none";
        for (final String raw : dump.lines().toList())
        {
            final String line = raw.replaceFirst("^[^:]+:[^:]+:[^:]+: ", "");
            final String text = line.strip();
            if (line.startsWith("     ") && null != list)
            {
                out.add(list + " " + (list.equals("vip") || list.equals("peer") ?
                    text.split("[ /]")[0] : text));
                continue;
            }
            list = null;
            final Matcher m = Pattern.compile("^(VRRP Instance|VRRP Version|Wantstate|Virtual Router ID|Priority|" +
                "Advert interval|Preempt|Preempt delay|Authentication type|Password) = (.*)$").matcher(text);
            if (m.matches())
            {
                switch (m.group(1))
                {
                    case "VRRP Instance" -> out.add("instance " + m.group(2));
                    case "VRRP Version" -> out.add("version " + m.group(2));
                    case "Wantstate" -> out.add("state " + m.group(2));
                    case "Virtual Router ID" -> out.add("vrid " + m.group(2));
                    case "Priority" -> out.add("priority " + m.group(2));
                    case "Advert interval" -> out.add("advert " + m.group(2));
                    case "Preempt" -> out.add("preempt " + m.group(2));
                    case "Preempt delay" -> out.add("preempt-delay " + m.group(2));
                    case "Authentication type" -> auth = "auth " + m.group(2);
                    default -> auth += " " + m.group(2);
                }
                continue;
            }
            list = text.startsWith("Virtual IP (") ? "vip" : text.startsWith("Unicast Peer") ? "peer" :
                text.startsWith("Tracked interfaces") ? "track-if" : text.startsWith("Tracked scripts") ?
                "track-script" : null;
        }
        out.add(auth);
        Collections.sort(out);
        return out;
    }

    /** jlvs's instance, as lines. */
    static List<String> instance(final VrrpConfig v)
    {
        final List<String> out = new ArrayList<>();
        out.add("instance " + v.name());
        out.add("version " + v.version());
        out.add("state " + (v.initialMaster() ? "MASTER" : "BACKUP"));
        out.add("vrid " + v.vrid());
        out.add("priority " + v.priority());
        out.add("advert " + (2 == v.version() ? v.intervalCs() / 100 + " sec" : v.intervalCs() * 10 + " milli-sec"));
        out.add("preempt " + (v.preempt() ? "enabled" : "disabled"));
        if (0 != v.preemptDelaySec())
        {
            out.add("preempt-delay " + v.preemptDelaySec() + " secs");
        }
        final String password = null == v.password() ? "" :
            new String(v.password(), StandardCharsets.US_ASCII).replace("\0", "");
        out.add(password.isEmpty() ? "auth none" : "auth SIMPLE_PASSWORD " + password);
        v.addresses().forEach((a) -> out.add("vip " + InetLiterals.ntop(a)));
        v.unicastPeers().forEach((a) -> out.add("peer " + InetLiterals.ntop(a)));
        v.interfaces().forEach((i) -> out.add("track-if " + i.name() + " weight " + i.weight().weight() +
            (i.weight().reverse() ? " reverse" : "")));
        v.scripts().forEach((sc) -> out.add("track-script " + sc.name() + " weight " + sc.weight() +
            (sc.reverse() ? " reverse" : "")));
        Collections.sort(out);
        return out;
    }

    /** A checker's line of keepalived's dump: its virtual and real server, or one of its settings. */
    private static final Pattern DUMPED_CHECKER = Pattern.compile("((?:FWM \\d+)|\\S+) -> (\\[[^]]+\\]:\\w+:\\d+)$");
    private static final Pattern DUMPED_SETTING = Pattern.compile("(Keepalive method|Alpha|Delay loop|Warmup|Retries|" +
        "Delay before retry|Log all failures|Dest|Timeout) = (\\S+)");

    /**
     * The checkers of keepalived's {@code --dump-conf}, each on a line: "VS -> RS METHOD" and its timing, retries and
     * connection, in the words of {@link #checkers(KeepalivedConfig)}; sorted.
     */
    static List<String> checkers(final String dump)
    {
        final List<String> all = new ArrayList<>();
        Map<String, String> one = null;
        boolean connection = false;
        for (final String line : (dump + "\n-- end -> [0]:x:0").lines().toList())
        {
            final Matcher head = DUMPED_CHECKER.matcher(line);
            if (head.find())
            {
                if (null != one)
                {
                    all.add(String.join(" ", one.values().stream().filter((v) -> !v.isEmpty()).toList()));
                }
                one = new LinkedHashMap<>();
                for (final String key : List.of("Checker", "Keepalive method", "Alpha", "Delay loop", "Warmup",
                    "Retries", "Delay before retry", "Log all failures", "Dest", "Timeout"))
                {
                    one.put(key, "");
                }
                one.put("Checker", head.group(1) + " -> " + head.group(2));
                connection = false;
                continue;
            }
            if (null == one)
            {
                continue;
            }
            if (line.endsWith("Connection"))
            {
                connection = true;
                continue;
            }
            final Matcher m = DUMPED_SETTING.matcher(line);
            if (m.find() && (connection || !m.group(1).equals("Dest") && !m.group(1).equals("Timeout")))
            {
                final String v = m.group(2).replaceFirst(",$", "");
                one.put(m.group(1), switch (m.group(1))
                {
                    case "Keepalive method" -> v;
                    case "Alpha" -> "alpha=" + v;
                    case "Delay loop" -> "loop=" + v + "us";
                    case "Warmup" -> "warmup=" + v + "us";
                    case "Retries" -> "retries=" + v;
                    case "Delay before retry" -> "retry-delay=" + v + "us";
                    case "Log all failures" -> "log-all=" + v;
                    case "Dest" -> "dest=" + v;
                    default -> "timeout=" + v;
                });
            }
        }
        Collections.sort(all);
        return all;
    }

    /**
     * keepalived 2.2.7 leaves the connect_timeout of an SMTP_CHECK {@code host} block that has none at 0 (its zeroed
     * connection is never UINT_MAX, its mark of "unset"), where its code means the real server's, which jlvs takes:
     * jlvs's timeout of such a checker is not compared (README, "Known differences").
     */
    static List<String> unsetHostTimeouts(final List<String> jlvs, final List<String> keepalived)
    {
        final String unset = " timeout=0.000000";
        final Set<String> hosts = new TreeSet<>();
        keepalived.stream().filter((l) -> l.contains(" SMTP_CHECK ") && l.endsWith(unset))
            .forEach((l) -> hosts.add(l.substring(0, l.length() - unset.length())));
        final List<String> out = new ArrayList<>();
        for (final String l : jlvs)
        {
            final int at = l.lastIndexOf(" timeout=");
            out.add(!keepalived.contains(l) && at > 0 && hosts.contains(l.substring(0, at)) ?
                l.substring(0, at) + unset : l);
        }
        Collections.sort(out);
        return out;
    }

    /** jlvs's checkers of {@code config}, in the words of {@link #checkers(String)}; sorted. */
    static List<String> checkers(final KeepalivedConfig config)
    {
        final List<String> all = new ArrayList<>();
        final Map<String, Integer> groupUses = new HashMap<>();
        for (final KeepalivedVirtualServer vs : config.virtualServers())
        {
            // keepalived names a group's virtual server by its place among the group's: "[GROUP]:N"
            final String vsName = null == vs.group() ? vs.id() :
                "[" + vs.group() + "]:" + (groupUses.merge(vs.group(), 1, Integer::sum) - 1);
            // keepalived names a fwmark service's real servers without a protocol: "[IP]:none:0"
            final String proto = 0 != vs.fwmark() && vs.protocol() == ServiceProtocol.FWM ?
                "none" : vs.protocol().name().toLowerCase(Locale.ROOT);
            for (final KeepalivedRealServer rs : vs.reals())
            {
                final String ip = InetLiterals.ntop(rs.address());
                for (final Checker c : rs.checkers())
                {
                    final CheckerTiming t = c.timing();
                    final StringBuilder one = new StringBuilder(vsName + " -> [" + ip + "]:" + proto + ":" +
                        rs.port() + " " + c.keyword());
                    if (!(c instanceof Checker.File))
                    {
                        one.append(" alpha=").append(t.alpha() ? "yes" : "no").append(" loop=")
                            .append(t.delayLoopUs()).append("us warmup=").append(t.warmupUs()).append("us retries=")
                            .append(t.retry());
                        if (0 != t.retry())
                        {
                            one.append(" retry-delay=").append(t.delayBeforeRetryUs()).append("us");
                        }
                    }
                    one.append(" log-all=").append(t.logAllFailures() ? "yes" : "no");
                    if (!(c instanceof Checker.File ||
                        c instanceof Checker.Misc))
                    {
                        one.append(" dest=[").append(InetLiterals.ntop(
                            t.connectIp().orElse(rs.address()))).append("]:")
                            .append(0 != t.connectPort() ? t.connectPort() : rs.port())
                            .append(String.format(Locale.ROOT, " timeout=%f", t.connectTimeoutUs() / 1e6));
                    }
                    all.add(one.toString());
                }
            }
        }
        Collections.sort(all);
        return all;
    }
}
