package io.o2o.analytics.offers;

import static io.o2o.analytics.offers.OfferFixtures.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.o2o.analytics.job.LocationAnalyticsJob;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OfferRuleParserTest {
    private final OfferRuleParser parser = OfferFixtures.parser();

    private List<String> problems(String rulesJson) {
        try {
            parser.parseRules(rulesJson, "rules.json");
        } catch (OfferRuleException e) {
            assertThat(e.getMessage()).startsWith("rules.json: ");
            return e.problems();
        }
        throw new AssertionError("expected the rules to be rejected: " + rulesJson);
    }

    @Test
    void theExampleRulesForTheSampleCityLoadWithEveryTriggerType() throws Exception {
        List<OfferRuleChange> examples = parser.load(LocationAnalyticsJob.SAMPLE_CITY_OFFERS);
        List<OfferRule> rules = examples.stream().map(change -> parser.fromValidJson(change.ruleJson())).toList();

        assertThat(examples).allSatisfy(change -> assertThat(change.ts()).isEqualTo(Long.MIN_VALUE));
        assertThat(rules).extracting(rule -> rule.trigger().type()).containsOnly(OfferTrigger.values())
                .hasSize(7);
        assertThat(rules).allSatisfy(rule -> assertThat(rule.active()).isTrue());
    }

    @Test
    void aFullRuleReadsIntoItsParts() throws Exception {
        String json = "{\"id\":\"vip-tea\",\"version\":3,\"name\":\"VIP tea\",\"trigger\":{\"type\":\"engaged_then_near\","
                + "\"within\":\"PT6H\",\"actions\":[\"cart\"],\"skus\":[\"sku-1\",\"sku-2\"],\"near\":[\"enter\"]},"
                + "\"audience\":{\"knownMember\":true,\"channels\":[\"wechat\"],\"segments\":[\"vip\"]},"
                + "\"stores\":[\"sh-004\"],\"schedule\":{\"from\":\"2026-03-01T00:00:00Z\",\"until\":\"2026-04-01T00:00:00+08:00\","
                + "\"days\":[\"sat\",\"SUN\"],\"hours\":\"11:00-20:00\",\"openingHoursOnly\":true},"
                + "\"caps\":{\"perCustomerPerDay\":1,\"perCustomer\":4,\"cooldown\":\"PT12H\"},"
                + "\"offer\":{\"title\":\"Tea\",\"couponCode\":\"VIPTEA\"},\"redeemWithin\":\"P2D\"}";
        OfferRule rule = parser.fromValidJson(parser.parseRules("[" + json + "]", "f").get(0).ruleJson());

        assertThat(rule.id()).isEqualTo("vip-tea");
        assertThat(rule.version()).isEqualTo(3);
        assertThat(rule.trigger().within()).isEqualTo(Duration.ofHours(6));
        assertThat(rule.trigger().actions()).containsExactly("cart");
        assertThat(rule.trigger().skus()).containsExactlyInAnyOrder("sku-1", "sku-2");
        assertThat(rule.trigger().near()).containsExactly("enter");
        assertThat(rule.audience().knownMember()).isTrue();
        assertThat(rule.audience().segments()).containsExactly("vip");
        assertThat(rule.stores()).containsExactly("sh-004");
        assertThat(rule.schedule().days()).containsExactlyInAnyOrder(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
        assertThat(rule.schedule().opens()).isEqualTo(LocalTime.of(11, 0));
        assertThat(rule.schedule().until().toString()).isEqualTo("2026-03-31T16:00:00Z");
        assertThat(rule.caps()).isEqualTo(new OfferRule.Caps(1, 4, Duration.ofHours(12)));
        assertThat(rule.offerJson()).isEqualTo("{\"title\":\"Tea\",\"couponCode\":\"VIPTEA\"}");
        assertThat(rule.redeemWithin()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void defaultsFillWhatARuleLeavesOut() throws Exception {
        OfferRule rule = parser.fromValidJson(parser.parseRules(
                "{\"rules\":[" + rule("left", "\"trigger\":{\"type\":\"visit_without_purchase\"}") + "]}", "f").get(0).ruleJson());
        assertThat(rule.trigger().grace()).isEqualTo(Duration.ofMinutes(30));
        assertThat(rule.stores()).isEmpty();
        assertThat(rule.runsIn("sh-030")).isTrue();
        assertThat(rule.caps()).isEqualTo(new OfferRule.Caps(0, 0, Duration.ZERO));
        assertThat(rule.audience().knownMember()).isNull();
    }

    @Test
    void everyProblemIsNamedWithWhereItIs() {
        List<String> problems = problems("[{\"id\":\"Bad Id\",\"trigger\":{\"type\":\"teleport\"},\"offer\":{}},"
                + rule("ok", "\"trigger\":{\"type\":\"dwell\"},\"stores\":[\"sh-999\"],\"caps\":{\"perDay\":2}") + ","
                + rule("ok", "\"trigger\":{\"type\":\"enter\",\"for\":\"PT5M\"},\"schedule\":{\"hours\":\"21:00-09:00\"}") + ","
                + rule("late", "\"trigger\":{\"type\":\"engaged_then_near\",\"within\":\"P4D\"},\"ts\":1") + "]");

        assertThat(problems).containsExactlyInAnyOrder(
                "rules[0].id: 'Bad Id' must be 1 to 64 of a-z, 0-9, '_', '.', '-' (it is a metrics tag)",
                "rules[0].trigger.type: 'teleport' is not one of [enter, pass_by, dwell, engaged_then_near, "
                        + "visit_without_purchase, lapsed_member_nearby]",
                "rules[0].offer: required, a non-empty JSON object (what the customer receives)",
                "rules[1].stores: 'sh-999' is not a store of the fence file",
                "rules[1].trigger.for: required, an ISO-8601 duration such as PT10M or P1D",
                "rules[1].caps.perDay: unknown field (expected one of [cooldown, perCustomer, perCustomerPerDay])",
                "rules[2].id: 'ok' is used by an earlier rule",
                "rules[2].trigger.for: does not apply to trigger 'enter' (it takes [type])",
                "rules[2].schedule.hours: the start must be before the end (split a night into two rules)",
                "rules[3].ts: only rule changes on the offer-rules topic carry a time",
                "rules[3].trigger.within: must be more than zero and at most PT72H (offers.engagement-window)");
    }

    @Test
    void zonesDurationsAndIdsAreCheckedAgainstTheFenceFileAndEachOther() {
        assertThat(problems("[" + rule("z", "\"trigger\":{\"type\":\"dwell\",\"for\":\"10 minutes\",\"zone\":\"sh-002-aisle\"},"
                + "\"stores\":[\"sh-001\"]") + "," + rule("z", "\"trigger\":{\"type\":\"dwell\",\"for\":\"PT1M\",\"zone\":\"nowhere\"}")
                + "]")).containsExactlyInAnyOrder(
                "rules[0].trigger.for: '10 minutes' is not an ISO-8601 duration such as PT10M or P1D",
                "rules[0].trigger.zone: 'sh-002-aisle' is in store sh-002, which the rule's stores leave out",
                "rules[1].trigger.zone: 'nowhere' is not a zone of the fence file",
                "rules[1].id: 'z' is used by an earlier rule");
        assertThat(problems("not json")).singleElement().asString().startsWith("not JSON: ");
        assertThat(problems("{\"rule\":[]}")).containsExactly("expected {\"rules\": [ ... ]} or an array of rules");
    }

    @Test
    void aTopicChangeCarriesItsTimeAndADeletionOnlyItsId() throws Exception {
        OfferRuleChange change = parser.parseChange(rule("flash", "\"trigger\":{\"type\":\"enter\"},\"ts\":\"2026-03-07T12:00:00+08:00\""));
        assertThat(change.ruleId()).isEqualTo("flash");
        assertThat(change.ts()).isEqualTo(OfferFixtures.NOON);
        assertThat(change.ruleJson()).doesNotContain("ts");
        assertThat(parser.fromValidJson(change.ruleJson()).trigger().type()).isEqualTo(OfferTrigger.ENTER);

        OfferRuleChange deletion = parser.parseChange("{\"id\":\"flash\",\"status\":\"deleted\",\"ts\":5}");
        assertThat(deletion.deleted()).isTrue();
        assertThat(deletion.ts()).isEqualTo(5);

        assertThatThrownBy(() -> parser.parseChange(rule("flash", "\"trigger\":{\"type\":\"enter\"}")))
                .isInstanceOf(OfferRuleException.class)
                .hasMessageContaining("rule.ts: required, epoch milliseconds or an ISO-8601 time with offset");
        assertThatThrownBy(() -> parser.parseChange("{\"id\":\"flash\",\"status\":\"deleted\",\"ts\":5,\"offer\":{}}"))
                .hasMessageContaining("rule.offer: a deletion carries only id, status and ts");
    }

    @Test
    void aBadRuleOnTheTopicIsADeadLetterWithEveryProblem() {
        var hasher = new io.o2o.analytics.ingest.IdentifierHasher("a test key of thirty-two bytes!!".getBytes());
        var input = new io.o2o.analytics.ingest.InputParser(hasher, Set.of("sh-001"), Duration.ofMinutes(5),
                io.o2o.analytics.ingest.InputParser.DEFAULT_MAX_PAST_AGE, parser);
        var ingested = input.parse(new io.o2o.analytics.records.RawRecord(io.o2o.analytics.records.InputTopic.OFFER_RULES,
                "x", rule("x", "\"trigger\":{\"type\":\"dwell\"},\"ts\":1"), 1000));
        assertThat(ingested.isDeadLetter()).isTrue();
        assertThat(ingested.deadLetter().reason()).isEqualTo("invalid_rule");
        assertThat(ingested.deadLetter().detail()).isEqualTo("rule.trigger.for: required, an ISO-8601 duration such as PT10M or P1D");
    }
}
