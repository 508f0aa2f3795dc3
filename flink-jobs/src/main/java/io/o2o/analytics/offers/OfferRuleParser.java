package io.o2o.analytics.offers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.ZoneFence;
import io.o2o.analytics.offers.OfferRule.Audience;
import io.o2o.analytics.offers.OfferRule.Caps;
import io.o2o.analytics.offers.OfferRule.Schedule;
import io.o2o.analytics.offers.OfferRule.Trigger;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads offer rules (docs/offers.md) and says everything that is wrong with them, where: an unknown field, a
 * missing one, a store or zone the fence file does not have, a duration that is not ISO-8601, a window longer
 * than the engine follows. A rules file either loads whole or not at all; a change on the {@code offer-rules}
 * topic is accepted or rejected on its own.
 */
public final class OfferRuleParser implements Serializable {
    private static final long serialVersionUID = 1L;

    static final Pattern RULE_ID = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    static final Set<String> ENGAGEMENT_ACTIONS = Set.of("view", "cart", "coupon_claim");
    static final Set<String> NEAR = Set.of("pass_by", "enter");
    static final Set<String> CHANNELS = Set.of("app", "wechat", "weibo", "web", "mini_program");
    static final Duration DEFAULT_GRACE = Duration.ofMinutes(30);
    static final Duration MAX_GRACE = Duration.ofDays(1);
    static final Duration MAX_REDEMPTION = Duration.ofDays(90);

    private static final String CLASSPATH = "classpath:";
    private static final Set<String> RULE_FIELDS = Set.of("id", "version", "name", "status", "trigger", "audience",
            "stores", "schedule", "caps", "offer", "redeemWithin");
    private static final Map<OfferTrigger, Set<String>> TRIGGER_FIELDS = Map.of(
            OfferTrigger.ENTER, Set.of("type"),
            OfferTrigger.PASS_BY, Set.of("type"),
            OfferTrigger.DWELL, Set.of("type", "for", "zone"),
            OfferTrigger.ENGAGED_THEN_NEAR, Set.of("type", "within", "actions", "skus", "near"),
            OfferTrigger.VISIT_WITHOUT_PURCHASE, Set.of("type", "grace"),
            OfferTrigger.LAPSED_MEMBER_NEARBY, Set.of("type", "lapsedFor", "near"));

    private final Set<String> storeIds;
    /** Zone id to the store it is in. */
    private final Map<String, String> zones;
    private final Duration maxEngagementWindow;

    private transient ObjectMapper mapper;

    /** @param maxEngagementWindow the longest {@code within} the engine follows ({@code offers.engagement-window}) */
    public OfferRuleParser(FenceCatalog fences, Duration maxEngagementWindow) {
        this.storeIds = new TreeSet<>();
        fences.stores().forEach(store -> storeIds.add(store.id()));
        this.zones = new HashMap<>();
        for (ZoneFence zone : fences.zones()) {
            zones.put(zone.id(), zone.storeId());
        }
        this.maxEngagementWindow = maxEngagementWindow;
    }

