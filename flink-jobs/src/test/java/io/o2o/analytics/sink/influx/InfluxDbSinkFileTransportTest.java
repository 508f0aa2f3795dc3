package io.o2o.analytics.sink.influx;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.o2o.analytics.testing.TestClusters;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The line-protocol file transport in a real job (MiniCluster, parallelism 2, checkpoints): one file per subtask,
 * every point exactly once (no failure here), nothing interleaved. Needs no server.
 */
class InfluxDbSinkFileTransportTest {

    private static final int PARALLELISM = 2;
    private static final int POINTS = 3000;

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = TestClusters.withSlots(PARALLELISM);

    @TempDir
    Path directory;

    @Test
    void eachSubtaskAppendsItsOwnFileAndEveryPointArrives() throws Exception {
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "disable");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(100);

        env.fromSequence(0, POINTS - 1).name("numbers").uid("numbers")
                .map(TestPoints::storeTraffic).name("points").uid("points")
                .sinkTo(InfluxDbSink.builder().setLineProtocolDirectory(directory).setBatchSize(100).build())
                .name("line-protocol-files").uid("line-protocol-files");
        env.execute("line protocol file sink");

        Path first = directory.resolve("metrics-0.lp");
        Path second = directory.resolve("metrics-1.lp");
        assertThat(directory).isDirectoryContaining(p -> p.equals(first)).isDirectoryContaining(p -> p.equals(second));
        List<String> written = new ArrayList<>(Files.readAllLines(first));
        written.addAll(Files.readAllLines(second));
        assertThat(Files.readAllLines(first)).isNotEmpty();
        assertThat(Files.readAllLines(second)).isNotEmpty();
        assertThat(written).containsExactlyInAnyOrderElementsOf(
                LongStream.range(0, POINTS).mapToObj(i -> TestPoints.storeTraffic(i).toLineProtocol()).toList());
    }
}
