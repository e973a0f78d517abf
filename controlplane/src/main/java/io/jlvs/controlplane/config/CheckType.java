package io.jlvs.controlplane.config;

/**
 * ldirectord's {@code checktype}. A number N means {@link #COMBINED}: N connect checks, then one negotiate check.
 * Default: {@link #NEGOTIATE}.
 */
public enum CheckType
{
    CONNECT("connect"),
    EXTERNAL("external"),
    EXTERNAL_PERL("external-perl"),
    NEGOTIATE("negotiate"),
    OFF("off"),
    ON("on"),
    PING("ping"),
    COMBINED("combined");

    private final String ldirectordName;

    CheckType(final String ldirectordName)
    {
        this.ldirectordName = ldirectordName;
    }

    public String ldirectordName()
    {
        return ldirectordName;
    }

    /** @return the type written as {@code name} in ldirectord.cf (not "combined", which is written as a number), or null */
    public static CheckType fromLdirectordName(final String name)
    {
        for (final CheckType t : values())
        {
            if (t != COMBINED && t.ldirectordName.equals(name))
            {
                return t;
            }
        }
        return null;
    }
}
