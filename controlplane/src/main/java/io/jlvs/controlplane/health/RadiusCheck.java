package io.jlvs.controlplane.health;

import org.tinyradius.packet.AccessRequest;
import org.tinyradius.packet.RadiusPacket;
import org.tinyradius.util.RadiusClient;
import org.tinyradius.util.RadiusException;

import java.io.IOException;
import java.net.InetAddress;

/**
 * ldirectord's {@code check_radius} with TinyRadius: an Access-Request for {@code login} with {@code passwd}
 * (PAP), signed with {@code secret}, to the real server's port; only an Access-Accept passes (a reject, a reply
 * whose authenticator does not verify, or none is a failure), as Authen::Radius's {@code check_pwd} decides.
 */
public final class RadiusCheck implements Check
{
    private final InetAddress address;
    private final int port;
    private final String secret;
    private final String login;
    private final String passwd;
    private final int timeoutMs;

    public RadiusCheck(final InetAddress address, final int port, final String secret, final String login,
        final String passwd, final int timeoutSec)
    {
        this.address = address;
        this.port = port;
        this.secret = secret;
        this.login = login;
        this.passwd = passwd;
        this.timeoutMs = timeoutSec * 1000;
    }

    @Override
    public boolean run()
    {
        final RadiusClient client = new RadiusClient(address.getHostAddress(), secret);
        try
        {
            client.setAuthPort(port);
            client.setSocketTimeout(timeoutMs);
            client.setRetryCount(1);
            final AccessRequest request = new AccessRequest(login, passwd);
            request.setAuthProtocol(AccessRequest.AUTH_PAP);
            final RadiusPacket response = client.authenticate(request);
            return Check.passIf(null != response && response.getPacketType() == RadiusPacket.ACCESS_ACCEPT,
                null == response ? "no answer" : response.getPacketTypeName());
        }
        catch (final IOException | RadiusException | RuntimeException ex)
        {
            return Check.fail(ex);
        }
        finally
        {
            client.close();
        }
    }

    @Override
    public String toString()
    {
        return "radius " + Protocols.host(address) + ":" + port + " " + login;
    }
}
