package io.o2o.analytics.job;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.ingest.Ingested;
import io.o2o.analytics.ingest.InputParser;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.CitySimulator;
import io.o2o.analytics.simulator.SimulationSettings;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

/**
 * The simulator as the job's source: the i-th record of the (deterministic) simulated city, parsed by the
 * same parser as Kafka input, so that the simulator exercises exactly the production path from JSON on.
 *
 * <p>Each reader runs the simulation once in {@code open()} and serves its share of the indices; the
 * records are in arrival order, so a reader's slice is too, and watermarks stay meaningful.
 */
public final class SimulatedInput implements GeneratorFunction<Long, Ingested> {
    private static final long serialVersionUID = 1L;

    private final FenceCatalog fences;
    private final SimulationSettings settings;
    private final InputParser parser;

    private transient List<RawRecord> records;

    private SimulatedInput(FenceCatalog fences, SimulationSettings settings, InputParser parser) {
        this.fences = fences;
        this.settings = settings;
        this.parser = parser;
    }

    /**
     * @param recordCount how many records the simulation makes (run it once on the client to know)
     * @param speed simulated seconds per wall-clock second; 0 or less for as fast as possible
     */
    public static DataGeneratorSource<Ingested> source(
            FenceCatalog fences, SimulationSettings settings, InputParser parser, long recordCount, double speed) {
        RateLimiterStrategy rate = RateLimiterStrategy.noOp();
        if (speed > 0) {
            double simulatedSeconds = settings.duration().toMillis() / 1000.0;
            rate = RateLimiterStrategy.perSecond(Math.max(1, recordCount * speed / simulatedSeconds));
        }
        return new DataGeneratorSource<>(
                new SimulatedInput(fences, settings, parser), recordCount, rate, TypeInformation.of(Ingested.class));
    }

    @Override
    public void open(SourceReaderContext readerContext) {
        records = new CitySimulator(fences, settings).run().records();
    }

    @Override
    public Ingested map(Long index) {
        return parser.parse(records.get(Math.toIntExact(index)));
    }
}
