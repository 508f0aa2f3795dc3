package io.o2o.analytics.offers;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.journeys.ProfileUpdater;
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
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
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

    static final long DAY = Duration.ofDays(1).toMillis();
    static final long HOUR = Duration.ofHours(1).toMillis();
    /** Sent offers are kept this long: the longest cooldown and redemption window a rule may have. */
    static final long KEPT_OFFERS = OfferRuleParser.MAX_REDEMPTION.toMillis();
    private static final String STORE = "store:";
    private static final String ZONE = "zone:";

    private final OfferRuleParser parser;
    private final List<String> fileRules;
    private final OfferPolicy policy;
    private final Map<String, StoreHours> openingHours;
    private final Map<String, ZoneId> timeZones;
    private final Map<String, String> storeOfZone;
    /** Forgets all of an idle customer's offer state (no signal for the identity TTL, in event time). */
    private final EventTimeExpiry customerExpiry;

    private final EventTimeBuffer<OfferSignal> pending = EventTimeBuffer.of(
            "pending-signals", OfferSignal.class, OfferSignal::knownAt, (a, b) -> a.eventId().compareTo(b.eventId()));

    /**
     * Every identifier of the customer, from the identity graph's membership changes (which reach the engine no
     * later than the customer's activities: attribution learns of an identifier's customer from the same
     * assignments). The ones an online platform can send to are the recipients.
     */
    private transient MapState<String, Boolean> identifiers;
    /** Identifiers of the customer that opted out of offers, with when. */
    private transient MapState<String, Long> optOuts;
    /** CRM segments per identifier of the customer. */
    private transient MapState<String, List<String>> segments;
    /** Online channels the customer used, with when last. */
    private transient MapState<String, Long> channels;
    /** {@code store:<id>} or {@code zone:<id>} the customer is in, with since when. */
    private transient MapState<String, Long> presence;
    /** Last purchase per store. */
    private transient MapState<String, Long> lastPurchase;
    /** Last visit exit or purchase in any store. */
    private transient ValueState<Long> lastStoreActivity;
    /** When old sent offers, decided ids and lost presences were last forgotten. */
    private transient ValueState<Long> lastCleanup;
    private transient ListState<VisitCheck> visitChecks;
    private transient ListState<SentOffer> sentOffers;
    /** Offers per rule ever sent to the customer. */
    private transient MapState<String, Integer> sentPerRule;
    /** Offer ids decided, so that a repeated trigger decides nothing twice. */
    private transient MapState<String, Long> decided;

    private transient OfferRuleBook book;
    private transient Map<String, Counter> outcomes;

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
        pending.open(getRuntimeContext());
        identifiers = mapState("identifiers", Types.BOOLEAN);
        optOuts = mapState("opt-outs", Types.LONG);
        segments = mapState("segments", Types.LIST(Types.STRING));
        channels = mapState("channels", Types.LONG);
        presence = mapState("presence", Types.LONG);
        lastPurchase = mapState("last-purchase", Types.LONG);
        sentPerRule = mapState("sent-per-rule", Types.INT);
        decided = mapState("decided", Types.LONG);
        lastStoreActivity = getRuntimeContext().getState(new ValueStateDescriptor<>("last-store-activity", Types.LONG));
        lastCleanup = getRuntimeContext().getState(new ValueStateDescriptor<>("last-cleanup", Types.LONG));
        visitChecks = getRuntimeContext().getListState(
                new ListStateDescriptor<>("visit-checks", TypeInformation.of(VisitCheck.class)));
        sentOffers = getRuntimeContext().getListState(
                new ListStateDescriptor<>("sent-offers", TypeInformation.of(SentOffer.class)));
        customerExpiry.open(getRuntimeContext());
        outcomes = new HashMap<>();
    }

    private <V> MapState<String, V> mapState(String name, TypeInformation<V> type) {
        return getRuntimeContext().getMapState(new MapStateDescriptor<>(name, Types.STRING, type));
    }

    @Override
    public void processElement(OfferSignal signal, ReadOnlyContext ctx, Collector<OfferDecision> out) throws Exception {
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

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<OfferDecision> out) throws Exception {
        List<OfferSignal> due = pending.takeDue(timestamp);
        // Expiry before anything at this instant: a customer without signals for exactly the TTL is forgotten first.
        if (customerExpiry.expiredAt(timestamp, !due.isEmpty(), ctx.timerService())) {
            forgetCustomer();
            if (due.isEmpty()) {
                // Nothing left to decide or to clean up (no presence, no visit waiting): leave no state behind.
                return;
            }
        }
        List<OfferRule> rules = rules(ctx.getBroadcastState(RULES)).activeAt(timestamp);
        for (OfferSignal signal : due) {
            handle(signal, rules, ctx, out);
        }
        dwellDue(timestamp, rules, ctx, out);
        visitsDue(timestamp, rules, ctx, out);
        forgetOld(timestamp);
        if (!due.isEmpty()) {
            customerExpiry.touch(timestamp, ctx.timerService());
        }
    }

    /** Everything kept about the customer; signals the watermark has not reached yet stay. */
    private void forgetCustomer() {
        identifiers.clear();
        optOuts.clear();
        segments.clear();
        channels.clear();
        presence.clear();
        lastPurchase.clear();
        sentPerRule.clear();
        decided.clear();
        lastStoreActivity.clear();
        lastCleanup.clear();
        visitChecks.clear();
        sentOffers.clear();
    }

    private void handle(OfferSignal signal, List<OfferRule> rules, OnTimerContext ctx, Collector<OfferDecision> out)
            throws Exception {
        if (OfferSignal.MEMBERSHIP.equals(signal.kind())) {
            membership(signal.identifier(), signal.joined());
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
                    consider(rule, moment.storeId(), null, moment.ts(), now, moment.eventId(), ctx, out);
                }
            }
            return;
        }
        String identifier = moment.identifier();
        switch (moment.kind()) {
            case CustomerActivity.PREFERENCE -> {
                if (CustomerActivity.OPT_OUT.equals(moment.action())) {
                    optOuts.put(identifier, moment.ts());
                } else {
                    optOuts.remove(identifier);
                }
                segments.put(identifier, moment.segments() == null ? List.of() : moment.segments());
            }
            case CustomerActivity.ONLINE -> channels.put(moment.channel(), moment.ts());
            case CustomerActivity.ENTER -> {
                Long lapsedSince = lastStoreActivity.value();
                presence.put(STORE + moment.storeId(), moment.ts());
                fire(rules, OfferTrigger.ENTER, moment, now, ctx, out);
                nearby(rules, moment, lapsedSince, now, ctx, out);
                scheduleDwell(rules, STORE + moment.storeId(), moment.storeId(), null, moment.ts(), now, ctx, out);
            }
            case CustomerActivity.PASS_BY -> {
                fire(rules, OfferTrigger.PASS_BY, moment, now, ctx, out);
                nearby(rules, moment, lastStoreActivity.value(), now, ctx, out);
            }
            case CustomerActivity.EXIT -> presence.remove(STORE + moment.storeId());
            case CustomerActivity.ZONE_ENTRY -> {
                presence.put(ZONE + moment.zoneId(), moment.ts());
                scheduleDwell(rules, ZONE + moment.zoneId(), moment.storeId(), moment.zoneId(), moment.ts(), now, ctx, out);
            }
            case CustomerActivity.ZONE_VISIT -> {
                Long since = presence.get(ZONE + moment.zoneId());
                if (since != null && since <= moment.ts()) {
                    presence.remove(ZONE + moment.zoneId());
                }
            }
            case CustomerActivity.VISIT -> {
                remember(moment.exitedAt());
                for (OfferRule rule : rules) {
                    if (rule.trigger().type() == OfferTrigger.VISIT_WITHOUT_PURCHASE && rule.runsIn(moment.storeId())) {
                        long due = Math.max(moment.exitedAt() + rule.trigger().grace().toMillis(), now);
                        visitChecks.add(new VisitCheck(moment.eventId(), rule.id(), moment.storeId(), moment.ts(),
                                moment.exitedAt(), due));
                        ctx.timerService().registerEventTimeTimer(due);
                    }
                }
            }
            case CustomerActivity.PURCHASE -> {
                remember(moment.ts());
                Long last = lastPurchase.get(moment.storeId());
                if (last == null || last < moment.ts()) {
                    lastPurchase.put(moment.storeId(), moment.ts());
                }
                redeem(moment, out);
            }
            default -> { }
        }
    }

    /**
     * An identifier joined or left the customer. When the last one leaves, the customer was merged into another,
     * which now receives its moments: what this one still had open (a presence, a visit waiting for its grace)
     * would only fire offers for nobody, ahead of the survivor's.
     */
    private void membership(String identifier, boolean joined) throws Exception {
        if (joined) {
            identifiers.put(identifier, true);
            return;
        }
        identifiers.remove(identifier);
        if (identifiers.isEmpty()) {
            presence.clear();
            visitChecks.clear();
        }
    }

    /** An identifier an online platform can send to. */
    private static boolean reachable(String identifier) {
        return ProfileUpdater.ONLINE_KINDS.contains(identifier.substring(0, identifier.indexOf(':')));
    }

    private void remember(long storeActivity) throws Exception {
        Long last = lastStoreActivity.value();
        if (last == null || last < storeActivity) {
            lastStoreActivity.update(storeActivity);
        }
    }

    private void fire(List<OfferRule> rules, OfferTrigger type, CustomerActivity moment, long now, OnTimerContext ctx,
            Collector<OfferDecision> out) throws Exception {
        for (OfferRule rule : rules) {
            if (rule.trigger().type() == type) {
                consider(rule, moment.storeId(), null, moment.ts(), now, moment.eventId(), ctx, out);
            }
        }
    }

    /** A member whose last store visit or purchase is long past comes near or in. */
    private void nearby(List<OfferRule> rules, CustomerActivity moment, Long lastActivity, long now,
            OnTimerContext ctx, Collector<OfferDecision> out) throws Exception {
        for (OfferRule rule : rules) {
            OfferRule.Trigger trigger = rule.trigger();
            if (trigger.type() == OfferTrigger.LAPSED_MEMBER_NEARBY && trigger.near().contains(moment.kind())
                    && lastActivity != null && moment.ts() - lastActivity >= trigger.lapsedFor().toMillis()
                    && isMember()) {
                consider(rule, moment.storeId(), null, moment.ts(), now, moment.eventId(), ctx, out);
            }
        }
    }

    private void scheduleDwell(List<OfferRule> rules, String place, String storeId, String zoneId, long enteredAt,
            long now, OnTimerContext ctx, Collector<OfferDecision> out) throws Exception {
        for (OfferRule rule : rules) {
            if (dwellsIn(rule, storeId, zoneId)) {
                long due = enteredAt + rule.trigger().dwell().toMillis();
                if (due <= now) {
                    consider(rule, storeId, zoneId, due, now, dwellEventId(place, enteredAt), ctx, out);
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
    private void dwellDue(long timestamp, List<OfferRule> rules, OnTimerContext ctx, Collector<OfferDecision> out)
            throws Exception {
        List<Map.Entry<String, Long>> open = new ArrayList<>();
        presence.entries().forEach(open::add);
        open.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Long> place : open) {
            String key = place.getKey();
            String zoneId = key.startsWith(ZONE) ? key.substring(ZONE.length()) : null;
            String storeId = zoneId != null ? storeOfZone.get(zoneId) : key.substring(STORE.length());
            for (OfferRule rule : rules) {
                if (dwellsIn(rule, storeId, zoneId) && place.getValue() + rule.trigger().dwell().toMillis() == timestamp) {
                    consider(rule, storeId, zoneId, timestamp, timestamp, dwellEventId(key, place.getValue()), ctx, out);
                }
            }
        }
    }

    private static String dwellEventId(String place, long enteredAt) {
        return "dwell:" + place + ':' + enteredAt;
    }

    private void visitsDue(long timestamp, List<OfferRule> rules, OnTimerContext ctx, Collector<OfferDecision> out)
            throws Exception {
        List<VisitCheck> due = new ArrayList<>();
        List<VisitCheck> later = new ArrayList<>();
        for (VisitCheck check : visitChecks.get()) {
            (check.dueAt() <= timestamp ? due : later).add(check);
        }
        if (due.isEmpty()) {
            return;
        }
        visitChecks.update(later);
        due.sort(java.util.Comparator.comparingLong(VisitCheck::dueAt).thenComparing(VisitCheck::visitEventId)
                .thenComparing(VisitCheck::ruleId));
        for (VisitCheck check : due) {
            Long purchase = lastPurchase.get(check.storeId());
            boolean bought = purchase != null && purchase >= check.enteredAt() && purchase <= check.dueAt();
            if (bought) {
                continue;
            }
            for (OfferRule rule : rules) {
                if (rule.id().equals(check.ruleId())) {
                    consider(rule, check.storeId(), null, check.dueAt(), timestamp, check.visitEventId(), ctx, out);
                }
            }
        }
    }

    /** The rule fired: does it apply here and now, and may the customer receive it? */
    private void consider(OfferRule rule, String storeId, String zoneId, long triggeredAt, long now, String triggerEventId,
            OnTimerContext ctx, Collector<OfferDecision> out) throws Exception {
        if (!rule.runsIn(storeId) || now - triggeredAt > policy.freshness().toMillis() || !scheduled(rule, storeId, now)
                || !inAudience(rule)) {
            return;
        }
        String offerId = offerId(rule.id(), triggerEventId);
        if (decided.contains(offerId)) {
            return;
        }
        decided.put(offerId, now);
        long redeemBy = now + (rule.redeemWithin() != null ? rule.redeemWithin() : policy.redemptionWindow()).toMillis();
        TreeSet<String> to = new TreeSet<>();
        for (String id : identifiers.keys()) {
            if (reachable(id)) {
                to.add(id);
            }
        }
        String[] verdict = verdict(rule, storeId, now, to);
        OfferDecision decision = new OfferDecision(offerId, verdict[0], verdict[1], rule.id(), rule.version(),
                ctx.getCurrentKey(), storeId, zoneId, rule.trigger().type().code(), triggerEventId, triggeredAt, now,
                List.copyOf(to), rule.offerJson(), redeemBy, null, null);
        if (decision.sent()) {
            sentOffers.add(new SentOffer(offerId, rule.id(), rule.version(), storeId, now, redeemBy, false));
            Integer ever = sentPerRule.get(rule.id());
            sentPerRule.put(rule.id(), ever == null ? 1 : ever + 1);
        }
        count(decision.outcome());
        out.collect(decision);
    }

    /** Outcome and reason: consent first (it is never overridden), then quiet hours, then the caps. */
    private String[] verdict(OfferRule rule, String storeId, long now, TreeSet<String> to) throws Exception {
        TreeSet<String> optedOut = new TreeSet<>();
        optOuts.keys().forEach(optedOut::add);
        if (!optedOut.isEmpty()) {
            String first = optedOut.first();
            return new String[] {OfferDecision.SUPPRESSED_CONSENT,
                    first + " opted out of offers at " + Instant.ofEpochMilli(optOuts.get(first))};
        }
        if (to.isEmpty()) {
            return new String[] {OfferDecision.SUPPRESSED_UNREACHABLE, "no online identifier to send it to"};
        }
        if (policy.quietAt(local(storeId, now).toLocalTime())) {
            return new String[] {OfferDecision.SUPPRESSED_QUIET_HOURS,
                    "quiet hours " + policy.quietFrom() + "-" + policy.quietUntil() + " at " + storeId};
        }
        String cap = capReached(rule, storeId, now);
        return cap == null ? new String[] {OfferDecision.SENT, null} : new String[] {OfferDecision.SUPPRESSED_CAP, cap};
    }

    private String capReached(OfferRule rule, String storeId, long now) throws Exception {
        int today = 0;
        int ruleToday = 0;
        Long lastOfRule = null;
        Long lastAtStore = null;
        for (SentOffer sent : sentOffers.get()) {
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
        Integer ever = sentPerRule.get(rule.id());
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

    private boolean inAudience(OfferRule rule) throws Exception {
        OfferRule.Audience audience = rule.audience();
        if (audience.knownMember() != null && audience.knownMember() != isMember()) {
            return false;
        }
        if (!audience.channels().isEmpty()) {
            boolean used = false;
            for (String channel : channels.keys()) {
                used |= audience.channels().contains(channel);
            }
            if (!used) {
                return false;
            }
        }
        if (!audience.segments().isEmpty()) {
            for (List<String> ofIdentifier : segments.values()) {
                if (ofIdentifier.stream().anyMatch(audience.segments()::contains)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private boolean isMember() throws Exception {
        for (String id : identifiers.keys()) {
            if (id.startsWith("member:")) {
                return true;
            }
        }
        return false;
    }

    /** A purchase at the store of an open offer redeems the latest such offer. */
    private void redeem(CustomerActivity purchase, Collector<OfferDecision> out) throws Exception {
        List<SentOffer> offers = new ArrayList<>();
        sentOffers.get().forEach(offers::add);
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
        sentOffers.update(offers);
        count(OfferDecision.REDEEMED);
        out.collect(new OfferDecision(offer.offerId(), OfferDecision.REDEEMED, "purchase " + purchase.txId(),
                offer.ruleId(), offer.ruleVersion(), purchase.customerId(), offer.storeId(), null, null, null, offer.sentAt(),
                purchase.ts(), List.of(), null, offer.redeemBy(), purchase.txId(), purchase.amount()));
    }

    private void forgetOld(long now) throws Exception {
        // Hourly per customer is often enough (what is forgotten is days old) and keeps three state scans off the
        // path of every signal.
        Long last = lastCleanup.value();
        if (last != null && now - last < HOUR) {
            return;
        }
        lastCleanup.update(now);
        List<SentOffer> kept = new ArrayList<>();
        boolean dropped = false;
        for (SentOffer offer : sentOffers.get()) {
            if (offer.sentAt() > now - KEPT_OFFERS) {
                kept.add(offer);
            } else {
                dropped = true;
            }
        }
        if (dropped) {
            sentOffers.update(kept);
        }
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Long> id : decided.entries()) {
            if (id.getValue() < now - DAY - policy.freshness().toMillis()) {
                stale.add(id.getKey());
            }
        }
        for (String id : stale) {
            decided.remove(id);
        }
        List<String> gone = new ArrayList<>();
        for (Map.Entry<String, Long> place : presence.entries()) {
            // A presence without its exit (a lost device) ends after a day.
            if (place.getValue() < now - DAY) {
                gone.add(place.getKey());
            }
        }
        for (String place : gone) {
            presence.remove(place);
        }
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
