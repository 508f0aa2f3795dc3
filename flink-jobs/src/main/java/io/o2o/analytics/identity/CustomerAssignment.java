package io.o2o.analytics.identity;

/**
 * An identifier now belongs to a customer: on its first link, or when its customer was merged into
 * another, or split off when an identifier expired.
 *
 * @param previousCustomerId the customer it belonged to before, or null for a new identifier
 * @param ts event time of the decision (the link that caused it, or the expiry)
 */
public record CustomerAssignment(String node, String customerId, String previousCustomerId, long ts) {}
