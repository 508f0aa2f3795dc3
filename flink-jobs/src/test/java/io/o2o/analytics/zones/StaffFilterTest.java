package io.o2o.analytics.zones;

import static org.assertj.core.api.Assertions.assertThat;

import io.o2o.analytics.fence.FenceCatalog;
import io.o2o.analytics.fence.FenceFileException;
import io.o2o.analytics.records.StoreSensorEvent;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** Staff of sh-001 (open 10:00-22:00, Shanghai time) against shoppers, over the days of a learning period. */
class StaffFilterTest {
    private static final FenceCatalog FENCES = sampleCity();
    private static final String STORE = "sh-001";
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final LocalDate MONDAY = LocalDate.of(2026, 3, 2);

    private static FenceCatalog sampleCity() {
        try {
            return FenceCatalog.load(FenceCatalog.SAMPLE_CITY);
        } catch (FenceFileException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long at(int day, int hour, int minute) {
        return MONDAY.plusDays(day).atTime(LocalTime.of(hour, minute)).atZone(SHANGHAI).toInstant().toEpochMilli();
    }

    private static StoreSensorEvent heard(String device, long at) {
        return new StoreSensorEvent("sh-001-entrance-beacon", STORE, "sh-001-entrance", ZoneRules.BLE_BEACON, device,
                -60, null, null, at);
    }

    /** Heard every 20 minutes from {@code fromHour} to {@code toHour} on each of the days. */
    private static List<StoreSensorEvent> presentDaily(String device, int days, int fromHour, int toHour) {
        List<StoreSensorEvent> readings = new ArrayList<>();
        for (int day = 0; day < days; day++) {
            for (int hour = fromHour; hour < toHour; hour++) {
                for (int minute = 0; minute < 60; minute += 20) {
                    readings.add(heard(device, at(day, hour, minute)));
                }
            }
        }
        return readings;
    }

    private static List<StoreSensorEvent> passed(List<StoreSensorEvent> readings) throws Exception {
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StaffFilter(FENCES, 7, 0.6, 0.6)), StoreSensorEvent::deviceId, Types.STRING)) {
            h.open();
            for (StoreSensorEvent reading : readings) {
                h.processElement(reading, reading.ts());
            }
            return h.extractOutputValues();
        }
    }

    @Test
    void someoneHeardMostOfTheOpeningHoursOnMostDaysIsStaffOnceTheLearningPeriodIsOver() throws Exception {
        List<StoreSensorEvent> shifts = presentDaily("staff", 9, 10, 19);
        List<StoreSensorEvent> passed = passed(shifts);
        long eighthDay = at(7, 0, 0);
        assertThat(passed).as("the learning period").hasSize((int) shifts.stream().filter(r -> r.ts() < eighthDay).count());
        assertThat(passed).allSatisfy(r -> assertThat(r.ts()).isLessThan(eighthDay));
    }

    @Test
    void aShopperHeardAnHourADayAndAPartTimerOnTwoDaysAWeekStayInTheFigures() throws Exception {
        List<StoreSensorEvent> shopper = presentDaily("shopper", 9, 15, 16);
        assertThat(passed(shopper)).hasSameSizeAs(shopper);
        List<StoreSensorEvent> partTimer = new ArrayList<>();
        for (StoreSensorEvent r : presentDaily("part-timer", 9, 10, 20)) {
            int weekday = (int) ((r.ts() - at(0, 0, 0)) / Duration.ofDays(1).toMillis());
            if (weekday % 7 < 2) {
                partTimer.add(r);
            }
        }
        assertThat(passed(partTimer)).hasSameSizeAs(partTimer);
    }

    @Test
    void hoursOfThePreviousDayArrivingAfterTheNextDayBeganStillCount() throws Exception {
        // Five staff days of the seven before day 7 (4.2 needed): days 0-3 and 6, 10:00-18:00 (8 hours, 7.2 needed).
        List<StoreSensorEvent> worked = new ArrayList<>();
        for (StoreSensorEvent r : presentDaily("staff", 8, 10, 18)) {
            int day = (int) ((r.ts() - at(0, 0, 0)) / Duration.ofDays(1).toMillis());
            if (day != 4 && day != 5) {
                worked.add(r);
            }
        }
        // Day 6's afternoon (4 of its 8 hours) is uploaded late, after day 7's first reading: without it, day 6
        // is no staff day and the device would pass all of day 7.
        List<StoreSensorEvent> lateAfternoon = worked.stream()
                .filter(r -> r.ts() >= at(6, 14, 0) && r.ts() < at(7, 0, 0)).toList();
        List<StoreSensorEvent> daySeven = worked.stream().filter(r -> r.ts() >= at(7, 0, 0)).toList();
        List<StoreSensorEvent> arrivals = new ArrayList<>(worked);
        arrivals.removeAll(lateAfternoon);
        arrivals.removeAll(daySeven);
        arrivals.add(daySeven.get(0));
        arrivals.addAll(lateAfternoon);
        arrivals.addAll(daySeven.subList(1, daySeven.size()));

        List<StoreSensorEvent> passed = passed(arrivals);
        assertThat(passed).contains(daySeven.get(0)).doesNotContainAnyElementsOf(daySeven.subList(1, daySeven.size()));
        assertThat(passed).containsAll(worked.stream().filter(r -> r.ts() < at(6, 14, 0)).toList());
    }

    @Test
    void hoursOutsideTheOpeningHoursDoNotMakeAStaffDay() throws Exception {
        // The early cleaner's phone: heard 06:00-10:00 every day, before the store opens.
        List<StoreSensorEvent> night = new ArrayList<>(presentDaily("cleaner", 9, 6, 10));
        assertThat(passed(night)).hasSameSizeAs(night);
    }

    // ---- a store open across midnight

    private static final String BAR = "bar-1";

    private static FenceCatalog nightCity() throws Exception {
        return FenceCatalog.fromGeoJson("""
                {"type":"FeatureCollection","features":[
                 {"type":"Feature","properties":{"type":"store","id":"bar-1","nearBufferM":30,"capacity":80,
                   "openingHours":"18:00-02:00","timezone":"Asia/Shanghai"},
                  "geometry":{"type":"Polygon","coordinates":[[[121.4700,31.2300],[121.4706,31.2300],
                   [121.4706,31.2305],[121.4700,31.2305],[121.4700,31.2300]]]}}
                ]}""", "night.geojson");
    }

    @Test
    void aNightShiftInAStoreOpenAcrossMidnightIsStaffOnceTheLearningPeriodIsOver() throws Exception {
        // Heard every 20 minutes from 18:00 to 02:00 on nights 0 to 8: every night is one opening day of 8 hours.
        List<StoreSensorEvent> shifts = new ArrayList<>();
        for (int night = 0; night < 9; night++) {
            for (long t = at(night, 18, 0); t < at(night + 1, 2, 0); t += Duration.ofMinutes(20).toMillis()) {
                shifts.add(new StoreSensorEvent("bar-1-beacon", BAR, null, ZoneRules.BLE_BEACON, "night-staff", -60, null,
                        null, t));
            }
        }
        List<StoreSensorEvent> passed = new ArrayList<>();
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StaffFilter(nightCity(), 7, 0.6, 0.6)), StoreSensorEvent::deviceId,
                Types.STRING)) {
            h.open();
            for (StoreSensorEvent reading : shifts) {
                h.processElement(reading, reading.ts());
            }
            passed.addAll(h.extractOutputValues());
        }
        long eighthNight = at(7, 18, 0);
        assertThat(passed).as("the seven nights of the learning period, after midnight included")
                .containsExactlyElementsOf(shifts.stream().filter(r -> r.ts() < eighthNight).toList());
    }

    // ---- staff presence expires in event time

    /** learningDays 7: a store's entry lives for 8 days after the device was last heard there. */
    private static final Duration TTL = Duration.ofDays(8);
    private static final long TEN_YEARS = Duration.ofDays(3653).toMillis();

    private static KeyedOneInputStreamOperatorTestHarness<String, StoreSensorEvent, StoreSensorEvent> harness()
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StaffFilter(FENCES, 7, 0.6, 0.6)), StoreSensorEvent::deviceId, Types.STRING);
        h.open();
        return h;
    }

    @Test
    void aStoresEntryIsKeptUntilTheDeviceWasNotHeardThereForTheTtlInEventTime() throws Exception {
        long heard = at(0, 12, 0);
        try (var h = harness()) {
            h.processElement(heard("shopper", heard), heard);
            h.processWatermark(heard + TTL.toMillis() - 1);
            assertThat(h.numKeyedStateEntries()).as("the store's entry and the device's expiry").isEqualTo(2);
            h.processWatermark(heard + TTL.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }

    @Test
    void staffWhoLeftForTheTtlLearnAgainFromScratch() throws Exception {
        // Staff on days 0-8, away for the TTL, then back on days 18-26: a newcomer again, staff only after 7 more
        // days (without the expiry, its first day would still be day 0 and five staff days would do, from day 23).
        List<StoreSensorEvent> readings = new ArrayList<>(presentDaily("staff", 9, 10, 19));
        List<StoreSensorEvent> back = presentDaily("staff", 27, 10, 19).stream().filter(r -> r.ts() >= at(18, 0, 0)).toList();
        readings.addAll(back);
        List<StoreSensorEvent> passed = passed(readings);
        assertThat(passed).containsAll(back.stream().filter(r -> r.ts() < at(25, 0, 0)).toList())
                .noneMatch(r -> r.ts() >= at(25, 0, 0));
    }

    @Test
    void yearsOfWallClockExpireNothing() throws Exception {
        List<StoreSensorEvent> shifts = presentDaily("staff", 9, 10, 19);
        List<StoreSensorEvent> passed = new ArrayList<>();
        try (var h = harness()) {
            for (StoreSensorEvent reading : shifts) {
                if (reading.ts() >= at(4, 0, 0) && h.getProcessingTime() == 0) {
                    h.setProcessingTime(TEN_YEARS);
                    h.setStateTtlProcessingTime(TEN_YEARS);
                }
                h.processElement(reading, reading.ts());
            }
            passed.addAll(h.extractOutputValues());
        }
        assertThat(passed).as("the learning period only").noneMatch(r -> r.ts() >= at(7, 0, 0)).isNotEmpty();
    }

    @Test
    void theEndOfInputExpiresNothingAndARestoreKeepsThePendingExpiry() throws Exception {
        long heard = at(0, 12, 0);
        try (var h = harness()) {
            h.processElement(heard("shopper", heard), heard);
            h.processWatermark(Long.MAX_VALUE);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        }
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.processElement(heard("shopper", heard), heard);
            h.processWatermark(heard);
            snapshot = h.snapshot(1, heard);
        }
        try (var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new StaffFilter(FENCES, 7, 0.6, 0.6)), StoreSensorEvent::deviceId, Types.STRING)) {
            h.setup();
            h.initializeState(snapshot);
            h.open();
            h.processWatermark(heard + TTL.toMillis() - 1);
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            h.processWatermark(heard + TTL.toMillis());
            assertThat(h.numKeyedStateEntries()).isZero();
        }
    }
}
