package io.o2o.analytics.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SimulationSettingsTest {

    @Test
    void theDefaultsAreTwoThousandCustomersForTwoHoursFromTenInShanghai() {
        SimulationSettings defaults = SimulationSettings.defaults();

        assertThat(defaults.seed()).isEqualTo(42);
        assertThat(defaults.customers()).isEqualTo(2000);
        assertThat(defaults.start()).isEqualTo(Instant.parse("2026-03-07T02:00:00Z"));
        assertThat(defaults.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(defaults.pingInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.badRecordRate()).isEqualTo(0.002);
        assertThat(defaults.mix()).isEqualTo(JourneyMix.defaults());
        assertThat(defaults.endMillis() - defaults.startMillis()).isEqualTo(Duration.ofHours(2).toMillis());
    }

    @Test
    void withersChangeOneSettingAndKeepTheRest() {
        SimulationSettings changed = SimulationSettings.defaults().withSeed(7).withCustomers(10);

        assertThat(changed.seed()).isEqualTo(7);
        assertThat(changed.customers()).isEqualTo(10);
        assertThat(changed.toBuilder().build()).isEqualTo(changed);
        assertThat(changed.duration()).isEqualTo(SimulationSettings.DEFAULT_DURATION);
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        SimulationSettings.Builder builder = SimulationSettings.builder();

        assertThatThrownBy(() -> builder.customers(-1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("customers must be between 0 and 1000000, was -1");
        assertThatThrownBy(() -> SimulationSettings.builder().duration(Duration.ofMinutes(30)).build())
                .hasMessage("duration must be between PT45M and PT336H, was PT30M");
        assertThatThrownBy(() -> SimulationSettings.builder().badRecordRate(0.9).build())
                .hasMessage("badRecordRate must be between 0 and 0.5, was 0.9");
        assertThatThrownBy(() -> SimulationSettings.builder().pingInterval(Duration.ZERO).build())
                .hasMessage("pingInterval must be between PT1S and PT5M, was PT0S");
        assertThatThrownBy(() -> SimulationSettings.builder().start(Instant.parse("2026-03-07T02:00:00.500Z")).build())
                .hasMessage("start must be a whole second, was 2026-03-07T02:00:00.500Z");
    }

    @Test
    void aJourneyMixMustAddUpToOne() {
        assertThatThrownBy(() -> new JourneyMix(0.5, 0.5, 0.5, 0, 0, 0.1, 0.3))
                .hasMessage("The journey fractions must add up to 1, but they add up to 1.500000");
        assertThatThrownBy(() -> new JourneyMix(1.2, -0.2, 0, 0, 0, 0.1, 0.3))
                .hasMessage("storeVisitors must be a fraction between 0 and 1, was 1.2");
    }

    @Test
    void aMixSendsEachShareOfDrawsToItsJourney() {
        JourneyMix mix = JourneyMix.defaults();

        assertThat(mix.journeyFor(0.0)).isEqualTo(JourneyKind.STORE_VISITOR);
        assertThat(mix.journeyFor(0.349)).isEqualTo(JourneyKind.STORE_VISITOR);
        assertThat(mix.journeyFor(0.35)).isEqualTo(JourneyKind.O2O_VISITOR);
        assertThat(mix.journeyFor(0.5)).isEqualTo(JourneyKind.PASSER_BY);
        assertThat(mix.journeyFor(0.85)).isEqualTo(JourneyKind.WALK_THROUGH);
        assertThat(mix.journeyFor(0.999999)).isEqualTo(JourneyKind.ONLINE_ONLY);
        assertThat(new JourneyMix(0, 0, 1, 0, 0, 0, 0).journeyFor(0.7)).isEqualTo(JourneyKind.PASSER_BY);
    }
}
