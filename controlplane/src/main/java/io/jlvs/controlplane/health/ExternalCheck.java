package io.jlvs.controlplane.health;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * ldirectord's {@code checktype = external}: the operator's {@code checkcommand}, called as ldirectord calls it with
 * the virtual address (or the fwmark), the virtual port, the real server's address and its port; exit status 0 is
 * up. A command still running at the check timeout is killed and counts as a failure. IPv6 addresses are given in
 * brackets, as ldirectord gives them. {@code checktype = external-perl}, which ldirectord evaluates inside its own
 * Perl, runs the script with {@code perl} instead: the arguments, the exit status deciding, a {@code die} failing and
 * a script that ends without {@code exit} passing are the same.
 */
public final class ExternalCheck implements Check
{
    private final List<String> command;
    private final int timeoutSec;

    /** The interpreter of {@code checktype = external-perl}. */
    public static final String PERL = "/usr/bin/perl";

    public ExternalCheck(final boolean perl, final Path checkCommand, final String virtual, final int virtualPort,
        final String real, final int realPort, final int timeoutSec)
    {
        final java.util.ArrayList<String> c = new java.util.ArrayList<>();
        if (perl)
        {
            c.add(PERL);
        }
        c.addAll(List.of(checkCommand.toString(), virtual, Integer.toString(virtualPort), real,
            Integer.toString(realPort)));
        this.command = List.copyOf(c);
        this.timeoutSec = timeoutSec;
    }

    @Override
    public boolean run()
    {
        final Process p;
        try
        {
            p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        }
        catch (final IOException ex)
        {
            return Check.fail(ex);
        }
        try
        {
            if (!p.waitFor(timeoutSec, TimeUnit.SECONDS))
            {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return Check.fail("killed after " + timeoutSec + " s");
            }
            return Check.passIf(p.exitValue() == 0, "exit " + p.exitValue());
        }
        catch (final InterruptedException ex)
        {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return Check.fail(ex);
        }
    }

    @Override
    public String toString()
    {
        return String.join(" ", command);
    }
}
