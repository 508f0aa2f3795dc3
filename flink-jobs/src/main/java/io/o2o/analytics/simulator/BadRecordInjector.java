package io.o2o.analytics.simulator;

import io.o2o.analytics.ingest.DeadLetterReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Makes the broken records: each is derived from a genuine record (so it looks like real traffic) and added
 * next to it, never in its place, so no customer's truth changes. Reasons are drawn evenly.
 *
 * <p>Each break is chosen so that the record fails exactly the check its reason names, given the order in
 * which the engine checks fields: everything the engine reads before the broken field stays valid.
 */
final class BadRecordInjector {
    /**
     * What the simulator breaks, one reason each. A re-sent ping is injected as late; the engine reports it as
     * late_event, or as duplicate_event when it overtakes the original (DeadLetterReason).
     */
    /**
     * The topics whose records come broken: all but the marketers' few rule changes, published from a console
     * that validates them (a bad rule of its own has a test, not a share of the traffic).
     */
    static final List<InputTopic> BREAKABLE_TOPICS = java.util.Arrays.stream(InputTopic.values())
            .filter(topic -> topic != InputTopic.OFFER_RULES)
            .toList();

    static final List<DeadLetterReason> INJECTED = List.of(
            DeadLetterReason.MALFORMED_JSON,
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.INVALID_VALUE,
            DeadLetterReason.COORDINATES_OUT_OF_RANGE,
            DeadLetterReason.TIMESTAMP_IN_FUTURE,
            DeadLetterReason.UNKNOWN_STORE,
            DeadLetterReason.LATE_EVENT,
            DeadLetterReason.TIMESTAMP_TOO_OLD,
            DeadLetterReason.DUPLICATE_EVENT);

    private static final long MINUTE = 60_000;
    private static final long MAX_EXTRA_DELAY_MILLIS = 5_000;
    /** More than the engine's 10-minute allowance for clock skew, by a margin no rounding can erase. */
    private static final long MIN_FUTURE_SKEW_MILLIS = 11 * MINUTE;
    private static final long MAX_FUTURE_SKEW_MILLIS = 6 * 60 * MINUTE;
    private static final long LATE_RESEND_MILLIS = 15 * MINUTE;
    /**
     * A re-sent ping must arrive while other traffic still pushes the watermark past it; in the last minutes
     * of the window nothing would, and it would be an ordinary (duplicate) ping.
     */
    private static final long LATE_RESEND_BEFORE_END_MILLIS = 5 * MINUTE;
    private static final int RESEND_ATTEMPTS = 100;
    /** A till reconnecting sends its receipts again within half an hour. */
    private static final long MAX_RECEIPT_RESEND_MILLIS = 30 * MINUTE;
    /** A phone whose clock reset: its fixes dated within the first day of 1970. */
    private static final long MAX_CLOCK_RESET_MILLIS = 24 * 60 * MINUTE;

    private final SplittableRandom random;
    private final String unknownStoreId;
    private final Map<InputTopic, List<RawRecord>> genuineByTopic = new EnumMap<>(InputTopic.class);
    private final long lastResendableEvent;

    /** A broken record and its truth. */
    record Injection(RawRecord record, InjectedBadRecord truth) {}

    private BadRecordInjector(SimulationSettings settings, FenceCatalog catalog, List<RawRecord> genuine) {
        this.random = RandomStreams.forBadRecords(settings.seed());
        this.unknownStoreId = unknownStoreId(catalog);
        for (RawRecord record : genuine) {
            genuineByTopic.computeIfAbsent(record.topic(), t -> new ArrayList<>()).add(record);
        }
        this.lastResendableEvent = settings.endMillis() - LATE_RESEND_MILLIS - LATE_RESEND_BEFORE_END_MILLIS;
    }

    /**
     * Broken records making up {@code settings.badRecordRate()} of all records, genuine ones included: for G
     * genuine records, round(G * rate / (1 - rate)) broken ones.
     */
    static List<Injection> inject(SimulationSettings settings, FenceCatalog catalog, List<RawRecord> genuine) {
        double rate = settings.badRecordRate();
        long count = Math.round(genuine.size() * rate / (1 - rate));
        if (count == 0 || genuine.isEmpty()) {
            return List.of();
        }
        BadRecordInjector injector = new BadRecordInjector(settings, catalog, genuine);
        List<Injection> injections = new ArrayList<>();
        injector.misspeltRuleChange(settings).ifPresent(injections::add);
        while (injections.size() < count) {
            DeadLetterReason reason = INJECTED.get(injector.random.nextInt(INJECTED.size()));
            Injection injection = injector.make(reason);
            if (injection != null) {
                injections.add(injection);
            }
        }
        return injections;
    }

