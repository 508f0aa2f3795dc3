package io.o2o.analytics.simulator;

import io.o2o.analytics.records.InputTopic;

/**
 * A record broken on purpose, with the dead-letter reason code the engine must give it. The records are
 * extra: none of them changes a customer's truth.
 *
 * @param value the record's value exactly as produced (a dead letter keeps only a masked excerpt of it)
 */
public record InjectedBadRecord(InputTopic topic, String value, String expectedReason) {}
