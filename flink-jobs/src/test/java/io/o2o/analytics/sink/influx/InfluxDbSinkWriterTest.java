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

/** The batching, flushing and retry machinery of the sink, driven through a fake transport. */
class InfluxDbSinkWriterTest {

    private static final long ONE_SECOND = 1_000;
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final FakeTransport transport = new FakeTransport();
    private final ManualProcessingTimeService time = new ManualProcessingTimeService();
    private final RecordingMetricGroup metrics = new RecordingMetricGroup();
    private final List<Duration> sleeps = new ArrayList<>();

    private BatchingPointWriter writer(int batchSize, int maxRetries) {
        InfluxDbSink.BatchSettings settings = new InfluxDbSink.BatchSettings(
                batchSize, Duration.ofSeconds(1), new RetryPolicy(maxRetries, INITIAL_BACKOFF, MAX_BACKOFF));
        return new BatchingPointWriter(transport, "InfluxDB http://test (org 'o2o', bucket 'ops')", settings, time,
                metrics, sleeps::add);
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

    @Test
    void aFullBatchIsWrittenAtOnceAndTheRestWaits() throws Exception {
        BatchingPointWriter writer = writer(3, 8);

        writeAll(writer, 0, 7);

        assertThat(transport.batches).containsExactly(lines(0, 3), lines(3, 6));
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(1);
        assertThat(metrics.count("pointsWritten")).isEqualTo(6);
        assertThat(metrics.count("batchesWritten")).isEqualTo(2);
        assertThat(metrics.recordsSend.getCount()).isEqualTo(6);
        assertThat(metrics.bytesSend.getCount())
                .isEqualTo(lines(0, 6).stream().mapToLong(l -> l.length() + 1).sum());
    }

    @Test
    void aCheckpointFlushWritesThePartialBatch() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);
        writeAll(writer, 0, 2);
        assertThat(transport.batches).isEmpty();

        writer.flush(false);

        assertThat(transport.batches).containsExactly(lines(0, 2));
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(0);
    }

    @Test
    void aFlushWithNothingPendingSendsNothing() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);

        writer.flush(false);
        writer.flush(true);

        assertThat(transport.attempts).isZero();
    }

    @Test
    void theFlushTimerWritesThePartialBatchEveryInterval() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);
        writeAll(writer, 0, 2);

        time.advance(ONE_SECOND - 1);
        assertThat(transport.batches).isEmpty();
        time.advance(1);
        assertThat(transport.batches).containsExactly(lines(0, 2));

        writeAll(writer, 2, 3);
        time.advance(ONE_SECOND);
        assertThat(transport.batches).containsExactly(lines(0, 2), lines(2, 3));
        assertThat(time.pendingTimers()).isEqualTo(1);
    }

    @Test
    void throttlingAndServerErrorsAreRetriedWithBackoffUntilTheBatchIsStored() throws Exception {
        BatchingPointWriter writer = writer(5, 8);
        transport.failNext(
                TransportException.retryable("HTTP 503: service unavailable", 503, null, null),
                TransportException.retryable("HTTP 429: too many requests", 429, Duration.ofSeconds(3), null),
                TransportException.retryable("HTTP 503: service unavailable", 503, null, null));

        writeAll(writer, 0, 5);

        assertThat(transport.allLines()).containsExactlyElementsOf(lines(0, 5));
        assertThat(transport.attempts).isEqualTo(4);
        // 200 ms, then the server's Retry-After (3 s), then the doubled backoff of the third retry (800 ms).
        assertThat(sleeps).containsExactly(Duration.ofMillis(200), Duration.ofSeconds(3), Duration.ofMillis(800));
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

        assertThat(sleeps).containsExactly(
                Duration.ofMillis(200), Duration.ofMillis(400), Duration.ofMillis(800), MAX_BACKOFF, MAX_BACKOFF);
        assertThat(transport.allLines()).containsExactlyElementsOf(lines(0, 1));
    }

    @Test
    void aBatchThatOutlastsTheRetriesFailsTheJob() throws Exception {
        BatchingPointWriter writer = writer(2, 2);
        for (int i = 0; i < 3; i++) {
            transport.failNext(TransportException.retryable("HTTP 503: service unavailable", 503, null, null));
        }
        writeAll(writer, 0, 1);

        assertThatThrownBy(() -> writer.write(point(1), null))
                .isInstanceOf(IOException.class)
                .hasMessage("InfluxDB sink: writing a batch of 2 points to InfluxDB http://test (org 'o2o', bucket "
                        + "'ops') failed 3 times in a row, giving up: HTTP 503: service unavailable");
        assertThat(sleeps).hasSize(2);
        assertThat(metrics.count("writeRetries")).isEqualTo(2);
        assertThat(metrics.count("writeFailures")).isEqualTo(1);
        assertThat(metrics.gaugeValue("pendingPoints")).isEqualTo(2);
    }

    @Test
    void anUnauthorizedWriteFailsTheJobAtOnceWithTheServersMessage() throws Exception {
        BatchingPointWriter writer = writer(1, 8);
        transport.failNext(TransportException.fatal("HTTP 401: unauthorized access", 401, null));

        assertThatThrownBy(() -> writer.write(point(0), null))
                .isInstanceOf(IOException.class)
                .hasMessage("InfluxDB sink: InfluxDB http://test (org 'o2o', bucket 'ops') rejected a batch of 1 "
                        + "points and a retry cannot help: HTTP 401: unauthorized access");
        assertThat(sleeps).isEmpty();
        assertThat(transport.attempts).isEqualTo(1);
        assertThat(metrics.count("writeFailures")).isEqualTo(1);

        // Closing after the failure releases the transport without trying the rejected batch again.
        writer.close();
        assertThat(transport.attempts).isEqualTo(1);
        assertThat(transport.closed).isTrue();
    }

    @Test
    void closeFlushesWhatIsPendingAndClosesTheTransport() throws Exception {
        BatchingPointWriter writer = writer(1000, 8);
        writeAll(writer, 0, 3);

        writer.close();

        assertThat(transport.batches).containsExactly(lines(0, 3));
        assertThat(transport.closed).isTrue();
        assertThat(time.pendingTimers()).isZero();
    }

    @Test
    void exposesItsMetrics() throws Exception {
        BatchingPointWriter writer = writer(2, 8);
        writeAll(writer, 0, 2);

        assertThat(metrics.counters).containsKeys("pointsWritten", "batchesWritten", "writeRetries", "writeFailures");
        assertThat(metrics.gauges).containsKeys("pendingPoints", "lastFlushLatencyMs");
        assertThat((Long) metrics.gaugeValue("lastFlushLatencyMs")).isGreaterThanOrEqualTo(0L);
        assertThat(metrics.currentSendTime).isNotNull();
        writer.close();
    }
}
