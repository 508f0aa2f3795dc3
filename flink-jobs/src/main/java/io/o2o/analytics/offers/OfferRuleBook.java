package io.o2o.analytics.offers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The versions of every rule over event time: those of the rules file (in effect from the start), and every
 * change from the {@code offer-rules} topic from its {@code ts}. {@link #activeAt} gives the rules that hold at an
 * instant, so a trigger is judged by the rules of its own time, whenever it is processed.
 */
final class OfferRuleBook {
    /** Rule id to its versions: from when, the rule JSON (null: deleted). */
    private final Map<String, TreeMap<Long, String>> versions = new HashMap<>();
    private final OfferRuleParser parser;
    /** Rules read once per JSON text. */
    private final Map<String, OfferRule> parsed = new HashMap<>();

    OfferRuleBook(OfferRuleParser parser) {
        this.parser = parser;
    }

    void put(String ruleId, long from, String ruleJson) {
        versions.computeIfAbsent(ruleId, id -> new TreeMap<>()).put(from, ruleJson);
    }

    /** The active rules at {@code at}, ordered by id so that caps are spent in a fixed order. */
    List<OfferRule> activeAt(long at) {
        List<OfferRule> active = new ArrayList<>();
        for (TreeMap<Long, String> ruleVersions : versions.values()) {
            Map.Entry<Long, String> current = ruleVersions.floorEntry(at);
            if (current != null && current.getValue() != null) {
                OfferRule rule = parsed.computeIfAbsent(current.getValue(), parser::fromValidJson);
                if (rule.active()) {
                    active.add(rule);
                }
            }
        }
        active.sort(java.util.Comparator.comparing(OfferRule::id));
        return active;
    }
}
