package io.jlvs.controlplane.keepalived;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the checker blocks of one {@code real_server}: TCP_CHECK, HTTP_GET, SSL_GET, SMTP_CHECK, DNS_CHECK,
 * MISC_CHECK, UDP_CHECK, PING_CHECK and FILE_CHECK, each setting resolved as keepalived's
 * {@code validate_check_config} resolves it: the checker's own, else the real server's, else the virtual server's,
 * else the checker type's default. A checker without what it needs (an HTTP_GET without a url with a path, a
 * MISC_CHECK without misc_path, a FILE_CHECK without a known track_file) is an error, where keepalived drops it.
 */
final class CheckerReader
{
    /** The checker keywords a real_server block may hold. */
    static final List<String> KEYWORDS = List.of("TCP_CHECK", "HTTP_GET", "SSL_GET", "SMTP_CHECK", "DNS_CHECK",
        "MISC_CHECK", "UDP_CHECK", "PING_CHECK", "FILE_CHECK", "BFD_CHECK");
    /** The checkers whose sockets jlvs binds to {@code bindto}. */
    static final List<String> BINDS = List.of("TCP_CHECK", "UDP_CHECK");
    static final int DEFAULT_RETRY = 1;
    static final long DEFAULT_DELAY_BEFORE_RETRY_US = 1_000_000L;
    static final long HTTP_DELAY_BEFORE_RETRY_US = 3_000_000L;
    static final String DEFAULT_HELO_NAME = "smtpchecker.keepalived.org";
    /** UDP_CHECK's payload when none is given: the first 32 bytes of "keepalived check - keepalived check - ...". */
    static final byte[] DEFAULT_UDP_PAYLOAD = "keepalived check - keepalived ch".getBytes(StandardCharsets.US_ASCII);
    static final List<String> DNS_TYPES = List.of("A", "NS", "CNAME", "SOA", "MX", "TXT", "AAAA", "RRSIG", "DNSKEY");

    /**
     * What a checker inherits from its real server (its own, or its virtual server's), null where neither set it.
     *
     * @param address the real server's address: the checker's destination unless {@code connect_ip}
     * @param port    the real server's port as written (keepalived's checker takes it before any port fix-up)
     */
    record Inherited(InetAddress address, int port, Integer retry, Long delayBeforeRetryUs, long delayLoopUs,
        Long warmupUs, long connectTimeoutUs, boolean alpha, Optional<String> virtualhost, boolean logAllFailures)
    {
    }

    private final KeepalivedValues values;
    private final ScriptCheck scripts;
    private final Map<String, KeepalivedGlobals.TrackFile> trackFiles;

    CheckerReader(final KeepalivedValues values, final ScriptCheck scripts,
        final Map<String, KeepalivedGlobals.TrackFile> trackFiles)
    {
        this.values = values;
        this.scripts = scripts;
        this.trackFiles = trackFiles;
    }

    /** The checkers of one checker block (SMTP_CHECK's deprecated {@code host} blocks make more than one). */
    List<Checker> read(final KeepalivedBlock block, final Inherited from)
    {
        final List<Checker> out = new ArrayList<>();
        switch (block.keyword())
        {
            case "TCP_CHECK" -> out.add(new Checker.Tcp(block.where(), common(block, from, List.of(), null).timing()));
            case "PING_CHECK" -> out.add(new Checker.Ping(block.where(), common(block, from, List.of(), null).timing()));
            case "HTTP_GET", "SSL_GET" -> http(block, from, out);
            case "SMTP_CHECK" -> smtp(block, from, out);
            case "DNS_CHECK" -> dns(block, from, out);
            case "MISC_CHECK" -> misc(block, from, out);
            case "UDP_CHECK" -> udp(block, from, out);
            case "FILE_CHECK" -> file(block, from, out);
            case "BFD_CHECK" -> values.notDone(block, "jlvs does not speak BFD (keepalived needs a BFD build too)");
            default -> throw new IllegalArgumentException(block.keyword());
        }
        return out;
    }

