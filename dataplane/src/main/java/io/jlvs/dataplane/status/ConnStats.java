package io.jlvs.dataplane.status;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * One agent's ipvsadm {@code --stats} counters for a service or a real server: connections, packets and
 * bytes in and out. Single writer (the agent); readers sum over agents.
 */
public class ConnStats
{
    private final AtomicCounter conns;
    private final AtomicCounter inPkts;
    private final AtomicCounter outPkts;
    private final AtomicCounter inBytes;
    private final AtomicCounter outBytes;

    public ConnStats(
        final AtomicCounter conns,
        final AtomicCounter inPkts,
        final AtomicCounter outPkts,
        final AtomicCounter inBytes,
        final AtomicCounter outBytes)
    {
        this.conns = conns;
        this.inPkts = inPkts;
        this.outPkts = outPkts;
        this.inBytes = inBytes;
        this.outBytes = outBytes;
    }

    public void onNewConn()
    {
        conns.incrementRelease();
    }

    public void onInPacket(final int bytes)
    {
        inPkts.incrementRelease();
        inBytes.getAndAddRelease(bytes);
    }

    public void onOutPacket(final int bytes)
    {
        outPkts.incrementRelease();
        outBytes.getAndAddRelease(bytes);
    }

    public long conns()
    {
        return conns.get();
    }

    public long inPkts()
    {
        return inPkts.get();
    }

    public long outPkts()
    {
        return outPkts.get();
    }

    public long inBytes()
    {
        return inBytes.get();
    }

    public long outBytes()
    {
        return outBytes.get();
    }

    /** ipvsadm -Z. */
    public void zero()
    {
        conns.setRelease(0);
        inPkts.setRelease(0);
        outPkts.setRelease(0);
        inBytes.setRelease(0);
        outBytes.setRelease(0);
    }

    public int[] counterIds()
    {
        return new int[] {conns.id(), inPkts.id(), outPkts.id(), inBytes.id(), outBytes.id()};
    }

    public void close()
    {
        conns.close();
        inPkts.close();
        outPkts.close();
        inBytes.close();
        outBytes.close();
    }
}
