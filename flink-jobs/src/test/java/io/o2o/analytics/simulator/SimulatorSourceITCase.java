package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.SimulationFixtures.sampleCity;
import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.RawRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import io.o2o.analytics.testing.TestClusters;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The simulator source on a MiniCluster emits exactly the simulation's records, in their order. */
class SimulatorSourceITCase {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = TestClusters.withSlots(2);

    private static final SimulationSettings SETTINGS =
            SimulationSettings.builder().customers(60).duration(Duration.ofHours(1)).badRecordRate(0.01).build();

    @Test
    void emitsEveryRecordOfTheSimulationInKafkaArrivalOrder() throws Exception {
        List<RawRecord> expected = new CitySimulator(sampleCity(), SETTINGS).run().records();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);

        List<RawRecord> emitted = new ArrayList<>();
        try (CloseableIterator<RawRecord> records = env
                .fromSource(SimulatorSource.create(sampleCity(), SETTINGS, 0), WatermarkStrategy.noWatermarks(),
                        "city-simulator")
                .setParallelism(1)
                .uid("city-simulator")
                .executeAndCollect("simulator source")) {
            records.forEachRemaining(emitted::add);
        }

        assertThat(emitted).isEqualTo(expected);
    }
}
