package io.jlvs.controlplane.vrrp;

import io.jlvs.controlplane.config.ConfigException;
import io.jlvs.controlplane.config.InetLiterals;
import io.jlvs.controlplane.keepalived.KeepalivedSource;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The director's VRRP instance, read from a keepalived.conf: the {@code vrrp_instance} block an operator of a
 * keepalived pair already has, with keepalived's keywords and defaults, and {@code global_defs}'
 * {@code vrrp_version}, {@code vrrp_garp_master_delay} and {@code vrrp_garp_master_repeat}. jlvs moves all its VIPs
 * together, so it takes one instance. {@link VrrpConfigReader} reads it: other blocks ({@code virtual_server}:
 * jlvs's services come from ldirectord.cf) and keywords it does not act on are reported as warnings with file and
 * line; a malformed value, an unknown keyword inside the instance, or a missing {@code virtual_router_id} is an
 * error with file and line, and the file is refused whole.
 *
 * @param name            the instance's name.
 * @param initialMaster   {@code state MASTER} (keepalived starts as master; otherwise backup).
 * @param vrid            {@code virtual_router_id}, 1..255.
 * @param priority        1..255 (default 100; 255 owns the addresses).
 * @param intervalCs      {@code advert_int} in centiseconds (default 1 s; version 2 takes whole seconds).
 * @param version         2 (keepalived's default) or 3.
 * @param preempt         false with {@code nopreempt}.
 * @param preemptDelaySec {@code preempt_delay}, 0..1000.
 * @param password        {@code authentication { auth_type PASS; auth_pass ... }} (version 2), or null.
 * @param addresses       {@code virtual_ipaddress}: carried in the advertisements, all of the instance's family
 *                        ({@code virtual_ipaddress_excluded}, of either, is read and not carried: jlvs serves its
 *                        VIPs from ldirectord.cf whichever family they are).
 * @param ipv6            an IPv6 instance (keepalived's rule: its first {@code virtual_ipaddress} is IPv6, or
 *                        {@code native_ipv6}): version 3 to ff02::12 from the host path's link-local address.
 * @param unicastSource   {@code unicast_src_ip}, or null (then the director's primary address).
 * @param unicastPeers    {@code unicast_peer}: advertise to each instead of 224.0.0.18.
 * @param garpDelaySec    {@code garp_master_delay} (default 5): a master announces the VIPs again after it.
 * @param notifyMaster    {@code notify_master}: a command run on becoming MASTER (its words), or empty.
 * @param notifyBackup    {@code notify_backup}: on becoming BACKUP.
 * @param notifyStop      {@code notify_stop}: when the instance stops.
 * @param notifyCommand   {@code notify}: on every transition, with keepalived's arguments appended:
 *                        {@code INSTANCE <name> <MASTER|BACKUP|STOP> <priority>}.
 * @param useVmac         {@code use_vmac}: the master answers for the addresses from the virtual router's MAC,
 *                        {@code 00:00:5e:00:01:<vrid>}, and advertises from it (RFC 5798 7.3), so a takeover leaves
 *                        every neighbour's entry as it was; keepalived's default is the real MAC and gratuitous ARP.
 * @param scripts         the {@code vrrp_script}s its {@code track_script} names (and its sync group's), their weights
 *                        its own.
 * @param notifyFault     {@code notify_fault}: on entering FAULT (a tracked script of weight 0 failing).
 * @param syncGroup       the {@code vrrp_sync_group} that names the instance, if one does.
 * @param interfaces      its {@code track_interface}s (and its sync group's): each the data port's link.
 */
public record VrrpConfig(
    Path file,
    String name,
    boolean initialMaster,
    int vrid,
    int priority,
    int intervalCs,
    int version,
    boolean preempt,
    int preemptDelaySec,
    byte[] password,
    List<InetAddress> addresses,
    boolean ipv6,
    InetAddress unicastSource,
    List<InetAddress> unicastPeers,
    int garpDelaySec,
    List<String> notifyMaster,
    List<String> notifyBackup,
    List<String> notifyStop,
    List<String> notifyCommand,
    boolean useVmac,
    List<VrrpScript> scripts,
    List<String> notifyFault,
    java.util.Optional<SyncGroup> syncGroup,
    List<TrackedInterface> interfaces)
{
    public static final Inet4Address GROUP = InetLiterals.ipv4("224.0.0.18");
    public static final Inet6Address GROUP6 = InetLiterals.ipv6("ff02::12");
    /** IANA's prefixes of the virtual router MACs (RFC 5798 7.3): the VRID is the last byte. */
    private static final long VIRTUAL_MAC_PREFIX = 0x00_00_5E_00_01_00L;
    private static final long VIRTUAL_MAC_PREFIX6 = 0x00_00_5E_00_02_00L;

    /** The virtual router's MAC with {@code use_vmac}, else 0: as a long, the first byte in the high bits. */
    public long virtualMac()
    {
        return useVmac ? (ipv6 ? VIRTUAL_MAC_PREFIX6 : VIRTUAL_MAC_PREFIX) | vrid : 0;
    }

    /** 224.0.0.18, or ff02::12 for an IPv6 instance. */
    public InetAddress group()
    {
        return ipv6 ? GROUP6 : GROUP;
    }

    public VrrpConfig
    {
        addresses = List.copyOf(addresses);
        unicastPeers = List.copyOf(unicastPeers);
        notifyMaster = List.copyOf(notifyMaster);
        notifyBackup = List.copyOf(notifyBackup);
        notifyStop = List.copyOf(notifyStop);
        notifyCommand = List.copyOf(notifyCommand);
        scripts = List.copyOf(scripts);
        notifyFault = List.copyOf(notifyFault);
        interfaces = List.copyOf(interfaces);
    }

    /**
     * A {@code track_interface} line. jlvs's VRRP rides its data port, so every tracked interface is that port: its
     * link, as its driver reports it, is the interface's state.
     *
     * @param name   the interface as keepalived names it
     * @param weight its weight (default 0: link down is FAULT)
     */
    public record TrackedInterface(String name, TrackWeight weight)
    {
    }

    /**
     * A {@code vrrp_sync_group} of the instance. jlvs has one instance, so the group is the instance alone (keepalived
     * keeps such a group, and says it is probably not what was meant); its notify scripts run with the instance's,
     * {@code notify} with {@code GROUP name STATE}, and its {@code track_script}s count for the instance.
     */
    public record SyncGroup(String name, List<String> notifyMaster, List<String> notifyBackup,
        List<String> notifyFault, List<String> notifyStop, List<String> notifyCommand)
    {
        public SyncGroup
        {
            notifyMaster = List.copyOf(notifyMaster);
            notifyBackup = List.copyOf(notifyBackup);
            notifyFault = List.copyOf(notifyFault);
            notifyStop = List.copyOf(notifyStop);
            notifyCommand = List.copyOf(notifyCommand);
        }
    }

    /** Reads {@code file} (keepalived's syntax: include, @ID lines, $ definitions); errors are thrown together. */
    public static VrrpConfig parse(final Path file, final Consumer<String> warn) throws IOException, ConfigException
    {
        return parse(file, KeepalivedSource.defaultConfigId(io.jlvs.controlplane.health.LocalHost.name()), false, warn);
    }

    /**
     * @param configId     the {@code @ID} lines that apply
     * @param servicesHere the file is the director's keepalived-config: its virtual servers are read elsewhere, and
     *                     not warned of here
     */
    public static VrrpConfig parse(final Path file, final String configId, final boolean servicesHere,
        final Consumer<String> warn) throws IOException, ConfigException
    {
        if (!Files.isReadable(file))
        {
            throw new java.nio.file.NoSuchFileException(file.toString());
        }
        return parse(file, KeepalivedSource.read(file, configId), servicesHere, warn);
    }

    public static VrrpConfig parse(final Path file, final List<String> lines, final Consumer<String> warn)
        throws ConfigException
    {
        return parse(file, KeepalivedSource.read(file, lines, "-"), false, warn);
    }

    private static VrrpConfig parse(final Path file, final KeepalivedSource.Result source, final boolean servicesHere,
        final Consumer<String> warn) throws ConfigException
    {
        return VrrpConfigReader.read(file, source, servicesHere, warn);
    }
}
