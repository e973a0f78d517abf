package io.jlvs.controlplane.config;

import java.util.Objects;

/**
 * What a negotiate check logs in with: ldirectord's per-virtual {@code login}, {@code passwd}, {@code database}
 * (mysql, pgsql, oracle) and {@code secret} (radius). An empty string is "not set", as in ldirectord.
 */
public record Credentials(String login, String passwd, String database, String secret)
{
    public static final Credentials NONE = new Credentials("", "", "", "");

    public Credentials
    {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(passwd, "passwd");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(secret, "secret");
    }

    /** Never prints the password or the secret. */
    @Override
    public String toString()
    {
        return "Credentials[login=" + login + ", database=" + database + "]";
    }
}
