package io.jlvs.controlplane;

import io.jlvs.controlplane.admin.ServiceView;
import io.jlvs.controlplane.config.ConfigDiagnostic;
import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.DirectorSettings;
import io.jlvs.controlplane.config.LdirectordConfig;
import io.jlvs.controlplane.config.LdirectordConfigParser;
import io.jlvs.controlplane.config.MangleRules;
import io.jlvs.controlplane.keepalived.KeepalivedConfigParser;
import io.jlvs.controlplane.keepalived.KeepalivedServices;
import io.jlvs.controlplane.keepalived.KeepalivedSource;
import io.jlvs.controlplane.vrrp.VrrpConfig;
import io.jlvs.dataplane.route.RouteTable;
import io.jlvs.dataplane.service.MarkRules;
import io.jlvs.dataplane.status.DataplaneCounters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a director reads before it starts, read and checked as it would read it, without a NIC and without
 * root: the settings, ldirectord.cf, the fwmark rules and the VRRP configuration. Each error and warning comes with
 * its file and line. {@code jlvs check} prints them and exits 0 or 2, as {@code haproxy -c}, {@code keepalived -t}
 * and {@code nginx -t} do; {@code jlvs director} starts only when there is no error.
 */
final class ConfigCheck
{
    /**
     * What was read, and what is wrong with it.
     *
     * @param settings   null when the settings were not asked for, or could not be read
     * @param config     null when ldirectord.cf (or keepalived.conf) could not be read
     * @param keepalived the services of keepalived.conf when they come from one, else null
     * @param marks    the fwmark rules ({@link MarkRules#NONE} without settings)
     * @param errors   what stops a start, "FILE:LINE: message" or "jlvs: ..."
     * @param warnings what a start would warn about, "FILE:LINE: warning: message"
     */
    record Result(DirectorSettings settings, LdirectordConfig config,
        io.jlvs.controlplane.keepalived.KeepalivedServices keepalived, MarkRules marks, List<String> errors,
        List<String> warnings)
    {
        boolean ok()
        {
            return errors.isEmpty();
        }
    }

    /** Counters for each service and real server of a table compiled to be printed (more than one agent uses). */
    private static final int COUNTERS_PER_ENTRY = 32;

    private ConfigCheck()
    {
    }

    /**
     * @param settingsFile director.conf, or null to check ldirectord.cf (or keepalived.conf) alone
     * @param configFile   ldirectord.cf, or null for the settings' {@code ldirectord-config} (relative to the settings)
     */
    static Result run(final Path settingsFile, final Path configFile)
    {
        return run(settingsFile, configFile, null);
    }

    /**
     * @param keepalivedFile keepalived.conf ({@code jlvs check -k}), or null for the settings' {@code keepalived-config}
     *                       when they have one
     */
    static Result run(final Path settingsFile, final Path configFile, final Path keepalivedFile)
    {
        return run(settingsFile, configFile, keepalivedFile, null);
    }

