package io.o2o.analytics.testing;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * A sink that drops what it gets and fails its task once, at the first record after {@code afterRecords} records
 * and at least one checkpoint: the crash a restart from a checkpoint must recover from. The counters are static, so
 * every subtask and every attempt of one test's job share them (the MiniCluster runs in the test's JVM).
 */
public final class FailOnceSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    public static final AtomicLong RECORDS = new AtomicLong();
    public static final AtomicLong CHECKPOINTS = new AtomicLong();
    public static final AtomicBoolean FAILED = new AtomicBoolean();

    private final long afterRecords;

    public FailOnceSink(long afterRecords) {
        this.afterRecords = afterRecords;
    }

    public static void reset() {
        RECORDS.set(0);
        CHECKPOINTS.set(0);
        FAILED.set(false);
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                if (RECORDS.incrementAndGet() > afterRecords && CHECKPOINTS.get() > 0 && FAILED.compareAndSet(false, true)) {
                    throw new IOException("injected failure after " + afterRecords + " records");
                }
            }

            @Override
            public void flush(boolean endOfInput) {
                if (!endOfInput) {
                    CHECKPOINTS.incrementAndGet();
                }
            }

            @Override
            public void close() {}
        };
    }
}
