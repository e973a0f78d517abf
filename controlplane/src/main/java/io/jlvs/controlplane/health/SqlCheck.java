package io.jlvs.controlplane.health;

import java.net.InetAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * ldirectord's {@code check_sql} ({@code service = mysql}, {@code pgsql}, {@code oracle}) with the MariaDB,
 * PostgreSQL and Oracle JDBC drivers: connect to {@code database} as {@code login} with {@code passwd}, run
 * {@code request} (without its leading "/") as a query, and pass when it returns at least one row. Without a login or
 * a query the check fails, as ldirectord's does. Unlike ldirectord's, the connection and the query are bounded by
 * {@code negotiatetimeout}.
 */
public final class SqlCheck implements Check
{
    /** The database a check speaks to: its JDBC URL shape and the driver's timeout properties. */
    public enum Dialect
    {
        MYSQL("mysql"), PGSQL("pgsql"), ORACLE("oracle");

        private final String service;

        Dialect(final String service)
        {
            this.service = service;
        }

        public static Dialect of(final String service)
        {
            for (final Dialect d : values())
            {
                if (d.service.equals(service))
                {
                    return d;
                }
            }
            throw new IllegalArgumentException(service);
        }

        String url(final InetAddress address, final int port, final String database)
        {
            final String host = Protocols.host(address);
            return switch (this)
            {
                case MYSQL -> "jdbc:mariadb://" + host + ":" + port + "/" + database;
                case PGSQL -> "jdbc:postgresql://" + host + ":" + port + "/" + database;
                case ORACLE -> "jdbc:oracle:thin:@//" + host + ":" + port + "/" + database;
            };
        }

        Properties properties(final String login, final String passwd, final int timeoutSec)
        {
            final Properties p = new Properties();
            p.setProperty("user", login);
            p.setProperty("password", passwd);
            final String ms = Integer.toString(timeoutSec * 1000);
            switch (this)
            {
                case MYSQL ->
                {
                    p.setProperty("connectTimeout", ms);
                    p.setProperty("socketTimeout", ms);
                    p.setProperty("socketFactory", BoundedSocketFactory.class.getName());
                }
                case PGSQL ->
                {
                    p.setProperty("connectTimeout", Integer.toString(timeoutSec));
                    p.setProperty("socketTimeout", Integer.toString(timeoutSec));
                    p.setProperty("loginTimeout", Integer.toString(timeoutSec));
                    p.setProperty("socketFactory", BoundedSocketFactory.class.getName());
                    p.setProperty("sslmode", "prefer");
                }
                case ORACLE ->
                {
                    p.setProperty("oracle.net.CONNECT_TIMEOUT", ms);
                    p.setProperty("oracle.jdbc.ReadTimeout", ms);
                    // a failed logon is the check's answer, not a reason to dump the driver's diagnostics
                    p.setProperty("oracle.jdbc.diagnostic.enableDiagnoseFirstFailure", "false");
                }
            }
            return p;
        }
    }

    private final Dialect dialect;
    private final String url;
    private final String query;
    private final Properties properties;
    private final int timeoutSec;
    private final boolean complete;

    public SqlCheck(final Dialect dialect, final InetAddress address, final int port, final String database,
        final String login, final String passwd, final String request, final int timeoutSec)
    {
        this.dialect = dialect;
        this.url = dialect.url(address, port, database);
        this.query = request.startsWith("/") ? request.substring(1) : request;
        this.properties = dialect.properties(login, passwd, timeoutSec);
        this.timeoutSec = timeoutSec;
        this.complete = !login.isEmpty() && !query.isEmpty();
    }

    @Override
    public boolean run()
    {
        if (!complete)
        {
            return Check.fail("a login and a request (the query) are needed");
        }
        try (Connection c = DriverManager.getConnection(url, properties);
            Statement s = c.createStatement())
        {
            s.setQueryTimeout(timeoutSec);
            try (ResultSet rs = s.executeQuery(query))
            {
                return Check.passIf(rs.next(), "the query returned no row");
            }
        }
        catch (final SQLException | RuntimeException ex)
        {
            return Check.fail(ex);
        }
    }

    @Override
    public String toString()
    {
        return dialect.service + " " + url + " " + query;
    }
}
