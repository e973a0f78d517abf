package io.jlvs.controlplane.health;

import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.InitialDirContext;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import java.net.InetAddress;
import java.util.Hashtable;
import java.util.regex.Pattern;

/**
 * ldirectord's {@code check_ldap} ({@code service = ldap}, and {@code ldaps} over TLS) with the JDK's JNDI LDAP
 * provider: bind as {@code login} with {@code passwd} when both are set, anonymously otherwise; search the entry
 * named by {@code request} (without its leading "/") at base scope for {@code (objectClass=*)}; pass when exactly one
 * entry comes back and its DN matches {@code receive} (any DN when empty). A connection or bind failure counts once
 * (ldirectord's Perl counts it twice against failurecount).
 */
public final class LdapCheck implements Check
{
    private final Hashtable<String, Object> env = new Hashtable<>();
    private final String base;
    private final Pattern receive;
    private final String url;

    public LdapCheck(final InetAddress address, final int port, final boolean tls, final String request,
        final String receive, final String login, final String passwd, final int timeoutSec)
    {
        this.url = (tls ? "ldaps://" : "ldap://") + Protocols.host(address) + ":" + port;
        this.base = request.startsWith("/") ? request.substring(1) : request;
        this.receive = receive.isEmpty() ? null : Pattern.compile(receive);
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, url);
        env.put("com.sun.jndi.ldap.connect.timeout", Integer.toString(timeoutSec * 1000));
        env.put("com.sun.jndi.ldap.read.timeout", Integer.toString(timeoutSec * 1000));
        env.put("com.sun.jndi.ldap.connect.pool", "false");
        env.put("java.naming.ldap.version", "3");
        // certificates are not verified (as ldirectord's Net::LDAPS does not); plain LDAP reads are bounded
        env.put("java.naming.ldap.factory.socket",
            tls ? TrustAllTls.class.getName() : BoundedSocketFactory.class.getName());
        if (!login.isEmpty() && !passwd.isEmpty())
        {
            env.put(Context.SECURITY_AUTHENTICATION, "simple");
            env.put(Context.SECURITY_PRINCIPAL, login);
            env.put(Context.SECURITY_CREDENTIALS, passwd);
        }
        else
        {
            env.put(Context.SECURITY_AUTHENTICATION, "none");
        }
    }

    @Override
    public boolean run()
    {
        InitialDirContext ctx = null;
        try
        {
            ctx = new InitialDirContext(env);
            final SearchControls controls = new SearchControls();
            controls.setSearchScope(SearchControls.OBJECT_SCOPE);
            controls.setCountLimit(2);
            controls.setReturningAttributes(new String[0]);
            int entries = 0;
            String dn = "";
            final NamingEnumeration<SearchResult> results = ctx.search(base, "(objectClass=*)", controls);
            try
            {
                while (results.hasMore())
                {
                    dn = results.next().getNameInNamespace();
                    entries++;
                }
            }
            finally
            {
                results.close();
            }
            return Check.passIf(entries == 1 && (null == receive || receive.matcher(dn).find()),
                entries == 1 ? dn + " does not match receive" : entries + " entries at " + base);
        }
        catch (final NamingException | RuntimeException ex)
        {
            return Check.fail(ex);
        }
        finally
        {
            if (null != ctx)
            {
                try
                {
                    ctx.close();
                }
                catch (final NamingException ignored)
                {
                    // the check has its answer
                }
            }
        }
    }

    @Override
    public String toString()
    {
        return url + "/" + base;
    }
}
