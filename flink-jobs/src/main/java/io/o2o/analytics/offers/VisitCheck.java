package io.o2o.analytics.offers;

/** A visit waiting for its grace period to end, to learn whether it ended without a purchase. */
public record VisitCheck(String visitEventId, String ruleId, String storeId, long enteredAt, long exitedAt, long dueAt) {}
