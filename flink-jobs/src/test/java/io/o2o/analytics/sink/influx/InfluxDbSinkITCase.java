package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.o2o.analytics.testing.InfluxTestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.o2o.analytics.testing.TestClusters;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The sink in a real job (MiniCluster, parallelism 2, checkpoints) against the real InfluxDB test server of
 * {@code scripts/influxdb.sh}: what arrives is checked with InfluxQL.
 */
class InfluxDbSinkITCase {

    private static final int PARALLELISM = 2;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.withSlots(PARALLELISM);

    private static InfluxTestServer influx;
    private String database;

    @BeforeAll
    static void findServer() {
        influx = InfluxTestServer.fromEnvironment();
    }

    @BeforeEach
    void freshDatabase(TestInfo test) {
        database = influx.createDatabase(test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void dropDatabase() {
        influx.dropDatabase(database);
    }

    private static void runJob(int points, InfluxDbSink sink) throws Exception {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(200);
        env.fromSequence(0, points - 1).name("numbers").uid("numbers")
                .map(TestPoints::storeTraffic).name("points").uid("points")
                .sinkTo(sink).name("influxdb").uid("influxdb");
        env.execute("influxdb sink " + points + " points");
    }

    @Test
    void everyPointArrivesWithItsTagsAndFields() throws Exception {
        int points = 5000;

        runJob(points, influx.sinkBuilder(database)
                .setBatchSize(500)
                .setFlushInterval(Duration.ofMillis(200))
                .build());

        List<Map<String, Object>> perStore =
                influx.query(database, "SELECT count(visitors) FROM store_traffic GROUP BY store");
        assertThat(perStore.stream().collect(Collectors.toMap(r -> r.get("store"), r -> r.get("count"))))
                .isEqualTo(IntStream.range(0, TestPoints.STORES).boxed()
                        .collect(Collectors.toMap(s -> (Object) ("s-" + s), s -> (Object) (long) (points / 10))));
        assertThat(influx.queryLong(database, "SELECT sum(visitors) FROM store_traffic"))
                .isEqualTo(LongStream.range(0, points).sum());
        assertThat(influx.queryLong(database, "SELECT count(visitors) FROM store_traffic WHERE zone = 'entrance hall'"))
                .isEqualTo(LongStream.range(0, points).filter(i -> i % 3 == 0).count());

        long i = 1233;
        List<Map<String, Object>> one = influx.query(database,
                "SELECT * FROM store_traffic WHERE time = " + TestPoints.timestamp(i) + "ms");
        assertThat(one).hasSize(1);
        Map<String, Object> row = one.get(0);
        assertThat(row).containsEntry("time", TestPoints.timestamp(i))
                .containsEntry("store", "s-3")
                .containsEntry("zone", "entrance hall")
                .containsEntry("visitors", 1233L)
                .containsEntry("open", false)
                .containsEntry("source", "sim \"city\"");
        assertThat(((Number) row.get("dwell_seconds")).doubleValue()).isEqualTo(1233 / 4.0);
    }

    @Test
    void aReplayOverwritesTheSamePointsInsteadOfDuplicatingThem() throws Exception {
        int points = 1000;
        InfluxDbSink sink = influx.sinkBuilder(database).setBatchSize(100).build();

        runJob(points, sink);
        runJob(points, sink);

        assertThat(influx.queryLong(database, "SELECT count(visitors) FROM store_traffic")).isEqualTo(points);
        assertThat(influx.queryLong(database, "SELECT sum(visitors) FROM store_traffic"))
                .isEqualTo(LongStream.range(0, points).sum());
    }

    @Test
    void aRestartFromACheckpointLosesNoPointAndStoresNoneTwice() throws Exception {
        int points = 5000;
        FailOnceAfterACheckpoint.reset();
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(100);

        env.fromSource(
                        new DataGeneratorSource<>(i -> i, points, RateLimiterStrategy.perSecond(2500), Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .uid("numbers")
                .map(new FailOnceAfterACheckpoint(points / 2)).name("fail-once").uid("fail-once")
                .map(TestPoints::storeTraffic).name("points").uid("points")
                .sinkTo(influx.sinkBuilder(database).setBatchSize(200).setFlushInterval(Duration.ofMillis(50)).build())
                .name("influxdb").uid("influxdb");
        env.execute("influxdb sink across a restart");

        assertThat(FailOnceAfterACheckpoint.FAILED).as("the planned failure happened").isTrue();
        assertThat(influx.queryLong(database, "SELECT count(visitors) FROM store_traffic")).isEqualTo(points);
        assertThat(influx.queryLong(database, "SELECT sum(visitors) FROM store_traffic"))
                .isEqualTo(LongStream.range(0, points).sum());
    }

    /** Throws once, at the first number past {@code threshold} seen after a checkpoint completed. */
    private static final class FailOnceAfterACheckpoint implements MapFunction<Long, Long>, CheckpointListener {
        // Static: the flags must survive the restart, which deserializes fresh instances (same JVM: MiniCluster).
        static final AtomicBoolean CHECKPOINTED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();

        private final long threshold;

        FailOnceAfterACheckpoint(long threshold) {
            this.threshold = threshold;
        }

        static void reset() {
            CHECKPOINTED.set(false);
            FAILED.set(false);
        }

        @Override
        public Long map(Long value) {
            if (value >= threshold && CHECKPOINTED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("planned failure at " + value);
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTED.set(true);
        }
    }

    @Test
    void aMissingDatabaseFailsTheJobWithTheServersMessage() {
        String missing = database + "_missing";
        InfluxDbSink sink = influx.sinkBuilder(missing).setBatchSize(10).build();

        Throwable failure = catchThrowable(() -> runJob(100, sink));

        assertThat(failure).isNotNull();
        // The task's exception reaches the client as a SerializedThrowable whose message starts with the class.
        assertThat(ExceptionUtils.findThrowableWithMessage(failure, "InfluxDB sink:"))
                .as("the sink's own error in %s", failure)
                .hasValueSatisfying(e -> assertThat(e.getMessage()).contains(
                        "InfluxDB sink: InfluxDB " + influx.url() + " (org 'o2o', bucket '" + missing
                                + "') rejected a batch of ",
                        " points and a retry cannot help: HTTP 404: database not found: \"" + missing + "\""));
    }
}
