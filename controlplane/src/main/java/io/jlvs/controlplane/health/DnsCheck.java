package io.jlvs.controlplane.health;

import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * ldirectord's {@code check_dns} with dnsjava: ask the real server (over TCP when the virtual service is TCP, UDP
 * otherwise) for {@code request} (without its leading "/"): an A record for a name, a PTR record for an address,
 * and pass when an answer's address (A, and AAAA which ldirectord never looks at) or PTR name matches
 * {@code receive}. An empty {@code receive} passes on any such answer (ldirectord's is then always down).
 */
public final class DnsCheck implements Check
{
    private final InetSocketAddress server;
    private final boolean tcp;
    private final String query;
    private final Pattern receive;
    private final int timeoutSec;

    public DnsCheck(final InetAddress address, final int port, final boolean tcp, final String request,
        final String receive, final int timeoutSec)
    {
        this.server = new InetSocketAddress(address, port);
        this.tcp = tcp;
        this.query = request.startsWith("/") ? request.substring(1) : request;
        this.receive = receive.isEmpty() ? null : Pattern.compile(receive);
        this.timeoutSec = timeoutSec;
    }

    @Override
    public boolean run()
    {
        try
        {
            final SimpleResolver resolver = new SimpleResolver(server);
            resolver.setTCP(tcp);
            resolver.setTimeout(Duration.ofSeconds(timeoutSec));
            final Record question = isAddress(query) ?
                Record.newRecord(ReverseMap.fromAddress(query), Type.PTR, DClass.IN) :
                Record.newRecord(Name.fromString(query.endsWith(".") ? query : query + "."), Type.A, DClass.IN);
            final Message answer = resolver.send(Message.newQuery(question));
            if (answer.getRcode() != Rcode.NOERROR)
            {
                return Check.fail(Rcode.string(answer.getRcode()));
            }
            for (final Record r : answer.getSection(Section.ANSWER))
            {
                final String value = switch (r)
                {
                    case ARecord a -> a.getAddress().getHostAddress();
                    case AAAARecord a -> io.jlvs.controlplane.config.InetLiterals.ntop(a.getAddress());
                    case PTRRecord p -> p.getTarget().toString();
                    default -> null;
                };
                if (null != value && (null == receive || receive.matcher(value).find()))
                {
                    return true;
                }
            }
            return Check.fail("no A, AAAA or PTR answer matching receive");
        }
        catch (final IOException | RuntimeException ex)
        {
            return Check.fail(ex);
        }
    }

    private static boolean isAddress(final String s)
    {
        return s.matches("\\d+\\.\\d+\\.\\d+\\.\\d+") || s.contains(":");
    }

    @Override
    public String toString()
    {
        return "dns " + query + " @" + Protocols.host(server.getAddress()) + ":" + server.getPort() +
            (tcp ? "/tcp" : "/udp");
    }
}
