package io.o2o.analytics.simulator;

import io.o2o.analytics.records.RawRecord;
import java.util.List;

/**
 * The output of one simulation run.
 *
 * @param records every record, genuine and broken, ordered by {@link RawRecord#timestampMillis()} (the order
 *     in which they reach Kafka); their event times are out of order by up to 30 seconds
 * @param truth what the engine should conclude from them
 */
public record Simulation(List<RawRecord> records, GroundTruth truth) {

    public Simulation {
        records = List.copyOf(records);
    }
}
