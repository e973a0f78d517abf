package io.jlvs.controlplane.health;

import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * ldirectord's {@code check_ftp} with Apache Commons Net: log in ({@code login}/{@code passwd}; anonymous with
 * {@code ldirectord@host} when not set, as ldirectord sets for {@code service = ftp}), change to "/", fetch
 * {@code request} in binary over a passive data connection, and match {@code receive} against the file. An empty
 * {@code receive} passes once the file is fetched (ldirectord's Perl reuses its last match there).
 */
public final class FtpCheck implements Check
{
    private final InetAddress address;
    private final int port;
    private final String path;
    private final Pattern receive;
    private final String login;
    private final String passwd;
    private final int timeoutMs;

    public FtpCheck(final InetAddress address, final int port, final String request, final String receive,
        final String login, final String passwd, final int timeoutSec)
    {
        this.address = address;
        this.port = port;
        this.path = request.startsWith("/") ? request : "/" + request;
        this.receive = receive.isEmpty() ? null : Pattern.compile(receive);
        this.login = login.isEmpty() ? "anonymous" : login;
        this.passwd = login.isEmpty() && passwd.isEmpty() ? "ldirectord@" + LocalHost.name() : passwd;
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        final FTPClient ftp = new FTPClient();
        try
        {
            Protocols.connect(ftp, address, port, timeoutMs);
            ftp.setDataTimeout(java.time.Duration.ofMillis(timeoutMs));
            if (!ftp.login(login, passwd) || !ftp.changeWorkingDirectory("/") || !ftp.setFileType(FTP.BINARY_FILE_TYPE))
            {
                return Check.fail(ftp.getReplyString().strip());
            }
            ftp.enterLocalPassiveMode();
            final ByteArrayOutputStream file = new ByteArrayOutputStream();
            try (InputStream in = ftp.retrieveFileStream(path))
            {
                if (null == in)
                {
                    return Check.fail(ftp.getReplyString().strip());
                }
                final byte[] buf = new byte[4096];
                int n;
                while ((n = in.read(buf)) >= 0)
                {
                    if (file.size() + n > BoundedSocketFactory.MAX_ANSWER)
                    {
                        return Check.fail(path + " is larger than " + BoundedSocketFactory.MAX_ANSWER + " bytes");
                    }
                    file.write(buf, 0, n);
                }
            }
            if (!ftp.completePendingCommand())
            {
                return Check.fail(ftp.getReplyString().strip());
            }
            ftp.logout();
            return Check.passIf(null == receive || receive.matcher(file.toString(StandardCharsets.UTF_8)).find(),
                path + " does not match receive");
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
        finally
        {
            Protocols.disconnect(ftp);
        }
    }

    @Override
    public String toString()
    {
        return "ftp://" + Protocols.host(address) + ":" + port + path;
    }
}