    /**
     * The marketer edits the flash sale half-way through it and misspells a cap: the change must be rejected as an
     * {@code invalid_rule} and the rule keep running as it was.
     */
    private java.util.Optional<Injection> misspeltRuleChange(SimulationSettings settings) {
        List<RawRecord> rules = genuineByTopic.getOrDefault(InputTopic.OFFER_RULES, List.of());
        if (rules.isEmpty()) {
            return java.util.Optional.empty();
        }
        RawRecord added = rules.get(0);
        ObjectNode json = RecordJson.read(added.value());
        json.put("version", 2);
        json.putObject("caps").put("perDay", 2);
        long at = (OfferRuleChanges.addedAt(settings) + OfferRuleChanges.removedAt(settings)) / 2;
        RecordJson.putTs(json, at, RecordJson.Clock.ISO);
        String value = RecordJson.write(json);
        return java.util.Optional.of(injection(added, value, at + 1000, DeadLetterReason.INVALID_RULE));
    }

    /** A broken record for that reason, or null when no genuine record can carry it (no till receipts, ...). */
    private Injection make(DeadLetterReason reason) {
        return switch (reason) {
            case MALFORMED_JSON -> truncated();
            case MISSING_FIELD -> withoutRequiredField();
            case INVALID_VALUE -> withInvalidValue();
            case COORDINATES_OUT_OF_RANGE -> outOfRange();
            case TIMESTAMP_IN_FUTURE -> fromTheFuture();
            case UNKNOWN_STORE -> fromUnknownStore();
            case LATE_EVENT -> resentLate();
            case TIMESTAMP_TOO_OLD -> fromAResetClock();
            case DUPLICATE_EVENT -> resentReceipt();
            case MERGE_REFUSED, INVALID_RULE -> throw new IllegalArgumentException("not injected: " + reason);
        };
    }

    private Injection truncated() {
        RawRecord base = anyRecord(BREAKABLE_TOPICS);
        // A strict prefix of a JSON object never closes it, so it can never parse; nor can a whole one followed
        // by the tail of the next (two records run together by a broken upload).
        String value = random.nextInt(4) == 0
                ? base.value() + "}"
                : base.value().substring(0, 1 + random.nextInt(base.value().length() - 1));
        return injection(base, value, base.timestampMillis() + extraDelay(), DeadLetterReason.MALFORMED_JSON);
    }

    private Injection fromAResetClock() {
        RawRecord base = anyRecord(BREAKABLE_TOPICS);
        ObjectNode json = RecordJson.read(base.value());
        long ts = random.nextLong(MAX_CLOCK_RESET_MILLIS);
        RecordJson.putTs(json, ts, json.get("ts").isNumber() ? RecordJson.Clock.EPOCH_MILLIS : RecordJson.Clock.ISO);
        return injection(base, json, DeadLetterReason.TIMESTAMP_TOO_OLD);
    }

    /** A till that lost its connection sends a receipt again, minutes later, exactly as before. */
    private Injection resentReceipt() {
        RawRecord base = anyRecord(List.of(InputTopic.POS_TRANSACTIONS));
        if (base == null) {
            return null;
        }
        long arrival = base.timestampMillis() + RandomStreams.millisBetween(random, MINUTE, MAX_RECEIPT_RESEND_MILLIS);
        return injection(base, base.value(), arrival, DeadLetterReason.DUPLICATE_EVENT);
    }

    private Injection withoutRequiredField() {
        RawRecord base = anyRecord(BREAKABLE_TOPICS);
        ObjectNode json = RecordJson.read(base.value());
        List<String> fields = switch (base.topic()) {
            case LBS_PINGS -> List.of("lat", "lon");
            case STORE_SENSORS -> List.of("storeId", "kind");
            case ONLINE_EVENTS -> List.of("action");
            case POS_TRANSACTIONS -> List.of("storeId", "items");
            case IDENTITY_LINKS -> List.of("b");
            case MARKETING_PREFERENCES -> List.of("consent");
            case OFFER_RULES -> throw new IllegalStateException("rule changes are not broken");
        };
        json.remove(RandomStreams.pick(random, fields));
        return injection(base, json, DeadLetterReason.MISSING_FIELD);
    }

