package io.jlvs.controlplane.keepalived;

import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.health.Check;
import io.jlvs.controlplane.health.ConnectCheck;
import io.jlvs.controlplane.health.PingCheck;
import io.jlvs.controlplane.health.SmtpCheck;
import io.jlvs.controlplane.health.TrustAllTls;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * keepalived's checkers as the checks the director runs: each {@link Checker} of a real server becomes a {@link Check}
 * against the address and port it names, with its connect timeout. MISC_CHECK with {@code misc_dynamic} and FILE_CHECK
 * also move the real server's weight: they are {@link Weighing}.
 */
final class CheckerChecks
{
    /** The most of a body read for its digest or its regex. */
    static final int MAX_BODY = 1 << 20;

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    private static final HttpClient HTTPS = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .sslContext(TrustAllTls.context()).followRedirects(HttpClient.Redirect.NEVER).build();

    static
    {
        // keepalived sends the url's virtualhost as Host: the JDK client sets Host only when told it may
        if (null == System.getProperty("jdk.httpclient.allowRestrictedHeaders"))
        {
            System.setProperty("jdk.httpclient.allowRestrictedHeaders", "host");
        }
    }

    private CheckerChecks()
    {
    }

    /** A check that also says how much it moves its real server's weight, after each run. */
    interface Weighing extends Check
    {
        /** The last run's change to the real server's weight (keepalived's effective weight less its weight). */
        long adjustment();
    }

    /**
     * @param checker the checker
     * @param address the real server's address (the checker's {@code connect_ip} replaces it)
     * @param weight  the real server's configured weight, from which MISC_CHECK's dynamic weight is measured
     */
    static Check of(final Checker checker, final InetAddress address, final int weight)
    {
        final CheckerTiming t = checker.timing();
        final InetAddress target = t.connectIp().orElse(address);
        final int timeoutMs = (int)Math.max(1, t.connectTimeoutUs() / 1000);
        return switch (checker)
        {
            case Checker.Tcp c -> new ConnectCheck("TCP_CHECK " + endpoint(new InetSocketAddress(target,
                t.connectPort())), t.bindTo().map((b) -> new InetSocketAddress(b, t.bindPort())).orElse(null),
                new InetSocketAddress(target, t.connectPort()), timeoutMs);
            case Checker.Http c -> new Urls(c, target, t.connectPort(), timeoutMs);
            case Checker.Smtp c -> new SmtpCheck(target, t.connectPort(), seconds(timeoutMs), c.heloName());
            case Checker.Dns c -> new Dns(new InetSocketAddress(target, t.connectPort()), c.type(), c.name(), timeoutMs);
            case Checker.Misc c -> new Misc(c, weight);
            case Checker.Udp c -> new Udp(new InetSocketAddress(target, t.connectPort()), c, timeoutMs);
            case Checker.Ping c -> new PingCheck(target, seconds(timeoutMs));
            case Checker.File c -> new FileWeight(c);
        };
    }

    private static int seconds(final int ms)
    {
        return Math.max(1, (ms + 999) / 1000);
    }