    /**
     * @param configId the {@code @ID} lines of keepalived.conf that apply (keepalived's {@code -i}), or null for the
     *                 settings' {@code config-id} or, without settings, the short host name
     */
    static Result run(final Path settingsFile, final Path configFile, final Path keepalivedFile, final String configId)
    {
        final List<String> errors = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        DirectorSettings settings = null;
        if (null != settingsFile)
        {
            try
            {
                settings = DirectorSettings.parse(settingsFile);
            }
            catch (final ConfigException ex)
            {
                ex.errors().forEach((d) -> errors.add(d.toString()));
            }
            catch (final IOException ex)
            {
                errors.add(cannotRead(settingsFile, ex));
            }
            if (null == settings)
            {
                return new Result(null, null, null, MarkRules.NONE, errors, warnings);
            }
        }
        final Path kf = null != keepalivedFile ? keepalivedFile : null == settings || null != configFile ? null :
            settings.keepalivedConfig().map((k) -> settingsFile.toAbsolutePath().resolveSibling(k)).orElse(null);
        LdirectordConfig config = null;
        KeepalivedServices keepalived = null;
        boolean vrrpHere = false;
        if (null != kf)
        {
            final String id = null != configId ? configId : null != settings ? settings.configId() :
                KeepalivedSource.defaultConfigId(io.jlvs.controlplane.health.LocalHost.name());
            if (!Files.isReadable(kf))
            {
                errors.add(cannotRead(kf, new NoSuchFileException(kf.toString())));
            }
            else
            {
                final KeepalivedConfigParser.Checked checked = KeepalivedConfigParser.check(kf, id);
                checked.warnings().forEach((d) -> warnings.add(warning(d)));
                checked.errors().forEach((d) -> errors.add(d.toString()));
                if (null != checked.config())
                {
                    if (null != settings)
                    {
                        settings = settings.withSync(io.jlvs.controlplane.keepalived.KeepalivedSync.of(checked.config(),
                            settings.sync(), warnings::add));
                    }
                    keepalived = KeepalivedServices.of(checked.config());
                    config = keepalived.config();
                    vrrpHere = checked.config().vrrp().stream().anyMatch((b) -> b.keyword().equals("vrrp_instance"));
                }
                if (vrrpHere)
                {
                    vrrp(kf, id, true, errors, warnings);
                    if (null != settings && !settings.hostPath())
                    {
                        errors.add(settingsFile + ": keepalived-config has a vrrp_instance, which needs the host path " +
                            "(host-path = yes): VRRP runs in the director's own kernel");
                    }
                }
            }
        }
        else
        {
            final Path cf = null != configFile ? configFile :
                settingsFile.toAbsolutePath().resolveSibling(settings.ldirectordConfig());
            try
            {
                config = LdirectordConfigParser.parse(cf);
                config.warnings().forEach((d) -> warnings.add(warning(d)));
            }
            catch (final ConfigException ex)
            {
                ex.errors().forEach((d) -> errors.add(d.toString()));
            }
            catch (final IOException ex)
            {
                errors.add(cannotRead(cf, ex));
            }
        }
        MarkRules marks = MarkRules.NONE;
        if (null != settings)
        {
            try
            {
                marks = MangleRules.read(settings);
            }
            catch (final ConfigException ex)
            {
                ex.errors().forEach((d) -> errors.add(d.toString()));
            }
            catch (final IOException ex)
            {
                errors.add("jlvs: cannot read the fwmark rules: " + ex.getMessage());
            }
            if (settings.vrrp().isPresent())
            {
                vrrp(settings.vrrp().get(), settings.configId(), false, errors, warnings);
            }
        }
        if (null != config)
        {
            TableCompiler.unsupported(config).forEach((d) -> errors.add(d.toString()));
            TableCompiler.unmarked(config, marks).forEach((d) -> warnings.add(warning(d)));
            if (null != settings)
            {
                TableCompiler.unroutable(config, settings.routes()).forEach((d) -> warnings.add(warning(d)));
            }
        }
        return new Result(settings, config, keepalived, marks, List.copyOf(errors), List.copyOf(warnings));
    }

    /**
     * The table a director sets up from what was read, before any check has run, as ipvsadm lists it: keepalived.conf's
     * real servers without {@code alpha} in it at their weights (track files read), its sorry servers where the quorum
     * is not there yet; ldirectord.cf's real servers out (or at weight 0 with {@code quiescent = yes}) until checked,
     * its fallbacks in. The kernel's table under keepalived, when it has read the same file (its
     * {@code --dump-conf} moment), is the same.
     */
    static List<ServiceView> table(final Result r)
    {
        final io.jlvs.controlplane.health.HealthSource health = null != r.keepalived() ?
            io.jlvs.controlplane.keepalived.KeepalivedHealth.atStart(r.keepalived()) :
            new io.jlvs.controlplane.health.HealthMonitor(() -> {});
        try
        {
            final int entries = r.config().virtualServices().stream().mapToInt((vs) -> 2 + vs.reals().size()).sum();
            final StatsRegistry stats = new StatsRegistry(DataplaneCounters.onHeap(COUNTERS_PER_ENTRY * (1 + entries)),
                1);
            final TableCompiler compiler = new TableCompiler(stats);
            compiler.marks(r.marks());
            final TableCompiler.CompiledTable table = compiler.compile(r.config(), 1,
                null != r.settings() ? r.settings().routes() : RouteTable.of(0, 0), 1, health);
            return AdminCommands.services(table, stats, new RateEstimator());
        }
        finally
        {
            health.close();
        }
    }

    private static void vrrp(final Path file, final String configId, final boolean servicesHere,
        final List<String> errors, final List<String> warnings)
    {
        try
        {
            VrrpConfig.parse(file, configId, servicesHere, (w) -> warnings.add(w.replaceFirst(": ", ": warning: ")));
        }
        catch (final ConfigException ex)
        {
            ex.errors().forEach((d) -> errors.add(d.toString()));
        }
        catch (final IOException ex)
        {
            errors.add(cannotRead(file, ex));
        }
    }

    private static String warning(final ConfigDiagnostic d)
    {
        return d.line() > 0 ? d.file() + ":" + d.line() + ": warning: " + d.message() :
            d.file() + ": warning: " + d.message();
    }

    private static String cannotRead(final Path file, final IOException ex)
    {
        return ex instanceof NoSuchFileException ? "jlvs: no such file: " + file :
            "jlvs: cannot read " + file + ": " + ex.getMessage();
    }
}
