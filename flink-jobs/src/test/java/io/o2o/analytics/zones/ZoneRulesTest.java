package io.o2o.analytics.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ZoneRulesTest {
    private static final ZoneRules DEFAULTS = ZoneRules.defaults();

    private static ZoneRules withKinds(Set<String> locating, Set<String> coarse) {
        return new ZoneRules(DEFAULTS.smoothingWindow(), DEFAULTS.hysteresisDb(), DEFAULTS.minSwitchHold(),
                DEFAULTS.exitTimeout(), locating, coarse);
    }

    @Test
    void beaconsAndWearablesLocateAndProbesAreCoarse() {
        assertThat(DEFAULTS.locatingKinds()).containsExactlyInAnyOrder(ZoneRules.BLE_BEACON, ZoneRules.WEARABLE);
        assertThat(DEFAULTS.coarseKinds()).containsExactly(ZoneRules.WIFI_PROBE);
        assertThat(DEFAULTS.counts("door_counter")).isFalse();
        assertThat(DEFAULTS.counts(ZoneRules.WIFI_PROBE)).isTrue();
        assertThat(withKinds(Set.of(ZoneRules.BLE_BEACON), Set.of()).counts(ZoneRules.WIFI_PROBE)).isFalse();
    }

    @Test
    void aZoneVisitIsDecidedWithinTheExitTimeoutAndTheSwitchHold() {
        assertThat(DEFAULTS.decisionDelay()).isEqualTo(Duration.ofMinutes(2).plusSeconds(20));
    }

    @Test
    void invalidRulesAreRejectedWithTheSettingNamed() {
        assertThatThrownBy(() -> new ZoneRules(Duration.ZERO, 6, Duration.ofSeconds(20), Duration.ofMinutes(2),
                DEFAULTS.locatingKinds(), DEFAULTS.coarseKinds()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("smoothingWindow must be > 0");
        assertThatThrownBy(() -> new ZoneRules(Duration.ofSeconds(60), -1, Duration.ofSeconds(20),
                Duration.ofMinutes(2), DEFAULTS.locatingKinds(), DEFAULTS.coarseKinds()))
                .hasMessage("hysteresisDb must be a finite number >= 0");
        assertThatThrownBy(() -> new ZoneRules(Duration.ofSeconds(60), 6, Duration.ofSeconds(-1),
                Duration.ofMinutes(2), DEFAULTS.locatingKinds(), DEFAULTS.coarseKinds()))
                .hasMessage("minSwitchHold must be >= 0");
        assertThatThrownBy(() -> new ZoneRules(Duration.ofSeconds(60), 6, Duration.ofSeconds(20), Duration.ZERO,
                DEFAULTS.locatingKinds(), DEFAULTS.coarseKinds()))
                .hasMessage("exitTimeout must be > 0");
        assertThatThrownBy(() -> withKinds(Set.of(), Set.of(ZoneRules.WIFI_PROBE)))
                .hasMessage("locatingKinds must name at least one sensor kind");
        assertThatThrownBy(() -> withKinds(Set.of("door_counter"), Set.of()))
                .hasMessageStartingWith("sensor kinds must be among");
        assertThatThrownBy(() -> withKinds(Set.of(ZoneRules.BLE_BEACON), Set.of(ZoneRules.BLE_BEACON)))
                .hasMessage("a sensor kind cannot be both locating and coarse");
        assertThatThrownBy(() -> DEFAULTS.withPositioning(-1, 2.5)).hasMessage("positionMarginM must be a finite number >= 0");
        assertThatThrownBy(() -> DEFAULTS.withPositioning(2, 0.5)).hasMessage("pathLossExponent must be between 1 and 6");
        assertThat(DEFAULTS.withPositioning(3, 2).positionMarginM()).isEqualTo(3);
    }
}
