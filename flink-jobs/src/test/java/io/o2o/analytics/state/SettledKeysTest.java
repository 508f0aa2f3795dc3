package io.o2o.analytics.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SettledKeysTest {
    private static final long TEN_O_CLOCK = 36_000_000L;
    private static final long A_SECOND_LATER = TEN_O_CLOCK + 1_000L;

    @Test
    void aKeyIsSettledFromItsSecondTimerAtTheSameHorizon() {
        SettledKeys settled = new SettledKeys();

        assertThat(settled.alreadySettled("device-a", TEN_O_CLOCK)).as("first timer").isFalse();
        assertThat(settled.alreadySettled("device-a", TEN_O_CLOCK)).as("second timer").isTrue();
        assertThat(settled.alreadySettled("device-b", TEN_O_CLOCK)).as("another key").isFalse();
    }

    @Test
    void aNewHorizonSettlesNoKey() {
        SettledKeys settled = new SettledKeys();
        settled.alreadySettled("device-a", TEN_O_CLOCK);

        assertThat(settled.alreadySettled("device-a", A_SECOND_LATER)).isFalse();
        assertThat(settled.alreadySettled("device-a", A_SECOND_LATER)).isTrue();
    }
}
