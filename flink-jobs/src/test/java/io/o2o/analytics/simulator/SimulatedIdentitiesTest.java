package io.o2o.analytics.simulator;

import static io.o2o.analytics.simulator.SimulationFixtures.eventTime;
import static io.o2o.analytics.simulator.SimulationFixtures.json;
import static io.o2o.analytics.simulator.SimulationFixtures.sampleCity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.o2o.analytics.records.InputTopic;
import io.o2o.analytics.records.RawRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who the engine can recognise: two-device customers, phones linked only at the till, browsing after a visit,
 * and the truth's verdicts on them, checked against the records themselves.
 */
class SimulatedIdentitiesTest {
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final Set<String> ENGAGEMENTS = Set.of("view", "cart", "coupon_claim");

    /** Enough customers for a few dozen two-device customers; no broken records, so every record is evidence. */
    private static final SimulationSettings SETTINGS =
            SimulationSettings.builder().customers(1000).badRecordRate(0).build();

    private static List<CustomerOutcome> outcomes;
    private static Map<String, CustomerOutcome> outcomeOf;
    private static GroundTruth truth;

    @BeforeAll
    static void simulate() {
        CitySimulator simulator = new CitySimulator(sampleCity(), SETTINGS);
        outcomes = IntStream.range(0, SETTINGS.customers()).parallel().mapToObj(simulator::customer).toList();
        outcomeOf = new HashMap<>();
        outcomes.forEach(o -> outcomeOf.put(o.customer().customerId(), o));
        truth = simulator.run().truth();
    }

    @Test
    void everyMembersPhoneNumberIsLinkedToTheMembershipFromTheStart() {
        List<CustomerOutcome> members = outcomes.stream().filter(o -> o.customer().member()).toList();
        assertThat(members).hasSizeGreaterThan(50);
        assertThat(members).allSatisfy(o -> assertThat(o.records())
                .filteredOn(r -> r.topic() == InputTopic.IDENTITY_LINKS)
                .anySatisfy(r -> {
                    JsonNode link = json(r.value());
                    assertThat(link.get("a").asText()).isEqualTo("member:" + o.customer().memberId());
                    assertThat(link.get("b").asText()).isEqualTo("phone:" + o.customer().phone());
                    assertThat(eventTime(link)).isEqualTo(SETTINGS.startMillis());
                }));
        assertThat(truth.identities()).filteredOn(i -> i.identifiers().stream().anyMatch(id -> id.startsWith("member:")))
                .allSatisfy(i -> assertThat(i.identifiers()).anyMatch(id -> id.startsWith("phone:")));
    }

