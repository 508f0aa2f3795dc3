package io.o2o.analytics.zones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class StoreHoursTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    /** A Friday. */
    private static final LocalDate FRIDAY = LocalDate.of(2026, 3, 6);

    private static ZonedDateTime at(LocalDate day, int hour, int minute, int second) {
        return LocalDateTime.of(day, java.time.LocalTime.of(hour, minute, second)).atZone(SHANGHAI);
    }

    @Test
    void hoursAcrossMidnightAreOpenUntilTheNextDaysClosing() {
        StoreHours bar = StoreHours.parse("18:00-02:00", "Asia/Shanghai");
        LocalDate tuesday = FRIDAY.minusDays(3);
        LocalDate wednesday = tuesday.plusDays(1);
        assertThat(bar.overnight()).isTrue();
        assertThat(bar.open(at(tuesday, 17, 59, 59))).as("17:59:59").isFalse();
        assertThat(bar.open(at(tuesday, 18, 0, 0))).as("18:00").isTrue();
        assertThat(bar.open(at(tuesday, 23, 59, 59))).as("23:59:59").isTrue();
        assertThat(bar.open(at(wednesday, 0, 0, 0))).as("midnight").isTrue();
        assertThat(bar.open(at(wednesday, 1, 59, 59))).as("01:59:59").isTrue();
        assertThat(bar.open(at(wednesday, 2, 0, 0))).as("02:00").isFalse();
        assertThat(bar.open(at(wednesday, 12, 0, 0))).as("noon").isFalse();
        assertThat(bar.open(at(tuesday, 20, 0, 0).toInstant().toEpochMilli())).as("by the instant").isTrue();
        assertThat(bar.hoursPerDay()).as("18 to 2").isEqualTo(8);
    }

    @Test
    void aNightBelongsToTheDayItOpened() {
        StoreHours fridaysOnly = StoreHours.parse("18:00-02:00", "FRI", "Asia/Shanghai");
        LocalDate saturday = FRIDAY.plusDays(1);
        assertThat(fridaysOnly.open(at(saturday, 1, 0, 0))).as("Saturday 01:00, Friday's night").isTrue();
        assertThat(fridaysOnly.open(at(FRIDAY, 1, 0, 0))).as("Friday 01:00, Thursday's night").isFalse();
        assertThat(fridaysOnly.open(at(FRIDAY, 18, 0, 0))).as("Friday 18:00").isTrue();
        assertThat(fridaysOnly.open(at(saturday, 18, 0, 0))).as("Saturday 18:00").isFalse();
        assertThat(fridaysOnly.openingDay(at(saturday, 1, 59, 59))).isEqualTo(FRIDAY);
        assertThat(fridaysOnly.openingDay(at(saturday, 2, 0, 0))).isEqualTo(saturday);
        assertThat(fridaysOnly.openingDay(at(FRIDAY, 23, 0, 0))).isEqualTo(FRIDAY);
    }

    @Test
    void hoursWithinADayAndAroundTheClock() {
        StoreHours shop = StoreHours.parse("10:00-22:00", "MON,TUE,WED,THU,FRI", "Asia/Shanghai");
        assertThat(shop.overnight()).isFalse();
        assertThat(shop.open(at(FRIDAY, 9, 59, 59))).isFalse();
        assertThat(shop.open(at(FRIDAY, 10, 0, 0))).isTrue();
        assertThat(shop.open(at(FRIDAY, 21, 59, 59))).isTrue();
        assertThat(shop.open(at(FRIDAY, 22, 0, 0))).isFalse();
        assertThat(shop.open(at(FRIDAY.plusDays(1), 12, 0, 0))).as("Saturday").isFalse();
        assertThat(shop.openingDay(at(FRIDAY, 1, 0, 0))).isEqualTo(FRIDAY);
        assertThat(shop.hoursPerDay()).isEqualTo(12);

        StoreHours always = StoreHours.parse("00:00-24:00", "Asia/Shanghai");
        assertThat(always.open(at(FRIDAY, 0, 0, 0))).isTrue();
        assertThat(always.open(at(FRIDAY, 23, 59, 59))).isTrue();
        assertThat(always.hoursPerDay()).isEqualTo(24);

        StoreHours untilMidnight = StoreHours.parse("22:00-00:00", "Asia/Shanghai");
        assertThat(untilMidnight.open(at(FRIDAY, 23, 59, 59))).isTrue();
        assertThat(untilMidnight.open(at(FRIDAY, 0, 0, 0))).isFalse();
        assertThat(untilMidnight.hoursPerDay()).isEqualTo(2);
    }

    @Test
    void equalOpeningAndClosingAreRefused() {
        assertThatThrownBy(() -> StoreHours.parse("10:00-10:00", "Asia/Shanghai"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("00:00-24:00");
        assertThatThrownBy(() -> StoreHours.parse("10:00-22:00", "Fri", "Asia/Shanghai"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