    /** The settings every checker but FILE_CHECK reads, and the keywords it leaves to the checker's own reader. */
    private static final class Common
    {
        InetAddress connectIp;
        int connectPort;
        InetAddress bindTo;
        int bindPort;
        Long connectTimeoutUs;
        Integer retry;
        Long delayBeforeRetryUs;
        Long delayLoopUs;
        Long warmupUs;
        Boolean alpha;
        Boolean logAllFailures;
        final List<KeepalivedBlock> rest = new ArrayList<>();
        CheckerTiming timing;

        CheckerTiming timing()
        {
            return timing;
        }
    }

    /**
     * Reads the common keywords of {@code block}, hands the others (those in {@code own}) back in {@code rest}, and
     * resolves the timing. An unknown keyword is an error.
     *
     * @param typeDelayBeforeRetryUs the type's delay before a retry, null for the common 1 s
     */
    private Common common(final KeepalivedBlock block, final Inherited from, final List<String> own,
        final Long typeDelayBeforeRetryUs)
    {
        return common(block, from, own, typeDelayBeforeRetryUs, DEFAULT_RETRY, true);
    }

    private Common common(final KeepalivedBlock block, final Inherited from, final List<String> own,
        final Long typeDelayBeforeRetryUs, final int typeRetry, final boolean connection)
    {
        final Common c = new Common();
        for (final KeepalivedBlock s : block.children())
        {
            if (own.contains(s.keyword()))
            {
                c.rest.add(s);
                continue;
            }
            if (connection && connectionKeyword(c, s))
            {
                continue;
            }
            switch (s.keyword())
            {
                case "retry" -> c.retry = (int)values.number(s, 0, 0, 0xFFFF_FFFFL, DEFAULT_RETRY);
                case "delay_before_retry" -> c.delayBeforeRetryUs = values.timerUs(s, 0, 0, 0);
                case "warmup" -> c.warmupUs = values.timerUs(s, 0, 0, 0);
                case "delay_loop" -> c.delayLoopUs = values.timerUs(s, 0, 1, from.delayLoopUs());
                case "alpha" -> c.alpha = values.bool(s, 0);
                case "log_all_failures" -> c.logAllFailures = values.bool(s, 0);
                default -> values.unknown(s, block.keyword());
            }
        }
        final long delayLoop = null != c.delayLoopUs ? c.delayLoopUs : from.delayLoopUs();
        final int retry = null != c.retry ? c.retry : null != from.retry() ? from.retry() : typeRetry;
        final long typeDelay = null == typeDelayBeforeRetryUs ? DEFAULT_DELAY_BEFORE_RETRY_US :
            typeDelayBeforeRetryUs < 0 ? delayLoop : typeDelayBeforeRetryUs;
        final long delayBeforeRetry = null != c.delayBeforeRetryUs ? c.delayBeforeRetryUs :
            null != from.delayBeforeRetryUs() ? from.delayBeforeRetryUs() : typeDelay;
        final long warmup = null != c.warmupUs ? c.warmupUs : null != from.warmupUs() ? from.warmupUs() : delayLoop;
        final int port = 0 != c.connectPort ? c.connectPort : from.port();
        if (connection && 0 == port && !block.keyword().equals("PING_CHECK"))
        {
            values.warn(block, block.keyword() + " of a real_server written without a port checks port 0, as " +
                "keepalived's does: give the real server's port or connect_port");
        }
        c.timing = new CheckerTiming(Optional.ofNullable(c.connectIp), port, Optional.ofNullable(c.bindTo),
            c.bindPort, null != c.connectTimeoutUs ? c.connectTimeoutUs : from.connectTimeoutUs(), retry,
            delayBeforeRetry, delayLoop, warmup, null != c.alpha ? c.alpha : from.alpha(),
            null != c.logAllFailures ? c.logAllFailures : from.logAllFailures());
        if (null != c.bindTo && !BINDS.contains(block.keyword()))
        {
            values.warn(block, block.keyword() + ": bindto " + c.bindTo.getHostAddress() + " is not taken: jlvs's " +
                block.keyword() + " leaves from the director's host-path address (TCP_CHECK and UDP_CHECK bind)");
        }
        final InetAddress destination = null != c.connectIp ? c.connectIp : from.address();
        if (destination instanceof Inet6Address a && a.isLinkLocalAddress())
        {
            values.error(block, "checker of link-local " + a.getHostAddress() + " needs bind_if, which jlvs does " +
                "not take (its checks leave through the director's host path)");
        }
        if (null != c.bindTo && null != destination && (c.bindTo instanceof Inet6Address) != (destination instanceof Inet6Address))
        {
            values.error(block, "bindto " + c.bindTo.getHostAddress() + " is not of the family of the checked address " +
                destination.getHostAddress());
        }
        return c;
    }