    private static String endpoint(final InetSocketAddress a)
    {
        final String ip = InetLiterals.ntop(a.getAddress());
        return (a.getAddress() instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /**
     * HTTP_GET and SSL_GET: every url fetched, each passing when its status is among its codes, its body's MD5 is its
     * digest and its regex matches the body (or does not, with regex_no_match).
     */
    private static final class Urls implements Check
    {
        private final Checker.Http checker;
        private final String authority;
        private final String base;
        private final int timeoutMs;

        Urls(final Checker.Http checker, final InetAddress address, final int port, final int timeoutMs)
        {
            this.checker = checker;
            final String ip = InetLiterals.ntop(address);
            this.authority = (address instanceof Inet6Address ? "[" + ip + "]" : ip) + ":" + port;
            this.base = (checker.tls() ? "https://" : "http://") + authority;
            this.timeoutMs = timeoutMs;
        }

        @Override
        public boolean run()
        {
            for (final Checker.Url url : checker.urls())
            {
                if (!fetch(url))
                {
                    return false;
                }
            }
            return true;
        }

        private boolean fetch(final Checker.Url url)
        {
            try
            {
                final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + url.path()))
                    .timeout(Duration.ofMillis(timeoutMs)).header("User-Agent", "KeepAliveClient").GET();
                b.header("Host", url.virtualhost().orElse(authority));
                final HttpResponse<InputStream> r = (checker.tls() ? HTTPS : HTTP).send(b.build(),
                    HttpResponse.BodyHandlers.ofInputStream());
                final byte[] body;
                try (InputStream in = r.body())
                {
                    body = in.readNBytes(MAX_BODY);
                }
                if (!url.statusCodes().isEmpty() && !url.statusCodes().get(r.statusCode()))
                {
                    return Check.fail(url.path() + ": HTTP status " + r.statusCode());
                }
                if (url.digest().isPresent() && !url.digest().get().equals(md5(body)))
                {
                    return Check.fail(url.path() + ": MD5 digest " + md5(body) + " is not " + url.digest().get());
                }
                if (url.regex().isPresent())
                {
                    final boolean found = Pattern.compile(url.regex().get())
                        .matcher(new String(body, StandardCharsets.ISO_8859_1)).find();
                    if (found == url.regexNoMatch())
                    {
                        return Check.fail(url.path() + ": the body " + (found ? "matches" : "does not match") +
                            " regex " + url.regex().get());
                    }
                }
                return true;
            }
            catch (final IOException | IllegalArgumentException ex)
            {
                return Check.fail(ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return Check.fail(ex);
            }
        }

        private static String md5(final byte[] body)
        {
            try
            {
                return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
            }
            catch (final NoSuchAlgorithmException ex)
            {
                throw new IllegalStateException(ex);
            }
        }

        @Override
        public String toString()
        {
            return checker.keyword() + " " + base + String.join(",", checker.urls().stream().map(Checker.Url::path)
                .toList());
        }
    }

    /** DNS_CHECK: a query of its type for its name, answered with the same id and no error. */
    private record Dns(InetSocketAddress server, String type, String name, int timeoutMs) implements Check
    {
        @Override
        public boolean run()
        {
            try
            {
                final SimpleResolver resolver = new SimpleResolver(server);
                resolver.setTimeout(Duration.ofMillis(timeoutMs));
                final Name qname = name.isEmpty() ? Name.root : Name.fromString(name.endsWith(".") ? name : name + ".");
                final Message answer = resolver.send(Message.newQuery(Record.newRecord(qname, Type.value(type),
                    DClass.IN)));
                return Check.passIf(answer.getRcode() == Rcode.NOERROR, Rcode.string(answer.getRcode()));
            }
            catch (final IOException | RuntimeException ex)
            {
                return Check.fail(ex);
            }
        }

        @Override
        public String toString()
        {
            return "DNS_CHECK " + type + " " + (name.isEmpty() ? "." : name) + " @" + endpoint(server);
        }
    }

    /**
     * MISC_CHECK: the script's exit status. 0 passes, 1 fails; with misc_dynamic 2..255 passes and sets the real
     * server's weight to the status less 2. Past misc_timeout the script is killed and the check fails.
     */
    private static final class Misc implements Weighing
    {
        private final Checker.Misc checker;
        private final int weight;
        private volatile long adjustment;

        Misc(final Checker.Misc checker, final int weight)
        {
            this.checker = checker;
            this.weight = weight;
        }

        @Override
        public boolean run()
        {
            adjustment = 0;
            try
            {
                final Process p = new ProcessBuilder(checker.command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(checker.timeoutUs(), TimeUnit.MICROSECONDS))
                {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    return Check.fail("timed out");
                }
                final int status = p.exitValue();
                if (0 == status)
                {
                    return true;
                }
                if (checker.dynamic() && status >= 2 && status <= 255)
                {
                    adjustment = status - 2L - weight;
                    return true;
                }
                return Check.fail("exit status " + status);
            }
            catch (final IOException ex)
            {
                return Check.fail(ex);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return Check.fail(ex);
            }
        }

        @Override
        public long adjustment()
        {
            return adjustment;
        }

        @Override
        public String toString()
        {
            return "MISC_CHECK " + String.join(" ", checker.command()) + (checker.dynamic() ? " (dynamic)" : "");
        }
    }

    /**
     * UDP_CHECK: the payload sent; an ICMP port unreachable fails it. Without require_reply silence passes; with it,
     * a reply of min_reply_length..max_reply_length bytes is needed.
     */
    private record Udp(InetSocketAddress target, Checker.Udp checker, int timeoutMs) implements Check
    {
        @Override
        public boolean run()
        {
            try (DatagramSocket s = new DatagramSocket(null))
            {
                final CheckerTiming t = checker.timing();
                s.bind(new InetSocketAddress(t.bindTo().orElse(null), t.bindPort()));
                s.connect(target);
                s.setSoTimeout(timeoutMs);
                s.send(new DatagramPacket(checker.payload(), checker.payload().length));
                final DatagramPacket reply = new DatagramPacket(new byte[65536], 65536);
                try
                {
                    s.receive(reply);
                }
                catch (final SocketTimeoutException ex)
                {
                    return Check.passIf(!checker.requireReply(), "no reply within the connect timeout");
                }
                return Check.passIf(!checker.requireReply() || (reply.getLength() >= checker.minReplyLength() &&
                    reply.getLength() <= checker.maxReplyLength()), "a reply of " + reply.getLength() + " bytes");
            }
            catch (final PortUnreachableException ex)
            {
                return Check.fail("port unreachable");
            }
            catch (final IOException ex)
            {
                return Check.fail(ex);
            }
        }

        @Override
        public String toString()
        {
            return "UDP_CHECK " + endpoint(target);
        }
    }

    /**
     * FILE_CHECK: the number in the tracked file (0 when it is missing or empty). With weight 0 a number other than 0
     * fails it (with reverse, 0 does); otherwise the number times the weight moves the real server's weight.
     */
    private static final class FileWeight implements Weighing
    {
        private final Checker.File checker;
        private volatile long adjustment;

        FileWeight(final Checker.File checker)
        {
            this.checker = checker;
        }

        @Override
        public boolean run()
        {
            long value = 0;
            try
            {
                final List<String> lines = Files.exists(checker.path()) ? Files.readAllLines(checker.path()) : List.of();
                final String text = lines.isEmpty() ? "" : lines.getFirst().strip();
                value = text.isEmpty() ? 0 : Long.decode(text.replaceFirst("^\\+", "").split("\\s")[0]);
            }
            catch (final IOException | NumberFormatException ex)
            {
                value = 0;
            }
            if (0 == checker.weight())
            {
                adjustment = 0;
                return Check.passIf((value == 0) != checker.reverse(), checker.path() + " holds " + value);
            }
            final long product = value * checker.weight() * (checker.reverse() ? -1 : 1);
            adjustment = product;
            return Check.passIf(product > Integer.MIN_VALUE, checker.path() + " holds " + value);
        }

        @Override
        public long adjustment()
        {
            return adjustment;
        }

        @Override
        public String toString()
        {
            return "FILE_CHECK " + checker.trackFile() + " " + checker.path();
        }
    }
}
