package io.o2o.analytics.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Dead letters per reason come out in the order of the reasons, also from a restored (serialised) minute. */
class PipelineHealthAggregatorTest {
    private static final long TEN_O_CLOCK = Instant.parse("2026-03-07T02:00:00Z").toEpochMilli();
    private static final long MINUTE = 60_000;
    private static final List<String> REASONS_AS_THEY_ARRIVE =
            List.of("unknown_store", "malformed_json", "stale_timestamp", "bad_field", "future_timestamp");

    private static KeyedOneInputStreamOperatorTestHarness<String, HealthTick, MetricPoint> harness() throws Exception {
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new PipelineHealthAggregator(Duration.ofMinutes(1))),
                HealthTick::topic,
                Types.STRING);
        // As the job runs: no Kryo (issue #17).
        ((SerializerConfigImpl) harness.getExecutionConfig().getSerializerConfig()).setGenericTypes(false);
        return harness;
    }

    @Test
    void deadLettersOfARestoredMinuteComeOutInTheOrderOfTheirReasons() throws Exception {
        OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            long at = TEN_O_CLOCK + 1_000;
            before.processElement(new HealthTick("lbs-pings", 1, null, at), at);
            for (String reason : REASONS_AS_THEY_ARRIVE) {
                at += 1_000;
                before.processElement(new HealthTick("lbs-pings", 1, reason, at), at);
            }
            before.processElement(new HealthTick("lbs-pings", 1, "malformed_json", at + 1_000), at + 1_000);
            snapshot = before.snapshot(1L, at + 2_000);
        }
        try (var after = harness()) {
            after.initializeState(snapshot);
            after.open();
            after.processWatermark(TEN_O_CLOCK + 5 * MINUTE);
            List<MetricPoint> points = after.extractOutputValues();

            assertThat(points.get(0).toLineProtocol()).isEqualTo(
                    "pipeline_health,topic=lbs-pings dead_letters=6i,received=7i " + TEN_O_CLOCK);
            assertThat(points.subList(1, points.size())).extracting(p -> p.tags().get("reason"))
                    .containsExactly("bad_field", "future_timestamp", "malformed_json", "stale_timestamp",
                            "unknown_store");
            assertThat(points.get(3).fields()).containsEntry("count", 2L);
        }
    }
}