    /** connect_ip, connect_port, bindto, bind_port, bind_if, connect_timeout, fwmark: true when it was one. */
    private boolean connectionKeyword(final Common c, final KeepalivedBlock s)
    {
        switch (s.keyword())
        {
            case "connect_ip" ->
            {
                final String v = values.arg(s, 0);
                c.connectIp = null == v ? null : values.address(s, v, "connect_ip");
            }
            case "connect_port" -> c.connectPort = (int)values.number(s, 0, 1, 65535, 0);
            case "bindto" ->
            {
                final String v = values.arg(s, 0);
                c.bindTo = null == v ? null : values.address(s, v, "bindto");
            }
            case "bind_port" -> c.bindPort = (int)values.number(s, 0, 1, 65535, 0);
            case "connect_timeout" -> c.connectTimeoutUs = values.timerUs(s, 0, 1, 5_000_000L);
            case "bind_if" -> values.notDone(s, "jlvs's checks leave through the director's host path, by its routes");
            case "fwmark" -> values.notDone(s, "jlvs does not mark its checks' packets (SO_MARK)");
            default ->
            {
                return false;
            }
        }
        return true;
    }

    private void http(final KeepalivedBlock block, final Inherited from, final List<Checker> out)
    {
        final boolean tls = block.keyword().equals("SSL_GET");
        final Common c = common(block, from, List.of("url", "virtualhost", "http_protocol", "enable_sni",
            "fast_recovery", "nb_get_retry"), HTTP_DELAY_BEFORE_RETRY_US);
        Optional<String> virtualhost = from.virtualhost();
        String protocol = "1.0";
        boolean sni = false;
        final List<KeepalivedBlock> urls = new ArrayList<>();
        CheckerTiming timing = c.timing;
        for (final KeepalivedBlock s : c.rest)
        {
            switch (s.keyword())
            {
                case "url" -> urls.add(s);
                case "virtualhost" -> virtualhost = Optional.ofNullable(values.arg(s, 0));
                case "http_protocol" ->
                {
                    final String v = values.arg(s, 0);
                    if (null != v && !List.of("1.0", "1.1", "1.0C", "1.0c").contains(v))
                    {
                        values.error(s, "Invalid http_protocol version " + v + ": 1.0, 1.0C or 1.1");
                    }
                    else if (null != v)
                    {
                        protocol = v.toUpperCase(Locale.ROOT);
                    }
                }
                case "enable_sni" ->
                {
                    sni = values.bool(s, 0);
                    if (!tls)
                    {
                        values.unknown(s, block.keyword());
                    }
                }
                case "fast_recovery" -> values.notDone(s, "jlvs checks every url at each delay_loop, up or down");
                case "nb_get_retry" ->
                {
                    values.warn(s, "nb_get_retry is deprecated - please use 'retry'");
                    final int retry = (int)values.number(s, 0, 0, 0xFFFF_FFFFL, DEFAULT_RETRY);
                    if (null == c.retry)
                    {
                        timing = withRetry(timing, retry);
                    }
                }
                default -> throw new IllegalStateException(s.keyword());
            }
        }
        final List<Checker.Url> read = new ArrayList<>();
        for (final KeepalivedBlock u : urls)
        {
            final Checker.Url url = url(u, virtualhost);
            if (null != url)
            {
                read.add(url);
            }
        }
        if (read.isEmpty())
        {
            values.errorAtEnd(block, "HTTP/SSL_GET checker has no urls specified: it needs url { path ... }");
        }
        if (!read.isEmpty())
        {
            out.add(new Checker.Http(block.where(), timing, tls, read, protocol,
                tls && sni ? virtualhost : Optional.empty()));
        }
    }

