package io.jlvs.dataplane.status;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

import static org.agrona.concurrent.status.CountersReader.METADATA_LENGTH;

/**
 * The director's counters in a memory-mapped file ({@code /dev/shm/jlvs/<instance>/counters.dat}), so
 * {@code jlvs stat} and {@code ipvsadm} read them from outside the process without disturbing it, as
 * AeronStat reads a media driver's CnC file.
 * <pre>
 *  0: int magic 'JLVS'  4: int version  8: int values length  12: int metadata length  16: long pid
 * 24: long start time (epoch ms)  64: metadata buffer  64 + metadata length: values buffer
 * </pre>
 */
public final class CountersFile implements AutoCloseable
{
    public static final int MAGIC = 0x4A4C5653;
    public static final int VERSION = 1;
    public static final int HEADER_LENGTH = 64;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer metadata;
    private final UnsafeBuffer values;

    private CountersFile(final MappedByteBuffer mapped, final int valuesLength, final int metadataLength)
    {
        this.mapped = mapped;
        this.metadata = new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength);
        this.values = new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength);
    }

    /** Creates (replacing any old one) a file with room for {@code maxCounters} counters. */
    public static CountersFile create(final Path file, final int maxCounters)
    {
        final int valuesLength = maxCounters * CountersReader.COUNTER_LENGTH;
        final int metadataLength = maxCounters * METADATA_LENGTH;
        final File f = file.toFile();
        IoUtil.ensureDirectoryExists(f.getParentFile(), "counters directory");
        IoUtil.deleteIfExists(f);
        final MappedByteBuffer mapped = IoUtil.mapNewFile(f, HEADER_LENGTH + (long)metadataLength + valuesLength);
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        header.putInt(8, valuesLength);
        header.putInt(12, metadataLength);
        header.putLong(16, ProcessHandle.current().pid());
        header.putLong(24, System.currentTimeMillis());
        header.putInt(4, VERSION);
        header.putIntVolatile(0, MAGIC);
        return new CountersFile(mapped, valuesLength, metadataLength);
    }

    /** Maps an existing file for reading. */
    public static CountersFile open(final Path file)
    {
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(file.toFile(), "jlvs counters");
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        if (header.getIntVolatile(0) != MAGIC || header.getInt(4) != VERSION)
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("not a jlvs counters file (or another version): " + file);
        }
        return new CountersFile(mapped, header.getInt(8), header.getInt(12));
    }

    public long pid()
    {
        return new UnsafeBuffer(mapped, 0, HEADER_LENGTH).getLong(16);
    }

    /**
     * The writer's view: allocates and frees counters (one thread only). Always the same manager: a second one over
     * the same buffers would think every counter free and hand out ids in use.
     */
    public CountersManager manager()
    {
        if (null == manager)
        {
            manager = new CountersManager(metadata, values);
        }
        return manager;
    }

    private CountersManager manager;

    public CountersReader reader()
    {
        return new CountersReader(metadata, values);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
