package io.jlvs.dataplane.status;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.ErrorConsumer;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * The director's distinct error log, memory-mapped ({@code /dev/shm/jlvs/<instance>/errors.dat}) so it can be
 * read while the director runs and after it crashed, as Aeron keeps its error log in the CnC file. Each
 * distinct exception is stored once with its count and first and last times; agents reach it through
 * {@code AgentRunner -> CountedErrorHandler -> DistinctErrorLog}.
 */
public final class ErrorLogFile implements AutoCloseable
{
    public static final int DEFAULT_LENGTH = 1024 * 1024;

    private final MappedByteBuffer mapped;
    private final AtomicBuffer buffer;

    private ErrorLogFile(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped);
    }

    /** Creates (replacing an old one) a log of {@code length} bytes. */
    public static ErrorLogFile create(final Path file, final int length)
    {
        final File f = file.toFile();
        IoUtil.ensureDirectoryExists(f.getParentFile(), "error log directory");
        IoUtil.deleteIfExists(f);
        return new ErrorLogFile(IoUtil.mapNewFile(f, length));
    }

    public static ErrorLogFile open(final Path file)
    {
        return new ErrorLogFile(IoUtil.mapExistingFile(file.toFile(), "jlvs error log"));
    }

    /** The writer; thread safe, so every agent and the control plane may share it. */
    public DistinctErrorLog newLog(final EpochClock clock)
    {
        return new DistinctErrorLog(buffer, clock);
    }

    /** Reads every distinct error: (count, first ms, last ms, text); returns how many. */
    public int read(final ErrorConsumer consumer)
    {
        return ErrorLogReader.read(buffer, consumer);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
