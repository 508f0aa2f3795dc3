package io.o2o.analytics.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class IdentityResolverTest {
    private static final long MONDAY = Instant.parse("2026-03-02T02:00:00Z").toEpochMilli();
    private static final long ONE_DAY = Duration.ofDays(1).toMillis();
    private static final Duration TTL = Duration.ofDays(30);

    private static KeyedOneInputStreamOperatorTestHarness<Integer, IdentityEdge, CustomerAssignment> harness(int cap)
            throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new IdentityResolver(cap, TTL)), e -> IdentityResolver.GRAPH, Types.INT);
        harness.open();
        return harness;
    }

    private static IdentityEdge link(String a, String b, long ts) {
        return IdentityEdge.of(a, b, ts, "identity-links");
    }

    private static void feed(KeyedOneInputStreamOperatorTestHarness<Integer, IdentityEdge, CustomerAssignment> harness,
            List<IdentityEdge> edges) throws Exception {
        long maxSeen = Long.MIN_VALUE;
        for (IdentityEdge edge : edges) {
            harness.processElement(edge, edge.ts());
            maxSeen = Math.max(maxSeen, edge.ts());
            harness.processWatermark(maxSeen - Duration.ofMinutes(5).toMillis());
        }
    }

    /** Identifier to customer, as the assignments announced it last. */
    private static Map<String, String> customerOf(List<CustomerAssignment> assignments) {
        Map<String, String> latest = new TreeMap<>();
        assignments.forEach(a -> latest.put(a.node(), a.customerId()));
        return latest;
    }

    @Test
    void twoCustomersMergeIntoTheOlderOneWhenALinkJoinsThem() throws Exception {
        try (var harness = harness(16)) {
            feed(harness, List.of(
                    link("user:u-1", "device:d1", MONDAY),
                    link("member:m-1", "phone:p1", MONDAY + ONE_DAY),
                    link("member:m-1", "user:u-1", MONDAY + 2 * ONE_DAY)));
            harness.processWatermark(MONDAY + 3 * ONE_DAY);

            List<CustomerAssignment> out = harness.extractOutputValues();
            String older = out.get(0).customerId();
            String younger = out.stream().filter(a -> a.node().equals("phone:p1")).findFirst().orElseThrow()
                    .customerId();
            assertThat(younger).isNotEqualTo(older);
            assertThat(customerOf(out)).containsOnlyKeys("user:u-1", "device:d1", "member:m-1", "phone:p1")
                    .allSatisfy((node, customer) -> assertThat(customer).isEqualTo(older));
            assertThat(out).filteredOn(a -> younger.equals(a.previousCustomerId()))
                    .extracting(CustomerAssignment::node)
                    .containsExactlyInAnyOrder("member:m-1", "phone:p1");
        }
    }

    @Test
    void aSharedDemoPhoneDoesNotFuseEveryMemberIntoOneCustomer() throws Exception {
        try (var harness = harness(4)) {
            List<IdentityEdge> edges = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                edges.add(link("device:store-demo-phone", "member:m-" + i, MONDAY + i * 60_000L));
            }
            feed(harness, edges);
            harness.processWatermark(MONDAY + ONE_DAY);

            Map<String, String> customers = customerOf(harness.extractOutputValues());
            assertThat(customers).hasSize(4);
            assertThat(customers.values()).containsOnly(customers.get("device:store-demo-phone"));
            assertThat(harness.getSideOutput(IdentityResolver.REFUSED)).hasSize(27);
        }
    }

    @Test
    void theSameEvidenceInAnyArrivalOrderMakesTheSameCustomers() throws Exception {
        List<IdentityEdge> edges = new ArrayList<>();
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            edges.add(link("user:u-" + random.nextInt(60), "device:d" + random.nextInt(80), MONDAY + i * 1_000L));
        }
        Map<String, String> inOrder;
        try (var harness = harness(6)) {
            feed(harness, edges);
            harness.processWatermark(MONDAY + ONE_DAY);
            inOrder = customerOf(harness.extractOutputValues());
        }
        List<IdentityEdge> shuffled = new ArrayList<>(edges);
        for (int i = 0; i + 10 <= shuffled.size(); i += 10) {
            Collections.shuffle(shuffled.subList(i, i + 10), random);
        }
        try (var harness = harness(6)) {
            feed(harness, shuffled);
            harness.processWatermark(MONDAY + ONE_DAY);
            assertThat(customerOf(harness.extractOutputValues())).isEqualTo(inOrder);
        }
        assertThat(new java.util.HashSet<>(inOrder.values()).size()).isBetween(2, inOrder.size() - 1);
    }

    @Test
    void aLinkArrivingAfterTheWatermarkStillJoinsItsCustomers() throws Exception {
        try (var harness = harness(16)) {
            feed(harness, List.of(link("user:u-1", "device:d1", MONDAY), link("user:u-2", "device:d2", MONDAY + 1)));
            harness.processWatermark(MONDAY + ONE_DAY);
            harness.processElement(link("device:d1", "device:d2", MONDAY + 5), MONDAY + 5);

            Map<String, String> customers = customerOf(harness.extractOutputValues());
            assertThat(customers.get("device:d2")).isEqualTo(customers.get("user:u-1"));
        }
    }

    /** One customer whose two halves only a device seen once, long before, holds together. */
    private static List<IdentityEdge> bridgedCustomer() {
        return List.of(
                link("user:a", "device:bridge", MONDAY),
                link("device:bridge", "user:c", MONDAY),
                link("user:a", "wechat:x", MONDAY + 20 * ONE_DAY),
                link("user:c", "weibo:y", MONDAY + 20 * ONE_DAY));
    }

    @Test
    void identifiersUnseenForTheTtlAreForgottenAndTheirCustomerSplits() throws Exception {
        try (var harness = harness(16)) {
            feed(harness, bridgedCustomer());
            harness.processWatermark(MONDAY + 20 * ONE_DAY);
            String customer = customerOf(harness.extractOutputValues()).get("user:a");
            assertThat(customerOf(harness.extractOutputValues()).get("weibo:y")).isEqualTo(customer);

            harness.processWatermark(MONDAY + 30 * ONE_DAY);
            Map<String, String> after = customerOf(harness.extractOutputValues());
            assertThat(after.get("user:a")).isEqualTo(customer).isEqualTo(after.get("wechat:x"));
            assertThat(after.get("user:c")).isNotEqualTo(customer).isEqualTo(after.get("weibo:y"));

            harness.processWatermark(MONDAY + 60 * ONE_DAY);
            assertThat(harness.numKeyedStateEntries()).as("everything expired").isZero();
        }
    }

    @Test
    void theEndOfABoundedInputExpiresNobody() throws Exception {
        try (var harness = harness(16)) {
            // The bridge would expire first and split its customer in two, were the end of the input an instant.
            feed(harness, bridgedCustomer());
            harness.processWatermark(Long.MAX_VALUE);
            Map<String, String> customers = customerOf(harness.extractOutputValues());
            assertThat(customers.get("user:a")).isEqualTo(customers.get("user:c")).isEqualTo(customers.get("weibo:y"));
            assertThat(harness.extractOutputValues())
                    .allSatisfy(a -> assertThat(a.ts()).isLessThanOrEqualTo(MONDAY + 20 * ONE_DAY));
        }
    }

    @Test
    void evidenceRepeatedDailyPlansOneExpiryPerIdentifierAndExpiresATtlAfterTheLast() throws Exception {
        try (var harness = harness(16)) {
            List<IdentityEdge> daily = new ArrayList<>();
            for (int day = 0; day < 20; day++) {
                daily.add(link("user:a", "device:1", MONDAY + day * ONE_DAY));
            }
            feed(harness, daily);
            harness.processWatermark(MONDAY + 20 * ONE_DAY);
            assertThat(harness.numEventTimeTimers()).as("one planned expiry per identifier").isEqualTo(1);

            long lastEvidence = MONDAY + 19 * ONE_DAY;
            harness.processWatermark(lastEvidence + TTL.toMillis() - 1);
            assertThat(harness.numKeyedStateEntries()).as("kept until a TTL after the last evidence").isPositive();
            assertThat(harness.numEventTimeTimers()).isEqualTo(1);
            harness.processWatermark(lastEvidence + TTL.toMillis());
            assertThat(harness.numKeyedStateEntries()).as("forgotten then").isZero();
        }
    }
}
