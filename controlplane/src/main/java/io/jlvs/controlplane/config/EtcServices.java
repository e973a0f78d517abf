package io.jlvs.controlplane.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Service names to ports and back, as getservbyname(3)/getservbyport(3) read them from /etc/services.
 * When the file is missing a small built-in table of the names ldirectord configurations use is taken instead.
 */
public final class EtcServices
{
    private static final Path DEFAULT_FILE = Path.of("/etc/services");
    private static final List<String> BUILT_IN = List.of(
        "ftp 21/tcp", "ssh 22/tcp", "smtp 25/tcp", "domain 53/tcp", "domain 53/udp", "http 80/tcp www",
        "pop3 110/tcp pop-3", "nntp 119/tcp", "imap2 143/tcp imap", "ldap 389/tcp", "ldap 389/udp",
        "https 443/tcp", "https 443/udp", "submission 587/tcp", "ldaps 636/tcp", "imaps 993/tcp", "pop3s 995/tcp",
        "radius 1812/udp", "mysql 3306/tcp", "sip 5060/tcp", "sip 5060/udp", "postgresql 5432/tcp");

    private static volatile EtcServices system;

    private final Map<String, Integer> byName = new HashMap<>();
    private final Map<String, String> byPort = new HashMap<>();

    private EtcServices(final List<String> lines)
    {
        for (final String raw : lines)
        {
            final int hash = raw.indexOf('#');
            final String line = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (line.isEmpty())
            {
                continue;
            }
            final String[] f = line.split("\\s+");
            if (f.length < 2)
            {
                continue;
            }
            final int slash = f[1].indexOf('/');
            if (slash <= 0)
            {
                continue;
            }
            final int port;
            try
            {
                port = Integer.parseInt(f[1].substring(0, slash));
            }
            catch (final NumberFormatException ex)
            {
                continue;
            }
            final String proto = f[1].substring(slash + 1);
            byPort.putIfAbsent(port + "/" + proto, f[0]);
            for (int i = 0; i < f.length; i++)
            {
                if (i == 1)
                {
                    continue;
                }
                byName.putIfAbsent(f[i] + "/" + proto, port);
                byName.putIfAbsent(f[i] + "/", port);
            }
        }
    }

    /** @return the table of this host's /etc/services (read once), or the built-in table */
    public static EtcServices system()
    {
        EtcServices s = system;
        if (s == null)
        {
            List<String> lines;
            try
            {
                lines = Files.readAllLines(DEFAULT_FILE, StandardCharsets.ISO_8859_1);
            }
            catch (final IOException ex)
            {
                lines = BUILT_IN;
            }
            s = new EtcServices(lines);
            system = s;
        }
        return s;
    }

    /** @return a table of the given /etc/services-format lines */
    public static EtcServices of(final List<String> lines)
    {
        return new EtcServices(lines);
    }

    /**
     * @param name     service name or alias
     * @param protocol "tcp", "udp", "sctp", or null for any protocol
     * @return its port
     */
    public OptionalInt port(final String name, final String protocol)
    {
        final Integer p = byName.get(name + "/" + (protocol == null ? "" : protocol));
        return p == null ? OptionalInt.empty() : OptionalInt.of(p);
    }

    /** @return the official name of {@code port}/{@code protocol} */
    public Optional<String> name(final int port, final String protocol)
    {
        return Optional.ofNullable(byPort.get(port + "/" + protocol));
    }
}