    private Injection withInvalidValue() {
        RawRecord base = anyRecord(List.of(InputTopic.LBS_PINGS, InputTopic.ONLINE_EVENTS, InputTopic.STORE_SENSORS));
        if (base == null) {
            return null;
        }
        ObjectNode json = RecordJson.read(base.value());
        switch (base.topic()) {
            case LBS_PINGS -> {
                if (random.nextBoolean()) {
                    json.put("source", "satellite");
                } else {
                    json.put("accuracyM", -RecordJson.round(json.get("accuracyM").asDouble(), 10));
                }
            }
            case ONLINE_EVENTS -> json.put("channel", "fax");
            default -> json.put("kind", "infrared");
        }
        return injection(base, json, DeadLetterReason.INVALID_VALUE);
    }

    private Injection outOfRange() {
        RawRecord base = anyRecord(List.of(InputTopic.LBS_PINGS));
        if (base == null) {
            return null;
        }
        ObjectNode json = RecordJson.read(base.value());
        switch (random.nextInt(3)) {
            case 0 -> json.put("lat", 123.4);
            case 1 -> json.put("lon", 200.5);
            default -> json.put("lat", Double.NaN);
        }
        return injection(base, json, DeadLetterReason.COORDINATES_OUT_OF_RANGE);
    }

    private Injection fromTheFuture() {
        RawRecord base = anyRecord(BREAKABLE_TOPICS);
        ObjectNode json = RecordJson.read(base.value());
        long arrival = base.timestampMillis() + extraDelay();
        long ts = arrival + RandomStreams.millisBetween(random, MIN_FUTURE_SKEW_MILLIS, MAX_FUTURE_SKEW_MILLIS);
        RecordJson.putTs(json, ts, json.get("ts").isNumber() ? RecordJson.Clock.EPOCH_MILLIS : RecordJson.Clock.ISO);
        return injection(base, RecordJson.write(json), arrival, DeadLetterReason.TIMESTAMP_IN_FUTURE);
    }

    private Injection fromUnknownStore() {
        RawRecord base = anyRecord(List.of(InputTopic.STORE_SENSORS, InputTopic.POS_TRANSACTIONS));
        if (base == null) {
            return null;
        }
        ObjectNode json = RecordJson.read(base.value());
        String storeId = json.get("storeId").asText();
        json.put("storeId", unknownStoreId);
        if (json.has("txId")) {
            // A different till's receipt, not a second copy of the genuine one.
            json.put("txId", json.get("txId").asText().replace(storeId, unknownStoreId));
        }
        String value = RecordJson.write(json);
        return new Injection(
                new RawRecord(base.topic(), unknownStoreId, value, base.timestampMillis() + extraDelay()),
                new InjectedBadRecord(base.topic(), value, DeadLetterReason.UNKNOWN_STORE.code()));
    }

    /** Pings early enough to be re-sent are most of them, so a few random draws find one. */
    private Injection resentLate() {
        List<RawRecord> pings = genuineByTopic.getOrDefault(InputTopic.LBS_PINGS, List.of());
        for (int attempt = 0; attempt < RESEND_ATTEMPTS && !pings.isEmpty(); attempt++) {
            RawRecord base = RandomStreams.pick(random, pings);
            long eventTime = eventTime(RecordJson.read(base.value()));
            if (eventTime <= lastResendableEvent) {
                return injection(base, base.value(), eventTime + LATE_RESEND_MILLIS + extraDelay(), DeadLetterReason.LATE_EVENT);
            }
        }
        return null;
    }

    /** A genuine record of one of the topics, or null if none of them has any. */
    private RawRecord anyRecord(List<InputTopic> topics) {
        List<InputTopic> present = topics.stream().filter(genuineByTopic::containsKey).toList();
        if (present.isEmpty()) {
            return null;
        }
        return RandomStreams.pick(random, genuineByTopic.get(RandomStreams.pick(random, present)));
    }

    private Injection injection(RawRecord base, ObjectNode json, DeadLetterReason reason) {
        return injection(base, RecordJson.write(json), base.timestampMillis() + extraDelay(), reason);
    }

    private static Injection injection(RawRecord base, String value, long arrival, DeadLetterReason reason) {
        return new Injection(
                new RawRecord(base.topic(), base.key(), value, arrival),
                new InjectedBadRecord(base.topic(), value, reason.code()));
    }

    private long extraDelay() {
        return random.nextLong(MAX_EXTRA_DELAY_MILLIS + 1);
    }

    private static long eventTime(JsonNode json) {
        JsonNode ts = json.get("ts");
        return ts.isNumber() ? ts.asLong() : Instant.parse(ts.asText()).toEpochMilli();
    }

    private static String unknownStoreId(FenceCatalog catalog) {
        String candidate = "sh-999";
        for (int i = 0; catalog.hasStore(candidate); i++) {
            candidate = "zz-" + (999 - i);
        }
        return candidate;
    }
}
