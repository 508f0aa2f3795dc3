package io.o2o.analytics.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.records.LbsPing;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DeviceUserEvidenceTest {
    private static final long NOON = 1_772_884_800_000L;
    private static final long ONE_MINUTE = 60_000L;
    private static final Duration REFRESH = Duration.ofHours(1);

    private static LbsPing ping(String user, long ts) {
        return new LbsPing("d1", user, 31.23, 121.47, 8, ts, "gps", ts);
    }

    @Test
    void aPairIsSentOncePerRefreshAndAgainWhenTheUserOrAnEarlierSightingAppears() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeviceUserEvidence(REFRESH)), LbsPing::deviceId, Types.STRING)) {
            harness.open();
            for (LbsPing ping : new LbsPing[] {
                ping("u-1", NOON), ping("u-1", NOON + ONE_MINUTE), ping(null, NOON + 2 * ONE_MINUTE),
                ping("u-1", NOON - 5 * ONE_MINUTE), ping("u-2", NOON + 3 * ONE_MINUTE),
                ping("u-2", NOON + 70 * ONE_MINUTE)
            }) {
                harness.processElement(ping, ping.ts());
            }
            assertThat(harness.extractOutputValues())
                    .extracting(IdentityEdge::b, IdentityEdge::ts)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("user:u-1", NOON),
                            org.assertj.core.groups.Tuple.tuple("user:u-1", NOON - 5 * ONE_MINUTE),
                            org.assertj.core.groups.Tuple.tuple("user:u-2", NOON + 3 * ONE_MINUTE),
                            org.assertj.core.groups.Tuple.tuple("user:u-2", NOON + 70 * ONE_MINUTE));
            assertThat(harness.extractOutputValues()).allSatisfy(edge -> assertThat(edge.a()).isEqualTo("device:d1"));

            harness.processWatermark(NOON + 70 * ONE_MINUTE + 2 * REFRESH.toMillis());
            assertThat(harness.numKeyedStateEntries()).isZero();
        }
    }
}
