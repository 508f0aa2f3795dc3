package io.o2o.analytics.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.offers.OfferRuleChange;
import io.o2o.analytics.offers.OfferRuleException;
import io.o2o.analytics.offers.OfferRuleParser;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.IdentityLink;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.MarketingPreference;
import io.o2o.analytics.records.OnlineEvent;
import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.records.StoreSensorEvent;
import java.io.Serializable;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns raw input records into typed events, enforcing the input contract (README, "Input contract").
 * Anything that breaks the contract becomes a {@link DeadLetter} with a reason; nothing is thrown and
 * nothing is dropped. Personal identifiers are hashed here, so nothing downstream ever sees them raw.
 */
public final class InputParser implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Set<String> PING_SOURCES = Set.of("gps", "wifi", "cell");
    static final Set<String> SENSOR_KINDS = Set.of("wifi_probe", "ble_beacon", "wearable", "door_counter");
    static final Set<String> CHANNELS = Set.of("app", "wechat", "weibo", "web", "mini_program");
    static final Set<String> ACTIONS = Set.of("view", "cart", "coupon_claim", "order", "login");
    static final Set<String> CONSENT = Set.of(CustomerActivity.OPT_IN, CustomerActivity.OPT_OUT);
    static final Set<String> IDENTITY_KINDS = Set.of("user", "member", "device", "phone", "wechat", "weibo");

    private final IdentifierHasher hasher;
    private final Set<String> knownStoreIds;
    private final long maxFutureSkewMillis;
    private final long maxPastAgeMillis;
    private final PersonalDataMask mask;
    /** Validates changes on the offer-rules topic; null for a parser of behaviour only, which rejects them. */
    private final OfferRuleParser offerRules;

    private transient ObjectMapper mapper;

    /**
     * @param knownStoreIds store ids of the fence catalogue; a store event naming another store is rejected
     * @param maxFutureSkew how far an event's time may lie after the record's arrival time (clock skew)
     */
    public InputParser(IdentifierHasher hasher, Set<String> knownStoreIds, Duration maxFutureSkew) {
        this(hasher, knownStoreIds, maxFutureSkew, DEFAULT_MAX_PAST_AGE, null);
    }

    /** What {@code ingest.max-past-age} defaults to. */
    public static final Duration DEFAULT_MAX_PAST_AGE = Duration.ofDays(7);

    /**
     * @param maxPastAge how far an event's time may lie before the record's arrival time (a phone that uploads a
     *     backlog); older is a clock reset to 1970 or a replay of another era, not a live event
     * @param offerRules validates the changes of the {@code offer-rules} topic against the fence file
     */
    public InputParser(IdentifierHasher hasher, Set<String> knownStoreIds, Duration maxFutureSkew,
            Duration maxPastAge, OfferRuleParser offerRules) {
        this.hasher = hasher;
        this.knownStoreIds = Set.copyOf(knownStoreIds);
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.maxPastAgeMillis = maxPastAge.toMillis();
        this.offerRules = offerRules;
        this.mask = new PersonalDataMask(hasher);
    }

    /** Never throws: any value of any field yields a record or a dead letter. */
    public Ingested parse(RawRecord raw) {
        JsonNode json = null;
        try {
            json = mapper().readTree(raw.value() == null ? "" : raw.value());
            if (json == null || !json.isObject()) {
                throw new Rejection(DeadLetterReason.MALFORMED_JSON, "not a JSON object");
            }
            return switch (raw.topic()) {
                case LBS_PINGS -> Ingested.of(raw, ping(json, raw));
                case STORE_SENSORS -> Ingested.of(raw, sensor(json, raw));
                case ONLINE_EVENTS -> Ingested.of(raw, online(json, raw));
                case POS_TRANSACTIONS -> Ingested.of(raw, pos(json, raw));
                case IDENTITY_LINKS -> Ingested.of(raw, link(json, raw));
                case MARKETING_PREFERENCES -> Ingested.of(raw, preference(json, raw));
                case OFFER_RULES -> Ingested.of(raw, ruleChange(raw));
            };
        } catch (JsonProcessingException e) {
            return reject(raw, null, DeadLetterReason.MALFORMED_JSON, mask.detail(e.getOriginalMessage(), true));
        } catch (Rejection r) {
            return reject(raw, json, r.reason, mask.detail(r.getMessage(), false));
        } catch (RuntimeException e) {
            // A value no check above foresaw: a dead letter all the same, never a failed source.
            return reject(raw, json, DeadLetterReason.INVALID_VALUE,
                    "a value could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Ingested reject(RawRecord raw, JsonNode json, DeadLetterReason reason, String detail) {
        String excerpt;
        String fields;
        try {
            excerpt = mask.excerpt(json, raw.value(), mapper());
            fields = mask.fieldNames(json, raw.value());
        } catch (RuntimeException e) {
            // Better no excerpt than a raw one.
            excerpt = "";
            fields = "";
        }
        return Ingested.rejected(raw.topic(), new DeadLetter(raw.topic().defaultTopicName(), raw.partition(),
                raw.offset(), reason.code(), detail, fields, excerpt, raw.timestampMillis()));
    }

    private LbsPing ping(JsonNode json, RawRecord raw) {
        String deviceId = requiredText(json, "deviceId");
        double lat = requiredNumber(json, "lat");
        double lon = requiredNumber(json, "lon");
        if (!(lat >= -90 && lat <= 90) || !(lon >= -180 && lon <= 180)) {
            throw new Rejection(
                    DeadLetterReason.COORDINATES_OUT_OF_RANGE, "lat " + lat + ", lon " + lon + " is not a WGS84 position");
        }
        double accuracy = requiredNumber(json, "accuracyM");
        if (!(accuracy >= 0) || Double.isInfinite(accuracy)) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "accuracyM must be a finite number >= 0, was " + accuracy);
        }
        String source = oneOf(json, "source", PING_SOURCES);
        return new LbsPing(
                hasher.hashDevice(deviceId),
                optionalText(json, "userId"),
                lat,
                lon,
                accuracy,
                timestamp(json, raw),
                source,
                raw.timestampMillis());
    }

    private StoreSensorEvent sensor(JsonNode json, RawRecord raw) {
        String sensorId = requiredText(json, "sensorId");
        String storeId = knownStore(requiredText(json, "storeId"));
        String zoneId = requiredText(json, "zoneId");
        String kind = oneOf(json, "kind", SENSOR_KINDS);
        String deviceId = null;
        Integer in = null;
        Integer out = null;
        if (kind.equals(StoreSensorEvent.DOOR_COUNTER)) {
            in = nonNegativeInt(json, "in");
            out = nonNegativeInt(json, "out");
        } else {
            deviceId = hasher.hashDevice(requiredText(json, "deviceHash"));
        }
        Integer rssi = json.hasNonNull("rssi") ? (int) requiredNumber(json, "rssi") : null;
        return new StoreSensorEvent(sensorId, storeId, zoneId, kind, deviceId, rssi, in, out, timestamp(json, raw));
    }

    private OnlineEvent online(JsonNode json, RawRecord raw) {
        String userId = requiredText(json, "userId");
        String channel = oneOf(json, "channel", CHANNELS);
        String action = oneOf(json, "action", ACTIONS);
        String storeId = optionalText(json, "storeId");
        if (storeId != null) {
            knownStore(storeId);
        }
        return new OnlineEvent(userId, channel, action, optionalText(json, "sku"), storeId, timestamp(json, raw));
    }

    private PosTransaction pos(JsonNode json, RawRecord raw) {
        String txId = requiredText(json, "txId");
        String storeId = knownStore(requiredText(json, "storeId"));
        double amount = requiredNumber(json, "amount");
        if (!Double.isFinite(amount)) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "amount must be finite, was " + amount);
        }
        JsonNode itemsNode = json.get("items");
        if (itemsNode == null || itemsNode.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing field 'items'");
        }
        if (!itemsNode.isArray()) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'items' must be an array");
        }
        List<PosItem> items = new ArrayList<>(itemsNode.size());
        for (JsonNode item : itemsNode) {
            if (!item.isObject()) {
                throw new Rejection(DeadLetterReason.INVALID_VALUE, "each item must be an object");
            }
            items.add(new PosItem(requiredText(item, "sku"), optionalText(item, "zoneId"), nonNegativeInt(item, "qty")));
        }
        return new PosTransaction(
                txId, storeId, optionalText(json, "memberId"), amount, List.copyOf(items), timestamp(json, raw));
    }

    private IdentityLink link(JsonNode json, RawRecord raw) {
        return new IdentityLink(identity(json, "a"), identity(json, "b"), timestamp(json, raw));
    }

    private MarketingPreference preference(JsonNode json, RawRecord raw) {
        String identifier = identity(json, "identifier");
        boolean consent = oneOf(json, "consent", CONSENT).equals(CustomerActivity.OPT_IN);
        List<String> segments = new ArrayList<>();
        JsonNode list = json.get("segments");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new Rejection(DeadLetterReason.INVALID_VALUE, "'segments' must be an array of texts");
            }
            for (JsonNode segment : list) {
                if (!segment.isTextual() || segment.asText().isBlank()) {
                    throw new Rejection(DeadLetterReason.INVALID_VALUE, "'segments' must be an array of texts");
                }
                segments.add(segment.asText());
            }
        }
        return new MarketingPreference(identifier, consent, List.copyOf(segments), timestamp(json, raw));
    }

    /** The whole record is the rule; every problem goes into the dead letter's detail. */
    private OfferRuleChange ruleChange(RawRecord raw) {
        if (offerRules == null) {
            throw new Rejection(DeadLetterReason.INVALID_RULE, "this parser validates no offer rules");
        }
        try {
            OfferRuleChange change = offerRules.parseChange(raw.value());
            checkEventTime(change.ts(), raw);
            return change;
        } catch (OfferRuleException e) {
            throw new Rejection(DeadLetterReason.INVALID_RULE, String.join("; ", e.problems()));
        }
    }

    /** {@code kind:id}, with device and phone ids replaced by their keyed hash. */
    private String identity(JsonNode json, String field) {
        String value = requiredText(json, field);
        int colon = value.indexOf(':');
        String kind = colon > 0 ? value.substring(0, colon).toLowerCase(Locale.ROOT) : "";
        String id = colon > 0 ? value.substring(colon + 1) : "";
        if (!IDENTITY_KINDS.contains(kind) || id.isBlank()) {
            throw new Rejection(
                    DeadLetterReason.INVALID_VALUE,
                    "'" + field + "' must be <kind>:<id> with kind one of " + sorted(IDENTITY_KINDS));
        }
        return switch (kind) {
            case "device" -> "device:" + hasher.hashDevice(id);
            case "phone" -> "phone:" + hasher.hashPhone(id);
            default -> kind + ":" + id;
        };
    }

    private long timestamp(JsonNode json, RawRecord raw) {
        JsonNode ts = json.get("ts");
        if (ts == null || ts.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing field 'ts'");
        }
        long millis;
        if (ts.isIntegralNumber()) {
            if (!ts.canConvertToLong()) {
                throw new Rejection(DeadLetterReason.INVALID_VALUE, "'ts' is beyond any epoch milliseconds");
            }
            millis = ts.asLong();
        } else if (ts.isTextual()) {
            try {
                millis = OffsetDateTime.parse(ts.asText()).toInstant().toEpochMilli();
            } catch (DateTimeException | ArithmeticException e) {
                // ArithmeticException: a valid ISO year such as +300000000 overflows epoch milliseconds.
                throw new Rejection(DeadLetterReason.INVALID_VALUE,
                        "'ts' is neither ISO-8601 within epoch milliseconds nor epoch milliseconds: "
                                + PersonalDataMask.shortened(ts.asText()));
            }
        } else {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'ts' must be an ISO-8601 string or epoch milliseconds");
        }
        checkEventTime(millis, raw);
        return millis;
    }

    /** An event time within the window around the record's own arrival time, or a rejection saying how far off. */
    private void checkEventTime(long millis, RawRecord raw) {
        long arrived = raw.timestampMillis();
        // A difference that overflows is negative: as far off as can be.
        long ahead = millis - arrived;
        if (millis > arrived && (ahead < 0 || ahead > maxFutureSkewMillis)) {
            throw new Rejection(DeadLetterReason.TIMESTAMP_IN_FUTURE, "event time is "
                    + (ahead < 0 ? "centuries" : Duration.ofMillis(ahead).toSeconds() + " s") + " after the record arrived");
        }
        long behind = arrived - millis;
        if (millis < arrived && (behind < 0 || behind > maxPastAgeMillis)) {
            throw new Rejection(DeadLetterReason.TIMESTAMP_TOO_OLD, "event time is "
                    + (behind < 0 ? "centuries" : Duration.ofMillis(behind).toHours() + " h")
                    + " before the record arrived (more than " + Duration.ofMillis(maxPastAgeMillis).toHours() + " h)");
        }
    }

    private String knownStore(String storeId) {
        if (!knownStoreIds.contains(storeId)) {
            throw new Rejection(DeadLetterReason.UNKNOWN_STORE, "store '" + storeId + "' is not in the fence catalogue");
        }
        return storeId;
    }

    private static String requiredText(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!node.isValueNode() || node.isBoolean()) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'" + field + "' must be a string");
        }
        return node.asText();
    }

    private static String optionalText(JsonNode json, String field) {
        return json.hasNonNull(field) && !json.get(field).asText().isBlank() ? requiredText(json, field) : null;
    }

    private static double requiredNumber(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            throw new Rejection(DeadLetterReason.MISSING_FIELD, "missing field '" + field + "'");
        }
        if (!node.isNumber()) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'" + field + "' must be a number");
        }
        return node.asDouble();
    }

    private static int nonNegativeInt(JsonNode json, String field) {
        double value = requiredNumber(json, field);
        if (value < 0 || value != Math.rint(value) || value > Integer.MAX_VALUE) {
            throw new Rejection(DeadLetterReason.INVALID_VALUE, "'" + field + "' must be a whole number >= 0");
        }
        return (int) value;
    }

    private static String oneOf(JsonNode json, String field, Set<String> allowed) {
        String value = requiredText(json, field);
        if (!allowed.contains(value)) {
            throw new Rejection(
                    DeadLetterReason.INVALID_VALUE, "'" + field + "' must be one of " + sorted(allowed) + ", was '" + value + "'");
        }
        return value;
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            // NaN in a coordinate is a range problem, not a syntax one: let it through to be judged by range.
            // Trailing garbage ("{}}") is a syntax problem, like any other.
            mapper = JsonMapper.builder()
                    .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .build();
        }
        return mapper;
    }

    /** A contract violation; cheap, since it is control flow for bad input, not a bug. */
    private static final class Rejection extends RuntimeException {
        private final DeadLetterReason reason;

        Rejection(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
