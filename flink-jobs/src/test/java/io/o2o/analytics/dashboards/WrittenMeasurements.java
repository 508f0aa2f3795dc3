package io.o2o.analytics.dashboards;

import io.o2o.analytics.journeys.JourneyMatch;
import io.o2o.analytics.journeys.O2oConversion;
import io.o2o.analytics.metrics.HealthTick;
import io.o2o.analytics.metrics.LiveOccupancy;
import io.o2o.analytics.metrics.MerchandisingAggregator;
import io.o2o.analytics.metrics.OffersAggregator;
import io.o2o.analytics.offers.FirstOfferDecisionOnly;
import io.o2o.analytics.offers.OfferDecision;
import io.o2o.analytics.metrics.MerchandisingSignal;
import io.o2o.analytics.metrics.MetricPoint;
import io.o2o.analytics.metrics.OccupancySignal;
import io.o2o.analytics.metrics.StoreOccupancyAggregator;
import io.o2o.analytics.metrics.ZoneActivityAggregator;
import io.o2o.analytics.metrics.O2oConversionAggregator;
import io.o2o.analytics.metrics.PipelineHealthAggregator;
import io.o2o.analytics.metrics.StoreCustomerEvent;
import io.o2o.analytics.metrics.StoreCustomersAggregator;
import io.o2o.analytics.metrics.StoreTrafficAggregator;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.PosItem;
import io.o2o.analytics.records.PosTransaction;
import io.o2o.analytics.records.StoreSensorEvent;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.zones.ZoneSignal;
import io.o2o.analytics.zones.ZoneVisit;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * The measurements, fields and tags the job writes to InfluxDB, learnt from the job's own aggregators rather than
 * from a list: a few decisions, health ticks, O2O conversions, visitors and till transactions go through
 * {@link StoreTrafficAggregator}, {@link PipelineHealthAggregator}, {@link O2oConversionAggregator}, {@link OffersAggregator} and
 * {@link StoreCustomersAggregator} in operator test harnesses, and the names of the {@link MetricPoint}s they emit
 * are collected. A field renamed in the code is a field missing here, and the dashboards that still query the old
 * name fail {@code DashboardsTest}.
 */
final class WrittenMeasurements {

    /** One measurement: its field and tag keys. */
    record Measurement(String name, Set<String> fields, Set<String> tags) {}

    private static final long TEN_O_CLOCK = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long ONE_MINUTE = 60_000;
    private static final Duration ONE_HOUR = Duration.ofHours(1);
    private static final Duration DECISION_DELAY = Duration.ofMinutes(3);

    private final SortedMap<String, Measurement> measurements;

    private WrittenMeasurements(SortedMap<String, Measurement> measurements) {
        this.measurements = Collections.unmodifiableSortedMap(measurements);
    }

    static WrittenMeasurements fromTheAggregators() throws Exception {
        List<MetricPoint> points = new ArrayList<>();
        points.addAll(storeTrafficPoints());
        points.addAll(pipelineHealthPoints());
        points.addAll(o2oConversionPoints());
        points.addAll(storeCustomerPoints());
        points.addAll(storeOccupancyPoints());
        points.addAll(zoneActivityPoints());
        points.addAll(merchandisingPoints());
        points.addAll(offersPoints());
        points.addAll(liveOccupancyPoints());
        SortedMap<String, Measurement> found = new TreeMap<>();
        for (MetricPoint point : points) {
            Measurement m = found.computeIfAbsent(
                    point.measurement(), name -> new Measurement(name, new TreeSet<>(), new TreeSet<>()));
            m.fields().addAll(point.fields().keySet());
            m.tags().addAll(point.tags().keySet());
        }
        return new WrittenMeasurements(found);
    }

    /** These measurements and {@code others} (declared ones, such as Flink's metrics). */
    WrittenMeasurements and(List<Measurement> others) {
        SortedMap<String, Measurement> merged = new TreeMap<>(measurements);
        for (Measurement m : others) {
            if (merged.put(m.name(), m) != null) {
                throw new IllegalArgumentException("declared twice: " + m.name());
            }
        }
        return new WrittenMeasurements(merged);
    }

    SortedMap<String, Measurement> all() {
        return measurements;
    }

    boolean has(String measurement) {
        return measurements.containsKey(measurement);
    }

    Measurement get(String measurement) {
        Measurement m = measurements.get(measurement);
        if (m == null) {
            throw new IllegalArgumentException("the job writes no measurement '" + measurement + "'; it writes "
                    + measurements.keySet());
        }
        return m;
    }

