package io.o2o.analytics.metrics;

/**
 * One record's contribution to pipeline health: it was read from {@code topic} ({@code received} 1), and/or
 * it ended as a dead letter for {@code reason} (null when it was usable).
 */
public record HealthTick(String topic, int received, String reason, long eventTime) {}