    private static CheckerTiming withRetry(final CheckerTiming t, final int retry)
    {
        return new CheckerTiming(t.connectIp(), t.connectPort(), t.bindTo(), t.bindPort(), t.connectTimeoutUs(), retry,
            t.delayBeforeRetryUs(), t.delayLoopUs(), t.warmupUs(), t.alpha(), t.logAllFailures());
    }

    private Checker.Url url(final KeepalivedBlock block, final Optional<String> checkerVirtualhost)
    {
        String path = null;
        String digest = null;
        final BitSet codes = new BitSet(600);
        Optional<String> virtualhost = checkerVirtualhost;
        String regex = null;
        boolean noMatch = false;
        int flags = 0;
        for (final KeepalivedBlock s : block.children())
        {
            switch (s.keyword())
            {
                case "path" -> path = values.arg(s, 0);
                case "digest" ->
                {
                    final String v = values.arg(s, 0);
                    if (null != v && (v.length() != 32 || !v.chars().allMatch((ch) -> Character.digit(ch, 16) >= 0)))
                    {
                        values.error(s, "digest '" + v + "' should be 32 hex digits (the MD5 genhash prints)");
                    }
                    digest = null == v ? null : v.toLowerCase(Locale.ROOT);
                }
                case "status_code" ->
                {
                    if (s.args().isEmpty())
                    {
                        values.arg(s, 0);
                    }
                    for (final String code : s.args())
                    {
                        statusCodes(s, code, codes);
                    }
                }
                case "virtualhost" -> virtualhost = Optional.ofNullable(values.arg(s, 0));
                case "regex" -> regex = values.arg(s, 0);
                case "regex_no_match" -> noMatch = true;
                case "regex_options" ->
                {
                    for (final String o : s.args())
                    {
                        switch (o)
                        {
                            case "caseless" -> flags |= java.util.regex.Pattern.CASE_INSENSITIVE;
                            case "multiline" -> flags |= java.util.regex.Pattern.MULTILINE;
                            case "dotall" -> flags |= java.util.regex.Pattern.DOTALL;
                            case "extended" -> flags |= java.util.regex.Pattern.COMMENTS;
                            default -> values.notDone(s, "the PCRE2 option " + o + " has no Java equivalent jlvs takes");
                        }
                    }
                }
                case "regex_min_offset", "regex_max_offset", "regex_stack" ->
                    values.notDone(s, "jlvs matches the regex against the whole body");
                default -> values.unknown(s, "url");
            }
        }
        if (null == path)
        {
            values.errorAtEnd(block, "HTTP/SSL_GET checker url has no path");
            return null;
        }
        if (codes.isEmpty() && null == digest)
        {
            codes.set(200, 300);
        }
        if (null != regex)
        {
            try
            {
                java.util.regex.Pattern.compile(regex, flags);
            }
            catch (final java.util.regex.PatternSyntaxException ex)
            {
                values.error(block, "regex '" + regex + "' does not compile: " + ex.getDescription());
            }
            if (0 != flags)
            {
                regex = "(?" + flagLetters(flags) + ")" + regex;
            }
        }
        return new Checker.Url(path, Optional.ofNullable(digest), codes, virtualhost, Optional.ofNullable(regex),
            noMatch);
    }

    private static String flagLetters(final int flags)
    {
        final StringBuilder sb = new StringBuilder();
        if (0 != (flags & java.util.regex.Pattern.CASE_INSENSITIVE))
        {
            sb.append('i');
        }
        if (0 != (flags & java.util.regex.Pattern.MULTILINE))
        {
            sb.append('m');
        }
        if (0 != (flags & java.util.regex.Pattern.DOTALL))
        {
            sb.append('s');
        }
        if (0 != (flags & java.util.regex.Pattern.COMMENTS))
        {
            sb.append('x');
        }
        return sb.toString();
    }

