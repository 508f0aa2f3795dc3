package io.o2o.analytics.sink.influx;

import io.o2o.analytics.metrics.MetricPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches points as line protocol and hands full batches to a {@link PointTransport}.
 *
 * <p>A batch is sent when it holds {@code batchSize} points, when the flush timer fires (every
 * {@code flushInterval} of processing time), on {@link #flush} (Flink calls it before every checkpoint barrier
 * and at end of input) and on {@link #close}. A checkpoint therefore completes only after every point before its
 * barrier is stored: at-least-once, with nothing to keep in Flink state.
 *
 * <p>A failed batch is retried in place with exponential backoff: the task thread waits, which back-pressures the
 * pipeline; no point is dropped. A non-retryable failure, or one that outlasts the retries, fails the task with an
 * {@link IOException} naming the destination and the server's message.
 *
 * <p>Everything runs in the task's mailbox thread ({@code write}, {@code flush}, timer callbacks and
 * {@code close}), so the writer needs no locks.
 */
final class BatchingPointWriter implements SinkWriter<MetricPoint> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingPointWriter.class);

    /** How the writer waits between retries; tests replace it to avoid real sleeps. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final PointTransport transport;
    private final String destination;
    private final InfluxDbSink.BatchSettings settings;
    private final ProcessingTimeService timeService;
    private final Sleeper sleeper;
    private final List<String> batch;

    private final Counter pointsWritten;
    private final Counter batchesWritten;
    private final Counter writeRetries;
    private final Counter writeFailures;
    private final Counter recordsSend;
    private final Counter bytesSend;
    private volatile long lastFlushLatencyMs;
    private volatile long lastRequestLatencyMs;
    private volatile int pendingPoints;

    private ScheduledFuture<?> flushTimer;
    private boolean closed;
    /** Set when a batch failed for good: close() then skips the flush (the job replays from its checkpoint). */
    private boolean failed;

    BatchingPointWriter(
            PointTransport transport,
            String destination,
            InfluxDbSink.BatchSettings settings,
            ProcessingTimeService timeService,
            SinkWriterMetricGroup metrics,
            Sleeper sleeper) {
        this.transport = transport;
        this.destination = destination;
        this.settings = settings;
        this.timeService = timeService;
        this.sleeper = sleeper;
        this.batch = new ArrayList<>(Math.min(settings.batchSize(), 10_000));

        this.pointsWritten = metrics.counter("pointsWritten");
        this.batchesWritten = metrics.counter("batchesWritten");
        this.writeRetries = metrics.counter("writeRetries");
        this.writeFailures = metrics.counter("writeFailures");
        metrics.gauge("pendingPoints", () -> pendingPoints);
        metrics.gauge("lastFlushLatencyMs", () -> lastFlushLatencyMs);
        this.recordsSend = metrics.getNumRecordsSendCounter();
        this.bytesSend = metrics.getNumBytesSendCounter();
        metrics.setCurrentSendTimeGauge(() -> lastRequestLatencyMs);

        scheduleFlushTimer();
    }

    @Override
    public void write(MetricPoint point, Context context) throws IOException, InterruptedException {
        batch.add(point.toLineProtocol());
        pendingPoints = batch.size();
        if (batch.size() >= settings.batchSize()) {
            flushBatch();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBatch();
    }

    @Override
    public void close() throws Exception {
        if (closed) {
            return;
        }
        closed = true;
        if (flushTimer != null) {
            flushTimer.cancel(false);
        }
        try {
            if (!failed) {
                flushBatch();
            }
        } finally {
            transport.close();
        }
    }

    private void scheduleFlushTimer() {
        long interval = settings.flushInterval().toMillis();
        flushTimer = timeService.registerTimer(timeService.getCurrentProcessingTime() + interval, this::onFlushTimer);
    }

    private void onFlushTimer(long time) throws IOException, InterruptedException {
        if (closed) {
            return;
        }
        flushBatch();
        scheduleFlushTimer();
    }

    private void flushBatch() throws IOException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        RetryPolicy retry = settings.retryPolicy();
        for (int retries = 0; ; retries++) {
            long requestStarted = System.nanoTime();
            try {
                transport.write(batch);
                lastRequestLatencyMs = (System.nanoTime() - requestStarted) / 1_000_000;
                break;
            } catch (IOException e) {
                boolean retryable = !(e instanceof TransportException te) || te.isRetryable();
                if (!retryable) {
                    failed = true;
                    writeFailures.inc();
                    throw new IOException(String.format(
                            "InfluxDB sink: %s rejected a batch of %d points and a retry cannot help: %s",
                            destination, batch.size(), e.getMessage()), e);
                }
                if (retries >= retry.maxRetries()) {
                    failed = true;
                    writeFailures.inc();
                    throw new IOException(String.format(
                            "InfluxDB sink: writing a batch of %d points to %s failed %d times in a row, giving up: %s",
                            batch.size(), destination, retries + 1, e.getMessage()), e);
                }
                Duration wait = retry.backoff(
                        retries + 1, e instanceof TransportException te ? te.retryAfter() : Optional.empty());
                writeRetries.inc();
                LOG.warn("InfluxDB sink: writing {} points to {} failed ({}); retry {} of {} in {} ms",
                        batch.size(), destination, e.getMessage(), retries + 1, retry.maxRetries(), wait.toMillis());
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException cancelled) {
                    failed = true;
                    throw cancelled;
                }
            }
        }
        int points = batch.size();
        long bytes = 0;
        for (String line : batch) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        batch.clear();
        pendingPoints = 0;
        pointsWritten.inc(points);
        batchesWritten.inc();
        recordsSend.inc(points);
        bytesSend.inc(bytes);
        lastFlushLatencyMs = (System.nanoTime() - started) / 1_000_000;
    }
}
