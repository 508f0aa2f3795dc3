package io.o2o.analytics.bench.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.identity.IdentityEdge;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticEvidenceTest {
    private static final long START = 1_772_856_000_000L;

    @Test
    void makesThreeIdentifiersPerCustomerEachLinkSentOncePerRoundAndTheMergesAtTheEnd() {
        SyntheticEvidence evidence = new SyntheticEvidence(1_000, 2, 50, START, Duration.ofDays(1));
        assertThat(evidence.edges()).isEqualTo(2 * 1_000 * 2 + 19);

        Set<String> identifiers = new HashSet<>();
        Set<String> links = new HashSet<>();
        long previousTs = Long.MIN_VALUE;
        for (long i = 0; i < evidence.edges(); i++) {
            IdentityEdge edge = evidence.edge(i);
            identifiers.add(edge.a());
            identifiers.add(edge.b());
            links.add(edge.key());
            assertThat(edge.ts()).as("in event-time order").isGreaterThan(previousTs)
                    .isLessThan(START + Duration.ofDays(1).toMillis());
            previousTs = edge.ts();
        }
        assertThat(identifiers).hasSize((int) evidence.identifiers());
        assertThat(links).as("each customer's two links, and the merges").hasSize(2 * 1_000 + 19);
        assertThat(evidence.edge(evidence.edges() - 1).b()).isEqualTo("user:u949");
        assertThat(identifiers).filteredOn(id -> id.startsWith("device:"))
                .allSatisfy(id -> assertThat(id).hasSize("device:".length() + 32));
    }
}
