package io.o2o.analytics.offers;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.journeys.ProfileUpdater;
import io.o2o.analytics.metrics.Tally;
import io.o2o.analytics.state.EarlierStateLayout;
import io.o2o.analytics.state.EventTimeBuffer;
import io.o2o.analytics.state.EventTimeExpiry;
import io.o2o.analytics.zones.StoreHours;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decides the geo-offers of one customer (docs/offers.md): which rules the customer's moments fire, whether the
 * customer may receive the offer (consent, quiet hours, caps, cooldowns), and which later purchase redeems it.
 *
 * <p>Keyed by customer; the rules arrive on the broadcast side. Every signal waits for the watermark and is
 * handled at its {@code knownAt}, in a fixed order, and every rule is taken in the version in effect at that
 * instant: so decisions, caps and redemptions do not depend on arrival order, parallelism or when a rule change
 * happened to reach this instance. A rule change that arrives after the watermark passed its {@code ts} applies to
 * what is still to be decided.
 *
 * <p>Dwell triggers wake up at the entry plus the dwell of the rules in effect at the entry; a visit without
 * purchase is judged when its grace period ends. Moments learnt more than {@link OfferPolicy#freshness} after they
 * happened fire nothing (an entry re-sent when a link arrives hours later is no reason to send anything now).
 */
public class OfferEngine extends KeyedBroadcastProcessFunction<String, OfferSignal, OfferRuleChange, OfferDecision> {
    private static final long serialVersionUID = 1L;

    /** Rule versions by {@code ruleId@from}; a deleted rule's version is the empty text. */
    public static final MapStateDescriptor<String, String> RULES =
            new MapStateDescriptor<>("offer-rules", Types.STRING, Types.STRING);

    /** Job accumulators: live moments decided as they arrived, and those left to the final moment. */
    public static final String LIVE_DECIDED_ACCUMULATOR = "offers.liveMomentsDecided";
    public static final String LIVE_LEFT_ACCUMULATOR = "offers.liveMomentsLeftToFinal";
    /** Job accumulator: live moments decided as they arrived that the final decisions did not make. */
    public static final String LIVE_CONTRADICTED_ACCUMULATOR = "offers.liveMomentsContradicted";

    static final long DAY = Duration.ofDays(1).toMillis();
    static final long HOUR = Duration.ofHours(1).toMillis();
    /** Sent offers are kept this long: the longest cooldown and redemption window a rule may have. */
    static final long KEPT_OFFERS = OfferRuleParser.MAX_REDEMPTION.toMillis();
    private static final String STORE = "store:";
    private static final String ZONE = "zone:";
    /** A state of the earlier layout, a map state then ({@link EarlierStateLayout}). */
    static final String SEPARATE_STATES_GUARD = "identifiers";

    private final OfferRuleParser parser;
    private final List<String> fileRules;
    private final OfferPolicy policy;
    private final Map<String, StoreHours> openingHours;
    private final Map<String, ZoneId> timeZones;
    private final Map<String, String> storeOfZone;
    /**
     * Forgets all of an idle customer's offer state (no signal for the identity TTL, in event time); its clock is
     * part of the customer's state value.
     */
    private final EventTimeExpiry customerExpiry;

    /**
     * Signals wait here for the watermark, apart from the customer's state: a signal arrives as a list append, which
     * with RocksDB is a merge written without reading anything. In the customer's value, every arriving signal would
     * read, deserialise, reserialise and write the customer's whole state (its sent offers and decided ids among
     * it), and a timer reads both anyway.
     */
    private final EventTimeBuffer<OfferSignal> pending = EventTimeBuffer.of(
            "pending-signals", OfferSignal.class, OfferSignal::knownAt, (a, b) -> a.eventId().compareTo(b.eventId()));

    /** Everything else kept about the customer: read once and written once per timer. */
    private transient ValueState<CustomerOfferState> customerState;

    private transient OfferRuleBook book;
    private transient Map<String, Counter> outcomes;
    /** Live moments decided as they arrived, and those left to their final moment. */
    private transient Tally decidedLive;
    private transient Tally leftToFinal;
    private transient Tally contradicted;
    /** Whether the decisions being made are live ones, so that each says so. */
    private transient boolean decidingLive;

    /**
     * @param fileRules the rules file's rules as JSON, in effect from the start until a change on the topic
     * @param stateTtl how long the offer state of a customer without signals is kept (event time, as the identity
     *     graph's)
     */
    public OfferEngine(OfferRuleParser parser, List<String> fileRules, OfferPolicy policy, FenceCatalog fences,
            Duration stateTtl) {
        this.parser = parser;
        this.fileRules = List.copyOf(fileRules);
        this.policy = policy;
        this.openingHours = StoreHours.of(fences);
        this.timeZones = new HashMap<>();
        fences.stores().forEach(store -> timeZones.put(store.id(), ZoneId.of(store.property("timezone").orElse("UTC"))));
        this.storeOfZone = new HashMap<>();
        fences.zones().forEach(zone -> storeOfZone.put(zone.id(), zone.storeId()));
        this.customerExpiry = new EventTimeExpiry("customer-expiry", stateTtl);
    }

    @Override
    public void open(OpenContext openContext) {
        EarlierStateLayout.refuse(getRuntimeContext(), SEPARATE_STATES_GUARD,
                "the offer engine's state (a state per kind of fact about the customer)");
        pending.open(getRuntimeContext());
        customerState = getRuntimeContext().getState(
                new ValueStateDescriptor<>("customer-offer-state", TypeInformation.of(CustomerOfferState.class)));
        outcomes = new HashMap<>();
        decidedLive = Tally.register(getRuntimeContext(), "liveMomentsDecided", LIVE_DECIDED_ACCUMULATOR);
        leftToFinal = Tally.register(getRuntimeContext(), "liveMomentsLeftToFinal", LIVE_LEFT_ACCUMULATOR);
        contradicted = Tally.register(getRuntimeContext(), "liveMomentsContradicted", LIVE_CONTRADICTED_ACCUMULATOR);
    }

    @Override
    public void processElement(OfferSignal signal, ReadOnlyContext ctx, Collector<OfferDecision> out) throws Exception {
        if (signal.activity() != null && signal.activity().isLive()) {
            decideLive(signal.activity(), ctx, out);
            return;
        }
        long at = Math.max(signal.knownAt(), ctx.timerService().currentWatermark() + 1);
        pending.add(at == signal.knownAt() ? signal : new OfferSignal(signal.kind(), signal.eventId(),
                signal.customerId(), at, signal.activity(), signal.engagement(), signal.identifier(), signal.joined()));
        ctx.timerService().registerEventTimeTimer(at);
    }

    @Override
    public void processBroadcastElement(OfferRuleChange change, Context ctx, Collector<OfferDecision> out)
            throws Exception {
        BroadcastState<String, String> rules = ctx.getBroadcastState(RULES);
        rules.put(versionKey(change.ruleId(), change.ts()), change.deleted() ? "" : change.ruleJson());
        // Versions superseded before the watermark can judge nothing any more: nothing left to decide is older. A day
        // of margin, because the watermark differs between parallel instances and, after a rescale, an instance may
        // get the rules of one that was further ahead than the customers it now decides for.
        long watermark = ctx.currentWatermark() == Long.MIN_VALUE ? Long.MIN_VALUE : ctx.currentWatermark() - DAY;
        String newestPast = null;
        List<String> past = new ArrayList<>();
        for (Map.Entry<String, String> version : rules.entries()) {
            String key = version.getKey();
            if (ruleOf(key).equals(change.ruleId()) && fromOf(key) <= watermark) {
                past.add(key);
                if (newestPast == null || fromOf(key) > fromOf(newestPast)) {
                    newestPast = key;
                }
            }
        }
        for (String key : past) {
            if (!key.equals(newestPast)) {
                rules.remove(key);
            }
        }
        book = null;
    }

    /**
     * An entry or pass-by of the live path (docs/offers.md, "Live offers"), decided now, at its {@code knownAt} (the
     * ping that made it), with what the engine knows of the customer now: the same instant, rules and offer id the
     * final moment will have, so the final moment finds the offer decided and decides nothing again. Left to the final
     * moment when it is not live (its ping older than {@link OfferPolicy#liveWithin} by this machine's clock: a
     * backlog or a replay is decided in event time, in order), when the watermark has reached it already, or when the
     * engine knows nothing of the customer yet (who to send to comes with the customer's first signals).
     */
    private void decideLive(CustomerActivity live, ReadOnlyContext ctx, Collector<OfferDecision> out)
            throws Exception {
        long now = live.knownAt();
        CustomerOfferState customer = now > ctx.currentWatermark()
                && ctx.currentProcessingTime() - now <= policy.liveWithin().toMillis() ? customerState.value() : null;
        if (customer == null) {
            leftToFinal.inc();
            return;
        }
        decidedLive.inc();
        customer.fieldsOfLaterVersions();
        CustomerActivity moment = live.decided();
        customer.liveUnconfirmed.put(moment.eventId(), now);
        List<OfferRule> rules = rules(ctx.getBroadcastState(RULES)).activeAt(now);
        decidingLive = true;
        try {
            fire(customer, rules,
                    CustomerActivity.ENTER.equals(moment.kind()) ? OfferTrigger.ENTER : OfferTrigger.PASS_BY, moment,
                    now, ctx, out);
            nearby(customer, rules, moment, customer.lastStoreActivity, now, ctx, out);
        } finally {
            decidingLive = false;
        }
        customerState.update(customer);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OfferDecision> out) throws Exception {
        List<OfferSignal> due = pending.takeDue(timestamp);
        CustomerOfferState customer = customerState.value();
        // Expiry before anything at this instant: a customer without signals for exactly the TTL is forgotten first
        // (everything but the signals the watermark has not reached yet).
        if (customer != null && customer.expiry != null
                && customerExpiry.expiredAt(customer.expiry, timestamp, !due.isEmpty(), ctx.timerService())) {
            if (due.isEmpty()) {
                // Nothing left to decide or to clean up (no presence, no visit waiting): leave no state behind.
                customerState.clear();
                return;
            }
            customer = null;
        }
        if (customer == null) {
            customer = new CustomerOfferState();
        }
        customer.fieldsOfLaterVersions();
        List<OfferRule> rules = rules(ctx.getBroadcastState(RULES)).activeAt(timestamp);
        for (OfferSignal signal : due) {
            handle(customer, signal, rules, ctx, out);
        }
        dwellDue(customer, timestamp, rules, ctx, out);
        visitsDue(customer, timestamp, rules, ctx, out);
        forgetOld(customer, timestamp);
        if (!due.isEmpty()) {
            customer.expiry = customerExpiry.touch(customer.expiry, timestamp, ctx.timerService());
        }
        customerState.update(customer);
    }

    private void handle(CustomerOfferState customer, OfferSignal signal, List<OfferRule> rules, OnTimerContext ctx,
            Collector<OfferDecision> out) throws Exception {
        if (OfferSignal.MEMBERSHIP.equals(signal.kind())) {
            membership(customer, signal.identifier(), signal.joined());
            return;
        }
        long now = signal.knownAt();
        CustomerActivity moment = signal.activity();
        if (OfferSignal.ENGAGED_NEAR.equals(signal.kind())) {
            CustomerActivity engagement = signal.engagement();
            for (OfferRule rule : rules) {
                OfferRule.Trigger trigger = rule.trigger();
                if (trigger.type() == OfferTrigger.ENGAGED_THEN_NEAR
                        && trigger.near().contains(moment.kind())
                        && trigger.actions().contains(engagement.action())
                        && (trigger.skus().isEmpty() || trigger.skus().contains(engagement.sku()))
                        && (engagement.storeId() == null || engagement.storeId().equals(moment.storeId()))
                        && moment.ts() - engagement.ts() <= trigger.within().toMillis()
                        && moment.ts() >= engagement.ts()) {
                    consider(customer, rule, moment.storeId(), null, moment.ts(), now, moment.eventId(), ctx, out);
                }
            }
            return;
        }
        String identifier = moment.identifier();
        switch (moment.kind()) {
            case CustomerActivity.PREFERENCE -> {
                if (CustomerActivity.OPT_OUT.equals(moment.action())) {
                    customer.optOuts.put(identifier, moment.ts());
                } else {
                    customer.optOuts.remove(identifier);
                }
                customer.segments.put(identifier,
                        moment.segments() == null ? new String[0] : moment.segments().toArray(String[]::new));
            }
            case CustomerActivity.ONLINE -> customer.channels.put(moment.channel(), moment.ts());
            case CustomerActivity.ENTER -> {
                customer.liveUnconfirmed.remove(moment.eventId());
                Long lapsedSince = customer.lastStoreActivity;
                customer.presence.put(STORE + moment.storeId(), moment.ts());
                fire(customer, rules, OfferTrigger.ENTER, moment, now, ctx, out);
                nearby(customer, rules, moment, lapsedSince, now, ctx, out);
                scheduleDwell(customer, rules, STORE + moment.storeId(), moment.storeId(), null, moment.ts(), now, ctx,
                        out);
            }
            case CustomerActivity.PASS_BY -> {
                customer.liveUnconfirmed.remove(moment.eventId());
                fire(customer, rules, OfferTrigger.PASS_BY, moment, now, ctx, out);
                nearby(customer, rules, moment, customer.lastStoreActivity, now, ctx, out);
            }
            case CustomerActivity.EXIT -> customer.presence.remove(STORE + moment.storeId());
            case CustomerActivity.ZONE_ENTRY -> {
                customer.presence.put(ZONE + moment.zoneId(), moment.ts());
                scheduleDwell(customer, rules, ZONE + moment.zoneId(), moment.storeId(), moment.zoneId(), moment.ts(),
                        now, ctx, out);
            }
            case CustomerActivity.ZONE_VISIT -> {
                Long since = customer.presence.get(ZONE + moment.zoneId());
                if (since != null && since <= moment.ts()) {
                    customer.presence.remove(ZONE + moment.zoneId());
                }
            }
            case CustomerActivity.VISIT -> {
                remember(customer, moment.exitedAt());
                for (OfferRule rule : rules) {
                    if (rule.trigger().type() == OfferTrigger.VISIT_WITHOUT_PURCHASE && rule.runsIn(moment.storeId())) {
                        long due = Math.max(moment.exitedAt() + rule.trigger().grace().toMillis(), now);
                        customer.visitChecks.add(new VisitCheck(moment.eventId(), rule.id(), moment.storeId(),
                                moment.ts(), moment.exitedAt(), due));
                        ctx.timerService().registerEventTimeTimer(due);
                    }
                }
            }
            case CustomerActivity.PURCHASE -> {
                remember(customer, moment.ts());
                Long last = customer.lastPurchase.get(moment.storeId());
                if (last == null || last < moment.ts()) {
                    customer.lastPurchase.put(moment.storeId(), moment.ts());
                }
                redeem(customer, moment, out);
            }
            default -> { }
        }
    }

    /**
     * An identifier joined or left the customer. When the last one leaves, the customer was merged into another,
     * which now receives its moments: what this one still had open (a presence, a visit waiting for its grace)
     * would only fire offers for nobody, ahead of the survivor's.
     */
    private static void membership(CustomerOfferState customer, String identifier, boolean joined) {
        if (joined) {
            customer.identifiers.add(identifier);
            return;
        }
        customer.identifiers.remove(identifier);
        if (customer.identifiers.isEmpty()) {
            customer.presence.clear();
            customer.visitChecks.clear();
        }
    }

    /** An identifier an online platform can send to. */
    private static boolean reachable(String identifier) {
        return ProfileUpdater.ONLINE_KINDS.contains(identifier.substring(0, identifier.indexOf(':')));
    }

    private static void remember(CustomerOfferState customer, long storeActivity) {
        Long last = customer.lastStoreActivity;
        if (last == null || last < storeActivity) {
            customer.lastStoreActivity = storeActivity;
        }
    }

    private void fire(CustomerOfferState customer, List<OfferRule> rules, OfferTrigger type, CustomerActivity moment,
            long now, ReadOnlyContext ctx, Collector<OfferDecision> out) throws Exception {
        for (OfferRule rule : rules) {
            if (rule.trigger().type() == type) {
                consider(customer, rule, moment.storeId(), null, moment.ts(), now, moment.eventId(), ctx, out);
            }
        }
    }

    /** A member whose last store visit or purchase is long past comes near or in. */
    private void nearby(CustomerOfferState customer, List<OfferRule> rules, CustomerActivity moment, Long lastActivity,
            long now, ReadOnlyContext ctx, Collector<OfferDecision> out) throws Exception {
        for (OfferRule rule : rules) {
            OfferRule.Trigger trigger = rule.trigger();
            if (trigger.type() == OfferTrigger.LAPSED_MEMBER_NEARBY && trigger.near().contains(moment.kind())
                    && lastActivity != null && moment.ts() - lastActivity >= trigger.lapsedFor().toMillis()
                    && isMember(customer)) {
                consider(customer, rule, moment.storeId(), null, moment.ts(), now, moment.eventId(), ctx, out);
            }
        }
    }

    private void scheduleDwell(CustomerOfferState customer, List<OfferRule> rules, String place, String storeId,
            String zoneId, long enteredAt, long now, OnTimerContext ctx, Collector<OfferDecision> out)
            throws Exception {
        for (OfferRule rule : rules) {
            if (dwellsIn(rule, storeId, zoneId)) {
                long due = enteredAt + rule.trigger().dwell().toMillis();
                if (due <= now) {
                    consider(customer, rule, storeId, zoneId, due, now, dwellEventId(place, enteredAt), ctx, out);
                } else {
                    ctx.timerService().registerEventTimeTimer(due);
                }
            }
        }
    }

    private static boolean dwellsIn(OfferRule rule, String storeId, String zoneId) {
        OfferRule.Trigger trigger = rule.trigger();
        return trigger.type() == OfferTrigger.DWELL && rule.runsIn(storeId)
                && (zoneId == null ? trigger.zone() == null : zoneId.equals(trigger.zone()));
    }

    /** Dwell thresholds reached at {@code timestamp} by a presence still open. */
    private void dwellDue(CustomerOfferState customer, long timestamp, List<OfferRule> rules, OnTimerContext ctx,
            Collector<OfferDecision> out) throws Exception {
        List<Map.Entry<String, Long>> open = new ArrayList<>(customer.presence.entrySet());
        open.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Long> place : open) {
            String key = place.getKey();
            String zoneId = key.startsWith(ZONE) ? key.substring(ZONE.length()) : null;
            String storeId = zoneId != null ? storeOfZone.get(zoneId) : key.substring(STORE.length());
            for (OfferRule rule : rules) {
                if (dwellsIn(rule, storeId, zoneId) && place.getValue() + rule.trigger().dwell().toMillis() == timestamp) {
                    consider(customer, rule, storeId, zoneId, timestamp, timestamp, dwellEventId(key, place.getValue()),
                            ctx, out);
                }
            }
        }
    }

    private static String dwellEventId(String place, long enteredAt) {
        return "dwell:" + place + ':' + enteredAt;
    }

    private void visitsDue(CustomerOfferState customer, long timestamp, List<OfferRule> rules, OnTimerContext ctx,
            Collector<OfferDecision> out) throws Exception {
        List<VisitCheck> due = new ArrayList<>();
        List<VisitCheck> later = new ArrayList<>();
        for (VisitCheck check : customer.visitChecks) {
            (check.dueAt() <= timestamp ? due : later).add(check);
        }
        if (due.isEmpty()) {
            return;
        }
        customer.visitChecks = later;
        due.sort(java.util.Comparator.comparingLong(VisitCheck::dueAt).thenComparing(VisitCheck::visitEventId)
                .thenComparing(VisitCheck::ruleId));
        for (VisitCheck check : due) {
            Long purchase = customer.lastPurchase.get(check.storeId());
            boolean bought = purchase != null && purchase >= check.enteredAt() && purchase <= check.dueAt();
            if (bought) {
                continue;
            }
            for (OfferRule rule : rules) {
                if (rule.id().equals(check.ruleId())) {
                    consider(customer, rule, check.storeId(), null, check.dueAt(), timestamp, check.visitEventId(), ctx,
                            out);
                }
            }
        }
    }

    /** The rule fired: does it apply here and now, and may the customer receive it? */
    private void consider(CustomerOfferState customer, OfferRule rule, String storeId, String zoneId, long triggeredAt,
            long now, String triggerEventId, ReadOnlyContext ctx, Collector<OfferDecision> out) throws Exception {
        if (!rule.runsIn(storeId) || now - triggeredAt > policy.freshness().toMillis() || !scheduled(rule, storeId, now)
                || !inAudience(customer, rule)) {
            return;
        }
        String offerId = offerId(rule.id(), triggerEventId);
        if (customer.decided.containsKey(offerId)) {
            return;
        }
        customer.decided.put(offerId, now);
        long redeemBy = now + (rule.redeemWithin() != null ? rule.redeemWithin() : policy.redemptionWindow()).toMillis();
        TreeSet<String> to = new TreeSet<>();
        for (String id : customer.identifiers) {
            if (reachable(id)) {
                to.add(id);
            }
        }
        String[] verdict = verdict(customer, rule, storeId, now, to);
        OfferDecision decision = new OfferDecision(offerId, verdict[0], verdict[1], rule.id(), rule.version(),
                ctx.getCurrentKey(), storeId, zoneId, rule.trigger().type().code(), triggerEventId, triggeredAt, now,
                List.copyOf(to), rule.offerJson(), redeemBy, null, null, decidingLive);
        if (decision.sent()) {
            customer.sentOffers.add(new SentOffer(offerId, rule.id(), rule.version(), storeId, now, redeemBy, false));
            customer.sentPerRule.merge(rule.id(), 1, Integer::sum);
        }
        count(decision.outcome());
        out.collect(decision);
    }

    /** Outcome and reason: consent first (it is never overridden), then quiet hours, then the caps. */
    private String[] verdict(CustomerOfferState customer, OfferRule rule, String storeId, long now,
            TreeSet<String> to) {
        if (!customer.optOuts.isEmpty()) {
            String first = new TreeSet<>(customer.optOuts.keySet()).first();
            return new String[] {OfferDecision.SUPPRESSED_CONSENT,
                    first + " opted out of offers at " + Instant.ofEpochMilli(customer.optOuts.get(first))};
        }
        if (to.isEmpty()) {
            return new String[] {OfferDecision.SUPPRESSED_UNREACHABLE, "no online identifier to send it to"};
        }
        if (policy.quietAt(local(storeId, now).toLocalTime())) {
            return new String[] {OfferDecision.SUPPRESSED_QUIET_HOURS,
                    "quiet hours " + policy.quietFrom() + "-" + policy.quietUntil() + " at " + storeId};
        }
        String cap = capReached(customer, rule, storeId, now);
        return cap == null ? new String[] {OfferDecision.SENT, null} : new String[] {OfferDecision.SUPPRESSED_CAP, cap};
    }

    private String capReached(CustomerOfferState customer, OfferRule rule, String storeId, long now) {
        int today = 0;
        int ruleToday = 0;
        Long lastOfRule = null;
        Long lastAtStore = null;
        for (SentOffer sent : customer.sentOffers) {
            if (sent.sentAt() > now - DAY) {
                today++;
                if (sent.ruleId().equals(rule.id())) {
                    ruleToday++;
                }
            }
            if (sent.ruleId().equals(rule.id()) && (lastOfRule == null || sent.sentAt() > lastOfRule)) {
                lastOfRule = sent.sentAt();
            }
            if (sent.storeId().equals(storeId) && (lastAtStore == null || sent.sentAt() > lastAtStore)) {
                lastAtStore = sent.sentAt();
            }
        }
        OfferRule.Caps caps = rule.caps();
        Integer ever = customer.sentPerRule.get(rule.id());
        if (caps.perCustomer() > 0 && ever != null && ever >= caps.perCustomer()) {
            return "rule cap: " + caps.perCustomer() + " per customer";
        }
        if (caps.perCustomerPerDay() > 0 && ruleToday >= caps.perCustomerPerDay()) {
            return "rule cap: " + caps.perCustomerPerDay() + " per customer per day";
        }
        if (lastOfRule != null && now - lastOfRule < caps.cooldown().toMillis()) {
            return "rule cooldown: " + caps.cooldown();
        }
        if (policy.maxPerCustomerPerDay() > 0 && today >= policy.maxPerCustomerPerDay()) {
            return "customer cap: " + policy.maxPerCustomerPerDay() + " per day";
        }
        if (lastAtStore != null && now - lastAtStore < policy.storeCooldown().toMillis()) {
            return "store cooldown: " + policy.storeCooldown() + " at " + storeId;
        }
        return null;
    }

    private boolean scheduled(OfferRule rule, String storeId, long now) {
        OfferRule.Schedule schedule = rule.schedule();
        if (schedule.from() != null && now < schedule.from().toEpochMilli()
                || schedule.until() != null && now >= schedule.until().toEpochMilli()) {
            return false;
        }
        ZonedDateTime local = local(storeId, now);
        if (!schedule.days().isEmpty() && !schedule.days().contains(local.getDayOfWeek())) {
            return false;
        }
        if (schedule.opens() != null
                && (local.toLocalTime().isBefore(schedule.opens()) || !local.toLocalTime().isBefore(schedule.closes()))) {
            return false;
        }
        StoreHours hours = openingHours.get(storeId);
        return !schedule.openingHoursOnly() || hours == null || hours.open(local);
    }

    private static boolean inAudience(CustomerOfferState customer, OfferRule rule) {
        OfferRule.Audience audience = rule.audience();
        if (audience.knownMember() != null && audience.knownMember() != isMember(customer)) {
            return false;
        }
        if (!audience.channels().isEmpty()) {
            boolean used = false;
            for (String channel : customer.channels.keySet()) {
                used |= audience.channels().contains(channel);
            }
            if (!used) {
                return false;
            }
        }
        if (!audience.segments().isEmpty()) {
            for (String[] ofIdentifier : customer.segments.values()) {
                if (Arrays.stream(ofIdentifier).anyMatch(audience.segments()::contains)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private static boolean isMember(CustomerOfferState customer) {
        for (String id : customer.identifiers) {
            if (id.startsWith("member:")) {
                return true;
            }
        }
        return false;
    }

    /** A purchase at the store of an open offer redeems the latest such offer. */
    private void redeem(CustomerOfferState customer, CustomerActivity purchase, Collector<OfferDecision> out) {
        List<SentOffer> offers = customer.sentOffers;
        int latest = -1;
        for (int i = 0; i < offers.size(); i++) {
            SentOffer offer = offers.get(i);
            if (!offer.redeemed() && offer.storeId().equals(purchase.storeId()) && offer.sentAt() <= purchase.ts()
                    && purchase.ts() <= offer.redeemBy()
                    && (latest < 0 || offer.sentAt() > offers.get(latest).sentAt())) {
                latest = i;
            }
        }
        if (latest < 0) {
            return;
        }
        SentOffer offer = offers.get(latest);
        offers.set(latest, offer.redeem());
        count(OfferDecision.REDEEMED);
        out.collect(new OfferDecision(offer.offerId(), OfferDecision.REDEEMED, "purchase " + purchase.txId(),
                offer.ruleId(), offer.ruleVersion(), purchase.customerId(), offer.storeId(), null, null, null, offer.sentAt(),
                purchase.ts(), List.of(), null, offer.redeemBy(), purchase.txId(), purchase.amount(), false));
    }

    private void forgetOld(CustomerOfferState customer, long now) {
        // Hourly per customer is often enough (what is forgotten is days old). When it happens is part of what is
        // decided (a purchase learnt late redeems an offer not forgotten yet), so the rhythm stays as it always was.
        Long last = customer.lastCleanup;
        if (last != null && now - last < HOUR) {
            return;
        }
        customer.lastCleanup = now;
        // A final moment comes an exit timeout after its ping at the latest: a live one unconfirmed for an hour was
        // not what the final decisions made of the same pings (one arrived out of order). Its offer stays sent.
        int before = customer.liveUnconfirmed.size();
        customer.liveUnconfirmed.values().removeIf(knownAt -> knownAt < now - HOUR);
        contradicted.add(before - customer.liveUnconfirmed.size());
        customer.sentOffers.removeIf(offer -> offer.sentAt() <= now - KEPT_OFFERS);
        customer.decided.values().removeIf(decidedAt -> decidedAt < now - DAY - policy.freshness().toMillis());
        // A presence without its exit (a lost device) ends after a day.
        customer.presence.values().removeIf(since -> since < now - DAY);
    }

    private ZonedDateTime local(String storeId, long at) {
        return Instant.ofEpochMilli(at).atZone(timeZones.getOrDefault(storeId, ZoneOffset.UTC));
    }

    private OfferRuleBook rules(ReadOnlyBroadcastState<String, String> changes) throws Exception {
        if (book == null) {
            book = new OfferRuleBook(parser);
            for (String json : fileRules) {
                OfferRule rule = parser.fromValidJson(json);
                book.put(rule.id(), Long.MIN_VALUE, json);
            }
            for (Map.Entry<String, String> version : changes.immutableEntries()) {
                book.put(ruleOf(version.getKey()), fromOf(version.getKey()),
                        version.getValue().isEmpty() ? null : version.getValue());
            }
        }
        return book;
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, name -> getRuntimeContext().getMetricGroup().addGroup("offers").counter(name))
                .inc();
    }

    static String versionKey(String ruleId, long from) {
        return ruleId + '@' + from;
    }

    static String ruleOf(String versionKey) {
        return versionKey.substring(0, versionKey.lastIndexOf('@'));
    }

    static long fromOf(String versionKey) {
        return Long.parseLong(versionKey.substring(versionKey.lastIndexOf('@') + 1));
    }

    /** The same rule and trigger always give the same id: what makes a replayed or repeated send recognisable. */
    static String offerId(String ruleId, String triggerEventId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((ruleId + '|' + triggerEventId).getBytes(StandardCharsets.UTF_8));
            return ruleId + '-' + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
