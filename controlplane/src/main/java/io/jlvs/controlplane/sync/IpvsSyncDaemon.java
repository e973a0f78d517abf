package io.jlvs.controlplane.sync;

import io.jlvs.controlplane.sync.SyncCounters.Kind;
import io.jlvs.dataplane.conn.ConnEntry;
import io.jlvs.dataplane.conn.ConnKey;
import io.jlvs.dataplane.conn.ConnVisitor;
import io.jlvs.dataplane.sync.SyncDelivery;
import io.jlvs.dataplane.sync.SyncReports;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;

/**
 * The sync daemon speaking the kernel's own protocol ({@link IpvsSyncV1}, {@code sync-protocol = ipvs}): UDP to the
 * group (224.0.0.81:8848 by default, TTL 1) or to each of {@code sync-peers}, through the director's kernel on the
 * sync interface, so that a kernel LVS director can be its master or its backup. It does what the kernel's daemon
 * does and no more: no catch-up (the kernel's backup could not ask for one, its master could not answer), no
 * authentication (the kernel has none); use it for a migration, the jlvs protocol otherwise. A message leaves as
 * soon as the agents' reports fill it or the daemon's cycle ends, where the kernel waits up to 2 s.
 */
public final class IpvsSyncDaemon implements Agent, SyncEngine
{
    private static final Logger LOG = LoggerFactory.getLogger(IpvsSyncDaemon.class);

    private final DatagramChannel channel;
    private final List<InetSocketAddress> destinations;
    private final IpvsSyncV1 wire = new IpvsSyncV1();
    private final SyncCounters counters;
    private final SyncReports reports;
    private final SyncDelivery delivery;
    private final ByteBuffer received = ByteBuffer.allocate(65536);
    private final ConnVisitor onReport = this::onReport;
    private final ConnVisitor onReceived = this::onReceived;
    private final ConnVisitor discard = (k, e) -> true;
    private final String description;
    private volatile int masterSyncId = -1;
    private volatile int backupSyncId = -1;

    /**
     * @param group  the multicast group, or null with unicast peers.
     * @param peers  unicast destinations (the kernel's --mcast-group given a unicast address), or empty.
     */
    public IpvsSyncDaemon(final NetworkInterface nif, final InetAddress local, final InetAddress group,
        final List<InetAddress> peers, final int port, final SyncCounters counters, final SyncReports reports,
        final SyncDelivery delivery) throws IOException
    {
        this.counters = counters;
        this.reports = reports;
        this.delivery = delivery;
        this.channel = DatagramChannel.open(StandardProtocolFamily.INET)
            .setOption(StandardSocketOptions.SO_REUSEADDR, true)
            .bind(new InetSocketAddress(port));
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
        channel.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
        if (peers.isEmpty())
        {
            channel.join(group, nif);
            destinations = List.of(new InetSocketAddress(group, port));
        }
        else
        {
            destinations = peers.stream().map((p) -> new InetSocketAddress(p, port)).toList();
        }
        this.description = "IPVS sync v1 " + (peers.isEmpty() ? "multicast " + group.getHostAddress() : "unicast " +
            peers) + ":" + port + " via " + nif.getName() + " (" + local.getHostAddress() + ")";
    }

    @Override
    public String roleName()
    {
        return "sync-ipvs";
    }

    @Override
    public int doWork() throws IOException
    {
        int work = 0;
        if (backupSyncId >= 0)
        {
            work += receive();
        }
        else
        {
            received.clear();
            while (null != channel.receive(received))
            {
                received.clear(); // a master's own port: what arrives is another master's, or ours looped
            }
        }
        if (masterSyncId >= 0)
        {
            work += send();
        }
        else
        {
            reports.poll(discard, Integer.MAX_VALUE);
        }
        return work;
    }

    private int send() throws IOException
    {
        int n = 0;
        wire.begin(masterSyncId);
        int polled;
        while ((polled = reports.poll(onReport, 1)) > 0)
        {
            n += polled;
        }
        flush();
        return n;
    }

    private boolean onReport(final ConnKey k, final ConnEntry e)
    {
        if (!wire.add(k, e))
        {
            flush();
            wire.begin(masterSyncId);
            wire.add(k, e);
        }
        return true;
    }

    private void flush()
    {
        if (wire.count() == 0)
        {
            return;
        }
        final int conns = wire.count();
        final int length = wire.end();
        for (final InetSocketAddress to : destinations)
        {
            try
            {
                channel.send(ByteBuffer.wrap(wire.buffer(), 0, length), to);
                counters.get(Kind.MESSAGES_SENT).increment();
                counters.get(Kind.CONNS_SENT).getAndAdd(conns);
            }
            catch (final IOException ex)
            {
                counters.get(Kind.SENT_TO_NOBODY).increment();
            }
        }
        wire.begin(masterSyncId);
    }

    private int receive() throws IOException
    {
        int n = 0;
        received.clear();
        while (null != channel.receive(received) && n < 64)
        {
            final IpvsSyncV1.Verdict v = wire.read(received.array(), received.position(), backupSyncId, onReceived);
            switch (v)
            {
                case OK -> counters.get(Kind.MESSAGES_RECEIVED).increment();
                case TRUNCATED -> counters.get(Kind.DROPPED_TRUNCATED).increment();
                case SYNC_ID -> counters.get(Kind.DROPPED_SYNC_ID).increment();
                case VERSION -> counters.get(Kind.DROPPED_SCHEMA).increment();
                default -> counters.get(Kind.DROPPED_MALFORMED).increment();
            }
            counters.get(Kind.DROPPED_MALFORMED).getAndAdd(wire.recordsSkipped());
            received.clear();
            n++;
        }
        return n;
    }

    private boolean onReceived(final ConnKey k, final ConnEntry e)
    {
        if (delivery.deliver(k, e))
        {
            counters.get(Kind.CONNS_RECEIVED).increment();
        }
        else
        {
            counters.get(Kind.DROPPED_INBOX_FULL).increment();
        }
        return true;
    }

    @Override
    public void master(final int syncId)
    {
        masterSyncId = syncId;
    }

    @Override
    public void backup(final int syncId)
    {
        backupSyncId = syncId;
    }

    /** The kernel's messages carry no time. */
    @Override
    public long lagMs()
    {
        return -1;
    }

    @Override
    public long lastBatchMs()
    {
        return -1;
    }

    /** The kernel's protocol has no catch-up: there is nothing to wait for. */
    @Override
    public boolean caughtUp()
    {
        return true;
    }

    @Override
    public String report()
    {
        return "sync daemon, " + description + "\n  master: " + (masterSyncId < 0 ? "stopped" : "syncid " +
            masterSyncId) + "\n  backup: " + (backupSyncId < 0 ? "stopped" : "syncid " + backupSyncId +
            " (no catch-up in the kernel's protocol)") + "\n" + counters.report();
    }

    @Override
    public void onClose()
    {
        try
        {
            channel.close();
        }
        catch (final IOException ex)
        {
            LOG.warn("closing the IPVS sync socket: {}", ex.getMessage());
        }
    }

    @Override
    public String toString()
    {
        return description;
    }
}
