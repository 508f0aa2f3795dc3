package io.o2o.analytics.records;

import java.util.List;

/**
 * What the CRM knows of one identifier's marketing wishes: whether it accepts offers, and the segments it is in.
 * Phone and device identifiers are already keyed hashes.
 *
 * @param identifier {@code kind:id}, as in identity links
 * @param offersConsent false once the person opted out of offers
 * @param segments the CRM segments the identifier is in (e.g. {@code vip}); empty when none
 */
public record MarketingPreference(String identifier, boolean offersConsent, List<String> segments, long ts) {}
