package io.jlvs.controlplane;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the package phase makes for operators: a man page for jlvs and each of its commands (picocli's AsciiDoc, made
 * troff by asciidoctor) and bash completion (picocli's AutoComplete), for every command the CLI has.
 */
class ManAndCompletionSystemTest
{
    private static final Path TARGET = Lab.ROOT.resolve("controlplane/target");

    @Test
    void shouldHaveAManPageForEveryCommand() throws Exception
    {
        Capabilities.require(Files.isDirectory(TARGET.resolve("man")), "a packaged build (mvn package)");
        final CommandLine cli = new CommandLine(new Jlvs());
        assertTrue(cli.getSubcommands().size() >= 9, "" + cli.getSubcommands().keySet());
        for (final String name : cli.getSubcommands().keySet())
        {
            final Path page = TARGET.resolve("man/jlvs-" + name + ".1");
            assertTrue(Files.exists(page), "no man page for jlvs " + name);
            final String troff = Files.readString(page);
            assertTrue(troff.contains(".TH \"JLVS\\-" + name.toUpperCase(java.util.Locale.ROOT) + "\" \"1\""),
                page + ":\n" + troff.lines().limit(20).toList());
            final String description = cli.getSubcommands().get(name).getCommandSpec().usageMessage().description()[0];
            final String words = description.replaceAll("^([A-Za-z ,-]+).*$", "$1").strip(); // troff escapes the rest
            assertTrue(words.length() >= 10 && troff.replace("\\-", "-").contains(words), "jlvs " + name +
                "'s page carries its " +
                "description: " + words);
        }
        assertTrue(Files.exists(TARGET.resolve("man/jlvs.1")));
    }

    @Test
    void shouldCompleteCommandsAndOptionsInBash() throws Exception
    {
        final Path script = TARGET.resolve("bin/jlvs_completion");
        Capabilities.require(Files.exists(script), "a packaged build (mvn package)");
        final Lab.Result commands = Lab.run(Duration.ofSeconds(20), "/bin/bash", "-c",
            "source \"$0\" && COMP_WORDS=(jlvs t) && COMP_CWORD=1 && _complete_jlvs 2>/dev/null; echo \"${COMPREPLY[*]}\"",
            script.toString());
        assertEquals(new Lab.Result(0, "top\n"), commands);
        final Lab.Result options = Lab.run(Duration.ofSeconds(20), "/bin/bash", "-c",
            "source \"$0\" && COMP_WORDS=(jlvs check --s) && COMP_CWORD=2 && _complete_jlvs 2>/dev/null; echo \"${COMPREPLY[*]}\"",
            script.toString());
        assertEquals(new Lab.Result(0, "--settings\n"), options);
    }
}
