package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.o2o.analytics.metrics.MetricPoint;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The batching, buffering, checkpointing and retry machinery of the sink, driven through a fake transport. The
 * write thread and the task's mailbox are manual: the test decides when a write runs, and backoffs move a virtual
 * clock, so nothing here depends on the machine's speed.
 */
class InfluxDbSinkWriterTest {

    private static final long ONE_SECOND = 1_000;
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);
    private static final String DESTINATION = "InfluxDB http://test (org 'o2o', bucket 'ops')";

    private final FakeTransport transport = new FakeTransport();
    private final ManualProcessingTimeService time = new ManualProcessingTimeService();
    private final RecordingMetricGroup metrics = new RecordingMetricGroup();
    private final ManualWriteExecutor writes = new ManualWriteExecutor();
    private final ManualMailbox mailbox = new ManualMailbox(writes);

    private BatchingPointWriter writer(int batchSize, int maxRetries) {
        return writer(batchSize, 100_000, maxRetries);
    }

    private BatchingPointWriter writer(int batchSize, int maxBufferedPoints, int maxRetries) {
        InfluxDbSink.BatchSettings settings = new InfluxDbSink.BatchSettings(batchSize, Duration.ofSeconds(1),
                maxBufferedPoints, new RetryPolicy(maxRetries, INITIAL_BACKOFF, MAX_BACKOFF));
        return new BatchingPointWriter(transport, DESTINATION, settings, time, mailbox, metrics, writes);
    }

    private static MetricPoint point(int i) {
        return MetricPoint.of(
                "store_traffic", Map.of("store", "s-" + (i % 3)), Map.of("visitors", (long) i), 1_700_000_000_000L + i);
    }

    private static void writeAll(BatchingPointWriter writer, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            writer.write(point(i), null);
        }
    }

    private static List<String> lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> point(i).toLineProtocol()).toList();
    }

    private static List<String> stateLines(List<PendingPoints> state) {
        List<String> all = new ArrayList<>();
        state.forEach(s -> all.addAll(s.lines()));
        return all;
    }

    @Test
    void aFullBatchIsHandedOverAtOnceAndTheRestWaits() throws Exception {
        BatchingPointWriter writer = writer(3, 8);

        writeAll(writer, 0, 7);
        assertThat(transport.attempts).as("nothing is written on the task thread").isZero();
        mailbox.settle();

        assertThat(transport.batches).containsExactly(lines(0, 3), lines(3, 6));
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(1);
        assertThat(metrics.count("pointsWritten")).isEqualTo(6);
        assertThat(metrics.count("batchesWritten")).isEqualTo(2);
        assertThat(metrics.recordsSend.getCount()).isEqualTo(6);
        assertThat(metrics.bytesSend.getCount())
                .isEqualTo(lines(0, 6).stream().mapToLong(l -> l.length() + 1).sum());
    }

    @Test
    void aCheckpointFlushHandsOverThePartialBatchWithoutWaitingForIt() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);
        writeAll(writer, 0, 2);

        writer.flush(false);

        assertThat(transport.attempts).as("the flush did not wait for the write").isZero();
        assertThat(stateLines(writer.snapshotState(1))).containsExactlyElementsOf(lines(0, 2));
        mailbox.settle();
        assertThat(transport.batches).containsExactly(lines(0, 2));
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(0);
        assertThat(writer.snapshotState(2)).isEmpty();
    }

    @Test
    void aFlushWithNothingPendingSendsNothing() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);

        writer.flush(false);
        writer.flush(true);
        mailbox.settle();

        assertThat(transport.attempts).isZero();
    }

    @Test
    void theFlushTimerHandsOverThePartialBatchEveryInterval() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);
        writeAll(writer, 0, 2);

        time.advance(ONE_SECOND - 1);
        mailbox.settle();
        assertThat(transport.batches).isEmpty();
        time.advance(1);
        mailbox.settle();
        assertThat(transport.batches).containsExactly(lines(0, 2));

        writeAll(writer, 2, 3);
        time.advance(ONE_SECOND);
        mailbox.settle();
        assertThat(transport.batches).containsExactly(lines(0, 2), lines(2, 3));
        assertThat(time.pendingTimers()).isEqualTo(1);
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithBackoffOffTheTaskThreadUntilTheBatchIsStored() throws Exception {
        BatchingPointWriter writer = writer(5, 8);
        transport.failNext(
                TransportException.retryable("HTTP 503: service unavailable", 503, null, null),
                TransportException.retryable("HTTP 429: too many requests", 429, Duration.ofSeconds(3), null),
                TransportException.retryable("HTTP 503: service unavailable", 503, null, null));

        writeAll(writer, 0, 5);
        mailbox.settle();

        assertThat(transport.allLines()).containsExactlyElementsOf(lines(0, 5));
        assertThat(transport.attempts).isEqualTo(4);
        // 200 ms, then the server's Retry-After (3 s), then the doubled backoff of the third retry (800 ms).
        assertThat(writes.backoffs)
                .containsExactly(Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofMillis(800));
        assertThat(mailbox.yields).as("the task thread never waited").isZero();
        assertThat(metrics.count("writeRetries")).isEqualTo(3);
        assertThat(metrics.count("writeFailures")).isZero();
        assertThat(metrics.count("pointsWritten")).isEqualTo(5);
        assertThat(metrics.count("batchesWritten")).isEqualTo(1);
    }

    @Test
    void ioErrorsAreRetriedWithABackoffThatDoublesUpToTheMaximum() throws Exception {
        BatchingPointWriter writer = writer(1, 8);
        for (int i = 0; i < 5; i++) {
            transport.failNext(new ConnectException("Connection refused"));
        }

        writeAll(writer, 0, 1);
        mailbox.settle();

        assertThat(writes.backoffs).containsExactly(
                Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800), MAX_BACKOFF, MAX_BACKOFF);
        assertThat(transport.allLines()).containsExactlyElementsOf(lines(0, 1));
    }

    @Test
    void duringAnOutageCheckpointsCompleteWithTheUnstoredPointsInTheirState() throws Exception {
        BatchingPointWriter writer = writer(3, 30);
        for (int i = 0; i < 10; i++) {
            transport.failNext(new ConnectException("Connection refused"));
        }

        writeAll(writer, 0, 3);
        writes.runNext();
        writes.runNext();
        writeAll(writer, 3, 5);
        writer.flush(false);
        List<PendingPoints> state = writer.snapshotState(7);

        assertThat(transport.batches).isEmpty();
        assertThat(transport.attempts).isEqualTo(2);
        assertThat(mailbox.yields).isZero();
        assertThat(stateLines(state)).containsExactlyElementsOf(lines(0, 5));
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(5);

        // InfluxDB comes back: every point arrives, the partial batches of the flushes joined where they fit.
        mailbox.settle();
        assertThat(transport.allLines()).containsExactlyElementsOf(lines(0, 5));
        assertThat(transport.batches).containsExactly(lines(0, 3), lines(3, 5));
        assertThat(writer.snapshotState(8)).isEmpty();
    }

    @Test
    void partialBatchesHandedOverDuringAnOutageJoinUpToTheBatchSize() throws Exception {
        BatchingPointWriter writer = writer(4, 30);
        for (int i = 0; i < 3; i++) {
            transport.failNext(new ConnectException("Connection refused"));
        }
        writeAll(writer, 0, 4);   // a full batch, in flight
        writes.runNext();
        for (int i = 4; i < 10; i++) {
            writer.write(point(i), null);
            writer.flush(false); // one checkpoint per point
        }

        mailbox.settle();

        assertThat(transport.batches).containsExactly(lines(0, 4), lines(4, 8), lines(8, 10));
    }

    @Test
    void aRestoredWriterSendsThePointsOfItsStateFirst() throws Exception {
        BatchingPointWriter before = writer(2, 30);
        transport.failNext(new ConnectException("Connection refused"));
        writeAll(before, 0, 3);
        writes.runNext();
        before.flush(false);
        List<PendingPoints> state = before.snapshotState(3);
        byte[] bytes = new PendingPointsSerializer().serialize(state.get(0));
        before.close();
        assertThat(transport.closed).isTrue();

        FakeTransport afterRestart = new FakeTransport();
        ManualWriteExecutor restartedWrites = new ManualWriteExecutor();
        ManualMailbox restartedMailbox = new ManualMailbox(restartedWrites);
        BatchingPointWriter after = new BatchingPointWriter(afterRestart, DESTINATION,
                new InfluxDbSink.BatchSettings(2, Duration.ofSeconds(1), 1000, new RetryPolicy(8, INITIAL_BACKOFF,
                        MAX_BACKOFF)),
                new ManualProcessingTimeService(), restartedMailbox, new RecordingMetricGroup(), restartedWrites);
        after.restore(List.of(new PendingPointsSerializer().deserialize(PendingPointsSerializer.VERSION, bytes)));
        writeAll(after, 3, 4);
        after.flush(true);

        assertThat(afterRestart.allLines()).containsExactlyElementsOf(lines(0, 4));
        assertThat(after.snapshotState(4)).isEmpty();
    }

    @Test
    void restoredStatesOfSeveralSubtasksAreAllSent() throws Exception {
        BatchingPointWriter writer = writer(3, 8);

        writer.restore(List.of(new PendingPoints(lines(0, 4)), new PendingPoints(lines(4, 5))));
        mailbox.settle();

        assertThat(transport.allLines()).containsExactlyElementsOf(lines(0, 5));
        assertThat(transport.batches).containsExactly(lines(0, 3), lines(3, 5));
    }

    @Test
    void aFullBufferHoldsTheWriterUntilABatchIsStored() throws Exception {
        BatchingPointWriter writer = writer(2, 4, 30);
        for (int i = 0; i < 3; i++) {
            transport.failNext(new ConnectException("Connection refused"));
        }

        writeAll(writer, 0, 3);
        assertThat(mailbox.yields).isZero();
        writer.write(point(3), null);

        // The fourth point filled the buffer: the writer waited until the first batch was stored, after 3 retries.
        assertThat(mailbox.yields).isPositive();
        assertThat(transport.batches).first().isEqualTo(lines(0, 2));
        assertThat(writes.backoffs).hasSize(3);
        assertThat((int) metrics.gaugeValue("pendingPoints")).isLessThan(4);
        writer.flush(true);
        assertThat(transport.allLines()).containsExactlyElementsOf(lines(0, 4));
    }

    @Test
    void theEndOfInputWaitsUntilEveryPointIsStored() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);
        transport.failNext(TransportException.retryable("HTTP 503: service unavailable", 503, null, null));
        writeAll(writer, 0, 3);

        writer.flush(true);

        assertThat(transport.batches).containsExactly(lines(0, 3));
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(0);
        assertThat(writer.snapshotState(9)).isEmpty();
    }

    @Test
    void aBatchThatOutlastsTheRetriesFailsTheJob() throws Exception {
        BatchingPointWriter writer = writer(2, 2);
        for (int i = 0; i < 3; i++) {
            transport.failNext(TransportException.retryable("HTTP 503: service unavailable", 503, null, null));
        }
        writeAll(writer, 0, 2);

        String message = "InfluxDB sink: writing a batch of 2 points to InfluxDB http://test (org 'o2o', bucket "
                + "'ops') failed 3 times in a row, giving up: HTTP 503: service unavailable";
        assertThatThrownBy(mailbox::settle).hasMessage(message).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> writer.write(point(2), null)).isInstanceOf(IOException.class).hasMessage(message);
        assertThatThrownBy(() -> writer.flush(false)).isInstanceOf(IOException.class).hasMessage(message);
        assertThat(writes.backoffs).hasSize(2);
        assertThat(metrics.count("writeRetries")).isEqualTo(2);
        assertThat(metrics.count("writeFailures")).isEqualTo(1);
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(2);
    }

    @Test
    void anUnauthorizedWriteFailsTheJobAtOnceWithTheServersMessage() throws Exception {
        BatchingPointWriter writer = writer(1, 8);
        transport.failNext(TransportException.fatal("HTTP 401: unauthorized access", 401, null));
        writer.write(point(0), null);

        assertThatThrownBy(mailbox::settle)
                .hasMessage("InfluxDB sink: InfluxDB http://test (org 'o2o', bucket 'ops') rejected a batch of 1 "
                        + "points and a retry cannot help: HTTP 401: unauthorized access");
        assertThat(writes.backoffs).isEmpty();
        assertThat(transport.attempts).isEqualTo(1);
        assertThat(metrics.count("writeFailures")).isEqualTo(1);

        // Closing after the failure releases the transport without trying the rejected batch again.
        writer.close();
        assertThat(transport.attempts).isEqualTo(1);
        assertThat(transport.closed).isTrue();
        assertThat(writes.closed).isTrue();
    }

    @Test
    void anUnexpectedErrorOfTheTransportFailsTheJobInsteadOfBeingRetried() throws Exception {
        BatchingPointWriter writer = writer(1, 8);
        transport.throwNext(new IllegalStateException("customizer broke the client"));
        writer.write(point(0), null);

        assertThatThrownBy(mailbox::settle).hasMessage("InfluxDB sink: writing a batch of 1 points to InfluxDB "
                + "http://test (org 'o2o', bucket 'ops') failed unexpectedly: java.lang.IllegalStateException: "
                + "customizer broke the client");
        assertThat(transport.attempts).isEqualTo(1);
    }

    @Test
    void closeStopsTheWriteThreadAndLeavesTheUnstoredPointsToTheCheckpoint() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);
        writeAll(writer, 0, 3);

        writer.close();
        mailbox.settle();

        assertThat(transport.attempts).isZero();
        assertThat(transport.closed).isTrue();
        assertThat(writes.closed).isTrue();
        assertThat(time.pendingTimers()).isZero();
    }

    @Test
    void exposesItsMetrics() throws Exception {
        BatchingPointWriter writer = writer(2, 8);
        writeAll(writer, 0, 2);
        mailbox.settle();

        assertThat(metrics.counters).containsKeys("pointsWritten", "batchesWritten", "writeRetries", "writeFailures");
        assertThat(metrics.gauges).containsKeys("pendingPoints", "lastFlushLatencyMs");
        assertThat((Long) metrics.gaugeValue("lastFlushLatencyMs")).isGreaterThanOrEqualTo(0L);
        assertThat(metrics.currentSendTime).isNotNull();
        writer.close();
    }
}
