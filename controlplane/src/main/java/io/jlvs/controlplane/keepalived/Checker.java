package io.jlvs.controlplane.keepalived;

import java.util.List;
import java.util.Optional;

/**
 * One checker block of a keepalived {@code real_server}: what it checks and how. A real server is alive while every
 * one of its checkers passes, as in keepalived; a real server without checkers is always alive.
 */
public sealed interface Checker
{
    /** @return where the checker's block is, "FILE:LINE" */
    String where();

    /** @return the checker's keepalived keyword: TCP_CHECK, HTTP_GET, ... */
    String keyword();

    /** @return its connection, timing and retry settings, inheritance applied */
    CheckerTiming timing();

    /** {@code TCP_CHECK}: a TCP connection is accepted. */
    record Tcp(String where, CheckerTiming timing) implements Checker
    {
        @Override
        public String keyword()
        {
            return "TCP_CHECK";
        }
    }

    /**
     * One {@code url} block of an HTTP_GET or SSL_GET: every url of the checker must pass.
     *
     * @param path        the request path
     * @param digest      the MD5 of the body, lower-case hex, as {@code genhash} prints it
     * @param statusCodes the status codes that pass (keepalived's default, when neither digest nor status_code is
     *                    given: 200..299)
     * @param virtualhost the Host header, the url's own or the checker's or the virtual server's
     * @param regex       a regular expression the body must match (or must not, with {@code regexNoMatch})
     */
    record Url(String path, Optional<String> digest, java.util.BitSet statusCodes, Optional<String> virtualhost,
        Optional<String> regex, boolean regexNoMatch)
    {
    }

    /** {@code HTTP_GET} or {@code SSL_GET} ({@code tls}): each url fetched and judged. */
    record Http(String where, CheckerTiming timing, boolean tls, List<Url> urls, String httpProtocol,
        Optional<String> sniName) implements Checker
    {
        public Http
        {
            urls = List.copyOf(urls);
        }

        @Override
        public String keyword()
        {
            return tls ? "SSL_GET" : "HTTP_GET";
        }
    }

    /** {@code SMTP_CHECK}: a 2xx greeting, then HELO answered with 2xx, then QUIT. */
    record Smtp(String where, CheckerTiming timing, String heloName) implements Checker
    {
        @Override
        public String keyword()
        {
            return "SMTP_CHECK";
        }
    }

    /** {@code DNS_CHECK}: a query of {@code type} for {@code name} answered without error. */
    record Dns(String where, CheckerTiming timing, String type, String name) implements Checker
    {
        @Override
        public String keyword()
        {
            return "DNS_CHECK";
        }
    }

    /**
     * {@code MISC_CHECK}: a command; exit 0 passes. With {@code dynamic}, an exit status 2..255 passes too and sets the
     * real server's weight to the status minus 2.
     */
    record Misc(String where, CheckerTiming timing, List<String> command, long timeoutUs, boolean dynamic,
        Optional<String> user) implements Checker
    {
        public Misc
        {
            command = List.copyOf(command);
        }

        @Override
        public String keyword()
        {
            return "MISC_CHECK";
        }
    }

    /** {@code UDP_CHECK}: a datagram sent; an ICMP unreachable fails it, a reply is needed with require_reply. */
    record Udp(String where, CheckerTiming timing, byte[] payload, boolean requireReply, int minReplyLength,
        int maxReplyLength) implements Checker
    {
        @Override
        public String keyword()
        {
            return "UDP_CHECK";
        }

        /** The payload by its bytes, so that a checker read again from the same file is the same checker. */
        @Override
        public String toString()
        {
            return "Udp[where=" + where + ", timing=" + timing + ", payload=" +
                java.util.HexFormat.of().formatHex(payload) + ", requireReply=" + requireReply + ", min=" +
                minReplyLength + ", max=" + maxReplyLength + "]";
        }
    }

    /** {@code PING_CHECK}: an ICMP echo answered. */
    record Ping(String where, CheckerTiming timing) implements Checker
    {
        @Override
        public String keyword()
        {
            return "PING_CHECK";
        }
    }

    /**
     * {@code FILE_CHECK}: the number in a file ({@code track_file}, declared in global {@code track_file} blocks) times
     * {@code weight} (negated with {@code reverse}) added to the real server's weight; a result below zero takes the
     * real server down.
     */
    record File(String where, CheckerTiming timing, String trackFile, java.nio.file.Path path, int weight,
        boolean reverse) implements Checker
    {
        @Override
        public String keyword()
        {
            return "FILE_CHECK";
        }
    }
}
