package io.o2o.analytics.simulator;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.simulator.RecordJson.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A marketer at work during the simulated window: a flash sale for everyone passing any store is added at 40% of
 * the window and removed at 70%, on the {@code offer-rules} topic, so that a run shows rules changing without a
 * restart (docs/offers.md).
 */
public final class OfferRuleChanges {
    public static final String RULE_ID = "flash-sale";
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

    static List<RawRecord> records(SimulationSettings settings) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode added = json.objectNode().put("id", RULE_ID).put("version", 1).put("name", "Flash sale for passers-by");
        added.putObject("trigger").put("type", "pass_by");
        added.putObject("caps").put("perCustomerPerDay", 1);
        added.putObject("offer").put("title", "Flash sale").put("message", "20% off everything for the next hour.")
                .put("couponCode", "FLASH20");
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
