package io.o2o.analytics.sink.influx;

import java.util.List;
import java.util.Objects;

/**
 * The writer's checkpoint state: the points (as line protocol) it had taken but not yet seen stored when the
 * checkpoint was taken, in flight included. A restored writer sends them first; one that InfluxDB had stored after
 * all is written again under the same series and time, which overwrites it.
 */
public record PendingPoints(List<String> lines) {

    public PendingPoints {
        lines = List.copyOf(Objects.requireNonNull(lines, "lines"));
    }
}