    /**
     * A rules file ({@code classpath:} resource or path), each rule in effect from the start: as changes dated
     * {@link Long#MIN_VALUE}.
     */
    public List<OfferRuleChange> load(String location) throws OfferRuleException {
        String source = location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf(':')) + 1);
        String text;
        if (location.startsWith(CLASSPATH)) {
            try (java.io.InputStream in = OfferRuleParser.class.getClassLoader()
                    .getResourceAsStream(location.substring(CLASSPATH.length()))) {
                if (in == null) {
                    throw new OfferRuleException(source, List.of("no such resource on the classpath: " + location));
                }
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new OfferRuleException(source, List.of("cannot read: " + e.getMessage()));
            }
        } else {
            try {
                text = Files.readString(Path.of(location));
            } catch (java.io.IOException e) {
                throw new OfferRuleException(source, List.of("cannot read " + location + ": " + e));
            }
        }
        return parseRules(text, source);
    }

    /** A rules file's text: {@code {"rules": [...]}} or a bare array. Ids must be unique. */
    public List<OfferRuleChange> parseRules(String json, String source) throws OfferRuleException {
        List<String> problems = new ArrayList<>();
        JsonNode root = read(json, source);
        JsonNode rules = root.isObject() ? root.get("rules") : root;
        if (root.isObject() && root.size() != 1 || rules == null || !rules.isArray()) {
            throw new OfferRuleException(source, List.of("expected {\"rules\": [ ... ]} or an array of rules"));
        }
        List<OfferRuleChange> parsed = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            String path = "rules[" + i + "]";
            JsonNode rule = rules.get(i);
            if (rule.has("ts")) {
                problems.add(path + ".ts: only rule changes on the offer-rules topic carry a time");
                rule = ((ObjectNode) rule).deepCopy();
                ((ObjectNode) rule).remove("ts");
            }
            String id = rule.path("id").asText(null);
            if (id != null && !ids.add(id)) {
                problems.add(path + ".id: '" + id + "' is used by an earlier rule");
            }
            OfferRule valid = rule(rule, path, problems);
            if (valid != null) {
                parsed.add(new OfferRuleChange(valid.id(), Long.MIN_VALUE, rule.toString()));
            }
        }
        if (!problems.isEmpty()) {
            throw new OfferRuleException(source, problems);
        }
        return parsed;
    }

    /**
     * One change from the {@code offer-rules} topic: a whole rule with {@code ts}, when it takes effect, or
     * {@code {"id": ..., "status": "deleted", "ts": ...}}. {@code ts} is epoch milliseconds or ISO-8601.
     */
    public OfferRuleChange parseChange(String json) throws OfferRuleException {
        JsonNode node = read(json, "offer rule");
        List<String> problems = new ArrayList<>();
        if (!node.isObject()) {
            throw new OfferRuleException("offer rule", List.of("a rule change must be a JSON object"));
        }
        Long ts = instant(node, "ts", "rule", problems, true);
        if ("deleted".equals(node.path("status").asText(null))) {
            String id = ruleId(node, "rule", problems);
            node.fieldNames().forEachRemaining(field -> {
                if (!Set.of("id", "status", "ts").contains(field)) {
                    problems.add("rule." + field + ": a deletion carries only id, status and ts");
                }
            });
            if (!problems.isEmpty()) {
                throw new OfferRuleException("offer rule", problems);
            }
            return new OfferRuleChange(id, ts, null);
        }
        ObjectNode rule = ((ObjectNode) node).deepCopy();
        rule.remove("ts");
        OfferRule valid = rule(rule, "rule", problems);
        if (!problems.isEmpty()) {
            throw new OfferRuleException("offer rule", problems);
        }
        return new OfferRuleChange(valid.id(), ts, rule.toString());
    }

    /** A rule that validated before (kept as JSON in the job's state), read again. */
    public OfferRule fromValidJson(String ruleJson) {
        List<String> problems = new ArrayList<>();
        try {
            OfferRule rule = rule(read(ruleJson, "rule"), "rule", problems);
            if (rule == null) {
                throw new IllegalStateException("a stored rule no longer validates: " + problems);
            }
            return rule;
        } catch (OfferRuleException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private OfferRule rule(JsonNode node, String path, List<String> problems) {
        int before = problems.size();
        if (!node.isObject()) {
            problems.add(path + ": a rule must be a JSON object");
            return null;
        }
        unknownFields(node, path, RULE_FIELDS, problems);
        String id = ruleId(node, path, problems);
        int version = 0;
        if (node.has("version")) {
            JsonNode v = node.get("version");
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) {
                problems.add(path + ".version: must be a whole number >= 0");
            } else {
                version = v.asInt();
            }
        }
        String name = node.path("name").asText(id);
        String status = node.path("status").asText("active");
        if (!Set.of("active", "paused").contains(status)) {
            problems.add(path + ".status: must be 'active' or 'paused' (a deletion goes on the offer-rules topic)");
        }
        Set<String> stores = stringSet(node, "stores", path, problems, storeIds, "a store of the fence file");
        if (node.has("stores") && node.get("stores").isArray() && node.get("stores").isEmpty()) {
            problems.add(path + ".stores: leave it out for every store, or name at least one");
        }
        Trigger trigger = trigger(node.get("trigger"), path + ".trigger", stores, problems);
        Audience audience = audience(node.get("audience"), path + ".audience", problems);
        Schedule schedule = schedule(node.get("schedule"), path + ".schedule", problems);
        Caps caps = caps(node.get("caps"), path + ".caps", problems);
        JsonNode offer = node.get("offer");
        if (offer == null || !offer.isObject() || offer.isEmpty()) {
            problems.add(path + ".offer: required, a non-empty JSON object (what the customer receives)");
        }
        Duration redeemWithin = duration(node, "redeemWithin", path, problems, false);
        if (redeemWithin != null && (redeemWithin.isZero() || redeemWithin.compareTo(MAX_REDEMPTION) > 0)) {
            problems.add(path + ".redeemWithin: must be more than zero and at most " + MAX_REDEMPTION);
        }
        if (problems.size() > before) {
            return null;
        }
        return new OfferRule(id, version, name, status.equals("active"), trigger, audience, stores, schedule, caps,
                offer.toString(), redeemWithin);
    }

    private String ruleId(JsonNode node, String path, List<String> problems) {
        String id = node.path("id").asText(null);
        if (id == null || !node.get("id").isTextual()) {
            problems.add(path + ".id: required, a text");
            return null;
        }
        if (!RULE_ID.matcher(id).matches()) {
            problems.add(path + ".id: '" + id + "' must be 1 to 64 of a-z, 0-9, '_', '.', '-' (it is a metrics tag)");
        }
        return id;
    }

    private Trigger trigger(JsonNode node, String path, Set<String> stores, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add(path + ": required, an object with a type");
            return null;
        }
        String code = node.path("type").asText("");
        OfferTrigger type = OfferTrigger.ofCode(code).orElse(null);
        if (type == null) {
            problems.add(path + ".type: '" + code + "' is not one of " + codes());
            return null;
        }
        Set<String> allowed = TRIGGER_FIELDS.get(type);
        node.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                problems.add(path + "." + field + ": does not apply to trigger '" + code + "' (it takes "
                        + new TreeSet<>(allowed) + ")");
            }
        });
        Duration dwell = duration(node, "for", path, problems, type == OfferTrigger.DWELL);
        if (dwell != null && dwell.isZero()) {
            problems.add(path + ".for: must be more than zero");
        }
        String zone = node.path("zone").asText(null);
        if (zone != null) {
            String store = zones.get(zone);
            if (store == null) {
                problems.add(path + ".zone: '" + zone + "' is not a zone of the fence file");
            } else if (!stores.isEmpty() && !stores.contains(store)) {
                problems.add(path + ".zone: '" + zone + "' is in store " + store + ", which the rule's stores leave out");
            }
        }
        Duration within = duration(node, "within", path, problems, type == OfferTrigger.ENGAGED_THEN_NEAR);
        if (within != null && (within.isZero() || within.compareTo(maxEngagementWindow) > 0)) {
            problems.add(path + ".within: must be more than zero and at most " + maxEngagementWindow
                    + " (offers.engagement-window)");
        }
        Set<String> actions = stringSet(node, "actions", path, problems, ENGAGEMENT_ACTIONS, "an engagement action");
        Set<String> near = stringSet(node, "near", path, problems, NEAR, "a near-store moment");
        Set<String> skus = stringSet(node, "skus", path, problems, null, null);
        Duration grace = duration(node, "grace", path, problems, false);
        if (grace != null && (grace.isZero() || grace.compareTo(MAX_GRACE) > 0)) {
            problems.add(path + ".grace: must be more than zero and at most " + MAX_GRACE);
        }
        Duration lapsedFor = duration(node, "lapsedFor", path, problems, type == OfferTrigger.LAPSED_MEMBER_NEARBY);
        if (lapsedFor != null && lapsedFor.compareTo(Duration.ofDays(1)) < 0) {
            problems.add(path + ".lapsedFor: must be at least a day");
        }
        return new Trigger(type, dwell, zone, within, actions.isEmpty() ? ENGAGEMENT_ACTIONS : actions, skus,
                near.isEmpty() ? NEAR : near,
                type == OfferTrigger.VISIT_WITHOUT_PURCHASE && grace == null ? DEFAULT_GRACE : grace, lapsedFor);
    }

    private Audience audience(JsonNode node, String path, List<String> problems) {
        if (node == null) {
            return new Audience(null, Set.of(), Set.of());
        }
        if (!node.isObject()) {
            problems.add(path + ": must be an object");
            return null;
        }
        unknownFields(node, path, Set.of("knownMember", "channels", "segments"), problems);
        Boolean knownMember = null;
        if (node.has("knownMember")) {
            if (!node.get("knownMember").isBoolean()) {
                problems.add(path + ".knownMember: must be true or false");
            } else {
                knownMember = node.get("knownMember").asBoolean();
            }
        }
        return new Audience(knownMember, stringSet(node, "channels", path, problems, CHANNELS, "a channel"),
                stringSet(node, "segments", path, problems, null, null));
    }

    private Schedule schedule(JsonNode node, String path, List<String> problems) {
        if (node == null) {
            return new Schedule(null, null, Set.of(), null, null, false);
        }
        if (!node.isObject()) {
            problems.add(path + ": must be an object");
            return null;
        }
        unknownFields(node, path, Set.of("from", "until", "days", "hours", "openingHoursOnly"), problems);
        Long from = instant(node, "from", path, problems, false);
        Long until = instant(node, "until", path, problems, false);
        if (from != null && until != null && from >= until) {
            problems.add(path + ": 'from' must be before 'until'");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String day : stringSet(node, "days", path, problems, null, null)) {
            dayOf(day).ifPresentOrElse(days::add,
                    () -> problems.add(path + ".days: '" + day + "' is not one of MON, TUE, WED, THU, FRI, SAT, SUN"));
        }
        LocalTime opens = null;
        LocalTime closes = null;
        if (node.has("hours")) {
            String hours = node.get("hours").asText("");
            try {
                if (!hours.matches("\\d\\d:\\d\\d-\\d\\d:\\d\\d")) {
                    throw new DateTimeException(hours);
                }
                opens = LocalTime.parse(hours.substring(0, 5));
                closes = LocalTime.parse(hours.substring(6));
                if (!opens.isBefore(closes)) {
                    problems.add(path + ".hours: the start must be before the end (split a night into two rules)");
                }
            } catch (DateTimeException e) {
                problems.add(path + ".hours: '" + hours + "' must be HH:mm-HH:mm in the store's time zone");
            }
        }
        boolean openingHoursOnly = false;
        if (node.has("openingHoursOnly")) {
            if (!node.get("openingHoursOnly").isBoolean()) {
                problems.add(path + ".openingHoursOnly: must be true or false");
            } else {
                openingHoursOnly = node.get("openingHoursOnly").asBoolean();
            }
        }
        return new Schedule(from == null ? null : Instant.ofEpochMilli(from),
                until == null ? null : Instant.ofEpochMilli(until), days, opens, closes, openingHoursOnly);
    }

    private Caps caps(JsonNode node, String path, List<String> problems) {
        if (node == null) {
            return new Caps(0, 0, Duration.ZERO);
        }
        if (!node.isObject()) {
            problems.add(path + ": must be an object");
            return null;
        }
        unknownFields(node, path, Set.of("perCustomerPerDay", "perCustomer", "cooldown"), problems);
        Duration cooldown = duration(node, "cooldown", path, problems, false);
        if (cooldown != null && cooldown.compareTo(MAX_REDEMPTION) > 0) {
            problems.add(path + ".cooldown: must be at most " + MAX_REDEMPTION + " (how long sent offers are kept)");
        }
        return new Caps(count(node, "perCustomerPerDay", path, problems), count(node, "perCustomer", path, problems),
                cooldown == null ? Duration.ZERO : cooldown);
    }

    private static int count(JsonNode node, String field, String path, List<String> problems) {
        JsonNode value = node.get(field);
        if (value == null) {
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            problems.add(path + "." + field + ": must be a whole number >= 1 (leave it out for no cap)");
            return 0;
        }
        return value.asInt();
    }

    private static Duration duration(JsonNode node, String field, String path, List<String> problems, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(path + "." + field + ": required, an ISO-8601 duration such as PT10M or P1D");
            }
            return null;
        }
        try {
            Duration duration = Duration.parse(value.asText());
            if (duration.isNegative()) {
                problems.add(path + "." + field + ": must not be negative");
                return null;
            }
            return duration;
        } catch (DateTimeException e) {
            problems.add(path + "." + field + ": '" + value.asText() + "' is not an ISO-8601 duration such as PT10M or P1D");
            return null;
        }
    }

    private static Long instant(JsonNode node, String field, String path, List<String> problems, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(path + "." + field + ": required, epoch milliseconds or an ISO-8601 time with offset");
            }
            return null;
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        try {
            return OffsetDateTime.parse(value.asText()).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            problems.add(path + "." + field + ": '" + value.asText() + "' is not an ISO-8601 time with offset");
            return null;
        }
    }

    /** A list of texts; each, when {@code allowed} is given, one of them. */
    private static Set<String> stringSet(JsonNode node, String field, String path, List<String> problems,
            Set<String> allowed, String what) {
        JsonNode value = node.get(field);
        if (value == null) {
            return Set.of();
        }
        if (!value.isArray()) {
            problems.add(path + "." + field + ": must be a list");
            return Set.of();
        }
        Set<String> texts = new TreeSet<>();
        for (JsonNode item : value) {
            String text = item.isTextual() ? item.asText() : null;
            if (text == null || text.isBlank()) {
                problems.add(path + "." + field + ": every entry must be a non-empty text");
            } else if (allowed != null && !allowed.contains(text)) {
                problems.add(path + "." + field + ": '" + text + "' is not " + what
                        + (allowed.size() <= 8 ? " (" + new TreeSet<>(allowed) + ")" : ""));
            } else {
                texts.add(text);
            }
        }
        return Set.copyOf(texts);
    }

    private static void unknownFields(JsonNode node, String path, Set<String> known, List<String> problems) {
        for (Iterator<String> fields = node.fieldNames(); fields.hasNext(); ) {
            String field = fields.next();
            if (!known.contains(field)) {
                problems.add(path + "." + field + ": unknown field (expected one of " + new TreeSet<>(known) + ")");
            }
        }
    }

    private static java.util.Optional<DayOfWeek> dayOf(String day) {
        for (DayOfWeek candidate : DayOfWeek.values()) {
            if (candidate.name().substring(0, 3).equals(day.toUpperCase(Locale.ROOT))) {
                return java.util.Optional.of(candidate);
            }
        }
        return java.util.Optional.empty();
    }

    private static List<String> codes() {
        return java.util.Arrays.stream(OfferTrigger.values()).map(OfferTrigger::code).toList();
    }

    private JsonNode read(String json, String source) throws OfferRuleException {
        try {
            JsonNode node = mapper().readTree(json == null ? "" : json);
            if (node == null || node.isMissingNode()) {
                throw new OfferRuleException(source, List.of("empty"));
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new OfferRuleException(source, List.of("not JSON: " + e.getOriginalMessage()));
        }
    }

    private ObjectMapper mapper() {
        if (mapper == null) {
            mapper = JsonMapper.builder().build();
        }
        return mapper;
    }
}