    /** {@code N} or {@code N-M}, within 100..599. */
    private void statusCodes(final KeepalivedBlock at, final String code, final BitSet into)
    {
        final int dash = code.indexOf('-');
        final long from = KeepalivedValues.parseNumber(dash < 0 ? code : code.substring(0, dash)).orElse(-1);
        final long to = dash < 0 ? from : KeepalivedValues.parseNumber(code.substring(dash + 1)).orElse(-1);
        if (from < 100 || to > 599 || to < from)
        {
            values.error(at, "Invalid HTTP_GET status code '" + code + "': N or N-M within 100-599");
            return;
        }
        into.set((int)from, (int)to + 1);
    }

    private void smtp(final KeepalivedBlock block, final Inherited from, final List<Checker> out)
    {
        final Common c = common(block, from, List.of("helo_name", "host"), null);
        String helo = DEFAULT_HELO_NAME;
        final List<KeepalivedBlock> hosts = new ArrayList<>();
        for (final KeepalivedBlock s : c.rest)
        {
            if (s.keyword().equals("helo_name"))
            {
                final String v = values.arg(s, 0);
                helo = null == v ? helo : v;
            }
            else
            {
                hosts.add(s);
            }
        }
        // keepalived's smtp_check_end_handler: the checker's own connection counts when it sets one (or has no
        // host); each host is a copy of the checker (its retries and timing) with the host's connection
        final boolean ownConnection = hosts.isEmpty() || block.children().stream()
            .anyMatch((s) -> CONNECTION_KEYWORDS.contains(s.keyword()));
        if (ownConnection)
        {
            out.add(new Checker.Smtp(block.where(), c.timing, helo));
        }
        for (final KeepalivedBlock host : hosts)
        {
            values.warn(host, "The SMTP_CHECK host block is deprecated. Please define additional checkers.");
            final CheckerTiming connection = common(host, from, List.of(), null).timing;
            out.add(new Checker.Smtp(host.where(), c.timing.withConnectionOf(connection), helo));
        }
    }

    /** What sets a checker's connection (keepalived's conn_opts_t). */
    private static final List<String> CONNECTION_KEYWORDS = List.of("connect_ip", "connect_port", "bindto",
        "bind_port", "bind_if", "connect_timeout", "fwmark");

    private void dns(final KeepalivedBlock block, final Inherited from, final List<Checker> out)
    {
        final Common c = common(block, from, List.of("type", "name"), -1L, 3, true);
        String type = "SOA";
        String name = "";
        for (final KeepalivedBlock s : c.rest)
        {
            final String v = values.arg(s, 0);
            if (null == v)
            {
                continue;
            }
            if (s.keyword().equals("type"))
            {
                final String u = v.toUpperCase(Locale.ROOT);
                if (!DNS_TYPES.contains(u))
                {
                    values.error(s, "Unknown DNS check type " + v + ": one of " + String.join(" ", DNS_TYPES));
                }
                type = u;
            }
            else
            {
                if (v.contains(".."))
                {
                    values.error(s, "DNS_CHECK name '" + v + "' has empty label");
                }
                name = v;
            }
        }
        out.add(new Checker.Dns(block.where(), c.timing, type, name));
    }

    private void misc(final KeepalivedBlock block, final Inherited from, final List<Checker> out)
    {
        final Common c = common(block, from, List.of("misc_path", "misc_timeout", "misc_dynamic", "user"), null, 0,
            false);
        List<String> command = null;
        long timeoutUs = 0;
        boolean dynamic = false;
        Optional<String> user = Optional.empty();
        final boolean hasUser = c.rest.stream().anyMatch((s) -> s.keyword().equals("user"));
        for (final KeepalivedBlock s : c.rest)
        {
            switch (s.keyword())
            {
                case "misc_path" -> command = scripts.miscPath(s, hasUser);
                case "misc_timeout" -> timeoutUs = values.number(s, 0, 0, 4294, 0) * 1_000_000L;
                case "misc_dynamic" -> dynamic = true;
                case "user" ->
                {
                    user = Optional.ofNullable(values.arg(s, 0));
                    values.notDone(s, "jlvs runs its scripts as the director's user");
                }
                default -> throw new IllegalStateException(s.keyword());
            }
        }
        if (null == command)
        {
            values.errorAtEnd(block, "No script path has been specified for MISC_CHECKER: it needs misc_path");
            return;
        }
        if (command.isEmpty())
        {
            values.warn(block, "MISC_CHECK without a script it may run - removing the checker, as keepalived does");
            return;
        }
        out.add(new Checker.Misc(block.where(), c.timing, command, 0 == timeoutUs ? c.timing.delayLoopUs() : timeoutUs,
            dynamic, user));
    }

