package io.o2o.analytics.metrics;

import java.util.TreeMap;

/** One input topic's records and dead letters (by reason) within one minute. */
public class HealthBucket {
    public long received;
    public TreeMap<String, Long> deadLettersByReason = new TreeMap<>();

    public HealthBucket() {}
}
