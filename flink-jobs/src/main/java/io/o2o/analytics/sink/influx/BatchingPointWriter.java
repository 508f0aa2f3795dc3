package io.o2o.analytics.sink.influx;

import io.o2o.analytics.metrics.MetricPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.MailboxExecutor;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.ThreadSafeSimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches points as line protocol and has a {@link PointTransport} store the batches, off the task thread.
 *
 * <p>A batch is handed over when it holds {@code batchSize} points, when the flush timer fires (every
 * {@code flushInterval} of processing time) and on {@link #flush} (Flink calls it before every checkpoint barrier
 * and at end of input). The {@link WriteExecutor} sends one batch at a time and retries a failed one after its
 * backoff ({@code Retry-After} when the server sends one); the task thread never sleeps. Only the end of input
 * waits until every point is stored.
 *
 * <p>What is handed over but not yet stored stays in the writer, at most {@code maxBufferedPoints}: a checkpoint
 * does not wait for InfluxDB, it takes these points into its state ({@link #snapshotState}) and a restored writer
 * sends them again. When the buffer is full, {@link #write} waits (yielding to the task's mailbox, where the
 * results of the writes arrive): a slow InfluxDB then back-pressures the pipeline instead of filling the heap.
 *
 * <p>A non-retryable failure, or one that outlasts the retries, fails the task with an {@link IOException}
 * naming the destination and the server's message.
 *
 * <p>The writer's fields belong to the task's mailbox thread ({@code write}, {@code flush}, {@code snapshotState},
 * timers, {@code close} and the mails that report a write's outcome); the write thread touches only the transport,
 * the batch it was given and thread-safe metrics.
 */
final class BatchingPointWriter implements StatefulSinkWriter<MetricPoint, PendingPoints> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchingPointWriter.class);

    private final PointTransport transport;
    private final String destination;
    private final InfluxDbSink.BatchSettings settings;
    private final ProcessingTimeService timeService;
    private final MailboxExecutor mailbox;
    private final WriteExecutor writes;

    /** The batch being filled. */
    private List<String> batch;
    /** Batches handed over and not yet stored, oldest first; the head is in flight when {@link #sending}. */
    private final Deque<List<String>> unsent = new ArrayDeque<>();
    private boolean sending;
    /** Points in {@link #batch} and {@link #unsent}. */
    private int buffered;

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
    private volatile boolean closed;
    /** Set when a batch failed for good: every later call throws it (the job replays from its checkpoint). */
    private IOException failure;

    BatchingPointWriter(
            PointTransport transport,
            String destination,
            InfluxDbSink.BatchSettings settings,
            ProcessingTimeService timeService,
            MailboxExecutor mailbox,
            SinkWriterMetricGroup metrics,
            WriteExecutor writes) {
        this.transport = transport;
        this.destination = destination;
        this.settings = settings;
        this.timeService = timeService;
        this.mailbox = mailbox;
        this.writes = writes;
        this.batch = newBatch();

        this.pointsWritten = metrics.counter("pointsWritten");
        this.batchesWritten = metrics.counter("batchesWritten");
        // Counted on the write thread, read by the metric reporter's.
        this.writeRetries = metrics.counter("writeRetries", new ThreadSafeSimpleCounter());
        this.writeFailures = metrics.counter("writeFailures");
        metrics.gauge("pendingPoints", () -> pendingPoints);
        metrics.gauge("lastFlushLatencyMs", () -> lastFlushLatencyMs);
        this.recordsSend = metrics.getNumRecordsSendCounter();
        this.bytesSend = metrics.getNumBytesSendCounter();
        metrics.setCurrentSendTimeGauge(() -> lastRequestLatencyMs);

        scheduleFlushTimer();
    }

    /** Takes over the points of restored checkpoint states (several after a scale-in) and starts sending them. */
    void restore(Collection<PendingPoints> states) {
        for (PendingPoints state : states) {
            for (String line : state.lines()) {
                add(line);
            }
        }
        if (!batch.isEmpty()) {
            handOver();
        }
    }

    @Override
    public void write(MetricPoint point, Context context) throws IOException, InterruptedException {
        throwIfFailed();
        add(point.toLineProtocol());
        while (buffered >= settings.maxBufferedPoints()) {
            // Full: wait for a write to finish. Something is always in flight here, because the buffer holds at
            // least one full batch (maxBufferedPoints >= batchSize), so a mail with its outcome will come.
            mailbox.yield();
            throwIfFailed();
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        throwIfFailed();
        if (!batch.isEmpty()) {
            handOver();
        }
        // Before a checkpoint barrier: no waiting, the unstored points go into the checkpoint (snapshotState).
        // At the end of input there is no later checkpoint to keep them: wait until they are stored.
        while (endOfInput && buffered > 0) {
            mailbox.yield();
            throwIfFailed();
        }
    }

    @Override
    public List<PendingPoints> snapshotState(long checkpointId) {
        if (buffered == 0) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(buffered);
        unsent.forEach(lines::addAll);
        lines.addAll(batch);
        return List.of(new PendingPoints(lines));
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
        // No final write: after the end of input flush(true) has stored everything; after a failure or a
        // cancellation the unstored points are in the last checkpoint, and the restart sends them.
        try {
            writes.close();
        } finally {
            transport.close();
        }
    }

    private void add(String line) {
        batch.add(line);
        setBuffered(buffered + 1);
        if (batch.size() >= settings.batchSize()) {
            handOver();
        }
    }

    /**
     * Queues the current batch for sending. A partial batch joins a waiting partial one, so that flushes during an
     * outage (one per checkpoint) do not turn into many small requests once InfluxDB is back.
     */
    private void handOver() {
        List<String> last = unsent.peekLast();
        boolean lastWaits = last != null && !(sending && unsent.size() == 1);
        if (lastWaits && last.size() + batch.size() <= settings.batchSize()) {
            last.addAll(batch);
            batch.clear();
        } else {
            unsent.addLast(batch);
            batch = newBatch();
        }
        sendNext();
    }

    private void sendNext() {
        if (sending || unsent.isEmpty() || failure != null || closed) {
            return;
        }
        sending = true;
        List<String> lines = List.copyOf(unsent.peekFirst());
        long handedOver = System.nanoTime();
        writes.execute(() -> attempt(lines, 0, handedOver));
    }

    /** One request, on the write thread; its outcome goes back to the mailbox thread as a mail. */
    private void attempt(List<String> lines, int retries, long handedOver) {
        if (closed) {
            return;
        }
        long requestStarted = System.nanoTime();
        try {
            transport.write(lines);
            lastRequestLatencyMs = (System.nanoTime() - requestStarted) / 1_000_000;
            report(() -> stored(lines, handedOver), "InfluxDB sink: batch stored");
            return;
        } catch (IOException e) {
            if (closed) {
                return;
            }
            RetryPolicy retry = settings.retryPolicy();
            boolean retryable = !(e instanceof TransportException te) || te.isRetryable();
            if (!retryable) {
                fail(new IOException(String.format(
                        "InfluxDB sink: %s rejected a batch of %d points and a retry cannot help: %s",
                        destination, lines.size(), e.getMessage()), e));
                return;
            }
            if (retries >= retry.maxRetries()) {
                fail(new IOException(String.format(
                        "InfluxDB sink: writing a batch of %d points to %s failed %d times in a row, giving up: %s",
                        lines.size(), destination, retries + 1, e.getMessage()), e));
                return;
            }
            Duration wait = retry.backoff(
                    retries + 1, e instanceof TransportException te ? te.retryAfter() : Optional.empty());
            writeRetries.inc();
            LOG.warn("InfluxDB sink: writing {} points to {} failed ({}); retry {} of {} in {} ms",
                    lines.size(), destination, e.getMessage(), retries + 1, retry.maxRetries(), wait.toMillis());
            try {
                writes.schedule(() -> attempt(lines, retries + 1, handedOver), wait);
            } catch (RuntimeException rejected) {
                if (!closed || !WriteExecutor.isRejection(rejected)) {
                    throw rejected;
                }
            }
        } catch (RuntimeException e) {
            // Not a failure the transport understood (a bug, a broken customizer): never retry it blindly.
            fail(new IOException(String.format(
                    "InfluxDB sink: writing a batch of %d points to %s failed unexpectedly: %s",
                    lines.size(), destination, e), e));
        }
    }

    private void fail(IOException error) {
        report(() -> {
            if (failure == null) {
                failure = error;
                writeFailures.inc();
            }
            throw failure;
        }, "InfluxDB sink: batch failed");
    }

    private void report(org.apache.flink.util.function.ThrowingRunnable<? extends Exception> outcome, String what) {
        try {
            mailbox.execute(() -> {
                if (!closed) {
                    outcome.run();
                }
            }, what);
        } catch (RuntimeException e) {
            // The task is shutting down and its mailbox takes no more mail: the points are in the last checkpoint.
            if (!closed) {
                LOG.debug("InfluxDB sink: the outcome of a write to {} arrived after the task closed", destination, e);
            }
        }
    }

    private void stored(List<String> lines, long handedOver) {
        unsent.pollFirst();
        sending = false;
        setBuffered(buffered - lines.size());
        long bytes = 0;
        for (String line : lines) {
            bytes += line.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        pointsWritten.inc(lines.size());
        batchesWritten.inc();
        recordsSend.inc(lines.size());
        bytesSend.inc(bytes);
        lastFlushLatencyMs = (System.nanoTime() - handedOver) / 1_000_000;
        sendNext();
    }

    private void throwIfFailed() throws IOException {
        if (failure != null) {
            throw failure;
        }
    }

    private void setBuffered(int points) {
        buffered = points;
        pendingPoints = points;
    }

    private List<String> newBatch() {
        return new ArrayList<>(Math.min(settings.batchSize(), 10_000));
    }

    private void scheduleFlushTimer() {
        long interval = settings.flushInterval().toMillis();
        flushTimer = timeService.registerTimer(timeService.getCurrentProcessingTime() + interval, this::onFlushTimer);
    }

    private void onFlushTimer(long time) {
        if (closed) {
            return;
        }
        if (!batch.isEmpty() && failure == null) {
            handOver();
        }
        scheduleFlushTimer();
    }
}