    private void udp(final KeepalivedBlock block, final Inherited from, final List<Checker> out)
    {
        final Common c = common(block, from, List.of("payload", "require_reply", "min_reply_length",
            "max_reply_length"), null);
        byte[] payload = DEFAULT_UDP_PAYLOAD;
        boolean requireReply = false;
        int min = 0;
        int max = 255;
        for (final KeepalivedBlock s : c.rest)
        {
            switch (s.keyword())
            {
                case "payload" ->
                {
                    final byte[] p = hex(s, String.join("", s.args()));
                    payload = null == p ? payload : p;
                }
                case "require_reply" ->
                {
                    requireReply = true;
                    if (!s.args().isEmpty())
                    {
                        values.notDone(s, "jlvs takes any reply of the right length (no reply pattern)");
                    }
                }
                case "min_reply_length" -> min = (int)values.number(s, 0, 0, 65535, 0);
                case "max_reply_length" -> max = (int)values.number(s, 0, 0, 65535, 255);
                default -> throw new IllegalStateException(s.keyword());
            }
        }
        if (min > max)
        {
            values.warn(block, "UDP_CHECK min_reply length " + min + " > max_reply_length " + max +
                " - will always fail");
        }
        out.add(new Checker.Udp(block.where(), c.timing, payload, requireReply, min, max));
    }

    private byte[] hex(final KeepalivedBlock at, final String text)
    {
        try
        {
            if (text.isEmpty() || text.length() % 2 != 0)
            {
                throw new IllegalArgumentException();
            }
            return HexFormat.of().parseHex(text);
        }
        catch (final IllegalArgumentException ex)
        {
            values.error(at, "Invalid hex string for UDP_CHECK " + at.keyword() + " '" + text + "'");
            return null;
        }
    }

    private void file(final KeepalivedBlock block, final Inherited from, final List<Checker> out)
    {
        String name = null;
        Integer weight = null;
        boolean reverse = false;
        for (final KeepalivedBlock s : block.children())
        {
            switch (s.keyword())
            {
                case "track_file" -> name = values.arg(s, 0);
                case "weight" ->
                {
                    final String v = values.arg(s, 0);
                    final java.util.OptionalLong n = null == v ? java.util.OptionalLong.empty() :
                        KeepalivedValues.parseNumber(v);
                    if (n.isEmpty() || Math.abs(n.getAsLong()) > Integer.MAX_VALUE)
                    {
                        values.error(s, "invalid FILE_CHECK weight '" + v + "'");
                    }
                    else
                    {
                        weight = (int)n.getAsLong();
                    }
                    reverse = s.args().size() > 1 && s.args().get(1).equals("reverse");
                }
                default -> values.unknown(s, "FILE_CHECK");
            }
        }
        if (null == name)
        {
            values.errorAtEnd(block, "FILE_CHECK has no track_file specified");
            return;
        }
        final KeepalivedGlobals.TrackFile tracked = trackFiles.get(name);
        if (null == tracked)
        {
            values.error(block, "track_file " + name + " not found: declare it in a track_file block first");
            return;
        }
        final CheckerTiming timing = new CheckerTiming(Optional.empty(), 0, Optional.empty(), 0, from.connectTimeoutUs(),
            0, 0, from.delayLoopUs(), 0, false, from.logAllFailures());
        out.add(new Checker.File(block.where(), timing, name, tracked.path(),
            null != weight ? weight : tracked.weight(), null != weight ? reverse : tracked.reverse()));
    }
}
