package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.o2o.analytics.testing.InfluxTestServer;
import io.o2o.analytics.testing.TcpForwarder;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
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

    /**
     * InfluxDB is unreachable from the job's start (nothing listens on the sink's port: connection refused) until
     * checkpoints have gone on completing through a failure and a restart; then the port forwards to the real
     * server. A few seconds of outage are enough: with writes on the task thread (the sink before #13) not one
     * checkpoint completes in them, and a planned failure after some checkpoints makes the restored writer state
     * the only copy of the points that were taken before the checkpoint but never stored.
     */
    @Test
    void checkpointsKeepCompletingWhileInfluxDbIsDownAndEveryPointArrivesAfterwards() throws Exception {
        int points = 5000;
        CheckpointWatch.reset();
        int port = TcpForwarder.reservePort();
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(200);
        env.fromSource(
                        new DataGeneratorSource<>(i -> i, points, RateLimiterStrategy.perSecond(400), Types.LONG),
                        WatermarkStrategy.noWatermarks(),
                        "numbers")
                .uid("numbers")
                .map(new CheckpointWatch(OUTAGE_CHECKPOINTS)).name("checkpoint-watch").uid("checkpoint-watch")
                .map(TestPoints::storeTraffic).name("points").uid("points")
                .sinkTo(influx.sinkBuilder(database)
                        .setUrl("http://127.0.0.1:" + port)
                        .setBatchSize(100)
                        .setFlushInterval(Duration.ofMillis(100))
                        // Retry for as long as the outage lasts, whatever the machine's speed.
                        .setMaxRetries(10_000)
                        .setInitialBackoff(Duration.ofMillis(50))
                        .setMaxBackoff(Duration.ofMillis(500))
                        .setRequestTimeout(Duration.ofSeconds(5))
                        .build())
                .name("influxdb").uid("influxdb");
        JobClient job = env.executeAsync("influxdb sink through an outage");

        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(CheckpointWatch.FAILED_AT.get() > 0
                && CheckpointWatch.completed() >= CheckpointWatch.FAILED_AT.get() + OUTAGE_CHECKPOINTS)) {
            assertThat(System.nanoTime())
                    .as("checkpoints completed while InfluxDB was down: %d (failure after %d)",
                            CheckpointWatch.completed(), CheckpointWatch.FAILED_AT.get())
                    .isLessThan(deadline);
            assertThat(job.getJobStatus().get()).isIn(JobStatus.CREATED, JobStatus.INITIALIZING, JobStatus.RUNNING,
                    JobStatus.RESTARTING);
            Thread.sleep(50);
        }
        assertThat(influx.queryLong(database, "SELECT count(visitors) FROM store_traffic"))
                .as("nothing reached InfluxDB during the outage").isZero();

        URI server = URI.create(influx.url());
        try (TcpForwarder back = TcpForwarder.start(port, server.getHost(), server.getPort())) {
            job.getJobExecutionResult().get(3, TimeUnit.MINUTES);
        }

        assertThat(influx.queryLong(database, "SELECT count(visitors) FROM store_traffic")).isEqualTo(points);
        assertThat(influx.queryLong(database, "SELECT sum(visitors) FROM store_traffic"))
                .isEqualTo(LongStream.range(0, points).sum());
    }

    private static final int OUTAGE_CHECKPOINTS = 3;

    /**
     * Counts completed checkpoints and throws once, after {@code failAfter} of them: the restart then restores the
     * sink's unstored points from the last checkpoint.
     */
    private static final class CheckpointWatch implements MapFunction<Long, Long>, CheckpointListener {
        // Static: the counts must survive the restart, which deserializes fresh instances (same JVM: MiniCluster).
        static final Set<Long> COMPLETED = ConcurrentHashMap.newKeySet();
        static final AtomicInteger FAILED_AT = new AtomicInteger();

        private final int failAfter;

        CheckpointWatch(int failAfter) {
            this.failAfter = failAfter;
        }

        static void reset() {
            COMPLETED.clear();
            FAILED_AT.set(0);
        }

        static int completed() {
            return COMPLETED.size();
        }

        @Override
        public Long map(Long value) {
            int done = completed();
            if (done >= failAfter && FAILED_AT.compareAndSet(0, done)) {
                throw new IllegalStateException("planned failure after " + done + " checkpoints");
            }
            return value;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            COMPLETED.add(checkpointId);
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
