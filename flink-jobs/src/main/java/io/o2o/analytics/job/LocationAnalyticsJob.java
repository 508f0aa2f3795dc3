package io.o2o.analytics.job;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.identity.CustomerAssignment;
import io.o2o.analytics.identity.DeviceUserEvidence;
import io.o2o.analytics.identity.IdentityEdge;
import io.o2o.analytics.identity.IdentityResolver;
import io.o2o.analytics.ingest.DeadLetterReason;
import io.o2o.analytics.ingest.DuplicateReceipts;
import io.o2o.analytics.ingest.Ingested;
import io.o2o.analytics.ingest.InputRouter;
import io.o2o.analytics.journeys.CustomerActivity;
import io.o2o.analytics.journeys.CustomerAttribution;
import io.o2o.analytics.journeys.CustomerJourneys;
import io.o2o.analytics.journeys.JourneyMatch;
import io.o2o.analytics.journeys.JourneyMatcher;
import io.o2o.analytics.journeys.O2oConversion;
import io.o2o.analytics.journeys.ProfileUpdater;
import io.o2o.analytics.metrics.O2oConversionAggregator;
import io.o2o.analytics.metrics.OccupancySignal;
import io.o2o.analytics.metrics.StoreOccupancyAggregator;
import io.o2o.analytics.metrics.ZoneActivityAggregator;
import io.o2o.analytics.metrics.StoreCustomerEvent;
import io.o2o.analytics.metrics.StoreCustomersAggregator;
import io.o2o.analytics.metrics.HealthTick;
import io.o2o.analytics.metrics.MerchandisingAggregator;
import io.o2o.analytics.metrics.MerchandisingSignal;
import io.o2o.analytics.metrics.MetricPoint;
import io.o2o.analytics.metrics.LiveOccupancy;
import io.o2o.analytics.metrics.OffersAggregator;
import io.o2o.analytics.metrics.PipelineHealthAggregator;
import io.o2o.analytics.offers.GeoOffer;
import io.o2o.analytics.offers.GeoOffers;
import io.o2o.analytics.offers.OfferDecision;
import io.o2o.analytics.offers.OfferEngine;
import io.o2o.analytics.offers.OfferPolicy;
import io.o2o.analytics.offers.OfferRuleChange;
import io.o2o.analytics.offers.OfferRuleException;
import io.o2o.analytics.offers.OfferRuleParser;
import io.o2o.analytics.metrics.StoreTrafficAggregator;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.LbsPing;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreSensorEvent;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.visits.ReturningVisitors;
import io.o2o.analytics.visits.LiveMoments;
import io.o2o.analytics.visits.VisitDetector;
import io.o2o.analytics.visits.VisitRules;
import io.o2o.analytics.zones.StaffFilter;
import io.o2o.analytics.zones.ZonePresence;
import io.o2o.analytics.zones.ZoneRules;
import io.o2o.analytics.zones.ZoneSignal;
import io.o2o.analytics.zones.ZoneVisit;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The location analytics job: input records in; store visits, dead letters and store metrics out.
 *
 * <pre>
 *  source (Kafka topics | simulator), parsed + watermarked per partition
 *    -> route input ---------------------------------> dead letters (topic / files)
 *         | pings, keyed by hashed device      + customer of each device (identity graph, below)
 *         v
 *       detect visits (enter / exit / visit / pass_by / reattributed) --> visits (topic / files)
 *         | keyed by store                      \
 *         v                                      v
 *       store traffic + dwell per minute     pipeline health per topic and minute
 *                           \                 /
 *                            metrics (InfluxDB / line protocol)
 *
 *  identity links + (device, user) seen on pings -> resolve identities (one graph) -> customer assignments
 *
 *  online activity, visits, member purchases -> attribute to customers (keyed by identifier, + assignments)
 *    -> journeys per customer (one matcher, which also pairs engagements and near-store moments for geo-offers)
 *    -> conversions (purchase grace, first decision) -> o2o conversions
 *    -> profile updates (+ the customers' online identifiers)
 *  visits (new or returning) + till transactions -> store customers per hour
 *  door counters + entries and exits -> store occupancy per minute
 *  store sensors, keyed by hashed MAC -> zone presence -> zone activity per minute; zone stays -> attribution
 * </pre>
 *
 * The source and the sinks are handed in, so tests run this very pipeline with their own; {@link #main}
 * plugs in the production ones.
 */
public final class LocationAnalyticsJob {
    public static final String JOB_NAME = "o2o-location-analytics";

    /** The example rules for the sample fences (geo-fences/data/sample-city-offers.json). */
    public static final String SAMPLE_CITY_OFFERS = "classpath:fences/sample-city-offers.json";

    /** Visit decisions that geo-offers act on as they happen. */
    private static final Set<String> STORE_MOMENTS =
            Set.of(StoreVisitEvent.ENTER, StoreVisitEvent.EXIT, StoreVisitEvent.PASS_BY);

    private final Configuration options;
    private final FenceCatalog fences;
    private final Source<Ingested, ?, ?> source;
    private final JobSinks sinks;
    private int sourceParallelism = -1;

    public LocationAnalyticsJob(
            Configuration options, FenceCatalog fences, Source<Ingested, ?, ?> source, JobSinks sinks) {
        this.options = options;
        this.fences = fences;
        this.source = source;
        this.sinks = sinks;
    }

    /**
     * Runs the source with a parallelism of its own. The simulator's records form one stream in arrival
     * order, so it runs as one reader: split into contiguous ranges, a later range would run ahead in event
     * time and every keyed operator would buffer it until the earlier range caught up.
     */
    public LocationAnalyticsJob withSourceParallelism(int parallelism) {
        this.sourceParallelism = parallelism;
        return this;
    }

    public static VisitRules visitRules(Configuration options) {
        return new VisitRules(
                options.get(JobOptions.MAX_ENTRY_ACCURACY),
                options.get(JobOptions.ENTER_DEPTH),
                options.get(JobOptions.EXIT_MARGIN),
                options.get(JobOptions.ENTRY_CONFIRMATIONS),
                options.get(JobOptions.MIN_DWELL),
                options.get(JobOptions.EXIT_TIMEOUT));
    }

    public static ZoneRules zoneRules(Configuration options) {
        ZoneRules defaults = ZoneRules.defaults();
        return new ZoneRules(
                options.get(JobOptions.ZONES_SMOOTHING_WINDOW),
                options.get(JobOptions.ZONES_HYSTERESIS_DB),
                options.get(JobOptions.ZONES_MIN_SWITCH_HOLD),
                options.get(JobOptions.ZONES_EXIT_TIMEOUT),
                defaults.locatingKinds(),
                defaults.coarseKinds(),
                options.get(JobOptions.ZONES_POSITION_MARGIN),
                options.get(JobOptions.ZONES_PATH_LOSS_EXPONENT));
    }

    /** Adds the pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        VisitRules rules = visitRules(options);
        Duration period = options.get(JobOptions.METRICS_PERIOD);

        WatermarkStrategy<Ingested> watermarks = WatermarkStrategy.<Ingested>forBoundedOutOfOrderness(
                        options.get(JobOptions.WATERMARK_OUT_OF_ORDERNESS))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime())
                .withIdleness(options.get(JobOptions.WATERMARK_IDLENESS));
        SingleOutputStreamOperator<Ingested> input =
                env.fromSource(source, watermarks, "input").uid("input-source").name("input");
        if (sourceParallelism > 0) {
            input.setParallelism(sourceParallelism);
        }

        SingleOutputStreamOperator<LbsPing> pings =
                input.process(new InputRouter()).uid("route-input").name("route input");
        if (sourceParallelism > 0) {
            // Chained to the source: each device's records then keep the order they arrived in.
            pings.setParallelism(sourceParallelism);
        }

        SingleOutputStreamOperator<CustomerAssignment> assignments = resolveIdentities(pings);
        DataStream<DeadLetter> refusedEvidence = refusedEvidence(assignments);

        SingleOutputStreamOperator<StoreVisitEvent> visitEvents = pings.keyBy(LbsPing::deviceId)
                .connect(assignments
                        .filter(assignment -> assignment.node().startsWith(VisitDetector.DEVICE_PREFIX))
                        .uid("device-assignments")
                        .name("device assignments")
                        .keyBy(VisitDetector::deviceOf))
                .process(new VisitDetector(fences, rules, options.get(JobOptions.IDENTITY_TTL)))
                .uid("detect-visits")
                .name("detect visits");
        DataStream<DeadLetter> rejectedPings = visitEvents.getSideOutput(VisitDetector.REJECTED_PINGS);

        visitEvents.sinkTo(sinks.visits()).uid("visits-sink").name("visits");
        // The same rules at the live speed: as each device's pings arrive, not behind the watermark.
        SingleOutputStreamOperator<StoreVisitEvent> liveMoments = pings.keyBy(LbsPing::deviceId)
                .process(new LiveMoments(fences, rules))
                .uid("live-moments")
                .name("live moments");
        liveMoments.sinkTo(sinks.liveMoments()).uid("live-moments-sink").name("live moments");

        ZoneRules zoneRules = zoneRules(options);
        SingleOutputStreamOperator<StoreSensorEvent> customerReadings = pings.getSideOutput(InputRouter.SENSORS)
                .filter(reading -> reading.deviceId() != null)
                .uid("device-readings")
                .name("device readings")
                .keyBy(ZonePresence::deviceOf)
                .process(new StaffFilter(fences, options.get(JobOptions.STAFF_LEARNING_DAYS),
                        options.get(JobOptions.STAFF_OPEN_HOURS_SHARE), options.get(JobOptions.STAFF_DAY_SHARE)))
                .uid("staff-filter")
                .name("leave out staff");
        // The staff filter lets a device's readings through in the subtask that holds that device: zone presence,
        // keyed the same way, runs chained to it instead of behind a second shuffle of every reading.
        SingleOutputStreamOperator<ZoneVisit> zoneVisits = DataStreamUtils
                .reinterpretAsKeyedStream(customerReadings, ZonePresence::deviceOf, Types.STRING)
                .process(new ZonePresence(zoneRules, fences))
                .uid("zone-presence")
                .name("zone presence");
        DataStream<DeadLetter> lateReadings = zoneVisits.getSideOutput(ZonePresence.LATE_READINGS);

        SingleOutputStreamOperator<PosTransaction> receipts = pings.getSideOutput(InputRouter.POS)
                .keyBy(DuplicateReceipts::keyOf)
                .process(new DuplicateReceipts(options.get(JobOptions.POS_DUPLICATE_WINDOW)))
                .uid("duplicate-receipts")
                .name("each receipt once");
        DataStream<DeadLetter> duplicateReceipts = receipts.getSideOutput(DuplicateReceipts.DUPLICATES);

        pings.getSideOutput(InputRouter.DEAD_LETTERS)
                .union(rejectedPings, refusedEvidence, lateReadings, duplicateReceipts)
                .sinkTo(sinks.deadLetters())
                .uid("dead-letter-sink")
                .name("dead letters");

        DataStream<MetricPoint> traffic = visitEvents.keyBy(StoreVisitEvent::storeId)
                .process(new StoreTrafficAggregator(period, rules.decisionDelay()))
                .uid("store-traffic")
                .name("store traffic per minute");
        DataStream<HealthTick> lateTicks = rejectedPings
                .union(refusedEvidence, lateReadings, duplicateReceipts)
                .map(late -> new HealthTick(late.topic(), 0, late.reason(), late.receivedAtMillis()))
                .returns(HealthTick.class)
                .uid("rejected-ping-ticks")
                .name("rejected ping ticks");
        DataStream<MetricPoint> health = pings.getSideOutput(InputRouter.HEALTH)
                .union(lateTicks)
                .keyBy(HealthTick::topic)
                .process(new PipelineHealthAggregator(period))
                .uid("pipeline-health")
                .name("pipeline health per minute");

        DataStream<MetricPoint> zones = zoneVisits.getSideOutput(ZonePresence.ENTRIES)
                .union(zoneVisits.map(ZoneSignal::left).uid("zone-exits").name("zone exits"))
                .keyBy(ZoneSignal::zoneKey)
                .process(new ZoneActivityAggregator(period, zoneRules.decisionDelay(),
                        ZoneActivityAggregator.checkoutZonesOf(fences), options.get(JobOptions.ZONES_QUEUE_MIN_DEVICES),
                        options.get(JobOptions.ZONES_QUEUE_MIN_WAIT)))
                .uid("zone-activity")
                .name("zone activity per minute");
        DataStream<MetricPoint> merchandising = zoneVisits
                .flatMap((ZoneVisit visit, Collector<MerchandisingSignal> out) ->
                        MerchandisingSignal.attention(visit).forEach(out::collect))
                .returns(MerchandisingSignal.class)
                .uid("zone-attention")
                .name("zone attention")
                .union(receipts
                        .flatMap((PosTransaction tx, Collector<MerchandisingSignal> out) ->
                                MerchandisingSignal.sales(tx).forEach(out::collect))
                        .returns(MerchandisingSignal.class)
                        .uid("zone-sales")
                        .name("zone sales"))
                .keyBy(MerchandisingSignal::zoneKey)
                .process(new MerchandisingAggregator(options.get(JobOptions.O2O_METRICS_PERIOD), zoneRules.decisionDelay(),
                        options.get(JobOptions.MERCHANDISING_MIN_DWELLERS),
                        options.get(JobOptions.MERCHANDISING_LOW_CONVERSION)))
                .uid("merchandising")
                .name("merchandising per hour");
        DataStream<CustomerActivity> zoneStays = zoneVisits
                .map(visit -> CustomerActivity.zone(visit, zoneRules.decisionDelay()))
                .returns(CustomerActivity.class)
                .uid("zone-visits-as-activity")
                .name("zone visits as activity");
        DataStream<CustomerActivity> zoneEntries = zoneVisits.getSideOutput(ZonePresence.ENTRIES)
                .map(entry -> CustomerActivity.zoneEntry(entry.deviceId(), entry.storeId(), entry.zoneId(), entry.ts()))
                .returns(CustomerActivity.class)
                .uid("zone-entries-as-activity")
                .name("zone entries as activity");
        SingleOutputStreamOperator<CustomerActivity> attributed =
                attributeToCustomers(pings, receipts, visitEvents, liveMoments, zoneStays.union(zoneEntries), assignments,
                        rules.decisionDelay());
        // One operator matches the journeys and the engaged-then-near pairs of geo-offers per customer.
        SingleOutputStreamOperator<JourneyMatch> matches = CustomerJourneys.matches(attributed,
                options.get(JobOptions.O2O_WINDOW), options.get(JobOptions.OFFERS_ENGAGEMENT_WINDOW));
        DataStream<MetricPoint> o2o = followJourneys(attributed, matches, assignments, rules.decisionDelay());
        // Geo-offers act on the live moments too, each with the customer its device belongs to now.
        DataStream<MetricPoint> offers = geoOffers(
                attributed.union(attributed.getSideOutput(CustomerAttribution.LIVE_MOMENTS)),
                matches.getSideOutput(JourneyMatcher.ENGAGED_THEN_NEAR),
                assignments, pings.getSideOutput(InputRouter.RULE_CHANGES));
        DataStream<MetricPoint> customers = storeCustomers(receipts, visitEvents, rules.decisionDelay());
        DataStream<MetricPoint> occupancy = storeOccupancy(pings, visitEvents, period, rules.decisionDelay());
        DataStream<MetricPoint> liveOccupancy = liveMoments.filter(LiveOccupancy::counts)
                .uid("live-entries-and-exits")
                .name("live entries and exits")
                .keyBy(StoreVisitEvent::storeId)
                .process(new LiveOccupancy())
                .uid("live-occupancy")
                .name("phones inside now");
        traffic.union(health, o2o, offers, customers, occupancy, liveOccupancy, zones, merchandising)
                .sinkTo(sinks.metrics()).uid("metrics-sink").name("metrics");
    }

    /**
     * Online activity, visits, member purchases, zone stays, the live store moments and marketing preferences,
     * each attributed to its customer (docs/journeys.md).
     */
    private SingleOutputStreamOperator<CustomerActivity> attributeToCustomers(
            SingleOutputStreamOperator<LbsPing> pings,
            DataStream<PosTransaction> receipts,
            DataStream<StoreVisitEvent> visitEvents,
            DataStream<StoreVisitEvent> liveMoments,
            DataStream<CustomerActivity> zoneActivity,
            DataStream<CustomerAssignment> assignments,
            Duration decisionDelay) {
        DataStream<CustomerActivity> online = selectAs(pings.getSideOutput(InputRouter.ONLINE),
                event -> CustomerActivity.ACTIVITY_ACTIONS.contains(event.action()), CustomerActivity::online,
                CustomerActivity.class, "online-activity");
        DataStream<CustomerActivity> purchases = selectAs(receipts,
                tx -> tx.memberId() != null, CustomerActivity::purchase, CustomerActivity.class, "member-purchases");
        DataStream<CustomerActivity> visits = selectAs(visitEvents,
                event -> StoreVisitEvent.VISIT.equals(event.type()),
                visit -> CustomerActivity.visit(visit, decisionDelay), CustomerActivity.class, "visits-as-activity");
        DataStream<CustomerActivity> storeMoments = selectAs(visitEvents,
                event -> STORE_MOMENTS.contains(event.type()),
                event -> CustomerActivity.storeMoment(event, decisionDelay), CustomerActivity.class, "store-moments");
        DataStream<CustomerActivity> liveStoreMoments = selectAs(liveMoments,
                event -> StoreVisitEvent.ENTER.equals(event.type()) || StoreVisitEvent.PASS_BY.equals(event.type()),
                event -> CustomerActivity.liveMoment(event, decisionDelay), CustomerActivity.class, "live-store-moments");
        DataStream<CustomerActivity> preferences = pings.getSideOutput(InputRouter.PREFERENCES)
                .map(CustomerActivity::preference)
                .uid("preferences-as-activity")
                .name("preferences as activity");
        return online.union(purchases, visits, zoneActivity, storeMoments, liveStoreMoments, preferences)
                .keyBy(CustomerActivity::identifier)
                .connect(assignments.keyBy(CustomerAssignment::node))
                .process(new CustomerAttribution(options.get(JobOptions.O2O_WINDOW),
                        options.get(JobOptions.O2O_MAX_ACTIVITIES), options.get(JobOptions.IDENTITY_TTL)))
                .uid("attribute-to-customers")
                .name("attribute to customers");
    }

    /**
     * The journeys between online and store per customer (docs/journeys.md): conversions and profile updates out,
     * and the O2O metrics returned.
     */
    private DataStream<MetricPoint> followJourneys(SingleOutputStreamOperator<CustomerActivity> attributed,
            DataStream<JourneyMatch> journeys, DataStream<CustomerAssignment> assignments, Duration decisionDelay) {
        Duration window = options.get(JobOptions.O2O_WINDOW);
        Duration grace = options.get(JobOptions.O2O_PURCHASE_GRACE);
        DataStream<CustomerActivity> journeySteps = attributed.filter(CustomerActivity::isJourneyStep)
                .uid("journey-steps")
                .name("journey steps");
        DataStream<O2oConversion> conversions = CustomerJourneys.conversions(journeys, journeySteps, window, grace);
        conversions.sinkTo(sinks.conversions()).uid("o2o-conversions-sink").name("o2o conversions");

        journeySteps.filter(activity -> activity.isVisit() || activity.isPurchase() || activity.isZoneVisit())
                .uid("store-activity")
                .name("store activity")
                .keyBy(CustomerActivity::customerId)
                .connect(assignments.flatMap((CustomerAssignment assignment, Collector<CustomerAssignment> out) ->
                                ProfileUpdater.membershipChanges(assignment).forEach(out::collect))
                        .returns(CustomerAssignment.class)
                        .uid("membership-changes")
                        .name("membership changes")
                        .keyBy(ProfileUpdater::customerOf))
                .process(new ProfileUpdater(options.get(JobOptions.IDENTITY_TTL)))
                .uid("profile-updates")
                .name("profile updates")
                .sinkTo(sinks.profileUpdates())
                .uid("profile-updates-sink")
                .name("profile updates");

        return conversions.keyBy(O2oConversionAggregator::keyOf)
                .process(new O2oConversionAggregator(
                        options.get(JobOptions.O2O_METRICS_PERIOD), grace.plus(decisionDelay)))
                .uid("o2o-conversion-metrics")
                .name("o2o conversions per hour");
    }

    /**
     * Geo-offers (docs/offers.md): the rules of the rules file and of the offer-rules topic over the customers'
     * moments; offers out exactly once, every decision to the audit, and the offers metrics returned.
     */
    private DataStream<MetricPoint> geoOffers(DataStream<CustomerActivity> attributed,
            DataStream<JourneyMatch> engagedThenNear, DataStream<CustomerAssignment> assignments,
            DataStream<OfferRuleChange> ruleChanges) {
        OfferRuleParser parser = offerRuleParser(options, fences);
        List<String> fileRules = fileRules(options, fences).stream().map(OfferRuleChange::ruleJson).toList();
        LocalTime[] quiet = OfferPolicy.parseQuietHours(options.get(JobOptions.OFFERS_QUIET_HOURS));
        OfferPolicy policy = new OfferPolicy(options.get(JobOptions.OFFERS_MAX_PER_CUSTOMER_PER_DAY),
                options.get(JobOptions.OFFERS_STORE_COOLDOWN), quiet[0], quiet[1], options.get(JobOptions.OFFERS_FRESHNESS),
                options.get(JobOptions.OFFERS_REDEMPTION_WINDOW), options.get(JobOptions.OFFERS_LIVE_WITHIN));
        DataStream<OfferDecision> decisions = GeoOffers.decisions(attributed, engagedThenNear, assignments, ruleChanges,
                new OfferEngine(parser, fileRules, policy, fences, options.get(JobOptions.IDENTITY_TTL)));
        decisions.sinkTo(sinks.offerAudit()).uid("offer-audit-sink").name("offer audit");
        decisions.filter(OfferDecision::sent)
                .uid("sent-offers")
                .name("sent offers")
                .map(GeoOffer::of)
                .uid("sent-offers-as-geo-offers")
                .name("geo-offers")
                .sinkTo(sinks.geoOffers())
                .uid("geo-offers-sink")
                .name("geo-offers");
        return decisions.keyBy(OffersAggregator::keyOf)
                // Decisions leave the engine at their own event time: a period is complete once the watermark passes it.
                .process(new OffersAggregator(options.get(JobOptions.METRICS_PERIOD), Duration.ZERO))
                .uid("offers-metrics")
                .name("offers per minute");
    }

    public static OfferRuleParser offerRuleParser(Configuration options, FenceCatalog fences) {
        return new OfferRuleParser(fences, options.get(JobOptions.OFFERS_ENGAGEMENT_WINDOW));
    }

    /**
     * The rules file's rules ({@code offers.rules}); with the sample fences and no file named, the sample city's
     * example rules.
     *
     * @throws IllegalArgumentException naming every problem of the file
     */
    public static List<OfferRuleChange> fileRules(Configuration options, FenceCatalog fences) {
        String location = options.getOptional(JobOptions.OFFERS_RULES)
                .orElse(options.get(JobOptions.FENCES).equals(FenceCatalog.SAMPLE_CITY) ? SAMPLE_CITY_OFFERS : "none");
        if (location.equals("none")) {
            return List.of();
        }
        try {
            return offerRuleParser(options, fences).load(location);
        } catch (OfferRuleException e) {
            throw new IllegalArgumentException("Offer rules rejected: " + e.getMessage(), e);
        }
    }

    /** Occupancy by the door counters beside that of the phones inside, per store and minute. */
    private static DataStream<MetricPoint> storeOccupancy(SingleOutputStreamOperator<LbsPing> pings,
            DataStream<StoreVisitEvent> visitEvents, Duration period, Duration decisionDelay) {
        DataStream<OccupancySignal> doors = selectAs(pings.getSideOutput(InputRouter.SENSORS),
                reading -> StoreSensorEvent.DOOR_COUNTER.equals(reading.kind()), OccupancySignal::door,
                OccupancySignal.class, "door-counts");
        DataStream<OccupancySignal> devices = selectAs(visitEvents,
                e -> StoreVisitEvent.ENTER.equals(e.type()) || StoreVisitEvent.EXIT.equals(e.type()),
                OccupancySignal::device, OccupancySignal.class, "entries-and-exits");
        return doors.union(devices)
                .keyBy(OccupancySignal::storeId)
                .process(new StoreOccupancyAggregator(period, decisionDelay))
                .uid("store-occupancy")
                .name("store occupancy per minute");
    }

    /**
     * The records of {@code in} that {@code which} selects, as {@code as} makes them: a stateless filter and map,
     * with fixed uids ({@code name} and {@code name-mapped}) so that a savepoint's layout stays readable.
     */
    private static <I, O> DataStream<O> selectAs(
            DataStream<I> in, FilterFunction<I> which, MapFunction<I, O> as, Class<O> type, String name) {
        return in.filter(which)
                .uid(name)
                .name(name.replace('-', ' '))
                .map(as)
                .returns(type)
                .uid(name + "-mapped")
                .name(name.replace('-', ' '));
    }

    /** Visitors (known, new or returning) and till transactions per store and hour. */
    private DataStream<MetricPoint> storeCustomers(
            DataStream<PosTransaction> receipts, DataStream<StoreVisitEvent> visitEvents, Duration decisionDelay) {
        DataStream<StoreCustomerEvent> visitors = visitEvents
                .filter(event -> StoreVisitEvent.VISIT.equals(event.type()))
                .uid("visits-for-visitors")
                .name("visits for visitors")
                .keyBy(ReturningVisitors::keyOf)
                .process(new ReturningVisitors(options.get(JobOptions.RETURNING_WINDOW)))
                .uid("returning-visitors")
                .name("new or returning visitors");
        DataStream<StoreCustomerEvent> transactions = receipts
                .map(StoreCustomerEvent::transaction)
                .uid("till-transactions")
                .name("till transactions");
        return visitors.union(transactions)
                .keyBy(StoreCustomerEvent::storeId)
                .process(new StoreCustomersAggregator(options.get(JobOptions.O2O_METRICS_PERIOD), decisionDelay))
                .uid("store-customers")
                .name("store customers per hour");
    }

    /**
     * Identity evidence (identity links, and devices seen with a user on pings) into the identity graph;
     * every change of an identifier's customer goes to the customer-assignments output.
     */
    private SingleOutputStreamOperator<CustomerAssignment> resolveIdentities(
            SingleOutputStreamOperator<LbsPing> pings) {
        DataStream<IdentityEdge> links = pings.getSideOutput(InputRouter.LINKS)
                .map(link -> IdentityEdge.of(link.a(), link.b(), link.ts(), InputTopic.IDENTITY_LINKS.defaultTopicName()))
                .returns(IdentityEdge.class)
                .uid("identity-links-as-evidence")
                .name("identity links as evidence");
        DataStream<IdentityEdge> seenTogether = pings.filter(ping -> ping.userId() != null)
                .uid("pings-with-a-user")
                .name("pings with a user")
                .keyBy(LbsPing::deviceId)
                .process(new DeviceUserEvidence(options.get(JobOptions.IDENTITY_REFRESH)))
                .uid("device-user-evidence")
                .name("devices seen with a user");
        SingleOutputStreamOperator<CustomerAssignment> assignments = links.union(seenTogether)
                .keyBy(edge -> IdentityResolver.GRAPH)
                .process(new IdentityResolver(
                        options.get(JobOptions.IDENTITY_MAX_IDS), options.get(JobOptions.IDENTITY_TTL)))
                .uid("identity-resolver")
                .name("resolve identities");
        // Keyed by identifier, so that each identifier's assignments reach the output in the order decided.
        assignments.keyBy(CustomerAssignment::node)
                .sinkTo(sinks.customerAssignments())
                .uid("customer-assignments-sink")
                .name("customer assignments");
        return assignments;
    }

    /** Evidence the identity graph refused (over the per-customer cap), as dead letters. */
    private DataStream<DeadLetter> refusedEvidence(SingleOutputStreamOperator<CustomerAssignment> assignments) {
        int maxIds = options.get(JobOptions.IDENTITY_MAX_IDS);
        return assignments.getSideOutput(IdentityResolver.REFUSED)
                .map(edge -> DeadLetter.decided(
                        edge.evidence(),
                        DeadLetterReason.MERGE_REFUSED.code(),
                        "would give a customer more than " + maxIds + " identifiers",
                        edge.a() + " ~ " + edge.b(),
                        edge.ts()))
                .returns(DeadLetter.class)
                .uid("refused-evidence")
                .name("refused evidence");
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(JOB_NAME);
    }

    /** Entry point of the job jar ({@code flink run}); {@link LocalLauncher} adds the embedded extras. */
    public static void main(String[] args) throws Exception {
        if (CommandLine.wantsHelp(args)) {
            System.out.println(CommandLine.help());
            return;
        }
        JobSetup setup = JobSetup.fromArguments(args, System.getenv());
        // On the client, where whoever submits the job reads it: what the fence file left out.
        setup.fences().warnings().forEach(w -> System.out.println("fences: assumed for " + w));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(setup.flinkConfiguration());
        setup.job().execute(env);
    }
}
