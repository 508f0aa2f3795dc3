package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.SimulationFixtures.sampleCity;
import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.RawRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.junit.jupiter.api.Test;

class SimulatorSourceTest {
    private static final SimulationSettings SETTINGS =
            SimulationSettings.builder().customers(40).duration(java.time.Duration.ofHours(1)).build();

    @Test
    void theGeneratorHandsOutTheSimulationsRecordsByIndex() throws Exception {
        List<RawRecord> expected = new CitySimulator(sampleCity(), SETTINGS).run().records();
        DataGeneratorSource<RawRecord> source = SimulatorSource.create(sampleCity(), SETTINGS, 0, expected.size());

        GeneratorFunction<Long, RawRecord> generator = roundTrip(source).getGeneratorFunction();
        generator.open(null);

        assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
        assertThat(generator.map(0L)).isEqualTo(expected.get(0));
        assertThat(generator.map((long) expected.size() - 1)).isEqualTo(expected.get(expected.size() - 1));
    }

    @Test
    void theRateSpreadsTheRecordsOverTheSimulatedWindowDividedBySpeed() {
        assertThat(SimulatorSource.rateLimit(SETTINGS, 60, 36_000).createRateLimiter(1)).isNotNull();
        // 36,000 records over an hour at 60x: 600 records a second. There is no getter; the class tells the mode.
        assertThat(SimulatorSource.rateLimit(SETTINGS, 0, 36_000).getClass())
                .isNotEqualTo(SimulatorSource.rateLimit(SETTINGS, 60, 36_000).getClass());
    }

    /** What Flink does to a source on its way to the task managers. */
    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
