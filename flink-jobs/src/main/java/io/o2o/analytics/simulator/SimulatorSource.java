package io.o2o.analytics.simulator;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.records.RawRecord;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The city simulator as a bounded Flink source (Source V2, on {@link DataGeneratorSource}): it emits the
 * records of {@link CitySimulator#run()} in their order, optionally paced to a multiple of simulated time.
 *
 * <p>Only the fences and the settings travel to the task managers; each source reader re-runs the
 * deterministic simulation once in {@code open()} and then hands out records by index. The data generator
 * gives each reader a contiguous range of indices, so with parallelism above 1 the readers would emit
 * different stretches of simulated time at once: run this source with parallelism 1 and let the job fan
 * out after it. It then emits the records exactly in Kafka-arrival order, out of event-time order by up to
 * 30 s like the real topics.
 */
public final class SimulatorSource {

    private SimulatorSource() {}

    /**
     * Runs the simulation once here, on the client, to learn how many records it makes (a few seconds for
     * 2000 customers).
     *
     * @param speed simulated seconds per wall-clock second (60: one simulated hour per minute); 0 or less emits
     *     as fast as possible. The rate is the simulation's average, so busy minutes stretch and quiet ones
     *     shrink a little.
     */
    public static Source<RawRecord, ?, ?> create(FenceCatalog fences, SimulationSettings settings, double speed) {
        long count = new CitySimulator(fences, settings).run().records().size();
        return create(fences, settings, speed, count);
    }

    static DataGeneratorSource<RawRecord> create(
            FenceCatalog fences, SimulationSettings settings, double speed, long count) {
        return create(fences, settings, speed, count, record -> record, TypeInformation.of(RawRecord.class));
    }

    /**
     * The simulation's records, each turned into {@code T} inside the source (the job parses them there,
     * exactly as its Kafka source does).
     *
     * @param count the number of records the simulation makes
     */
    public static <T> DataGeneratorSource<T> create(
            FenceCatalog fences,
            SimulationSettings settings,
            double speed,
            long count,
            SerializableFunction<RawRecord, T> convert,
            TypeInformation<T> type) {
        Objects.requireNonNull(fences, "fences");
        Objects.requireNonNull(settings, "settings");
        return new DataGeneratorSource<>(
                new SimulationGenerator<>(fences, settings, convert), count, rateLimit(settings, speed, count), type);
    }

    /** {@code count * speed / duration} records per second overall, or no limit. */
    static RateLimiterStrategy<?> rateLimit(SimulationSettings settings, double speed, long count) {
        if (!(speed > 0) || count == 0) {
            return RateLimiterStrategy.noOp();
        }
        return RateLimiterStrategy.perSecond(count * speed / settings.duration().toSeconds());
    }

    /** Plays the simulation once per reader and returns its records by index. */
    static final class SimulationGenerator<T> implements GeneratorFunction<Long, T> {
        private static final long serialVersionUID = 1L;

        private final FenceCatalog fences;
        private final SimulationSettings settings;
        private final SerializableFunction<RawRecord, T> convert;
        private transient List<RawRecord> records;

        SimulationGenerator(FenceCatalog fences, SimulationSettings settings, SerializableFunction<RawRecord, T> convert) {
            this.fences = fences;
            this.settings = settings;
            this.convert = convert;
        }

        @Override
        public void open(SourceReaderContext readerContext) {
            records = new CitySimulator(fences, settings).run().records();
        }

        @Override
        public T map(Long index) throws Exception {
            return convert.apply(records.get(Math.toIntExact(index)));
        }
    }
}
