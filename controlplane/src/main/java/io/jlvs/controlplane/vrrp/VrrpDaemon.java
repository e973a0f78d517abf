package io.jlvs.controlplane.vrrp;

import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * VRRP for the director, on a thread of its own: a raw socket of protocol 112 in the director's kernel, on its host
 * path (so advertisements leave and arrive by the DPDK port, as everything of the director's own does), IPv4 to
 * 224.0.0.18 from the primary address, or, for an IPv6 instance, IPv6 to ff02::12 from the host path's link-local
 * address (RFC 5798 5.1.2.1), the
 * {@link VrrpInstance} state machine, and the director's part of a transition: master serves the VIPs (gratuitous
 * ARP, again after {@code garp_master_delay}), backup stands by; and, as keepalived's {@code lvs_sync_daemon} tied
 * to an instance, the sync daemon's master role while master and backup role otherwise.
 * <p>
 * Every advertisement received is checked ({@link VrrpPacket#parse}) and what is refused is counted by reason in
 * the director's counters ({@code vrrp: ...}); nothing refused reaches the state machine.
 */
public final class VrrpDaemon implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(VrrpDaemon.class);

    /** What the director does on a transition. */
    public interface Director
    {
        void vrrpMaster();

        void vrrpBackup();

        /** Gratuitous ARP for the VIPs again (keepalived's garp_master_delay). */
        void announce();

        /** Whether the data port's link is up: the state of every tracked interface. */
        default boolean linkUp()
        {
            return true;
        }
    }

    /** How long an IPv6 instance waits for the host path's link-local address (duplicate address detection). */
    private static final long LINK_LOCAL_WAIT_MS = 10_000;

    private final VrrpConfig config;
    private final InetAddress configuredPrimary;
    private final String ifName;
    private final Director director;
    private final VrrpInstance instance;
    private final VrrpPacket packet = new VrrpPacket();
    private final byte[] received = new byte[2048];
    private final byte[] advert = new byte[1024];
    private final int[] addresses;
    private final byte[][] addresses6;
    private final RawIpSocket.Received6 meta = new RawIpSocket.Received6();
    private InetAddress primary;
    private byte[] primaryBytes;
    private int ifIndex;
    private final Map<VrrpPacket.Verdict, AtomicCounter> refused = new EnumMap<>(VrrpPacket.Verdict.class);
    private final AtomicCounter sent;
    private final AtomicCounter accepted;
    private final AtomicCounter becameMaster;
    private final AtomicCounter becameBackup;
    private final Thread thread;
    private final TrackedScripts scripts;
    private volatile boolean running = true;
    private volatile VrrpInstance.State published = VrrpInstance.State.INIT;
    private RawIpSocket socket;
    private RawIpSocket sender;
    private long garpAgainAtMs = Long.MAX_VALUE;

    /**
     * @param primary    the director's primary address: the advertisements' source, the tie-break (an IPv6
     *                   instance's is the host path's link-local address, or its {@code unicast_src_ip}).
     * @param ifName     the host path's interface.
     * @param mayPreempt whether a higher-priority backup may take over from a live master now (its sync caught up).
     */
    public VrrpDaemon(final VrrpConfig config, final Inet4Address primary, final String ifName,
        final CountersManager counters, final BooleanSupplier mayPreempt, final Director director)
    {
        this.config = config;
        this.configuredPrimary = null != config.unicastSource() ? config.unicastSource() : config.ipv6() ? null : primary;
        this.ifName = ifName;
        this.director = director;
        this.addresses = config.ipv6() ? new int[0] :
            config.addresses().stream().mapToInt((a) -> RawIpSocket.toInt((Inet4Address)a)).toArray();
        this.addresses6 = config.ipv6() ? config.addresses().stream().map(InetAddress::getAddress)
            .toArray(byte[][]::new) : new byte[0][];
        for (final VrrpPacket.Verdict v : VrrpPacket.Verdict.values())
        {
            if (v != VrrpPacket.Verdict.OK)
            {
                refused.put(v, counters.newCounter("vrrp: Dropped: " + describe(v)));
            }
        }
        this.sent = counters.newCounter("vrrp: Advertisements sent");
        this.accepted = counters.newCounter("vrrp: Advertisements accepted");
        this.becameMaster = counters.newCounter("vrrp: Became MASTER");
        this.becameBackup = counters.newCounter("vrrp: Became BACKUP");
        this.instance = new VrrpInstance(config.priority(), config.intervalCs(), config.preempt(),
            config.preemptDelaySec(), config.version(), mayPreempt, new Actions());
        this.scripts = new TrackedScripts(config.name(), config.scripts());
        this.thread = Thread.ofPlatform().name("vrrp").daemon(true).unstarted(this::run);
    }

    private static String describe(final VrrpPacket.Verdict v)
    {
        return switch (v)
        {
            case TRUNCATED -> "truncated";
            case TTL -> "TTL other than 255";
            case VERSION -> "another VRRP version";
            case TYPE -> "not an advertisement";
            case VRID -> "another virtual router id";
            case CHECKSUM -> "bad checksum";
            case AUTHENTICATION -> "bad authentication";
            case INTERVAL -> "another advertisement interval (version 2)";
            case OK -> "";
        };
    }

    /** Opens the socket on the host path and starts the thread. */
    public void start() throws IOException
    {
        final NetworkInterface nif = NetworkInterface.getByName(ifName);
        if (null == nif)
        {
            throw new IOException("no interface " + ifName + " for VRRP (the host path must be on)");
        }
        ifIndex = nif.getIndex();
        primary = null != configuredPrimary ? configuredPrimary : linkLocal(ifName);
        primaryBytes = primary.getAddress();
        // two sockets: a raw socket bound to an address receives only what is sent to that address, and the
        // advertisements go to the group; the sender is bound so that they come from the primary address
        if (config.ipv6())
        {
            socket = RawIpSocket.ipv6(VrrpPacket.PROTOCOL, received.length)
                .bindToDevice(ifName)
                .joinGroup(VrrpConfig.GROUP6, ifIndex);
            sender = RawIpSocket.ipv6(VrrpPacket.PROTOCOL, advert.length)
                .bindToDevice(ifName)
                .bind((Inet6Address)primary, ifIndex)
                .ttl(VrrpPacket.TTL)
                .joinGroup(VrrpConfig.GROUP6, ifIndex);
        }
        else
        {
            final Inet4Address primary4 = (Inet4Address)primary;
            socket = new RawIpSocket(VrrpPacket.PROTOCOL, received.length)
                .bindToDevice(ifName)
                .joinGroup(VrrpConfig.GROUP, primary4, ifIndex);
            sender = new RawIpSocket(VrrpPacket.PROTOCOL, advert.length)
                .bindToDevice(ifName)
                .bind(primary4)
                .ttl(VrrpPacket.TTL)
                .joinGroup(VrrpConfig.GROUP, primary4, ifIndex);
        }
        LOG.info("VRRP_Instance({}) vrid {} priority {} advert_int {} s version {} on {} ({}), {}", config.name(),
            config.vrid(), config.priority(), config.intervalCs() / 100.0, config.version(), ifName,
            primary.getHostAddress(), config.unicastPeers().isEmpty() ? "multicast " +
            config.group().getHostAddress() : "unicast to " + config.unicastPeers());
        scripts.start();
        thread.start();
    }

    /**
     * The interface's IPv6 link-local address, the source of an IPv6 instance's advertisements, once duplicate address
     * detection has let it be bound: read from {@code /proc/net/if_inet6}, whose flags say tentative (0x40) or failed
     * (0x08).
     */
    private static Inet6Address linkLocal(final String ifName) throws IOException
    {
        final long deadline = System.currentTimeMillis() + LINK_LOCAL_WAIT_MS;
        while (true)
        {
            for (final String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/if_inet6")))
            {
                // address, ifindex, prefix length, scope, flags, name: all hexadecimal but the name
                final String[] f = line.trim().split("\\s+");
                if (f.length == 6 && f[5].equals(ifName) && Integer.parseInt(f[3], 16) == 0x20 &&
                    (Integer.parseInt(f[4], 16) & (0x40 | 0x08)) == 0)
                {
                    return (Inet6Address)InetAddress.getByAddress(java.util.HexFormat.of().parseHex(f[0]));
                }
            }
            if (System.currentTimeMillis() > deadline)
            {
                throw new IOException("no usable IPv6 link-local address on " + ifName + " for the IPv6 VRRP " +
                    "instance: the host path has IPv6 when the settings give the director an IPv6 address");
            }
            sleep();
        }
    }

    private void run()
    {
        instance.start(System.currentTimeMillis(), config.initialMaster());
        published = reported();
        while (running)
        {
            try
            {
                final long now = System.currentTimeMillis();
                final long wait = Math.max(1, Math.min(instance.nextDeadlineMs(), garpAgainAtMs) - now);
                socket.receiveTimeout(Math.min(wait, 100));
                final int n = config.ipv6() ? socket.receive6(received, meta) : socket.receive(received);
                final long at = System.currentTimeMillis();
                if (n > 0)
                {
                    onDatagram(n, at);
                }
                track(at);
                instance.onTime(at);
                if (at >= garpAgainAtMs)
                {
                    garpAgainAtMs = Long.MAX_VALUE;
                    if (instance.state() == VrrpInstance.State.MASTER)
                    {
                        director.announce();
                    }
                }
                published = reported();
            }
            catch (final IOException | RuntimeException ex)
            {
                if (running)
                {
                    LOG.error("VRRP_Instance({})", config.name(), ex);
                    sleep();
                }
            }
        }
    }

    /** The tracked scripts' say, applied on this thread: the priority they make, and FAULT. */
    private void track(final long nowMs)
    {
        final boolean link = config.interfaces().isEmpty() || director.linkUp();
        int fromInterfaces = 0;
        boolean interfaceFault = false;
        for (final VrrpConfig.TrackedInterface i : config.interfaces())
        {
            fromInterfaces += i.weight().priorityDelta(link);
            interfaceFault |= i.weight().faults(link);
        }
        // keepalived's effective priority: the configured one moved by what it tracks, within 1..254; an owner's stays
        final int priority = 255 == config.priority() ? 255 :
            Math.clamp(config.priority() + scripts.delta() + fromInterfaces, 1, 254);
        if (priority != instance.priority())
        {
            LOG.info("VRRP_Instance({}) Changing effective priority from {} to {}", config.name(), instance.priority(),
                priority);
            instance.priority(nowMs, priority);
        }
        final boolean fault = scripts.fault() || interfaceFault;
        if (fault != instance.isFault())
        {
            LOG.info("VRRP_Instance({}) {}", config.name(), fault ? "Entering FAULT STATE" : "Leaving FAULT STATE");
            instance.fault(nowMs, fault);
            if (fault)
            {
                notifyScripts(config.notifyFault(), "FAULT");
            }
        }
    }

    private static void sleep()
    {
        try
        {
            Thread.sleep(100);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void onDatagram(final int length, final long nowMs)
    {
        final VrrpPacket.Verdict v = config.ipv6() ?
            packet.parse6(received, length, meta.hopLimit, meta.source, meta.destination, config.vrid()) :
            packet.parse(received, length, config.version(), config.vrid(), config.password(), config.intervalCs());
        if (v != VrrpPacket.Verdict.OK)
        {
            refused.get(v).increment();
            return;
        }
        final int order = config.ipv6() ? java.util.Arrays.compareUnsigned(packet.source6(), primaryBytes) :
            Integer.compareUnsigned(packet.source(), RawIpSocket.toInt((Inet4Address)primary));
        if (0 == order)
        {
            return; // our own, should the kernel loop it back
        }
        accepted.increment();
        instance.onAdvertisement(nowMs, packet.priority(), packet.intervalCs(), order > 0);
    }

    private final class Actions implements VrrpInstance.Actions
    {
        @Override
        public void advertise(final int priority)
        {
            final List<InetAddress> to = config.unicastPeers().isEmpty() ? List.of(config.group()) :
                config.unicastPeers();
            for (final InetAddress destination : to)
            {
                try
                {
                    if (destination instanceof Inet6Address destination6)
                    {
                        final int length = VrrpPacket.write6(advert, config.vrid(), priority, config.intervalCs(),
                            addresses6, primaryBytes, destination6.getAddress());
                        sender.send(destination6, ifIndex, advert, length);
                    }
                    else
                    {
                        final int length = VrrpPacket.write(advert, config.version(), config.vrid(), priority,
                            config.intervalCs(), addresses, config.password(), RawIpSocket.toInt((Inet4Address)primary),
                            RawIpSocket.toInt((Inet4Address)destination));
                        sender.send((Inet4Address)destination, advert, length);
                    }
                    sent.increment();
                }
                catch (final IOException ex)
                {
                    LOG.warn("VRRP_Instance({}) advertisement to {}: {}", config.name(), destination.getHostAddress(),
                        ex.getMessage());
                }
            }
        }

        @Override
        public void becomeMaster()
        {
            becameMaster.increment();
            LOG.info("VRRP_Instance({}) Entering MASTER STATE", config.name());
            director.vrrpMaster();
            notifyScripts(config.notifyMaster(), "MASTER");
            garpAgainAtMs = config.garpDelaySec() > 0 ? System.currentTimeMillis() + config.garpDelaySec() * 1000L :
                Long.MAX_VALUE;
        }

        @Override
        public void becomeBackup()
        {
            becameBackup.increment();
            LOG.info("VRRP_Instance({}) Entering BACKUP STATE", config.name());
            director.vrrpBackup();
            notifyScripts(config.notifyBackup(), "BACKUP");
        }
    }

    /**
     * keepalived's notify scripts: the state's own ({@code notify_master} ...) as given, then {@code notify} with
     * {@code INSTANCE name STATE priority}; each on a virtual thread of its own, never holding up VRRP.
     */
    private void notifyScripts(final List<String> own, final String state)
    {
        run(own);
        if (!config.notifyCommand().isEmpty())
        {
            final List<String> argv = new java.util.ArrayList<>(config.notifyCommand());
            argv.addAll(List.of("INSTANCE", config.name(), state, Integer.toString(instance.priority())));
            run(argv);
        }
        config.syncGroup().ifPresent((g) ->
        {
            run(switch (state)
            {
                case "MASTER" -> g.notifyMaster();
                case "BACKUP" -> g.notifyBackup();
                case "FAULT" -> g.notifyFault();
                default -> g.notifyStop();
            });
            if (!g.notifyCommand().isEmpty())
            {
                final List<String> argv = new java.util.ArrayList<>(g.notifyCommand());
                argv.addAll(List.of("GROUP", g.name(), state));
                run(argv);
            }
        });
    }

    private void run(final List<String> argv)
    {
        if (argv.isEmpty())
        {
            return;
        }
        Thread.startVirtualThread(() ->
        {
            try
            {
                final Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                {
                    p.destroyForcibly();
                    LOG.warn("VRRP_Instance({}) script {} still running after 60 s: killed", config.name(), argv);
                }
                else if (p.exitValue() != 0)
                {
                    LOG.warn("VRRP_Instance({}) script {} exited {}", config.name(), argv, p.exitValue());
                }
            }
            catch (final IOException | InterruptedException ex)
            {
                LOG.warn("VRRP_Instance({}) script {}: {}", config.name(), argv, ex.getMessage());
            }
        });
    }

    /** MASTER, BACKUP or FAULT (keepalived's: what it tracks is down), as last seen by the VRRP thread. */
    public VrrpInstance.State state()
    {
        return published;
    }

    private VrrpInstance.State reported()
    {
        return instance.isFault() ? VrrpInstance.State.FAULT : instance.state();
    }

    public VrrpConfig config()
    {
        return config;
    }

    /** Stops: a master sends priority 0 first, so the backup takes over at once. */
    @Override
    public void close()
    {
        running = false;
        scripts.close();
        try
        {
            thread.join(2000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (null != socket)
        {
            if (instance.state() == VrrpInstance.State.MASTER)
            {
                instance.shutdown();
            }
            socket.close();
            sender.close();
            notifyScripts(config.notifyStop(), "STOP");
        }
    }
}