    /** Enter, exit, visit and pass-by decisions for one store: every store_traffic and store_dwell field. */
    private static List<MetricPoint> storeTrafficPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreTrafficAggregator(Duration.ofMinutes(1), DECISION_DELAY)),
                StoreVisitEvent::storeId,
                Types.STRING)) {
            harness.open();
            long enter = TEN_O_CLOCK + 10_000;
            long exit = TEN_O_CLOCK + 12 * ONE_MINUTE;
            harness.processElement(StoreVisitEvent.of("enter", "d1", null, "sh-001", enter, enter, null), enter);
            harness.processElement(StoreVisitEvent.of("enter", "d2", null, "sh-001", enter, enter, null), enter);
            harness.processElement(StoreVisitEvent.of("exit", "d1", null, "sh-001", exit, enter, exit), exit);
            harness.processElement(StoreVisitEvent.of("visit", "d1", null, "sh-001", exit, enter, exit), exit);
            harness.processElement(StoreVisitEvent.of("pass_by", "d3", null, "sh-001", exit, null, null), exit);
            harness.processWatermark(exit + 10 * ONE_MINUTE);
            return harness.extractOutputValues();
        }
    }

    /** A door counter's minute and a phone's entry in one store: every store_occupancy field. */
    private static List<MetricPoint> liveOccupancyPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LiveOccupancy()), StoreVisitEvent::storeId, Types.STRING)) {
            harness.open();
            long at = TEN_O_CLOCK;
            harness.processElement(StoreVisitEvent.of("enter", "d1", null, "sh-001", at, at, null), at);
            return harness.extractOutputValues();
        }
    }

    private static List<MetricPoint> storeOccupancyPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreOccupancyAggregator(Duration.ofMinutes(1), DECISION_DELAY)),
                OccupancySignal::storeId,
                Types.STRING)) {
            harness.open();
            long minuteEnd = TEN_O_CLOCK + ONE_MINUTE - 1;
            harness.processElement(OccupancySignal.door(new StoreSensorEvent(
                    "sh-001-door", "sh-001", null, StoreSensorEvent.DOOR_COUNTER, null, null, 3, 1, minuteEnd)), minuteEnd);
            long enter = TEN_O_CLOCK + 10_000;
            harness.processElement(
                    OccupancySignal.device(StoreVisitEvent.of("enter", "d1", null, "sh-001", enter, enter, null)), enter);
            harness.processWatermark(TEN_O_CLOCK + 10 * ONE_MINUTE);
            return harness.extractOutputValues();
        }
    }

    /** A device entering a checkout zone and one leaving it: every zone_activity field, the queue signal too. */
    private static List<MetricPoint> zoneActivityPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new ZoneActivityAggregator(Duration.ofMinutes(1), DECISION_DELAY,
                        java.util.Set.of("sh-001-checkout"), 1, Duration.ofSeconds(30))),
                ZoneSignal::zoneKey,
                Types.STRING)) {
            harness.open();
            long at = TEN_O_CLOCK + 10_000;
            harness.processElement(ZoneSignal.entered("sh-001", "sh-001-checkout", at), at);
            harness.processElement(ZoneSignal.left(
                    ZoneVisit.of("d1", "sh-001", "sh-001-checkout", at - 90_000, at + 5_000, 4)), at + 5_000);
            harness.processWatermark(TEN_O_CLOCK + 10 * ONE_MINUTE);
            return harness.extractOutputValues();
        }
    }

    /** A device dwelling in a zone and a receipt for a SKU shown there: every merchandising field. */
    private static List<MetricPoint> merchandisingPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new MerchandisingAggregator(Duration.ofHours(1), DECISION_DELAY, 1, 0.1)),
                MerchandisingSignal::zoneKey,
                Types.STRING)) {
            harness.open();
            long at = TEN_O_CLOCK + 10_000;
            for (MerchandisingSignal signal : MerchandisingSignal.attention(
                    ZoneVisit.of("d1", "sh-001", "sh-001-display", at - 120_000, at, 4))) {
                harness.processElement(signal, at);
            }
            for (MerchandisingSignal signal : MerchandisingSignal.sales(new PosTransaction("t-1", "sh-001", null, 10.0,
                    List.of(new PosItem("sku-1", "sh-001-display", 1)), at))) {
                harness.processElement(signal, at);
            }
            harness.processWatermark(Long.MAX_VALUE);
            return harness.extractOutputValues();
        }
    }

    /** A usable record and a dead letter on one topic: every pipeline_health and dead_letters field. */
    private static List<MetricPoint> pipelineHealthPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PipelineHealthAggregator(Duration.ofMinutes(1))),
                HealthTick::topic,
                Types.STRING)) {
            harness.open();
            harness.processElement(new HealthTick("lbs-pings", 1, null, TEN_O_CLOCK + 1_000), TEN_O_CLOCK + 1_000);
            harness.processElement(
                    new HealthTick("lbs-pings", 1, "malformed_json", TEN_O_CLOCK + 2_000), TEN_O_CLOCK + 2_000);
            harness.processWatermark(TEN_O_CLOCK + 5 * ONE_MINUTE);
            return harness.extractOutputValues();
        }
    }

    /**
     * An online-to-store conversion with a purchase (so mean_lead_s is written) on one channel and a store-to-online
     * journey on another: every o2o_conversions field and tag.
     */
    private static List<MetricPoint> o2oConversionPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new O2oConversionAggregator(ONE_HOUR, DECISION_DELAY)),
                O2oConversionAggregator::keyOf,
                Types.STRING)) {
            harness.open();
            long engaged = TEN_O_CLOCK + 5 * ONE_MINUTE;
            long enter = TEN_O_CLOCK + 25 * ONE_MINUTE;
            long exit = TEN_O_CLOCK + 40 * ONE_MINUTE;
            long paid = TEN_O_CLOCK + 35 * ONE_MINUTE;
            harness.processElement(new O2oConversion(
                    JourneyMatch.ONLINE_TO_STORE + ":v1", JourneyMatch.ONLINE_TO_STORE, "c1", "sh-001", "wechat",
                    "coupon_claim", "sku-1", engaged, 2, "v1", enter, exit, exit - enter, "tx1", paid, 42.5, 1,
                    enter - engaged, paid - enter, null, exit), exit);
            long online = TEN_O_CLOCK + 50 * ONE_MINUTE;
            harness.processElement(new O2oConversion(
                    JourneyMatch.STORE_TO_ONLINE + ":v2", JourneyMatch.STORE_TO_ONLINE, "c2", "sh-001", "app",
                    "view", "sku-2", online, 1, "v2", enter, exit, exit - enter, null, null, null, 0,
                    null, null, online - exit, online), online);
            harness.processWatermark(TEN_O_CLOCK + 3 * ONE_HOUR.toMillis());
            return harness.extractOutputValues();
        }
    }

    /**
     * A known returning visitor, an unknown new one, a member transaction and an anonymous one in one store: every
     * store_customers field (the ratios are written only for a period with visitors).
     */
    private static List<MetricPoint> storeCustomerPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StoreCustomersAggregator(ONE_HOUR, DECISION_DELAY)),
                StoreCustomerEvent::storeId,
                Types.STRING)) {
            harness.open();
            long enter = TEN_O_CLOCK + 10 * ONE_MINUTE;
            long exit = TEN_O_CLOCK + 30 * ONE_MINUTE;
            StoreVisitEvent known = StoreVisitEvent.of(StoreVisitEvent.VISIT, "d1", "u1", "sh-001", exit, enter, exit)
                    .withCustomer("c1");
            StoreVisitEvent unknown =
                    StoreVisitEvent.of(StoreVisitEvent.VISIT, "d2", null, "sh-001", exit, enter, exit);
            harness.processElement(StoreCustomerEvent.visit(known, true), exit);
            harness.processElement(StoreCustomerEvent.visit(unknown, false), exit);
            long paid = TEN_O_CLOCK + 20 * ONE_MINUTE;
            harness.processElement(StoreCustomerEvent.transaction(
                    new PosTransaction("tx1", "sh-001", "m1", 59.9, List.of(), paid)), paid);
            harness.processElement(StoreCustomerEvent.transaction(
                    new PosTransaction("tx2", "sh-001", null, 12.0, List.of(), paid)), paid);
            harness.processWatermark(TEN_O_CLOCK + 3 * ONE_HOUR.toMillis());
            return harness.extractOutputValues();
        }
    }

    /** One decision of every outcome for one rule and store: every offers field and tag. */
    private static List<MetricPoint> offersPoints() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new OffersAggregator(Duration.ofMinutes(1), Duration.ZERO)),
                OffersAggregator::keyOf,
                Types.STRING)) {
            harness.open();
            long at = TEN_O_CLOCK + 5 * ONE_MINUTE;
            for (String outcome : FirstOfferDecisionOnly.OUTCOMES) {
                boolean redeemed = outcome.equals(OfferDecision.REDEEMED);
                harness.processElement(new OfferDecision("welcome-1", outcome, null, "welcome", 1, "c1", "sh-001", null,
                        "enter", "e1", at, at, List.of("member:m1"), "{}", at + ONE_HOUR.toMillis(),
                        redeemed ? "tx1" : null, redeemed ? 42.0 : null, false), at);
            }
            harness.processWatermark(TEN_O_CLOCK + ONE_HOUR.toMillis());
            return harness.extractOutputValues();
        }
    }

    @Override
    public String toString() {
        return measurements.values().toString();
    }
}
