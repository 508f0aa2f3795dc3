package io.o2o.analytics.bench.latency;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.o2o.analytics.bench.latency.DecisionLatencies.Window;
import io.o2o.analytics.bench.latency.OutputRecords.AuditDecision;
import io.o2o.analytics.bench.latency.OutputRecords.DeadLetterRef;
import io.o2o.analytics.bench.latency.OutputRecords.OfferSent;
import io.o2o.analytics.bench.latency.OutputRecords.VisitDecision;
import io.o2o.analytics.ingest.IdentifierHasher;
import io.o2o.analytics.ingest.Ingested;
import io.o2o.analytics.ingest.InputParser;
import io.o2o.analytics.offers.GeoOffer;
import io.o2o.analytics.offers.OfferDecision;
import io.o2o.analytics.records.DeadLetter;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import io.o2o.analytics.records.StoreVisitEvent;
import io.o2o.analytics.sink.JsonSerialization;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Linking the job's output records to the input that made them possible, on made-up appends: the records are the
 * job's own types as its sinks write them, so a renamed field breaks here rather than in a benchmark run.
 */
class DecisionLatenciesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final IdentifierHasher HASHER =
            new IdentifierHasher("latency-test-key-0123456789".getBytes(StandardCharsets.UTF_8));

    /** Named instants of one morning, event time and append time alike. */
    private static final long FIRST_PING_INSIDE = 1_800_000_000_000L;
    private static final long CONFIRMING_PING = FIRST_PING_INSIDE + 30_000;
    private static final long LAST_PING_NEAR = FIRST_PING_INSIDE + 600_000;
    private static final long START_OF_WINDOW = FIRST_PING_INSIDE - 60_000;
    private static final long END_OF_WINDOW = FIRST_PING_INSIDE + 3_600_000;
    private static final Window WINDOW = new Window(START_OF_WINDOW, END_OF_WINDOW, START_OF_WINDOW, END_OF_WINDOW);

    private static final String PHONE = HASHER.hashDevice("device-raw-0001");

    @Test
    void aPingIsFoundUnderTheHashAndEventTimeTheJobsDecisionsName() {
        InputParser parser = new InputParser(HASHER, Set.of(), Duration.ofMinutes(5));
        String ping = "{\"deviceId\":\"device-raw-0001\",\"lat\":31.23,\"lon\":121.47,\"accuracyM\":8,"
                + "\"ts\":" + CONFIRMING_PING + ",\"source\":\"gps\"}";
        long appended = CONFIRMING_PING + 700;
        Ingested parsed = parser.parse(new RawRecord(InputTopic.LBS_PINGS, null, ping, appended, 0, 17));
        PingIndex pings = new PingIndex();
        pings.add(parsed.ping().deviceId(), parsed.ping().ts(), appended);

        VisitDecision enter = visit(StoreVisitEvent.of(StoreVisitEvent.ENTER, PHONE, null, "sh-001", FIRST_PING_INSIDE,
                FIRST_PING_INSIDE, null).decidedAt(CONFIRMING_PING), appended + 52_000);

        assertThat(DecisionLatencies.pingAppend(enter, pings)).hasValue(appended);
    }

    @Test
    void anEntryCountsFromItsConfirmingPingAndARepeatedFixFromItsFirstAppend() {
        PingIndex pings = new PingIndex();
        pings.add(PHONE, FIRST_PING_INSIDE, FIRST_PING_INSIDE + 500);
        pings.add(PHONE, CONFIRMING_PING, CONFIRMING_PING + 9_000);
        pings.add(PHONE, CONFIRMING_PING, CONFIRMING_PING + 400);
        VisitDecision enter = visit(StoreVisitEvent.of(StoreVisitEvent.ENTER, PHONE, null, "sh-001", FIRST_PING_INSIDE,
                FIRST_PING_INSIDE, null).decidedAt(CONFIRMING_PING), CONFIRMING_PING + 60_400);

        LatencyRow row = DecisionLatencies.visits("enter", "confirming ping", List.of(enter, enter), pings, WINDOW);

        assertThat(row.figures()).isEqualTo(new Percentiles(1, 60_000, 60_000, 60_000, 60_000));
        assertThat(row.unlinked()).isZero();
    }

    @Test
    void aPassByCountsFromItsDecidedAtWhenItHasOneElseFromItsLastPingNear() {
        long pingBeyondBuffer = LAST_PING_NEAR + 30_000;
        PingIndex pings = new PingIndex();
        pings.add(PHONE, LAST_PING_NEAR, LAST_PING_NEAR);
        pings.add(PHONE, pingBeyondBuffer, pingBeyondBuffer);
        StoreVisitEvent passBy = StoreVisitEvent.of(StoreVisitEvent.PASS_BY, PHONE, null, "sh-002", LAST_PING_NEAR,
                null, null);

        LatencyRow today = DecisionLatencies.visits("pass_by", "", List.of(visit(passBy, LAST_PING_NEAR + 234_000)),
                pings, WINDOW);
        LatencyRow withDecidedAt = DecisionLatencies.visits("pass_by", "",
                List.of(visit(passBy.decidedAt(pingBeyondBuffer), pingBeyondBuffer + 20_000)), pings, WINDOW);

        assertThat(today.figures().max()).isEqualTo(234_000);
        assertThat(withDecidedAt.figures().max()).isEqualTo(20_000);
    }

    @Test
    void decisionsOfPingsAfterTheWindowDoNotCountAndAMissingPingIsUnlinked() {
        PingIndex pings = new PingIndex();
        pings.add(PHONE, END_OF_WINDOW + 1_000, END_OF_WINDOW + 1_000);
        VisitDecision afterWindow = visit(StoreVisitEvent.of(StoreVisitEvent.EXIT, PHONE, null, "sh-001",
                END_OF_WINDOW + 1_000, FIRST_PING_INSIDE, END_OF_WINDOW + 1_000), END_OF_WINDOW + 200_000);
        VisitDecision noPing = visit(StoreVisitEvent.of(StoreVisitEvent.EXIT, PHONE, null, "sh-003", LAST_PING_NEAR,
                FIRST_PING_INSIDE, LAST_PING_NEAR), LAST_PING_NEAR + 200_000);

        LatencyRow row = DecisionLatencies.visits("exit", "", List.of(afterWindow, noPing), pings, WINDOW);

        assertThat(row.figures().isEmpty()).isTrue();
        assertThat(row.unlinked()).isEqualTo(1);
    }

    @Test
    void aGeoOfferIsLinkedThroughTheAuditToTheMomentThatFiredItAndThatMomentsPing() {
        PingIndex pings = new PingIndex();
        pings.add(PHONE, CONFIRMING_PING, CONFIRMING_PING + 400);
        StoreVisitEvent entry = StoreVisitEvent.of(StoreVisitEvent.ENTER, PHONE, null, "sh-001", FIRST_PING_INSIDE,
                FIRST_PING_INSIDE, null).decidedAt(CONFIRMING_PING);
        VisitDecision enter = visit(entry, CONFIRMING_PING + 60_400);
        OfferDecision sent = decision("offer-1", OfferDecision.SENT, "enter", entry.eventId(), CONFIRMING_PING);
        OfferDecision dwell = decision("offer-2", OfferDecision.SENT, "dwell", "dwell:store:sh-003:" + FIRST_PING_INSIDE,
                FIRST_PING_INSIDE + 300_000);
        List<AuditDecision> audit = List.of(audit(sent, CONFIRMING_PING + 61_000), audit(dwell, FIRST_PING_INSIDE + 400_000));
        List<OfferSent> offers = List.of(offer(sent, CONFIRMING_PING + 61_000), offer(dwell, FIRST_PING_INSIDE + 310_000));
        // Committed with the job's next checkpoint: visible to a read_committed consumer after their append.
        Map<String, Long> visible = Map.of("offer-1", CONFIRMING_PING + 70_400, "offer-2", FIRST_PING_INSIDE + 320_000);

        LatencyRow onEnter = DecisionLatencies.offersOn("enter", "geo-offer visible on enter", "", visible, audit,
                List.of(enter), pings, WINDOW);
        LatencyRow auditOnEnter = DecisionLatencies.offersOn("enter", "offer-audit sent on enter", "",
                DecisionLatencies.auditAppends(audit), audit, List.of(enter), pings, WINDOW);
        LatencyRow onPassBy = DecisionLatencies.offersOn("pass_by", "geo-offer visible on pass_by", "", visible, audit,
                List.of(enter), pings, WINDOW);
        LatencyRow fromSentAt = DecisionLatencies.offersFromSentAt(offers, visible, WINDOW);

        assertThat(onEnter.figures()).isEqualTo(new Percentiles(1, 70_000, 70_000, 70_000, 70_000));
        assertThat(auditOnEnter.figures().max()).isEqualTo(60_600);
        assertThat(onPassBy.figures().isEmpty()).isTrue();
        // 70.4 s after the entry's sentAt (its confirming ping's event time, appended 0.4 s later), 20 s after the dwell's.
        assertThat(fromSentAt.figures()).isEqualTo(new Percentiles(2, 20_000, 70_400, 70_400, 70_400));
        assertThat(fromSentAt.unlinked()).isZero();
    }

    @Test
    void aDeadLetterCountsFromTheAppendOfTheRecordItRefusedAsReadOrLater() {
        DeadLetterRef malformed = deadLetter(new DeadLetter("lbs-pings", 1, 42, "malformed_json", "", "", "",
                FIRST_PING_INSIDE), FIRST_PING_INSIDE + 1_200);
        DeadLetterRef late = deadLetter(DeadLetter.decided("lbs-pings", "late_event", "", "", FIRST_PING_INSIDE),
                FIRST_PING_INSIDE + 90_000);
        DeadLetterRef beforeTheWindow = deadLetter(new DeadLetter("identity-links", 0, 3, "missing_field", "", "", "",
                START_OF_WINDOW - 1), START_OF_WINDOW + 1_000);
        List<DeadLetterRef> deadLetters = List.of(malformed, late, beforeTheWindow);

        LatencyRow whenRead = DecisionLatencies.deadLetters(true, deadLetters, WINDOW);
        LatencyRow inEventTime = DecisionLatencies.deadLetters(false, deadLetters, WINDOW);

        assertThat(whenRead.figures()).isEqualTo(new Percentiles(1, 1_200, 1_200, 1_200, 1_200));
        assertThat(inEventTime.figures()).isEqualTo(new Percentiles(1, 90_000, 90_000, 90_000, 90_000));
    }

    private static VisitDecision visit(StoreVisitEvent event, long append) {
        return VisitDecision.of(json(event), append);
    }

    private static OfferDecision decision(String offerId, String outcome, String trigger, String triggerEventId,
            long decidedAt) {
        return new OfferDecision(offerId, outcome, "", "rule", 1, "customer-1", "sh-001", null, trigger,
                triggerEventId, decidedAt, decidedAt, List.of(), "{}", decidedAt + 86_400_000, null, null, false);
    }

    private static AuditDecision audit(OfferDecision decision, long append) {
        return AuditDecision.of(json(decision), append);
    }

    private static OfferSent offer(OfferDecision decision, long append) {
        return OfferSent.of(json(GeoOffer.of(decision)), append);
    }

    private static DeadLetterRef deadLetter(DeadLetter deadLetter, long append) {
        return DeadLetterRef.of(json(deadLetter), append);
    }

    /** As the job's Kafka sinks write it. */
    private static <T> JsonNode json(T record) {
        try {
            return JSON.readTree(new JsonSerialization<T>().toJson(record));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
