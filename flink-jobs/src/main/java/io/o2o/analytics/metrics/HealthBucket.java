package io.o2o.analytics.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * One input topic's records and dead letters (by reason) within one minute.
 *
 * <p>The map is declared as {@code Map} so that Flink's POJO analysis gives it a map serializer; a {@code TreeMap}
 * field would be a generic type, serialised by Kryo. A restored map is a {@code HashMap}: whoever needs the reasons
 * in order sorts them ({@link PipelineHealthAggregator} does).
 */
public class HealthBucket {
    public long received;
    public Map<String, Long> deadLettersByReason = new HashMap<>();

    public HealthBucket() {}
}
