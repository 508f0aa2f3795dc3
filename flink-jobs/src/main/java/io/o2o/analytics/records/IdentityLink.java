package io.o2o.analytics.records;

/**
 * Evidence that two identifiers belong to one person, each written {@code kind:id}. Device and phone
 * identifiers are already keyed hashes.
 */
public record IdentityLink(String a, String b, long ts) {}