    @Test
    void aboutAThirdOfO2oVisitorsBrowseOnASecondDeviceThatSendsNoPings() {
        List<CustomerOutcome> o2o = ofJourney(JourneyKind.O2O_VISITOR);
        List<CustomerOutcome> twoDevices = o2o.stream().filter(o -> o.customer().twoDevices()).toList();

        assertThat((double) twoDevices.size() / o2o.size()).isBetween(0.2, 0.4);
        assertThat(outcomes).filteredOn(o -> o.customer().journey() != JourneyKind.O2O_VISITOR)
                .allSatisfy(o -> assertThat(o.customer().secondRawDeviceId()).isNull());
        assertThat(twoDevices).allSatisfy(o -> {
            Customer customer = o.customer();
            assertThat(customer.secondRawDeviceId())
                    .matches("[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
                    .isNotEqualTo(customer.rawDeviceId());
            assertThat(o.records()).noneMatch(r -> r.topic() == InputTopic.LBS_PINGS
                    && json(r.value()).get("deviceId").asText().equals(customer.secondRawDeviceId()));
            // The app login before browsing (1-30 s before the session starts, a session lasts up to 5 min) is on
            // the second device.
            long firstOnline = o.records().stream().filter(r -> r.topic() == InputTopic.ONLINE_EVENTS)
                    .mapToLong(r -> eventTime(json(r.value()))).min().orElseThrow();
            assertThat(links(o)).anySatisfy(link -> {
                assertThat(link.get("a").asText()).isEqualTo("user:" + customer.userId());
                assertThat(link.get("b").asText()).isEqualTo("device:" + customer.secondRawDeviceId());
                assertThat(firstOnline - eventTime(link)).isBetween(SECOND, 5 * MINUTE + 30 * SECOND);
            });
        });
    }

    @Test
    void aTwoDeviceCustomersIdentityHoldsBothDevicesWhenAnythingLinksThePhone() {
        List<CustomerOutcome> twoDevices = outcomes.stream().filter(o -> o.customer().twoDevices()).toList();
        int both = 0;
        for (CustomerOutcome o : twoDevices) {
            Customer customer = o.customer();
            String phone = "device:" + customer.rawDeviceId();
            TrueIdentity person = o.identities().stream()
                    .filter(i -> i.identifiers().contains("user:" + customer.userId()))
                    .findFirst().orElseThrow();
            assertThat(person.identifiers()).contains("device:" + customer.secondRawDeviceId());
            if (customer.userIdOnPings() || customer.linksPhoneAtTill()) {
                assertThat(person.identifiers()).as("%s", customer).contains(phone);
                both++;
            } else {
                // Nothing ties the phone to anyone: it is in no group.
                assertThat(o.identities()).noneMatch(i -> i.identifiers().contains(phone));
            }
        }
        assertThat(both).isGreaterThan(twoDevices.size() / 2);
        // The run's truth carries the same groups.
        assertThat(truth.identities()).containsAll(
                twoDevices.stream().flatMap(o -> o.identities().stream()).toList());
    }

    @Test
    void aboutHalfOfTwoDeviceCustomersLinkTheirPhoneOnlyAtTheTillDuringTheVisit() {
        List<CustomerOutcome> twoDevices = outcomes.stream().filter(o -> o.customer().twoDevices()).toList();
        List<CustomerOutcome> tillOnly = twoDevices.stream().filter(o -> o.customer().linksPhoneAtTill()).toList();

        assertThat((double) tillOnly.size() / twoDevices.size()).isBetween(0.3, 0.7);
        assertThat(outcomes).filteredOn(o -> o.customer().linksPhoneAtTill())
                .allSatisfy(o -> assertThat(o.customer().twoDevices()).isTrue());
        assertThat(tillOnly).allSatisfy(o -> {
            Customer customer = o.customer();
            TrueVisit visit = o.visits().get(0);
            assertThat(customer.userIdOnPings()).isFalse();
            assertThat(o.records()).noneMatch(r -> r.topic() == InputTopic.LBS_PINGS && json(r.value()).has("userId"));
            List<Long> phoneLinks = phoneEvidenceTimes(o);
            assertThat(phoneLinks).singleElement().satisfies(at -> {
                assertThat(at).isBetween(visit.enterMillis(), visit.exitMillis() - 30 * SECOND);
                receiptTime(o).ifPresent(paid -> assertThat(paid - at).isBetween(10 * SECOND, MINUTE));
            });
            assertThat(links(o)).anyMatch(link -> link.get("a").asText().equals("user:" + customer.userId())
                    && link.get("b").asText().equals("device:" + customer.rawDeviceId()));
            // Linked mid-visit, so the visit is known and the conversion identifiable by the exit.
            assertThat(visit.known()).isTrue();
            assertThat(o.conversion().identifiable()).isTrue();
        });
        assertThat(tillOnly).anyMatch(o -> receiptTime(o).isPresent());
    }

    @Test
    void someStoreVisitorsBrowseOnTheirPhoneFiveToSixtyMinutesAfterLeaving() {
        List<CustomerOutcome> browsing = outcomes.stream().filter(o -> o.offlineToOnline() != null).toList();
        long appUserVisitors = ofJourney(JourneyKind.STORE_VISITOR).stream().filter(o -> o.customer().appUser()).count();

        // A quarter of app users among store visitors, less those whose browsing would end after the window.
        assertThat(browsing).hasSizeBetween((int) (appUserVisitors / 10), (int) (appUserVisitors / 4));
        assertThat(browsing).allSatisfy(o -> {
            TrueOfflineToOnline journey = o.offlineToOnline();
            TrueVisit visit = o.visits().get(0);
            assertThat(o.customer().journey()).isEqualTo(JourneyKind.STORE_VISITOR);
            assertThat(journey.storeId()).isEqualTo(visit.storeId());
            assertThat(journey.visitExitMillis()).isEqualTo(visit.exitMillis());
            assertThat(journey.onlineMillis() - journey.visitExitMillis()).isBetween(5 * MINUTE, 60 * MINUTE);
            assertThat(journey.channel()).isIn("app", "wechat", "mini_program");

            List<JsonNode> online = o.records().stream().filter(r -> r.topic() == InputTopic.ONLINE_EVENTS)
                    .map(r -> json(r.value())).toList();
            assertThat(online).isNotEmpty().allSatisfy(event -> {
                assertThat(eventTime(event)).isBetween(journey.onlineMillis(), SETTINGS.endMillis());
                assertThat(event.get("channel").asText()).isEqualTo(journey.channel());
                assertThat(event.get("action").asText()).isIn("view", "cart");
            });
            assertThat(online).anyMatch(event -> eventTime(event) == journey.onlineMillis());
            // The app login on the phone comes after the visit and before the first event.
            assertThat(links(o)).anySatisfy(link -> {
                assertThat(link.get("b").asText()).isEqualTo("device:" + o.customer().rawDeviceId());
                assertThat(eventTime(link)).isBetween(journey.visitExitMillis(), journey.onlineMillis());
            });
        });
        assertThat(truth.offlineToOnline()).containsExactlyElementsOf(
                browsing.stream().map(CustomerOutcome::offlineToOnline).toList());
    }

    @Test
    void aConversionIsIdentifiableExactlyWhenEvidenceTiesThePhoneToTheUserByTheExit() {
        List<TrueConversion> conversions = truth.conversions();
        Map<String, TrueIdentity> groupOf = new HashMap<>();
        truth.identities().forEach(i -> i.identifiers().forEach(id -> groupOf.put(id, i)));

        assertThat(truth.identifiableConversions()).hasSizeBetween(conversions.size() * 8 / 10, conversions.size() - 1);
        for (TrueConversion conversion : conversions) {
            CustomerOutcome o = outcomeOf.get(conversion.customerId());
            String phone = "device:" + o.customer().rawDeviceId();
            TrueVisit visit = o.visits().get(0);
            List<Long> phoneEvidence = phoneEvidenceTimes(o);
            if (conversion.identifiable()) {
                assertThat(groupOf.get(phone)).as("%s", conversion).isNotNull();
                assertThat(groupOf.get(phone).identifiers()).contains("user:" + o.customer().userId());
                assertThat(phoneEvidence).anyMatch(at -> at <= visit.exitMillis());
            } else {
                // The phone only ever meets the user through records naming it: none by the exit.
                assertThat(phoneEvidence).as("%s", conversion).allMatch(at -> at > visit.exitMillis());
                assertThat(o.customer().twoDevices()).isTrue();
            }
        }
    }

    @Test
    void aPurchaseIsIdentifiableExactlyWhenItsMemberAndThePhoneAreOnePerson() {
        List<TrueConversion> purchases = truth.conversions().stream().filter(c -> c.purchaseMillis() != null).toList();

        assertThat(truth.conversions()).filteredOn(c -> c.purchaseMillis() == null)
                .noneMatch(TrueConversion::purchaseIdentifiable);
        assertThat(purchases).filteredOn(TrueConversion::purchaseIdentifiable).isNotEmpty();
        assertThat(purchases).filteredOn(c -> !c.purchaseIdentifiable()).isNotEmpty();
        for (TrueConversion purchase : purchases) {
            Customer customer = outcomeOf.get(purchase.customerId()).customer();
            boolean onePerson = customer.member() && truth.identities().stream().anyMatch(i ->
                    i.identifiers().contains("member:" + customer.memberId())
                            && i.identifiers().contains("device:" + customer.rawDeviceId()));
            assertThat(purchase.purchaseIdentifiable()).as("%s", purchase).isEqualTo(onePerson);
        }
    }

    @Test
    void aConversionIsAttributedToTheLatestEngagementBeforeTheVisit() {
        assertThat(truth.conversions()).isNotEmpty().allSatisfy(conversion -> {
            JsonNode latest = outcomeOf.get(conversion.customerId()).records().stream()
                    .filter(r -> r.topic() == InputTopic.ONLINE_EVENTS)
                    .map(r -> json(r.value()))
                    .filter(e -> ENGAGEMENTS.contains(e.get("action").asText()))
                    .filter(e -> eventTime(e) < conversion.visitEnterMillis())
                    .max((x, y) -> Long.compare(eventTime(x), eventTime(y)))
                    .orElseThrow();
            assertThat(conversion.engagedMillis()).isEqualTo(eventTime(latest));
            assertThat(conversion.channel()).isEqualTo(latest.get("channel").asText());
        });
    }

    @Test
    void aVisitIsKnownExactlyWhenEvidenceNamesItsPhoneByTheExit() {
        int known = 0;
        for (CustomerOutcome o : outcomes) {
            List<Long> phoneEvidence = phoneEvidenceTimes(o);
            for (TrueVisit visit : o.visits()) {
                boolean named = phoneEvidence.stream().anyMatch(at -> at <= visit.exitMillis());
                assertThat(visit.known()).as("%s", visit).isEqualTo(named);
                known += visit.known() ? 1 : 0;
            }
        }
        assertThat(truth.knownVisitShare()).isEqualTo((double) known / truth.visits().size()).isBetween(0.5, 0.95);
    }

    @Test
    void theTruthFileWritesTheNewVerdicts() {
        JsonNode file = truth.toJson(SimulationFixtures.JSON);

        assertThat(file.get("summary").get("offlineToOnline").asInt()).isEqualTo(truth.offlineToOnline().size()).isPositive();
        assertThat(file.get("summary").get("identifiableConversions").asInt())
                .isEqualTo(truth.identifiableConversions().size());
        assertThat(file.get("summary").get("knownVisitShare").asDouble())
                .isCloseTo(truth.knownVisitShare(), within(0.001));
        assertThat(file.get("offlineToOnline")).hasSize(truth.offlineToOnline().size());
        JsonNode journey = file.get("offlineToOnline").get(0);
        assertThat(journey.get("onlineMillis").asLong()).isEqualTo(truth.offlineToOnline().get(0).onlineMillis());
        assertThat(journey.get("channel").asText()).isEqualTo(truth.offlineToOnline().get(0).channel());
        List<Boolean> identifiable = new ArrayList<>();
        file.get("conversions").forEach(c -> identifiable.add(c.get("identifiable").asBoolean()));
        assertThat(identifiable).isEqualTo(truth.conversions().stream().map(TrueConversion::identifiable).toList());
        List<Boolean> known = new ArrayList<>();
        file.get("visits").forEach(v -> known.add(v.get("known").asBoolean()));
        assertThat(known).isEqualTo(truth.visits().stream().map(TrueVisit::known).toList());
    }

    private static List<CustomerOutcome> ofJourney(JourneyKind journey) {
        return outcomes.stream().filter(o -> o.customer().journey() == journey).toList();
    }

    private static List<JsonNode> links(CustomerOutcome outcome) {
        return outcome.records().stream().filter(r -> r.topic() == InputTopic.IDENTITY_LINKS)
                .map(r -> json(r.value())).toList();
    }

    /** When the records tie the customer's phone to another identifier: pings with a user id, links naming it. */
    private static List<Long> phoneEvidenceTimes(CustomerOutcome outcome) {
        String phone = outcome.customer().rawDeviceId();
        List<Long> times = new ArrayList<>();
        for (RawRecord record : outcome.records()) {
            JsonNode json = json(record.value());
            boolean names = switch (record.topic()) {
                case LBS_PINGS -> json.get("deviceId").asText().equals(phone) && json.has("userId");
                case IDENTITY_LINKS -> json.get("a").asText().equals("device:" + phone)
                        || json.get("b").asText().equals("device:" + phone);
                default -> false;
            };
            if (names) {
                times.add(eventTime(json));
            }
        }
        return times;
    }

    private static Optional<Long> receiptTime(CustomerOutcome outcome) {
        return outcome.records().stream().filter(r -> r.topic() == InputTopic.POS_TRANSACTIONS)
                .map(r -> eventTime(json(r.value()))).findFirst();
    }
}
