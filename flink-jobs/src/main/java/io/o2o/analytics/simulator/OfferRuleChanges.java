package io.o2o.analytics.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.StoreFence;
import io.o2o.analytics.fence.ZoneFence;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.RecordJson.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A marketer at work during the simulated window: a rule apologising to customers who wait at the checkout of the
 * city's largest store is added at 40% of the window and removed at 70%, on the {@code offer-rules} topic, so that a
 * run shows rules changing without a restart (docs/offers.md).
 */
public final class OfferRuleChanges {
    public static final String RULE_ID = "queue-apology";
    static final double ADDED_AT = 0.4;
    static final double REMOVED_AT = 0.7;
    /** Marketers publish from a console: the change reaches Kafka a second after it was made. */
    private static final long PUBLISH_DELAY_MILLIS = 1000;

    private OfferRuleChanges() {}

    /** When the rule is added and removed, in event time. */
    public static long addedAt(SimulationSettings settings) {
        return at(settings, ADDED_AT);
    }

    public static long removedAt(SimulationSettings settings) {
        return at(settings, REMOVED_AT);
    }

    /** The checkout zone the rule is about: that of the largest store that has one. */
    public static Optional<ZoneFence> checkoutZone(FenceCatalog fences) {
        return fences.stores().stream()
                .sorted(Comparator.comparingInt(StoreFence::capacity).reversed().thenComparing(StoreFence::id))
                .flatMap(store -> fences.zonesOf(store.id()).stream())
                .filter(zone -> zone.kind().equals("checkout"))
                .findFirst();
    }

    static List<RawRecord> records(FenceCatalog fences, SimulationSettings settings) {
        Optional<ZoneFence> zone = checkoutZone(fences);
        if (zone.isEmpty()) {
            return List.of();
        }
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode added = json.objectNode().put("id", RULE_ID).put("version", 1)
                .put("name", "Sorry for the wait at the " + zone.get().name());
        added.putObject("trigger").put("type", "dwell").put("zone", zone.get().id()).put("for", "PT4M");
        added.putArray("stores").add(zone.get().storeId());
        added.putObject("caps").put("perCustomerPerDay", 1);
        added.putObject("offer").put("title", "Sorry for the wait").put("message", "5% off this purchase, on us.")
                .put("couponCode", "QUEUE5");
        RecordJson.putTs(added, addedAt(settings), Clock.ISO);
        ObjectNode removed = json.objectNode().put("id", RULE_ID).put("status", "deleted");
        RecordJson.putTs(removed, removedAt(settings), Clock.ISO);
        List<RawRecord> records = new ArrayList<>();
        records.add(new RawRecord(InputTopic.OFFER_RULES, RULE_ID, RecordJson.write(added),
                addedAt(settings) + PUBLISH_DELAY_MILLIS));
        records.add(new RawRecord(InputTopic.OFFER_RULES, RULE_ID, RecordJson.write(removed),
                removedAt(settings) + PUBLISH_DELAY_MILLIS));
        return records;
    }

    private static long at(SimulationSettings settings, double share) {
        return settings.startMillis() + Math.round((settings.endMillis() - settings.startMillis()) * share);
    }
}
